/**
 * One **translation** session of the mock server (`/v1/realtime/translations`, or a WebRTC call
 * to `/v1/realtime/translations/calls`): the protocol of `gpt-realtime-translate` as the
 * `openai` types describe it, with canned output so an app can be tested offline.
 *
 * The mock does not understand speech. It "translates" the way a test needs: the input audio is
 * cut into the API's 200 ms frames, and every frame that carries speech (RMS above -50 dBFS)
 * releases the next word of the canned source transcript (when `audio.input.transcription` is
 * on), the next word of the canned translation, and the next 200 ms of the canned translated
 * clip. `session.close` flushes the rest, as the API does, then sends `session.closed` and
 * closes. Over WebRTC the translated audio plays on the call's track instead of
 * `session.output_audio.delta` events.
 */

import type { Clock } from '../../base/clock';
import { parseRecord } from '../../base/is-record';
import { base64ToPcm16, pcm16ToBase64 } from '../../codec/base64';
import { TRANSLATION_SAMPLE_RATE, parseTranslationClientEvent } from '../../events/translation-parse';
import type { TranslationClientEventMap, TranslationSessionUpdate } from '../../events/translation';
import type { EventLog, WireEvent } from '../recording/event-log';
import { resamplePcm16 } from './audio';
import { mockErrors, validationError } from './errors';
import { MockChannel } from './session-channel';
import type { MockErrorBody } from './errors';
import type { MockIdPrefix } from './ids';
import type { MockSessionLink } from './session-link';
import type { ReplyAudioSource, ReplyClip } from './reply-audio';
import type { ScenarioAudio } from '../script/scenario';

/** What the mock "translates" every input into (`MockRealtimeServerOptions.translation`). */
export interface MockTranslationOptions {
  /**
   * The source transcript reported, word by word, while speech arrives (with
   * `audio.input.transcription` on).
   * @default "What's the weather like in Paris today?" (the `question` fixture)
   */
  sourceTranscript?: string;
  /**
   * The translated transcript, word by word.
   * @default '¿Qué tiempo hace hoy en París?'
   */
  translatedTranscript?: string;
  /**
   * The translated audio: a fixture clip name or PCM16 samples.
   * @default 'reply-weather'
   */
  audio?: ScenarioAudio;
  /**
   * The target language of a new session (`audio.output.language`) until the client sets one.
   * @default 'es'
   */
  language?: string;
}

/** The defaults of {@link MockTranslationOptions}. */
export const DEFAULT_MOCK_TRANSLATION = {
  /** The source-language transcript streamed back as the input is heard. */
  sourceTranscript: "What's the weather like in Paris today?",
  /** The translated transcript. */
  translatedTranscript: '¿Qué tiempo hace hoy en París?',
  /** The fixture clip played as translated audio. */
  audio: 'reply-weather',
  /** The target language. */
  language: 'es',
} as const satisfies Required<MockTranslationOptions>;

/** What a translation session is created with (the server resolves its options into this). */
export interface MockTranslationSessionOptions {
  /** Index of the connection in the server's list. */
  connection: number;
  link: MockSessionLink;
  log: EventLog;
  clock: Clock;
  newId: (prefix: MockIdPrefix) => string;
  /** The model from the URL or the client secret. */
  model: string;
  /** Settings a client secret carries. */
  session: TranslationSessionUpdate | undefined;
  translation: MockTranslationOptions | undefined;
  audio: ReplyAudioSource;
  /** The session expires this long after it started. */
  expireAfterMs: number;
  /** Largest client frame, in bytes. */
  maxFrameBytes: number;
  /** Called once when the session ends. */
  onClosed?: () => void;
}

/** The translation session object, as `session.created|updated` report it. */
export interface MockTranslationSessionObject {
  /** The session id (`sess_...`). */
  id: string;
  /** Always `translation`. */
  type: 'translation';
  /** The translation model. */
  model: string;
  /** When the session expires, in seconds since the epoch. */
  expires_at: number;
  /** Input and output audio settings. */
  audio: {
    /** Input settings. */
    input: {
      /** Source-language transcription (`null`: off). */
      transcription: {
        /** The transcription model. */
        model: string;
      } | null;
      /** Input noise reduction (`null`: off). */
      noise_reduction: {
        /** `near_field` or `far_field`. */
        type: string;
        /** Strength of the reduction. */
        strength?: number;
      } | null;
    };
    /** Output settings. */
    output: {
      /** The target language (ISO-639-1). */
      language: string;
    };
  };
}

/** The API consumes input in frames of this length. */
const FRAME_MS = 200;
const FRAME_SAMPLES = (TRANSLATION_SAMPLE_RATE * FRAME_MS) / 1000;
/** -50 dBFS: the fixtures' speech threshold (fixtures/audio/manifest.json). */
const SPEECH_RMS = 32768 * 10 ** (-50 / 20);

