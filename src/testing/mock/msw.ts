/**
 * Mock Service Worker (msw 2) support: `realtimeHandlers(scenario, { ws })` answers the Realtime
 * WebSocket inside msw, with the same mock session the loopback `MockRealtimeServer` runs, so an
 * app whose tests already use msw intercepts voxwire's connection without starting a server.
 *
 * msw intercepts only the *global* `WebSocket` class. Two things follow:
 * - Point the client at it: in Node the SDK prefers the `ws` package (it can send headers), which
 *   msw cannot see. Pass `createWebSocket: createGlobalWebSocket` to the `WebSocketTransport`.
 * - Node 20 has no global `WebSocket` (Node 22 does), and msw can only patch one that exists
 *   when `server.listen()` runs: call `await ensureGlobalWebSocket()` first (it installs the `ws`
 *   package's class), or run Node 20 with `--experimental-websocket`.
 *
 * msw is not a dependency of voxwire: pass its `ws` namespace in (`import { ws } from 'msw'`),
 * so importing `voxwire/testing` never requires msw.
 */

import { DEFAULT_REALTIME_URL } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import type { CreateWebSocket, WebSocketLike } from '../../transport/websocket';
import { MockRealtimeServer } from './server';
import type { MockRealtimeServerOptions } from './server-options';
import type { MockSession } from './session';
import type { MockSessionLink } from './session-link';
import type { Scenario } from '../script/scenario';

/** A `message` event (with `data`) or a `close` event (with `code` and `reason`) of an msw client. */
export interface MswWebSocketClientEvent {
  /** What the app sent (`message`). */
  data?: unknown;
  /** The close code (`close`). */
  code?: number;
  /** The close reason (`close`). */
  reason?: string;
}

/** The client side of an msw WebSocket connection, as far as the handlers use it. */
export interface MswWebSocketClient {
  /** The URL the app connected to. */
  readonly url: URL;
  /** Sends a message to the app. */
  send(data: string): void;
  /** Closes the app's socket with this code (any code, 1006 included). */
  close(code?: number, reason?: string): void;
  /** Listens to what the app sends (`data`), and to the socket closing (`code`, `reason`). */
  addEventListener(type: 'message' | 'close', listener: (event: MswWebSocketClientEvent) => void): void;
}

/** One intercepted connection, as msw's `connection` listener receives it. */
export interface MswWebSocketConnection {
  /** The app's side. */
  client: MswWebSocketClient;
  /** About the connection. */
  info?: {
    /** The subprotocols the app offered (`realtime`, `openai-insecure-api-key.<key>`). */
    protocols?: string | string[] | undefined;
  };
}

/**
 * What voxwire needs of msw's `ws` namespace: `ws.link(url).addEventListener('connection', ...)`.
 * Pass `ws` from `import { ws } from 'msw'`; `Handler` is msw's `WebSocketHandler`.
 */
export interface MswWebSocketApi<Handler> {
  /** Creates a link for a WebSocket URL (a string with wildcards, or a RegExp). */
  link(url: string | RegExp): {
    /** Registers the connection listener and returns the handler to give msw. */
    addEventListener(event: 'connection', listener: (connection: MswWebSocketConnection) => void): Handler;
  };
}

/** Options of {@link realtimeHandlers}: msw's `ws`, the URL, and the mock server's options. */
export interface RealtimeHandlersOptions<Handler> extends Omit<MockRealtimeServerOptions, 'scenario' | 'port' | 'auth' | 'maxConnections' | 'maxFrameBytes' | 'webrtc'> {
  /** msw's `ws` namespace: `import { ws } from 'msw'`. */
  ws: MswWebSocketApi<Handler>;
  /**
   * The WebSocket URL to intercept: the Realtime API, your relay's URL, or a RegExp. A query
   * string (`?model=...`) in the app's URL does not matter.
   * @default 'wss://api.openai.com/v1/realtime'
   */
  url?: string | RegExp;
  /**
   * Pace of reply audio. Unlike the loopback server's default, as fast as possible: app tests
   * rarely want to wait for speech in real time.
   * @default 'instant'
   */
  audioPace?: MockRealtimeServerOptions['audioPace'];
}

/**
 * msw handlers for the Realtime endpoint, with the mock behind them (`handlers.mock`: the
 * recorded log, `waitFor`, `dropConnections`, `expireSessions`, `connections`, ...).
 */
