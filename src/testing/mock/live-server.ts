/**
 * `MockLiveServer`: a stand-in for OpenAI's GPT-Live API (`/v1/live/sessions`) on loopback, for
 * tests and offline development. WebSocket sessions as the API runs them (bearer key, no query,
 * `session.start` first, unknown session fields refused with `unknown_parameter`), sideband
 * attachment (`/v1/live/sessions/{id}/attach`), one {@link MockLiveSession} per session playing
 * the same {@link Scenario} format as `MockRealtimeServer`, and the same recorded log.
 *
 * Node only: `ws` and `node:http` are imported when the server starts.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { parseLiveClientEvent } from '../../events/live/parse';
import type { LiveClientEvent, LiveClientEventMap, LiveClientEventType } from '../../events/live/client-events';
import type { LiveServerEventMap, LiveServerEventType } from '../../events/live/server-events';
import type { LiveSessionConfig } from '../../events/live/session';
import { EventLog } from '../recording/event-log';
import type { EventMatcher, LogEntry, LogQuery, ReceivedEntry, SentEntry, WaitForOptions, WireEvent } from '../recording/event-log';
import { defineScenario } from '../script/scenario';
import type { Scenario, ScenarioReply } from '../script/scenario';
import { ScenarioCursor } from '../script/scenario-cursor';
import { paceSpeed } from './audio-pace';
import { checkLiveSessionConfig } from '../../events/live/parse';
import type { MockSessionLink } from './session-link';
import { MockWebRTCCall, loadWerift } from './webrtc-call';
import type { WeriftModule } from './webrtc-call';
import { loadOpusCodecFactory } from './webrtc-opus';
import type { OpusCodecFactory } from './webrtc-opus';
import type { AudioPace } from './audio-pace';
import { createIdFactory } from './ids';
import type { MockIdPrefix } from './ids';
import { MockLiveSession } from './live-session';
import { DEFAULT_REPLY_CLIP, FixtureReplyAudio } from './reply-audio';

/** Options of {@link MockLiveServer}. Every field is optional. */
export interface MockLiveServerOptions {
  /** The scripted conversation (the `MockRealtimeServer` format; see `live-session.ts` for how turns map onto Live). */
  scenario?: Scenario;
  /**
   * Pace of reply audio: `'realtime'`, a speed-up factor, or `'instant'`.
   * @default 'realtime'
   */
  audioPace?: AudioPace;
  /**
   * Duration of each `session.output_audio.delta`, in ms.
   * @default 100
   */
  outputChunkMs?: number;
  /**
   * The accepted key(s); without it every connection is accepted. A refused upgrade gets HTTP
   * 401 with an `invalid_api_key` body, as the API answers.
   * @default undefined (any key, or none)
   */
  apiKey?: string | readonly string[];
  /**
   * What the speaker does when the energy VAD hears the user while it talks: `'yield'` stops
   * (the model's own barge-in), `'ignore'` keeps talking (full duplex without yielding).
   * @default 'yield'
   */
  bargeIn?: 'yield' | 'ignore';
  /**
   * A session ends with `session.closed` reason `expired` this long after it started.
   * @default 3_600_000
   */
  expireAfterMs?: number;
  /**
   * Interval of `session.usage.updated` events (cumulative seconds).
   * @default 15_000
   */
  usageIntervalMs?: number;
  /**
   * What the model says when no scenario turn says otherwise.
   * @default { audio: 'reply-greeting' }
   */
  defaultReply?: ScenarioReply;
  /**
   * The input transcript heard when the scenario turn gives none.
   * @default '(speech)'
   */
  userTranscript?: string;
  /** Where the fixture clips are. @default the directory `loadFixtureAudio` finds */
  fixturesDir?: string;
  /** Timers and timestamps. @default the system clock */
  clock?: Clock;
  /** Random source for ids, in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Port on 127.0.0.1.
   * @default 0 (a free port)
   */
  port?: number;
  /** The recorded log: keep base64 audio. @default false */
  keepAudio?: boolean;
}

/** Where the server listens, once started. */
export interface MockLiveServerAddress {
  /** The WebSocket URL, `ws://127.0.0.1:<port>/v1/live/sessions`. */
  url: string;
  /** The REST base, `http://127.0.0.1:<port>/v1` (the `openai` client's `baseURL`). */
  apiBaseUrl: string;
  /** The port. */
  port: number;
}

