import { EventEmitter } from '../base/emitter';
import type { Clock } from '../base/clock';
import { DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE, DEFAULT_TOOL_TIMEOUT_MS, DEFAULT_UPSTREAM_SESSION_MAX_MS } from '../base/defaults';
import { CLOSE_CODES, RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';
import type { ModelWarning } from '../base/model-lifecycle';
import { UsageMeter } from '../base/usage';
import type { UsageTotals } from '../base/usage';
import { encodeBase64, pcm16ToBase64 } from '../codec/base64';
import type { ClientEventInput } from '../events/client-events';
import type { ConversationItemInput } from '../events/items';
import { normalizeSessionConfig } from '../events/legacy-session';
import type { ResponseCreateParams } from '../events/response';
import type { ServerEvent, ServerEventMap, UnknownServerEvent } from '../events/server-events';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from '../events/session';
import type { SessionConfigInput } from '../events/session-input';
import type { DispatcherCore, DispatcherCoreOptions } from '../tools/dispatcher-core';
import { ToolRegistry } from '../tools/registry';
import { realtimeProtocol } from '../transport/realtime-protocol';
import { isKnownEvent } from '../transport/transport';
import type { Transport } from '../transport/transport';
import { WebSocketTransport } from '../transport/websocket';
import { anySignal } from './abort';
import { inputSlot } from './audio-io';
import type { AudioInputSource, AudioOutputSink } from './audio-io';
import type { ClientState, InterruptionInfo, RealtimeClientEvents } from './client-events';
import { resolveClientOptions } from './client-options';
import { Connection, relayEndingOf, safeEmitter } from './connection';
import type { SafeEmit } from './connection';
import { LazySessionLimits } from './lazy-session-limits';
import type { ConnectOptions, RealtimeClientOptions, ResolvedClientOptions, SendTextOptions } from './client-options';
import { Conversation } from './conversation';
import type { ConversationChange, ConversationUpdate, DeliveryState } from './conversation';
import { DeliveryJournal } from './delivery-journal';
import { EventWaiters } from './event-waiters';
import { idMaker } from './ids';
import type { WaitVerdict } from './event-waiters';
import type { OutOfBandResponses, OutOfBandResult } from './out-of-band';
import { OutputAudio, interruption } from './output-audio';
import { ResponseQueue } from './response-queue';
import { serverErrorFromEvent, toRealtimeError } from './session-errors';
import { SessionState } from './session-state';

/** Events the client may hold while disconnected and send once after the session is restored. */
const QUEUEABLE = new Set(['conversation.item.delete', 'conversation.item.retrieve']);

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
  /**
   * Loaded while the first session is set up (no tool call can arrive before it is live): the
   * dispatcher is the biggest part of the tool runtime, and the root bundle is budgeted.
   */
  #dispatcher: DispatcherCore | undefined;
  readonly #dispatcherOptions: DispatcherCoreOptions;

  readonly #connection: Connection;
  readonly #safeEmit: SafeEmit<RealtimeClientEvents>;
  readonly #session: SessionState;
  #sessionId: string | undefined;
  readonly #waiters: EventWaiters<ServerEvent>;

  readonly #responses = new ResponseQueue((eventId, response) => this.#sendResponseCreate(eventId, response));
  /** Loaded on the first out-of-band request: most apps never make one, and the root bundle is budgeted. */
  #outOfBand: OutOfBandResponses | undefined;
  readonly #outbox: ClientEventInput[] = [];
  readonly #journal = new DeliveryJournal();
  /** Server-owned playback (WebRTC, SIP): true between `output_audio_buffer.started` and its stop or clear. */
  #serverPlaying = false;

  /** Set while our own `output_audio_buffer.clear` is in flight, so its `cleared` echo is not a second interruption. */
  #clearRequested = false;
  readonly #attachInput = inputSlot();
  readonly #output: OutputAudio;

  readonly #timers = new Set<unknown>();
  readonly #limits: LazySessionLimits;
  readonly #ids: (prefix: string) => string;
  readonly #warnedModels = new Set<string>();

  constructor(options: RealtimeClientOptions = {}) {
    super();
    const config = resolveClientOptions(options);
    this.#config = config;
    this.#logger = config.logger;
    this.#safeEmit = safeEmitter(this, this.#logger, 'client');
    this.#clock = config.clock;
    this.#ids = idMaker(config.random);
    this.#meter = new UsageMeter(options.prices);
    this.#waiters = new EventWaiters(this.#clock);
    this.#output = new OutputAudio({
      conversation: this.conversation,
      emitAudio: (chunk) => this.#safeEmit('audio', chunk),
      emitError: (error) => this.#safeEmit('error', error),
      truncate: (itemId, contentIndex, ms) => this.truncate(itemId, contentIndex, ms),
    });
    this.#limits = new LazySessionLimits({
      clock: this.#clock,
      maxDurationMs: options.maxDurationMs,
      idleMs: options.endAfterIdleMs,
      warningMs: config.sessionEndingWarningMs,
      onWarning: (reason, remainingMs) => this.#safeEmit('sessionEnding', { reason, source: 'client', remainingMs }),
      onEnd: (reason) => this.#connection.end({ status: 'expired', reason }),
    });
    // Misconfiguration throws here, before any network call.
    const normalized = normalizeSessionConfig((options.session ?? { type: 'realtime' }) as SessionConfigInput);
    if (normalized.warning) this.#logger.warn(normalized.warning);
    this.#session = new SessionState(normalized.session);
    this.transport =
      options.transport ??
      new WebSocketTransport({
        logger: this.#logger,
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
        ...(options.model === undefined ? {} : { model: options.model }),
        strict: config.strict,
      });
    this.#connection = new Connection({
      transport: this.transport,
      waiters: this.#waiters,
      clock: this.#clock,
      random: config.random,
      policy: config.policy,
      label: 'client',
      open: (signal, restore) => this.#openSession(signal, restore),
      emit: this.#safeEmit,
      dropped: () => {
        this.#clearTimers();
        this.#afterDrop();
      },
      ending: () => this.#release(),
      failedToConnect: () => this.#clearTimers(),
    });
    this.tools = new ToolRegistry({ tools: options.tools ?? [], clock: this.#clock });
    this.tools.onChange(
      () => {
        if (this.#connection.phase !== 'live' || !this.#hasResponses()) return;
        this.#applySession({ type: 'realtime', tools: this.#session.tools(this.tools.toSessionTools()) }).catch((error: unknown) =>
          this.#safeEmit('error', toRealtimeError(error, 'VOXWIRE_INVALID_SESSION_CONFIG')),
        );
      },
      // A tool's zod mini schema that cannot be converted: the session keeps its tools.
      (error) => this.#safeEmit('error', error),
    );
    const host: DispatcherCoreOptions['host'] = {
      sendEvent: (event) => this.#sendLive(event),
      requestResponse: (params) => {
        if (this.#connection.phase === 'live') this.createResponse(params);
      },
      conversation: this.conversation,
      emit: (name, event) => {
        const listened = this.listenerCount(name) > 0;
        this.#safeEmit(name, event as never);
        return listened;
      },
      getToolChoice: () => this.#session.toolChoice,
    };
    this.#dispatcherOptions = {
      tools: this.tools,
      host,
      clock: this.#clock,
      autoRespond: options.autoRespond ?? true,
      followUpToolChoice: DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE,
      defaultTimeoutMs: options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      errorClass: RealtimeError,
    };
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
    return this.#applySession(normalized.session);
  }

  /**
   * Adds a text message to the conversation and, unless `respond` is false, asks for a
   * response. While reconnecting, the message is held and sent once. Returns the item id.
   */
  sendText(text: string, options: SendTextOptions = {}): string {
    if (typeof text !== 'string') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `sendText(): text must be a string, got ${typeof text}.`);
    }
    const id = this.#createId('item');
    this.#limits.touch();
    this.#createItem({ id, type: 'message', role: options.role ?? 'user', content: [{ type: 'input_text', text }] }, undefined);
    if ((options.respond ?? true) && this.#hasResponses()) this.createResponse();
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
    return this.#sendLive({ type: 'input_audio_buffer.append', audio: base64 });
  }

  /** Commits the input audio buffer (manual turn taking). Returns false when not connected. */
  commitInputAudio(): boolean {
    return this.#sendLive({ type: 'input_audio_buffer.commit' });
  }

  /** Clears the input audio buffer. Returns false when not connected. */
  clearInputAudio(): boolean {
    return this.#sendLive({ type: 'input_audio_buffer.clear' });
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
    if (!this.#hasResponses()) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `createResponse(): a ${this.#session.desired.type} session has no responses.`);
    }
    const eventId = this.#createId('evt');
    if (response?.conversation === 'none') return this.#createOutOfBand(eventId, response);
    this.#responses.request(response, eventId, this.#connection.phase === 'live', () => {
      this.#check({ type: 'response.create', response: response ?? {} });
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
    return this.#sendLive(responseId ? { type: 'response.cancel', response_id: responseId } : { type: 'response.cancel' });
  }

  /**
   * Truncates an assistant item's audio at `audioEndMs` (what the user heard) and cuts its
   * transcript to match. Returns false when not connected.
   */
  truncate(itemId: string, contentIndex: number, audioEndMs: number): boolean {
    const ms = Math.max(0, Math.floor(audioEndMs));
    const sent = this.#sendLive({ type: 'conversation.item.truncate', item_id: itemId, content_index: contentIndex, audio_end_ms: ms });
    this.#emitUpdate(this.conversation.truncate(itemId, contentIndex, ms));
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
      this.#clearRequested = this.#sendLive({ type: 'output_audio_buffer.clear' });
      const info = interruption('client', cancelled);
      this.#safeEmit('interrupted', info);
      return info;
    }
    return this.#flushAndTruncate('client', cancelled);
  }

  /** Sends any client event, validated. Sequencing rules still apply to responses. */
  send(event: ClientEventInput): void {
    if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
      throw new RealtimeError('VOXWIRE_INVALID_CLIENT_EVENT', 'send(): expected a client event object with a string `type`.');
    }
    switch (event.type) {
      case 'response.create':
        if (event.response?.conversation === 'none') void this.createResponse(event.response as ResponseCreateParams & { conversation: 'none' });
        else this.createResponse(event.response);
        return;
      case 'response.cancel':
        this.cancelResponse();
        return;
      case 'session.update':
        this.updateSession(event.session as SessionConfigInput).catch((error: unknown) =>
          this.#safeEmit('error', toRealtimeError(error, 'VOXWIRE_INVALID_SESSION_CONFIG')),
        );
        return;
      case 'conversation.item.create':
        this.#createItem({ ...event.item, id: event.item.id ?? this.#createId('item') } as ConversationItemInput, event.previous_item_id ?? undefined);
        return;
      default:
        if (QUEUEABLE.has(event.type)) this.#enqueue(event);
        else if (!this.#sendLive(event)) this.#logger.warn(`send(): dropped ${event.type} while not connected (stale events are not sent late).`);
    }
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

  // ---------------------------------------------------------------------------------------
  // Connection and session

  async #openSession(signal: AbortSignal | undefined, restore: boolean): Promise<void> {
    this.#journal.newSession();
    // Tool schemas converted on demand (zod mini) are ready, or fail, before any network call.
    await this.tools.prepare();
    if (!restore) await this.#checkModels();
    const timeoutMs = this.#config.connectTimeoutMs;
    const abort = anySignal([signal, this.#connection.signal]);
    const created = this.#waitFor((event) => (event.type === 'session.created' ? 'resolve' : false), timeoutMs, abort, 'session.created');
    created.catch(() => undefined);
    try {
      await this.transport.connect({ signal: abort, protocol: realtimeProtocol });
    } catch (error) {
      this.#dropWaiters(toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED'));
      throw error;
    }
    const createdEvent = await created;
    const sessionId = createdEvent.type === 'session.created' ? createdEvent.session.id : undefined;
    this.#sessionId = typeof sessionId === 'string' ? sessionId : undefined;
    this.#session.modelHasSpoken = false;
    this.#connection.sessionExpired = false;
    this.#connection.relayEnding = undefined;
    // Only a realtime session has tools and responses; a transcription session refuses them.
    await this.#applySession(this.#session.opening(this.tools.toSessionTools()), abort);
    if (restore) {
      for (const item of this.conversation.replayItems(this.#config.replayBudgetChars)) {
        this.transport.send({ type: 'conversation.item.create', item });
      }
    }
    if (!this.#dispatcher) {
      const { DispatcherCore } = await import('../tools/dispatcher-core');
      this.#dispatcher ??= new DispatcherCore(this.#dispatcherOptions);
    }
    // Items sent but never acknowledged (a drop right after sendText) go again, once per session.
    for (const { item, previousItemId } of this.#journal.due()) this.#writeItem(item, previousItemId);
    this.#connection.phase = 'live';
    this.#flushOutbox();
    this.#connection.setState({ status: 'connected', sessionId: this.#sessionId ?? '' });
    this.#startTimers(restore);
  }

  async #applySession(session: RealtimeSessionConfig | TranscriptionSessionConfig, signal?: AbortSignal): Promise<RealtimeSessionConfig> {
    const eventId = this.#createId('evt');
    // Ends the wait at once when the send is refused, so nothing is left to reject later.
    const refused = new AbortController();
    const confirmed = this.#waitFor(
      (event) => {
        if (event.type === 'session.updated') return 'resolve';
        if (event.type === 'error' && event.error.event_id === eventId) return 'reject';
        return false;
      },
      this.#config.connectTimeoutMs,
      anySignal([signal ?? this.#connection.signal, refused.signal]),
      'session.updated',
    );
    confirmed.catch(() => undefined);
    try {
      this.transport.send({ type: 'session.update', event_id: eventId, session });
    } catch (error) {
      refused.abort(error);
      throw error;
    }
    const event = await confirmed;
    return (event.type === 'session.updated' ? event.session : this.#session.desired) as RealtimeSessionConfig;
  }

  /** The connection dropped: what was in flight is marked, not retried. */
  #afterDrop(): void {
    this.#cancelToolCalls();
    for (const change of this.conversation.markInProgressIncomplete()) this.#safeEmit('conversation', change);
    this.#responses.onDisconnect();
    this.#outOfBand?.failAll(new RealtimeError('VOXWIRE_CONNECTION_CLOSED', 'The connection dropped before the out-of-band response finished.'));
    this.#output.drop();
  }

  /** The client ends: nothing held is sent later, and what was in flight is marked. */
  #release(): void {
    this.#clearTimers();
    this.#outbox.length = 0;
    for (const itemId of this.#journal.failAll()) this.#setDelivery(itemId, 'failed');
    this.#responses.dropQueued();
    this.#responses.onDisconnect();
    this.#outOfBand?.failAll(new RealtimeError('VOXWIRE_ABORTED', `The client ended (${this.#connection.state.status}) before the out-of-band response finished.`));
    this.#cancelToolCalls();
    for (const change of this.conversation.markInProgressIncomplete()) this.#safeEmit('conversation', change);
    this.#output.drop();
  }

  // ---------------------------------------------------------------------------------------
  // Incoming events

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
      this.#emitUpdate(this.conversation.apply(event));
      this.#dispatcher?.handleEvent(event);
      if (event.type !== 'error') this.#safeEmit(event.type, event as never);
      this.#waiters.offer(event, waitRejection);
    } else {
      this.#trackRelay(event);
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
      case 'conversation.item.done': {
        const itemId = (event as { item?: { id?: unknown } }).item?.id;
        if (typeof itemId === 'string' && this.#journal.acknowledge(itemId)) this.#setDelivery(itemId, 'delivered');
        return;
      }
      case 'conversation.item.truncated': {
        // Server-owned playback (WebRTC): the client received no audio to measure the cut by,
        // so it asks for the server's copy, whose transcript is what the user heard.
        if (this.conversation.needsServerCut(event.item_id, event.content_index)) this.#sendLive({ type: 'conversation.item.retrieve', item_id: event.item_id });
        return;
      }
      case 'response.created':
        this.#responses.onCreated(event.response.id ?? undefined);
        return;
      case 'response.done': {
        // Whatever the output holds (items of types this SDK does not know included), the
        // response is over: the next request must be sent.
        this.#responses.onDone();
        this.#countUsage(event.response?.usage);
        if (this.#connection.phase === 'live') this.#sendQueuedResponse();
        return;
      }
      case 'response.output_audio.delta':
        this.#receiveAudio(event);
        return;
      case 'input_audio_buffer.speech_started':
        if (this.transport.capabilities.audio === 'events') void this.#onSpeechStarted();
        return;
      case 'output_audio_buffer.started':
        this.#session.modelHasSpoken = true;
        this.#serverPlaying = true;
        this.#safeEmit('speaking', { speaking: true, responseId: event.response_id });
        return;
      case 'output_audio_buffer.stopped':
        this.#serverPlaying = false;
        this.#safeEmit('speaking', { speaking: false, responseId: event.response_id });
        return;
      case 'output_audio_buffer.cleared': {
        this.#safeEmit('speaking', { speaking: false, responseId: event.response_id });
        // Our own clear was already reported by interrupt(); a clear we did not ask for is the
        // server cutting playback because the user spoke.
        const wasPlaying = this.#serverPlaying;
        this.#serverPlaying = false;
        if (this.#clearRequested) {
          this.#clearRequested = false;
          return;
        }
        if (!wasPlaying && !this.responseActive) return;
        this.#dispatcher?.onInterrupt();
        this.#safeEmit('interrupted', interruption('speech', false));
        return;
      }
      case 'error': {
        const { error } = event;
        if (error.code === 'session_expired') this.#connection.sessionExpired = true;
        this.#responses.onError(error.event_id);
        const refused = this.#journal.refuse(error.event_id);
        if (refused) this.#setDelivery(refused, 'failed');
        const failure = serverErrorFromEvent(event);
        if (this.#outOfBand?.fail(error.event_id, failure)) return;
        this.#safeEmit('error', failure);
        return;
      }
      default:
    }
  }

  /** The relay's own events (`voxwire.*`), which the Realtime schemas do not describe. */
  #trackRelay(event: UnknownServerEvent): void {
    switch (event.type) {
      case 'voxwire.model.deprecated': {
        const notice = event as { model?: unknown; shutdown_date?: unknown; days_left?: unknown; replacement?: unknown; message?: unknown };
        if (typeof notice.model !== 'string') return;
        const { model, replacement } = notice;
        const warning = { model, shutdownDate: String(notice.shutdown_date), daysLeft: Number(notice.days_left) || 0, replacement: typeof replacement === 'string' ? replacement : undefined };
        this.#warnModel({ ...warning, source: 'relay' }, String(notice.message));
        return;
      }
      case 'voxwire.session.ending': {
        const ending = relayEndingOf(this.#connection, event);
        if (ending) this.#safeEmit('sessionEnding', ending);
        return;
      }
      default:
    }
  }

  #receiveAudio(event: ServerEventMap['response.output_audio.delta']): void {
    this.#session.modelHasSpoken = true;
    this.#output.receive(event, this.#session.outputFormat);
  }

  /** The user started speaking: the server cancels the response itself when `interrupt_response` is on. */
  /**
   * The user started speaking. It interrupts only when a response was in progress or audio was
   * still playing: a first turn, or a turn after the reply finished playing, is not an interruption.
   */
  async #onSpeechStarted(): Promise<void> {
    const responding = this.responseActive;
    if (!responding && !this.#output.attached) return;
    const serverInterrupts = this.#session.confirmed?.audio?.input?.turn_detection?.interrupt_response !== false;
    if (serverInterrupts && responding) this.#dispatcher?.onInterrupt();
    const cancelled = serverInterrupts ? false : this.cancelResponse();
    await this.#flushAndTruncate('speech', cancelled, !responding);
  }

  #flushAndTruncate(reason: InterruptionInfo['reason'], cancelled: boolean, onlyIfUnplayed = false): Promise<InterruptionInfo> {
    return this.#output.flushAndTruncate(interruption(reason, cancelled), (info) => this.#safeEmit('interrupted', info), onlyIfUnplayed);
  }

  // ---------------------------------------------------------------------------------------
  // Sending

  #sendResponseCreate(eventId: string, response: ResponseCreateParams | undefined): void {
    this.transport.send(response && Object.keys(response).length > 0 ? { type: 'response.create', event_id: eventId, response } : { type: 'response.create', event_id: eventId });
  }

  /** Sends the held in-band request, if any; a held request the transport refuses is reported, not retried. */
  #sendQueuedResponse(): void {
    if (this.#responses.active || !this.#responses.hasQueued) return;
    const queued = this.#responses.takeQueued();
    try {
      this.#responses.request(queued, this.#createId('evt'), true, () => undefined);
    } catch (error) {
      this.#safeEmit('error', toRealtimeError(error, 'VOXWIRE_INVALID_CLIENT_EVENT'));
    }
  }

  #countUsage(usage: ServerEventMap['response.done']['response']['usage'] | undefined): void {
    if (!usage) return;
    const total = this.#meter.add(usage, this.#config.model);
    this.#safeEmit('usage', { response: usage, total });
  }

  /** Only a realtime session has responses and tools (a transcription session has neither). */
  #hasResponses(): boolean {
    return this.#session.hasResponses;
  }

  /** Sends now when live; otherwise holds the event for the restored session (sent once). */
  #enqueue(event: ClientEventInput): void {
    if (this.#connection.phase === 'idle' || this.#connection.phase === 'ended') {
      throw new RealtimeError('VOXWIRE_NOT_CONNECTED', `Cannot send ${event.type}: the client is not connected; call connect() first.`);
    }
    if (this.#connection.phase === 'live' && this.transport.isOpen) this.transport.send(event);
    else this.#outbox.push(event);
  }

  /**
   * Adds an item the client sends to the conversation (`pending`) and to the delivery journal,
   * and writes it when live; otherwise the restored session gets it. An invalid item throws
   * before anything is recorded.
   */
  #createItem(item: ConversationItemInput, previousItemId: string | undefined): void {
    if (this.#connection.phase === 'idle' || this.#connection.phase === 'ended') {
      throw new RealtimeError('VOXWIRE_NOT_CONNECTED', 'Cannot send conversation.item.create: the client is not connected; call connect() first.');
    }
    const live = this.#connection.phase === 'live' && this.transport.isOpen;
    if (!live) this.#check({ type: 'conversation.item.create', item });
    const eventId = live ? this.#writeItem(item, previousItemId, false) : undefined;
    this.#journal.track(item, previousItemId);
    if (eventId) this.#journal.markSent(item.id as string, eventId);
    this.#emitUpdate(this.conversation.addLocal(item));
    this.#setDelivery(item.id as string, 'pending', true);
  }

  /**
   * Checks an event that is held for later, as the transport will when it is sent (which warns
   * then about fields it does not know), so a wrong request throws now with nothing held.
   */
  #check(event: ClientEventInput): void {
    realtimeProtocol.serialize(event, { strict: this.#config.strict });
  }

  /** Writes one `conversation.item.create`; returns its `event_id`. */
  #writeItem(item: ConversationItemInput, previousItemId: string | undefined, journal = true): string {
    const eventId = this.#createId('evt');
    this.transport.send({ type: 'conversation.item.create', event_id: eventId, item, ...(previousItemId === undefined ? {} : { previous_item_id: previousItemId }) });
    if (journal) this.#journal.markSent(item.id as string, eventId);
    return eventId;
  }

  #setDelivery(itemId: string, state: DeliveryState, initial = false): void {
    const change: ConversationChange | undefined = initial ? undefined : this.conversation.setDelivery(itemId, state);
    if (change) this.#safeEmit('conversation', change);
    const entry = this.conversation.get(itemId);
    if (entry && (initial || change)) this.#safeEmit('delivery', { itemId, state, entry });
  }

  /** Sends now when live; otherwise drops (audio and truncation are meaningless later). */
  #sendLive(event: ClientEventInput): boolean {
    if (this.#connection.phase !== 'live' || !this.transport.isOpen) return false;
    this.transport.send(event);
    return true;
  }

  #flushOutbox(): void {
    const pending = this.#outbox.splice(0);
    for (const event of pending) this.transport.send(event);
    this.#sendQueuedResponse();
  }

  // ---------------------------------------------------------------------------------------
  // Limits and timers

  #startTimers(restored: boolean): void {
    this.#clearTimers();
    this.#limits.start({ resume: restored });
    const { rotateBeforeMs } = this.#config.options;
    if (rotateBeforeMs !== undefined) {
      this.#schedule(() => void this.#rotate(), Math.max(0, DEFAULT_UPSTREAM_SESSION_MAX_MS - rotateBeforeMs));
    }
  }

  /** A planned move to a fresh session before the upstream cap, with context restored. */
  async #rotate(): Promise<void> {
    const connection = this.#connection;
    if (connection.phase !== 'live') return;
    connection.phase = 'backoff';
    this.#clearTimers();
    this.#afterDrop();
    connection.setState({ status: 'reconnecting', attempt: 0, nextDelayMs: 0, closeCode: CLOSE_CODES.normal });
    this.transport.close(CLOSE_CODES.normal, 'voxwire: rotating session');
    try {
      await connection.reopen();
    } catch (error) {
      if (connection.ended()) return;
      void connection.reconnect({ code: CLOSE_CODES.abnormal, reason: toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED').message, initiatedLocally: false });
    }
  }

  /** Tool calls running at a drop are aborted; the new session never saw them, so no output is sent. */
  #cancelToolCalls(): void {
    for (const call of this.#dispatcher?.onDisconnect() ?? []) {
      const change = this.conversation.markCancelled(call.itemId);
      if (change) this.#safeEmit('conversation', change);
    }
  }

  /**
   * The models this session names (`model`, `session.model`, the transcription model) against
   * OpenAI's announced shutdowns: warns once per model within 60 days, refuses one past its
   * date before any network call. Unknown names pass.
   */
  async #checkModels(): Promise<void> {
    const session = this.#session.desired as { model?: unknown; audio?: { input?: { transcription?: { model?: unknown } | null } } };
    const named = [
      [this.#config.options.model, 'model'],
      [session.model, 'session.model'],
      [session.audio?.input?.transcription?.model, 'session.audio.input.transcription.model'],
    ].filter((entry): entry is [string, string] => typeof entry[0] === 'string');
    // The defaults have no shutdown date (test/models.test.ts), and the model table loads on
    // demand, so an app on the defaults never ships it.
    if (named.length === 0) return;
    const { checkModels } = await import('../base/model-lifecycle');
    checkModels(named, this.#clock.now(), (warning, message) => this.#warnModel(warning, message), RealtimeError);
  }

  /** Logs and emits `modelWarning` once per model, whoever noticed it. */
  #warnModel(warning: ModelWarning, message: string): void {
    if (this.#warnedModels.has(warning.model)) return;
    this.#warnedModels.add(warning.model);
    this.#logger.warn(message, { model: warning.model, source: warning.source });
    this.#safeEmit('modelWarning', warning);
  }

  #schedule(callback: () => void, delayMs: number): void {
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(handle);
      callback();
    }, delayMs);
    this.#timers.add(handle);
  }

  #clearTimers(): void {
    this.#limits.stop();
    for (const handle of this.#timers) this.#clock.clearTimeout(handle);
    this.#timers.clear();
  }

  // ---------------------------------------------------------------------------------------
  // Helpers

  #waitFor(match: (event: ServerEvent) => WaitVerdict, timeoutMs: number, signal: AbortSignal | undefined, what: string): Promise<ServerEvent> {
    return this.#waiters.wait(match, timeoutMs, signal, what);
  }

  #dropWaiters(error: RealtimeError): void {
    this.#waiters.rejectAll(error);
  }

  #emitUpdate(update: ConversationUpdate): void {
    for (const change of update.changes) this.#safeEmit('conversation', change);
    for (const transcript of update.transcripts) this.#safeEmit('transcript', transcript);
  }

  #createId(prefix: string): string {
    return this.#ids(`${prefix}_vx`);
  }
}

/** A wait rejected by an event: only an `error` event rejects one. */
function waitRejection(event: ServerEvent): RealtimeError {
  return event.type === 'error' ? serverErrorFromEvent(event) : new RealtimeError('VOXWIRE_SERVER_ERROR', `Unexpected ${event.type}.`);
}
