// The page of the latency bench (latency.bench.ts), bundled for headless Chromium. One call runs
// one variant for as long as the fake microphone's marker train lasts: the microphone's markers
// go to the mock server as `input_audio_buffer.append`, and the mock's reply (a train of
// markers, paced in real time) is played, both at once. Two taps (latency-tap.ts) find the
// markers in the audio graph: one on the microphone's MediaStream in the capture's own
// AudioContext (the quantum in which the marker enters the page), one after the player (the
// quantum in which the marker is rendered). Each posts the onset to a stamping Worker, which
// reads the wall clock (performance.timeOrigin + performance.now(), the clock the mock server
// runs on in Node) when the message arrives: no main-thread delay is in the stamps.
import { RealtimeClient } from '../../src/client/client';
import { AudioPlayer, MicrophoneCapture } from '../../src/audio/index';
import { LATENCY_TAP, type LatencyTapOptions, type TapOnset } from './latency-protocol';
import { tutorialDecode, tutorialEncode } from './peers';

/** Which pipeline the page runs. */
export type LatencyMode = 'voxwire-worker' | 'voxwire-main' | 'tutorial';

/** One variant. */
export interface LatencyRunOptions {
  mode: LatencyMode;
  /** Block the main thread for 200 ms every 300 ms while the markers flow. */
  busyMainThread: boolean;
  /** Markers each way: the run ends once both taps saw this many (or at `timeoutMs`). */
  markers: number;
  timeoutMs: number;
  /** The taps' onset rule. */
  threshold: number;
  minQuietMs: number;
}

/** A tap's onset with the wall clock the Worker read on its arrival (bounded, see `Stamper.dump`). */
export interface StampedOnset extends TapOnset {
  /** ms since the epoch (Worker's performance.timeOrigin + performance.now(), aligned to Date.now, see `skewMs`). */
  wallMs: number;
}

/** What the page reports. */
export interface LatencyRunResult {
  input: StampedOnset[];
  output: StampedOnset[];
  /** The output onsets' presentation times, via the player context's getOutputTimestamp (ms since the epoch). */
  outputPresentedMs: number[];
  captureRate: number;
  playerRate: number;
  /** The player context's `baseLatency` and `outputLatency`, in ms. */
  baseLatencyMs: number;
  outputLatencyMs: number;
  /** Player underruns (voxwire) or queue restarts after the queue ran dry (tutorial). */
  underruns: number;
  /** Stamps the Worker received later than the clock readings allow, clamped (see `Stamper.dump`). */
  clampedStamps: number;
  errors: string[];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// The Worker stamps on arrival, then keeps. Its clock's offset from Date.now is measured the
// same way as the page's and Node's (see `clockSkew`), so all three line up to well under 0.1 ms.
const STAMP_WORKER = `
const stamps = [];
const skew = () => { let sum = 0; const n = 20000; for (let i = 0; i < n; i++) sum += performance.timeOrigin + performance.now() - Date.now(); return sum / n; };
onmessage = (event) => {
  if (event.data === 'dump') { postMessage({ stamps, skewMs: skew() }); return; }
  event.data.port.onmessage = (message) => { const wallMs = performance.timeOrigin + performance.now(); stamps.push({ ...message.data, wallMs }); };
};
`;

/** Mean of (performance.timeOrigin + performance.now() − Date.now()), in ms: this realm's clock against the system's. */
function clockSkew(): number {
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) sum += performance.timeOrigin + performance.now() - Date.now();
  return sum / n;
}

class Stamper {
  readonly #worker = new Worker(URL.createObjectURL(new Blob([STAMP_WORKER], { type: 'text/javascript' })));
  readonly #taps = new Map<string, AudioWorkletNode>();
  /** Per tap, its context's render callback (baseLatency, at least one quantum), ms. */
  readonly #callbackMs = new Map<string, number>();

