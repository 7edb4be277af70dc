import { EventEmitter } from '../base/emitter';
import { inputSlot } from '../client/audio-io';
import type { AudioInputSource, AudioOutputSink } from '../client/audio-io';
import type { ClientState } from '../client/client-events';
import { systemClock } from '../base/clock';
import type { Clock } from '../base/clock';
import { base64ToPcm16, encodeBase64, pcm16ToBase64 } from '../codec/base64';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TRANSLATION_FINISH_TIMEOUT_MS } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import { TRANSLATION_SAMPLE_RATE, mergeTranslationSession } from '../events/translation-parse';
import type {
  TranslationClientEvent,
  TranslationServerEvent,
  TranslationServerEventMap,
  TranslationSession,
  TranslationSessionUpdate,
} from '../events/translation';
import type { UnknownTranslationServerEvent } from '../events/translation-parse';
import { EventWaiters } from '../client/event-waiters';
import { consoleLogger } from '../base/logger';
import type { Logger } from '../base/logger';
import type { ExponentialBackoffOptions, ReconnectPolicy } from '../client/reconnect';
import { serverErrorFromEvent, toRealtimeError } from '../client/session-errors';
import { anySignal } from '../client/abort';
import { Connection, closeSession, reconnectPolicyOf, safeEmitter } from '../client/connection';
import { idMaker } from '../client/ids';
import type { SafeEmit } from '../client/connection';
import type { ApiKeyProvider, Transport } from '../transport/transport';
import { WebSocketTransport } from '../transport/websocket';
import type { TranslationClientEvents } from './translation-events';
import { translationProtocol } from './translation-protocol';

/** Options of {@link TranslationClient}. */
export interface TranslationClientOptions {
  /**
   * The transport, built with `protocol: translationProtocol` (a `WebRTCTransport` for browsers).
   * When left out, a `WebSocketTransport` speaking the translation protocol is built from `url`,
   * `apiKey` and `model`.
   */
  transport?: Transport;
  /** Where the default WebSocket transport connects. @default 'wss://api.openai.com/v1/realtime/translations' */
  url?: string;
  /** API key, ephemeral translation key, or a provider called on every (re)connect (default transport only). */
  apiKey?: ApiKeyProvider;
  /** The translation model (default transport only). @default 'gpt-realtime-translate' */
  model?: string;
  /** The target language (`audio.output.language`), e.g. `'es'`. @default undefined (the server's default) */
  language?: string;
  /**
   * Session settings (source transcription, noise reduction, language), sent with
   * `session.update` on connect and after every reconnect; `language` wins over
   * `session.audio.output.language`. @default {}
   */
  session?: TranslationSessionUpdate;
  /**
   * How to reconnect after an unexpected close: a policy, options for the default exponential
   * backoff, or `false`. The transcripts carry on across reconnects. @default exponentialBackoff()
   */
  reconnect?: ReconnectPolicy | ExponentialBackoffOptions | false;
  /** How long `connect()` waits for `session.created` (and `session.updated`). @default 15000 */
  connectTimeoutMs?: number;
  /** Where warnings go. @default consoleLogger */
  logger?: Logger;
  /** Time source for backoff and timeouts. @default systemClock */
  clock?: Clock;
  /** Random source in [0, 1) for jitter and event ids. @default Math.random */
  random?: () => number;
}

/** Options of {@link TranslationClient.finish}. */
export interface TranslationFinishOptions {
  /** How long to wait for `session.closed`. @default 10000 */
  timeoutMs?: number;
  /** Stops waiting (the connection is closed at once). */
  signal?: AbortSignal;
}

type AnyEvent = TranslationServerEvent | UnknownTranslationServerEvent;

/**
 * Live speech translation (`gpt-realtime-translate`): source audio in, translated audio and
 * transcripts out, continuously; no turns, no responses. It runs on the same transports, audio
 * engine, relay and test kit as `RealtimeClient`: attach a `MicrophoneCapture` and an
 * `AudioPlayer` (at 24 kHz: translation takes 24 kHz PCM16 only) exactly as there.
 *
 * @example
 * ```ts
 * import { TranslationClient } from 'voxwire';
 *
 * const translator = new TranslationClient({ apiKey: process.env.OPENAI_API_KEY, language: 'es' });
 * translator.on('translatedTranscript', ({ text }) => render(text));
 * await translator.connect();
 * translator.appendAudio(pcm16At24kHz); // keep streaming, silence too
 * await translator.finish();             // flushes: the last translation arrives, then the session closes
 * ```
 */
