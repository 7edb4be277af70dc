/**
 * Dialing the upstream API, Web-standard: the endpoint URL (`?model=` for the Realtime API,
 * none for GPT-Live's `/v1/live/sessions`, `?call_id=` for a sideband), the handshake headers
 * (a bearer key by default; Azure and compatible servers give their own), the connect timeout
 * on an injected clock, and a socket whose frames and close are queued from the first byte
 * until the session takes them over. The socket itself comes from an injected factory: the
 * Node relay passes one over `ws`, a Deno, Bun or Workers relay passes
 * {@link webSocketUpstream} over the runtime's `WebSocket`. `RelayCore` plus {@link createUpstream}
 * is a relay on any runtime.
 */
import { systemClock, type Clock } from '../base/clock';
import { DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS } from '../base/defaults';
import { RealtimeError, messageOf } from '../base/errors';
import { resolveApiKey, type ApiKeyProvider } from '../transport/transport';
import type { WebSocketLike } from '../transport/websocket';
import type { RelayFrame, RelaySocket } from './core/socket';

/** What an {@link UpstreamSocketFactory} reports about the socket it opened. */
export interface UpstreamSocketHandlers {
  /** The handshake completed. */
  onOpen(): void;
  /** One text frame (a string, or its UTF-8 bytes). */
  onMessage(frame: RelayFrame): void;
  /** The socket closed (after or instead of opening). */
  onClose(code: number, reason: string): void;
  /** The socket failed (before opening: the dial fails; after: informational, a close follows). */
  onError(error: Error): void;
}

/** An upstream socket as a factory returns it: a {@link RelaySocket} that can also be cut off. */
export interface UpstreamSocket extends RelaySocket {
  /** Drops the connection at once, without a close handshake (a dial that timed out). */
  terminate(): void;
}

/** How a factory is asked to open one upstream socket. */
export interface UpstreamSocketInit {
  /** Headers for the handshake (authentication included). */
  headers: Readonly<Record<string, string>>;
  /** Subprotocols to offer. */
  protocols: readonly string[];
}

/**
 * Opens one upstream WebSocket and reports to `handlers` from the start (the upstream speaks
 * first: `session.created` can arrive in the same chunk as the handshake).
 */
export type UpstreamSocketFactory = (url: string, init: UpstreamSocketInit, handlers: UpstreamSocketHandlers) => UpstreamSocket | Promise<UpstreamSocket>;

/**
 * The handshake headers of one upstream connection, authentication included, built for every
 * dial (so a rotated key is picked up). `context` is what the caller dials for (the relay
 * passes the session's identity).
 */
export type UpstreamHeaders<Context = unknown> = (context: Context) => Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;

/**
 * The OpenAI way: `Authorization: Bearer <key>`, the key from a string or a provider called on
 * every dial.
 */
export function bearerAuth(apiKey: ApiKeyProvider): UpstreamHeaders {
  return async () => {
    const key = await resolveApiKey(apiKey);
    if (typeof key !== 'string' || key === '') throw new RealtimeError('VOXWIRE_AUTHENTICATION_FAILED', 'the upstream API key provider returned no key');
    return { Authorization: `Bearer ${key}` };
  };
}

/** Options of {@link createUpstream}. */
export interface UpstreamOptions<Context = unknown> {
  /** The WebSocket endpoint, `ws://` or `wss://` (its query is kept). */
  url: string;
  /**
   * Query parameters added unless the URL already has them: `{ model }` for the Realtime API,
   * `{ call_id }` for a sideband, nothing for GPT-Live. An `undefined` value is skipped.
   * @default {}
   */
  query?: Readonly<Record<string, string | undefined>>;
  /** Authentication headers (see {@link bearerAuth}); they win over `headers`. */
  auth: UpstreamHeaders<Context>;
  /**
   * More handshake headers (for example `OpenAI-Safety-Identifier` from the identity).
   * @default undefined
   */
  headers?: Readonly<Record<string, string>> | ((context: Context) => Readonly<Record<string, string>>);
  /**
   * Subprotocols to offer.
   * @default []
   */
  protocols?: readonly string[];
  /** Opens the socket: `ws` in Node (`voxwire/server/node`), {@link webSocketUpstream} elsewhere. */
  createSocket: UpstreamSocketFactory;
  /**
   * How long the handshake may take.
   * @default DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS (10 s)
   */
  connectTimeoutMs?: number;
  /**
   * The clock the connect timeout runs on.
   * @default systemClock
   */
  clock?: Clock;
}