  /** A tap in `context`, fed by `source`, stamping through the Worker. */
  async tap(context: AudioContext, source: AudioNode, name: string, options: LatencyRunOptions): Promise<AudioWorkletNode> {
    await context.audioWorklet.addModule('/latency-tap.js');
    const processorOptions: LatencyTapOptions = { name, threshold: options.threshold, minQuietSamples: Math.round((options.minQuietMs * context.sampleRate) / 1000) };
    const node = new AudioWorkletNode(context, LATENCY_TAP, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit', processorOptions });
    const channel = new MessageChannel();
    this.#worker.postMessage({ port: channel.port2 }, [channel.port2]);
    node.port.postMessage({ stamps: channel.port1 }, [channel.port1]);
    source.connect(node);
    this.#taps.set(name, node);
    this.#callbackMs.set(name, Math.max(context.baseLatency, 128 / context.sampleRate) * 1000);
    return node;
  }

  /** Onsets the taps saw so far (counted in the worklets). */
  async count(name: string): Promise<number> {
    const node = this.#taps.get(name);
    if (node === undefined) return 0;
    return new Promise((resolve) => {
      node.port.onmessage = (event) => resolve((event.data as { onsets: unknown[] }).onsets.length);
      node.port.postMessage('count');
    });
  }

  /**
   * Every onset with its stamp. The Worker's arrival time is when the quantum was processed
   * plus the message's delay, which a loaded machine can stretch. The clock readings bound it:
   * the smallest (arrival − context time) within a second of the onset is the context→wall
   * offset of a reading that arrived at once (for the last quantum of its render callback), so
   * a quantum was processed no later than its context time + that offset + one callback. A
   * later arrival is clamped to that bound (and counted in `clamped`).
   */
  async dump(): Promise<{ onsets: StampedOnset[]; clamped: number }> {
    const { stamps, skewMs } = await new Promise<{ stamps: StampedOnset[]; skewMs: number }>((resolve) => {
      this.#worker.onmessage = (event) => resolve(event.data);
      this.#worker.postMessage('dump');
    });
    this.#worker.terminate();
    let clamped = 0;
    const onsets = stamps
      .filter((stamp) => stamp.kind === 'onset')
      .map((onset) => {
        let offset = Number.POSITIVE_INFINITY;
        for (const stamp of stamps) {
          if (stamp.name === onset.name && Math.abs(stamp.contextMs - onset.contextMs) <= 1000) offset = Math.min(offset, stamp.wallMs - stamp.contextMs);
        }
        const bound = onset.contextMs + offset + this.#callbackMs.get(onset.name)!;
        if (onset.wallMs > bound) clamped += 1;
        return { ...onset, wallMs: Math.min(onset.wallMs, bound) - skewMs };
      });
    return { onsets, clamped };
  }
}

/** Blocks the main thread 200 ms every 300 ms, as a page that renders, lays out and reports. */
function busyMainThread(): () => void {
  const timer = setInterval(() => {
    const until = performance.now() + 200;
    while (performance.now() < until) {
      // Someone else's work on the page's thread.
    }
  }, 300);
  return () => clearInterval(timer);
}

/** What a pipeline gives the run. */
interface Pipeline {
  captureContext: AudioContext;
  captureStream: MediaStream;
  playerContext: AudioContext;
  playerOutput: AudioNode;
  /** Asks the server for the reply (the marker train). */
  requestReply(): void;
  underruns(): number;
  close(): Promise<void>;
}

const PROCESSING_OFF = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };

