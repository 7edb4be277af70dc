/**
 * The audio side of `WebRTCTransport`: which microphone track the call sends (the transport's
 * own, the app's stream, or an attached `MicrophoneCapture`), mute, and where the assistant's
 * track plays (the transport's audio element, or an attached `AudioPlayer`). Every change to a
 * live call is a `replaceTrack`, never a renegotiation.
 */
import { RealtimeError, messageOf } from '../base/errors';
import type { TransportMedia } from './transport';

/**
 * The microphone constraints used when the transport opens the microphone itself: the same
 * processing the capture engine asks for (`voxwire/audio`), so both transports hear alike.
 */
export const DEFAULT_WEBRTC_AUDIO_CONSTRAINTS: Readonly<MediaTrackConstraints> = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

/** The transport options this module reads. */
export interface WebRTCMediaOptions {
  mediaStream?: MediaStream | undefined;
  audioConstraints?: MediaTrackConstraints | undefined;
  getUserMedia?: ((constraints: MediaStreamConstraints) => Promise<MediaStream>) | undefined;
  audioElement?: HTMLAudioElement | false | undefined;
}

interface Microphone {
  stream: MediaStream;
  /** Opened by the transport, so stopped by it. */
  owned: boolean;
}

export class WebRTCMedia implements TransportMedia {
  readonly #options: WebRTCMediaOptions;
  readonly #report: (error: RealtimeError) => void;
  #microphone: Microphone | undefined;
  /** An attached source decides the input; `undefined` stream: it is stopped. */
  #attached: { stream: MediaStream | undefined } | undefined;
  #muted = false;
  #sender: RTCRtpSender | undefined;
  #element: HTMLAudioElement | undefined;
  #remote: MediaStream | undefined;
  #sink: ((stream: MediaStream) => () => void) | null = null;
  #stopSink: (() => void) | undefined;

  constructor(options: WebRTCMediaOptions, report: (error: RealtimeError) => void) {
    this.#options = options;
    this.#report = report;
  }

