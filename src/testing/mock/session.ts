/**
 * One Realtime session of the mock server: the GA protocol state machine for one connection.
 *
 * Transport-agnostic: it receives client frames through {@link MockSession.receive} and talks
 * back through a {@link MockSessionLink} (send a frame, close, terminate), so the same session
 * runs behind the WebSocket endpoint, a WebRTC data channel (where input audio arrives as media
 * through {@link MockSession.appendAudio} and reply audio leaves through
 * {@link MockSessionLink.writeOutputAudio}) or a sideband connection.
 *
 * What it models: the session config (`session.update` deep-merged, answered with the full
 * session), the conversation (`conversation.item.*` with `previous_item_id` ordering), the input
 * audio buffer with server VAD on the real samples ({@link EnergyVad}), input transcription
 * (the scenario's user transcript), responses ({@link MockResponse}), interruption, truncation
 * checked against the audio actually sent, the voice lock, idle timeouts and the session's
 * maximum duration. Every client event is validated with the SDK's client schemas; a bad one
 * gets an `error` event of the API's shape and the session goes on.
 */

import type { Clock } from '../../base/clock';
import { exceedsUtf8Bytes } from '../../events/frame';
import { parseClientEvent } from '../../events/parse';
import type { ClientEventInputMap } from '../../events/client-events';
import type { MockRealtimeServer } from './server';
import type { AudioPace } from './audio-pace';
import type { EventLog, WireEvent } from '../recording/event-log';
import { InputAudioBuffer } from './input-audio-buffer';
import { decodeWireAudio, encodeWireAudio } from '../../codec/wire-audio';
import { resamplePcm16 } from './audio';
import { MockConversation } from './conversation';
import type { InsertPosition, MockItem, StoredItem } from './conversation';
import { mockErrors, validationError } from './errors';
import { MockChannel } from './session-channel';
import type { MockErrorBody } from './errors';
import type { MockIdPrefix } from './ids';
import { MockResponse, splitTextDeltas } from './response';
import type { InputUsage, ResolvedReply } from './response';
import { createMockSession, mergeSessionUpdate, transcriptionSessionView, voiceKey } from './session-config';
import type { MockAudioFormat, MockSessionDefaults, MockSessionKind, MockSessionObject, MockTranscriptionSessionObject } from './session-config';
import { DEFAULT_TRANSCRIPTION_MODEL, DEFAULT_UPSTREAM_SESSION_MAX_MS } from '../../base/defaults';
import { DEFAULT_REPLY_CLIP } from './reply-audio';
import type { ReplyAudioSource } from './reply-audio';
import type { ScenarioReply, ScenarioTurn } from '../script/scenario';
import type { ScenarioCursor, TakenTurn } from '../script/scenario-cursor';
import { EnergyVad, semanticVadSettings } from './vad';
import type { VadEvent } from './vad';

import type { MockSessionLink } from './session-link';

/** Everything a session is created with (the server resolves its options into this). */
export interface MockSessionOptions {
  /** Index of the connection in the server's list (used in logs). */
  connection: number;
  link: MockSessionLink;
  log: EventLog;
  clock: Clock;
  newId: (prefix: MockIdPrefix) => string;
  /** The `obfuscation` padding of a streamed text delta. */
  obfuscate: (delta: string) => string;
  /** The kind of session the connection starts as (`?intent=transcription` starts a transcription session). */
  kind?: MockSessionKind;
  /** The model from the connection URL. */
  model: string;
  sessionDefaults: MockSessionDefaults | undefined;
  audioPace: AudioPace;
  outputChunkMs: number;
  /** The session expires this long after it started; `undefined` never. */
  expireAfterMs: number | undefined;
  turns: ScenarioCursor;
  audio: ReplyAudioSource;
  /** What the assistant says when no scenario turn says otherwise. */
  defaultReply: ScenarioReply;
  /** The input transcription reported when no scenario turn gives one. */
  userTranscript: string;
  /** Largest client frame, in bytes, before it is refused with an error. */
  maxFrameBytes: number;
  /** A client that leaves this many bytes unread is disconnected (it is not reading). */
  maxBufferedBytes: number;
  /** Uncommitted input audio kept at most, in ms. */
  maxInputBufferMs: number;
  /** Audio kept for `conversation.item.retrieve`, in ms, across all items. */
  maxRetainedAudioMs: number;
  /** Yields to the event loop (setImmediate in Node). */
  yieldToEventLoop: (callback: () => void) => () => void;
  /** Called once when the session ends, however it ends. */
  onClosed?: () => void;
}

type ClientEventOf<Type extends keyof ClientEventInputMap> = ClientEventInputMap[Type];

const MIN_COMMIT_MS = 100;
/** Out-of-band responses running at once; more are refused (a flood must not start thousands of streams). */
const MAX_OUT_OF_BAND_RESPONSES = 8;
const TEXT_CHARS_PER_TOKEN = 4;
/** Input audio tokens per second (about 1 per 100 ms). */
const INPUT_AUDIO_TOKENS_PER_SECOND = 10;
/** Cached prompt tokens come in blocks of this size. */
const CACHE_BLOCK_TOKENS = 64;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatRate(format: MockAudioFormat): number {
  return format.type === 'audio/pcm' ? (format.rate ?? 24000) : 8000;
}

