/**
 * End-to-end page: the real `RealtimeClient` (WebSocket transport, the browser's own
 * WebSocket, subprotocol auth with an ephemeral-style key) talks to the mock server; the fake
 * microphone's speech flows through `MicrophoneCapture`, the reply through `AudioPlayer`, and
 * the user's barge-in interrupts it. A test-only recorder taps the player's output.
 */
import { RealtimeClient } from '../../../src/client/client';
import type { InterruptionInfo } from '../../../src/client/client-events';
import { AudioPlayer, MicrophoneCapture, encodeBase64, type AudioPlayerFlushResult, type PlaybackStart } from '../../../src/audio/index';

import { TAP_PROCESSOR, TAP_SOURCE } from './tap-worklet';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/** What the barge-in scenario returns. */
export interface BargeInResult {
  contextSampleRate: number;
  /** The first part that started playing (the reply). */
  started: PlaybackStart | undefined;
  /** The flush acknowledgement that cut the reply. */
  ack: AudioPlayerFlushResult | undefined;
  /** The client's `interrupted` event for it. */
  interrupted: InterruptionInfo | undefined;
  /** Every `interrupted` event, in order. */
  interruptions: InterruptionInfo[];
  /** performance.now() when speech_started arrived, and when output went silent (via the output timestamp). */
  speechStartedToSilentMs: number | undefined;
  tap: { first: number; last: number; startFrame: number; samplesBase64: string };
  chunksSent: number;
  /** Underruns of the player during the reply. */
  underruns: number;
  errors: string[];
}

async function bargeIn(url: string): Promise<BargeInResult> {
  const errors: string[] = [];
  const client = new RealtimeClient({
    url,
    apiKey: 'ek_browser_test',
    reconnect: false,
    session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad' } } } },
  });
  const capture = new MicrophoneCapture({
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
    workletUrl: '/worklets/capture-processor.js',
  });
  const player = new AudioPlayer({ workletUrl: '/worklets/playback-processor.js' });
  await player.start();
  const context = player.context!;
  const tapUrl = URL.createObjectURL(new Blob([TAP_SOURCE], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(tapUrl);
  const tap = new AudioWorkletNode(context, TAP_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
  player.outputNode!.connect(tap);

  let started: PlaybackStart | undefined;
  player.on('started', (start) => {
    started ??= start;
  });
  const acks: AudioPlayerFlushResult[] = [];
  player.on('flushed', (result) => {
    if (result !== null) acks.push(result);
  });
  let speechStartedAt: number | undefined;
  client.on('input_audio_buffer.speech_started', () => {
    if (started !== undefined) speechStartedAt ??= performance.now();
  });
  const interruptions: InterruptionInfo[] = [];
  const cut = new Promise<InterruptionInfo>((resolve) => {
    client.on('interrupted', (info) => {
      interruptions.push(info);
      if (info.itemId !== undefined) resolve(info);
    });
  });
  client.on('error', (error) => errors.push(`${error.code}: ${error.message}`));
  capture.on('error', (error) => errors.push(`capture ${error.code}: ${error.message}`));
  player.on('error', (error) => errors.push(`player ${error.code}: ${error.message}`));
  let chunksSent = 0;
  capture.subscribe(() => {
    chunksSent += 1;
  });

  client.attachInput(capture);
  client.attachOutput(player);
  await client.connect();
  await capture.start();
  const interrupted = await Promise.race([cut, sleep(20_000).then(() => undefined)]);
  const ack = interrupted === undefined ? undefined : acks.find((result) => result.itemId === interrupted.itemId);
  let speechStartedToSilentMs: number | undefined;
  const stamp = context.getOutputTimestamp();
  if (ack !== undefined && speechStartedAt !== undefined && stamp.contextTime !== undefined && stamp.performanceTime !== undefined) {
    speechStartedToSilentMs = stamp.performanceTime + (ack.silentAt - stamp.contextTime) * 1000 - speechStartedAt;
  }
  const underruns = player.stats.underruns;
  await sleep(50);
  const dump = await new Promise<{ first: number; last: number; startFrame: number; samples: Float32Array }>((resolve) => {
    tap.port.onmessage = (event) => resolve(event.data);
    tap.port.postMessage('dump');
  });
  await capture.stop();
  await client.disconnect();
  await player.close();
  return {
    contextSampleRate: context.sampleRate,
    started,
    ack,
    interrupted,
    interruptions,
    speechStartedToSilentMs,
    tap: {
      first: dump.first,
      last: dump.last,
      startFrame: dump.startFrame,
      samplesBase64: encodeBase64(new Uint8Array(dump.samples.buffer, dump.samples.byteOffset, dump.samples.byteLength)),
    },
    chunksSent,
    underruns,
    errors,
  };
}

const api = { bargeIn };

/** The page's API, as `window.vx`. */
export type E2ePageApi = typeof api;

(window as unknown as { vx: E2ePageApi }).vx = api;
document.title = 'ready';