export interface RealtimeHandlers<Handler> extends Array<Handler> {
  /**
   * The mock Realtime server answering the intercepted connections. It never listens on a port
   * (its `url` stays undefined); everything else works as on loopback. Call `mock.stop()` after
   * the tests to end open sessions and timers.
   */
  readonly mock: MockRealtimeServer;
}

const INSECURE_KEY_PROTOCOL = 'openai-insecure-api-key.';

/**
 * Creates msw handlers that answer the Realtime WebSocket with voxwire's mock session: the same
 * protocol, scenario DSL, recorded log and assertions as `MockRealtimeServer`, inside msw.
 *
 * @param scenario - The scripted conversation (see `createScenario`), or undefined for the
 *   default assistant.
 * @param options - msw's `ws` (required), the `url` to intercept, and mock server options.
 * @returns The handlers to spread into `setupServer(...)` / `setupWorker(...)`, with `.mock`.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` without `options.ws`, or for invalid
 *   scenario or server options.
 *
 * @example
 * ```ts
 * import { ws } from 'msw';
 * import { setupServer } from 'msw/node';
 * import { RealtimeClient, WebSocketTransport } from 'voxwire';
 * import { createGlobalWebSocket, createScenario, ensureGlobalWebSocket, realtimeHandlers } from 'voxwire/testing';
 *
 * const realtime = realtimeHandlers(createScenario().turn((t) => t.says('Hello!')).build(), { ws });
 * const server = setupServer(...realtime);
 * beforeAll(async () => {
 *   await ensureGlobalWebSocket(); // Node 20 only: msw patches the global WebSocket
 *   server.listen();
 * });
 * afterAll(async () => {
 *   server.close();
 *   await realtime.mock.stop();
 * });
 *
 * it('greets', async () => {
 *   const client = new RealtimeClient({
 *     transport: new WebSocketTransport({ apiKey: 'test-key', createWebSocket: createGlobalWebSocket }),
 *   });
 *   await client.connect();
 *   client.sendText('Hi');
 *   await realtime.mock.waitFor('response.done');
 * });
 * ```
 */
export function realtimeHandlers<Handler>(scenario: Scenario | undefined, options: RealtimeHandlersOptions<Handler>): RealtimeHandlers<Handler> {
  const ws = options?.ws;
  if (typeof ws?.link !== 'function') {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      "realtimeHandlers: pass msw's ws namespace as options.ws (import { ws } from 'msw'); voxwire does not import msw itself.",
    );
  }
  const { ws: _ws, url = DEFAULT_REALTIME_URL, ...serverOptions } = options;
  const mock = new MockRealtimeServer({
    ...serverOptions,
    audioPace: options.audioPace ?? 'instant',
    ...(scenario === undefined ? {} : { scenario }),
  });
  const handler = ws.link(url).addEventListener('connection', (connection) => attachConnection(mock, connection));
  return Object.assign([handler], { mock });
}

