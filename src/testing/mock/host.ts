/**
 * The mock's transport layer, free of any protocol: an HTTP server and a WebSocket endpoint on
 * 127.0.0.1, the API key a client presents (bearer header or `openai-insecure-api-key.<key>`
 * subprotocol), upgrades admitted or refused by the protocol's own rules, sockets tracked so
 * `stop()` leaves nothing running, and a socket turned into the {@link MockSessionLink} a
 * session talks through. `MockRealtimeServer` mounts the Realtime API on it; a mock of another
 * voice protocol mounts its own routes and sessions on the same host.
 *
 * Node only: `ws` and `node:http` are imported when the host starts.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Clock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';
import type { MockSessionLink, MockTransportKind } from './session-link';

/** How a client presented its API key. */
export interface MockCredentials {
  /** The key, from `Authorization: Bearer <key>` or the `openai-insecure-api-key.<key>` subprotocol. */
  apiKey: string | undefined;
  /** Where the key came from. */
  authVia: 'header' | 'subprotocol' | 'none';
}

/** An upgrade turned away with an HTTP answer (a JSON body). */
export interface MockHttpRefusal {
  /** The HTTP status. */
  status: number;
  /** Its reason phrase. */
  statusText: string;
  /** The JSON body. */
  body: unknown;
}

/** What a protocol mounted on a {@link MockHost} does with requests. */
export interface MockHostRoutes<Admission> {
  /** Answers a plain HTTP request (every request that is not an upgrade). */
  request(request: IncomingMessage, response: ServerResponse): void;
  /**
   * Decides on an upgrade: refuse it with an HTTP answer, or admit it with what
   * {@link MockHostRoutes.connection} needs later (checked keys, the session's settings).
   */
  admit(request: IncomingMessage, url: URL, credentials: MockCredentials): Promise<{ refuse: MockHttpRefusal } | { admit: Admission }>;
  /** A WebSocket the host accepted after `admit`. */
  connection(ws: WebSocket, request: IncomingMessage, url: URL, credentials: MockCredentials, admission: Admission): void;
}

/** Options of {@link MockHost}. */
export interface MockHostOptions {
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  /** Largest WebSocket frame `ws` reads before it closes the connection with 1009. */
  maxPayload: number;
  /** The subprotocol to select among those the client offered, or `false` for none. */
  selectProtocol(protocols: Set<string>): string | false;
  /** What the host is called in its errors (`MockRealtimeServer`). */
  name: string;
}

const INSECURE_KEY_PROTOCOL = 'openai-insecure-api-key.';

/**
 * An HTTP + WebSocket listener on loopback for a mock server. Start it once, stop it once;
 * after `stop()` upgrades still in flight are destroyed and accepted sockets terminated.
 */
export class MockHost<Admission> {
  readonly #options: MockHostOptions;
  readonly #routes: MockHostRoutes<Admission>;
  readonly #sockets = new Set<WebSocket>();
  readonly #pendingUpgrades = new Set<Duplex>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #stopping = false;

  constructor(options: MockHostOptions, routes: MockHostRoutes<Admission>) {
    this.#options = options;
    this.#routes = routes;
  }