  /** The stream the call sends (an attached source's, yours, or the one the transport opened). */
  get localStream(): MediaStream | undefined {
    if (this.#attached !== undefined) return this.#attached.stream;
    return this.#microphone?.stream ?? this.#options.mediaStream;
  }

  get element(): HTMLAudioElement | undefined {
    return this.#element;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /**
   * The stream a new call starts with: an attached source's (none while it is stopped), then
   * the current or given microphone, else the transport's own, opened now.
   */
  async openInput(signal: AbortSignal | undefined): Promise<MediaStream | undefined> {
    if (this.#attached !== undefined) return this.#attached.stream;
    if (this.#microphone) return this.#microphone.stream;
    if (this.#options.mediaStream) return this.#options.mediaStream;
    const stream = await this.#getUserMedia({ audio: { ...(this.#options.audioConstraints ?? DEFAULT_WEBRTC_AUDIO_CONSTRAINTS) } });
    if (signal?.aborted) {
      stopStream(stream);
      throw new RealtimeError('VOXWIRE_ABORTED', 'Connection attempt aborted.', { cause: signal.reason });
    }
    this.#microphone = { stream, owned: true };
    return stream;
  }

  /** The live call's sender (`undefined` once the call ended): later changes replace its track. */
  bindSender(sender: RTCRtpSender | undefined): void {
    this.#sender = sender;
  }

  /** Sends `track` (or nothing while muted) on a call being set up; rejects like `replaceTrack`. */
  async startSending(sender: RTCRtpSender, track: MediaStreamTrack | undefined): Promise<void> {
    if (!this.#muted && track !== undefined) await sender.replaceTrack(track);
  }

  setMuted(muted: boolean): void {
    this.#muted = muted;
    this.#replace(muted ? null : this.#track(), muted ? 'mute' : 'unmute');
  }

  async switchMicrophone(input: string | MediaStream): Promise<void> {
    let next: Microphone;
    if (typeof input === 'string') {
      const constraints = { ...(this.#options.audioConstraints ?? DEFAULT_WEBRTC_AUDIO_CONSTRAINTS), deviceId: { exact: input } };
      next = { stream: await this.#getUserMedia({ audio: constraints }), owned: true };
    } else if (input && typeof (input as MediaStream).getAudioTracks === 'function') {
      next = { stream: input, owned: false };
    } else {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'switchMicrophone(): expected a device id or a MediaStream.');
    }
    const track = next.stream.getAudioTracks()[0];
    if (!track) {
      if (next.owned) stopStream(next.stream);
      throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'switchMicrophone(): the new stream has no audio track.');
    }
    const previous = this.#microphone;
    this.#microphone = next;
    this.#attached = undefined;
    if (this.#sender !== undefined && !this.#muted) await this.#sender.replaceTrack(track);
    if (previous?.owned && previous.stream !== next.stream) stopStream(previous.stream);
  }

  attachInput(source: { subscribeMedia?(onStream: (stream: MediaStream | undefined) => void): () => void }): (() => void) | undefined {
    const subscribeMedia = source.subscribeMedia;
    if (subscribeMedia === undefined) return undefined;
    const unsubscribe = subscribeMedia.call(source, (stream) => this.useInput(stream));
    return () => {
      unsubscribe();
      this.useInput(null);
    };
  }

  attachOutput(sink: { playMedia?(stream: MediaStream): () => void }): (() => void) | undefined {
    const playMedia = sink.playMedia;
    if (playMedia === undefined) return undefined;
    this.useOutput((stream) => playMedia.call(sink, stream));
    return () => this.useOutput(null);
  }

  /** Sends `stream` (an attached source's; `undefined`: nothing), or `null`: the own microphone again. */
  useInput(stream: MediaStream | undefined | null): void {
    if (stream === null) {
      if (this.#attached === undefined) return;
      this.#attached = undefined;
      if (this.#sender === undefined) return;
      // Back to the transport's own microphone, as before the source was attached.
      this.openInput(undefined).then(
        (own) => this.#replace(this.#muted ? null : (own?.getAudioTracks()[0] ?? null), 'switch back to'),
        (error: unknown) => this.#report(toDeviceError(error, 'open')),
      );
      return;
    }
    this.#attached = { stream };
    this.#release();
    if (stream !== undefined && stream.getAudioTracks()[0] === undefined) {
      this.#report(new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'WebRTCTransport: the attached input gave a stream without an audio track; nothing is sent.'));
    }
    this.#replace(this.#muted ? null : this.#track(), 'switch to the attached source of');
  }

  /** Plays the remote stream through `play`, or `null`: through the element again. */
  useOutput(play: ((stream: MediaStream) => () => void) | null): void {
    this.#sink = play;
    if (this.#remote !== undefined) this.play(this.#remote);
  }

  /** The assistant's track arrived: play it through the attached sink, else the element. */
  play(stream: MediaStream): void {
    this.#remote = stream;
    this.#stopSink?.();
    this.#stopSink = undefined;
    const element = this.#ensureElement();
    if (this.#sink !== null) {
      try {
        this.#stopSink = this.#sink(stream);
      } catch (error) {
        this.#report(toDeviceError(error, 'play the assistant through'));
      }
      // Chromium renders a remote WebRTC track into Web Audio only while a media element also
      // holds it: keep it on the element, muted.
      if (element) element.muted = true;
    } else if (element) {
      element.muted = false;
    }
    if (!element) return;
    element.srcObject = stream;
    const playing = element.play?.();
    if (playing && typeof playing.catch === 'function') {
      playing.catch((error: unknown) => {
        if (element.srcObject !== stream || this.#sink !== null) return;
        this.#report(
          new RealtimeError('VOXWIRE_AUDIO_DEVICE', `The assistant's audio could not start playing (${messageOf(error)}); call audioElement.play() after a user gesture.`, { cause: error }),
        );
      });
    }
  }

  /** The call ended: stop playing its track. */
  stopPlaying(stream: MediaStream | undefined): void {
    if (stream === undefined || this.#remote !== stream) return;
    this.#remote = undefined;
    this.#stopSink?.();
    this.#stopSink = undefined;
    if (this.#element && this.#element.srcObject === stream) this.#element.srcObject = null;
  }

  async setOutputDevice(deviceId: string): Promise<void> {
    const element = this.#ensureElement();
    const setSinkId = (element as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | undefined)?.setSinkId;
    if (!element || typeof setSinkId !== 'function') {
      throw new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', 'setOutputDevice(): this browser cannot choose the output device (no HTMLMediaElement.setSinkId), or `audioElement` is false.');
    }
    try {
      await setSinkId.call(element, deviceId);
    } catch (error) {
      throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', `setOutputDevice(): could not switch to ${JSON.stringify(deviceId)}: ${messageOf(error)}`, { cause: error });
    }
  }

  /** `close()`: stops a microphone the transport opened and forgets the call. */
  close(): void {
    this.#release();
    this.#sender = undefined;
  }

  #track(): MediaStreamTrack | null {
    return this.localStream?.getAudioTracks()[0] ?? null;
  }

  #replace(track: MediaStreamTrack | null, what: string): void {
    const sender = this.#sender;
    if (sender === undefined) return;
    sender.replaceTrack(track).catch((error: unknown) => {
      this.#report(new RealtimeError('VOXWIRE_AUDIO_DEVICE', `WebRTCTransport: could not ${what} the microphone (replaceTrack failed).`, { cause: error }));
    });
  }

  #release(): void {
    const microphone = this.#microphone;
    this.#microphone = undefined;
    if (microphone?.owned) stopStream(microphone.stream);
  }

  async #getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream> {
    const open =
      this.#options.getUserMedia ??
      (() => {
        const devices = (globalThis as { navigator?: { mediaDevices?: MediaDevices } }).navigator?.mediaDevices;
        return devices?.getUserMedia ? devices.getUserMedia.bind(devices) : undefined;
      })();
    if (!open) {
      throw new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', 'WebRTCTransport: no microphone API here (navigator.mediaDevices.getUserMedia); pass `mediaStream` or `getUserMedia`.');
    }
    try {
      return await open(constraints);
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      const hint = name === 'NotAllowedError' ? ' (permission denied)' : name === 'NotFoundError' ? ' (no microphone)' : '';
      throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', `Could not open the microphone${hint}: ${messageOf(error)}`, { cause: error });
    }
  }

  #ensureElement(): HTMLAudioElement | undefined {
    if (this.#options.audioElement === false) return undefined;
    if (this.#element) return this.#element;
    if (this.#options.audioElement) {
      this.#element = this.#options.audioElement;
      return this.#element;
    }
    const doc = (globalThis as { document?: Document }).document;
    if (!doc) return undefined;
    const element = doc.createElement('audio');
    element.autoplay = true;
    this.#element = element;
    return element;
  }
}

function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}

function toDeviceError(error: unknown, what: string): RealtimeError {
  if (error instanceof RealtimeError) return error;
  return new RealtimeError('VOXWIRE_AUDIO_DEVICE', `WebRTCTransport: could not ${what} the attached audio: ${messageOf(error)}`, { cause: error });
}