/** Runs one mock session behind an intercepted connection. */
function attachConnection(mock: MockRealtimeServer, { client, info }: MswWebSocketConnection): void {
  const protocols = info?.protocols === undefined ? [] : Array.isArray(info.protocols) ? info.protocols : [info.protocols];
  const apiKey = protocols.find((protocol) => protocol.startsWith(INSECURE_KEY_PROTOCOL))?.slice(INSECURE_KEY_PROTOCOL.length);
  let session: MockSession | undefined;
  const closeInfo = (code: number, reason: string): void => {
    const connection = session === undefined ? undefined : mock.connections[session.connection];
    if (connection === undefined) return;
    connection.closeCode ??= code;
    connection.closeReason ??= reason;
  };
  // msw delivers a sent message in a microtask and drops it if the socket is closing by then, so
  // a close right after a send (an `error` event, then the close) would lose the event. Closing
  // in a later microtask keeps the order a real socket has.
  const link: MockSessionLink = {
    kind: 'websocket',
    send: (text) => client.send(text),
    close: (code, reason) => {
      closeInfo(code, reason);
      queueMicrotask(() => client.close(code, reason));
    },
    terminate: () => {
      // msw closes the app's socket with any code: 1006 is what a network failure looks like.
      closeInfo(1006, '');
      queueMicrotask(() => client.close(1006, ''));
    },
    bufferedAmount: () => 0,
  };
  const request: Parameters<MockRealtimeServer['attach']>[1] = {
    url: `${client.url.pathname}${client.url.search}`,
    headers: { 'sec-websocket-protocol': protocols.join(', ') },
  };
  const model = client.url.searchParams.get('model');
  if (model !== null) request.model = model;
  if (apiKey !== undefined) request.apiKey = apiKey;
  session = mock.attach(link, request);
  const connection = mock.connections[session.connection];
  if (connection) {
    connection.authVia = apiKey === undefined ? 'none' : 'subprotocol';
    connection.protocol = protocols.includes('realtime') ? 'realtime' : '';
  }
  const attached = session;
  // Frames are handled in order even when a binary one must be read asynchronously (a Blob).
  let pending: Promise<void> = Promise.resolve();
  client.addEventListener('message', (event) => {
    const data: unknown = event.data;
    if (typeof data === 'string') {
      pending = pending.then(() => attached.receive(data));
    } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      pending = pending.then(() => attached.receive(bytes, true));
    } else if (typeof Blob !== 'undefined' && data instanceof Blob) {
      pending = pending.then(async () => attached.receive(new Uint8Array(await data.arrayBuffer()), true));
    }
  });
  client.addEventListener('close', (event) => {
    closeInfo(typeof event.code === 'number' ? event.code : 1005, typeof event.reason === 'string' ? event.reason : '');
    attached.handleClose();
  });
}

/**
 * A `createWebSocket` for `WebSocketTransport` that opens the socket with the global
 * `WebSocket` class, looked up on every connect (msw patches it in `listen()`). The key goes in
 * the `openai-insecure-api-key.` subprotocol, as in a browser.
 *
 * @throws {RealtimeError} `VOXWIRE_NO_WEBSOCKET` when there is no global `WebSocket` (Node 20:
 *   call {@link ensureGlobalWebSocket} before msw's `listen()`).
 *
 * @example
 * ```ts
 * new WebSocketTransport({ apiKey: 'test-key', createWebSocket: createGlobalWebSocket });
 * ```
 */
export const createGlobalWebSocket: CreateWebSocket = (url, { protocols }) => {
  const Global = (globalThis as { WebSocket?: new (url: string, protocols: string[]) => WebSocketLike }).WebSocket;
  if (typeof Global !== 'function') {
    throw new RealtimeError(
      'VOXWIRE_NO_WEBSOCKET',
      'createGlobalWebSocket: there is no global WebSocket. On Node 20 call `await ensureGlobalWebSocket()` before msw\'s server.listen(), or run Node with --experimental-websocket.',
    );
  }
  return new Global(url, protocols);
};

/**
 * Makes sure a global `WebSocket` class exists, so msw has one to patch: on Node 20 it installs
 * the `ws` package's `WebSocket` (connections msw handles never use it; ones it passes through
 * do, with the usual `ws` behaviour). Call it before msw's `server.listen()`.
 *
 * @returns `'native'` when a global WebSocket already existed (browsers, Node 22+, Deno, Bun,
 *   Node 20 with `--experimental-websocket`), `'ws'` when it installed the `ws` package's.
 * @throws {RealtimeError} `VOXWIRE_NO_WEBSOCKET` when there is none and `ws` is not installed.
 */
export async function ensureGlobalWebSocket(): Promise<'native' | 'ws'> {
  const scope = globalThis as { WebSocket?: unknown };
  if (typeof scope.WebSocket === 'function') return 'native';
  let WebSocketClass: unknown;
  try {
    const moduleName = 'ws';
    const module = (await import(/* webpackIgnore: true */ /* @vite-ignore */ moduleName)) as { WebSocket?: unknown; default?: { WebSocket?: unknown } };
    WebSocketClass = module.WebSocket ?? module.default?.WebSocket;
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'ensureGlobalWebSocket: no global WebSocket and the `ws` package is not installed (npm install --save-dev ws).', { cause });
  }
  if (typeof WebSocketClass !== 'function') {
    throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'ensureGlobalWebSocket: the `ws` package has no WebSocket export.');
  }
  // Configurable and writable, as a platform global is: msw replaces it and puts it back.
  Object.defineProperty(globalThis, 'WebSocket', { value: WebSocketClass, configurable: true, writable: true, enumerable: false });
  return 'ws';
}