async function voxwirePipeline(url: string, offThread: boolean, errors: string[]): Promise<Pipeline> {
  const client = new RealtimeClient({ url, apiKey: 'ek_browser_test', reconnect: false, session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
  const capture = new MicrophoneCapture({ ...PROCESSING_OFF, workletUrl: '/worklets/capture-processor.js', offThread });
  const player = new AudioPlayer({ workletUrl: '/worklets/playback-processor.js', offThread });
  client.on('error', (error) => errors.push(`${error.code}: ${error.message}`));
  capture.on('error', (error) => errors.push(`capture ${error.code}: ${error.message}`));
  player.on('error', (error) => errors.push(`player ${error.code}: ${error.message}`));
  await player.start();
  client.attachInput(capture);
  client.attachOutput(player);
  await client.connect();
  await capture.start();
  return {
    captureContext: capture.context!,
    captureStream: capture.stream!,
    playerContext: player.context!,
    playerOutput: player.outputNode!,
    requestReply: () => client.send({ type: 'response.create' }),
    underruns: () => player.stats.underruns,
    async close() {
      await capture.stop();
      await client.disconnect();
      await player.close();
    },
  };
}

/**
 * The approach of the popular tutorials: one AudioContext at 24 kHz; a ScriptProcessorNode of
 * 4096 frames whose `onaudioprocess` converts, base64-encodes (peers.ts, the tutorial's own
 * code) and sends each buffer as an append on the page's WebSocket; each output delta decoded
 * and scheduled as an AudioBufferSourceNode at max(currentTime, end of the previous one).
 */
async function tutorialPipeline(url: string, errors: string[]): Promise<Pipeline> {
  const context = new AudioContext({ sampleRate: 24000 });
  const socket = new WebSocket(url, ['realtime', 'openai-insecure-api-key.ek_browser_test']);
  const output = context.createGain();
  output.connect(context.destination);
  let nextTime = 0;
  let restarts = 0;
  const configured = new Promise<void>((resolve, reject) => {
    socket.onerror = () => reject(new Error('tutorial socket error'));
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data as string) as { type: string; delta?: string; error?: { message?: string } };
      if (message.type === 'session.updated') resolve();
      else if (message.type === 'error') errors.push(`tutorial: ${message.error?.message ?? 'error'}`);
      else if (message.type === 'response.output_audio.delta') {
        const samples = tutorialDecode(message.delta!);
        const buffer = context.createBuffer(1, samples.length, 24000);
        buffer.getChannelData(0).set(samples);
        const source = context.createBufferSource();
        source.buffer = buffer;
        source.connect(output);
        if (nextTime < context.currentTime && nextTime > 0) restarts += 1;
        nextTime = Math.max(context.currentTime, nextTime);
        source.start(nextTime);
        nextTime += buffer.duration;
      }
    };
  });
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onclose = () => reject(new Error('tutorial socket closed'));
  });
  socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } }));
  await configured;
  const stream = await navigator.mediaDevices.getUserMedia({ audio: PROCESSING_OFF });
  const microphone = context.createMediaStreamSource(stream);
  const processor = context.createScriptProcessor(4096, 1, 1);
  processor.onaudioprocess = (event) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: tutorialEncode(event.inputBuffer.getChannelData(0)) }));
  };
  microphone.connect(processor);
  processor.connect(context.destination);
  return {
    captureContext: context,
    captureStream: stream,
    playerContext: context,
    playerOutput: output,
    requestReply: () => socket.send(JSON.stringify({ type: 'response.create' })),
    underruns: () => restarts,
    async close() {
      processor.disconnect();
      for (const track of stream.getTracks()) track.stop();
      socket.close();
      await context.close();
    },
  };
}

async function run(url: string, options: LatencyRunOptions): Promise<LatencyRunResult> {
  const errors: string[] = [];
  const stamper = new Stamper();
  const pipeline = options.mode === 'tutorial' ? await tutorialPipeline(url, errors) : await voxwirePipeline(url, options.mode === 'voxwire-worker', errors);
  // The microphone's markers as they enter the graph: a second source on the same stream, in
  // the capture's own context, processed in the same render callback as the capture's node.
  await stamper.tap(pipeline.captureContext, pipeline.captureContext.createMediaStreamSource(pipeline.captureStream), 'input', options);
  await stamper.tap(pipeline.playerContext, pipeline.playerOutput, 'output', options);
  const stopBusy = options.busyMainThread ? busyMainThread() : () => undefined;
  pipeline.requestReply();
  const deadline = performance.now() + options.timeoutMs;
  while (performance.now() < deadline && ((await stamper.count('input')) < options.markers || (await stamper.count('output')) < options.markers)) await sleep(250);
  stopBusy();
  // The last append may still be on its way (a 4096-frame buffer is 171 ms).
  await sleep(500);
  const { onsets: stamps, clamped } = await stamper.dump();
  const player = pipeline.playerContext;
  const stamp = player.getOutputTimestamp();
  const output = stamps.filter((onset) => onset.name === 'output');
  const outputPresentedMs =
    stamp.contextTime === undefined || stamp.performanceTime === undefined
      ? []
      : output.map((onset) => performance.timeOrigin + stamp.performanceTime! + (onset.frame / player.sampleRate - stamp.contextTime!) * 1000 - clockSkew());
  const result: LatencyRunResult = {
    input: stamps.filter((onset) => onset.name === 'input'),
    output,
    outputPresentedMs,
    captureRate: pipeline.captureContext.sampleRate,
    playerRate: player.sampleRate,
    baseLatencyMs: player.baseLatency * 1000,
    outputLatencyMs: player.outputLatency * 1000,
    underruns: pipeline.underruns(),
    clampedStamps: clamped,
    errors,
  };
  await pipeline.close();
  return result;
}

const api = { run, clockSkew };

/** The page's API, as `window.latency`. */
export type LatencyPageApi = typeof api;
(window as unknown as { latency: LatencyPageApi }).latency = api;
document.title = 'ready';