/** A connection as the server saw it. */
export interface MockLiveConnectionInfo {
  /** Position in the log's `connection` numbering, from 0. */
  index: number;
  /** `primary` (a `/v1/live/sessions` WebSocket), `webrtc` (a `POST /v1/live/sessions` call) or `sideband` (`/{id}/attach`). */
  kind: 'primary' | 'webrtc' | 'sideband';
  /** The session it belongs to, once known. */
  sessionId: string;
  /** The key presented. */
  apiKey?: string;
  /** Whether it is open. */
  open: boolean;
  /** The close code. */
  closeCode?: number;
}

/** A session and the WebSockets (primary and sidebands) that receive its events. */
interface SessionEntry {
  session: MockLiveSession;
  sockets: Map<WebSocket, number>;
}

const LIVE_PATH = '/v1/live/sessions';
const ATTACH_PATH = /^\/v1\/live\/sessions\/(live_[A-Za-z0-9_-]+)\/attach$/;
const DEFAULT_OUTPUT_CHUNK_MS = 100;
const DEFAULT_EXPIRE_AFTER_MS = 60 * 60 * 1000;
const DEFAULT_USAGE_INTERVAL_MS = 15_000;

function httpReject(socket: Duplex, status: number, statusText: string, error: Record<string, unknown>): void {
  const text = JSON.stringify({ error: { type: 'invalid_request_error', param: null, ...error } });
  try {
    socket.end(`HTTP/1.1 ${status} ${statusText}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  } catch {
    // The client already went away.
  }
  socket.destroy();
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
  readonly #options: MockLiveServerOptions;
  readonly #clock: Clock;
  readonly #newId: (prefix: MockIdPrefix) => string;
  readonly #cursor: ScenarioCursor;
  readonly #audio: FixtureReplyAudio;
  readonly #connections: MockLiveConnectionInfo[] = [];
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #calls = new Set<MockWebRTCCall>();
  #modules: Promise<{ werift: WeriftModule; codecs: OpusCodecFactory }> | undefined;
  readonly #sockets = new Set<WebSocket>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #address: MockLiveServerAddress | undefined;
  #starting: Promise<MockLiveServerAddress> | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: MockLiveServerOptions = {}) {
    if (options.audioPace !== undefined) paceSpeed(options.audioPace);
    for (const name of ['outputChunkMs', 'expireAfterMs', 'usageIntervalMs'] as const) {
      const value = options[name];
      if (value !== undefined && !(typeof value === 'number' && value > 0)) {
        throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MockLiveServer: ${name} must be a number > 0, got ${JSON.stringify(value)}.`);
      }
    }
    if (options.scenario !== undefined) defineScenario(options.scenario);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#newId = createIdFactory(options.random);
    this.#cursor = new ScenarioCursor(options.scenario);
    this.#audio = new FixtureReplyAudio(options.fixturesDir);
    this.log = new EventLog({ clock: this.#clock, ...(options.keepAudio === undefined ? {} : { keepAudio: options.keepAudio }) });
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
    let ws: typeof import('ws');
    try {
      ws = await import('ws');
    } catch (cause) {
      throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'MockLiveServer needs the `ws` package: npm install --save-dev ws', { cause });
    }
    const http = await import('node:http');
    const WebSocketServerClass = ws.WebSocketServer ?? (ws as unknown as { default: typeof import('ws') }).default.WebSocketServer;
    this.#wss = new WebSocketServerClass({ noServer: true, maxPayload: DEFAULT_MAX_CLIENT_FRAME_BYTES * 2, perMessageDeflate: false });
    const server = http.createServer((request, response) => {
      if (request.method === 'POST' && request.url === LIVE_PATH) {
        void this.#createWebRTC(request, response);
        return;
      }
      response.writeHead(request.url?.startsWith(LIVE_PATH) ? 426 : 404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'invalid_request_error', code: null, param: null, message: 'Live WebSocket sessions need an Upgrade request.' } }));
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.#onUpgrade(request, socket, head));
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
    this.#address = { url: `ws://127.0.0.1:${port}${LIVE_PATH}`, apiBaseUrl: `http://127.0.0.1:${port}/v1`, port };
    void this.#audio.load(this.#options.defaultReply?.audio ?? DEFAULT_REPLY_CLIP).catch(() => undefined);
    return this.#address;
  }

  /**
   * `POST /v1/live/sessions` `{ session, transport: { type: 'webrtc', sdp } }`, as a server
   * forwards a browser's offer: answered 201 `{ session: { id }, transport: { type, sdp } }`;
   * the session starts with the request (no `session.start` on the data channel).
   */
  async #createWebRTC(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const fail = (status: number, code: string, message: string, param: string | null = null): void => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'invalid_request_error', code, message, param } }));
    };
    const header = request.headers.authorization;
    const key = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
    if (!this.#checkKey(key)) return fail(401, 'invalid_api_key', 'Incorrect API key provided.');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: { session?: unknown; transport?: { type?: unknown; sdp?: unknown }; [field: string]: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return fail(400, 'invalid_json', 'The request body is not valid JSON.');
    }
    const extra = Object.keys(body).find((field) => field !== 'session' && field !== 'transport');
    if (extra !== undefined) return fail(400, 'unknown_parameter', `Unknown parameter: '${extra}'.`, extra);
    if (body.transport?.type !== 'webrtc' || typeof body.transport.sdp !== 'string') return fail(400, 'missing_required_parameter', "Missing required parameter: 'transport.sdp'.", 'transport.sdp');
    const problem = checkLiveSessionConfig(body.session);
    if (problem !== undefined) {
      const unknown = /^unknown field/.test(problem.message);
      return fail(400, unknown ? 'unknown_parameter' : 'invalid_value', unknown ? `Unknown parameter: 'session.${problem.path}'.` : problem.message, `session.${problem.path}`);
    }
    const config = body.session as LiveSessionConfig;
    if (config.audio?.format !== undefined) return fail(400, 'invalid_value', 'WebRTC negotiates its audio format: omit session.audio.format.', 'session.audio.format');
    let modules: { werift: WeriftModule; codecs: OpusCodecFactory };
    try {
      this.#modules ??= Promise.all([loadWerift(), loadOpusCodecFactory()]).then(([werift, codecs]) => ({ werift, codecs }));
      modules = await this.#modules;
    } catch (error) {
      this.#modules = undefined;
      return fail(501, 'not_implemented', error instanceof Error ? error.message : String(error));
    }
    const index = this.#connections.length;
    const info: MockLiveConnectionInfo = { index, kind: 'webrtc', sessionId: '', open: true, ...(key === undefined ? {} : { apiKey: key }) };
    let created: MockLiveSession | undefined;
    // The id is in the answer, before the data channel opens and the session starts.
    const sessionId = `live_${this.#newId('sess').slice(5)}`;
    this.#connections.push(info);
    try {
      const { call, answer } = await MockWebRTCCall.answer(
        {
          callId: `rtc_${this.#newId('call').slice(5)}`,
          werift: modules.werift,
          codecs: modules.codecs,
          clock: this.#clock,
          random: this.#options.random ?? Math.random,
          setupTimeoutMs: 30_000,
          attach: (link) => {
            const session = this.#open(index, { link, config, id: sessionId }).session;
            created = session;
            return session;
          },
          onEnded: () => {
            info.open = false;
            this.#calls.delete(call);
          },
        },
        body.transport.sdp,
      );
      this.#calls.add(call);
      info.sessionId = created?.id ?? sessionId;
      response.writeHead(201, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ session: { id: sessionId }, transport: { type: 'webrtc', sdp: answer } }));
    } catch (error) {
      fail(400, 'invalid_offer', error instanceof Error ? error.message : String(error), 'transport.sdp');
    }
  }

  /**
   * A new session: over WebSocket (its sockets, sidebands included, get every event), or over a
   * WebRTC call (events on the data channel, audio on the track; sidebands as well).
   */
  #open(index: number, call?: { link: MockSessionLink; config: LiveSessionConfig; id: string }): SessionEntry {
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
      this.#sessionSettings(call?.config, call?.id),
    );
    const entry = { session, sockets };
    this.#sessions.set(session.id, entry);
    return entry;
  }

  #checkKey(key: string | undefined): boolean {
    const accepted = this.#options.apiKey;
    if (accepted === undefined) return true;
    return key !== undefined && (typeof accepted === 'string' ? key === accepted : accepted.includes(key));
  }

  #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const attach = ATTACH_PATH.exec(url.pathname);
    if (url.pathname !== LIVE_PATH && attach === null) return httpReject(socket, 404, 'Not Found', { code: 'not_found', message: `No Live endpoint at ${url.pathname}.` });
    if (url.pathname === LIVE_PATH && url.search !== '') {
      return httpReject(socket, 400, 'Bad Request', { code: 'unknown_parameter', message: 'The Live WebSocket takes no query parameters: put the model in session.start.', param: url.searchParams.keys().next().value ?? null });
    }
    const header = request.headers.authorization;
    const key = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
    if (!this.#checkKey(key)) {
      return httpReject(socket, 401, 'Unauthorized', { code: 'invalid_api_key', message: key === undefined ? "You didn't provide an API key." : 'Incorrect API key provided.' });
    }
    const sessionId = attach?.[1];
    if (sessionId !== undefined && !this.#sessions.has(sessionId)) {
      return httpReject(socket, 404, 'Not Found', { code: 'session_not_found', message: `Live session ${sessionId} does not exist or has ended.`, param: 'session_id' });
    }
    this.#wss!.handleUpgrade(request, socket, head, (client) => this.#accept(client, key, sessionId));
  }

  #accept(socket: WebSocket, key: string | undefined, attachTo: string | undefined): void {
    this.#sockets.add(socket);
    const index = this.#connections.length;
    const info: MockLiveConnectionInfo = { index, kind: attachTo === undefined ? 'primary' : 'sideband', sessionId: attachTo ?? '', open: true, ...(key === undefined ? {} : { apiKey: key }) };
    this.#connections.push(info);
    const entry = attachTo === undefined ? this.#open(index) : this.#sessions.get(attachTo)!;
    info.sessionId = entry.session.id;
    entry.sockets.set(socket, index);
    const session = entry.session;
    socket.on('message', (data: Buffer, isBinary: boolean) => entry.session.receive(isBinary ? new Uint8Array(data) : data.toString('utf8'), isBinary, attachTo !== undefined, index));
    socket.on('close', (code: number) => {
      info.open = false;
      info.closeCode = code;
      this.#sockets.delete(socket);
      entry.sockets.delete(socket);
      // The primary connection went away without session.close: the session ends.
      if (attachTo === undefined && !session.closed) session.dispose();
    });
    socket.on('error', () => undefined);
  }

  #sessionSettings(startedWith?: LiveSessionConfig, id?: string): ConstructorParameters<typeof MockLiveSession>[2] {
    const options = this.#options;
    return {
      clock: this.#clock,
      cursor: this.#cursor,
      audio: this.#audio,
      speed: paceSpeed(options.audioPace ?? 'realtime'),
      outputChunkMs: options.outputChunkMs ?? DEFAULT_OUTPUT_CHUNK_MS,
      expireAfterMs: options.expireAfterMs ?? DEFAULT_EXPIRE_AFTER_MS,
      usageIntervalMs: options.usageIntervalMs ?? DEFAULT_USAGE_INTERVAL_MS,
      bargeIn: options.bargeIn ?? 'yield',
      userTranscript: options.userTranscript ?? '(speech)',
      defaultReply: options.defaultReply ?? { audio: DEFAULT_REPLY_CLIP },
      ...(startedWith === undefined ? {} : { startedWith }),
      ...(id === undefined ? {} : { id }),
    };
  }

  #send(socket: WebSocket, connection: number, event: WireEvent): void {
    if (socket.readyState !== 1) return;
    this.log.recordSent(connection, event);
    socket.send(JSON.stringify(event));
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
    for (const call of this.#calls) call.kill();
    this.#calls.clear();
    for (const { session } of this.#sessions.values()) session.dispose();
    for (const socket of this.#sockets) socket.terminate();
    this.#sockets.clear();
    const wss = this.#wss;
    const http = this.#http;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (http) {
      (http as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    this.log.rejectWaiters('MockLiveServer stopped');
  }
}
