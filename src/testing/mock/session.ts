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
import type { ClientEventInputMap } from '../../events/client-events';
import type { MockRealtimeServer } from './server';
import type { AudioPace } from './audio-pace';
import type { EventLog, WireEvent } from '../recording/event-log';
import { resamplePcm16 } from './audio';
import { readClientFrame } from './client-frame';
import type { KnownClientEvent } from './client-frame';
import { MockConversation } from './conversation';
import type { MockItem } from './conversation';
import { mockErrors } from './errors';
import { MockChannel } from './session-channel';
import type { MockIdPrefix } from './ids';
import { InputTurns } from './input-turns';
import { MockResponse } from './response';
import { resolveReply } from './resolve-reply';
import { becomeTranscription, createMockSession, mergeSessionUpdate, transcriptionSessionView, voiceKey } from './session-config';
import type { MockAudioFormat, MockSessionDefaults, MockSessionKind, MockSessionObject, MockTranscriptionSessionObject } from './session-config';
import { ItemRequests, formatRate } from './session-items';
import { DEFAULT_UPSTREAM_SESSION_MAX_MS } from '../../base/defaults';
import type { ReplyAudioSource } from './reply-audio';
import type { ScenarioReply } from '../script/scenario';
import type { ScenarioCursor } from '../script/scenario-cursor';
import { estimateInputUsage } from './usage';
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

