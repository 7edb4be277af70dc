/**
 * The browser test page: bundles `voxwire/audio` from source and exposes scenarios the
 * Chromium tests call with `page.evaluate`. Each scenario returns plain JSON (PCM as base64),
 * and the assertions run in Node. Worklets load from `/worklets/*.js` (the published asset
 * layout) unless a scenario asks for the inline Blob fallback.
 */
import {
  AudioPlayer,
  MicrophoneCapture,
  encodeBase64,
  type AudioFormatLike,
  type AudioLevel,
  type AudioPlayerFlushResult,
  type MicrophoneCaptureState,
} from '../../../src/audio/index';

const CAPTURE_URL = '/worklets/capture-processor.js';
const PLAYBACK_URL = '/worklets/playback-processor.js';

import { TAP_PROCESSOR, TAP_SOURCE, type TapDump } from './tap-worklet';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


async function createTap(context: AudioContext, source: AudioNode): Promise<() => Promise<TapDump>> {
  const url = URL.createObjectURL(new Blob([TAP_SOURCE], { type: 'text/javascript' }));
  await context.audioWorklet.addModule(url);
  const node = new AudioWorkletNode(context, TAP_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
  source.connect(node);
  return () =>
    new Promise<TapDump>((resolve) => {
      node.port.onmessage = (event: MessageEvent<TapDump>) => {
        source.disconnect(node);
        resolve(event.data);
      };
      node.port.postMessage('dump');
    });
}

function pcmToBase64(chunks: Int16Array[]): string {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const all = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return encodeBase64(all);
}

function floatsToBase64(samples: Float32Array): string {
  return encodeBase64(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
}

/** A cosine tone as PCM16 chunks (cosine, so the very first sample is not zero). */
function toneChunks(frequency: number, totalMs: number, chunkMs: number, sampleRate: number, amplitude: number): Int16Array[] {
  const chunkSamples = Math.round((sampleRate * chunkMs) / 1000);
  const total = Math.round((sampleRate * totalMs) / 1000);
  const chunks: Int16Array[] = [];
  for (let start = 0; start < total; start += chunkSamples) {
    const length = Math.min(chunkSamples, total - start);
    const chunk = new Int16Array(length);
    for (let i = 0; i < length; i++) chunk[i] = Math.round(amplitude * 32767 * Math.cos((2 * Math.PI * frequency * (start + i)) / sampleRate));
    chunks.push(chunk);
  }
  return chunks;
}

/** Options of {@link captureScenario}. */
export interface CaptureScenario {
  durationMs: number;
  chunkMs?: number;
  format?: AudioFormatLike;
  muteFromMs?: number;
  switchDeviceAtMs?: number;
  silenceTimeoutMs?: number;
  inlineWorklet?: boolean;
}

/** What {@link captureScenario} returns. */
export interface CaptureResult {
  contextSampleRate: number;
  chunks: Array<{ kind: string; length: number; byteOffset: number; bufferBytes: number }>;
  /** All chunks concatenated: base64 of PCM16 (or G.711 bytes). */
  dataBase64: string;
  levels: AudioLevel[];
  states: MicrophoneCaptureState['status'][];
  silence: Array<{ silent: boolean; durationMs: number }>;
  devices: Array<{ deviceId: string | undefined; label: string }>;
  trackSettings: MediaTrackSettings | undefined;
  chunkMsAtMute: number;
  chunkTimes: number[];
}

async function captureScenario(scenario: CaptureScenario): Promise<CaptureResult> {
  const capture = new MicrophoneCapture({
    echoCancellation: false,
    noiseSuppression: false,
    autoGainControl: false,
    ...(scenario.chunkMs === undefined ? {} : { chunkMs: scenario.chunkMs }),
    ...(scenario.format === undefined ? {} : { format: scenario.format }),
    ...(scenario.silenceTimeoutMs === undefined ? {} : { silenceTimeoutMs: scenario.silenceTimeoutMs }),
    ...(scenario.inlineWorklet ? {} : { workletUrl: CAPTURE_URL }),
  });
  const chunks: Array<Int16Array | Uint8Array> = [];
  const chunkTimes: number[] = [];
  const levels: AudioLevel[] = [];
  const states: MicrophoneCaptureState['status'][] = [];
  const silence: CaptureResult['silence'] = [];
  const devices: CaptureResult['devices'] = [];
  capture.on('state', (state) => states.push(state.status));
  capture.on('level', (level) => levels.push(level));
  capture.on('silence', (info) => silence.push(info));
  capture.on('device', (device) => devices.push(device));
  const unsubscribe = capture.subscribe((chunk) => {
    chunks.push(chunk);
    chunkTimes.push(capture.context?.currentTime ?? 0);
  });
  await capture.start();
  const contextSampleRate = capture.context!.sampleRate;
  const trackSettings = capture.stream?.getAudioTracks()[0]?.getSettings();
  const started = performance.now();
  let chunkMsAtMute = -1;
  const timers: Array<Promise<void>> = [];
  if (scenario.muteFromMs !== undefined) {
    timers.push(
      sleep(scenario.muteFromMs).then(() => {
        chunkMsAtMute = chunks.length;
        capture.setMuted(true);
      }),
    );
  }
  if (scenario.switchDeviceAtMs !== undefined) {
    timers.push(
      sleep(scenario.switchDeviceAtMs).then(async () => {
        const list = await capture.listDevices();
        const other = list.find((device) => !device.isDefault && device.deviceId !== capture.stream?.getAudioTracks()[0]?.getSettings().deviceId);
        await capture.setDevice(other?.deviceId);
      }),
    );
  }
  await sleep(Math.max(0, scenario.durationMs - (performance.now() - started)));
  await Promise.all(timers);
  await capture.stop();
  unsubscribe();
  const pcm = chunks.every((chunk) => chunk instanceof Int16Array)
    ? pcmToBase64(chunks as Int16Array[])
    : encodeBase64(Uint8Array.from(chunks.flatMap((chunk) => Array.from(chunk))));
  return {
    contextSampleRate,
    chunks: chunks.map((chunk) => ({ kind: chunk.constructor.name, length: chunk.length, byteOffset: chunk.byteOffset, bufferBytes: chunk.buffer.byteLength })),
    dataBase64: pcm,
    levels,
    states,
    silence,
    devices,
    trackSettings,
    chunkMsAtMute,
    chunkTimes,
  };
}

/** Options of {@link toneScenario}. */
export interface ToneScenario {
  frequency: number;
  totalMs: number;
  chunkMs: number;
  sampleRate?: number;
  amplitude?: number;
  /** Flush this long after the first frame played; omit to let it play out. */
  flushAfterMs?: number;
  prebufferMs?: number;
  inlineWorklet?: boolean;
  /** Write the chunks in real time (one per chunkMs) instead of all at once. */
  paced?: boolean;
  /** Hand the chunks over (`transfer: true`) instead of letting the player copy them. */
  transfer?: boolean;
}

/** What {@link toneScenario} returns. */
export interface ToneResult {
  contextSampleRate: number;
  startedAt: number | undefined;
  flush: AudioPlayerFlushResult | null;
  /** Context time (main thread's view) when flush() was called. */
  flushCalledAt: number;
  /** performance.now() from the flush() call to its resolution, ms. */
  flushResolveMs: number;
  /** Performance time of silentAt (via getOutputTimestamp) minus the flush() call, ms. */
  flushToSilentMs: number | undefined;
  analyserPeakHz: number;
  analyserRms: number;
  tap: { startFrame: number; first: number; last: number; gaps: TapDump['gaps']; samplesBase64: string };
  stats: AudioPlayer['stats'];
  playedSamples: number | undefined;
  events: string[];
  /** What the written arrays hold afterwards: their total length, and whether each still equals the tone. */
  written: { samples: number; intact: boolean };
  /**
   * With `paced`: how late each write came after its real-time schedule, ms: on the page's
   * clock (its timers) and on the audio clock (`currentTime`, which a loaded machine also
   * stalls and then renders ahead), each from the first write.
   */
  writeLateMs: { page: number[]; audio: number[] };
}

async function toneScenario(scenario: ToneScenario): Promise<ToneResult> {
  const sampleRate = scenario.sampleRate ?? 24000;
  const player = new AudioPlayer({
    ...(scenario.inlineWorklet ? {} : { workletUrl: PLAYBACK_URL }),
    ...(scenario.prebufferMs === undefined ? {} : { prebufferMs: scenario.prebufferMs }),
  });
  const events: string[] = [];
  player.on('playing', (playing) => events.push(playing ? 'playing' : 'stopped'));
  player.on('underrun', () => events.push('underrun'));
  await player.start();
  const context = player.context!;
  const analyser = context.createAnalyser();
  analyser.fftSize = 8192;
  player.outputNode!.connect(analyser);
  const dumpTap = await createTap(context, player.outputNode!);
  let startedAt: number | undefined;
  const started = new Promise<void>((resolve) =>
    player.once('started', (start) => {
      startedAt = start.contextTime;
      resolve();
    }),
  );
  const chunks = toneChunks(scenario.frequency, scenario.totalMs, scenario.chunkMs, sampleRate, scenario.amplitude ?? 0.5);
  const writeLateMs: ToneResult['writeLateMs'] = { page: [], audio: [] };
  const writer = (async () => {
    const begin = performance.now();
    const beginContext = context.currentTime;
    for (const [index, chunk] of chunks.entries()) {
      // Paced against absolute times, so timer lateness does not accumulate into drift.
      if (scenario.paced) {
        await sleep(begin + index * scenario.chunkMs - performance.now());
        writeLateMs.page.push(performance.now() - begin - index * scenario.chunkMs);
        writeLateMs.audio.push((context.currentTime - beginContext) * 1000 - index * scenario.chunkMs);
      }
      player.write({ itemId: 'item_tone', contentIndex: 0, samples: chunk, sampleRate, transfer: scenario.transfer === true });
    }
  })();
  await started;
  await sleep(Math.min(300, scenario.flushAfterMs ?? 300));
  const frequencyData = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(frequencyData);
  let peakBin = 0;
  for (let i = 1; i < frequencyData.length; i++) if (frequencyData[i]! > frequencyData[peakBin]!) peakBin = i;
  const timeData = new Float32Array(analyser.fftSize);
  analyser.getFloatTimeDomainData(timeData);
  const analyserRms = Math.sqrt(timeData.reduce((sum, value) => sum + value * value, 0) / timeData.length);

  let flush: AudioPlayerFlushResult | null = null;
  let flushCalledAt = 0;
  let flushResolveMs = 0;
  let flushToSilentMs: number | undefined;
  if (scenario.flushAfterMs !== undefined) {
    await sleep(Math.max(0, scenario.flushAfterMs - 300));
    flushCalledAt = context.currentTime;
    const calledPerf = performance.now();
    flush = await player.flush();
    flushResolveMs = performance.now() - calledPerf;
    const stamp = context.getOutputTimestamp();
    if (flush !== null && stamp.contextTime !== undefined && stamp.performanceTime !== undefined) {
      flushToSilentMs = stamp.performanceTime + (flush.silentAt - stamp.contextTime) * 1000 - calledPerf;
    }
  } else {
    await writer;
    await new Promise<void>((resolve) => {
      if (!player.isPlaying) resolve();
      else player.once('playing', () => resolve());
    });
  }
  await writer;
  await sleep(100);
  const original = toneChunks(scenario.frequency, scenario.totalMs, scenario.chunkMs, sampleRate, scenario.amplitude ?? 0.5);
  const written = {
    samples: chunks.reduce((sum, chunk) => sum + chunk.length, 0),
    intact: chunks.every((chunk, index) => chunk.length === original[index]!.length && chunk.every((value, i) => value === original[index]![i])),
  };
  const tap = await dumpTap();
  const stats = player.stats;
  const playedSamples = player.playedSamples('item_tone', 0);
  await player.close();
  return {
    contextSampleRate: context.sampleRate,
    startedAt,
    flush,
    flushCalledAt,
    flushResolveMs,
    flushToSilentMs,
    analyserPeakHz: (peakBin * context.sampleRate) / analyser.fftSize,
    analyserRms,
    tap: { startFrame: tap.startFrame, first: tap.first, last: tap.last, gaps: tap.gaps, samplesBase64: floatsToBase64(tap.samples) },
    stats,
    playedSamples,
    events,
    written,
    writeLateMs,
  };
}

/** Underrun: half a part, a gap longer than the queue, then the rest. */
async function underrunScenario(): Promise<{ underruns: number; playedSamples: number | undefined; events: string[]; prebufferMs: number }> {
  const player = new AudioPlayer({ workletUrl: PLAYBACK_URL, prebufferMs: 20 });
  const events: string[] = [];
  player.on('underrun', (underrun) => events.push(`underrun:${underrun.underruns}:${underrun.prebufferMs}`));
  player.on('playing', (playing) => events.push(playing ? 'playing' : 'stopped'));
  await player.start();
  const [first, second] = [toneChunks(300, 100, 100, 24000, 0.3)[0]!, toneChunks(300, 100, 100, 24000, 0.3)[0]!];
  player.write({ itemId: 'item_u', contentIndex: 0, samples: first, sampleRate: 24000 });
  await sleep(400);
  player.write({ itemId: 'item_u', contentIndex: 0, samples: second, sampleRate: 24000 });
  await sleep(400);
  const result = { underruns: player.stats.underruns, playedSamples: player.playedSamples('item_u', 0), events, prebufferMs: player.stats.prebufferMs };
  await player.close();
  return result;
}

/** Recovery: the context is suspended behind the player's back, and flushed while suspended. */
async function suspendScenario(): Promise<{ statesAfterSuspend: string[]; stateAfterRecovery: string; flushWhileSuspended: AudioPlayerFlushResult | null; contextState: string; passedContextState: string }> {
  const context = new AudioContext();
  const player = new AudioPlayer({ context, workletUrl: PLAYBACK_URL });
  const states: string[] = [];
  await player.start();
  player.on('state', (state) => states.push(state.status));
  for (const chunk of toneChunks(500, 2000, 100, 24000, 0.3)) player.write({ itemId: 'item_s', contentIndex: 0, samples: chunk, sampleRate: 24000 });
  await sleep(300);
  await context.suspend();
  await sleep(300);
  const stateAfterRecovery = player.state.status;
  // Suspend again and flush while nothing renders: the immediate path must still answer.
  const noResume = new AudioPlayer({ context, workletUrl: PLAYBACK_URL, autoResume: false });
  await noResume.start();
  await player.close();
  for (const chunk of toneChunks(500, 500, 100, 24000, 0.3)) noResume.write({ itemId: 'item_t', contentIndex: 0, samples: chunk, sampleRate: 24000 });
  await sleep(200);
  await context.suspend();
  const flushWhileSuspended = await noResume.flush();
  await noResume.close();
  const contextState = context.state;
  await context.resume();
  const passedContextState = context.state;
  await context.close();
  return { statesAfterSuspend: states, stateAfterRecovery, flushWhileSuspended, contextState, passedContextState };
}

/** Echo mitigation: playback through the loopback peer connection pair into a media element. */
async function loopbackScenario(): Promise<{ hasElement: boolean; elementPlaying: boolean; packetsReceived: number; audioLevel: number; routedToDestination: boolean }> {
  const player = new AudioPlayer({ workletUrl: PLAYBACK_URL, echoMitigation: 'loopback' });
  await player.start();
  for (const chunk of toneChunks(440, 1500, 100, 24000, 0.5)) player.write({ itemId: 'item_l', contentIndex: 0, samples: chunk, sampleRate: 24000 });
  await sleep(1000);
  let packetsReceived = 0;
  let audioLevel = 0;
  const stats = await player.loopbackConnection!.getStats();
  stats.forEach((report: { type: string; kind?: string; packetsReceived?: number; audioLevel?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      packetsReceived = report.packetsReceived ?? 0;
      audioLevel = report.audioLevel ?? 0;
    }
  });
  const element = player.mediaElement;
  const result = {
    hasElement: element !== undefined,
    elementPlaying: element !== undefined && !element.paused,
    packetsReceived,
    audioLevel,
    routedToDestination: false,
  };
  await player.close();
  return result;
}

/** Worklet loading: the inline Blob fallback, and what a strict CSP does to it. */
async function loadScenario(useUrl: boolean): Promise<{ ok: boolean; code?: string; message?: string }> {
  const player = new AudioPlayer(useUrl ? { workletUrl: PLAYBACK_URL } : {});
  try {
    await player.start();
    return { ok: true };
  } catch (error) {
    const failure = error as { code?: string; message?: string };
    return { ok: false, ...(failure.code === undefined ? {} : { code: failure.code }), ...(failure.message === undefined ? {} : { message: failure.message }) };
  } finally {
    await player.close();
  }
}

/**
 * One context, the capture's processor from its URL and the player's from the inline module
 * (which registers both): the second registration of the capture processor must be harmless.
 */
async function mixedLoadScenario(): Promise<{ chunks: number; played: number | undefined }> {
  const context = new AudioContext();
  const capture = new MicrophoneCapture({ context, workletUrl: CAPTURE_URL });
  let chunks = 0;
  capture.subscribe(() => {
    chunks += 1;
  });
  await capture.start();
  const player = new AudioPlayer({ context });
  await player.start();
  player.write({ itemId: 'item_m', contentIndex: 0, samples: toneChunks(440, 200, 200, 24000, 0.3)[0]!, sampleRate: 24000 });
  await sleep(500);
  const played = player.playedSamples('item_m', 0);
  await capture.stop();
  await player.close();
  await context.close();
  return { chunks, played };
}

/** Output device selection through AudioContext.setSinkId. */
async function outputDeviceScenario(): Promise<{ outputs: string[]; switched: boolean; error?: string }> {
  const player = new AudioPlayer({ workletUrl: PLAYBACK_URL });
  await player.start();
  const outputs = await player.listDevices();
  try {
    const target = outputs.find((device) => !device.isDefault);
    await player.setOutputDevice(target?.deviceId);
    const sinkId = (player.context as AudioContext & { sinkId?: unknown }).sinkId;
    return { outputs: outputs.map((device) => device.label), switched: sinkId === target?.deviceId };
  } catch (error) {
    return { outputs: outputs.map((device) => device.label), switched: false, error: String(error) };
  } finally {
    await player.close();
  }
}

/** Ducking: capture gain follows the player. The "microphone" is a steady oscillator stream. */
async function duckingScenario(): Promise<{ ducked: number[]; normal: number[] }> {
  const player = new AudioPlayer({ workletUrl: PLAYBACK_URL });
  await player.start();
  const sourceContext = new AudioContext();
  const oscillator = sourceContext.createOscillator();
  oscillator.frequency.value = 300;
  const microphone = sourceContext.createMediaStreamDestination();
  oscillator.connect(microphone);
  oscillator.start();
  const capture = new MicrophoneCapture({
    workletUrl: CAPTURE_URL,
    stream: microphone.stream,
    duckDuring: player,
    duckingGain: 0.1,
  });
  const peaks: Array<{ playing: boolean; peak: number }> = [];
  capture.subscribe((chunk) => {
    let peak = 0;
    for (const sample of chunk as Int16Array) peak = Math.max(peak, Math.abs(sample));
    peaks.push({ playing: player.isPlaying, peak });
  });
  await capture.start();
  await sleep(900);
  for (const chunk of toneChunks(440, 1000, 100, 24000, 0.2)) player.write({ itemId: 'item_d', contentIndex: 0, samples: chunk, sampleRate: 24000 });
  await sleep(1100);
  await capture.stop();
  await player.close();
  const trackLive = microphone.stream.getAudioTracks()[0]?.readyState === 'live';
  oscillator.stop();
  await sourceContext.close();
  if (!trackLive) throw new Error('the capture stopped a stream the app passed in');
  return { ducked: peaks.filter((entry) => entry.playing).map((entry) => entry.peak), normal: peaks.filter((entry) => !entry.playing).map((entry) => entry.peak) };
}

const api = {
  captureScenario,
  toneScenario,
  underrunScenario,
  suspendScenario,
  loopbackScenario,
  loadScenario,
  mixedLoadScenario,
  outputDeviceScenario,
  duckingScenario,
};

/** The page's API, as `window.vx`. */
export type AudioPageApi = typeof api;

(window as unknown as { vx: AudioPageApi }).vx = api;
document.title = 'ready';
