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

import type { IncomingMessage, Server } from 'node:http';
import * as z from 'zod/mini';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_MODEL, DEFAULT_TRANSLATION_MODEL, DEFAULT_UPSTREAM_SESSION_MAX_MS } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import type { ClientEventInputMap, ClientEventType } from '../../events/client-events';
import { summarizeIssues } from '../../events/issues';
import type { ServerEventMap, ServerEventType } from '../../events/server-events';
import { realtimeSessionConfigSchema } from '../../events/session';
import type { AudioPace } from './audio-pace';
import { paceSpeed } from './audio-pace';
import { EventLog } from '../recording/event-log';
import type { EventMatcher, LogEntry, LogQuery, ReceivedEntry, SentEntry, WaitForOptions, WireEvent } from '../recording/event-log';
import { createIdFactory, obfuscationFor } from './ids';
import { mockErrors } from './errors';
import { MockSession } from './session';
import type { MockSessionLink, MockSessionOptions } from './session';
import type { MockSessionDefaults } from './session-config';
import { DEFAULT_REPLY_CLIP, FixtureReplyAudio } from './reply-audio';
import type { ReplyAudioSource } from './reply-audio';
import { defineScenario, isUsableCloseCode } from '../script/scenario';
import type { Scenario, ScenarioReply } from '../script/scenario';
import { ScenarioCursor } from '../script/scenario-cursor';
import type { MockWebRtcCall } from './webrtc-call';
import type { MockSipCall } from './sip-call';
import { MockSipEndpoint } from './sip-endpoint';
import { MockWebRtcEndpoint } from './webrtc-endpoint';
import { MockTranslationSession } from './translation-session';
import type { MockTranslationOptions } from './translation-session';
import type { TranslationSessionUpdate } from '../../events/translation';
import type { MockWebRtcOptions } from './webrtc-endpoint';

/** Who may connect. Without `apiKey` every connection is accepted, with or without a key. */
export interface MockAuthOptions {
  /**
   * The accepted key(s), or a predicate over the key the client presented (`undefined` when it
   * presented none). The key is read from `Authorization: Bearer <key>` or from the
   * `openai-insecure-api-key.<key>` subprotocol.
   */
  apiKey?: string | readonly string[] | ((key: string | undefined) => boolean | Promise<boolean>);
  /**
   * How a refused connection is turned away: `'http'` answers the upgrade with HTTP 401 and an
   * `invalid_api_key` JSON body (as the API does); `{ closeCode }` accepts the WebSocket, sends an
   * `error` event with code `invalid_api_key`, then closes with that code.
   * @default 'http'
   */
  rejectWith?:
    | 'http'
    | {
        /**
         * The WebSocket close code.
         * @default 4003
         */
        closeCode?: number;
        /**
         * The close reason.
         * @default 'authentication failed'
         */
        reason?: string;
      };
}

/** Options of {@link MockRealtimeServer}. Every field is optional. */
export interface MockRealtimeServerOptions {
  /** The scripted conversation. Without one the server is a plain assistant (see `defaultReply`). */
  scenario?: Scenario;
  /** Session fields every connection starts with, over the API's defaults (e.g. `{ instructions }`). */
  sessionDefaults?: MockSessionDefaults;
  /**
   * Pace of reply audio: `'realtime'`, a speed-up factor, or `'instant'`.
   * @default 'realtime'
   */
  audioPace?: AudioPace;
  /**
   * Duration of each `response.output_audio.delta`.
   * @default 50
   */
  outputChunkMs?: number;
  /** Key checks; see {@link MockAuthOptions}. @default any connection is accepted */
  auth?: MockAuthOptions;
  /**
   * Open connections allowed at once; further upgrades get HTTP 429.
   * @default Infinity
   */
  maxConnections?: number;
  /**
   * Largest client frame, in bytes. A larger frame (up to twice this) is answered with an `error`
   * (code `payload_too_large`) and the session goes on; beyond that `ws` closes the
   * connection with 1009.
   * @default 16 MiB (DEFAULT_MAX_CLIENT_FRAME_BYTES)
   */
  maxFrameBytes?: number;
  /**
   * Each session expires this long after it connected (`session_expired`, then close 1001),
   * unless the scenario sets its own `expireAfterMs`.
   * @default DEFAULT_UPSTREAM_SESSION_MAX_MS (60 minutes, as the API)
   */
  expireAfterMs?: number;
  /**
   * What the assistant says when no scenario turn says otherwise.
   * @default { audio: 'reply-greeting' } (the greeting fixture and its transcript)
   */
  defaultReply?: ScenarioReply;
  /**
   * The input transcription reported for committed audio when no scenario turn gives one
   * (the mock does not recognise speech).
   * @default '(speech)'
   */
  userTranscript?: string;
  /** Where the fixture clips are. @default the directory `loadFixtureAudio` finds */
  fixturesDir?: string;
  /** The recorded log. */
  log?: {
    /** Keep base64 audio in the log. @default false */
    keepAudio?: boolean;
    /** Entries kept. @default 100000 */
    maxEntries?: number;
  };
  /** Timers and timestamps (a fake clock makes expiry and idle timeouts testable). @default the system clock */
  clock?: Clock;
  /** Random source for ids, in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Port on 127.0.0.1 (the server never listens on other interfaces).
   * @default 0 (a free port)
   */
  port?: number;
  /**
   * The WebRTC endpoint (`POST /v1/realtime/calls`, `/client_secrets`, `/calls/{id}/hangup`,
   * sideband `?call_id=`): always mounted; a call needs the `werift` and `opusscript`
   * packages, loaded on the first offer.
   * @default {}
   */
  webrtc?: MockWebRtcOptions;
  /**
   * What translation sessions (`/v1/realtime/translations`) "translate" every input into: canned
   * transcripts and a clip, released frame by frame as speech arrives.
   * @default DEFAULT_MOCK_TRANSLATION (the `question` fixture's words, in Spanish, spoken by `reply-weather`)
   */
  translation?: MockTranslationOptions;
}

