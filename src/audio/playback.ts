/**
 * `AudioPlayer`: plays assistant audio through one persistent AudioWorklet node and knows,
 * to the sample, how much of each part the user heard.
 */

import { EventEmitter } from '../base/emitter';
import type { AudioOutputChunk, AudioOutputSink } from '../client/audio-io';
import { RealtimeError } from '../base/errors';
import { consoleLogger, type Logger } from '../base/logger';
import type { AudioContextStatus } from './context-lifecycle';
import { DEFAULT_FADE_MS, DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_LEVEL_HZ, DEFAULT_MAX_PREBUFFER_MS, DEFAULT_PREBUFFER_MS, MAX_FADE_MS } from './defaults';
import { HealthTracker, watchPlayerHealth } from './diagnose/health';
import type { AudioProblem } from './diagnose/problems';
import { listAudioOutputDevices, type AudioDevice } from './devices';
import { EchoLoopbackRoute } from './echo-loopback';
import { toAudioLevel } from './levels';
import { MediaElementOutput } from './media-element-output';
import { applyOutputDevice, closePlaybackGraph, openPlaybackGraph, type PlaybackGraph } from './playback-graph';
import { ArrivalJitter, flushResultOf, PlayedPositions } from './playback-positions';
import type { AudioPlayerEvents, AudioPlayerFlushResult, AudioPlayerOptions, AudioPlayerState, PlaybackStats } from './playback-types';
import { registerSocketHost, type AudioListeners, type AudioSocketHost } from './worker/socket-host';
import type { PlaybackControlMessage, PlaybackProcessorMessage } from './worklets/messages';

interface PendingFlush {
  resolve: (result: AudioPlayerFlushResult | null) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Plays PCM16 chunks (24 kHz from the Realtime API, or 8 kHz decoded G.711) with a small
 * adaptive jitter buffer, resampling to the context's rate in the worklet. It is an
 * `AudioOutputSink`: `client.attachOutput(player)` plays the assistant, and on barge-in the
 * client's `flush()` fades out within ~5 ms and learns exactly how much was heard, which goes
 * into `conversation.item.truncate`.
 *
 * @example
 * ```ts
 * import { AudioPlayer } from 'voxwire/audio';
 *
 * const player = new AudioPlayer();
 * client.attachOutput(player);
 * button.onclick = () => player.start(); // from a gesture, so the browser allows audio
 * ```
 */
export class AudioPlayer extends EventEmitter<AudioPlayerEvents> implements AudioOutputSink {
  readonly #options: AudioPlayerOptions;
  readonly #logger: Logger;
  readonly #fadeMs: number;
  readonly #levelHz: number;
  readonly #socketHost: AudioSocketHost | undefined;
  readonly #health = new HealthTracker((event) => this.emit('health', event));
  #currentState: AudioPlayerState = { status: 'idle' };
  #graph: PlaybackGraph | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;
  /** Set when a start triggered by `write` failed: later writes wait for an explicit `start()`. */
  #lazyStartFailed = false;
  #queued: AudioOutputChunk[] = [];
  readonly #pendingFlushes = new Map<number, PendingFlush>();
  #flushSequence = 0;
  #volumeValue: number;
  #outputDeviceId: string | undefined;
  #playingNow = false;
  readonly #positions = new PlayedPositions();
  #counters = { underruns: 0, bufferedMs: 0, prebufferMs: 0, chunksWritten: 0 };
  readonly #jitter = new ArrivalJitter();