/** Out-of-band responses running at once; more are refused (a flood must not start thousands of streams). */
const MAX_OUT_OF_BAND_RESPONSES = 8;

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
  readonly #input: InputTurns;
  readonly #items: ItemRequests;
  readonly #conversationId: string;
  #session: MockSessionObject;
  #kind: MockSessionKind;
  #response: MockResponse | undefined;
  readonly #outOfBand = new Set<MockResponse>();
  #lastResponseId: string | undefined;
  #assistantSpoke = false;
  /** Media transports: the assistant item whose audio is in the output buffer, from `output_audio_buffer.started` to `stopped`/`cleared`. */
  #playing: { responseId: string; itemId: string } | undefined;
  #lastAudioItemId: string | undefined;
  #previousInputTokens = 0;
  /** The cancelled response whose `response.done` a committed turn waits for before its own response starts. */
  #answerAfter: MockResponse | undefined;
  #started = false;
  readonly #channel: MockChannel;
  #idleTimer: unknown;

  constructor(options: MockSessionOptions) {
    this.connection = options.connection;
    this.#options = options;
    this.#link = options.link;
    this.#channel = new MockChannel({ ...options, onEnding: () => this.#abandonResponses(), onSent: (event) => this.#onSent(event) });
    this.#conversation = new MockConversation(options.maxRetainedAudioMs);
    const channel = this.#channel;
    const conversation = this.#conversation;
    this.#items = new ItemRequests({
      conversation,
      channel,
      newId: options.newId,
      formats: () => ({ input: this.#session.audio.input.format, output: this.#session.audio.output.format }),
    });
    this.#input = new InputTurns(
      {
        channel,
        conversation,
        turns: options.turns,
        userTranscript: options.userTranscript,
        newId: options.newId,
        obfuscate: options.obfuscate,
        yieldToEventLoop: options.yieldToEventLoop,
        session: () => this.#session,
        kind: () => this.#kind,
        onSpeechStarted: (interrupt) => this.#onSpeechStarted(interrupt),
        // A cancelled reply ends (response.done) before the turn is answered; a running one (interrupt_response off) gets no second.
        onSpeechCommitted: (createResponse) => {
          if (createResponse && this.#response?.cancelling) this.#answerAfter = this.#response;
          else if (createResponse && !this.#response?.active) this.#startResponse(undefined, null);
        },
      },
      options.maxInputBufferMs,
    );
    this.#conversationId = options.newId('conv');
    const expiresAfterMs = options.expireAfterMs ?? DEFAULT_UPSTREAM_SESSION_MAX_MS;
    this.#session = createMockSession({
      id: options.newId('sess'),
      model: options.model,
      expiresAtSeconds: Math.floor((options.clock.now() + expiresAfterMs) / 1000),
      defaults: options.sessionDefaults,
    });
    this.#kind = options.kind ?? 'realtime';
    if (this.#kind === 'transcription') becomeTranscription(this.#session);
    this.#input.configure();
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
    this.#input.appendPcm(sampleRate === rate ? pcm : resamplePcm16(pcm, sampleRate, rate), rate);
  }

  #receive(data: string | Uint8Array, isBinary: boolean): void {
    const frame = readClientFrame(data, isBinary, this.#options.maxFrameBytes);
    if (frame.kind === 'binary') {
      this.#channel.refuseBinary(frame.bytes);
    } else if (frame.kind === 'event') {
      this.#options.log.recordReceived(this.connection, frame.event as unknown as WireEvent, { valid: true, bytes: frame.bytes });
      this.#dispatch(frame.event);
    } else {
      this.#options.log.recordReceived(this.connection, frame.recorded, { valid: false, bytes: frame.bytes, errorCode: frame.error.code ?? '' });
      this.#channel.sendError(frame.error, frame.clientEventId);
    }
  }

  #dispatch(event: KnownClientEvent): void {
    switch (event.type) {
      case 'session.update':
        return this.#sessionUpdate(event);
      case 'input_audio_buffer.append':
        return this.#input.append(event);
      case 'input_audio_buffer.commit':
        return this.#input.commit(event);
      case 'input_audio_buffer.clear':
        return this.#input.clear();
      case 'output_audio_buffer.clear':
        return this.#outputClear(event);
      case 'conversation.item.create':
        return this.#items.create(event);
      case 'conversation.item.retrieve':
        return this.#items.retrieve(event);
      case 'conversation.item.delete':
        return this.#items.delete(event);
      case 'conversation.item.truncate':
        return this.#items.truncate(event);
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
      if (this.#conversation.list().length > 0 || this.#lastResponseId !== undefined || this.#input.clockMs > 0) {
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
    if (this.#kind === 'transcription') becomeTranscription(this.#session);
    this.#input.configure();
    if (this.#session.audio.input.turn_detection?.idle_timeout_ms == null) this.#clearIdleTimer();
    this.#channel.emit({ type: 'session.updated', session: this.reportedSession });
  }

  /** The VAD heard the user: no idle timeout while they speak; a barge-in cancels the response and the playback. */
  #onSpeechStarted(interrupt: boolean): void {
    this.#clearIdleTimer();
    if (!interrupt) return;
    if (this.#response?.active) this.#response.cancel('turn_detected');
    this.#interruptPlayback();
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
    this.#items.truncateUnplayed(playing.itemId, discardedMs);
  }

  #outputClear(event: ClientEventOf<'output_audio_buffer.clear'>): void {
    if (this.#link.kind === 'websocket') {
      this.#channel.sendError(mockErrors.outputBufferWebRTCOnly(), event.event_id ?? null);
      return;
    }
    this.#link.clearOutputAudio?.();
    this.#channel.emit({ type: 'output_audio_buffer.cleared', response_id: this.#lastResponseId ?? null });
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
        resolve: () => resolveReply(this.#options, taken, modalities, normalizedFormat, toolChoice),
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
      this.#input.responseStarted(response);
    }
    void response.run();
  }

  /** The input side of usage, with the previous response's tokens counted as cached. */
  #estimateInput(params: ClientEventOf<'response.create'>['response']): ReturnType<typeof estimateInputUsage>['usage'] {
    const session = this.#session;
    const context = { instructions: params?.instructions ?? session.instructions, tools: params?.tools ?? session.tools, conversation: params?.conversation, input: params?.input };
    const { usage, total } = estimateInputUsage(context, this.#conversation, this.#previousInputTokens);
    this.#previousInputTokens = total;
    return usage;
  }

  #onResponseDone(response: MockResponse): void {
    this.#outOfBand.delete(response);
    this.#input.responseDone(response);
    if (this.#channel.closed || response !== this.#response) return;
    if (response === this.#answerAfter) {
      this.#answerAfter = undefined;
      this.#startResponse(undefined, null);
    } else if (response.status === 'completed') this.#armIdleTimer(response);
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
    if (this.#channel.closed || this.#input.speaking || this.#response?.active || this.#kind === 'transcription') return;
    this.#input.commitIdle(idleMs);
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
    if (type === 'response.created') this.#input.responseCreated();
    if (type === 'output_audio_buffer.started' && typeof event.response_id === 'string' && this.#lastAudioItemId !== undefined) {
      this.#playing = { responseId: event.response_id, itemId: this.#lastAudioItemId };
    } else if (type === 'output_audio_buffer.stopped' || type === 'output_audio_buffer.cleared') {
      this.#playing = undefined;
    }
  }
}