/** A connection as the server saw it. */
export interface MockConnectionInfo {
  /** Position in {@link MockRealtimeServer.connections}, from 0; the `connection` of log entries. */
  index: number;
  /** The transport. */
  kind: MockSessionLink['kind'];
  /** Path and query the client connected to. */
  url: string;
  /** `model` from the query (or the default model). */
  model: string;
  /** `call_id` from the query, for sideband connections. */
  callId?: string;
  /** The key the client presented, if any. */
  apiKey?: string;
  /** How it presented the key. */
  authVia: 'header' | 'subprotocol' | 'none';
  /** The subprotocol the server selected (`'realtime'`), or `''`. */
  protocol: string;
  /** The request headers. */
  headers: Record<string, string | string[] | undefined>;
  /** The session's id (`sess_...`). */
  sessionId: string;
  /** Whether the connection is still open. */
  open: boolean;
  /** When it opened (server clock). */
  openedAt: number;
  /** When it closed. */
  closedAt?: number;
  /** The close code (1006 for a dropped connection). */
  closeCode?: number;
  /** The close reason. */
  closeReason?: string;
}

/** Where the server listens, once started. */
export interface MockServerAddress {
  /** The WebSocket URL, `ws://127.0.0.1:<port>/v1/realtime`. */
  url: string;
  /**
   * The REST base, `http://127.0.0.1:<port>/v1`: `baseUrl` for `createClientSecret` and the
   * server handlers; the WebRTC offer goes to `${apiBaseUrl}/realtime/calls`.
   */
  apiBaseUrl: string;
  /** The port. */
  port: number;
}