/**
 * The protocol state machine of one mock Realtime session. The server creates one per
 * connection; other transports get one from {@link MockRealtimeServer.attach}.
 *
 * @example
 * ```ts
 * // A session over a transport of your own (what the WebRTC endpoint does with its data channel):
 * const session = server.attach({ kind: 'webrtc', send: (text) => channel.send(text), close, terminate, writeOutputAudio });
 * channel.onmessage = (message) => session.receive(message.data);
 * track.ondata = (pcm, sampleRate) => session.appendAudio(pcm, sampleRate);
 * channel.onclose = () => session.handleClose();
 * ```
 */
export class MockSession {
  /** Index of the connection in the server's list. */
  readonly connection: number;
  readonly #options: MockSessionOptions;
  readonly #link: MockSessionLink;
  readonly #conversation: MockConversation;
  readonly #buffer: InputAudioBuffer;
  readonly #conversationId: string;
  #session: MockSessionObject;
  #kind: MockSessionKind;
  /** Input transcriptions waiting to be sent: the API sends them after the turn's `response.created`. */
  #pendingTranscriptions: Array<() => void> = [];
  /** The in-band response whose `response.created` releases the pending transcriptions. */
  #transcriptionsWaitFor: MockResponse | undefined;
  #vad: EnergyVad | undefined;
  /** Session audio clock (ms) at the VAD's position 0. */
  #vadOriginMs = 0;
  #speech: { itemId: string; audioStartMs: number } | undefined;
  #response: MockResponse | undefined;
  readonly #outOfBand = new Set<MockResponse>();
  #lastResponseId: string | undefined;
  #assistantSpoke = false;
  /** Media transports: the assistant item whose audio is in the output buffer, from `output_audio_buffer.started` to `stopped`/`cleared`. */
  #playing: { responseId: string; itemId: string } | undefined;
  #lastAudioItemId: string | undefined;
  #previousInputTokens = 0;
  #started = false;
  readonly #channel: MockChannel;
  #idleTimer: unknown;