/** An upstream endpoint: dial it once per session. */
export interface Upstream<Context = unknown> {
  /** The URL every dial connects to. */
  readonly url: URL;
  /**
   * Opens one connection. Rejects with `VOXWIRE_TIMEOUT` when the handshake takes longer than
   * the connect timeout, `VOXWIRE_CONNECTION_FAILED` when it fails, and whatever `auth` throws
   * (`VOXWIRE_AUTHENTICATION_FAILED` for {@link bearerAuth} without a key).
   */
  dial(context: Context): Promise<UpstreamConnection>;
}

/**
 * An open upstream connection whose frames and close wait in a queue until the session takes
 * them over with {@link UpstreamConnection.handOver}.
 */
export class UpstreamConnection {
  #queue: RelayFrame[] = [];
  #closedWith: { code: number; reason: string } | undefined;
  #handedOver = false;

  /** The socket: send frames to the upstream, close it. */
  readonly socket: UpstreamSocket;
  readonly #handlers: UpstreamSocketHandlers;

  /** @internal Built by {@link Upstream.dial}. */
  constructor(socket: UpstreamSocket, handlers: UpstreamSocketHandlers) {
    this.socket = socket;
    this.#handlers = handlers;
  }

  /** @internal Queues a frame that arrives before the hand-over. */
  queueFrame(frame: RelayFrame): void {
    this.#queue.push(frame);
  }

  /** @internal Remembers a close that comes before the hand-over. */
  queueClose(code: number, reason: string): void {
    this.#closedWith = { code, reason };
  }

  /**
   * Delivers the queued frames (and a close that came early), then everything that follows,
   * straight to `onFrame` and `onClose`. Call it once.
   */
  handOver(onFrame: (frame: RelayFrame) => void, onClose: (code: number, reason: string) => void): void {
    if (this.#handedOver) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'UpstreamConnection.handOver() was called twice.');
    this.#handedOver = true;
    const queued = this.#queue;
    this.#queue = [];
    for (const frame of queued) onFrame(frame);
    if (this.#closedWith !== undefined) {
      onClose(this.#closedWith.code, this.#closedWith.reason);
      return;
    }
    // From here on the factory's listener calls the session directly: one property read per frame.
    this.#handlers.onMessage = onFrame;
    this.#handlers.onClose = onClose;
  }
}

/** The URL every dial of `options` connects to, checked. */
function upstreamUrl(options: Pick<UpstreamOptions, 'url' | 'query'>): URL {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `The upstream URL is not a URL: ${JSON.stringify(options.url)}.`, { cause, path: 'upstream.url' });
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `The upstream URL must be ws:// or wss://, got ${url.protocol}.`, { path: 'upstream.url' });
  }
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && !url.searchParams.has(name)) url.searchParams.set(name, value);
  }
  return url;
}

/**
 * `pending`, or `VOXWIRE_TIMEOUT` when it takes longer than `timeoutMs`; a socket that arrives
 * after that is cut off.
 */