const REALTIME_PATH = '/v1/realtime';
const TRANSLATION_PATH = '/v1/realtime/translations';
const DEFAULT_OUTPUT_CHUNK_MS = 50;
const DEFAULT_EXPIRE_AFTER_MS = DEFAULT_UPSTREAM_SESSION_MAX_MS;
const INSECURE_KEY_PROTOCOL = 'openai-insecure-api-key.';
/** A client that leaves this much unread is dropped (it stopped reading). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const MAX_INPUT_BUFFER_MS = 15 * 60 * 1000;
const MAX_RETAINED_AUDIO_MS = 10 * 60 * 1000;

function resolveNodeYield(clock: Clock): MockSessionOptions['yieldToEventLoop'] {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  const clearImmediate = (globalThis as { clearImmediate?: (handle: unknown) => void }).clearImmediate;
  if (typeof immediate === 'function' && typeof clearImmediate === 'function') {
    return (callback) => {
      const handle = immediate(callback);
      return () => clearImmediate(handle);
    };
  }
  return (callback) => {
    const handle = clock.setTimeout(callback, 0);
    return () => clock.clearTimeout(handle);
  };
}

function httpReject(socket: Duplex, status: number, statusText: string, body: unknown): void {
  const text = JSON.stringify(body);
  try {
    socket.end(
      `HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  } catch {
    // The client already went away.
  }
  socket.destroy();
}

function checkOptions(options: MockRealtimeServerOptions): void {
  const invalid = (message: string): RealtimeError => new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MockRealtimeServer: ${message}`);
  if (options.audioPace !== undefined) paceSpeed(options.audioPace);
  const positive = (value: unknown, name: string): void => {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) throw invalid(`${name} must be a number > 0, got ${JSON.stringify(value)}.`);
  };
  positive(options.outputChunkMs, 'outputChunkMs');
  positive(options.maxConnections, 'maxConnections');
  positive(options.maxFrameBytes, 'maxFrameBytes');
  if (options.expireAfterMs !== undefined && (typeof options.expireAfterMs !== 'number' || options.expireAfterMs < 0)) {
    throw invalid(`expireAfterMs must be a number >= 0, got ${JSON.stringify(options.expireAfterMs)}.`);
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw invalid(`port must be an integer 0-65535, got ${JSON.stringify(options.port)}.`);
  }
  if (options.scenario !== undefined) defineScenario(options.scenario);
  if (options.sessionDefaults !== undefined) {
    // Checked as a `session` so messages name fields as `session.x` and hint at GA renames.
    const result = z.safeParse(
      z.object({ session: realtimeSessionConfigSchema }),
      { session: { ...options.sessionDefaults, type: 'realtime' } },
      { reportInput: true },
    );
    if (!result.success) throw invalid(`sessionDefaults: ${summarizeIssues(result.error.issues).message}.`);
  }
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
  readonly #clock: Clock;
  readonly #newId: (prefix: Parameters<ReturnType<typeof createIdFactory>>[0]) => string;
  readonly #cursor: ScenarioCursor;
  readonly #audio: ReplyAudioSource;
  readonly #connections: MockConnectionInfo[] = [];
  readonly #sessions: MockSession[] = [];
  readonly #translationSessions: MockTranslationSession[] = [];
  readonly #sockets = new Set<WebSocket>();
  readonly #pendingUpgrades = new Set<Duplex>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #address: MockServerAddress | undefined;
  #starting: Promise<MockServerAddress> | undefined;
  #stopping: Promise<void> | undefined;
  readonly #webrtc: MockWebRtcEndpoint;
  readonly #sip: MockSipEndpoint;

  constructor(options: MockRealtimeServerOptions = {}) {
    checkOptions(options);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#newId = createIdFactory(options.random);
    this.#cursor = new ScenarioCursor(options.scenario);
    this.#audio = new FixtureReplyAudio(options.fixturesDir);
    const logOptions: ConstructorParameters<typeof EventLog>[0] = { clock: this.#clock };
    if (options.log?.keepAudio !== undefined) logOptions.keepAudio = options.log.keepAudio;
    if (options.log?.maxEntries !== undefined) logOptions.maxEntries = options.log.maxEntries;
    this.log = new EventLog(logOptions);
    this.#webrtc = new MockWebRtcEndpoint(
      {
        clock: this.#clock,
        random: options.random ?? Math.random,
        checkKey: (key) => this.#checkKey(key),
        attach: (link, request) => this.attach(link, request),
        attachTranslation: (link, request) => this.#createTranslationSession(this.#register(link.kind, request), link, request.model, request.session),
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
  get webrtc(): MockWebRtcEndpoint {
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
    return this.#connections;
  }

  /** How many connections are open now. */
  get openConnections(): number {
    return this.#connections.filter((connection) => connection.open).length;
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

  /**
   * Every session once: a sideband shares its call's session, and a refused connection has
   * none.
   */
  #uniqueSessions(): Array<MockSession | MockTranslationSession> {
    return [...new Set(this.#sessions.filter((session): session is MockSession => session !== undefined)), ...this.#translationSessions];
  }

  /** The translation session of a connection (by index), for inspecting its state. */
  translationSession(index: number): MockTranslationSession | undefined {
    return this.#translationSessions.find((session) => session.connection === index);
  }

  /** The session of a connection (by index), for inspecting its state. */
  session(index: number): MockSession | undefined {
    return this.#sessions[index];
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
    let ws: typeof import('ws');
    try {
      ws = await import('ws');
    } catch (cause) {
      throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'MockRealtimeServer needs the `ws` package: npm install --save-dev ws', { cause });
    }
    const http = await import('node:http');
    const WebSocketServerClass = ws.WebSocketServer ?? (ws as unknown as { default: typeof import('ws') }).default.WebSocketServer;
    const maxFrameBytes = this.#options.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
    this.#wss = new WebSocketServerClass({
      noServer: true,
      maxPayload: maxFrameBytes * 2,
      perMessageDeflate: false,
      handleProtocols: (protocols: Set<string>) => (protocols.has('realtime') ? 'realtime' : false),
    });
    const server = http.createServer((request, response) => {
      if (this.#sip.handle(request, response) || this.#webrtc.handle(request, response)) return;
      const body = JSON.stringify({
        error: apiError('The Realtime API is a WebSocket endpoint: connect with an Upgrade request.', null),
      });
      response.writeHead(request.url?.startsWith(REALTIME_PATH) ? 426 : 404, { 'Content-Type': 'application/json' });
      response.end(body);
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.#onUpgrade(request, socket, head);
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    this.#http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    this.#address = { url: `ws://127.0.0.1:${port}${REALTIME_PATH}`, apiBaseUrl: `http://127.0.0.1:${port}/v1`, port };
    // Warm the default clip so the first reply does not wait on the file system; a failure
    // shows up on the first reply that needs it.
    void this.#audio.load(this.#options.defaultReply?.audio ?? DEFAULT_REPLY_CLIP).catch(() => undefined);
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
    for (const socket of this.#pendingUpgrades) socket.destroy();
    this.#pendingUpgrades.clear();
    this.#webrtc.close();
    this.#sip.close();
    for (const session of this.#uniqueSessions()) session.drop(1006);
    for (const socket of this.#sockets) socket.terminate();
    this.#sockets.clear();
    const wss = this.#wss;
    const http = this.#http;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (http) {
      (http as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
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
    if (!isUsableCloseCode(code)) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `dropConnections: ${code} is not a close code a server may send; use 1006 (terminate), 1000-1003, 1007-1014 or 3000-4999.`,
      );
    }
    let dropped = 0;
    for (const session of this.#uniqueSessions()) {
      if (session.closed) continue;
      session.drop(code, reason);
      dropped += 1;
    }
    return dropped;
  }

  /** Expires every open session now (`session_expired`, then close 1001). Returns how many. */
  expireSessions(): number {
    let expired = 0;
    for (const session of this.#uniqueSessions()) {
      if (session.closed) continue;
      session.expire();
      expired += 1;
    }
    return expired;
  }

  /**
   * Sends a server event of your own (e.g. a `rate_limits.updated` or an `error`) to one
   * connection or to all open ones. `event_id` is filled in when missing.
   *
   * @returns How many connections it was sent to.
   */
  send(event: WireEvent, target: { connection?: number } = {}): number {
    let sent = 0;
    for (const session of this.#uniqueSessions()) {
      if (target.connection !== undefined && session.connection !== target.connection) continue;
      if (session.send(event)) sent += 1;
    }
    return sent;
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
    request: {
      url?: string;
      model?: string;
      callId?: string;
      apiKey?: string;
      headers?: Record<string, string | string[] | undefined>;
      /** Session fields over the server's `sessionDefaults` (an ephemeral key's, a multipart offer's). */
      session?: MockSessionDefaults;
    } = {},
  ): MockSession {
    const info = this.#register(link.kind, { ...request, url: request.url ?? REALTIME_PATH, model: request.model ?? DEFAULT_MODEL });
    return this.#createSession(info.index, link, info, request.session);
  }

  /** Registers a connection made over another transport (a WebRTC call) and returns its info. */
  #register(kind: MockSessionLink['kind'], request: { url: string; model: string; callId?: string; apiKey?: string; headers?: Record<string, string | string[] | undefined> }): MockConnectionInfo {
    const info: MockConnectionInfo = {
      index: this.#connections.length,
      kind,
      url: request.url,
      model: request.model,
      authVia: 'none',
      protocol: '',
      headers: request.headers ?? {},
      sessionId: '',
      open: true,
      openedAt: this.#clock.now(),
      ...(request.callId === undefined ? {} : { callId: request.callId }),
      ...(request.apiKey === undefined ? {} : { apiKey: request.apiKey }),
    };
    this.#connections.push(info);
    return info;
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
      expireAfterMs: this.#options.expireAfterMs ?? DEFAULT_EXPIRE_AFTER_MS,
      maxFrameBytes: this.#options.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES,
      onClosed: () => {
        if (!info.open) return;
        info.open = false;
        info.closedAt = this.#clock.now();
      },
    });
    info.sessionId = translation.session.id;
    this.#translationSessions.push(translation);
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
      audioPace: options.audioPace ?? 'realtime',
      outputChunkMs: options.outputChunkMs ?? DEFAULT_OUTPUT_CHUNK_MS,
      expireAfterMs: scenarioExpiry ?? options.expireAfterMs ?? DEFAULT_EXPIRE_AFTER_MS,
      turns: this.#cursor,
      audio: this.#audio,
      defaultReply: options.defaultReply ?? { audio: DEFAULT_REPLY_CLIP },
      userTranscript: options.userTranscript ?? '(speech)',
      maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES,
      maxBufferedBytes: MAX_BUFFERED_BYTES,
      maxInputBufferMs: MAX_INPUT_BUFFER_MS,
      maxRetainedAudioMs: MAX_RETAINED_AUDIO_MS,
      yieldToEventLoop: resolveNodeYield(this.#clock),
      onClosed: () => {
        if (!info.open) return;
        info.open = false;
        info.closedAt = this.#clock.now();
      },
    });
    info.sessionId = session.session.id;
    this.#sessions[index] = session;
    session.start();
    return session;
  }

  async #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.#pendingUpgrades.add(socket);
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      if (![REALTIME_PATH, `${REALTIME_PATH}/`, TRANSLATION_PATH, `${TRANSLATION_PATH}/`].includes(url.pathname)) {
        httpReject(socket, 404, 'Not Found', {
          error: apiError(`Unknown path ${url.pathname}; the Realtime endpoint is ${REALTIME_PATH}.`, null),
        });
        return;
      }
      const protocols = protocolsOf(request);
      const header = request.headers.authorization;
      const bearer = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
      const fromProtocol = protocols.find((protocol) => protocol.startsWith(INSECURE_KEY_PROTOCOL))?.slice(INSECURE_KEY_PROTOCOL.length);
      const apiKey = bearer ?? fromProtocol;
      const authVia: MockConnectionInfo['authVia'] = bearer !== undefined ? 'header' : fromProtocol !== undefined ? 'subprotocol' : 'none';

      const accepted = await this.#checkKey(apiKey);
      if (this.#stopping || socket.destroyed) {
        socket.destroy();
        return;
      }
      const rejectWith = this.#options.auth?.rejectWith ?? 'http';
      if (!accepted && rejectWith === 'http') {
        httpReject(socket, 401, 'Unauthorized', {
          error: {
            message: apiKey === undefined ? "You didn't provide an API key." : `Incorrect API key provided: ${redact(apiKey)}.`,
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        });
        return;
      }
      const maxConnections = this.#options.maxConnections ?? Number.POSITIVE_INFINITY;
      if (this.openConnections >= maxConnections) {
        httpReject(socket, 429, 'Too Many Requests', {
          error: apiError(`Too many concurrent sessions (the mock allows ${maxConnections}).`, 'rate_limit_exceeded'),
        });
        return;
      }
      const wss = this.#wss!;
      wss.handleUpgrade(request, socket, head, (ws) => {
        this.#pendingUpgrades.delete(socket);
        if (this.#stopping) {
          ws.terminate();
          return;
        }
        this.#accept(ws, request, url, { apiKey, authVia, accepted, rejectWith });
      });
    } catch {
      socket.destroy();
    } finally {
      this.#pendingUpgrades.delete(socket);
    }
  }

  async #checkKey(key: string | undefined): Promise<boolean> {
    // An ephemeral key this server minted is valid until it expires, whatever `auth` says.
    if (key?.startsWith('ek_') && this.#webrtc.clientSecret(key) !== undefined) return true;
    const expected = this.#options.auth?.apiKey;
    if (expected === undefined) return true;
    if (typeof expected === 'function') {
      try {
        return (await expected(key)) === true;
      } catch {
        return false;
      }
    }
    if (key === undefined) return false;
    return typeof expected === 'string' ? key === expected : expected.includes(key);
  }

  #accept(
    ws: WebSocket,
    request: IncomingMessage,
    url: URL,
    auth: { apiKey: string | undefined; authVia: MockConnectionInfo['authVia']; accepted: boolean; rejectWith: MockAuthOptions['rejectWith'] },
  ): void {
    this.#sockets.add(ws);
    const callId = url.searchParams.get('call_id') ?? undefined;
    const index = this.#connections.length;
    const info: MockConnectionInfo = {
      index,
      kind: callId === undefined ? 'websocket' : 'sideband',
      url: `${url.pathname}${url.search}`,
      model: url.searchParams.get('model') ?? DEFAULT_MODEL,
      authVia: auth.authVia,
      protocol: ws.protocol,
      headers: { ...request.headers },
      sessionId: '',
      open: true,
      openedAt: this.#clock.now(),
    };
    if (callId !== undefined) info.callId = callId;
    if (auth.apiKey !== undefined) info.apiKey = auth.apiKey;
    this.#connections.push(info);
    const link: MockSessionLink = {
      kind: info.kind,
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
      close: (code, reason) => {
        info.closeCode ??= code;
        info.closeReason ??= reason;
        if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
      },
      terminate: () => {
        info.closeCode ??= 1006;
        info.closeReason ??= '';
        ws.terminate();
      },
      bufferedAmount: () => ws.bufferedAmount,
    };

    ws.on('error', () => {
      // A protocol error (bad frame, oversized payload) is followed by 'close'; nothing to add.
    });
    let sidebandOf: MockSession | undefined;
    ws.on('close', (code: number, reason: Buffer) => {
      this.#sockets.delete(ws);
      info.closeCode ??= code;
      info.closeReason ??= reason.toString('utf8');
      const session = this.#sessions[index];
      // A sideband leaving does not end the call it joined.
      if (session && session !== sidebandOf) session.handleClose();
      else {
        info.open = false;
        info.closedAt = this.#clock.now();
      }
    });

    if (!auth.accepted) {
      // rejectWith: { closeCode }: the upgrade succeeded, the session never starts.
      const close = typeof auth.rejectWith === 'object' ? auth.rejectWith : {};
      const event: WireEvent = {
        type: 'error',
        event_id: this.#newId('event'),
        error: {
          type: 'invalid_request_error',
          code: 'invalid_api_key',
          message: auth.apiKey === undefined ? "You didn't provide an API key." : `Incorrect API key provided: ${redact(auth.apiKey)}.`,
          param: null,
          event_id: null,
        },
      };
      ws.send(JSON.stringify(event));
      this.log.recordSent(index, event);
      ws.close(close.closeCode ?? 4003, close.reason ?? 'authentication failed');
      return;
    }

    if (speaksBeta(request.headers['openai-beta'], protocolsOf(request))) {
      // The beta interface was switched off upstream in 2026: the API accepts the upgrade, says
      // so in an error event and closes with 4000.
      const event: WireEvent = { type: 'error', event_id: this.#newId('event'), error: { ...mockErrors.betaShapeDisabled(), event_id: null } };
      ws.send(JSON.stringify(event));
      this.log.recordSent(index, event);
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
      let call: MockWebRtcCall | MockSipCall | undefined;
      const adopt = (session: MockSession | undefined): void => {
        if (!session || sidebandOf === session) return;
        sidebandOf = session;
        info.sessionId = session.session.id;
        this.#sessions[index] = session;
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
          info.open = false;
          info.closedAt = this.#clock.now();
        });
        ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
          const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
          if (isBinary) joined.receiveFromSideband(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), true);
          else joined.receiveFromSideband(bytes.toString('utf8'));
        });
        return;
      }
    }
    const secret = this.#webrtc.clientSecret(auth.apiKey);
    const session = this.#createSession(index, link, info, secret?.session);
    onFrames(ws, (data, isBinary) => session.receive(data, isBinary));
  }
}

/** The subprotocols a client offered. */
function protocolsOf(request: IncomingMessage): string[] {
  return String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** Whether a client asks for the retired beta interface: `OpenAI-Beta: realtime=v1` or the `openai-beta.realtime-v1` subprotocol. */
function speaksBeta(header: string | string[] | undefined, protocols: readonly string[]): boolean {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.some((value) => /(^|[\s,])realtime=v1\b/.test(value)) || protocols.includes('openai-beta.realtime-v1');
}

/** Feeds a socket's frames to a session: text as a string, binary frames as bytes. */
function onFrames(ws: WebSocket, receive: (data: string | Uint8Array, isBinary: boolean) => void): void {
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) receive(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), true);
    else receive(bytes.toString('utf8'), false);
  });
}

/** The `error` body of an HTTP answer, as the API words it. */
function apiError(message: string, code: string | null): Record<string, unknown> {
  return { message, type: 'invalid_request_error', param: null, code };
}

function redact(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}****${key.slice(-4)}`;
}