  /**
   * @param options - See {@link AudioPlayerOptions}.
   * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for an option out of range.
   */
  constructor(options: AudioPlayerOptions = {}) {
    super();
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger;
    this.#fadeMs = options.fadeMs ?? DEFAULT_FADE_MS;
    if (!(this.#fadeMs >= 0.1 && this.#fadeMs <= MAX_FADE_MS)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `AudioPlayer: fadeMs must be from 0.1 to ${MAX_FADE_MS}, got ${String(this.#fadeMs)}.`);
    }
    const prebufferMs = options.prebufferMs ?? DEFAULT_PREBUFFER_MS;
    const maxPrebufferMs = options.maxPrebufferMs ?? DEFAULT_MAX_PREBUFFER_MS;
    if (!(prebufferMs >= 0) || !(maxPrebufferMs >= prebufferMs)) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `AudioPlayer: need 0 <= prebufferMs <= maxPrebufferMs, got prebufferMs ${String(prebufferMs)} and maxPrebufferMs ${String(maxPrebufferMs)}.`,
      );
    }
    this.#counters.prebufferMs = prebufferMs;
    this.#levelHz = options.levelHz ?? DEFAULT_LEVEL_HZ;
    if (!(this.#levelHz >= 1 && this.#levelHz <= 100)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `AudioPlayer: levelHz must be from 1 to 100, got ${String(this.#levelHz)}.`);
    }
    this.#volumeValue = checkVolume(options.volume ?? 1);
    if (options.destination !== undefined && (options.outputDeviceId !== undefined || options.echoMitigation === 'loopback')) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        'AudioPlayer: a custom destination decides where the audio goes; leave out outputDeviceId and echoMitigation with it.',
      );
    }
    this.#outputDeviceId = options.outputDeviceId;
    this.#socketHost = options.offThread === false ? undefined : registerSocketHost({ workerUrl: options.workerUrl, logger: this.#logger });
    watchPlayerHealth(this, this.#health);
  }

  /** The current state. */
  get state(): AudioPlayerState {
    return this.#currentState;
  }

  /** True when the browser waits for a user gesture before audio can play (call `resume()` from one). */
  get needsUserGesture(): boolean {
    return this.#currentState.status === 'needsUserGesture';
  }

  /** The problems active now (each began with a `health` event and has not ended). */
  get health(): AudioProblem[] {
    return this.#health.active;
  }

  /** True while audio is rendering. */
  get isPlaying(): boolean {
    return this.#playingNow;
  }

  /** The AudioContext in use (undefined before `start()`). */
  get context(): AudioContext | undefined {
    return this.#graph?.lifecycle.context;
  }

  /**
   * The node the output leaves from (after the volume), for analysers or recorders; undefined
   * before `start()`.
   */
  get outputNode(): AudioNode | undefined {
    return this.#graph?.gain;
  }

  /** The media element playing the output, when one is used (loopback or device fallback). */
  get mediaElement(): HTMLAudioElement | undefined {
    const route = this.#graph?.route;
    return route instanceof EchoLoopbackRoute || route instanceof MediaElementOutput ? route.element : undefined;
  }

  /** The echo loopback's receiving peer connection, when `echoMitigation` is `'loopback'`. */
  get loopbackConnection(): RTCPeerConnection | undefined {
    const route = this.#graph?.route;
    return route instanceof EchoLoopbackRoute ? route.receiver : undefined;
  }

  /** The volume, 0..1. */
  get volume(): number {
    return this.#volumeValue;
  }

  /** Counters for diagnostics and dashboards. */
  get stats(): PlaybackStats {
    const context = this.#graph?.lifecycle.context as (AudioContext & { outputLatency?: number }) | undefined;
    const latency = context === undefined ? 0 : ((context.baseLatency ?? 0) + (context.outputLatency ?? 0)) * 1000;
    return {
      playing: this.#playingNow,
      underruns: this.#counters.underruns,
      jitterMs: this.#jitter.estimateMs,
      bufferedMs: this.#counters.bufferedMs,
      prebufferMs: this.#counters.prebufferMs,
      chunksWritten: this.#counters.chunksWritten,
      outputLatencyMs: Number.isFinite(latency) ? latency : 0,
    };
  }

  /**
   * Samples of a part played so far, as last reported by the worklet (about 30 times a
   * second, and exactly at flushes); undefined for a part not seen recently.
   */
  playedSamples(itemId: string, contentIndex: number): number | undefined {
    return this.#positions.get(itemId, contentIndex)?.playedSamples;
  }

