/**
 * End-to-end page: the real `RealtimeClient` (WebSocket transport, the browser's own
 * WebSocket, subprotocol auth with an ephemeral-style key) talks to the mock server; the fake
 * microphone's speech flows through `MicrophoneCapture`, the reply through `AudioPlayer`, and
 * the user's barge-in interrupts it. A test-only recorder taps the player's output.
 */
import { RealtimeClient } from '../../../src/client/client';
import type { InterruptionInfo } from '../../../src/client/client-events';
import type { WebSocketTransport } from '../../../src/transport/websocket';
import { AudioPlayer, MicrophoneCapture, encodeBase64, type AudioPlayerFlushResult, type PlaybackStartInfo } from '../../../src/audio/index';

import { TAP_PROCESSOR, type TapDump } from './tap-worklet';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/** How the page runs the scenario. */
export interface BargeInOptions {
  /** The player's and capture's `offThread`. */
  offThread: boolean;
  /** Their `workerUrl`. */
  workerUrl?: string;
  /** Remove `Worker` from the page first (the fallback path). */
  withoutWorker?: boolean;
  /** Block the main thread for 200 ms every 300 ms once connected (bench/audio: a busy page). */
  busyMainThread?: boolean;
  /**
   * bench/audio: capture and player share one AudioContext, and a recorder on the microphone's
   * own stream finds the barge-in's speech onset on that clock (see {@link BargeInResult.onset}).
   */
  measureOnset?: boolean;
  /**
   * The app listens to the capture's `chunk` and the client's `audio` events (recording what
   * they carry), and, after the barge-in, sends a large append and watches
   * `transport.bufferedAmount` (see {@link BargeInResult.listened}).
   */
  appListens?: boolean;
}

/** With `appListens`: what the app's listeners received, and what `bufferedAmount` read. */
export interface AppListened {
  /** `chunk` events, and their samples end to end (PCM16, base64). */
  chunkEvents: number;
  chunkSamplesBase64: string;
  /** `audio` events, and the cut reply's samples end to end (PCM16 at 24 kHz, base64). */
  audioEvents: number;
  audioSamplesBase64: string;
  /** The size of the large append's frame, `bufferedAmount` right after sending it, and whether it read 0 again within 10 s. */
  appendChars: number;
  bufferedAfterSend: number;
  drained: boolean;
}

/** Where the user's barge-in starts in the microphone signal, on the shared context's clock. */
export interface SpeechOnset {
  /** Context time (s) of the first frame of the barge-in's speech, found in the recorded microphone input. */
  contextTime: number;
  /** From that frame to the first silent output frame after the flush (ack.silentAt), in ms. */
  toSilentMs: number | undefined;
}

/** What crossed the page's main thread (the off-thread path must keep audio away from it). */
export interface MainThreadAudio {
  /** WebSockets the page itself opened. */
  pageSockets: number;
  /** Workers the page started. */
  workers: number;
  /** `response.output_audio.delta` events the client saw, and the base64 characters they carried. */
  deltas: number;
  deltaPayloadChars: number;
  /** Messages from the Worker that carried an audio payload. */
  workerMessagesWithAudio: number;
  /** Capture chunks delivered on the page, and samples the page wrote to the player. */
  captureChunks: number;
  playerWrites: number;
  /** Appends the client sent from the page. */
  pageAppends: number;
}

/** What the barge-in scenario returns. */
export interface BargeInResult {
  main: MainThreadAudio;
  /** Wall-clock time (ms since the epoch) at which the output went silent after the barge-in. */
  silentWallMs: number | undefined;
  contextSampleRate: number;
  /** The first part that started playing (the reply). */
  started: PlaybackStartInfo | undefined;
  /** The flush acknowledgement that cut the reply. */
  ack: AudioPlayerFlushResult | undefined;
  /** The client's `interrupted` event for it. */
  interrupted: InterruptionInfo | undefined;
  /** Every `interrupted` event, in order. */
  interruptions: InterruptionInfo[];
  /** performance.now() when speech_started arrived, and when output went silent (via the output timestamp). */
  speechStartedToSilentMs: number | undefined;
  tap: { first: number; last: number; startFrame: number; gaps: TapDump['gaps']; samplesBase64: string };
  chunksSent: number;
  /** Underruns of the player during the reply. */
  underruns: number;
  /** With `measureOnset`: the barge-in's onset in the microphone signal. */
  onset: SpeechOnset | undefined;
  /** With `appListens`. */
  listened: AppListened | undefined;
  errors: string[];
}

