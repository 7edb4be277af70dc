import type { Clock } from '../base/clock';
import { EventEmitter } from '../base/emitter';
import { RealtimeError, type RealtimeErrorCode } from '../base/errors';
import type { Logger } from '../base/logger';
import type { ModelWarning } from '../base/model-lifecycle';
import { UsageMeter, type UsageTotals } from '../base/usage';
import { encodeBase64, pcm16ToBase64 } from '../codec/base64';
import type { ClientEventInput } from '../events/client-events';
import type { ConversationItemInput } from '../events/items';
import { normalizeSessionConfig } from '../events/legacy-session';
import type { ResponseCreateParams } from '../events/response';
import type { ServerEvent, ServerEventMap, UnknownServerEvent } from '../events/server-events';
import type { RealtimeSessionConfig } from '../events/session';
import type { SessionConfigInput } from '../events/session-input';
import type { DispatcherCore, DispatcherCoreOptions } from '../tools/dispatcher-core';
import { ToolRegistry } from '../tools/registry';
import { isKnownEvent, type Transport } from '../transport/transport';
import { WebSocketTransport } from '../transport/websocket';
import { anySignal } from './abort';
import { inputSlot, type AudioInputSource, type AudioOutputSink } from './audio-io';
import type { ClientState, InterruptionInfo, RealtimeClientEvents } from './client-events';
import { resolveClientOptions, type ConnectOptions, type RealtimeClientOptions, type ResolvedClientOptions, type SendTextOptions } from './client-options';
import { Connection, modelWarner, rotateSession, safeEmitter, trackRelayEvent, type SafeEmit } from './connection';
import { Conversation, emitUpdate } from './conversation';
import { DeliveryJournal } from './delivery-journal';
import { EventWaiters } from './event-waiters';
import { idMaker } from './ids';
import { LazySessionLimits } from './lazy-session-limits';
import type { OutOfBandResponses, OutOfBandResult } from './out-of-band';
import { acknowledge, checkHeld, createItem, flushOutbox, refuse, releaseOutbox, sendEvent, sendLive, type Outbox } from './outbox';
import { OutputAudio, interruption } from './output-audio';
import { ResponseQueue } from './response-queue';
import { serverErrorFromEvent, toRealtimeError } from './session-errors';
import { SessionState, type SessionLink } from './session-state';
import { dispatcherOptions } from './tool-calls';

/**
 * A conversation with a Realtime model over a swappable transport: typed events, a
 * transcript that survives reconnects, response sequencing, interruption that truncates to
 * what the user heard, and a cost meter.
 *
 * @example
 * ```ts
 * import { RealtimeClient } from 'voxwire';
 *
 * const client = new RealtimeClient({
 *   apiKey: process.env.OPENAI_API_KEY,
 *   session: { instructions: 'You are a helpful assistant.', audio: { output: { voice: 'marin' } } },
 * });
 * client.on('transcript', (t) => t.final && console.log(`${t.role}: ${t.text}`));
 * await client.connect();
 * client.sendText('Hello!');
 * ```
 */
export class RealtimeClient extends EventEmitter<RealtimeClientEvents> {
  /** The transport in use. */
  readonly transport: Transport;
  /** The conversation: ordered entries with their text; outlives connections. */
  readonly conversation = new Conversation();
  /** The tools the model may call. Changes while connected update the session (debounced). */
  readonly tools: ToolRegistry;

