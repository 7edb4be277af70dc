/**
 * The relay's Node adapter: `ws` and `node:http` around the runtime-agnostic {@link RelayCore}.
 * It authenticates before the upgrade (refusals are plain HTTP answers: no socket), connects
 * upstream with the server's key in the `Authorization` header (never sent to the browser),
 * then upgrades the client and hands both sockets to the core.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_RELAY_DRAIN_SIGNALS, DEFAULT_RELAY_PATH, DEFAULT_RELAY_PING_INTERVAL_MS } from '../../base/defaults';
import type { Clock } from '../../base/clock';
import { RealtimeError, messageOf } from '../../base/errors';
import { RelayCore, type RelayTicket } from '../core/relay-core';
import type { RelayCoreOptions, RelayIdentity } from '../core/relay-options';
import type { RelaySession } from '../core/relay-session';
import type { Upstream, UpstreamConnection, UpstreamSocketFactory } from '../upstream';
import { checkRelayUpstream, createRelayUpstream } from '../relay-upstream';
import { connectionInfoOf, loadFetchApi, toWebRequest } from './node-request';
import { WsRelaySocket } from './ws-socket';
import { wsUpstream } from './ws-upstream';
import type { CreateRelayOptions, RelayAddress, RelayCloseOptions, RelayListenOptions } from './create-relay-options';
import { HTTP_TEXT, isWebSocketHandshake, pathOf, writeHttp } from './upgrade-http';
import { drainOnSignals } from './shutdown-signals';

interface WsModule {
  WebSocket: typeof WebSocket;
  WebSocketServer: typeof WebSocketServer;
}



/** Where a client socket keeps its session, from the upgrade on (see {@link clientSocketClass}). */
const SESSION = Symbol('voxwire.session');
type ClientSocket = WebSocket & { [SESSION]?: RelaySession<RelayIdentity> | undefined };

/**
 * The class `ws` makes the relay's client sockets with (its `WebSocket` option): `ws`'s own,
 * with a slot for the socket's session, so the relay's shared listeners find the session in
 * the socket itself (one property read per frame, in the object: no map lookup, no property
 * array added later). A `ws` older than 8.5 ignores the option; the slot is then added to each
 * socket as it opens, which works the same.
 */
function clientSocketClass(Base: typeof WebSocket): typeof WebSocket {
  return class RelayClientSocket extends Base {
    [SESSION]: RelaySession<RelayIdentity> | undefined = undefined;
  };
}

/** The only subprotocol the relay selects. */
const REALTIME_SUBPROTOCOL = 'realtime';
/** Time clients get to answer the close handshake after a drain before they are cut off. */
const CLOSE_HANDSHAKE_GRACE_MS = 2000;

async function loadWs(): Promise<WsModule> {
  let module: WsModule & { default?: WsModule };
  try {
    module = (await import('ws')) as unknown as WsModule & { default?: WsModule };
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'voxwire/server/node needs the `ws` package: npm install ws', { cause });
  }
  return module.WebSocketServer !== undefined ? module : (module.default as WsModule);
}

function reasonText(reason: Buffer): string {
  return reason.toString('utf8');
}

/** A heartbeat on the relay's clock: `tick` every `intervalMs` until stopped. */
function startInterval(clock: Clock, intervalMs: number, tick: () => void): () => void {
  let handle: unknown;
  let stopped = false;
  const schedule = (): void => {
    handle = clock.setTimeout(() => {
      if (stopped) return;
      tick();
      schedule();
    }, intervalMs);
    // A Node timer must not keep the process alive for a heartbeat.
    (handle as { unref?: () => void } | undefined)?.unref?.();
  };
  schedule();
  return () => {
    stopped = true;
    clock.clearTimeout(handle);
  };
}

/**
 * The Node relay: a {@link RelayCore} with `ws` sockets. Create it with {@link createRelay}.
 * Its events, metrics, `endSession`, `endUserSessions` and `observe` are the core's.
 */
export class NodeRelay<Identity extends RelayIdentity = RelayIdentity> extends RelayCore<Identity> {
  /** The path upgrades are served on by default. */
  readonly path: string;

