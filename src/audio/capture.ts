/**
 * `MicrophoneCapture`: the microphone as a stream of wire-ready chunks (PCM16 at 24 kHz, or
 * G.711 at 8 kHz), captured and resampled in an AudioWorklet.
 */

import { EventEmitter } from '../base/emitter';
import type { AudioInputSource } from '../client/audio-io';
import { RealtimeError } from '../base/errors';
import { consoleLogger, type Logger } from '../base/logger';
import { AudioContextLifecycle, type AudioContextStatus } from './context-lifecycle';
import type { MicrophoneCaptureEvents, MicrophoneCaptureOptions, MicrophoneCaptureState } from './capture-types';
import { microphoneConstraints, resolveCaptureSettings } from './capture-options';
import { DEFAULT_RESUME_TIMEOUT_MS } from './defaults';
import { describeError, listAudioInputDevices, openMicrophone, type AudioDevice, type MediaDevicesLike } from './devices';
import { toAudioLevel } from './levels';
import { HealthTracker, watchCaptureHealth } from './diagnose/health';
import type { AudioProblem } from './diagnose/problems';
import type { CaptureMediaOutput, MediaStreamListener } from './capture-media';
import { SilenceWatch } from './silence-watch';
import { registerSocketHost, type AudioSocketHost } from './worker/socket-host';
import { loadWorklet } from './worklet-loader';
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureControlMessage,
  type CaptureEncoding,
  type CaptureProcessorMessage,
  type CaptureProcessorOptions,
} from './worklets/messages';

interface Pipeline {
  lifecycle: AudioContextLifecycle;
  node: AudioWorkletNode;
  source: MediaStreamAudioSourceNode;
  stream: MediaStream;
  ownsStream: boolean;
  deviceId: string | undefined;
  stopped: Promise<void>;
  resolveStopped: () => void;
}

/**
 * Captures the microphone in an AudioWorklet and delivers fixed-size chunks in the Realtime
 * wire format: PCM16 at 24 kHz by default (resampled from the device's rate inside the
 * worklet with a windowed-sinc filter), 20 ms each, buffers transferred, not copied. It is an
 * `AudioInputSource`, so `client.attachInput(capture)` streams it as
 * `input_audio_buffer.append`.
 *
 * @example
 * ```ts
 * import { MicrophoneCapture } from 'voxwire/audio';
 *
 * const capture = new MicrophoneCapture();
 * capture.on('level', ({ rmsDb }) => meter.set(rmsDb));
 * client.attachInput(capture);
 * button.onclick = () => capture.start();
 * ```
 */