  readonly #config: ResolvedClientOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #meter: UsageMeter;
  /** Loaded while the first session is set up (no tool call can arrive before it is live): the root bundle is budgeted. */
  #dispatcher: DispatcherCore | undefined;
  readonly #dispatcherOptions: DispatcherCoreOptions;
  readonly #connection: Connection;
  readonly #safeEmit: SafeEmit<RealtimeClientEvents>;
  readonly #session: SessionState;
  readonly #waiters: EventWaiters<ServerEvent>;
  readonly #responses = new ResponseQueue((eventId, response) =>
    this.transport.send({ type: 'response.create', event_id: eventId, ...(response && Object.keys(response).length > 0 && { response }) }),
  );
  /** Loaded on the first out-of-band request: most apps never make one, and the root bundle is budgeted. */
  #outOfBand: OutOfBandResponses | undefined;
  readonly #out: Outbox & SessionLink;
  readonly #attachInput = inputSlot();
  readonly #output: OutputAudio;
  readonly #limits: LazySessionLimits;
  /** Ids of what the client sends: `evt_vx…`, `item_vx…`. */
  readonly #createId: (prefix: string) => string;
  /** Logs and emits `modelWarning` once per model, whoever noticed it. */
  readonly #warnModel: (warning: ModelWarning, message: string) => void;

  constructor(options: RealtimeClientOptions = {}) {
    super();
    const config = resolveClientOptions(options);
    this.#config = config;
    this.#logger = config.logger;
    this.#safeEmit = safeEmitter(this, this.#logger, 'client');
    this.#clock = config.clock;
    this.#createId = idMaker(config.random);
    this.#warnModel = modelWarner(this.#logger, this.#safeEmit);
    this.#meter = new UsageMeter(options.prices);
    this.#waiters = new EventWaiters(this.#clock);
    this.#limits = new LazySessionLimits({
      clock: this.#clock,
      maxDurationMs: options.maxDurationMs,
      idleMs: options.endAfterIdleMs,
      warningMs: config.sessionEndingWarningMs,
      onWarning: (reason, remainingMs) => this.#safeEmit('sessionEnding', { reason, source: 'client', remainingMs }),
      onEnd: (reason) => this.#connection.end({ status: 'expired', reason }),
      rotateBeforeMs: options.rotateBeforeMs,
      onRotate: () => void rotateSession(this.#connection, this.transport, () => this.#afterDrop()),
    });
    // Misconfiguration throws here, before any network call.
    const normalized = normalizeSessionConfig((options.session ?? { type: 'realtime' }) as SessionConfigInput);
    if (normalized.warning) this.#logger.warn(normalized.warning);
    this.transport =
      options.transport ??
      // An option left undefined is the transport's default, as if absent.
      new WebSocketTransport({ logger: this.#logger, url: options.url, apiKey: options.apiKey, model: options.model, strict: config.strict });
    this.#connection = new Connection({
      transport: this.transport,
      waiters: this.#waiters,
      clock: this.#clock,
      random: config.random,
      policy: config.policy,
      label: 'client',
      open: (signal, restore) => this.#openSession(signal, restore),
      emit: this.#safeEmit,
      dropped: () => this.#afterDrop(),
      ending: () => this.#release(),
      failedToConnect: () => this.#limits.stop(),
    });
    this.#out = {
      connection: this.#connection,
      transport: this.transport,
      conversation: this.conversation,
      emit: this.#safeEmit,
      id: this.#createId,
      strict: config.strict,
      logger: this.#logger,
      held: [],
      journal: new DeliveryJournal(),
      waiters: this.#waiters,
      clock: this.#clock,
      timeoutMs: config.connectTimeoutMs,
    };
    this.#session = new SessionState(normalized.session, this.#out);
    this.#output = new OutputAudio(this.#out, this);
    this.tools = new ToolRegistry({ tools: options.tools ?? [], clock: this.#clock });
    this.tools.onChange(
      () => this.#session.retool(this.tools),
      // A tool's zod mini schema that cannot be converted: the session keeps its tools.
      (error) => this.#safeEmit('error', error),
    );
    this.#dispatcherOptions = dispatcherOptions(this.#out, this, this.#session, options);
    this.transport.on('event', (event, known) => this.#receive(event, known));
  }

  /** The connection state. */
  get state(): ClientState {
    return this.#connection.state;
  }

  /** The session as the server last confirmed it (undefined before the first confirmation). */
  get session(): RealtimeSessionConfig | undefined {
    return this.#session.confirmed;
  }

  /** Running token totals and the estimated cost, across responses and reconnects. */
  get usage(): UsageTotals {
    return this.#meter.snapshot();
  }

  /** True while a response is being generated (or has been requested). */
  get responseActive(): boolean {
    return this.#responses.active;
  }

  /**
   * Connects and applies the session config. Resolves when the server confirmed the
   * session; rejects with a `RealtimeError` (a rejected config names the field).
   */
  async connect(options: ConnectOptions = {}): Promise<void> {
    // Set limits load on demand (connecting waits for them); none set, nothing is awaited.
    const limits = this.#limits.load();
    if (limits) await limits;
    return this.#connection.connect(options.signal);
  }

  /** Closes the connection for good (no reconnect). Running operations are aborted. */
  disconnect(): void {
    this.#connection.disconnect();
  }

  /**
   * Updates the session. The config is normalised and validated before it leaves; the voice
   * cannot change once the model has spoken. Resolves with the session the server confirmed
   * (or at once when not connected: the change is applied on the next connect).
   */
  async updateSession(session: SessionConfigInput): Promise<RealtimeSessionConfig | undefined> {
    const normalized = normalizeSessionConfig(session);
    if (normalized.warning) this.#logger.warn(normalized.warning);
    this.#session.merge(normalized.session);
    if (this.#connection.phase !== 'live') return undefined;
    return this.#session.apply(normalized.session);
  }

  /**
   * Adds a text message to the conversation and, unless `respond` is false, asks for a
   * response. While reconnecting, the message is held and sent once. Returns the item id.
   */
  sendText(text: string, options: SendTextOptions = {}): string {
    if (typeof text !== 'string') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `sendText(): text must be a string, got ${typeof text}.`);
    }
    const id = this.#createId('item_vx');
    this.#limits.touch();
    createItem(this.#out, { id, type: 'message', role: options.role ?? 'user', content: [{ type: 'input_text', text }] }, undefined);
    if ((options.respond ?? true) && this.#session.hasResponses) this.createResponse();
    return id;
  }

  /**
   * Streams input audio: PCM16 samples (or bytes) at the session's input format. Dropped,
   * returning false, while not connected: stale audio is never sent late.
   */
  appendInputAudio(audio: Int16Array | Uint8Array | ArrayBuffer): boolean {
    if (!(audio instanceof Int16Array || audio instanceof Uint8Array || audio instanceof ArrayBuffer)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'appendInputAudio(): expected an Int16Array, Uint8Array or ArrayBuffer of PCM16 (or G.711) audio.');
    }
    const base64 = audio instanceof Int16Array ? pcm16ToBase64(audio) : encodeBase64(audio);
    return sendLive(this.#out, { type: 'input_audio_buffer.append', audio: base64 });
  }

  /** Commits the input audio buffer (manual turn taking). Returns false when not connected. */
  commitInputAudio(): boolean {
    return sendLive(this.#out, { type: 'input_audio_buffer.commit' });
  }

  /** Clears the input audio buffer. Returns false when not connected. */
  clearInputAudio(): boolean {
    return sendLive(this.#out, { type: 'input_audio_buffer.clear' });
  }

  /**
   * Asks the model to respond. Never sent while a response is active: it is queued and
   * sent after `response.done` (several queued requests merge into one). An invalid request
   * throws and leaves nothing pending.
   *
   * With `conversation: 'none'` the response is out-of-band: sent at once beside any
   * in-band response, never queued or merged, never added to `conversation` nor replayed,
   * and its events are not emitted as `transcript`. The returned promise resolves with its
   * text, audio transcript, function calls and usage, and rejects when it fails.
   *
   * @example
   * ```ts
   * const { text } = await client.createResponse({ conversation: 'none', instructions: 'Classify the topic.', output_modalities: ['text'] });
   * ```
   */
  createResponse(response: ResponseCreateParams & { conversation: 'none' }): Promise<OutOfBandResult>;
  createResponse(response?: ResponseCreateParams): void;
  createResponse(response?: ResponseCreateParams): Promise<OutOfBandResult> | void {
    if (this.#connection.phase === 'idle' || this.#connection.phase === 'ended') {
      throw new RealtimeError('VOXWIRE_NOT_CONNECTED', 'createResponse(): the client is not connected; call connect() first.');
    }
    if (!this.#session.hasResponses) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `createResponse(): a ${this.#session.desired.type} session has no responses.`);
    }
    const eventId = this.#createId('evt_vx');
    if (response?.conversation === 'none') return this.#createOutOfBand(eventId, response);
    this.#responses.request(response, eventId, this.#connection.phase === 'live', () => {
      checkHeld(this.#out, { type: 'response.create', response: response ?? {} });
    });
  }

  async #createOutOfBand(eventId: string, response: ResponseCreateParams): Promise<OutOfBandResult> {
    if (!this.#outOfBand) {
      const { OutOfBandResponses } = await import('./out-of-band');
      this.#outOfBand ??= new OutOfBandResponses(RealtimeError);
    }
    return this.#outOfBand.send(eventId, response, this.#connection.phase === 'live' && this.transport.isOpen, (params) =>
      this.transport.send({ type: 'response.create', event_id: eventId, response: params }),
    );
  }

  /**
   * Cancels the active response, if there is one (never sends a cancel the server would
   * answer with `response_cancel_not_active`). Drops a queued request. Returns true when a
   * cancel was sent.
   */
  cancelResponse(): boolean {
    this.#responses.dropQueued();
    this.#dispatcher?.onInterrupt();
    if (!this.responseActive || this.#connection.phase !== 'live') return false;
    const responseId = this.#responses.activeId;
    return sendLive(this.#out, responseId ? { type: 'response.cancel', response_id: responseId } : { type: 'response.cancel' });
  }

  /**
   * Truncates an assistant item's audio at `audioEndMs` (what the user heard) and cuts its
   * transcript to match. Returns false when not connected.
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): boolean {
    const ms = Math.max(0, Math.floor(audioEndMs));
    const sent = sendLive(this.#out, { type: 'conversation.item.truncate', item_id: itemId, content_index: contentIndex, audio_end_ms: ms });
    emitUpdate(this.#safeEmit, this.conversation.truncate(itemId, contentIndex, ms));
    return sent;
  }

  /**
   * Stops the assistant: cancels the active response, flushes the output sink and
   * truncates the item to what was really played. Over WebRTC the server owns playback:
   * it sends `output_audio_buffer.clear` instead.
   */
  async interrupt(): Promise<InterruptionInfo> {
    const cancelled = this.cancelResponse();
    if (this.transport.capabilities.audio === 'media') {
      this.#output.clearing = sendLive(this.#out, { type: 'output_audio_buffer.clear' });
      const info = interruption('client', cancelled);
      this.#safeEmit('interrupted', info);
      return info;
    }
    return this.#output.flushAndTruncate(interruption('client', cancelled));
  }

  /** Sends any client event, validated. Sequencing rules still apply to responses. */
  send(event: ClientEventInput): void {
    sendEvent(this.#out, this, event);
  }

  /**
   * Streams an audio source (e.g. `MicrophoneCapture`; over WebRTC its `subscribeMedia` track).
   * Returns a function that detaches it. Replaces a previously attached source.
   */
  attachInput(source: AudioInputSource): () => void {
    const live = (chunk: Int16Array | Uint8Array): void => void (this.#connection.phase === 'live' && this.appendInputAudio(chunk));
    return this.#attachInput(() => this.transport.media?.attachInput(source) ?? source.subscribe(live));
  }

  /**
   * Plays assistant audio through a sink (e.g. `AudioPlayer`). With a sink attached, the user's
   * speech (`input_audio_buffer.speech_started`) interrupts playback and truncates to what was
   * heard; over WebRTC its `playMedia` plays the assistant's track. Returns a function that detaches it.
   */
  attachOutput(sink: AudioOutputSink): () => void {
    sink.attachedTo?.(this);
    return this.transport.media?.attachOutput(sink) ?? this.#output.attach(sink);
  }

  async #openSession(signal: AbortSignal | undefined, restore: boolean): Promise<void> {
    this.#out.journal.newSession();
    // Tool schemas converted on demand (zod mini) are ready, or fail, before any network call.
    await this.tools.prepare();
    if (!restore) await this.#session.checkModels(this.#config.options.model, this.#warnModel);
    const sessionId = await this.#session.open(anySignal([signal, this.#connection.signal]), restore && this.#config.replayBudgetChars, this.tools);
    if (!this.#dispatcher) {
      const { DispatcherCore } = await import('../tools/dispatcher-core');
      this.#dispatcher ??= new DispatcherCore(this.#dispatcherOptions);
    }
    this.#connection.phase = 'live';
    flushOutbox(this.#out);
    this.#sendQueuedResponse();
    this.#connection.setState({ status: 'connected', sessionId });
    this.#limits.start({ resume: restore });
  }

  /**
   * A session is over (a drop, a rotation, the end): its timers stop, and what was in flight is
   * marked, not retried. Tool calls running are aborted: a new session never saw them, so no
   * output is sent.
   */
  #afterSession(code: RealtimeErrorCode, message: string): void {
    this.#limits.stop();
    this.#responses.onDisconnect();
    this.#outOfBand?.failAll(new RealtimeError(code, message));
    for (const call of this.#dispatcher?.onDisconnect() ?? []) {
      const change = this.conversation.markCancelled(call.itemId);
      if (change) this.#safeEmit('conversation', change);
    }
    for (const change of this.conversation.markInProgressIncomplete()) this.#safeEmit('conversation', change);
    this.#output.drop();
  }

  /** The connection dropped or rotates. */
  #afterDrop(): void {
    this.#afterSession('VOXWIRE_CONNECTION_CLOSED', 'The connection dropped before the out-of-band response finished.');
  }

  /** The client ends: nothing held is sent later, and what was in flight is marked. */
  #release(): void {
    releaseOutbox(this.#out);
    this.#responses.dropQueued();
    this.#afterSession('VOXWIRE_ABORTED', `The client ended (${this.#connection.state.status}) before the out-of-band response finished.`);
  }

  #receive(event: ServerEvent | UnknownServerEvent, known: boolean): void {
    this.#safeEmit('*', event);
    if (this.#outOfBand?.claim(event, known)) {
      // Out-of-band: beside the conversation. Its usage still counts; nothing else is tracked.
      if (isKnownEvent(event, known)) {
        if (event.type === 'response.done') this.#countUsage(event.response.usage);
        this.#safeEmit(event.type, event as never);
      }
      return;
    }
    if (isKnownEvent(event, known)) {
      this.#track(event);
      emitUpdate(this.#safeEmit, this.conversation.apply(event));
      this.#dispatcher?.handleEvent(event);
      if (event.type !== 'error') this.#safeEmit(event.type, event as never);
      this.#waiters.offer(event, waitRejection);
    } else {
      trackRelayEvent(this.#connection, event, this.#safeEmit, this.#warnModel);
    }
  }

  /** Keeps response, audio and session state in step with the server. */
  #track(event: ServerEvent): void {
    // One rule with the relay for what keeps a session from idling (src/base/session-limits.ts).
    if (this.#limits.isActivity(event.type)) this.#limits.touch();
    switch (event.type) {
      case 'session.created':
      case 'session.updated': {
        const session = event.session as RealtimeSessionConfig;
        this.#session.confirmed = session;
        this.#safeEmit('session', session);
        return;
      }
      case 'conversation.item.added':
      case 'conversation.item.created':
      case 'conversation.item.done':
        acknowledge(this.#out, (event as { item?: { id?: unknown } }).item?.id);
        return;
      case 'conversation.item.truncated':
        // Server-owned playback (WebRTC): the client received no audio to measure the cut by,
        // so it asks for the server's copy, whose transcript is what the user heard.
        if (this.conversation.needsServerCut(event.item_id, event.content_index)) sendLive(this.#out, { type: 'conversation.item.retrieve', item_id: event.item_id });
        return;
      case 'response.created':
        this.#responses.onCreated(event.response.id ?? undefined);
        return;
      case 'response.done':
        // Whatever the output holds (items of types this SDK does not know included), the
        // response is over: the next request must be sent.
        this.#responses.onDone();
        this.#countUsage(event.response?.usage);
        if (this.#connection.phase === 'live') this.#sendQueuedResponse();
        return;
      case 'response.output_audio.delta':
        this.#session.modelHasSpoken = true;
        this.#output.receive(event, this.#session.outputFormat);
        return;
      case 'input_audio_buffer.speech_started': {
        if (this.transport.capabilities.audio !== 'events') return;
        // The server cancels the response itself when `interrupt_response` is on.
        const serverInterrupts = this.#session.confirmed?.audio?.input?.turn_detection?.interrupt_response !== false;
        void this.#output.speechStarted(this.responseActive, serverInterrupts, () => this.#dispatcher?.onInterrupt(), () => this.cancelResponse());
        return;
      }
      case 'output_audio_buffer.started':
        this.#session.modelHasSpoken = true;
      // falls through
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        if (this.#output.serverBuffer(event, this)) {
          this.#dispatcher?.onInterrupt();
          this.#safeEmit('interrupted', interruption('speech', false));
        }
        return;
      case 'error': {
        const { error } = event;
        if (error.code === 'session_expired') this.#connection.sessionExpired = true;
        this.#responses.onError(error.event_id);
        refuse(this.#out, error.event_id);
        const failure = serverErrorFromEvent(event);
        if (this.#outOfBand?.fail(error.event_id, failure)) return;
        this.#safeEmit('error', failure);
        return;
      }
      default:
    }
  }

  #sendQueuedResponse(): void {
    this.#responses.sendQueued(() => this.#createId('evt_vx'), (error) => this.#safeEmit('error', toRealtimeError(error, 'VOXWIRE_INVALID_CLIENT_EVENT')));
  }

  #countUsage(usage: ServerEventMap['response.done']['response']['usage'] | undefined): void {
    if (!usage) return;
    const total = this.#meter.add(usage, this.#config.model);
    this.#safeEmit('usage', { response: usage, total });
  }
}

/** A wait rejected by an event: only an `error` event rejects one. */
function waitRejection(event: ServerEvent): RealtimeError {
  return event.type === 'error' ? serverErrorFromEvent(event) : new RealtimeError('VOXWIRE_SERVER_ERROR', `Unexpected ${event.type}.`);
}
