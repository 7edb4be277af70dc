import { EventEmitter } from '../base/emitter';
import { systemClock } from '../base/clock';
import type { Clock } from '../base/clock';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_LIVE_CLOSE_TIMEOUT_MS,
  DEFAULT_LIVE_HISTORY_BUDGET_CHARS,
  DEFAULT_LIVE_MODEL,
  DEFAULT_LIVE_TURN_INACTIVITY_MS,
  DEFAULT_LIVE_TURN_SILENCE_GAP_MS,
  DEFAULT_STRICT_CLIENT_EVENTS,
} from '../base/defaults';
import { RealtimeError } from '../base/errors';
import { consoleLogger } from '../base/logger';
import type { Logger } from '../base/logger';
import type { ModelWarning } from '../base/model-lifecycle';
import { LiveUsageMeter } from '../base/usage';
import type { LiveUsageTotals } from '../base/usage';
import { anySignal } from '../client/abort';
import { inputSlot } from '../client/audio-io';
import type { AudioInputSource, AudioOutputSink } from '../client/audio-io';
import type { ClientState } from '../client/client-events';
import { EventWaiters } from '../client/event-waiters';
import { Connection, closeSession, reconnectPolicyOf, relayEndingOf, safeEmitter } from '../client/connection';
import { idMaker } from '../client/ids';
import type { SafeEmit } from '../client/connection';
import { toRealtimeError } from '../client/session-errors';
import { encodeBase64, pcm16ToBase64 } from '../codec/base64';
import type {
  LiveClientEvent,
  LiveServerEvent,
  LiveServerEventMap,
  LiveSessionConfig,
  LiveSessionResource,
  LiveSessionUpdate,
  UnknownLiveServerEvent,
} from '../events/live';
import { ToolRegistry } from '../tools/registry';
import type { Transport } from '../transport/transport';
import { WebSocketTransport } from '../transport/websocket';
import type { LiveAppended, LiveClientEvents, LiveInterruptionInfo } from './live-client-events';
import { checkLiveDelegation, checkLiveOptions } from './live-client-options';
import type { LiveAppendOptions, LiveClientOptions, LiveCloseOptions } from './live-client-options';
import type { LiveContext } from './live-context';
import { liveAppender, liveDelegations } from './live-delegate';
import type { LiveAppend, LiveDelegations } from './live-delegate';
import { liveServerError, waitForAnswer } from './live-answers';
import { liveOutputAudio } from './live-output-audio';
import type { LiveOutputAudio } from './live-output-audio';
import { liveProtocol } from './live-protocol';
import { delegationTools, forkConfig, forkRefused, forkUrl, outputFormat, startConfig } from './live-session-config';
import { LiveTranscript } from './live-transcript';

/** The option types, also importable from here. */
export type { LiveAppendOptions, LiveClientOptions, LiveClientSession, LiveCloseOptions } from './live-client-options';

type AnyLiveEvent = LiveServerEvent | UnknownLiveServerEvent;

/** Codes after which no new session can succeed (LiveKit treats them as fatal too). */
const FATAL_ERROR_CODES = new Set(['insufficient_quota', 'invalid_api_key', 'account_deactivated', 'billing_hard_limit_reached']);

/**
 * A conversation with GPT-Live (`/v1/live/sessions`): a full-duplex voice model that owns
 * turn-taking and barge-in and delegates reasoning and tools to a backend. It runs on the same
 * transports, audio engine, tool registry and reconnect policy as `RealtimeClient`; what differs
 * is the protocol: the config is fixed at start, audio streams continuously (silence too),
 * transcripts come as timeline fragments (grouped here into turns), tool calls arrive nested in
 * a Responses stream, and a reconnect is a new session seeded with the transcript (or a fork).
 *
 * @example
 * ```ts
 * import { LiveClient } from 'voxwire/live';
 * import { defineTool } from 'voxwire';
 *
 * const client = new LiveClient({
 *   apiKey: process.env.OPENAI_API_KEY,
 *   session: { instructions: 'Be brief.', delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } },
 *   tools: [getWeather],
 * });
 * client.on('turn', (turn) => console.log(`${turn.speaker}: ${turn.text}`));
 * await client.connect();
 * client.attachInput(microphone);   // keep streaming, silence too
 * client.attachOutput(player);      // a jitter-buffered AudioPlayer
 * ```
 */