export class MicrophoneCapture extends EventEmitter<MicrophoneCaptureEvents> implements AudioInputSource {
  /** The wire sample rate of the chunks (24000, or 8000 for G.711). */
  readonly sampleRate: number;
  /** The wire encoding of the chunks. */
  readonly encoding: CaptureEncoding;
  /** Samples per full chunk. */
  readonly chunkSamples: number;
  readonly #options: MicrophoneCaptureOptions;
  readonly #logger: Logger;
  readonly #levelHz: number;
  readonly #duckingGain: number;
  #currentState: MicrophoneCaptureState = { status: 'idle' };
  #pipeline: Pipeline | undefined;
  #starting: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #isMuted: boolean;
  #ducked = false;
  /** Loaded on the first `subscribeMedia` (WebRTC only), so WebSocket apps do not carry it. */
  #media: CaptureMediaOutput | undefined;
  #selectedDeviceId: string | undefined;
  /** The clients' (`subscribe`): unlike `chunk` listeners, they do not get the chunks the socket worker sends itself. */
  readonly #subscribers = new Set<(chunk: Int16Array | Uint8Array) => void>();
  /** Whether the worklet copies the chunks the socket worker streams to the page (while `chunk` has listeners). */
  #tapped = false;
  readonly #silence: SilenceWatch;
  readonly #socketHost: AudioSocketHost | undefined;
  readonly #health = new HealthTracker((event) => this.emit('health', event));
  #mediaDevices: MediaDevicesLike | undefined;
  readonly #onDeviceChange = (): void => {
    void this.#refreshDevices();
  };
  readonly #onTrackEnded = (): void => {
    void this.#replaceLostDevice();
  };
  readonly #onPlaying = (playing: boolean): void => {
    this.setDucked(playing);
  };

  /**
   * @param options - See {@link MicrophoneCaptureOptions}.
   * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for a chunk size, level rate or gain out
   *   of range; `VOXWIRE_AUDIO_UNSUPPORTED` for an unknown format.
   */
  constructor(options: MicrophoneCaptureOptions = {}) {
    super();
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger;
    const settings = resolveCaptureSettings(options);
    this.sampleRate = settings.sampleRate;
    this.encoding = settings.encoding;
    this.chunkSamples = settings.chunkSamples;
    this.#levelHz = settings.levelHz;
    this.#duckingGain = settings.duckingGain;
    const { silenceTimeoutMs } = settings;
    this.#silence = new SilenceWatch(silenceTimeoutMs);
    watchCaptureHealth(this, this.#health, silenceTimeoutMs);
    this.#isMuted = options.muted ?? false;
    this.#selectedDeviceId = options.deviceId;
    this.#socketHost = options.offThread === false ? undefined : registerSocketHost({ workerUrl: options.workerUrl, logger: this.#logger });
  }

  /** The current state. */
  get state(): MicrophoneCaptureState {
    return this.#currentState;
  }

  /** True when the browser waits for a user gesture before audio can run (call `resume()` from one). */
  get needsUserGesture(): boolean {
    return this.#currentState.status === 'needsUserGesture';
  }

  /** The problems active now (each began with a `health` event and has not ended). */
  get health(): AudioProblem[] {
    return this.#health.active;
  }

  /** True while muted (chunks carry silence; the track stays open). */
  get muted(): boolean {
    return this.#isMuted;
  }

  /** The AudioContext in use (undefined before `start()`). */
  get context(): AudioContext | undefined {
    return this.#pipeline?.lifecycle.context;
  }

  /** The microphone stream in use (undefined before `start()`). */
  get stream(): MediaStream | undefined {
    return this.#pipeline?.stream;
  }

  /**
   * The captured audio as a media stream, for transports that send media (the
   * `AudioInputSource` contract `client.attachInput` uses over WebRTC): `listener` gets the
   * stream now and after every start (`undefined` while stopped). Mute and ducking apply to it,
   * and a device switch keeps the same track. Returns a function that unsubscribes.
   */
  subscribeMedia(listener: MediaStreamListener): () => void {
    let unsubscribe: (() => void) | undefined;
    let cancelled = false;
    void import('./capture-media').then(({ CaptureMediaOutput }) => {
      if (cancelled) return;
      if (this.#media === undefined) {
        this.#media = new CaptureMediaOutput();
        const pipeline = this.#stopping === undefined ? this.#pipeline : undefined;
        if (pipeline !== undefined) this.#media.attach(pipeline.lifecycle.context, pipeline.source, this.#mediaGain());
      }
      unsubscribe = this.#media.subscribe(listener);
    });
    return () => {
      cancelled = true;
      unsubscribe?.();
    };
  }

  /**
   * Receives the chunks to send (the `AudioInputSource` contract used by `client.attachInput`);
   * none while the socket worker sends them itself (`chunk` listeners still get them).
   *
   * @returns A function that unsubscribes.
   */
  subscribe(onChunk: (chunk: Int16Array | Uint8Array) => void): () => void {
    const listener = (chunk: Int16Array | Uint8Array): void => onChunk(chunk);
    this.#subscribers.add(listener);
    // A subscribed client wants the chunks on the wire: the socket worker may now send them.
    this.#socketHost?.countInput(1);
    return () => {
      if (this.#subscribers.delete(listener)) this.#socketHost?.countInput(-1);
    };
  }

  /**
   * Opens the microphone and starts capturing. Call it from a user gesture (a click) when you
   * can: browsers then allow audio at once. Resolves once capture runs, or once the state is
   * `needsUserGesture` (the next click on the page resumes it).
   *
   * @throws {RealtimeError} `VOXWIRE_AUDIO_DEVICE` when permission is denied or no microphone
   *   exists; `VOXWIRE_AUDIO_UNSUPPORTED` when the browser lacks Web Audio or AudioWorklet.
   */
  start(): Promise<void> {
    if (this.#pipeline !== undefined && this.#stopping === undefined) return Promise.resolve();
    this.#starting ??= this.#open().finally(() => {
      this.#starting = undefined;
    });
    return this.#starting;
  }

  /**
   * Resumes audio after the browser asked for a gesture; call it from a click handler.
   *
   * @returns True when audio runs.
   */
  async resume(): Promise<boolean> {
    return (await this.#pipeline?.lifecycle.resume()) ?? false;
  }

  /**
   * Stops capturing: delivers the last (possibly shorter) chunk, releases the microphone
   * (unless you passed the stream) and closes the context (unless you passed it).
   */
  stop(): Promise<void> {
    if (this.#stopping !== undefined) return this.#stopping;
    const pipeline = this.#pipeline;
    if (pipeline === undefined) {
      // A start in progress: let it finish (or fail), then stop what it opened.
      if (this.#starting === undefined) return Promise.resolve();
      return this.#starting.then(
        () => this.stop(),
        () => undefined,
      );
    }
    this.#stopping = this.#close(pipeline).finally(() => {
      this.#stopping = undefined;
    });
    return this.#stopping;
  }

  /** Mutes or unmutes. Muted chunks carry digital silence, so the server's VAD ends the turn. */
  setMuted(muted: boolean): void {
    this.#isMuted = muted;
    this.#post({ type: 'mute', muted });
    this.#media?.setGain(this.#mediaGain());
  }

  /** Lowers the input to `duckingGain` (true) or restores it (false); `duckDuring` calls this. */
  setDucked(ducked: boolean): void {
    this.#ducked = ducked;
    this.#post({ type: 'gain', gain: ducked ? this.#duckingGain : 1 });
    this.#media?.setGain(this.#mediaGain());
  }

  /** What the media stream carries: silence when muted, `duckingGain` while ducked. */
  #mediaGain(): number {
    return this.#isMuted ? 0 : this.#ducked ? this.#duckingGain : 1;
  }

  /**
   * Switches to another microphone. While capturing, the new stream is acquired before the
   * old one is released, so a failure leaves the current microphone running.
   *
   * @param deviceId - From `listAudioInputDevices()`; undefined for the system default.
   * @throws {RealtimeError} `VOXWIRE_AUDIO_DEVICE` when the device cannot be opened.
   */
  async setDevice(deviceId: string | undefined): Promise<void> {
    this.#selectedDeviceId = deviceId;
    const pipeline = this.#pipeline;
    if (pipeline === undefined || this.#stopping !== undefined) return;
    const stream = await this.#acquireStream(deviceId);
    if (this.#pipeline !== pipeline || this.#stopping !== undefined) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.#swapStream(pipeline, stream, true, deviceId);
  }

  /** The microphones (labels need permission: call after `start()`). */
  listDevices(): Promise<AudioDevice[]> {
    return listAudioInputDevices(this.#options.mediaDevices);
  }

  async #open(): Promise<void> {
    this.#setState({ status: 'starting' });
    let lifecycle: AudioContextLifecycle | undefined;
    let stream: MediaStream | undefined;
    let ownsStream = false;
    try {
      lifecycle = new AudioContextLifecycle({
        context: this.#options.context,
        createContext: undefined,
        resumeTimeoutMs: this.#options.resumeTimeoutMs ?? DEFAULT_RESUME_TIMEOUT_MS,
        autoResume: this.#options.autoResume ?? true,
        logger: this.#logger,
      });
      const context = lifecycle.context;
      this.#mediaDevices = this.#options.mediaDevices ?? (globalThis as { navigator?: { mediaDevices?: MediaDevicesLike } }).navigator?.mediaDevices;
      const streamPromise = this.#options.stream !== undefined && this.#selectedDeviceId === this.#options.deviceId
        ? Promise.resolve(this.#options.stream)
        : this.#acquireStream(this.#selectedDeviceId);
      const [acquired] = await Promise.all([streamPromise, loadWorklet(context, 'capture', this.#options.workletUrl)]);
      stream = acquired;
      ownsStream = stream !== this.#options.stream;
      const processorOptions: CaptureProcessorOptions = {
        targetRate: this.sampleRate,
        chunkSamples: this.chunkSamples,
        encoding: this.encoding,
        levelIntervalFrames: Math.max(1, Math.round(context.sampleRate / this.#levelHz)),
        muted: this.#isMuted,
        gain: this.#ducked ? this.#duckingGain : 1,
      };
      // Mono by Web Audio's own downmix; no outputs, so nothing reaches the speakers.
      const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, {
        numberOfInputs: 1,
        numberOfOutputs: 0,
        channelCount: 1,
        channelCountMode: 'explicit',
        channelInterpretation: 'speakers',
        processorOptions,
      });
      const source = context.createMediaStreamSource(stream);
      source.connect(node);
      this.#media?.attach(context, source, this.#mediaGain());
      let resolveStopped = (): void => undefined;
      const stopped = new Promise<void>((resolve) => {
        resolveStopped = resolve;
      });
      const pipeline: Pipeline = {
        lifecycle,
        node,
        source,
        stream,
        ownsStream,
        deviceId: this.#deviceIdOf(stream),
        stopped,
        resolveStopped,
      };
      node.port.onmessage = (event: MessageEvent<CaptureProcessorMessage>) => this.#receive(pipeline, event.data);
      this.#watchTrack(stream);
      this.#pipeline = pipeline;
      this.#tapped = false;
      this.#syncTap();
      this.#socketHost?.linkCapture(node);
      this.#silence.reset();
      this.#mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
      this.#options.duckDuring?.on('playing', this.#onPlaying);
      if (this.#options.duckDuring?.isPlaying) this.setDucked(true);
      lifecycle.onStatus((status) => this.#onContextStatus(status));
      const running = await lifecycle.ensureRunning();
      if (this.#pipeline === pipeline) this.#onContextStatus(running ? 'running' : lifecycle.status);
    } catch (error) {
      if (stream !== undefined && ownsStream) for (const track of stream.getTracks()) track.stop();
      await lifecycle?.dispose();
      this.#pipeline = undefined;
      this.#setState({ status: 'idle' });
      throw error instanceof RealtimeError
        ? error
        : new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', `MicrophoneCapture could not start: ${describeError(error)}`, { cause: error });
    }
  }

  async #close(pipeline: Pipeline): Promise<void> {
    pipeline.node.port.postMessage({ type: 'stop' } satisfies CaptureControlMessage);
    // The worklet answers from its message handler even while the context is suspended.
    await Promise.race([pipeline.stopped, new Promise((resolve) => setTimeout(resolve, 500))]);
    pipeline.node.port.onmessage = null;
    this.#socketHost?.unlink(pipeline.node);
    this.#media?.detach();
    pipeline.source.disconnect();
    pipeline.node.disconnect();
    this.#watchTrack(pipeline.stream, false);
    if (pipeline.ownsStream) for (const track of pipeline.stream.getTracks()) track.stop();
    this.#mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
    this.#options.duckDuring?.off('playing', this.#onPlaying);
    await pipeline.lifecycle.dispose();
    this.#pipeline = undefined;
    this.#setState({ status: 'stopped' });
  }

  #receive(pipeline: Pipeline, message: CaptureProcessorMessage): void {
    switch (message.type) {
      case 'chunk':
        this.emit('chunk', message.data);
        if (message.streamed !== true) for (const subscriber of this.#subscribers) subscriber(message.data);
        return;
      case 'level':
        this.#syncTap();
        this.emit('level', toAudioLevel(message.rms, message.peak, message.contextTime));
        this.#announceSilence(message.peak, message.contextTime);
        return;
      case 'stopped':
        pipeline.resolveStopped();
        return;
    }
  }

  #announceSilence(peak: number, contextTime: number): void {
    const change = this.#silence.observe(peak, contextTime);
    if (change === undefined) return;
    if (change.silent) this.#logger.warn('the microphone has been digitally silent', { durationMs: Math.round(change.durationMs) });
    this.emit('silence', change);
  }

  #onContextStatus(status: AudioContextStatus): void {
    const pipeline = this.#pipeline;
    if (pipeline === undefined || this.#stopping !== undefined) return;
    if (status === 'running') {
      const track = pipeline.stream.getAudioTracks()[0];
      this.#setState({
        status: 'capturing',
        deviceId: pipeline.deviceId,
        label: track?.label ?? '',
        contextSampleRate: pipeline.lifecycle.context.sampleRate,
      });
    } else if (status === 'needsUserGesture') {
      this.#setState({ status: 'needsUserGesture' });
    } else if (status === 'interrupted' || status === 'suspended') {
      this.#setState({ status: 'interrupted' });
    }
  }

  #acquireStream(deviceId: string | undefined): Promise<MediaStream> {
    return openMicrophone(this.#options.mediaDevices, microphoneConstraints(this.#options), deviceId);
  }

  #swapStream(pipeline: Pipeline, stream: MediaStream, ownsStream: boolean, deviceId: string | undefined): void {
    const context = pipeline.lifecycle.context;
    const source = context.createMediaStreamSource(stream);
    source.connect(pipeline.node);
    this.#media?.swapSource(source);
    pipeline.source.disconnect();
    this.#watchTrack(pipeline.stream, false);
    if (pipeline.ownsStream) for (const track of pipeline.stream.getTracks()) track.stop();
    pipeline.source = source;
    pipeline.stream = stream;
    pipeline.ownsStream = ownsStream;
    pipeline.deviceId = deviceId ?? this.#deviceIdOf(stream);
    this.#watchTrack(stream);
    const label = stream.getAudioTracks()[0]?.label ?? '';
    this.emit('device', { deviceId: pipeline.deviceId, label });
    if (this.#currentState.status === 'capturing') {
      this.#setState({ status: 'capturing', deviceId: pipeline.deviceId, label, contextSampleRate: context.sampleRate });
    }
  }

  /** The device was unplugged (its track ended): fall back to the default microphone. */
  async #replaceLostDevice(): Promise<void> {
    const pipeline = this.#pipeline;
    if (pipeline === undefined || this.#stopping !== undefined) return;
    this.#logger.warn('the microphone was lost; switching to the default microphone', { deviceId: pipeline.deviceId });
    try {
      this.#selectedDeviceId = undefined;
      const stream = await this.#acquireStream(undefined);
      if (this.#pipeline !== pipeline || this.#stopping !== undefined) {
        for (const track of stream.getTracks()) track.stop();
        return;
      }
      this.#swapStream(pipeline, stream, true, undefined);
    } catch (error) {
      this.emit(
        'error',
        new RealtimeError('VOXWIRE_AUDIO_DEVICE', `The microphone was lost and no other could be opened: ${describeError(error)}`, { cause: error }),
      );
      await this.stop();
    }
  }

  async #refreshDevices(): Promise<void> {
    try {
      this.emit('devices', await this.listDevices());
    } catch (error) {
      this.#logger.debug('listing microphones failed', { error });
    }
  }

  #watchTrack(stream: MediaStream, watch = true): void {
    for (const track of stream.getAudioTracks()) track[watch ? 'addEventListener' : 'removeEventListener']('ended', this.#onTrackEnded);
  }

  #deviceIdOf(stream: MediaStream): string | undefined {
    if (stream === this.#options.stream) return undefined;
    return stream.getAudioTracks()[0]?.getSettings().deviceId ?? this.#selectedDeviceId;
  }

  /** Copies of the chunks the socket worker streams reach the page only while `chunk` has listeners (checked at start and with each level report). */
  #syncTap(): void {
    const tap = this.listenerCount('chunk') > 0;
    if (tap === this.#tapped) return;
    this.#tapped = tap;
    this.#post({ type: 'tap', enabled: tap });
  }

  #post(message: CaptureControlMessage): void {
    this.#pipeline?.node.port.postMessage(message);
  }

  #setState(state: MicrophoneCaptureState): void {
    const previous = this.#currentState;
    if (previous.status === state.status && JSON.stringify(previous) === JSON.stringify(state)) return;
    this.#currentState = state;
    this.emit('state', state, previous);
  }
}
