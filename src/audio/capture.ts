/**
 * `MicrophoneCapture`: the microphone as a stream of wire-ready chunks (PCM16 at 24 kHz, or
 * G.711 at 8 kHz), captured and resampled in an AudioWorklet.
 */

import { EventEmitter } from '../base/emitter';
import type { AudioInputSource } from '../client/audio-io';
import { describeAudioFormat, type AudioFormatLike } from '../codec/audio-format';
import { RealtimeError } from '../base/errors';
import { consoleLogger, type Logger } from '../base/logger';
import { AudioContextLifecycle, type AudioContextStatus } from './context-lifecycle';
import {
  DEFAULT_CAPTURE_CHUNK_MS,
  DEFAULT_DUCKING_GAIN,
  DEFAULT_LEVEL_HZ,
  DEFAULT_RESUME_TIMEOUT_MS,
  DEFAULT_SILENCE_TIMEOUT_MS,
  MAX_CAPTURE_CHUNK_MS,
  MIN_CAPTURE_CHUNK_MS,
  SILENT_MICROPHONE_PEAK,
  WIRE_PCM_RATE,
} from './defaults';
import { listAudioInputDevices, resolveMediaDevices, type AudioDevice, type MediaDevicesLike } from './devices';
import { toAudioLevel, type AudioLevel } from './levels';
import { loadWorklet } from './worklet-loader';
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureControlMessage,
  type CaptureEncoding,
  type CaptureProcessorMessage,
  type CaptureProcessorOptions,
} from './worklets/messages';

/** Something whose playback ducks the microphone (an `AudioPlayer`). */
export interface DuckingSource {
  /** True while it is playing. */
  readonly isPlaying: boolean;
  /** Emits `playing` with true when playback starts and false when it stops. */
  on(event: 'playing', listener: (playing: boolean) => void): unknown;
  /** Removes a listener added with `on`. */
  off(event: 'playing', listener: (playing: boolean) => void): unknown;
}

/** Options for {@link MicrophoneCapture}. */
export interface MicrophoneCaptureOptions {
  /**
   * The AudioContext to capture in. Yours stays yours: voxwire never closes it. Give the
   * capture and the player the same context to save resources. Firefox refuses to connect a
   * microphone to a context created with a different `sampleRate`, so create it without one.
   * @default a new AudioContext at the platform's rate, closed by `stop()`
   */
  context?: AudioContext;
  /**
   * A microphone stream you acquired yourself. voxwire never stops its tracks; the audio
   * processing options below are then yours to set.
   * @default a stream from getUserMedia with the options below
   */
  stream?: MediaStream;
  /**
   * The microphone to open (see `listAudioInputDevices()`).
   * @default the system default microphone
   */
  deviceId?: string;
  /**
   * Ask the browser to cancel echo from the speakers. Note: Chromium's canceller does not
   * hear Web Audio output; see `AudioPlayer`'s `echoMitigation`.
   * @default true
   */
  echoCancellation?: boolean;
  /**
   * Ask the browser to suppress steady background noise.
   * @default true
   */
  noiseSuppression?: boolean;
  /**
   * Ask the browser to normalise the input level.
   * @default true
   */
  autoGainControl?: boolean;
  /**
   * The wire format of the chunks: `{ type: 'audio/pcm', rate: 24000 }` gives PCM16 `Int16Array`
   * chunks at 24 kHz; `audio/pcmu` / `audio/pcma` give G.711 `Uint8Array` chunks at 8 kHz. Match
   * the session's `audio.input.format`.
   * @default { type: 'audio/pcm', rate: 24000 }
   */
  format?: AudioFormatLike;
  /**
   * Duration of each chunk, in whole ms from 10 to 100. Shorter is lower latency; longer is
   * fewer events on the wire.
   * @default 20
   */
  chunkMs?: number;
  /**
   * Level reports per second (the `level` event), from 1 to 100.
   * @default 30
   */
  levelHz?: number;
  /**
   * After this many ms of digital silence (peak under -80 dBFS) the capture emits
   * `silence` with `silent: true` (a muted headset, a dead device, a missing OS permission).
   * 0 turns detection off.
   * @default 3000
   */
  silenceTimeoutMs?: number;
  /**
   * Start muted.
   * @default false
   */
  muted?: boolean;
  /**
   * Lower the microphone while this player is playing (input ducking): less of the
   * assistant's own voice reaches the server from speakers, at the cost of a quieter user
   * during barge-in. See docs/audio.md.
   * @default no ducking
   */
  duckDuring?: DuckingSource;
  /**
   * The input gain while ducked, 0..1.
   * @default 0.25 (-12 dB)
   */
  duckingGain?: number;
  /**
   * URL of `voxwire/audio/worklets/capture-processor.js` served by your app. Needed under a
   * Content-Security-Policy that does not allow `blob:` scripts.
   * @default the bundled copy, loaded from a Blob URL
   */
  workletUrl?: string | URL;
  /**
   * Resume a context that the system suspends or interrupts once it may run again. Turn off
   * if your app suspends the context itself on purpose.
   * @default true
   */
  autoResume?: boolean;
  /**
   * How long `start()` waits for the context to run before reporting `needsUserGesture`.
   * @default 400
   */
  resumeTimeoutMs?: number;
  /**
   * Where to find microphones (inject a fake in tests).
   * @default navigator.mediaDevices
   */
  mediaDevices?: MediaDevicesLike;
  /**
   * Where warnings go.
   * @default consoleLogger
   */
  logger?: Logger;
}