function beforeDeadline(pending: Promise<UpstreamSocket>, clock: Clock, timeoutMs: number, message: string): Promise<UpstreamSocket> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = clock.setTimeout(() => {
      late = true;
      reject(new RealtimeError('VOXWIRE_TIMEOUT', message));
    }, Math.max(0, timeoutMs));
    pending.then(
      (socket) => {
        if (late) socket.terminate();
        else {
          clock.clearTimeout(timer);
          resolve(socket);
        }
      },
      (error: unknown) => {
        if (late) return;
        clock.clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function ignore(): void {}

/**
 * An upstream endpoint (URL, auth, timeout, socket factory), checked once; dial it per session.
 *
 * @example
 * ```ts
 * // A relay on Deno or Bun: the runtime's WebSocket, the server's key in the header.
 * const upstream = createUpstream({
 *   url: 'wss://api.openai.com/v1/realtime',
 *   query: { model: 'gpt-realtime-2.1' },
 *   auth: bearerAuth(() => Deno.env.get('OPENAI_API_KEY')!),
 *   createSocket: webSocketUpstream({ headers: 'constructor' }),
 * });
 * const connection = await upstream.dial(ticket.identity);
 * const session = relay.open(ticket, clientSocket, connection.socket);
 * connection.handOver((frame) => session.handleUpstreamFrame(frame), (code, reason) => session.handleUpstreamClose(code, reason));
 * ```
 */
export function createUpstream<Context = unknown>(options: UpstreamOptions<Context>): Upstream<Context> {
  const url = upstreamUrl(options);
  const href = url.toString();
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS;
  const clock = options.clock ?? systemClock;
  const protocols = options.protocols ?? [];
  return {
    url,
    dial: async (context) => {
      const auth = await options.auth(context);
      const extra = typeof options.headers === 'function' ? options.headers(context) : (options.headers ?? {});
      let settle: (error: RealtimeError | undefined) => void = () => undefined;
      let early: RealtimeError | null | undefined;
      const handlers: UpstreamSocketHandlers = {
        onOpen: () => settle(undefined),
        onMessage: (frame) => connection?.queueFrame(frame),
        onClose: (code, reason) => {
          if (connection !== undefined && settled) connection.queueClose(code, reason);
          else settle(new RealtimeError('VOXWIRE_CONNECTION_FAILED', `the upstream connection closed during the handshake (${code}${reason ? `: ${reason}` : ''})`));
        },
        onError: (error) => settle(new RealtimeError('VOXWIRE_CONNECTION_FAILED', `the upstream connection failed: ${error.message}`, { cause: error })),
      };
      let connection: UpstreamConnection | undefined;
      let settled = false;
      // What the socket reports before the factory returned (a synchronous failure, an async factory's open).
      settle = (error) => {
        if (early === undefined) early = error ?? null;
      };
      const deadline = clock.now() + connectTimeoutMs;
      const timeoutMessage = `the upstream did not open within ${connectTimeoutMs} ms`;
      let socket: UpstreamSocket;
      try {
        // The deadline covers an asynchronous factory too (a Worker's `fetch` with `Upgrade: websocket`).
        socket = await beforeDeadline(Promise.resolve(options.createSocket(href, { headers: { ...extra, ...auth }, protocols }, handlers)), clock, deadline - clock.now(), timeoutMessage);
      } catch (error) {
        throw error instanceof RealtimeError ? error : new RealtimeError('VOXWIRE_CONNECTION_FAILED', `the upstream connection failed: ${messageOf(error)}`, { cause: error });
      }
      const opened = new UpstreamConnection(socket, handlers);
      connection = opened;
      return new Promise<UpstreamConnection>((resolve, reject) => {
        let timer: unknown;
        settle = (error) => {
          if (settled) return;
          settled = true;
          clock.clearTimeout(timer);
          if (error === undefined) {
            // The socket's listeners outlive the dial: they must not keep its closures (and the
            // cleared timer) alive for the whole session.
            handlers.onOpen = ignore;
            handlers.onError = ignore;
            timer = undefined;
            resolve(opened);
            return;
          }
          socket.terminate();
          reject(error);
        };
        if (early !== undefined) {
          settle(early ?? undefined);
          return;
        }
        timer = clock.setTimeout(() => settle(new RealtimeError('VOXWIRE_TIMEOUT', timeoutMessage)), Math.max(0, deadline - clock.now()));
      });
    },
  };
}

/**
 * The part of the WHATWG `WebSocket` an upstream socket uses (Deno, Bun, Workers, Node >= 22,
 * and `ws`): the client transport's {@link WebSocketLike}, plus `binaryType` when present.
 */
export interface WebStandardWebSocket extends WebSocketLike {
  /** Set to `'arraybuffer'` when present, so binary frames arrive as bytes. */
  binaryType?: string;
}

/** A `WebSocket` constructor: `protocols` as the standard has it, or an init object as Bun, Deno and undici accept. */
export type WebStandardWebSocketConstructor = new (
  url: string,
  protocolsOrInit?: string[] | { protocols?: string[]; headers?: Record<string, string> },
) => WebStandardWebSocket;

/** Options of {@link webSocketUpstream}. */
export interface WebSocketUpstreamOptions {
  /**
   * The `WebSocket` class.
   * @default globalThis.WebSocket
   */
  WebSocket?: WebStandardWebSocketConstructor;
  /**
   * How handshake headers travel. `'constructor'`: as `new WebSocket(url, { headers, protocols })`
   * (Bun, Deno, Node's undici). `'subprotocol'`: a standard `WebSocket` cannot send headers, so a
   * bearer key goes in the `openai-insecure-api-key.<key>` subprotocol the OpenAI API accepts
   * (with `realtime`), and any other header is refused with a clear error.
   * @default 'subprotocol'
   */
  headers?: 'constructor' | 'subprotocol';
}

const OPEN = 1;
const CONNECTING = 0;
const BEARER = /^Bearer (.+)$/;
const textDecoder = new TextDecoder();

/** A Web `WebSocket` throws on close codes other than 1000 and 3000-4999. */
function webCloseCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;
}

/** A frame as a `WebSocket` delivers it: text as is, bytes as a view. */
export function frameOf(data: unknown): RelayFrame {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return String(data);
}

/**
 * Wraps a Web-standard `WebSocket` (or `ws`, which has the same API) as an
 * {@link UpstreamSocket} that reports to `handlers`. Backpressure: a standard `WebSocket`
 * cannot pause reading, so `pause()` does nothing and memory is bounded only by
 * `bufferedAmount`.
 */
export function wrapWebSocket(socket: WebStandardWebSocket, handlers: UpstreamSocketHandlers): UpstreamSocket {
  if (socket.binaryType !== undefined) socket.binaryType = 'arraybuffer';
  socket.addEventListener('open', () => handlers.onOpen());
  socket.addEventListener('message', (event) => handlers.onMessage(frameOf(event.data)));
  socket.addEventListener('close', (event) => handlers.onClose(event.code, event.reason));
  socket.addEventListener('error', (event) => {
    handlers.onError(event.error instanceof Error ? event.error : new Error(event.message ?? 'WebSocket error'));
  });
  return {
    // Bytes are a text frame's UTF-8 (RelaySocket): a standard WebSocket would send them as binary.
    send: (frame) => {
      if (socket.readyState === OPEN) socket.send(typeof frame === 'string' ? frame : textDecoder.decode(frame));
    },
    close: (code, reason) => {
      if (socket.readyState === OPEN || socket.readyState === CONNECTING) socket.close(webCloseCode(code), reason.slice(0, 100));
    },
    get bufferedAmount() {
      return socket.bufferedAmount;
    },
    pause: () => undefined,
    resume: () => undefined,
    terminate: () => {
      if (socket.readyState === OPEN || socket.readyState === CONNECTING) socket.close();
    },
  };
}

/** `protocols` with a bearer `Authorization` header moved into the OpenAI key subprotocol; any other header refused. */
function subprotocolAuth(init: UpstreamSocketInit): string[] {
  const protocols = [...init.protocols];
  for (const [name, value] of Object.entries(init.headers)) {
    const bearer = name.toLowerCase() === 'authorization' ? BEARER.exec(value) : null;
    if (bearer === null) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `webSocketUpstream(): a standard WebSocket cannot send the \`${name}\` header; use \`headers: 'constructor'\` on a runtime whose WebSocket takes headers (Bun, Deno, Node >= 22).`,
        { path: 'headers' },
      );
    }
    protocols.unshift('realtime', `openai-insecure-api-key.${bearer[1]}`);
  }
  return protocols;
}