  readonly #pingIntervalMs: number;
  readonly #maxClientPayload: number;
  readonly #wsReady: Promise<WebSocketServer>;
  readonly #upstream: Upstream<Identity>;
  /** Open client sockets (each holds its session: {@link clientSocketClass}). */
  readonly #clients = new Set<WebSocket>();
  /** Clients pinged by the heartbeat that have not answered yet. */
  readonly #unanswered = new Set<WebSocket>();
  /**
   * The client sockets' `message`, `pong`, `error` and `close` listeners: one function each for
   * the whole relay (`ws` calls them with the socket as `this`, which holds its session), not
   * closures per session.
   */
  readonly #clientListeners: {
    message: (this: ClientSocket, data: RawData) => void;
    pong: (this: ClientSocket) => void;
    error: (this: ClientSocket, error: Error) => void;
    close: (this: ClientSocket, code: number, reason: Buffer) => void;
  };
  readonly #pendingUpgrades = new Set<Duplex>();
  readonly #attached: Array<{ server: Server; listener: (...args: never[]) => void }> = [];
  readonly #coreStarted: Promise<void>;
  #ownServer: Server | undefined;
  #stopHeartbeat: (() => void) | undefined;
  #closing: Promise<void> | undefined;
  readonly #signals: readonly NodeJS.Signals[];
  #stopSignals: (() => void) | undefined;

  constructor(options: CreateRelayOptions<Identity>) {
    const model = checkRelayUpstream('createRelay()', typeof options === 'object' && options !== null ? options : {});
    super({ ...options, model });
    // The `ws` class arrives with the lazy import; no dial happens before it (upgrades await wsReady).
    let createSocket: UpstreamSocketFactory | undefined;
    this.#upstream = createRelayUpstream(options.upstream, {
      model,
      translation: Boolean(options.translation),
      live: options.live !== undefined,
      createSocket: (socketUrl, init, handlers) => (createSocket as UpstreamSocketFactory)(socketUrl, init, handlers),
      clock: this.settings.clock,
    });
    this.path = options.path ?? DEFAULT_RELAY_PATH;
    this.#pingIntervalMs = options.pingIntervalMs ?? DEFAULT_RELAY_PING_INTERVAL_MS;
    this.#signals = options.drainOnSignals === false ? [] : (options.drainOnSignals ?? DEFAULT_RELAY_DRAIN_SIGNALS);
    // Frames up to twice the cap get an `error` event from the core; beyond that ws closes 1009.
    this.#maxClientPayload = this.settings.maxClientFrameBytes * 2;
    this.#wsReady = loadWs().then((module) => {
      createSocket = wsUpstream(module.WebSocket);
      // `authenticate` gets a Web `Request`: its implementation loads before the first upgrade.
      loadFetchApi();
      return new module.WebSocketServer({
        noServer: true,
        perMessageDeflate: false,
        maxPayload: this.#maxClientPayload,
        clientTracking: false,
        WebSocket: clientSocketClass(module.WebSocket),
        // `realtime` or nothing: never echo `openai-insecure-api-key.<key>` back in the 101.
        handleProtocols: (protocols) => (protocols.has(REALTIME_SUBPROTOCOL) ? REALTIME_SUBPROTOCOL : false),
      });
    });
    this.#wsReady.catch(() => undefined);
    const clients = this.#clients;
    const unanswered = this.#unanswered;
    const logger = this.settings.logger;
    // The session guards itself: a relay bug in a frame costs that session, never the process.
    this.#clientListeners = {
      message(this: ClientSocket, data: RawData) {
        this[SESSION]?.handleClientFrame(data as Buffer);
      },
      pong(this: ClientSocket) {
        unanswered.delete(this);
      },
      error(this: ClientSocket, error: Error) {
        logger.debug('relay: client socket error', { sessionId: this[SESSION]?.id, error: error.message });
      },
      close(this: ClientSocket, code: number, reason: Buffer) {
        const session = this[SESSION];
        this[SESSION] = undefined;
        clients.delete(this);
        unanswered.delete(this);
        session?.handleClientClose(code, reasonText(reason));
      },
    };
    this.#coreStarted = this.start().catch((error: unknown) => {
      this.settings.logger.error('relay: subscribing to the session bus failed; remote session control is off', { error: messageOf(error) });
    });
  }

  /**
   * Serves the relay on an existing HTTP server's upgrades at `path`. Upgrades on other paths
   * are left to the server's other `upgrade` listeners (or refused with 404 when there are
   * none).
   */
  attach(server: Server, options: { path?: string } = {}): void {
    const path = options.path ?? this.path;
    const listener = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (pathOf(request.url) !== path) {
        if (server.listenerCount('upgrade') <= 1) writeHttp(socket, 404, 'not found');
        return;
      }
      void this.handleUpgrade(request, socket, head);
    };
    server.on('upgrade', listener);
    this.#attached.push({ server, listener: listener as (...args: never[]) => void });
    this.#startHeartbeat();
    if (this.#stopSignals === undefined && this.#signals.length > 0 && this.#closing === undefined) {
      this.#stopSignals = drainOnSignals(this.#signals, { close: () => this.close(), hurry: () => void this.drain({ drainMs: 0 }) });
    }
  }

  /**
   * Listens on its own HTTP server. Port 0 picks a free port. Besides upgrades at `path`, the
   * server answers the health path and (when set) the metrics path.
   *
   * @example
   * ```ts
   * const { url } = await relay.listen(8080);
   * ```
   */
  async listen(port = 0, options: RelayListenOptions = {}): Promise<RelayAddress> {
    if (this.#ownServer !== undefined) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'relay.listen(): the relay is already listening.');
    await this.#wsReady;
    // A server tool that cannot be declared fails here, before anyone connects.
    await this.ready();
    const healthPath = options.healthPath === undefined ? '/healthz' : options.healthPath;
    const metricsPath = options.metricsPath ?? null;
    const server = createServer((request, response) => {
      const path = pathOf(request.url);
      if (healthPath !== null && path === healthPath) {
        const health = this.health();
        response.writeHead(health.status, health.headers).end(health.body);
        return;
      }
      if (metricsPath !== null && path === metricsPath) {
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(this.metrics.render());
        return;
      }
      response.writeHead(path === this.path ? 426 : 404, HTTP_TEXT).end(path === this.path ? 'WebSocket upgrade required' : 'not found');
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    this.#ownServer = server;
    this.attach(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address !== null ? address.port : port;
    const host = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return { port: actualPort, url: `ws://${shownHost}:${actualPort}${this.path}` };
  }

  /**
   * Handles one upgrade request, for frameworks that expose the raw upgrade (`request`,
   * `socket`, `head`). Authenticates before upgrading: a refusal is an HTTP answer and no
   * socket.
   */
  async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // A client that resets while we authenticate must not crash the process.
    const onSocketError = (): void => undefined;
    socket.on('error', onSocketError);
    this.#pendingUpgrades.add(socket);
    try {
      await this.#upgrade(request, socket, head);
    } catch (error) {
      this.settings.logger.error('relay: an upgrade failed', { error: messageOf(error) });
      writeHttp(socket, 500, 'relay error');
    } finally {
      this.#pendingUpgrades.delete(socket);
      socket.off('error', onSocketError);
    }
  }

  /**
   * Graceful shutdown: the core's {@link RelayCore.drain} (stops accepting, health check 503,
   * tells every client with `voxwire.session.ending`, lets sessions finish for up to `drainMs`,
   * closes the rest with 4000, stores final charges), then closes its own HTTP server (an
   * attached one is the caller's). Safe to call more than once; a later call with a shorter
   * `drainMs` hastens the drain under way. A `drainOnSignals` signal calls it.
   */
  close(options: RelayCloseOptions = {}): Promise<void> {
    if (this.#closing === undefined) this.#closing = this.#shutdown(options);
    else if (options.drainMs !== undefined) void this.drain({ drainMs: options.drainMs });
    return this.#closing;
  }

  async #shutdown(options: RelayCloseOptions): Promise<void> {
    await this.drain(options.drainMs === undefined ? {} : { drainMs: options.drainMs });
    this.#stopSignals?.();
    this.#stopSignals = undefined;
    for (const socket of this.#pendingUpgrades) socket.destroy();
    this.#pendingUpgrades.clear();
    this.#stopHeartbeat?.();
    this.#stopHeartbeat = undefined;
    await this.#waitForClientsToClose();
    for (const { server, listener } of this.#attached) server.off('upgrade', listener as (...args: unknown[]) => void);
    this.#attached.length = 0;
    await this.#coreStarted;
    await this.stop();
    const server = this.#ownServer;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  async #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const wss = await this.#wsReady;
    // A request ws would refuse is refused before anything is spent on it (no auth, no upstream).
    if (!isWebSocketHandshake(request)) {
      writeHttp(socket, 400, 'bad WebSocket handshake');
      return;
    }
    const admission = await this.admit(toWebRequest(request), connectionInfoOf(request));
    if (admission.status === 'rejected') {
      writeHttp(socket, admission.httpStatus, admission.body, admission.headers);
      return;
    }
    if (socket.destroyed) {
      if (admission.status === 'accepted') this.abandon(admission.ticket);
      return;
    }
    if (admission.status === 'refused') {
      wss.handleUpgrade(request, socket, head, (client) => this.refuse(admission, new WsRelaySocket(client)));
      return;
    }

    const { ticket } = admission;
    let upstream: UpstreamConnection;
    try {
      upstream = await this.#upstream.dial(ticket.identity);
    } catch (error) {
      this.abandon(ticket);
      const timedOut = error instanceof RealtimeError && error.code === 'VOXWIRE_TIMEOUT';
      this.metrics.recordConnectionRejected('upstream', timedOut ? 504 : 502);
      this.settings.logger.warn('relay: the upstream connection failed; the client got an HTTP error', { sessionId: ticket.sessionId, error: messageOf(error) });
      writeHttp(socket, timedOut ? 504 : 502, timedOut ? 'upstream timed out' : 'upstream unavailable');
      return;
    }
    if (socket.destroyed) {
      upstream.socket.terminate();
      this.abandon(ticket);
      return;
    }
    const onClose = (): void => {
      upstream.socket.terminate();
      this.abandon(ticket);
    };
    socket.once('close', onClose);
    wss.handleUpgrade(request, socket, head, (client) => {
      // The session owns the socket from here; the listener would keep this request's closures alive.
      socket.off('close', onClose);
      this.#wire(ticket, client, upstream);
    });
  }

  #wire(ticket: RelayTicket<Identity>, client: WebSocket, upstream: UpstreamConnection): void {
    const session: RelaySession<Identity> = this.open(ticket, new WsRelaySocket(client), upstream.socket);
    (client as ClientSocket)[SESSION] = session;
    this.#clients.add(client);
    const listeners = this.#clientListeners;
    client.on('message', listeners.message);
    client.on('pong', listeners.pong);
    client.on('error', listeners.error);
    client.on('close', listeners.close);
    // Bound methods, not closures: no context object per session.
    upstream.handOver(session.handleUpstreamFrame.bind(session), session.handleUpstreamClose.bind(session));
  }

  #startHeartbeat(): void {
    if (this.#stopHeartbeat !== undefined || !Number.isFinite(this.#pingIntervalMs)) return;
    this.#stopHeartbeat = startInterval(this.settings.clock, this.#pingIntervalMs, () => {
      for (const client of this.#clients) {
        if (this.#unanswered.has(client)) {
          client.terminate();
          continue;
        }
        this.#unanswered.add(client);
        client.ping();
      }
    });
  }

  async #waitForClientsToClose(): Promise<void> {
    if (this.#clients.size === 0) return;
    const deadline = Date.now() + CLOSE_HANDSHAKE_GRACE_MS;
    while (this.#clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const client of this.#clients) client.terminate();
    this.#clients.clear();
    this.#unanswered.clear();
  }
}

/**
 * Creates the Node relay: authenticate before the upgrade, the server's key only upstream,
 * the operator's policy, limits, budgets and metrics on every session.
 *
 * @example
 * ```ts
 * import { createRelay } from 'voxwire/server/node';
 *
 * const relay = createRelay({
 *   upstream: { apiKey: process.env.OPENAI_API_KEY!, model: 'gpt-realtime-2.1' },
 *   authenticate: async (request) => {
 *     const user = await sessions.verify(new URL(request.url).searchParams.get('token'));
 *     return user ? { userId: user.id, plan: user.plan } : null; // null → 401, no socket
 *   },
 *   origins: ['https://app.example.com'],
 *   policy: { session: { instructions: 'You are a helpful concierge.' }, voices: ['marin', 'cedar'], maxOutputTokens: 1024 },
 *   limits: { maxDurationMs: 10 * 60_000, maxSessionsPerUser: 2 },
 *   budget: { dailyLimit: 30 * 60 }, // 30 minutes of audio per user per day
 * });
 * const { url } = await relay.listen(8080); // SIGTERM drains it (drainOnSignals), then the process exits
 * ```
 */
export function createRelay<Identity extends RelayIdentity = RelayIdentity>(options: CreateRelayOptions<Identity>): NodeRelay<Identity> {
  return new NodeRelay<Identity>(options);
}