  constructor(options: MockSessionOptions) {
    this.connection = options.connection;
    this.#options = options;
    this.#link = options.link;
    this.#channel = new MockChannel({ ...options, onEnding: () => this.#abandonResponses(), onSent: (event) => this.#onSent(event) });
    this.#conversation = new MockConversation(options.maxRetainedAudioMs);
    this.#buffer = new InputAudioBuffer(options.maxInputBufferMs);
    this.#conversationId = options.newId('conv');
    const expiresAfterMs = options.expireAfterMs ?? DEFAULT_UPSTREAM_SESSION_MAX_MS;
    this.#session = createMockSession({
      id: options.newId('sess'),
      model: options.model,
      expiresAtSeconds: Math.floor((options.clock.now() + expiresAfterMs) / 1000),
      defaults: options.sessionDefaults,
    });
    this.#kind = options.kind ?? 'realtime';
    if (this.#kind === 'transcription') this.#becomeTranscription();
    this.#configureVad();
  }

  /** The session as the server currently holds it (a copy). */
  get session(): MockSessionObject {
    return structuredClone(this.#session);
  }

  /** `realtime` (a conversation) or `transcription` (input transcription only, no responses). */
  get kind(): MockSessionKind {
    return this.#kind;
  }

  /** The session as `session.created` / `session.updated` report it. */
  get reportedSession(): MockSessionObject | MockTranscriptionSessionObject {
    return this.#kind === 'transcription' ? transcriptionSessionView(this.#session) : structuredClone(this.#session);
  }

  /** The conversation items, in order (copies). */
  get items(): MockItem[] {
    return this.#conversation.list().map((stored) => structuredClone(stored.item));
  }

  /** Id of the in-band response in progress, if any. */
  get activeResponseId(): string | undefined {
    return this.#response?.active ? this.#response.id : undefined;
  }

  /** True once the session has ended. */
  get closed(): boolean {
    return this.#channel.closed;
  }

  /** Sends `session.created` and starts the expiry clock. Call once, when the transport is open. */
  start(): void {
    if (this.#started || this.#channel.closed) return;
    this.#started = true;
    this.#channel.emit({ type: 'session.created', session: this.reportedSession });
    this.#channel.expireAfter(this.#options.expireAfterMs, () => this.expire());
  }

  /** Sends any server event (the session fills in `event_id` when missing). False once closed. */
  send(event: WireEvent): boolean {
    return this.#channel.emit(event);
  }

  /**
   * Ends the session as the API does at its maximum duration: an `error` with code
   * `session_expired`, then a close with 1001.
   */
  expire(): void {
    this.#channel.expire(this.#options.expireAfterMs ?? DEFAULT_UPSTREAM_SESSION_MAX_MS);
  }

  /** Ends the connection: 1006 terminates it (no close frame), any other code closes it. */
  drop(code = 1006, reason = ''): void {
    this.#channel.drop(code, reason);
  }

  /** Tells the session its transport closed (from either side). Stops every timer and stream. */
  handleClose(): void {
    this.#channel.close();
  }

  /**
   * Handles one client frame. Never throws: invalid frames are answered with `error` events.
   *
   * @param data - The frame: text, or bytes of a binary frame.
   * @param isBinary - Whether it arrived as a binary frame (refused: the API speaks JSON text).
   */
  receive(data: string | Uint8Array, isBinary = false): void {
    this.#channel.guard(() => this.#receive(data, isBinary));
  }

  /**
   * Appends input audio that arrived as media (WebRTC): the same path as
   * `input_audio_buffer.append`, VAD included.
   */
  appendAudio(pcm: Int16Array, sampleRate: number): void {
    if (this.#channel.closed) return;
    const rate = formatRate(this.#session.audio.input.format);
    this.#appendAudio(sampleRate === rate ? pcm : resamplePcm16(pcm, sampleRate, rate), rate);
  }

  #receive(data: string | Uint8Array, isBinary: boolean): void {
    const log = this.#options.log;
    const bytes = typeof data === 'string' ? data.length : data.byteLength;
    if (isBinary) {
      this.#channel.refuseBinary(bytes);
      return;
    }
    const max = this.#options.maxFrameBytes;
    if (typeof data === 'string' ? exceedsUtf8Bytes(data, max) : data.byteLength > max) {
      const error = mockErrors.frameTooLarge(bytes, max);
      log.recordReceived(this.connection, { type: '(frame too large)' }, { valid: false, bytes, errorCode: error.code ?? '' });
      this.#channel.sendError(error, null);
      return;
    }
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
    // Strict: the API refuses an unknown parameter, so the mock does too.
    const result = parseClientEvent(text, { maxFrameBytes: max, strict: true });
    if (result.ok && result.known) {
      const event = result.event;
      log.recordReceived(this.connection, event as unknown as WireEvent, { valid: true, bytes });
      this.#dispatch(event);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const object = isRecord(raw) ? raw : undefined;
    const clientEventId = typeof object?.event_id === 'string' ? object.event_id : null;
    let error: Omit<MockErrorBody, 'event_id'>;
    if (result.ok) {
      error = mockErrors.unknownType(result.event.type);
    } else if (result.error.code === 'VOXWIRE_INVALID_JSON') {
      error = mockErrors.invalidJson(result.error.message.replace(/^client frame (is not valid JSON: )?/, ''));
    } else if (object === undefined || typeof object.type !== 'string') {
      error = mockErrors.missingType();
    } else {
      error = validationError(object, result.error);
    }
    const recorded: WireEvent = object && typeof object.type === 'string' ? (object as WireEvent) : { type: '(invalid)' };
    log.recordReceived(this.connection, recorded, { valid: false, bytes, errorCode: error.code ?? '' });
    this.#channel.sendError(error, clientEventId);
  }

  #dispatch(event: ClientEventInputMap[keyof ClientEventInputMap]): void {
    switch (event.type) {
      case 'session.update':
        return this.#sessionUpdate(event);
      case 'input_audio_buffer.append':
        return this.#inputAppend(event);
      case 'input_audio_buffer.commit':
        return this.#inputCommit(event);
      case 'input_audio_buffer.clear':
        return this.#inputClear();
      case 'output_audio_buffer.clear':
        return this.#outputClear(event);
      case 'conversation.item.create':
        return this.#itemCreate(event);
      case 'conversation.item.retrieve':
        return this.#itemRetrieve(event);
      case 'conversation.item.delete':
        return this.#itemDelete(event);
      case 'conversation.item.truncate':
        return this.#itemTruncate(event);
      case 'response.create':
        return this.#responseCreate(event);
      case 'response.cancel':
        return this.#responseCancel(event);
    }
  }

  // --- session ------------------------------------------------------------------------------

  #sessionUpdate(event: ClientEventOf<'session.update'>): void {
    const update = event.session;
    const eventId = event.event_id ?? null;
    if (update.type !== this.#kind) {
      // A new session may still choose its kind (as a client that connected with `?model=` and
      // configures a transcription session does); once anything happened, the kind is fixed.
      if (this.#conversation.list().length > 0 || this.#lastResponseId !== undefined || this.#buffer.clockMs > 0) {
        this.#channel.sendError(mockErrors.sessionTypeChange(this.#kind, update.type), eventId);
        return;
      }
      this.#kind = update.type;
    }
    const newVoice = update.type === 'realtime' ? update.audio?.output?.voice : undefined;
    if (newVoice !== undefined && this.#assistantSpoke && voiceKey(newVoice) !== voiceKey(this.#session.audio.output.voice)) {
      this.#channel.sendError(mockErrors.voiceLocked(), eventId);
      return;
    }
    this.#session = mergeSessionUpdate(this.#session, update as Parameters<typeof mergeSessionUpdate>[1]);
    if (this.#kind === 'transcription') this.#becomeTranscription();
    this.#configureVad();
    if (this.#session.audio.input.turn_detection?.idle_timeout_ms == null) this.#clearIdleTimer();
    this.#channel.emit({ type: 'session.updated', session: this.reportedSession });
  }

  /** A transcription session always transcribes and never answers. */
  #becomeTranscription(): void {
    const input = this.#session.audio.input;
    if (input.transcription === null) input.transcription = { model: DEFAULT_TRANSCRIPTION_MODEL, language: null, prompt: '' };
    if (input.turn_detection !== null) {
      input.turn_detection.create_response = false;
      input.turn_detection.interrupt_response = false;
    }
  }

  /** Brings the VAD in line with the session's turn detection and input rate. */
  #configureVad(): void {
    const detection = this.#session.audio.input.turn_detection;
    if (detection === null) {
      this.#vad = undefined;
      this.#speech = undefined;
      return;
    }
    const settings =
      detection.type === 'semantic_vad'
        ? semanticVadSettings(detection.eagerness)
        : {
            threshold: detection.threshold ?? 0.5,
            prefixPaddingMs: detection.prefix_padding_ms ?? 300,
            silenceDurationMs: detection.silence_duration_ms ?? 500,
          };
    const rate = formatRate(this.#session.audio.input.format);
    if (this.#vad && this.#vad.sampleRate === rate) {
      this.#vad.configure(settings);
      return;
    }
    this.#vad = new EnergyVad({ sampleRate: rate, ...settings });
    this.#vadOriginMs = this.#buffer.clockMs;
    this.#speech = undefined;
  }

  // --- input audio --------------------------------------------------------------------------

  #inputAppend(event: ClientEventOf<'input_audio_buffer.append'>): void {
    let decoded: { pcm: Int16Array; sampleRate: number };
    try {
      decoded = decodeWireAudio(event.audio, this.#session.audio.input.format);
    } catch (error) {
      this.#channel.sendError(mockErrors.invalidAudio(error instanceof Error ? error.message : String(error)), event.event_id ?? null);
      return;
    }
    this.#appendAudio(decoded.pcm, decoded.sampleRate);
  }

  #appendAudio(pcm: Int16Array, sampleRate: number): void {
    if (this.#vad && this.#vad.sampleRate !== sampleRate) this.#configureVad();
    this.#buffer.append(pcm, sampleRate);
    if (!this.#vad) return;
    for (const vadEvent of this.#vad.push(pcm)) {
      if (this.#channel.closed) return;
      this.#onVad(vadEvent);
    }
  }

  #onVad(event: VadEvent): void {
    const detection = this.#session.audio.input.turn_detection;
    if (!detection) return;
    if (event.type === 'speech_started') {
      const audioStartMs = Math.round(Math.max(this.#buffer.startMs, this.#vadOriginMs + event.audioStartMs));
      const itemId = this.#options.newId('item');
      this.#speech = { itemId, audioStartMs };
      this.#clearIdleTimer();
      this.#channel.emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: audioStartMs, item_id: itemId });
      if (detection.interrupt_response !== false) {
        if (this.#response?.active) this.#response.cancel('turn_detected');
        this.#interruptPlayback();
      }
      return;
    }
    const speech = this.#speech;
    if (!speech) return;
    this.#speech = undefined;
    const audioEndMs = Math.round(Math.min(this.#buffer.clockMs, this.#vadOriginMs + event.audioEndMs));
    this.#channel.emit({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioEndMs, item_id: speech.itemId });
    const pcm = this.#buffer.take(speech.audioStartMs, audioEndMs);
    this.#commitAudio(pcm, this.#buffer.sampleRate, speech.itemId, undefined);
    // With a response still running (interrupt_response off) the API may not start another; the
    // mock skips it rather than sending conversation_already_has_active_response.
    if (detection.create_response !== false && !this.#response?.active) this.#startResponse(undefined, null);
  }

  #inputCommit(event: ClientEventOf<'input_audio_buffer.commit'>): void {
    const bufferedMs = this.#buffer.bufferedMs;
    if (bufferedMs < MIN_COMMIT_MS) {
      this.#channel.sendError(mockErrors.commitEmpty(bufferedMs), event.event_id ?? null);
      return;
    }
    const itemId = this.#speech?.itemId ?? this.#options.newId('item');
    this.#speech = undefined;
    this.#vad?.resetSpeech();
    const sampleRate = this.#buffer.sampleRate;
    this.#commitAudio(this.#buffer.takeAll(), sampleRate, itemId, undefined);
  }

  #inputClear(): void {
    this.#buffer.clear();
    this.#vad?.resetSpeech();
    this.#speech = undefined;
    this.#channel.emit({ type: 'input_audio_buffer.cleared' });
  }

  /** Turns committed audio into a user item, with its transcription when the session asks for one. */
  #commitAudio(pcm: Int16Array, sampleRate: number, itemId: string, transcript: string | undefined): void {
    const item: MockItem = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    const stored: StoredItem = { item, audioMs: sampleRate > 0 ? (pcm.length * 1000) / sampleRate : 0 };
    if (pcm.length > 0 && sampleRate > 0) stored.audio = { pcm, sampleRate };
    const previous = this.#conversation.insert(stored, 'end');
    if (!this.#channel.emit({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId })) return;
    if (!this.#channel.emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) })) return;
    if (!this.#channel.emit({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(item) })) return;
    if (this.#session.audio.input.transcription === null) return;
    const text = transcript ?? this.#options.turns.peek()?.user ?? this.#options.userTranscript;
    if (this.#kind === 'transcription') this.#options.turns.take();
    this.#pendingTranscriptions.push(() => this.#sendTranscription(item, stored, text));
    // Sent once the turn's response has been announced, or on the next tick when none starts.
    this.#options.yieldToEventLoop(() => {
      if (this.#transcriptionsWaitFor?.active !== true) this.#flushTranscriptions();
    });
  }

  #flushTranscriptions(): void {
    this.#transcriptionsWaitFor = undefined;
    const pending = this.#pendingTranscriptions;
    this.#pendingTranscriptions = [];
    for (const send of pending) send();
  }

  #sendTranscription(item: MockItem, stored: StoredItem, text: string): void {
    const itemId = item.id;
    for (const delta of splitTextDeltas(text)) {
      const event = { type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta, obfuscation: this.#options.obfuscate(delta) };
      if (!this.#channel.emit(event)) return;
    }
    const audioTokens = Math.round(((stored.audioMs ?? 0) / 1000) * INPUT_AUDIO_TOKENS_PER_SECOND);
    const outputTokens = Math.ceil(text.length / TEXT_CHARS_PER_TOKEN);
    (item.content as Array<Record<string, unknown>>)[0]!.transcript = text;
    this.#channel.emit({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript: text,
      usage: {
        type: 'tokens',
        total_tokens: audioTokens + outputTokens,
        input_tokens: audioTokens,
        input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
        output_tokens: outputTokens,
      },
    });
  }

  /**
   * Over WebRTC the server plays the reply, so a barge-in is the server's to finish, as the API
   * does it: the output buffer is cleared (`output_audio_buffer.cleared`) and the assistant item
   * is truncated to the audio that was played (`conversation.item.truncated`).
   */
  #interruptPlayback(): void {
    const playing = this.#playing;
    if (playing === undefined || this.#link.clearOutputAudio === undefined) return;
    const discardedMs = this.#link.clearOutputAudio();
    this.#channel.emit({ type: 'output_audio_buffer.cleared', response_id: playing.responseId });
    const stored = this.#conversation.get(playing.itemId);
    if (stored?.sentAudioMs === undefined) return;
    const playedMs = Math.max(0, Math.floor(stored.sentAudioMs - discardedMs));
    this.#truncate(stored, playedMs);
  }

  #outputClear(event: ClientEventOf<'output_audio_buffer.clear'>): void {
    if (this.#link.kind === 'websocket') {
      this.#channel.sendError(mockErrors.outputBufferWebRTCOnly(), event.event_id ?? null);
      return;
    }
    this.#link.clearOutputAudio?.();
    this.#channel.emit({ type: 'output_audio_buffer.cleared', response_id: this.#lastResponseId ?? null });
  }

  // --- conversation -------------------------------------------------------------------------

  #itemCreate(event: ClientEventOf<'conversation.item.create'>): void {
    const eventId = event.event_id ?? null;
    const previousId = event.previous_item_id;
    if (previousId !== undefined && previousId !== 'root' && !this.#conversation.has(previousId)) {
      this.#channel.sendError(mockErrors.previousItemNotFound(previousId), eventId);
      return;
    }
    const input = event.item as Record<string, unknown>;
    const id = typeof input.id === 'string' ? input.id : this.#options.newId('item');
    if (this.#conversation.has(id)) {
      this.#channel.sendError(mockErrors.duplicateItemId(id), eventId);
      return;
    }
    let stored: StoredItem;
    try {
      stored = this.#toStoredItem(input, id);
    } catch (error) {
      this.#channel.sendError(mockErrors.invalidAudio(error instanceof Error ? error.message : String(error)), eventId);
      return;
    }
    const position: InsertPosition = previousId === undefined ? 'end' : previousId === 'root' ? 'root' : { after: previousId };
    const previous = this.#conversation.insert(stored, position);
    if (!this.#channel.emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(stored.item) })) return;
    this.#channel.emit({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(stored.item) });
  }

  /** A client item as the server reports it: id, `object`, `status`; audio kept aside, not echoed. */
  #toStoredItem(input: Record<string, unknown>, id: string): StoredItem {
    const item: MockItem = { ...structuredClone(input), id, object: 'realtime.item', type: String(input.type) };
    item.status = (input.status as MockItem['status']) ?? 'completed';
    const stored: StoredItem = { item };
    if (Array.isArray(item.content)) {
      item.content = item.content.map((part: unknown) => {
        if (!isRecord(part) || typeof part.audio !== 'string') return part;
        const format = part.type === 'output_audio' ? this.#session.audio.output.format : this.#session.audio.input.format;
        const decoded = decodeWireAudio(part.audio, format);
        stored.audio = decoded;
        stored.audioMs = (decoded.pcm.length * 1000) / decoded.sampleRate;
        const { audio: _audio, ...rest } = part;
        return { ...rest, transcript: typeof part.transcript === 'string' ? part.transcript : null };
      });
    }
    return stored;
  }

  #itemRetrieve(event: ClientEventOf<'conversation.item.retrieve'>): void {
    const stored = this.#conversation.get(event.item_id);
    if (!stored) {
      this.#channel.sendError(mockErrors.itemNotFound(event.item_id), event.event_id ?? null);
      return;
    }
    const item = structuredClone(stored.item);
    if (stored.audio && Array.isArray(item.content)) {
      const part = item.content.find(
        (candidate: unknown) => isRecord(candidate) && (candidate.type === 'input_audio' || candidate.type === 'output_audio'),
      );
      if (isRecord(part)) {
        const format = part.type === 'output_audio' ? this.#session.audio.output.format : this.#session.audio.input.format;
        const sameRate = formatRate(format) === stored.audio.sampleRate;
        part.audio = encodeWireAudio(stored.audio.pcm, sameRate ? format : { type: 'audio/pcm', rate: stored.audio.sampleRate });
      }
    }
    this.#channel.emit({ type: 'conversation.item.retrieved', item });
  }

  #itemDelete(event: ClientEventOf<'conversation.item.delete'>): void {
    if (!this.#conversation.delete(event.item_id)) {
      this.#channel.sendError(mockErrors.itemNotFound(event.item_id), event.event_id ?? null);
      return;
    }
    this.#channel.emit({ type: 'conversation.item.deleted', item_id: event.item_id });
  }

  #itemTruncate(event: ClientEventOf<'conversation.item.truncate'>): void {
    const eventId = event.event_id ?? null;
    const stored = this.#conversation.get(event.item_id);
    if (!stored) {
      this.#channel.sendError(mockErrors.itemNotFound(event.item_id), eventId);
      return;
    }
    const item = stored.item;
    if (item.type !== 'message' || item.role !== 'assistant' || stored.sentAudioMs === undefined || stored.sentAudioMs <= 0) {
      this.#channel.sendError(mockErrors.truncateNotAudio(), eventId);
      return;
    }
    if (event.content_index !== 0) {
      this.#channel.sendError(mockErrors.noSuchContent(item.id, event.content_index), eventId);
      return;
    }
    const availableMs = Math.floor(Math.min(stored.sentAudioMs, stored.truncatedAtMs ?? Number.POSITIVE_INFINITY));
    if (event.audio_end_ms > availableMs) {
      this.#channel.sendError(mockErrors.truncateBeyondAudio(availableMs, event.audio_end_ms), eventId);
      return;
    }
    this.#truncate(stored, event.audio_end_ms);
  }

  /** Cuts an assistant audio item (its audio and transcript) at `audioEndMs` and says so. */
  #truncate(stored: StoredItem, audioEndMs: number): void {
    const item = stored.item;
    stored.truncatedAtMs = audioEndMs;
    const words = splitTextDeltas(stored.plannedTranscript ?? '');
    const plannedMs = stored.plannedAudioMs ?? stored.sentAudioMs ?? 0;
    const keep = plannedMs > 0 ? Math.floor((words.length * audioEndMs) / plannedMs) : 0;
    const transcript = words.slice(0, keep).join('').trimEnd();
    stored.truncatedTranscript = transcript;
    item.content = [{ type: 'output_audio', transcript }];
    if (stored.audio) {
      const samples = Math.floor((stored.audio.sampleRate * audioEndMs) / 1000);
      this.#conversation.setAudio(item.id, { pcm: stored.audio.pcm.subarray(0, samples), sampleRate: stored.audio.sampleRate });
    }
    this.#channel.emit({ type: 'conversation.item.truncated', item_id: item.id, content_index: 0, audio_end_ms: audioEndMs });
  }

  // --- responses ----------------------------------------------------------------------------

  #responseCreate(event: ClientEventOf<'response.create'>): void {
    if (this.#kind === 'transcription') {
      this.#channel.sendError(mockErrors.notInTranscriptionSession(event.type), event.event_id ?? null);
      return;
    }
    const params = event.response;
    const outOfBand = params?.conversation === 'none';
    if (!outOfBand && this.#response?.active) {
      this.#channel.sendError(mockErrors.activeResponse(this.#response.id), event.event_id ?? null);
      return;
    }
    if (outOfBand && this.#outOfBand.size >= MAX_OUT_OF_BAND_RESPONSES) {
      const [oldest] = this.#outOfBand;
      this.#channel.sendError(mockErrors.activeResponse(oldest!.id), event.event_id ?? null);
      return;
    }
    this.#startResponse(params, event.event_id ?? null);
  }

  #responseCancel(event: ClientEventOf<'response.cancel'>): void {
    const wanted = event.response_id;
    const candidates = [this.#response, ...this.#outOfBand].filter(
      (response): response is MockResponse => response !== undefined && response.active,
    );
    const target = wanted === undefined ? (this.#response?.active ? this.#response : candidates[0]) : candidates.find((r) => r.id === wanted);
    if (!target || !target.cancel('client_cancelled')) {
      this.#channel.sendError(mockErrors.cancelNotActive(), event.event_id ?? null);
    }
  }

  /** Starts a response, taking the next scenario turn. */
  #startResponse(params: ClientEventOf<'response.create'>['response'], clientEventId: string | null): void {
    this.#clearIdleTimer();
    const session = this.#session;
    const outOfBand = params?.conversation === 'none';
    const taken = this.#options.turns.take();
    const modalities = (params?.output_modalities ?? session.output_modalities) as Array<'text' | 'audio'>;
    const outputFormat = (params?.audio?.output?.format ?? session.audio.output.format) as MockAudioFormat;
    const normalizedFormat: MockAudioFormat =
      outputFormat.type === 'audio/pcm' ? { type: 'audio/pcm', rate: outputFormat.rate ?? 24000 } : { type: outputFormat.type };
    const voice = params?.audio?.output?.voice ?? session.audio.output.voice;
    const toolChoice = params?.tool_choice ?? session.tool_choice;
    const response = new MockResponse(
      {
        id: this.#options.newId('resp'),
        conversationId: outOfBand ? null : this.#conversationId,
        outputModalities: modalities,
        outputFormat: normalizedFormat,
        voice,
        maxOutputTokens: params?.max_output_tokens ?? session.max_output_tokens,
        metadata: params?.metadata ?? null,
        turn: taken.turn,
        resolve: () => this.#resolveReply(taken, modalities, normalizedFormat, toolChoice),
        inputUsage: this.#estimateInput(params),
        pace: this.#options.audioPace,
        outputChunkMs: this.#options.outputChunkMs,
        clientEventId,
      },
      {
        emit: (event) => this.#channel.emit(event),
        drop: (code, reason) => this.drop(code, reason),
        sleep: (ms, signal) => this.#channel.sleep(ms, signal),
        now: () => this.#options.clock.now(),
        newId: (prefix) => this.#options.newId(prefix),
        obfuscate: (delta) => this.#options.obfuscate(delta),
        conversation: this.#conversation,
        writeOutputAudio: this.#link.writeOutputAudio?.bind(this.#link),
        drainOutputAudio: this.#link.drainOutputAudio?.bind(this.#link),
        onAssistantAudio: (itemId) => {
          if (outOfBand) return;
          this.#assistantSpoke = true;
          this.#lastAudioItemId = itemId;
        },
        onResponseDone: (done) => this.#onResponseDone(done),
      },
    );
    this.#lastResponseId = response.id;
    if (outOfBand) this.#outOfBand.add(response);
    else {
      this.#response = response;
      if (this.#pendingTranscriptions.length > 0) this.#transcriptionsWaitFor = response;
    }
    void response.run();
  }

  async #resolveReply(
    taken: TakenTurn,
    modalities: Array<'text' | 'audio'>,
    outputFormat: MockAudioFormat,
    toolChoice: unknown,
  ): Promise<ResolvedReply | { error: Omit<MockErrorBody, 'event_id'> }> {
    const turn: ScenarioTurn | undefined = taken.turn;
    if (turn?.error) {
      const error = turn.error;
      return {
        error: { type: error.type ?? 'invalid_request_error', code: error.code ?? null, message: error.message, param: error.param ?? null },
      };
    }
    if (taken.exhaustedStrict) {
      const scenario = this.#options.turns.scenario;
      return { error: mockErrors.scenarioExhausted(scenario?.name, scenario?.turns.length ?? 0) };
    }
    const reply = turn?.reply ?? this.#options.defaultReply;
    const calls = toolChoice === 'none' ? [] : (reply.functionCalls ?? []);
    const functionCalls = calls.map((call) => {
      const resolved: ResolvedReply['functionCalls'][number] = {
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
      };
      if (call.callId !== undefined) resolved.callId = call.callId;
      return resolved;
    });
    const resolved: ResolvedReply = { text: '', functionCalls, incomplete: reply.incomplete === true };
    if (reply.usage) resolved.usage = reply.usage;
    if (reply.reasoning !== undefined) resolved.reasoning = reply.reasoning;
    const hasMessage = reply.text !== undefined || reply.audio !== undefined || functionCalls.length === 0;
    if (!hasMessage) return resolved;
    const source = reply === this.#options.defaultReply || reply.text !== undefined || reply.audio !== undefined ? reply : this.#options.defaultReply;
    const wantsAudio = modalities.includes('audio');
    let text = source.text;
    if (wantsAudio || text === undefined) {
      const clip = await this.#options.audio.load(source.audio ?? this.#options.defaultReply.audio ?? DEFAULT_REPLY_CLIP);
      text ??= (source.audio === undefined ? this.#options.defaultReply.text : undefined) ?? clip.transcript ?? '';
      if (wantsAudio) resolved.audio = resamplePcm16(clip.pcm, clip.sampleRate, formatRate(outputFormat));
    }
    resolved.text = text;
    return resolved;
  }

  /**
   * Estimates the input side of usage from the context the model would read: instructions,
   * tools and items (text at ~4 characters per token, audio at ~10 tokens per second). Tokens
   * already read by the previous response count as cached, in 64-token blocks.
   */
  #estimateInput(params: ClientEventOf<'response.create'>['response']): InputUsage {
    const session = this.#session;
    let chars = (params?.instructions ?? session.instructions).length + JSON.stringify(params?.tools ?? session.tools).length;
    let audioMs = 0;
    const addItem = (item: Record<string, unknown>, stored: StoredItem | undefined): void => {
      for (const key of ['arguments', 'output', 'name']) if (typeof item[key] === 'string') chars += (item[key] as string).length;
      if (Array.isArray(item.content)) {
        for (const part of item.content) {
          if (!isRecord(part)) continue;
          if (typeof part.text === 'string') chars += part.text.length;
          if (part.type === 'input_audio') audioMs += stored?.audioMs ?? 0;
          else if (typeof part.transcript === 'string') chars += part.transcript.length;
        }
      }
    };
    if (params?.conversation === 'none' || params?.input !== undefined) {
      for (const entry of params?.input ?? []) {
        const input = entry as Record<string, unknown>;
        if (input.type === 'item_reference' && typeof input.id === 'string') {
          const stored = this.#conversation.get(input.id);
          if (stored) addItem(stored.item, stored);
        } else {
          addItem(input, undefined);
        }
      }
    } else {
      for (const stored of this.#conversation.list()) addItem(stored.item, stored);
    }
    const textTokens = Math.ceil(chars / TEXT_CHARS_PER_TOKEN);
    const audioTokens = Math.round((audioMs / 1000) * INPUT_AUDIO_TOKENS_PER_SECOND);
    const total = textTokens + audioTokens;
    const cached = Math.floor(Math.min(this.#previousInputTokens, total) / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS;
    this.#previousInputTokens = total;
    const cachedAudioTokens = total === 0 ? 0 : Math.min(audioTokens, Math.round((cached * audioTokens) / total));
    return { textTokens, audioTokens, cachedTextTokens: cached - cachedAudioTokens, cachedAudioTokens };
  }

  #onResponseDone(response: MockResponse): void {
    this.#outOfBand.delete(response);
    // A response that failed before it was announced must not hold the transcriptions back.
    if (this.#transcriptionsWaitFor === response) this.#flushTranscriptions();
    if (this.#channel.closed || response !== this.#response || response.status !== 'completed') return;
    this.#armIdleTimer(response);
  }

  // --- idle timeout -------------------------------------------------------------------------

  #armIdleTimer(response: MockResponse): void {
    const detection = this.#session.audio.input.turn_detection;
    const idleMs = detection?.type === 'server_vad' ? detection.idle_timeout_ms : null;
    if (typeof idleMs !== 'number' || idleMs <= 0) return;
    this.#clearIdleTimer();
    const playbackLeftMs = Math.max(0, (response.playbackEndsAt ?? 0) - this.#options.clock.now());
    this.#idleTimer = this.#channel.setTimer(() => this.#idleTimeout(idleMs), playbackLeftMs + idleMs);
  }

  #clearIdleTimer(): void {
    if (this.#idleTimer === undefined) return;
    this.#channel.clearTimer(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #idleTimeout(idleMs: number): void {
    this.#idleTimer = undefined;
    if (this.#channel.closed || this.#speech || this.#response?.active || this.#kind === 'transcription') return;
    const audioEndMs = Math.round(this.#buffer.clockMs);
    const audioStartMs = Math.round(Math.max(this.#buffer.startMs, audioEndMs - idleMs));
    const itemId = this.#options.newId('item');
    this.#channel.emit({ type: 'input_audio_buffer.timeout_triggered', audio_start_ms: audioStartMs, audio_end_ms: audioEndMs, item_id: itemId });
    const sampleRate = this.#buffer.sampleRate;
    const pcm = this.#buffer.take(audioStartMs, audioEndMs);
    this.#buffer.clear();
    this.#vad?.resetSpeech();
    this.#commitAudio(pcm, sampleRate, itemId, '');
    this.#startResponse(undefined, null);
  }

  // --- plumbing -----------------------------------------------------------------------------

  #abandonResponses(): void {
    this.#response?.abandon();
    for (const response of this.#outOfBand) response.abandon();
    this.#outOfBand.clear();
  }

  /** What the session learns from an event it sent: the turn's transcriptions go out after `response.created`; playback starts and stops. */
  #onSent(event: WireEvent): void {
    const type = event.type;
    if (type === 'response.created' && this.#transcriptionsWaitFor !== undefined) this.#flushTranscriptions();
    if (type === 'output_audio_buffer.started' && typeof event.response_id === 'string' && this.#lastAudioItemId !== undefined) {
      this.#playing = { responseId: event.response_id, itemId: this.#lastAudioItemId };
    } else if (type === 'output_audio_buffer.stopped' || type === 'output_audio_buffer.cleared') {
      this.#playing = undefined;
    }
  }
}