/**
 * The last speech onset before `beforeFrame` in a recording: the start of the first 5 ms window
 * above -40 dBFS after at least 200 ms below it (the fixture's phrases are separated by pauses).
 */
function lastOnset(samples: Float32Array, startFrame: number, sampleRate: number, beforeFrame: number): number | undefined {
  const window = Math.round(sampleRate * 0.005);
  const quietWindows = Math.round(0.2 / 0.005);
  const threshold = 0.01;
  let quiet = 0;
  let onset: number | undefined;
  for (let begin = 0; begin + window <= samples.length && startFrame + begin < beforeFrame; begin += window) {
    let energy = 0;
    for (let i = begin; i < begin + window; i++) energy += samples[i]! * samples[i]!;
    if (Math.sqrt(energy / window) < threshold) {
      quiet += 1;
      continue;
    }
    if (quiet >= quietWindows) {
      // Refine to the first sample of the window over the threshold's amplitude.
      let first = begin;
      while (first < begin + window - 1 && Math.abs(samples[first]!) < threshold) first += 1;
      onset = startFrame + first;
    }
    quiet = 0;
  }
  return onset;
}

/** Counts what crosses the main thread: the page's WebSockets and Workers, before the SDK runs. */
function instrument(options: BargeInOptions): MainThreadAudio {
  const main: MainThreadAudio = { pageSockets: 0, workers: 0, deltas: 0, deltaPayloadChars: 0, workerMessagesWithAudio: 0, captureChunks: 0, playerWrites: 0, pageAppends: 0 };
  const PageWebSocket = window.WebSocket;
  window.WebSocket = class extends PageWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      main.pageSockets += 1;
      const send = this.send.bind(this);
      this.send = (data) => {
        if (typeof data === 'string' && data.includes('"input_audio_buffer.append"')) main.pageAppends += 1;
        send(data);
      };
    }
  };
  const PageWorker = window.Worker;
  if (options.withoutWorker === true) {
    delete (window as { Worker?: unknown }).Worker;
  } else {
    window.Worker = class extends PageWorker {
      constructor(url: string | URL, init?: WorkerOptions) {
        super(url, init);
        main.workers += 1;
        this.addEventListener('message', (event: MessageEvent) => {
          const data = (event.data as { data?: unknown }).data;
          if (typeof data === 'string' && /"(delta|audio)":"[^"]/.test(data) && /output_audio\.delta"|input_audio_buffer\.append"/.test(data)) main.workerMessagesWithAudio += 1;
        });
      }
    };
  }
  return main;
}

/** Arrays end to end, as base64 of their bytes. */
function joinBase64(arrays: Int16Array[]): string {
  const joined = new Int16Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    joined.set(array, offset);
    offset += array.length;
  }
  return encodeBase64(new Uint8Array(joined.buffer));
}

