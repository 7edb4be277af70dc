/**
 * `MockLiveServer`: a stand-in for OpenAI's GPT-Live API (`/v1/live/sessions`) on loopback, for
 * tests and offline development. WebSocket sessions as the API runs them (bearer key, no query,
 * `session.start` first, unknown session fields refused with `unknown_parameter`), sideband
 * attachment (`/v1/live/sessions/{id}/attach`), forks of stored sessions over WebSocket
 * (`/v1/live/sessions/{id}/fork`), WebRTC sessions (`POST /v1/live/sessions`), one
 * {@link MockLiveSession} per session playing the same {@link Scenario} format as
 * `MockRealtimeServer`, and the same recorded log.
 *
 * It is mounted on the same {@link MockHost} as `MockRealtimeServer` (HTTP and WebSocket on
 * 127.0.0.1, port 0, upgrades admitted or refused, every socket closed on stop); only Live's
 * routes and sessions are its own.
 *
 * Node only: `ws` and `node:http` are imported when the server starts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebSocket } from 'ws';
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import type { LiveClientEventMap, LiveClientEventType } from '../../events/live/client-events';
import type { LiveServerEventMap, LiveServerEventType } from '../../events/live/server-events';
import type { LiveSessionConfig } from '../../events/live/session';
import { EventLog } from '../recording/event-log';
import type { EventMatcher, LogEntry, LogQuery, ReceivedEntry, SentEntry, WaitForOptions, WireEvent } from '../recording/event-log';
import { checkDropCode } from '../script/scenario';
import type { Scenario } from '../script/scenario';
import { ScenarioCursor } from '../script/scenario-cursor';
import { MockHost, acceptsKey, onFrames } from './host';
import type { MockCredentials, MockHttpRefusal } from './host';
import { createIdFactory } from './ids';
import type { MockIdPrefix } from './ids';
import { checkLiveServerOptions, resolveLiveSettings } from './live-server-options';
import type { LiveSharedSettings, MockLiveConnectionInfo, MockLiveServerAddress, MockLiveServerOptions } from './live-server-options';
import { forkUnavailable } from './live-config';
import { MockLiveSession } from './live-session';
import { MockLiveSipEndpoint } from './live-sip';
import { LiveWebRTCEndpoint } from './live-webrtc';
import { DEFAULT_REPLY_CLIP, FixtureReplyAudio } from './reply-audio';
import type { MockSessionLink } from './session-link';

export type { MockLiveConnectionInfo, MockLiveServerAddress, MockLiveServerOptions } from './live-server-options';

/** A session and the WebSockets (primary and sidebands) that receive its events. */
interface SessionEntry {
  session: MockLiveSession;
  sockets: Map<WebSocket, number>;
}

/** What an admitted upgrade carries to the connection: the key, the session a sideband attaches to or a fork inherits from. */
interface LiveAdmission {
  key: string | undefined;
  attachTo: string | undefined;
  forkOf: string | undefined;
}

const LIVE_PATH = '/v1/live/sessions';
const ATTACH_PATH = /^\/v1\/live\/sessions\/(live_[A-Za-z0-9_-]+)\/attach$/;
const FORK_PATH = /^\/v1\/live\/sessions\/(live_[A-Za-z0-9_-]+)\/fork$/;

/** An upgrade refused with the API's error body. */
function refusal(status: number, statusText: string, error: Record<string, unknown>): { refuse: MockHttpRefusal } {
  return { refuse: { status, statusText, body: { error: { type: 'invalid_request_error', param: null, ...error } } } };
}

/** The Live API reads the key from the `Authorization: Bearer` header only. */
function bearerKey(credentials: MockCredentials): string | undefined {
  return credentials.authVia === 'header' ? credentials.apiKey : undefined;
}