export class TranslationClient extends EventEmitter<TranslationClientEvents> {
  /** The transport in use. */
  readonly transport: Transport;

  readonly #options: TranslationClientOptions;
  readonly #logger: Logger;
  readonly #waiters: EventWaiters<AnyEvent>;
  readonly #connection: Connection;
  readonly #safeEmit: SafeEmit<TranslationClientEvents>;
  #desired: TranslationSessionUpdate;
  #confirmed: TranslationSession | undefined;
  #sessionId = '';
  #sourceText = '';
  #translatedText = '';
  readonly #createId: (prefix: string) => string;
  readonly #attachInput = inputSlot();
  #sink: AudioOutputSink | undefined;

  constructor(options: TranslationClientOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `TranslationClient: options must be an object, got ${options === null ? 'null' : typeof options}.`);
    }
    if (options.language !== undefined && (typeof options.language !== 'string' || options.language === '')) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `TranslationClient: \`language\` must be a non-empty string such as 'es', got ${JSON.stringify(options.language)}.`, { path: 'language' });
    }
    const timeout = options.connectTimeoutMs;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout < 0)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `TranslationClient: \`connectTimeoutMs\` must be a number ≥ 0, got ${String(timeout)}.`);
    }
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger;
    this.#safeEmit = safeEmitter(this, this.#logger, 'translation client');
    const clock = options.clock ?? systemClock;
    this.#createId = idMaker(options.random ?? Math.random);
    this.#waiters = new EventWaiters(clock);
    this.#desired = withLanguage(options.session ?? {}, options.language);
    // Misconfiguration throws here, before any network call.
    translationProtocol.serialize({ type: 'session.update', session: this.#desired }, {});
    this.transport =
      options.transport ??
      new WebSocketTransport({
        protocol: translationProtocol,
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
        ...(options.model === undefined ? {} : { model: options.model }),
      });
    this.transport.on('event', (event, known) => this.#receive(event as AnyEvent, known));
    this.#connection = new Connection({
      transport: this.transport,
      waiters: this.#waiters,
      clock,
      random: options.random ?? Math.random,
      policy: reconnectPolicyOf(options.reconnect),
      label: 'translation client',
      open: (signal) => this.#openSession(signal),
      emit: this.#safeEmit,
      // Audio the sink still holds belongs to the session that dropped.
      dropped: () => void this.#sink?.flush().catch(() => undefined),
    });
  }

  /** The connection state. */
  get state(): ClientState {
    return this.#connection.state;
  }

  /** The session as the server last reported it. */
  get session(): TranslationSession | undefined {
    return this.#confirmed;
  }

  /** All source-language transcript text so far (with source transcription on). */
  get sourceText(): string {
    return this.#sourceText;
  }

  /** All translated transcript text so far. */
  get translatedText(): string {
    return this.#translatedText;
  }

  /**
   * Connects and applies the session settings. Resolves once the server confirmed them; rejects
   * with a `RealtimeError` (a refused setting names the field).
   */
  async connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#connection.connect(options.signal);
  }

  /**
   * Changes the target language, source transcription or noise reduction. Validated before it
   * leaves; resolves with the session the server confirmed (at once, with undefined, when not
   * connected: the change applies on the next connect).
   */
  async updateSession(update: TranslationSessionUpdate): Promise<TranslationSession | undefined> {
    translationProtocol.serialize({ type: 'session.update', session: update }, {});
    this.#desired = mergeTranslationSession(this.#desired, update);
    if (this.#connection.phase !== 'live') return undefined;
    return this.#applySession(update, this.#connection.signal);
  }

  /** Sets the target language (a `session.update` of `audio.output.language`). */
  setLanguage(language: string): Promise<TranslationSession | undefined> {
    return this.updateSession({ audio: { output: { language } } });
  }

  /**
   * Streams source audio: 24 kHz PCM16 mono, as samples or little-endian bytes. Returns false,
   * dropping it, while not connected: stale audio is never sent late. Keep streaming silence
   * too: the server treats resumed audio as contiguous with what came before.
   */
  appendAudio(audio: Int16Array | Uint8Array | ArrayBuffer): boolean {
    if (!(audio instanceof Int16Array || audio instanceof Uint8Array || audio instanceof ArrayBuffer)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'appendAudio(): expected an Int16Array, Uint8Array or ArrayBuffer of 24 kHz PCM16 audio.');
    }
    if (!(audio instanceof Int16Array) && audio.byteLength % 2 !== 0) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `appendAudio(): ${audio.byteLength} bytes is not whole PCM16 samples (translation takes 24 kHz PCM16 only).`);
    }
    if (this.#connection.phase !== 'live' || audio.byteLength === 0) return false;
    const base64 = audio instanceof Int16Array ? pcm16ToBase64(audio) : encodeBase64(audio);
    return this.#send({ type: 'session.input_audio_buffer.append', audio: base64 });
  }

  /**
   * Streams an audio source (e.g. `MicrophoneCapture` at 24 kHz) into the session. Returns a
   * function that detaches it; replaces a source attached before.
   */
  attachInput(source: AudioInputSource): () => void {
    let warned = false;
    return this.#attachInput(
      () =>
        this.transport.media?.attachInput(source) ??
        source.subscribe((chunk) => {
          if (chunk instanceof Int16Array) {
            this.appendAudio(chunk);
          } else if (!warned) {
            warned = true;
            this.#logger.warn(`TranslationClient: the input source sends encoded bytes; translation takes ${TRANSLATION_SAMPLE_RATE} Hz PCM16 only (capture with format audio/pcm).`);
          }
        }),
    );
  }

  /** Plays the translated audio through a sink (e.g. `AudioPlayer`). Returns a function that detaches it. */
  attachOutput(sink: AudioOutputSink): () => void {
    const media = this.transport.media?.attachOutput(sink);
    if (media !== undefined) return media;
    this.#sink = sink;
    return () => {
      if (this.#sink === sink) this.#sink = undefined;
    };
  }

  /**
   * Ends the session gracefully: sends `session.close`, lets the server flush the audio it holds
   * and deliver the last translation, and resolves on `session.closed`. Rejects with
   * `VOXWIRE_TIMEOUT` when it does not come in time (the connection is closed anyway).
   */
  async finish(options: TranslationFinishOptions = {}): Promise<void> {
    return closeSession(this.#connection, this.#waiters, () => this.#send({ type: 'session.close' }), options.timeoutMs ?? DEFAULT_TRANSLATION_FINISH_TIMEOUT_MS, options.signal, () => 'finish(): the session closed');
  }

  /** Closes the connection at once, without waiting for the last translation. No reconnect. */
  disconnect(): void {
    this.#connection.disconnect();
  }

  // ---------------------------------------------------------------------------------------

  async #openSession(signal: AbortSignal | undefined): Promise<void> {
    const abort = anySignal([signal, this.#connection.signal]);
    const created = this.#waiters.wait((event) => event.type === 'session.created' && event, this.#timeoutMs(), abort, 'session.created');
    created.catch(() => undefined);
    try {
      await this.transport.connect({ signal: abort, protocol: translationProtocol });
    } catch (error) {
      this.#waiters.rejectAll(toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED'));
      throw error;
    }
    const event = (await created) as TranslationServerEventMap['session.created'];
    this.#sessionId = typeof event.session.id === 'string' ? event.session.id : '';
    this.#connection.sessionExpired = false;
    if (Object.keys(this.#desired).length > 0) await this.#applySession(this.#desired, abort);
    this.#connection.phase = 'live';
    this.#connection.setState({ status: 'connected', sessionId: this.#sessionId });
  }

  async #applySession(session: TranslationSessionUpdate, signal: AbortSignal): Promise<TranslationSession> {
    const eventId = this.#createId('evt_vxt');
    const confirmed = this.#waiters.wait(
      (event) => {
        if (event.type === 'session.updated') return event;
        if (event.type === 'error' && (event as TranslationServerEventMap['error']).error.event_id === eventId) return 'reject';
        return false;
      },
      this.#timeoutMs(),
      signal,
      'session.updated',
    );
    confirmed.catch(() => undefined);
    this.#sendOrExplain({ type: 'session.update', event_id: eventId, session });
    return ((await confirmed) as TranslationServerEventMap['session.updated']).session;
  }

  #receive(event: AnyEvent, known: boolean): void {
    this.#safeEmit('*', event);
    if (known) this.#track(event as TranslationServerEvent);
    if (known && event.type !== 'error') this.#safeEmit(event.type as 'session.closed', event as never);
    this.#waiters.offer(event, (error) => serverErrorFromEvent(error as TranslationServerEventMap['error']));
  }

  #track(event: TranslationServerEvent): void {
    switch (event.type) {
      case 'session.created':
      case 'session.updated':
        this.#confirmed = event.session;
        this.#safeEmit('session', event.session);
        return;
      case 'session.input_transcript.delta':
        this.#sourceText += event.delta;
        this.#safeEmit('sourceTranscript', { delta: event.delta, text: this.#sourceText, elapsedMs: event.elapsed_ms ?? undefined });
        return;
      case 'session.output_transcript.delta':
        this.#translatedText += event.delta;
        this.#safeEmit('translatedTranscript', { delta: event.delta, text: this.#translatedText, elapsedMs: event.elapsed_ms ?? undefined });
        return;
      case 'session.output_audio.delta': {
        let samples: Int16Array;
        try {
          samples = base64ToPcm16(event.delta);
        } catch (cause) {
          this.#safeEmit('error', new RealtimeError('VOXWIRE_INVALID_EVENT', 'session.output_audio.delta: `delta` is not base64 PCM16 audio.', { cause, raw: event.delta }));
          return;
        }
        const sampleRate = event.sample_rate ?? TRANSLATION_SAMPLE_RATE;
        this.#safeEmit('audio', { samples, sampleRate, elapsedMs: event.elapsed_ms ?? undefined });
        try {
          this.#sink?.write({ itemId: this.#sessionId, contentIndex: 0, samples, sampleRate });
        } catch (cause) {
          this.#safeEmit('error', new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'The audio sink refused a chunk of translated audio.', { cause }));
        }
        return;
      }
      case 'session.closed':
        // The server ended the session without our `session.close` (ours is awaited in finish()).
        if (this.#connection.phase === 'live') this.#connection.end({ status: 'expired', reason: 'server_closed' });
        return;
      case 'error':
        if (event.error.code === 'session_expired') this.#connection.sessionExpired = true;
        this.#safeEmit('error', serverErrorFromEvent(event));
        return;
      default:
        return;
    }
  }

  #send(event: TranslationClientEvent): boolean {
    if (!this.transport.isOpen) return false;
    this.#sendOrExplain(event);
    return true;
  }

  /** Sends through the transport; a transport built without the translation protocol is named as the cause. */
  #sendOrExplain(event: TranslationClientEvent): void {
    try {
      this.transport.send(event as never);
    } catch (error) {
      // A valid translation event the transport refuses: it serializes for conversations (built
      // without `protocol: translationProtocol`).
      if (error instanceof RealtimeError && error.code === 'VOXWIRE_INVALID_CLIENT_EVENT' && speaksTranslation(event)) {
        throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `TranslationClient: the transport refused ${event.type}: it does not speak the translation protocol. Create it with \`protocol: translationProtocol\`.`, { cause: error });
      }
      throw error;
    }
  }

  #timeoutMs(): number {
    return this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  }
}

function withLanguage(session: TranslationSessionUpdate, language: string | undefined): TranslationSessionUpdate {
  return language === undefined ? session : mergeTranslationSession(session, { audio: { output: { language } } });
}

function speaksTranslation(event: TranslationClientEvent): boolean {
  try {
    translationProtocol.serialize(event, {});
    return true;
  } catch {
    return false;
  }
}
