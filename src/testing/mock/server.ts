/**
 * `MockRealtimeServer`: a faithful stand-in for the OpenAI Realtime API (GA) on loopback, for
 * tests, demos and offline development. It accepts WebSocket connections the way the API does
 * (`/v1/realtime?model=...`, bearer header or `realtime` + `openai-insecure-api-key.<key>`
 * subprotocols, `?call_id=` sideband URLs), runs one {@link MockSession} per connection, plays
 * a {@link Scenario} (or, without one, answers every turn with a short spoken reply), and
 * records every event on the wire for assertions.
 *
 * Node only: `ws` (an optional peer dependency) and `node:http` are imported when the server
 * starts, so importing `voxwire/testing` elsewhere does not fail.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_MODEL, DEFAULT_TRANSLATION_MODEL } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import type { ClientEventInputMap, ClientEventType } from '../../events/client-events';
import type { ServerEventMap, ServerEventType } from '../../events/server-events';
import type { TranslationSessionUpdate } from '../../events/translation';
import { EventLog } from '../recording/event-log';
import type { EventMatcher, LogEntry, LogQuery, ReceivedEntry, SentEntry, WaitForOptions, WireEvent } from '../recording/event-log';
import { checkDropCode, defineScenario } from '../script/scenario';
import type { Scenario } from '../script/scenario';
import { ScenarioCursor } from '../script/scenario-cursor';
import { apiError, mockErrors, speaksBeta } from './errors';
import type { MockErrorBody } from './errors';
import { MockHost, acceptsKey, nodeYield, onFrames, protocolsOf, webSocketLink } from './host';
import type { MockCredentials, MockHttpRefusal } from './host';
import { MockConnections } from './connections';
import { createIdFactory, obfuscationFor } from './ids';
import { DEFAULT_REPLY_CLIP, FixtureReplyAudio } from './reply-audio';
import type { ReplyAudioSource } from './reply-audio';
import { checkOptions, resolveSessionSettings } from './server-options';
import type { MockAttachRequest, MockAuthOptions, MockConnectionInfo, MockRealtimeServerOptions, MockServerAddress, MockSessionSettings } from './server-options';
import { MockSession } from './session';
import type { MockSessionDefaults } from './session-config';
import type { MockSessionLink } from './session-link';
import { MockTranslationSession } from './translation-session';
import type { MockSipCall } from './sip-call';
import { MockSipEndpoint } from './sip-endpoint';
import type { MockWebRTCCall } from './webrtc-call';
import { MockWebRTCEndpoint } from './webrtc-endpoint';

const REALTIME_PATH = '/v1/realtime';
const TRANSLATION_PATH = '/v1/realtime/translations';
/** What an admitted upgrade carries from the key check to the connection. */
interface Admission {
  accepted: boolean;
  rejectWith: MockAuthOptions['rejectWith'];
}

/**
 * A mock OpenAI Realtime server (GA protocol) on 127.0.0.1, for tests and offline development.
 *
 * It validates every client event with the SDK's schemas (bad ones get `error` events with the
 * API's codes), runs server VAD on the PCM16 it receives, streams replies from fixture audio
 * (transcript deltas + audio deltas + `response.done` with usage), handles tool calls,
 * interruption, truncation, drops and expiry, and records everything for assertions.
 *
 * @example
 * ```ts
 * import { MockRealtimeServer, createScenario, loadFixtureAudio } from 'voxwire/testing';
 *
 * const server = new MockRealtimeServer({
 *   audioPace: 'instant',
 *   scenario: createScenario()
 *     .turn((t) => t.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }))
 *     .turn((t) => t.plays('reply-weather'))
 *     .build(),
 * });
 * const { url } = await server.start();
 * // ... connect a client to `url`, stream loadFixtureAudio('question') ...
 * const call = await server.waitFor('response.function_call_arguments.done');
 * await server.waitFor({ type: 'conversation.item.create', item: { type: 'function_call_output' } });
 * await server.waitFor('response.done', { nth: 2 });
 * await server.stop();
 * ```
 */
