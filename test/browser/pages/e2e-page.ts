/**
 * End-to-end page: the real `RealtimeClient` (WebSocket transport, the browser's own
 * WebSocket, subprotocol auth with an ephemeral-style key) talks to the mock server; the fake
 * microphone's speech flows through `MicrophoneCapture`, the reply through `AudioPlayer`, and
 * the user's barge-in interrupts it. A test-only recorder taps the player's output.
 */
import { RealtimeClient } from '../../../src/client/client';
import type { InterruptionInfo } from '../../../src/client/client-events';
import { AudioPlayer, MicrophoneCapture, encodeBase64, type AudioPlayerFlushResult, type PlaybackStart } from '../../../src/audio/index';

import { TAP_PROCESSOR } from './tap-worklet';

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

async function bargeIn(url: string, options: BargeInOptions): Promise<BargeInResult> {
  const main = instrument(options);
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
    offThread: options.offThread,
    workerUrl: options.workerUrl,
  });
  const player = new AudioPlayer({ workletUrl: '/worklets/playback-processor.js', offThread: options.offThread, workerUrl: options.workerUrl });
  const write = player.write.bind(player);
  player.write = (chunk) => {
    main.playerWrites += 1;
    write(chunk);
  };
  client.on('response.output_audio.delta', (event) => {
    main.deltas += 1;
    main.deltaPayloadChars += event.delta.length;
  });
  capture.on('chunk', () => {
    main.captureChunks += 1;
  });
  await player.start();
  const context = player.context!;
  // Served as a file, so the strict-CSP page can load it too.
  await context.audioWorklet.addModule('/tap.js');
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
  await sleep(50);
  const dump = await new Promise<{ first: number; last: number; startFrame: number; samples: Float32Array }>((resolve) => {
    tap.port.onmessage = (event) => resolve(event.data);
    tap.port.postMessage('dump');
  });
  await capture.stop();
  await client.disconnect();
  await player.close();
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