export class LiveClient extends EventEmitter<LiveClientEvents> {
  /** The transport in use. */
  readonly transport: Transport;
  /** The transcript: fragments grouped into turns; outlives connections. */
  readonly transcript: LiveTranscript;
  /** The function tools of Responses delegation. Changes while connected update the session. */
  readonly tools: ToolRegistry;

  readonly #options: LiveClientOptions;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #connection: Connection;
  readonly #safeEmit: SafeEmit<LiveClientEvents>;
  readonly #waiters: EventWaiters<AnyLiveEvent>;
  readonly #meter: LiveUsageMeter;
  readonly #desired: LiveSessionConfig;
  /** What the plain-function parts below share (the session id and generation are written here). */
  readonly #context: LiveContext;
  readonly #output: LiveOutputAudio;
  readonly #append: LiveAppend;
  readonly #delegations: LiveDelegations;
  #confirmed: LiveSessionResource | undefined;
  #previousSessionId: string | undefined;
  #forkRefused = false;
  #forkFailures = 0;
  readonly #createId: (prefix: string) => string;
  readonly #attachInput = inputSlot();
  readonly #warned = new Set<string>();

  constructor(options: LiveClientOptions = {}) {
    super();
    checkLiveOptions(options);
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger;
    this.#safeEmit = safeEmitter(this, this.#logger, 'Live client');
    this.#clock = options.clock ?? systemClock;
    this.#createId = idMaker(options.random ?? Math.random);
    this.#waiters = new EventWaiters(this.#clock);
    this.#meter = new LiveUsageMeter(options.prices);
    this.#desired = { ...options.session, model: options.session?.model ?? DEFAULT_LIVE_MODEL } as LiveSessionConfig;
    this.tools = new ToolRegistry({ tools: options.tools ?? [], clock: this.#clock });
    // Misconfiguration throws here, before any network call.
    checkLiveDelegation(this.#desired.delegation?.type ?? 'client', this.tools.size > 0, options.delegate !== undefined, this.#logger);
    liveProtocol.serialize({ type: 'session.start', session: this.#desired }, { strict: options.strict ?? DEFAULT_STRICT_CLIENT_EVENTS, onWarning: (warning) => this.#logger.warn(warning.message) });
    this.transcript = new LiveTranscript({
      silenceGapMs: options.turnSilenceGapMs ?? DEFAULT_LIVE_TURN_SILENCE_GAP_MS,
      inactivityMs: options.turnInactivityMs ?? DEFAULT_LIVE_TURN_INACTIVITY_MS,
      clock: this.#clock,
      onChange: (change) => {
        if (change.kind === 'delta') this.#safeEmit('transcript', { turn: change.turn, delta: change.delta });
        else this.#safeEmit('turn', change.turn);
      },
    });
    this.tools.onChange(
      () => {
        if (this.#connection.phase !== 'live') return;
        this.updateDelegation({ delegation: { type: 'responses', responses: { tools: delegationTools(this.#desired, this.tools) } } }).catch((error: unknown) =>
          this.#safeEmit('error', toRealtimeError(error, 'VOXWIRE_INVALID_CLIENT_EVENT')),
        );
      },
      (error) => this.#safeEmit('error', error),
    );
    this.transport =
      options.transport ??
      new WebSocketTransport({
        protocol: liveProtocol,
        logger: this.#logger,
        strict: options.strict ?? DEFAULT_STRICT_CLIENT_EVENTS,
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      });
    this.transport.on('event', (event, known) => this.#receive(event as AnyLiveEvent, known));
    this.#connection = new Connection({
      transport: this.transport,
      waiters: this.#waiters,
      clock: this.#clock,
      random: options.random ?? Math.random,
      policy: reconnectPolicyOf(options.reconnect),
      label: 'Live client',
      open: (signal, restore) => this.#openSession(signal, restore),
      emit: this.#safeEmit,
      dropped: () => this.#afterSession(),
      ending: (wasLive) => {
        if (wasLive) this.#afterSession();
        this.transcript.endAll('session_end');
      },
      failedToConnect: () => this.transcript.endAll('session_end'),
    });
    this.#context = {
      options,
      transport: this.transport,
      connection: this.#connection,
      waiters: this.#waiters,
      clock: this.#clock,
      emit: this.#safeEmit,
      transcript: this.transcript,
      send: (event) => this.#send(event),
      createId: this.#createId,
      sessionId: '',
      generation: 0,
    };
    this.#output = liveOutputAudio(this.#context);
    this.#append = liveAppender(this.#context);
    this.#delegations = liveDelegations(this.#context, this.tools, this.#append);
  }

  /** The connection state. */
  get state(): ClientState {
    return this.#connection.state;
  }

  /** The session as the server last reported it (`session.started`, `session.updated`). */
  get session(): LiveSessionResource | undefined {
    return this.#confirmed;
  }

  /** Session seconds across reconnects, with the estimated cost. */
  get usage(): LiveUsageTotals {
    return this.#meter.snapshot();
  }

  /**
   * Connects and starts the session: over a WebSocket it sends `session.start` and waits for
   * `session.started`; over WebRTC your server already started it. Rejects with a
   * `RealtimeError` (a refused config names the field).
   */
  async connect(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#connection.connect(options.signal);
  }

  /**
   * Ends the session gracefully: sends `session.close`, lets the server finish (it drains
   * delegations and speech) and resolves on `session.closed`, with the final usage counted.
   * Rejects with `VOXWIRE_TIMEOUT` when it does not come in time (the connection closes anyway).
   */
  async close(options: LiveCloseOptions = {}): Promise<void> {
    return closeSession(
      this.#connection,
      this.#waiters,
      () => this.transport.send({ type: 'session.close' } as never),
      options.timeoutMs ?? this.#options.closeTimeoutMs ?? DEFAULT_LIVE_CLOSE_TIMEOUT_MS,
      undefined,
      (event) => `close(): the session closed (${event.reason as string})`,
    );
  }

  /** Closes the connection at once, without waiting for the server to finish. No reconnect. */
  disconnect(): void {
    this.#connection.disconnect();
  }

  /**
   * Streams input audio in the session format (PCM16 samples, or G.711 bytes). Returns false,
   * dropping it, while not connected or over WebRTC (the microphone travels as a media track).
   * Keep streaming silence too: GPT-Live listens continuously and has no commit.
   */
  appendInputAudio(audio: Int16Array | Uint8Array | ArrayBuffer): boolean {
    if (!(audio instanceof Int16Array || audio instanceof Uint8Array || audio instanceof ArrayBuffer)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'appendInputAudio(): expected an Int16Array, Uint8Array or ArrayBuffer of audio in the session format.');
    }
    if (this.#connection.phase !== 'live' || audio.byteLength === 0 || this.transport.capabilities.audio !== 'events') return false;
    return this.#send({ type: 'session.input_audio.append', audio: audio instanceof Int16Array ? pcm16ToBase64(audio) : encodeBase64(audio) });
  }

  /**
   * Streams an audio source (e.g. `MicrophoneCapture` at the session rate) into the session, as
   * `RealtimeClient.attachInput` does. Returns a function that detaches it.
   */
  attachInput(source: AudioInputSource): () => void {
    return this.#attachInput(() => {
      const media = this.transport.media?.attachInput(source);
      if (!media && this.transport.capabilities.audio !== 'events') this.#warnOnce('input-media', 'LiveClient.attachInput(): over WebRTC a source without subscribeMedia is not sent.');
      return media ?? source.subscribe((chunk) => this.appendInputAudio(chunk));
    });
  }

  /**
   * Plays the model's speech through a sink (e.g. an `AudioPlayer`, whose jitter buffer absorbs
   * uneven arrival). When the user speaks over the assistant, what is still queued is dropped
   * (`stopPlaybackOnSpeech`). Returns a function that detaches it.
   */
  attachOutput(sink: AudioOutputSink): () => void {
    return this.#output.attach(sink);
  }

  /**
   * Stops local playback now: what an attached sink still had queued is dropped. The model is
   * not told (GPT-Live has no cancel or truncate); it decides itself whether to keep talking.
   */
  async interrupt(): Promise<LiveInterruptionInfo> {
    return this.#output.stop('client');
  }

  /** Mutes the microphone on the server side (`session.input_audio.mute`). Returns false when not connected. */
  mute(): boolean {
    return this.#send({ type: 'session.input_audio.mute' });
  }

  /** Unmutes it (`session.input_audio.unmute`). Returns false when not connected. */
  unmute(): boolean {
    return this.#send({ type: 'session.input_audio.unmute' });
  }

  /**
   * Appends developer instructions (they survive compaction and reach later delegations); split
   * into pieces of at most 500 tokens. Resolves once every piece is acknowledged. The startup
   * `instructions` cannot change: this adds to them.
   */
  appendInstructions(text: string, options: LiveAppendOptions = {}): Promise<LiveAppended[]> {
    return this.#append('instructions', text, options.delegationId ?? null);
  }

  /** Appends silent context (`session.thinking.append`), split into ≤ 500-token pieces; resolves once acknowledged. */
  appendThinking(text: string, options: LiveAppendOptions = {}): Promise<LiveAppended[]> {
    return this.#append('thinking', text, options.delegationId ?? null);
  }

  /** Appends text the model should say in its own words (`session.commentary.append`); resolves once acknowledged. */
  appendCommentary(text: string, options: LiveAppendOptions = {}): Promise<LiveAppended[]> {
    return this.#append('commentary', text, options.delegationId ?? null);
  }

  /**
   * Changes what can change mid-session: delegation settings (not its type) and triggers
   * (`session.update`). Resolves with the session the server confirmed.
   */
  async updateDelegation(update: LiveSessionUpdate): Promise<LiveSessionResource> {
    if (this.#connection.phase !== 'live') throw new RealtimeError('VOXWIRE_NOT_CONNECTED', 'updateDelegation(): the client is not connected.');
    const eventId = this.#createId('evt_vxl');
    const confirmed = waitForAnswer(this.#waiters, eventId, 'session.updated', this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, this.#connection.signal);
    this.transport.send({ type: 'session.update', event_id: eventId, session: update } as never);
    return ((await confirmed) as LiveServerEventMap['session.updated']).session;
  }

  /** Sends any Live client event, validated by the transport. Returns false when not connected. */
  send(event: LiveClientEvent): boolean {
    if (typeof event !== 'object' || event === null || typeof (event as { type?: unknown }).type !== 'string') {
      throw new RealtimeError('VOXWIRE_INVALID_CLIENT_EVENT', 'send(): expected a Live client event object with a string `type`.');
    }
    return this.#send(event);
  }

  // ---------------------------------------------------------------------------------------
  // Connection and session

  async #openSession(signal: AbortSignal | undefined, restore: boolean): Promise<void> {
    if (!restore) await this.#checkModel();
    await this.tools.prepare();
    // What the delegations need loads while the session starts (one may come with the first events).
    const delegations = this.#delegations.load(this.tools.size > 0 || this.#desired.delegation?.type === 'responses');
    delegations.catch(() => undefined);
    const abort = anySignal([signal, this.#connection.signal]);
    const fork = restore && this.#resume() === 'fork' && !this.#forkRefused && this.#previousSessionId !== undefined ? forkUrl(this.transport, this.#previousSessionId) : undefined;
    const started = this.#waiters.wait(
      // A startup error means `session.started` never comes.
      (event) => (event.type === 'session.started' ? event : event.type === 'error' ? 'reject' : false),
      this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      abort,
      'session.started',
    );
    // A server that refuses the connection (a relay's budget or concurrency `error`, then a
    // close) may do so before `session.start` can go out: its reason is the one to report.
    let refusal: unknown;
    started.catch((reason: unknown) => (refusal = reason));
    try {
      await this.transport.connect({ signal: abort, protocol: liveProtocol, ...(fork ? { url: fork } : {}) });
      // Over WebRTC the HTTP request started the session; on a WebSocket the first message does.
      if (this.transport.capabilities.audio === 'events') {
        const history = () => this.transcript.toInput(this.#options.historyBudgetChars ?? DEFAULT_LIVE_HISTORY_BUDGET_CHARS, this.#desired.input ?? []);
        const session = fork ? forkConfig(this.#desired, this.tools) : startConfig(this.#desired, this.tools, restore ? history() : undefined);
        this.transport.send({ type: 'session.start', session } as never);
      }
    } catch (error) {
      const failure = refusal ?? error;
      this.#waiters.rejectAll(toRealtimeError(failure, 'VOXWIRE_CONNECTION_FAILED'));
      this.#forkFailed(fork, failure);
      throw failure;
    }
    let event: LiveServerEventMap['session.started'];
    try {
      event = (await started) as LiveServerEventMap['session.started'];
    } catch (error) {
      this.#forkFailed(fork, error);
      throw error;
    }
    this.#forkFailures = 0;
    if (this.#previousSessionId !== (event.session.id || undefined)) this.#sessionStarted(event.session); // else #track did
    const sessionId = this.#context.sessionId;
    this.#connection.sessionExpired = false;
    this.#output.reset(false);
    this.#meter.startSession(typeof event.session.model === 'string' ? event.session.model : this.#desired.model);
    await delegations;
    this.#connection.phase = 'live';
    this.#connection.setState({ status: 'connected', sessionId });
  }

  /** A refused fork (stored session gone, not stored): the next attempt seeds history instead. */
  #forkFailed(fork: string | undefined, error: unknown): void {
    if (fork !== undefined && forkRefused(toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED'), (this.#forkFailures += 1))) this.#forkRefused = true;
  }

  #resume(): 'history' | 'fork' {
    return this.#options.resume ?? (this.#desired.store === true ? 'fork' : 'history');
  }

  /**
   * The models this session names against OpenAI's announced shutdowns: warns once within 60
   * days, refuses one past its date. The table loads on demand.
   */
  async #checkModel(): Promise<void> {
    const { checkModels } = await import('../base/model-lifecycle');
    checkModels([[this.#desired.model, 'session.model']], this.#clock.now(), (warning, message) => this.#warnModel(warning, message), RealtimeError);
  }

  #warnModel(warning: ModelWarning, message: string): void {
    if (this.#warned.has(`model:${warning.model}`)) return;
    this.#warned.add(`model:${warning.model}`);
    this.#logger.warn(message, { model: warning.model });
    this.#safeEmit('modelWarning', warning);
  }

  /** A session is over: its turns end, its tool calls stop, queued speech is dropped. */
  #afterSession(): void {
    this.transcript.endAll('session_end');
    this.#delegations.ended();
    this.#output.reset(true);
  }

  #receive(event: AnyLiveEvent, known: boolean): void {
    this.#safeEmit('*', event);
    if (known) this.#track(event as LiveServerEvent);
    const ending = known ? undefined : relayEndingOf(this.#connection, event);
    if (ending) this.#safeEmit('sessionEnding', ending);
    if (known && event.type !== 'error') this.#safeEmit(event.type as 'info', event as never);
    this.#waiters.offer(event, (error) => liveServerError(error as LiveServerEventMap['error']));
  }

  #track(event: LiveServerEvent): void {
    switch (event.type) {
      case 'session.started':
      case 'session.updated':
        // A start at once: events of the same network chunk belong to the new session already.
        if (event.type === 'session.started') this.#sessionStarted(event.session);
        this.#confirmed = event.session;
        this.#safeEmit('session', event.session);
        return;
      case 'session.output_audio.delta':
        this.#output.receive(event.delta, outputFormat(this.#confirmed, this.#desired));
        return;
      case 'session.input_transcript.delta':
        this.#output.userSpoke(event.delta, this.transcript.add('user', event, this.#context.sessionId));
        return;
      case 'session.output_transcript.delta':
        this.transcript.add('assistant', event, this.#context.sessionId);
        return;
      case 'session.delegation.created':
        this.#delegations.created(event);
        return;
      case 'response.event':
        this.#delegations.response(event);
        return;
      case 'session.usage.updated':
        this.#safeEmit('usage', this.#meter.report(event.usage.seconds, event.context_window?.usage_ratio ?? undefined));
        return;
      case 'session.closed':
        this.#safeEmit('usage', this.#meter.report(event.usage.seconds));
        this.#onSessionClosed(event.reason);
        return;
      case 'error': {
        const error = liveServerError(event);
        this.#safeEmit('error', error);
        if (FATAL_ERROR_CODES.has(event.error.code) && this.#connection.phase === 'live') this.#connection.end({ status: 'closed', reason: error.message, error });
        return;
      }
      default:
    }
  }

  /** A new session runs: what arrives from now on is stamped with its id and generation. */
  #sessionStarted(session: LiveSessionResource): void {
    this.#context.sessionId = typeof session.id === 'string' ? session.id : '';
    this.#previousSessionId = this.#context.sessionId || undefined;
    this.#context.generation += 1;
  }

  /** The server ended the session (our own `session.close` is awaited in `close()`). */
  #onSessionClosed(reason: string): void {
    if (this.#connection.phase !== 'live') return;
    // A lost connection is a drop like any other: the transport's close reconnects.
    if (reason === 'connection_lost') return;
    if (reason === 'expired') {
      this.#connection.sessionExpired = true;
      this.#connection.end({ status: 'expired', reason: 'session_expired' });
      return;
    }
    this.#connection.end({ status: 'closed', reason: `The server closed the session (${reason}).` });
  }

  // ---------------------------------------------------------------------------------------
  // Sending

  /** Sends now when live; otherwise drops (audio and context are meaningless later). */
  #send(event: LiveClientEvent): boolean {
    if (this.#connection.phase !== 'live' && this.#connection.phase !== 'closing') return false;
    if (!this.transport.isOpen) return false;
    this.transport.send(event as never);
    return true;
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#logger.warn(message);
  }
}