export class MockRealtimeServer {
  /** The recorded log of every event received and sent. */
  readonly log: EventLog;
  readonly #options: MockRealtimeServerOptions;
  readonly #settings: MockSessionSettings;
  readonly #clock: Clock;
  readonly #newId: (prefix: Parameters<ReturnType<typeof createIdFactory>>[0]) => string;
  readonly #cursor: ScenarioCursor;
  readonly #audio: ReplyAudioSource;
  readonly #connections: MockConnections<MockSession | MockTranslationSession>;
  readonly #host: MockHost<Admission>;
  #address: MockServerAddress | undefined;
  #starting: Promise<MockServerAddress> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #webrtc: MockWebRTCEndpoint;
  readonly #sip: MockSipEndpoint;

  constructor(options: MockRealtimeServerOptions = {}) {
    checkOptions(options);
    this.#options = options;
    this.#settings = resolveSessionSettings(options);
    this.#clock = options.clock ?? systemClock;
    this.#newId = createIdFactory(options.random);
    this.#cursor = new ScenarioCursor(options.scenario);
    this.#audio = new FixtureReplyAudio(options.fixturesDir);
    this.#connections = new MockConnections(this.#clock);
    const logOptions: ConstructorParameters<typeof EventLog>[0] = { clock: this.#clock };
    if (options.log?.keepAudio !== undefined) logOptions.keepAudio = options.log.keepAudio;
    if (options.log?.maxEntries !== undefined) logOptions.maxEntries = options.log.maxEntries;
    this.log = new EventLog(logOptions);
    this.#host = new MockHost<Admission>(
      {
        port: options.port ?? 0,
        maxPayload: (options.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES) * 2,
        selectProtocol: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
        name: 'MockRealtimeServer',
      },
      {
        request: (request, response) => this.#onRequest(request, response),
        admit: (request, url, credentials) => this.#admit(url, credentials),
        connection: (ws, request, url, credentials, admission) => this.#accept(ws, request, url, credentials, admission),
      },
    );
    this.#webrtc = new MockWebRTCEndpoint(
      {
        clock: this.#clock,
        random: options.random ?? Math.random,
        checkKey: (key) => this.#checkKey(key),
        attach: (link, request) => this.attach(link, request),
        attachTranslation: (link, request) => this.#createTranslationSession(this.#connections.register(link.kind, request), link, request.model, request.session),
        stopping: () => this.#stopping !== undefined,
      },
      options.webrtc,
    );
    this.#sip = new MockSipEndpoint({ clock: this.#clock, checkKey: (key) => this.#checkKey(key), attach: (link, request) => this.attach(link, request) });
  }

  /** The SIP side: place calls (a signed webhook to the app), see their state and what the caller heard. */
  get sip(): MockSipEndpoint {
    return this.#sip;
  }

  /** The WebRTC endpoint: its live calls, minted ephemeral keys. */
  get webrtc(): MockWebRTCEndpoint {
    return this.#webrtc;
  }

  /** The WebSocket URL once started (`ws://127.0.0.1:<port>/v1/realtime`). */
  get url(): string | undefined {
    return this.#address?.url;
  }

  /** Every client event received so far, oldest first. */
  get received(): ReceivedEntry[] {
    return this.log.received;
  }

  /** Every server event sent so far, oldest first. */
  get sent(): SentEntry[] {
    return this.log.sent;
  }

  /** Every connection accepted so far, open or closed. */
  get connections(): readonly MockConnectionInfo[] {
    return this.#connections.list;
  }

  /** How many connections are open now. */
  get openConnections(): number {
    return this.#connections.openCount;
  }

  /** How far the scenario has got: turns used and left. */
  get scenarioProgress(): {
    /** Turns the mock has played. */
    used: number;
    /** Turns still to play. */
    remaining: number;
  } {
    return { used: this.#cursor.used, remaining: this.#cursor.remaining };
  }

  /** The translation session of a connection (by index), for inspecting its state. */
  translationSession(index: number): MockTranslationSession | undefined {
    const session = this.#connections.session(index);
    return session instanceof MockTranslationSession && session.connection === index ? session : undefined;
  }

  /** The session of a connection (by index), for inspecting its state. */
  session(index: number): MockSession | undefined {
    const session = this.#connections.session(index);
    return session instanceof MockSession ? session : undefined;
  }

  /**
   * Starts listening on 127.0.0.1. Resolves with the URL to connect to. Calling it again while
   * started returns the same address.
   *
   * @throws {RealtimeError} `VOXWIRE_NO_WEBSOCKET` when the `ws` package is not installed.
   */
  start(): Promise<MockServerAddress> {
    if (this.#stopping) {
      return Promise.reject(
        new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'MockRealtimeServer: start() after stop(); create a new server.'),
      );
    }
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<MockServerAddress> {
    const port = await this.#host.start();
    this.#address = { url: `ws://127.0.0.1:${port}${REALTIME_PATH}`, apiBaseUrl: `http://127.0.0.1:${port}/v1`, port };
    // Warm the default clip so the first reply does not wait on the file system; a failure
    // shows up on the first reply that needs it.
    void this.#audio.load(this.#settings.defaultReply.audio ?? DEFAULT_REPLY_CLIP).catch(() => undefined);
    return this.#address;
  }

  /**
   * Closes every connection (abruptly: the clients see 1006), stops every timer and closes the
   * listener. Pending {@link MockRealtimeServer.waitFor} calls reject. Safe to call more than
   * once, and before `start()`.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    try {
      await this.#starting;
    } catch {
      // A failed start leaves nothing running beyond what is closed below.
    }
    this.#host.beginStop();
    this.#webrtc.close();
    this.#sip.close();
    this.#connections.dropAll(1006, '');
    await this.#host.close();
    this.log.rejectWaiters('MockRealtimeServer stopped');
  }

  /**
   * Waits for an event in the log (already there, from `since`, or still to come). Typed by
   * event name for known client and server events.
   *
   * @example
   * ```ts
   * const done = await server.waitFor('response.done', { timeoutMs: 2000 });
   * done.event.response.status; // 'completed'
   * ```
   */
  waitFor<Type extends ServerEventType>(type: Type, options?: WaitForOptions): Promise<SentEntry<ServerEventMap[Type] & WireEvent>>;
  waitFor<Type extends ClientEventType>(type: Type, options?: WaitForOptions): Promise<ReceivedEntry<ClientEventInputMap[Type] & WireEvent>>;
  waitFor(matcher: EventMatcher, options?: WaitForOptions): Promise<LogEntry>;
  waitFor(matcher: EventMatcher, options?: WaitForOptions): Promise<LogEntry> {
    return this.log.waitFor(matcher, options);
  }

  /** Entries matching `matcher` (see {@link EventLog.filter}). */
  filter(matcher: EventMatcher, query?: LogQuery): LogEntry[] {
    return this.log.filter(matcher, query);
  }

  /** The log position now: pass it as `since` to look only at what follows. */
  mark(): number {
    return this.log.mark();
  }

  /**
   * Drops every open connection: code 1006 (default) terminates them without a close frame, as
   * a network failure does; any other code (e.g. 4000 draining) closes them with that code.
   *
   * @returns How many connections were dropped.
   */
  dropConnections(code = 1006, reason = ''): number {
    checkDropCode(code);
    return this.#connections.dropAll(code, reason);
  }

  /** Expires every open session now (`session_expired`, then close 1001). Returns how many. */
  expireSessions(): number {
    return this.#connections.expireAll();
  }

  /**
   * Sends a server event of your own (e.g. a `rate_limits.updated` or an `error`) to one
   * connection or to all open ones. `event_id` is filled in when missing.
   *
   * @returns How many connections it was sent to.
   */
  send(event: WireEvent, target: { connection?: number } = {}): number {
    return this.#connections.send(event, target);
  }

  /** Plays another scenario (or none) from its first turn, for connections old and new. */
  setScenario(scenario: Scenario | undefined): void {
    if (scenario !== undefined) defineScenario(scenario);
    this.#cursor.reset(scenario);
  }

  /**
   * Runs a session over another transport (the WebRTC endpoint's data channel, a custom test
   * link): registers the connection, creates the session and sends `session.created`. Feed it
   * frames with `session.receive()` and call `session.handleClose()` when the transport closes.
   */
  attach(
    link: MockSessionLink,
    request: MockAttachRequest = {},
  ): MockSession {
    const info = this.#connections.register(link.kind, { ...request, url: request.url ?? REALTIME_PATH, model: request.model ?? DEFAULT_MODEL });
    return this.#createSession(info.index, link, info, request.session);
  }

  #createTranslationSession(info: MockConnectionInfo, link: MockSessionLink, model: string, session: TranslationSessionUpdate | undefined): MockTranslationSession {
    const translation = new MockTranslationSession({
      connection: info.index,
      link,
      log: this.log,
      clock: this.#clock,
      newId: this.#newId,
      model,
      session,
      translation: this.#options.translation,
      audio: this.#audio,
      expireAfterMs: this.#settings.expireAfterMs,
      maxFrameBytes: this.#settings.maxFrameBytes,
      onClosed: () => this.#connections.markClosed(info),
    });
    this.#connections.setSession(info.index, translation);
    translation.start();
    return translation;
  }

  #createSession(index: number, link: MockSessionLink, info: MockConnectionInfo, overrides?: MockSessionDefaults): MockSession {
    const options = this.#options;
    const scenarioExpiry = this.#cursor.scenario?.expireAfterMs;
    const session = new MockSession({
      connection: index,
      link,
      log: this.log,
      clock: this.#clock,
      newId: this.#newId,
      obfuscate: (delta) => obfuscationFor(delta, options.random),
      // `?intent=transcription`, or a transcription session from a key or a multipart offer.
      kind: new URL(info.url, 'http://127.0.0.1').searchParams.get('intent') === 'transcription' || (overrides as { type?: string } | undefined)?.type === 'transcription' ? 'transcription' : 'realtime',
      model: info.model,
      sessionDefaults: overrides === undefined ? options.sessionDefaults : { ...options.sessionDefaults, ...overrides },
      ...this.#settings,
      expireAfterMs: scenarioExpiry ?? this.#settings.expireAfterMs,
      turns: this.#cursor,
      audio: this.#audio,
      yieldToEventLoop: nodeYield(this.#clock),
      onClosed: () => this.#connections.markClosed(info),
    });
    this.#connections.setSession(index, session);
    session.start();
    return session;
  }

  /** Plain HTTP: the WebRTC endpoint's routes; anything else is told to upgrade (426) or not found. */
  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    if (this.#sip.handle(request, response) || this.#webrtc.handle(request, response)) return;
    const body = JSON.stringify({
      error: apiError('The Realtime API is a WebSocket endpoint: connect with an Upgrade request.', null),
    });
    response.writeHead(request.url?.startsWith(REALTIME_PATH) ? 426 : 404, { 'Content-Type': 'application/json' });
    response.end(body);
  }

  /** An upgrade, as the API decides it: the path, the key, the concurrency limit. */
  async #admit(url: URL, credentials: MockCredentials): Promise<{ refuse: MockHttpRefusal } | { admit: Admission }> {
    if (![REALTIME_PATH, `${REALTIME_PATH}/`, TRANSLATION_PATH, `${TRANSLATION_PATH}/`].includes(url.pathname)) {
      return { refuse: { status: 404, statusText: 'Not Found', body: { error: apiError(`Unknown path ${url.pathname}; the Realtime endpoint is ${REALTIME_PATH}.`, null) } } };
    }
    const { apiKey } = credentials;
    const accepted = await this.#checkKey(apiKey);
    const rejectWith = this.#options.auth?.rejectWith ?? 'http';
    if (!accepted && rejectWith === 'http') {
      return { refuse: { status: 401, statusText: 'Unauthorized', body: { error: mockErrors.invalidApiKey(apiKey) } } };
    }
    const maxConnections = this.#options.maxConnections ?? Number.POSITIVE_INFINITY;
    if (this.openConnections >= maxConnections) {
      return {
        refuse: { status: 429, statusText: 'Too Many Requests', body: { error: apiError(`Too many concurrent sessions (the mock allows ${maxConnections}).`, 'rate_limit_exceeded') } },
      };
    }
    return { admit: { accepted, rejectWith } };
  }

  async #checkKey(key: string | undefined): Promise<boolean> {
    // An ephemeral key this server minted is valid until it expires, whatever `auth` says.
    if (key?.startsWith('ek_') && this.#webrtc.clientSecret(key) !== undefined) return true;
    return acceptsKey(this.#options.auth?.apiKey, key);
  }

  /** An `error` sent before any session exists (the connection is refused after the upgrade). */
  #sendError(ws: WebSocket, index: number, body: Omit<MockErrorBody, 'event_id'>): void {
    const event: WireEvent = { type: 'error', event_id: this.#newId('event'), error: { ...body, event_id: null } };
    ws.send(JSON.stringify(event));
    this.log.recordSent(index, event);
  }

  #accept(ws: WebSocket, request: IncomingMessage, url: URL, credentials: MockCredentials, admission: Admission): void {
    const auth = { ...credentials, ...admission };
    const callId = url.searchParams.get('call_id') ?? undefined;
    const info = this.#connections.register(callId === undefined ? 'websocket' : 'sideband', {
      url: `${url.pathname}${url.search}`,
      model: url.searchParams.get('model') ?? DEFAULT_MODEL,
      authVia: auth.authVia,
      protocol: ws.protocol,
      headers: { ...request.headers },
      ...(callId === undefined ? {} : { callId }),
      ...(auth.apiKey === undefined ? {} : { apiKey: auth.apiKey }),
    });
    const index = info.index;
    const link = webSocketLink(ws, info.kind, info);

    ws.on('error', () => {
      // A protocol error (bad frame, oversized payload) is followed by 'close'; nothing to add.
    });
    let sidebandOf: MockSession | undefined;
    ws.on('close', (code: number, reason: Buffer) => {
      info.closeCode ??= code;
      info.closeReason ??= reason.toString('utf8');
      const session = this.#connections.session(index);
      // A sideband leaving does not end the call it joined.
      if (session && session !== sidebandOf) session.handleClose();
      else this.#connections.markClosed(info);
    });

    if (!auth.accepted) {
      // rejectWith: { closeCode }: the upgrade succeeded, the session never starts.
      const close = typeof auth.rejectWith === 'object' ? auth.rejectWith : {};
      this.#sendError(ws, index, mockErrors.invalidApiKey(auth.apiKey));
      ws.close(close.closeCode ?? 4003, close.reason ?? 'authentication failed');
      return;
    }

    if (speaksBeta(request.headers['openai-beta'], protocolsOf(request))) {
      // The beta interface was switched off upstream in 2026: the API accepts the upgrade, says
      // so in an error event and closes with 4000.
      this.#sendError(ws, index, mockErrors.betaShapeDisabled());
      info.closeCode = 4000;
      info.closeReason = 'invalid_request_error.beta_api_shape_disabled';
      ws.close(4000, 'invalid_request_error.beta_api_shape_disabled');
      return;
    }

    if (url.pathname.startsWith(TRANSLATION_PATH)) {
      info.model = url.searchParams.get('model') ?? DEFAULT_TRANSLATION_MODEL;
      const translation = this.#createTranslationSession(info, link, info.model, this.#webrtc.clientSecret(auth.apiKey)?.translation);
      ws.on('close', () => translation.handleClose());
      onFrames(ws, (data, isBinary) => translation.receive(data, isBinary));
      return;
    }
    if (callId !== undefined) {
      // A sideband connection to a live WebRTC call joins that call's session: it receives every
      // server event of the call and its client events go to the same session.
      let call: MockWebRTCCall | MockSipCall | undefined;
      const adopt = (session: MockSession | undefined): void => {
        if (!session || sidebandOf === session) return;
        sidebandOf = session;
        this.#connections.setSession(index, session);
      };
      const sink = {
        send: (text: string) => {
          // The call's session may start after the sideband joined (when the data channel opens).
          adopt(call?.session);
          if (ws.readyState === ws.OPEN) ws.send(text);
        },
        close: (code: number, reason: string) => link.close(code, reason),
      };
      call = this.#webrtc.joinSideband(callId, sink) ?? this.#sip.joinSideband(callId, sink);
      if (call) {
        const joined = call;
        adopt(joined.session);
        ws.on('close', () => {
          joined.removeSideband(sink);
          this.#connections.markClosed(info);
        });
        onFrames(ws, (data, isBinary) => joined.receiveFromSideband(data, isBinary));
        return;
      }
    }
    const secret = this.#webrtc.clientSecret(auth.apiKey);
    const session = this.#createSession(index, link, info, secret?.session);
    onFrames(ws, (data, isBinary) => session.receive(data, isBinary));
  }
}