/**
 * An {@link UpstreamSocketFactory} over a Web-standard `WebSocket`, for relays on Deno, Bun,
 * Workers or Node >= 22.
 */
export function webSocketUpstream(options: WebSocketUpstreamOptions = {}): UpstreamSocketFactory {
  const mode = options.headers ?? 'subprotocol';
  return (url, init, handlers) => {
    const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebStandardWebSocketConstructor }).WebSocket;
    if (Ctor === undefined) throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'No WebSocket class: pass `WebSocket` to webSocketUpstream(), or use createRelay from voxwire/server/node in Node.');
    const socket = mode === 'constructor' ? new Ctor(url, { headers: { ...init.headers }, protocols: [...init.protocols] }) : new Ctor(url, subprotocolAuth(init));
    return wrapWebSocket(socket, handlers);
  };
}

type WsConstructor = new (url: string, protocols: string[], options: { headers: Record<string, string>; perMessageDeflate: boolean }) => WebStandardWebSocket;

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string';
}

/**
 * The upstream socket, looked up in this order: in Node the `ws` package when installed
 * (headers sent as given), otherwise the global `WebSocket` ({@link webSocketUpstream}'s
 * subprotocol auth). `ws` is imported on the first dial, never at module load.
 */
export const defaultUpstreamSocket: UpstreamSocketFactory = async (url, init, handlers) => {
  if (isNode()) {
    const moduleName = 'ws';
    let ws: { WebSocket?: WsConstructor; default?: { WebSocket?: WsConstructor } } | undefined;
    try {
      ws = (await import(/* webpackIgnore: true */ /* @vite-ignore */ moduleName)) as typeof ws;
    } catch {
      // `ws` is an optional peer: fall through to the global WebSocket.
    }
    const Ctor = ws?.WebSocket ?? ws?.default?.WebSocket;
    if (Ctor !== undefined) return wrapWebSocket(new Ctor(url, [...init.protocols], { headers: { ...init.headers }, perMessageDeflate: false }), handlers);
  }
  return webSocketUpstream()(url, init, handlers);
};