/** The capture's state. */
export type MicrophoneCaptureState =
  | {
      /** Not started: call `start()`. */
      status: 'idle';
    }
  | {
      /** Asking for the microphone and loading the worklet. */
      status: 'starting';
    }
  | {
      /** Capturing and delivering chunks. */
      status: 'capturing';
      /** The device in use (undefined when you passed the stream). */
      deviceId: string | undefined;
      /** Its label. */
      label: string;
      /** The AudioContext's rate, resampled to the wire rate in the worklet. */
      contextSampleRate: number;
    }
  | {
      /** The browser waits for a click or key press before it runs audio: call `resume()` from one. */
      status: 'needsUserGesture';
    }
  | {
      /** The system suspended audio (Safari `interrupted`, the device taken); it resumes by itself. */
      status: 'interrupted';
    }
  | {
      /** Stopped: the microphone is released. */
      status: 'stopped';
    };

/** Reported by the `silence` event. */
export interface MicrophoneSilence {
  /** True when the input has been digitally silent for `silenceTimeoutMs`; false when sound returns. */
  silent: boolean;
  /** How long the input had been silent, in ms. */
  durationMs: number;
}

/** Events of {@link MicrophoneCapture}. */
export interface MicrophoneCaptureEvents {
  /** The state changed. */
  state: [state: MicrophoneCaptureState, previous: MicrophoneCaptureState];
  /** One chunk in the wire format (also delivered to `subscribe` callbacks). */
  chunk: [chunk: Int16Array | Uint8Array];
  /** The input level, about `levelHz` times a second (measured before mute and ducking). */
  level: [level: AudioLevel];
  /** The microphone went digitally silent, or came back. */
  silence: [info: MicrophoneSilence];
  /** The list of microphones changed (a device was plugged in or out). */
  devices: [devices: AudioDevice[]];
  /** The capture switched to another microphone (by `setDevice` or after a device was lost). */
  device: [
    device: {
      /** The device now in use (undefined when you passed the stream). */
      deviceId: string | undefined;
      /** Its label. */
      label: string;
    },
  ];
  /** Something failed after `start()` resolved (a lost device that could not be replaced). */
  error: [error: RealtimeError];
}

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
  #selectedDeviceId: string | undefined;
  #silentSince: number | undefined;
  #reportedSilent = false;
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
    const format = describeAudioFormat(options.format ?? { type: 'audio/pcm', rate: WIRE_PCM_RATE });
    this.sampleRate = format.sampleRate;
    this.encoding = format.encoding;
    const chunkMs = options.chunkMs ?? DEFAULT_CAPTURE_CHUNK_MS;
    if (!Number.isInteger(chunkMs) || chunkMs < MIN_CAPTURE_CHUNK_MS || chunkMs > MAX_CAPTURE_CHUNK_MS) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `MicrophoneCapture: chunkMs must be a whole number of ms from ${MIN_CAPTURE_CHUNK_MS} to ${MAX_CAPTURE_CHUNK_MS}, got ${String(chunkMs)}.`,
      );
    }
    this.chunkSamples = (this.sampleRate * chunkMs) / 1000;
    if (!Number.isInteger(this.chunkSamples)) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `MicrophoneCapture: ${chunkMs} ms at ${this.sampleRate} Hz is not a whole number of samples; pick another chunkMs.`,
      );
    }
    this.#levelHz = options.levelHz ?? DEFAULT_LEVEL_HZ;
    if (!(this.#levelHz >= 1 && this.#levelHz <= 100)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MicrophoneCapture: levelHz must be from 1 to 100, got ${String(this.#levelHz)}.`);
    }
    this.#duckingGain = options.duckingGain ?? DEFAULT_DUCKING_GAIN;
    if (!(this.#duckingGain >= 0 && this.#duckingGain <= 1)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MicrophoneCapture: duckingGain must be from 0 to 1, got ${String(this.#duckingGain)}.`);
    }
    const silenceTimeoutMs = options.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS;
    if (!(silenceTimeoutMs >= 0)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MicrophoneCapture: silenceTimeoutMs must be >= 0, got ${String(silenceTimeoutMs)}.`);
    }
    this.#isMuted = options.muted ?? false;
    this.#selectedDeviceId = options.deviceId;
  }

  /** The current state. */
  get state(): MicrophoneCaptureState {
    return this.#currentState;
  }

  /** True when the browser waits for a user gesture before audio can run (call `resume()` from one). */
  get needsUserGesture(): boolean {
    return this.#currentState.status === 'needsUserGesture';
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
   * Receives every chunk (the `AudioInputSource` contract used by `client.attachInput`).
   *
   * @returns A function that unsubscribes.
   */
  subscribe(onChunk: (chunk: Int16Array | Uint8Array) => void): () => void {
    const listener = (chunk: Int16Array | Uint8Array): void => onChunk(chunk);
    this.on('chunk', listener);
    return () => {
      this.off('chunk', listener);
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
  }

  /** Lowers the input to `duckingGain` (true) or restores it (false); `duckDuring` calls this. */
  setDucked(ducked: boolean): void {
    this.#ducked = ducked;
    this.#post({ type: 'gain', gain: ducked ? this.#duckingGain : 1 });
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
      this.#silentSince = undefined;
      this.#reportedSilent = false;
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
    pipeline.source.disconnect();
    pipeline.node.disconnect();
    this.#unwatchTrack(pipeline.stream);
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
        return;
      case 'level':
        this.emit('level', toAudioLevel(message.rms, message.peak, message.contextTime));
        this.#trackSilence(message.peak, message.contextTime);
        return;
      case 'stopped':
        pipeline.resolveStopped();
        return;
    }
  }

  #trackSilence(peak: number, contextTime: number): void {
    const timeoutMs = this.#options.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS;
    if (timeoutMs === 0) return;
    if (peak < SILENT_MICROPHONE_PEAK) {
      this.#silentSince ??= contextTime;
      const durationMs = (contextTime - this.#silentSince) * 1000;
      if (!this.#reportedSilent && durationMs >= timeoutMs) {
        this.#reportedSilent = true;
        this.#logger.warn('the microphone has been digitally silent', { durationMs: Math.round(durationMs) });
        this.emit('silence', { silent: true, durationMs });
      }
      return;
    }
    if (this.#reportedSilent) {
      const durationMs = this.#silentSince === undefined ? 0 : (contextTime - this.#silentSince) * 1000;
      this.#reportedSilent = false;
      this.emit('silence', { silent: false, durationMs });
    }
    this.#silentSince = undefined;
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

  async #acquireStream(deviceId: string | undefined): Promise<MediaStream> {
    const mediaDevices = resolveMediaDevices(this.#options.mediaDevices);
    const audio: MediaTrackConstraints = {
      echoCancellation: this.#options.echoCancellation ?? true,
      noiseSuppression: this.#options.noiseSuppression ?? true,
      autoGainControl: this.#options.autoGainControl ?? true,
      channelCount: { ideal: 1 },
    };
    if (deviceId !== undefined) audio.deviceId = { exact: deviceId };
    try {
      return await mediaDevices.getUserMedia({ audio });
    } catch (error) {
      const name = (error as { name?: unknown })?.name;
      const reason =
        name === 'NotAllowedError' || name === 'SecurityError'
          ? 'microphone permission was denied; ask the user to allow it in the browser (and OS) settings'
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? deviceId === undefined
              ? 'no microphone was found'
              : `the microphone ${JSON.stringify(deviceId)} was not found; list devices again`
            : name === 'NotReadableError'
              ? 'the microphone is in use by another application or failed'
              : describeError(error);
      throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', `MicrophoneCapture could not open the microphone: ${reason}.`, { cause: error });
    }
  }

  #swapStream(pipeline: Pipeline, stream: MediaStream, ownsStream: boolean, deviceId: string | undefined): void {
    const context = pipeline.lifecycle.context;
    const source = context.createMediaStreamSource(stream);
    source.connect(pipeline.node);
    pipeline.source.disconnect();
    this.#unwatchTrack(pipeline.stream);
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

  #watchTrack(stream: MediaStream): void {
    for (const track of stream.getAudioTracks()) track.addEventListener('ended', this.#onTrackEnded);
  }

  #unwatchTrack(stream: MediaStream): void {
    for (const track of stream.getAudioTracks()) track.removeEventListener('ended', this.#onTrackEnded);
  }

  #deviceIdOf(stream: MediaStream): string | undefined {
    if (stream === this.#options.stream) return undefined;
    return stream.getAudioTracks()[0]?.getSettings().deviceId ?? this.#selectedDeviceId;
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

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