  /** True once `stop()` was called. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * Listens on 127.0.0.1 and resolves with the port.
   *
   * @throws {RealtimeError} `VOXWIRE_NO_WEBSOCKET` when the `ws` package is not installed.
   */
  async start(): Promise<number> {
    let ws: typeof import('ws');
    try {
      ws = await import('ws');
    } catch (cause) {
      throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', `${this.#options.name} needs the \`ws\` package: npm install --save-dev ws`, { cause });
    }
    const http = await import('node:http');
    const WebSocketServerClass = ws.WebSocketServer ?? (ws as unknown as { default: typeof import('ws') }).default.WebSocketServer;
    this.#wss = new WebSocketServerClass({
      noServer: true,
      maxPayload: this.#options.maxPayload,
      perMessageDeflate: false,
      handleProtocols: (protocols: Set<string>) => this.#options.selectProtocol(protocols),
    });
    const server = http.createServer((request, response) => this.#routes.request(request, response));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.#onUpgrade(request, socket, head);
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    this.#http = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /**
   * Marks the host stopping: upgrades that finish from now on are destroyed. Call it first,
   * close the sessions, then {@link MockHost.close}.
   */
  beginStop(): void {
    this.#stopping = true;
    for (const socket of this.#pendingUpgrades) socket.destroy();
    this.#pendingUpgrades.clear();
  }

  /** Terminates every socket still open and closes the listener. */
  async close(): Promise<void> {
    this.beginStop();
    for (const socket of this.#sockets) socket.terminate();
    this.#sockets.clear();
    const wss = this.#wss;
    const http = this.#http;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (http) {
      (http as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  }

  async #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.#pendingUpgrades.add(socket);
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const credentials = credentialsOf(request);
      const decision = await this.#routes.admit(request, url, credentials);
      if (this.#stopping || socket.destroyed) {
        socket.destroy();
        return;
      }
      if ('refuse' in decision) {
        httpRefuse(socket, decision.refuse);
        return;
      }
      this.#wss!.handleUpgrade(request, socket, head, (ws) => {
        this.#pendingUpgrades.delete(socket);
        if (this.#stopping) {
          ws.terminate();
          return;
        }
        this.#sockets.add(ws);
        ws.on('close', () => this.#sockets.delete(ws));
        this.#routes.connection(ws, request, url, credentials, decision.admit);
      });
    } catch {
      socket.destroy();
    } finally {
      this.#pendingUpgrades.delete(socket);
    }
  }
}

/** The API key a client presented, and how. */
export function credentialsOf(request: IncomingMessage): MockCredentials {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' && /^Bearer\s+/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
  const fromProtocol = protocolsOf(request)
    .find((protocol) => protocol.startsWith(INSECURE_KEY_PROTOCOL))
    ?.slice(INSECURE_KEY_PROTOCOL.length);
  return {
    apiKey: bearer ?? fromProtocol,
    authVia: bearer !== undefined ? 'header' : fromProtocol !== undefined ? 'subprotocol' : 'none',
  };
}

/**
 * Whether a presented key is accepted: without `accepted` every key (or none) is; a list
 * accepts its members; a function decides (a throw or a non-`true` answer refuses).
 */
export async function acceptsKey(
  accepted: string | readonly string[] | ((key: string | undefined) => boolean | Promise<boolean>) | undefined,
  key: string | undefined,
): Promise<boolean> {
  if (accepted === undefined) return true;
  if (typeof accepted === 'function') {
    try {
      return (await accepted(key)) === true;
    } catch {
      return false;
    }
  }
  if (key === undefined) return false;
  return typeof accepted === 'string' ? key === accepted : accepted.includes(key);
}

/** The subprotocols a client offered. */
export function protocolsOf(request: IncomingMessage): string[] {
  return String(request.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((protocol) => protocol.trim())
    .filter((protocol) => protocol !== '');
}

/** Feeds a socket's frames to a session: text as a string, binary frames as bytes. */
export function onFrames(ws: WebSocket, receive: (data: string | Uint8Array, isBinary: boolean) => void): void {
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (isBinary) receive(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), true);
    else receive(bytes.toString('utf8'), false);
  });
}

/**
 * The link a session talks through over a WebSocket. The first close code and reason (the
 * session's own, or 1006 on terminate) are written to `closed`.
 */
export function webSocketLink(ws: WebSocket, kind: MockTransportKind, closed: { closeCode?: number; closeReason?: string }): MockSessionLink {
  return {
    kind,
    send: (text) => {
      if (ws.readyState === ws.OPEN) ws.send(text);
    },
    close: (code, reason) => {
      closed.closeCode ??= code;
      closed.closeReason ??= reason;
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
    terminate: () => {
      closed.closeCode ??= 1006;
      closed.closeReason ??= '';
      ws.terminate();
    },
    bufferedAmount: () => ws.bufferedAmount,
  };
}

/**
 * How a session yields to the event loop between chunks in Node: `setImmediate`, or a 0 ms
 * timer of the clock where there is none.
 */
export function nodeYield(clock: Clock): (callback: () => void) => () => void {
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

/** Answers an upgrade with an HTTP status and a JSON body, then closes the socket. */
function httpRefuse(socket: Duplex, refusal: MockHttpRefusal): void {
  const text = JSON.stringify(refusal.body);
  try {
    socket.end(
      `HTTP/1.1 ${refusal.status} ${refusal.statusText}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  } catch {
    // The client already went away.
  }
  socket.destroy();
}