async function bargeIn(url: string, options: BargeInOptions): Promise<BargeInResult> {
  const main = instrument(options);
  const errors: string[] = [];
  const shared = options.measureOnset === true ? new AudioContext() : undefined;
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
    offThread: options.offThread,
    workerUrl: options.workerUrl,
    context: shared,
  });
  const player = new AudioPlayer({ workletUrl: '/worklets/playback-processor.js', offThread: options.offThread, workerUrl: options.workerUrl, context: shared });
  const write = player.write.bind(player);
  player.write = (chunk) => {
    main.playerWrites += 1;
    write(chunk);
  };
  client.on('response.output_audio.delta', (event) => {
    main.deltas += 1;
    main.deltaPayloadChars += event.delta.length;
  });
  const chunks: Int16Array[] = [];
  const audio: { itemId: string; samples: Int16Array }[] = [];
  if (options.appListens === true) {
    capture.on('chunk', (chunk) => chunks.push((chunk as Int16Array).slice()));
    client.on('audio', (chunk) => audio.push({ itemId: chunk.itemId, samples: chunk.samples.slice() }));
  }
  await player.start();
  const context = player.context!;
  // Served as a file, so the strict-CSP page can load it too.
  await context.audioWorklet.addModule('/tap.js');
  const tap = new AudioWorkletNode(context, TAP_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
  player.outputNode!.connect(tap);

  let started: PlaybackStartInfo | undefined;
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
  // A second subscriber, as the client is one: it counts the chunks delivered to subscribers on the page.
  let chunksSent = 0;
  capture.subscribe(() => {
    chunksSent += 1;
    main.captureChunks += 1;
  });

  client.attachInput(capture);
  client.attachOutput(player);
  await client.connect();
  let busy: ReturnType<typeof setInterval> | undefined;
  if (options.busyMainThread === true) {
    busy = setInterval(() => {
      const until = performance.now() + 200;
      while (performance.now() < until) {
        // A render, a layout, analytics: the page's main thread is not ours.
      }
    }, 300);
  }
  await capture.start();
  let inputTap: AudioWorkletNode | undefined;
  if (shared !== undefined) {
    inputTap = new AudioWorkletNode(shared, TAP_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
    shared.createMediaStreamSource(capture.stream!).connect(inputTap);
  }
  const interrupted = await Promise.race([cut, sleep(20_000).then(() => undefined)]);
  const ack = interrupted === undefined ? undefined : acks.find((result) => result.itemId === interrupted.itemId);
  let speechStartedToSilentMs: number | undefined;
  const stamp = context.getOutputTimestamp();
  if (ack !== undefined && speechStartedAt !== undefined && stamp.contextTime !== undefined && stamp.performanceTime !== undefined) {
    speechStartedToSilentMs = stamp.performanceTime + (ack.silentAt - stamp.contextTime) * 1000 - speechStartedAt;
  }
  clearInterval(busy);
  const silentWallMs = stamp.performanceTime === undefined || stamp.contextTime === undefined || ack === undefined
    ? undefined
    : performance.timeOrigin + stamp.performanceTime + (ack.silentAt - stamp.contextTime) * 1000;
  const underruns = player.stats.underruns;
  // The recorder must have heard the output past the acknowledged silence (the test checks 20 ms
  // of it): wait on the context's clock, not the page's, which a loaded machine slows down.
  for (let polls = 0; ack !== undefined && context.currentTime < ack.silentAt + 0.05 && polls < 500; polls += 1) await sleep(10);
  const dump = await new Promise<TapDump>((resolve) => {
    tap.port.onmessage = (event) => resolve(event.data);
    tap.port.postMessage('dump');
  });
  let onset: SpeechOnset | undefined;
  if (inputTap !== undefined && ack !== undefined) {
    const input = await new Promise<TapDump>((resolve) => {
      inputTap.port.onmessage = (event) => resolve(event.data);
      inputTap.port.postMessage('dump');
    });
    const frame = lastOnset(input.samples, input.startFrame, context.sampleRate, Math.round(ack.silentAt * context.sampleRate));
    if (frame !== undefined) onset = { contextTime: frame / context.sampleRate, toSilentMs: (ack.silentAt - frame / context.sampleRate) * 1000 };
  }
  // Stopped first, so every chunk the Worker sent has reached the `chunk` listener too.
  await capture.stop();
  let listened: AppListened | undefined;
  if (options.appListens === true) {
    // 30 s of silence in one append: far more than loopback moves at once.
    const transport = client.transport as WebSocketTransport;
    const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: encodeBase64(new Uint8Array(24000 * 60)) });
    client.send(JSON.parse(append) as { type: 'input_audio_buffer.append'; audio: string });
    const bufferedAfterSend = transport.bufferedAmount;
    const deadline = performance.now() + 10_000;
    while ((transport.bufferedAmount) > 0 && performance.now() < deadline) await sleep(10);
    listened = {
      chunkEvents: chunks.length,
      chunkSamplesBase64: joinBase64(chunks),
      audioEvents: audio.length,
      // The cut reply's only: the mock may already answer the interruption.
      audioSamplesBase64: joinBase64(audio.filter((chunk) => chunk.itemId === interrupted?.itemId).map((chunk) => chunk.samples)),
      appendChars: append.length,
      bufferedAfterSend,
      drained: (transport.bufferedAmount) === 0,
    };
  }
  await client.disconnect();
  await player.close();
  await shared?.close();
  return {
    main,
    silentWallMs,
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
      gaps: dump.gaps,
      samplesBase64: encodeBase64(new Uint8Array(dump.samples.buffer, dump.samples.byteOffset, dump.samples.byteLength)),
    },
    chunksSent,
    underruns,
    onset,
    listened,
    errors,
  };
}

const api = { bargeIn };

/** The page's API, as `window.vx`. */
export type E2ePageApi = typeof api;

(window as unknown as { vx: E2ePageApi }).vx = api;
document.title = 'ready';