/** Words with their leading space, as the API's append-only deltas come (" hear"). */
function words(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/**
 * The protocol state machine of one mock translation session. The server creates one per
 * translation connection; tests reach it through `server.translationSession(index)`.
 */
export class MockTranslationSession {
  /** Index of the connection. */
  readonly connection: number;
  readonly #options: MockTranslationSessionOptions;
  readonly #session: MockTranslationSessionObject;
  readonly #source: string[];
  readonly #translated: string[];
  #clip: ReplyClip | undefined;
  #clipOffset = 0;
  /** Input samples not yet cut into a frame. */
  #pending = new Int16Array(0);
  /** Frames of speech heard, and how many of them have been answered. */
  #speechFrames = 0;
  #answeredFrames = 0;
  #elapsedMs = 0;
  #inputMs = 0;
  #started = false;
  #closing = false;
  readonly #channel: MockChannel;

  constructor(options: MockTranslationSessionOptions) {
    this.connection = options.connection;
    this.#options = options;
    // The translation session's options carry the channel's (connection, link, log, clock, ids, onClosed).
    this.#channel = new MockChannel(options);
    const canned = { ...DEFAULT_MOCK_TRANSLATION, ...options.translation };
    this.#source = words(canned.sourceTranscript);
    this.#translated = words(canned.translatedTranscript);
    this.#session = {
      id: options.newId('sess'),
      type: 'translation',
      model: options.model,
      expires_at: Math.floor((options.clock.now() + options.expireAfterMs) / 1000),
      audio: { input: { transcription: null, noise_reduction: null }, output: { language: canned.language } },
    };
    if (options.session) this.#apply(options.session);
    options.audio.load(canned.audio).then(
      (clip) => {
        this.#clip = clip.sampleRate === TRANSLATION_SAMPLE_RATE ? clip : { ...clip, pcm: resamplePcm16(clip.pcm, clip.sampleRate, TRANSLATION_SAMPLE_RATE), sampleRate: TRANSLATION_SAMPLE_RATE };
        this.#answer();
      },
      (error: unknown) => this.#channel.sendError({ type: 'server_error', code: 'server_error', message: `voxwire mock: the translation audio could not be loaded: ${String(error)}`, param: null }, null),
    );
  }

  /** The session as the server holds it (a copy). */
  get session(): MockTranslationSessionObject {
    return structuredClone(this.#session);
  }

  /** Milliseconds of input audio received. */
  get inputMs(): number {
    return this.#inputMs;
  }

  /** True once the session has ended. */
  get closed(): boolean {
    return this.#channel.closed;
  }

  /** Sends `session.created` and starts the expiry clock. */
  start(): void {
    if (this.#started || this.#channel.closed) return;
    this.#started = true;
    this.#channel.emit({ type: 'session.created', session: this.session });
    this.#channel.expireAfter(this.#options.expireAfterMs, () => this.expire());
  }

  /** Sends any server event (`event_id` filled in). False once closed. */
  send(event: WireEvent): boolean {
    return this.#channel.emit(event);
  }

  /** Ends the session at its maximum duration: `session_expired`, then close 1001. */
  expire(): void {
    this.#channel.expire(this.#options.expireAfterMs);
  }

  /** Ends the connection: 1006 terminates it (no close frame), any other code closes it. */
  drop(code = 1006, reason = ''): void {
    this.#channel.drop(code, reason);
  }

  /** Tells the session its transport closed. */
  handleClose(): void {
    this.#channel.close();
  }

  /** Handles one client frame. Never throws: invalid frames get `error` events. */
  receive(data: string | Uint8Array, isBinary = false): void {
    this.#channel.guard(() => this.#receive(data, isBinary));
  }

  /** Source audio that arrived as media (WebRTC): the same path as `session.input_audio_buffer.append`. */
  appendAudio(pcm: Int16Array, sampleRate: number): void {
    if (this.#channel.closed || this.#closing) return;
    const samples = sampleRate === TRANSLATION_SAMPLE_RATE ? pcm : resamplePcm16(pcm, sampleRate, TRANSLATION_SAMPLE_RATE);
    this.#inputMs += (samples.length * 1000) / TRANSLATION_SAMPLE_RATE;
    const all = new Int16Array(this.#pending.length + samples.length);
    all.set(this.#pending);
    all.set(samples, this.#pending.length);
    let offset = 0;
    for (; offset + FRAME_SAMPLES <= all.length; offset += FRAME_SAMPLES) {
      if (rms(all.subarray(offset, offset + FRAME_SAMPLES)) > SPEECH_RMS) this.#speechFrames += 1;
    }
    this.#pending = all.slice(offset);
    this.#answer();
  }

  #receive(data: string | Uint8Array, isBinary: boolean): void {
    const log = this.#options.log;
    const bytes = typeof data === 'string' ? data.length : data.byteLength;
    if (isBinary) {
      this.#channel.refuseBinary(bytes);
      return;
    }
    const result = parseTranslationClientEvent(data, { maxFrameBytes: this.#options.maxFrameBytes });
    if (result.ok && result.known) {
      log.recordReceived(this.connection, result.event as unknown as WireEvent, { valid: true, bytes });
      this.#dispatch(result.event);
      return;
    }
    const raw = result.ok ? (result.event as Record<string, unknown>) : parseRecord(typeof data === 'string' ? data : new TextDecoder().decode(data));
    const clientEventId = typeof raw?.event_id === 'string' ? raw.event_id : null;
    let error: Omit<MockErrorBody, 'event_id'>;
    if (result.ok) error = mockErrors.unknownType(result.event.type);
    else if (result.error.code === 'VOXWIRE_FRAME_TOO_LARGE') error = mockErrors.frameTooLarge(bytes, this.#options.maxFrameBytes);
    else if (result.error.code === 'VOXWIRE_INVALID_JSON') error = mockErrors.invalidJson(result.error.message.replace(/^client frame (is not valid JSON: )?/, ''));
    else if (raw === undefined || typeof raw.type !== 'string') error = mockErrors.missingType();
    else error = validationError(raw, result.error);
    log.recordReceived(this.connection, raw && typeof raw.type === 'string' ? (raw as WireEvent) : { type: '(invalid)' }, { valid: false, bytes, errorCode: error.code ?? '' });
    this.#channel.sendError(error, clientEventId);
  }

  #dispatch(event: TranslationClientEventMap[keyof TranslationClientEventMap]): void {
    switch (event.type) {
      case 'session.update':
        this.#apply(event.session);
        this.#channel.emit({ type: 'session.updated', session: this.session });
        return;
      case 'session.input_audio_buffer.append': {
        let pcm: Int16Array;
        try {
          pcm = base64ToPcm16(event.audio);
        } catch {
          this.#channel.sendError(mockErrors.invalidAudio('expected base64 24 kHz PCM16 mono'), event.event_id ?? null);
          return;
        }
        this.appendAudio(pcm, TRANSLATION_SAMPLE_RATE);
        return;
      }
      case 'session.close':
        this.#finish();
        return;
    }
  }

  #apply(update: TranslationSessionUpdate): void {
    const input = update.audio?.input;
    if (input?.transcription !== undefined) this.#session.audio.input.transcription = input.transcription;
    if (input?.noise_reduction !== undefined) {
      // Omitting `strength` keeps the current strength (the API's rule).
      const current = this.#session.audio.input.noise_reduction;
      this.#session.audio.input.noise_reduction = input.noise_reduction === null ? null : { strength: current?.strength ?? 1, ...input.noise_reduction };
    }
    const language = update.audio?.output?.language;
    if (language !== undefined) this.#session.audio.output.language = language;
  }

  /** Answers every speech frame heard so far (once the canned clip is loaded). */
  #answer(): void {
    if (this.#clip === undefined) return;
    while (this.#answeredFrames < this.#speechFrames && !this.#channel.closed) {
      this.#answeredFrames += 1;
      this.#step(1);
    }
    if (this.#closing) this.#flush();
  }

  /** Releases the next `frames` frames of canned output. */
  #step(frames: number): void {
    const clip = this.#clip;
    if (clip === undefined) return;
    const elapsed_ms = this.#elapsedMs;
    this.#elapsedMs += FRAME_MS * frames;
    if (this.#session.audio.input.transcription !== null) {
      const delta = this.#source.splice(0, frames).join('');
      if (delta !== '') this.#channel.emit({ type: 'session.input_transcript.delta', delta, elapsed_ms });
    }
    const text = this.#translated.splice(0, frames).join('');
    if (text !== '') this.#channel.emit({ type: 'session.output_transcript.delta', delta: text, elapsed_ms });
    const end = Math.min(clip.pcm.length, this.#clipOffset + FRAME_SAMPLES * frames);
    if (end <= this.#clipOffset) return;
    const chunk = clip.pcm.subarray(this.#clipOffset, end);
    this.#clipOffset = end;
    const link = this.#options.link;
    if (link.writeOutputAudio) link.writeOutputAudio(chunk, TRANSLATION_SAMPLE_RATE);
    else this.#channel.emit({ type: 'session.output_audio.delta', delta: pcm16ToBase64(chunk), sample_rate: TRANSLATION_SAMPLE_RATE, channels: 1, format: 'pcm16', elapsed_ms });
  }

  /** `session.close`: the rest of the translation, then `session.closed`, then a normal close. */
  #finish(): void {
    this.#closing = true;
    this.#answer();
  }

  #flush(): void {
    const clip = this.#clip;
    if (clip === undefined || this.#channel.closed) return;
    const left = Math.max(this.#source.length, this.#translated.length, Math.ceil((clip.pcm.length - this.#clipOffset) / FRAME_SAMPLES));
    // Nothing was said: there is nothing to translate.
    if (this.#speechFrames > 0 && left > 0) this.#step(left);
    const finish = (): void => {
      this.#channel.emit({ type: 'session.closed' });
      this.#options.link.close(1000, 'session closed');
      this.handleClose();
    };
    // Over WebRTC the audio is still playing out: close once the track has played it.
    if (this.#options.link.drainOutputAudio) this.#options.link.drainOutputAudio(finish);
    else finish();
  }
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