/**
 * A mock GPT-Live server on 127.0.0.1.
 *
 * @example
 * ```ts
 * import { MockLiveServer, createScenario } from 'voxwire/testing';
 *
 * const server = new MockLiveServer({
 *   audioPace: 'instant',
 *   scenario: createScenario()
 *     .turn((t) => t.hears('Where is order 4417?').calls('lookup_order', { order: '4417' }))
 *     .turn((t) => t.says('It shipped yesterday.'))
 *     .build(),
 * });
 * const { url } = await server.start();
 * // ... connect, send session.start, stream audio ...
 * await server.waitFor('session.delegation.created');
 * await server.stop();
 * ```
 */
export class MockLiveServer {
  /** The recorded log of every event received and sent. */
  readonly log: EventLog;
  /** The SIP side: `sip.placeCall()` posts a signed `live.transport.incoming` webhook; `/accept` starts the call's session. */
  readonly sip: MockLiveSipEndpoint;
  readonly #options: MockLiveServerOptions;
  readonly #settings: LiveSharedSettings;
  readonly #clock: Clock;
  readonly #newId: (prefix: MockIdPrefix) => string;
  readonly #cursor: ScenarioCursor;
  readonly #audio: FixtureReplyAudio;
  readonly #connections: MockLiveConnectionInfo[] = [];
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #host: MockHost<LiveAdmission>;
  readonly #webrtc: LiveWebRTCEndpoint;
  #address: MockLiveServerAddress | undefined;
  #starting: Promise<MockLiveServerAddress> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: MockLiveServerOptions = {}) {
    checkLiveServerOptions(options);
    this.#options = options;
    this.#settings = resolveLiveSettings(options);
    this.#clock = options.clock ?? systemClock;
    this.#newId = createIdFactory(options.random);
    this.#cursor = new ScenarioCursor(options.scenario);
    this.#audio = new FixtureReplyAudio(options.fixturesDir);
    this.log = new EventLog({ clock: this.#clock, ...(options.keepAudio === undefined ? {} : { keepAudio: options.keepAudio }) });
    this.#host = new MockHost<LiveAdmission>(
      {
        port: options.port ?? 0,
        maxPayload: DEFAULT_MAX_CLIENT_FRAME_BYTES * 2,
        // As `ws` does without a choice of its own: the first subprotocol offered, if any.
        selectProtocol: (protocols) => protocols.values().next().value ?? false,
        name: 'MockLiveServer',
      },
      {
        request: (request, response) => this.#onRequest(request, response),
        admit: (_request, url, credentials) => this.#admit(url, credentials),
        connection: (ws, _request, _url, _credentials, admission) => this.#accept(ws, admission),
      },
    );
    this.#webrtc = new LiveWebRTCEndpoint({
      clock: this.#clock,
      random: options.random ?? Math.random,
      newId: this.#newId,
      acceptsKey: (key) => acceptsKey(options.apiKey, key),
      register: (info) => this.#register(info),
      open: (index, call) => this.#open(index, call).session,
    });
    this.sip = new MockLiveSipEndpoint({
      clock: this.#clock,
      checkKey: (key) => acceptsKey(options.apiKey, key),
      open: (link, config, id) => this.#open(this.#register({ kind: 'sip', sessionId: id, open: true }).index, { link, config, id }).session,
      toSidebands: (sessionId, event) => {
        for (const [socket, connection] of this.#sessions.get(sessionId)?.sockets ?? []) this.#send(socket, connection, { event_id: this.#newId('event'), ...event });
      },
    });
  }

  /** The WebSocket URL once started. */
  get url(): string | undefined {
    return this.#address?.url;
  }

  /** Every connection accepted so far. */
  get connections(): readonly MockLiveConnectionInfo[] {
    return this.#connections;
  }

  /** Every session so far, by id. */
  get sessions(): MockLiveSession[] {
    return [...this.#sessions.values()].map((entry) => entry.session);
  }

  /** The session of a connection (by its log index). */
  session(index: number): MockLiveSession | undefined {
    const id = this.#connections[index]?.sessionId;
    return id === undefined ? undefined : this.#sessions.get(id)?.session;
  }

  /** How far the scenario has got. */
  get scenarioProgress(): {
    /** Turns played. */
    used: number;
    /** Turns left. */
    remaining: number;
  } {
    return { used: this.#cursor.used, remaining: this.#cursor.remaining };
  }

  /** Starts listening on 127.0.0.1; resolves with the address. */
  start(): Promise<MockLiveServerAddress> {
    if (this.#stopping) return Promise.reject(new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'MockLiveServer: start() after stop(); create a new server.'));
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<MockLiveServerAddress> {
    const port = await this.#host.start();
    this.#address = { url: `ws://127.0.0.1:${port}${LIVE_PATH}`, apiBaseUrl: `http://127.0.0.1:${port}/v1`, port };
    void this.#audio.load(this.#settings.defaultReply.audio ?? DEFAULT_REPLY_CLIP).catch(() => undefined);
    return this.#address;
  }

  /** Plain HTTP: `POST /v1/live/sessions` creates a WebRTC session; anything else is told to upgrade (426) or not found. */
  #onRequest(request: IncomingMessage, response: ServerResponse): void {
    if (this.sip.handle(request, response)) return;
    if (request.method === 'POST' && request.url === LIVE_PATH) {
      const header = request.headers.authorization;
      const key = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
      void this.#webrtc.create(request, response, key);
      return;
    }
    response.writeHead(request.url?.startsWith(LIVE_PATH) ? 426 : 404, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ error: { type: 'invalid_request_error', code: null, param: null, message: 'Live WebSocket sessions need an Upgrade request.' } }));
  }

  /** An upgrade, as the Live API decides it: the path, no query, the key, the session a sideband or a fork names. */
  async #admit(url: URL, credentials: MockCredentials): Promise<{ refuse: MockHttpRefusal } | { admit: LiveAdmission }> {
    const attach = ATTACH_PATH.exec(url.pathname);
    const fork = FORK_PATH.exec(url.pathname);
    if (url.pathname !== LIVE_PATH && attach === null && fork === null) return refusal(404, 'Not Found', { code: 'not_found', message: `No Live endpoint at ${url.pathname}.` });
    if (url.pathname === LIVE_PATH && url.search !== '') {
      return refusal(400, 'Bad Request', { code: 'unknown_parameter', message: 'The Live WebSocket takes no query parameters: put the model in session.start.', param: url.searchParams.keys().next().value ?? null });
    }
    const key = bearerKey(credentials);
    if (!(await acceptsKey(this.#options.apiKey, key))) {
      return refusal(401, 'Unauthorized', { code: 'invalid_api_key', message: key === undefined ? "You didn't provide an API key." : 'Incorrect API key provided.' });
    }
    const attachTo = attach?.[1];
    if (attachTo !== undefined && !this.#sessions.has(attachTo)) {
      return refusal(404, 'Not Found', { code: 'session_not_found', message: `Live session ${attachTo} does not exist or has ended.`, param: 'session_id' });
    }
    const forkOf = fork?.[1];
    const unavailable = forkOf === undefined ? undefined : forkUnavailable(forkOf, this.#sessions.get(forkOf)?.session);
    if (unavailable !== undefined) return refusal(404, 'Not Found', { code: 'session_not_found', message: unavailable, param: 'session_id' });
    return { admit: { key, attachTo, forkOf } };
  }

  #register(info: Omit<MockLiveConnectionInfo, 'index'>): MockLiveConnectionInfo {
    const registered: MockLiveConnectionInfo = { index: this.#connections.length, ...info };
    this.#connections.push(registered);
    return registered;
  }

  /**
   * A new session: over WebSocket (its sockets, sidebands included, get every event), or over a
   * WebRTC call (events on the data channel, audio on the track; sidebands as well).
   */
  #open(index: number, call?: { link: MockSessionLink; config: LiveSessionConfig; id: string }, forkOf?: MockLiveSession): SessionEntry {
    const sockets = new Map<WebSocket, number>();
    const link = call?.link;
    const session = new MockLiveSession(
      index,
      {
        send: (event) => {
          if (link !== undefined) {
            this.log.recordSent(index, event);
            link.send(JSON.stringify(event));
          }
          for (const [target, connection] of sockets) this.#send(target, connection, event);
        },
        close: (code, reason) => {
          link?.close(code, reason);
          for (const target of sockets.keys()) target.close(code, reason);
        },
        newId: (prefix) => this.#newId(prefix as MockIdPrefix),
        // A sideband's frames are logged under its own connection.
        record: (event, details, connection) => this.log.recordReceived(connection ?? index, event, details),
        ...(link?.writeOutputAudio === undefined ? {} : { writeOutputAudio: (pcm: Int16Array, rate: number) => link.writeOutputAudio?.(pcm, rate) }),
      },
      {
        ...this.#settings,
        clock: this.#clock,
        cursor: this.#cursor,
        audio: this.#audio,
        ...(call === undefined ? {} : { startedWith: call.config, id: call.id }),
        ...(forkOf?.config === undefined ? {} : { forkOf: { id: forkOf.id, config: forkOf.config } }),
      },
    );
    const entry = { session, sockets };
    this.#sessions.set(session.id, entry);
    return entry;
  }

  #accept(socket: WebSocket, { key, attachTo, forkOf }: LiveAdmission): void {
    const info = this.#register({ kind: attachTo === undefined ? 'primary' : 'sideband', sessionId: attachTo ?? '', open: true, ...(key === undefined ? {} : { apiKey: key }) });
    const index = info.index;
    const entry = attachTo === undefined ? this.#open(index, undefined, forkOf === undefined ? undefined : this.#sessions.get(forkOf)?.session) : this.#sessions.get(attachTo)!;
    info.sessionId = entry.session.id;
    entry.sockets.set(socket, index);
    const session = entry.session;
    onFrames(socket, (data, isBinary) => session.receive(data, isBinary, attachTo !== undefined, index));
    socket.on('close', (code: number) => {
      info.open = false;
      info.closeCode = code;
      entry.sockets.delete(socket);
      // The primary connection went away without session.close: the session ends.
      if (attachTo === undefined && !session.closed) session.dispose();
    });
    socket.on('error', () => undefined);
  }

  #send(socket: WebSocket, connection: number, event: WireEvent): void {
    if (socket.readyState !== 1) return;
    this.log.recordSent(connection, event);
    socket.send(JSON.stringify(event));
  }

  /**
   * Drops every open WebSocket, primary and sideband: code 1006 (default) terminates them
   * without a close frame, as a network failure does; another code closes them with it. A
   * primary connection's session ends as when its client goes away.
   *
   * @returns How many connections were dropped.
   */
  dropConnections(code = 1006, reason = ''): number {
    checkDropCode(code);
    let dropped = 0;
    for (const { sockets } of this.#sessions.values()) {
      for (const socket of sockets.keys()) {
        if (socket.readyState !== 1) continue;
        if (code === 1006) socket.terminate();
        else socket.close(code, reason);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Waits for an event in the log (typed by Live event name). */
  waitFor<Type extends LiveServerEventType>(type: Type, options?: WaitForOptions): Promise<SentEntry<LiveServerEventMap[Type] & WireEvent>>;
  waitFor<Type extends LiveClientEventType>(type: Type, options?: WaitForOptions): Promise<ReceivedEntry<LiveClientEventMap[Type] & WireEvent>>;
  waitFor(matcher: EventMatcher, options?: WaitForOptions): Promise<LogEntry>;
  waitFor(matcher: EventMatcher, options?: WaitForOptions): Promise<LogEntry> {
    return this.log.waitFor(matcher, options);
  }

  /** Entries matching `matcher`. */
  filter(matcher: EventMatcher, query?: LogQuery): LogEntry[] {
    return this.log.filter(matcher, query);
  }

  /** Closes every connection (clients see 1006), stops every timer, closes the listener. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    try {
      await this.#starting;
    } catch {
      // Nothing more to close.
    }
    this.#host.beginStop();
    this.#webrtc.close();
    this.sip.close();
    for (const { session } of this.#sessions.values()) session.dispose();
    await this.#host.close();
    this.log.rejectWaiters('MockLiveServer stopped');
  }
}