  /**
   * Creates the context (unless given), loads the worklet and connects the output. `write`
   * calls it on first use; call it yourself from a user gesture so the browser allows audio.
   * Resolves once ready, or once the state is `needsUserGesture`.
   *
   * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when Web Audio, AudioWorklet or the
   *   chosen routing is unavailable.
   */
  start(): Promise<void> {
    if (this.#closed) return Promise.reject(new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'AudioPlayer.start() after close(): create a new player.'));
    if (this.#graph !== undefined) return Promise.resolve();
    this.#lazyStartFailed = false;
    this.#starting ??= this.#open().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  /** Resumes audio after the browser asked for a gesture; call it from a click handler. */
  async resume(): Promise<boolean> {
    const graph = this.#graph;
    if (graph === undefined) return false;
    await graph.route?.resume();
    return graph.lifecycle.resume();
  }

  /**
   * Queues a chunk. The caller keeps its array: the samples are copied and the copy's buffer is
   * transferred to the worklet. With `transfer: true` the caller hands the array over instead
   * (it will not use it again): its buffer is transferred without a copy, and the array reads
   * as empty afterwards. The client does that with the samples it decodes when no `audio`
   * listener saw them.
   *
   * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for a malformed chunk.
   */
  write(chunk: AudioOutputChunk): void {
    if (this.#closed) return;
    const { itemId, contentIndex, samples, sampleRate } = chunk ?? ({} as AudioOutputChunk);
    if (typeof itemId !== 'string' || !Number.isInteger(contentIndex) || contentIndex < 0) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'AudioPlayer.write: itemId must be a string and contentIndex an integer >= 0.');
    }
    if (!(samples instanceof Int16Array)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'AudioPlayer.write: samples must be an Int16Array of PCM16 (decode base64 with base64ToPcm16).');
    }
    if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 384000) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `AudioPlayer.write: sampleRate must be an integer from 1000 to 384000 Hz, got ${String(sampleRate)}.`);
    }
    // The socket worker played this item: the client decoded it only for its `audio` listeners.
    if (samples.length === 0 || this.#socketHost?.playedOffThread(itemId) === true) return;
    this.#counters.chunksWritten += 1;
    this.#jitter.update(itemId, contentIndex, (samples.length / sampleRate) * 1000);
    const copy = { itemId, contentIndex, samples: chunk.transfer === true && ownsWholeBuffer(samples) ? samples : samples.slice(), sampleRate };
    const graph = this.#graph;
    if (graph === undefined) {
      if (this.#lazyStartFailed) return;
      this.#queued.push(copy);
      if (this.#starting === undefined) {
        this.start().catch((error: unknown) => {
          this.#lazyStartFailed = true;
          this.emit('error', toError(error));
        });
      }
      return;
    }
    this.#postWrite(graph, copy);
  }

  /** Called by `client.attachOutput`: the socket worker sends the audio it plays to the page too while the client has `audio` listeners. */
  attachedTo(client: AudioListeners): void {
    this.#socketHost?.watchAudio(client);
  }

  /**
   * Stops playback now: fades out (≤ 5 ms, starting in the first render quantum after the
   * request reaches the worklet), drops everything queued, and resolves with the exact
   * position when output went silent: the part cut (or the last played, when nothing was
   * left), and how many of its samples were played. Null when nothing was queued or played
   * since the last flush.
   */
  flush(): Promise<AudioPlayerFlushResult | null> {
    const graph = this.#graph;
    if (graph === undefined) {
      const first = this.#queued[0];
      this.#queued = [];
      // Nothing played yet: the first queued part, at 0.
      const position = first === undefined ? null : { itemId: first.itemId, contentIndex: first.contentIndex, playedSamples: 0, receivedSamples: 0, sampleRate: first.sampleRate };
      const result = flushResultOf(position, 0, 0, false);
      this.emit('flushed', result);
      return Promise.resolve(result);
    }
    this.#flushSequence += 1;
    const id = this.#flushSequence;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#settleFlushFromReport(id), this.#options.flushTimeoutMs ?? DEFAULT_FLUSH_TIMEOUT_MS);
      this.#pendingFlushes.set(id, { resolve, timer });
      const immediate = graph.lifecycle.context.state !== 'running';
      // After a barge-in the socket worker already flushed: learn what it measured.
      const repeat = this.#socketHost?.isLinked(graph.node) === true;
      graph.node.port.postMessage({ type: 'flush', id, immediate, repeat } satisfies PlaybackControlMessage);
    });
  }

  /**
   * Plays a media stream (the assistant's WebRTC track) through this player's volume and
   * output device: the `AudioOutputSink` contract `client.attachOutput` uses over WebRTC,
   * where the server owns the jitter buffer and truncation. Starts the player if needed.
   * Returns a function that stops playing the stream.
   */
  playMedia(stream: MediaStream): () => void {
    let source: MediaStreamAudioSourceNode | undefined;
    let stopped = false;
    this.start().then(
      () => {
        const graph = this.#graph;
        if (stopped || graph === undefined) return;
        source = graph.lifecycle.context.createMediaStreamSource(stream);
        source.connect(graph.gain);
      },
      (error: unknown) => this.emit('error', toError(error)),
    );
    return () => {
      stopped = true;
      source?.disconnect();
      source = undefined;
    };
  }

  /** Sets the volume (0..1), with a 10 ms glide so it never clicks. */
  setVolume(volume: number): void {
    this.#volumeValue = checkVolume(volume);
    const graph = this.#graph;
    if (graph !== undefined) graph.gain.gain.setTargetAtTime(this.#volumeValue, graph.lifecycle.context.currentTime, 0.01);
  }

  /**
   * Sends the output to another device (`''` or undefined for the default).
   *
   * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when the browser cannot choose outputs;
   *   `VOXWIRE_AUDIO_DEVICE` when the device refuses.
   */
  async setOutputDevice(deviceId: string | undefined): Promise<void> {
    if (this.#options.destination !== undefined) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'AudioPlayer.setOutputDevice: the player plays into a custom destination; route that node yourself.');
    }
    this.#outputDeviceId = deviceId;
    const graph = this.#graph;
    if (graph !== undefined) await applyOutputDevice(graph, deviceId ?? '', this.#logger);
  }

  /** The audio outputs (labels need microphone permission). */
  listDevices(): Promise<AudioDevice[]> {
    return listAudioOutputDevices(this.#options.mediaDevices);
  }

  /**
   * Stops and releases everything: pending flushes resolve with null, the node is
   * disconnected, and the context is closed unless you passed it in.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#starting?.catch(() => undefined);
    for (const [id, pending] of this.#pendingFlushes) {
      clearTimeout(pending.timer);
      pending.resolve(null);
      this.#pendingFlushes.delete(id);
    }
    this.#queued = [];
    const graph = this.#graph;
    this.#graph = undefined;
    if (graph !== undefined) {
      this.#socketHost?.unlink(graph.node);
      await closePlaybackGraph(graph);
    }
    this.#setPlaying(false);
    this.#setState({ status: 'closed' });
  }

  async #open(): Promise<void> {
    this.#setState({ status: 'starting' });
    let graph: PlaybackGraph | undefined;
    try {
      graph = await openPlaybackGraph(this.#options, {
        prebufferMs: this.#counters.prebufferMs,
        fadeMs: this.#fadeMs,
        levelHz: this.#levelHz,
        volume: this.#volumeValue,
        outputDeviceId: this.#outputDeviceId,
        logger: this.#logger,
        onMessage: (message) => this.#receive(message),
      });
      if (this.#closed) {
        await closePlaybackGraph(graph);
        return;
      }
      this.#graph = graph;
      this.#socketHost?.linkPlayback(graph.node);
      const queued = this.#queued;
      this.#queued = [];
      for (const chunk of queued) this.#postWrite(graph, chunk);
      const { lifecycle } = graph;
      lifecycle.onStatus((status) => this.#onContextStatus(status));
      const running = await lifecycle.ensureRunning();
      if (this.#graph === graph) this.#onContextStatus(running ? 'running' : lifecycle.status);
    } catch (error) {
      await graph?.lifecycle.dispose();
      this.#graph = undefined;
      this.#queued = [];
      this.#setState({ status: 'idle' });
      throw toError(error);
    }
  }

  #postWrite(graph: PlaybackGraph, chunk: AudioOutputChunk): void {
    const message: PlaybackControlMessage = {
      type: 'write',
      itemId: chunk.itemId,
      contentIndex: chunk.contentIndex,
      samples: chunk.samples,
      sampleRate: chunk.sampleRate,
    };
    graph.node.port.postMessage(message, [chunk.samples.buffer as ArrayBuffer]);
  }

  #receive(message: PlaybackProcessorMessage): void {
    switch (message.type) {
      case 'started':
        this.#setPlaying(true);
        this.emit('started', { itemId: message.itemId, contentIndex: message.contentIndex, contextTime: message.contextTime });
        return;
      case 'idle':
        this.#positions.remember(message.position);
        this.#counters.bufferedMs = 0;
        this.#setPlaying(false);
        return;
      case 'underrun':
        this.#counters.underruns = message.underruns;
        this.#counters.prebufferMs = message.prebufferMs;
        this.emit('underrun', {
          itemId: message.itemId,
          contentIndex: message.contentIndex,
          underruns: message.underruns,
          prebufferMs: message.prebufferMs,
        });
        return;
      case 'status':
        this.#positions.remember(message.position);
        this.#counters.bufferedMs = message.bufferedMs;
        this.#counters.underruns = message.underruns;
        this.#counters.prebufferMs = message.prebufferMs;
        this.#setPlaying(message.playing);
        this.emit('level', toAudioLevel(message.rms, message.peak, message.contextTime));
        return;
      case 'flushed': {
        this.#positions.remember(message.position);
        this.#counters.bufferedMs = 0;
        const result = flushResultOf(message.position, message.silentAt, message.fadeStartedAt, false);
        this.#positions.last = null;
        for (const id of message.ids) {
          const pending = this.#pendingFlushes.get(id);
          if (pending === undefined) continue;
          clearTimeout(pending.timer);
          this.#pendingFlushes.delete(id);
          pending.resolve(result);
        }
        this.#setPlaying(false);
        this.emit('flushed', result);
        return;
      }
    }
  }

  /** The worklet did not answer in time (its context stopped rendering): use the last report. */
  #settleFlushFromReport(id: number): void {
    const pending = this.#pendingFlushes.get(id);
    if (pending === undefined) return;
    this.#pendingFlushes.delete(id);
    this.#logger.warn('the playback worklet did not acknowledge a flush in time; using its last report', { id });
    const now = this.#graph?.lifecycle.context.currentTime ?? 0;
    pending.resolve(flushResultOf(this.#positions.last, now, now, true));
  }

  #onContextStatus(status: AudioContextStatus): void {
    const graph = this.#graph;
    if (graph === undefined || this.#closed) return;
    if (status === 'running') this.#setState({ status: 'ready', contextSampleRate: graph.lifecycle.context.sampleRate });
    else if (status === 'needsUserGesture') this.#setState({ status: 'needsUserGesture' });
    else if (status === 'interrupted' || status === 'suspended') this.#setState({ status: 'interrupted' });
  }

  #setPlaying(playing: boolean): void {
    if (playing === this.#playingNow) return;
    this.#playingNow = playing;
    this.emit('playing', playing);
  }

  #setState(state: AudioPlayerState): void {
    const previous = this.#currentState;
    if (JSON.stringify(previous) === JSON.stringify(state)) return;
    this.#currentState = state;
    this.emit('state', state, previous);
  }
}

/** True when the array spans a whole, transferable buffer (a view into a larger or shared one is copied). */
function ownsWholeBuffer(samples: Int16Array): boolean {
  return samples.buffer instanceof ArrayBuffer && samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength;
}

function checkVolume(volume: number): number {
  if (!(volume >= 0 && volume <= 1)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `AudioPlayer: volume must be from 0 to 1, got ${String(volume)}.`);
  }
  return volume;
}

function toError(error: unknown): RealtimeError {
  if (error instanceof RealtimeError) return error;
  return new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', `AudioPlayer could not start: ${String(error)}`, { cause: error });
}
