import { EventEmitter } from '../base/emitter';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_MAX_SERVER_FRAME_BYTES, DEFAULT_MODEL, DEFAULT_REALTIME_URL } from '../base/defaults';
import { CLOSE_CODES, RealtimeError } from '../base/errors';
import type { ClientEventInput } from '../events/client-events';
import type { ServerEvent } from '../events/server-events';
import type { Logger } from '../base/logger';
import { createClientEventSerializer } from './client-event-serializer';
import type { WsConstructor } from './websocket-open';
import { resolveApiKey } from './transport';
import type {
  ApiKeyProvider,
  Transport,
  TransportCapabilities,
  TransportConnectOptions,
  TransportEvents,
  TransportProtocol,
} from './transport';

/** The part of the WHATWG WebSocket API the transport uses; `ws` and browsers both provide it. */
export interface WebSocketLike {
  /** `0` connecting, `1` open, `2` closing, `3` closed, as in the WHATWG WebSocket. */
  readonly readyState: number;
  /** Bytes queued by `send()` but not yet written to the network. */
  readonly bufferedAmount: number;
  /** Sends one text frame. */
  send(data: string): void;
  /** Starts the closing handshake with an optional close code and reason. */
  close(code?: number, reason?: string): void;
  /** Listens for the connection opening. */
  addEventListener(type: 'open', listener: () => void): void;
  /** Listens for incoming frames; `data` is a string for text frames. */
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  /** Listens for the connection closing, with its close code and reason. */
  addEventListener(type: 'close', listener: (event: { code: number; reason: string }) => void): void;
  /** Listens for errors; implementations differ in what the event carries. */
  addEventListener(type: 'error', listener: (event: { message?: string; error?: unknown }) => void): void;
}

/** What a {@link CreateWebSocket} hook receives. */
export interface WebSocketInit {
  /** Subprotocols to offer (`realtime`, `openai-insecure-api-key.<key>`, your own). */
  protocols: string[];
  /** Headers to send with the upgrade. Only a Node implementation such as `ws` can send them. */
  headers: Record<string, string>;
}

/** Builds the WebSocket for one connection. Use it for msw, proxies or custom agents. */
export type CreateWebSocket = (url: string, init: WebSocketInit) => WebSocketLike | Promise<WebSocketLike>;

/** Options of {@link WebSocketTransport}. */
export interface WebSocketTransportOptions {
  /**
   * Where to connect: the Realtime API, or your relay (any URL; add a query token yourself).
   * @default 'wss://api.openai.com/v1/realtime'
   */
  url?: string;
  /**
   * The model, sent as `?model=`. Added to a custom `url` only when given explicitly.
   * @default 'gpt-realtime-2.1'
   */
  model?: string;
  /**
   * An API key or ephemeral key (`ek_...`), or a function returning one, called on every
   * (re)connect. Leave out for a relay that authenticates by other means; left out with the
   * OpenAI API's own URL, `connect()` refuses with `VOXWIRE_MISSING_API_KEY` before any
   * network call.
   */
  apiKey?: ApiKeyProvider;
  /** Extra subprotocols to offer, e.g. a relay's auth token. @default [] */
  protocols?: string[];
  /** Extra upgrade headers (Node `ws` only; browsers cannot send headers). @default {} */
  headers?: Record<string, string>;
  /**
   * Builds the WebSocket. By default: the `ws` package in Node (header auth), else the global
   * `WebSocket` (subprotocol auth).
   */
  createWebSocket?: CreateWebSocket;
  /**
   * Allows a standard (non-ephemeral) API key in a browser page. Anyone who opens the page
   * can read it: for local demos only.
   * @default false
   */
  dangerouslyAllowApiKeyInBrowser?: boolean;
  /** Largest server frame accepted. @default 64 MiB */
  maxServerFrameBytes?: number;
  /** Largest client frame sent. @default 16 MiB */
  maxClientFrameBytes?: number;
  /**
   * The protocol spoken: `realtimeProtocol`, `translationProtocol` (its endpoint, model and
   * events) or `liveProtocol`. A client gives its own at `connect()`; without a client, pass one.
   * @default the protocol `connect()` is given
   */
  protocol?: TransportProtocol;
  /**
   * Refuse a client event carrying a field, enum value or `type` the schemas do not know. Off,
   * it is sent as given and logged once per (event type, field) through `logger.warn`, so a
   * newer API setting needs no voxwire release. Beta names and known misspellings are refused
   * either way.
   * @default false (DEFAULT_STRICT_CLIENT_EVENTS)
   */
  strict?: boolean;
  /** Where warnings go (unknown fields sent as given). @default consoleLogger */
  logger?: Logger;
}

const OPEN = 1;

function isBrowserPage(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

function isNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === 'string' && !isBrowserPage();
}

type LoadedWs = { WebSocket?: WsConstructor; default?: { WebSocket?: WsConstructor } } | undefined;
let wsLoading: Promise<LoadedWs> | undefined;

/**
 * Loads the `ws` package once per process and returns its constructor (undefined when it is not
 * installed). Started when a transport is created, so the first `connect()` does not wait for the
 * import (~40 ms in Node).
 */
async function loadWs(): Promise<WsConstructor | undefined> {
  const moduleName = 'ws';
  // `ws` is an optional peer: without it the global WebSocket is used.
  wsLoading ??= (import(/* webpackIgnore: true */ /* @vite-ignore */ moduleName) as Promise<LoadedWs>).catch(() => undefined);
  const ws = await wsLoading;
  return ws?.WebSocket ?? ws?.default?.WebSocket;
}

/** The socket opener, loaded by the first connect (see `websocket-open.ts`). */
function loadOpener(): Promise<typeof import('./websocket-open')> {
  return import('./websocket-open').catch((cause: unknown) => {
    throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', 'WebSocketTransport: the code that opens sockets could not be loaded', { cause });
  });
}

function textOf(data: unknown): string | ArrayBuffer | ArrayBufferView {
  // Text frames arrive as strings; ws (default binaryType) and browsers (arraybuffer) give
  // binary ones as bytes. Anything else is refused by the parser as invalid JSON.
  return typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data : String(data);
}

/**
 * The WebSocket transport: events (and base64 audio) over one socket per connection.
 *
 * @example
 * ```ts
 * const transport = new WebSocketTransport({ apiKey: () => fetchEphemeralKey() });
 * const client = new RealtimeClient({ transport, session: { instructions: 'Be brief.' } });
 * ```
 */
export class WebSocketTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly capabilities: TransportCapabilities = { audio: 'events' };
  readonly #options: WebSocketTransportOptions;
  readonly #serialize: (event: ClientEventInput, protocol: TransportProtocol) => string;
  /** The protocol spoken: the `protocol` option, else the one the last `connect()` was given. */
  #protocol: TransportProtocol | undefined;
  /** The current connection; a superseded one (still closing) is forgotten and stays silent. */
  #current: { socket: WebSocketLike; closingLocally: boolean } | undefined;

  constructor(options: WebSocketTransportOptions = {}) {
    super();
    if (options.url !== undefined && typeof options.url !== 'string') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `WebSocketTransport: \`url\` must be a string, got ${typeof options.url}.`);
    }
    if (options.apiKey !== undefined && typeof options.apiKey !== 'string' && typeof options.apiKey !== 'function') {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `WebSocketTransport: \`apiKey\` must be a string or a function returning one, got ${typeof options.apiKey}.`,
      );
    }
    this.#options = { ...options };
    this.#serialize = createClientEventSerializer(options);
    if (options.createWebSocket === undefined && isNode()) void loadWs();
  }

  get isOpen(): boolean {
    return this.#current?.socket.readyState === OPEN;
  }

  /** Bytes queued on the socket and not yet sent: watch it to apply backpressure to audio. */
  get bufferedAmount(): number {
    return this.#current?.socket.bufferedAmount ?? 0;
  }

  /** The URL a connection uses (without credentials). */
  get url(): string {
    const protocol = this.#options.protocol ?? this.#protocol;
    const base = this.#options.url ?? protocol?.url ?? DEFAULT_REALTIME_URL;
    const model = this.#options.url === undefined ? (this.#options.model ?? protocol?.model ?? DEFAULT_MODEL) : this.#options.model;
    if (model === undefined || protocol?.modelInUrl === false) return base;
    const url = new URL(base);
    if (!url.searchParams.has('model')) url.searchParams.set('model', model);
    return url.toString();
  }

  async connect(options: TransportConnectOptions = {}): Promise<void> {
    const { signal } = options;
    if (this.#current && this.#current.socket.readyState <= OPEN) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'WebSocketTransport.connect(): already connected or connecting; close() first.');
    }
    signal?.throwIfAborted();
    // No protocol of its own: a client gives its own, so an app bundles one protocol's tables.
    this.#protocol = this.#options.protocol ?? options.protocol;
    if (!this.#protocol) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'WebSocketTransport.connect(): no protocol; pass `protocol` (e.g. realtimeProtocol) or connect through a client.');
    // The protocol's parser and the socket opener load (on the first connect) while the key resolves.
    const [key, , opener] = await Promise.all([resolveApiKey(this.#options.apiKey), this.#protocol.load?.(), loadOpener()]);
    const url = options.url ?? this.url;
    const socket = await opener.openWebSocket({
      options: this.#options,
      key,
      url,
      browserPage: isBrowserPage(),
      loadWs: this.#options.createWebSocket === undefined && isNode() ? loadWs : undefined,
      errors: RealtimeError,
    });
    const connection = { socket, closingLocally: false };
    this.#current = connection;
    await opener.awaitOpen(socket, {
      signal,
      url,
      errors: RealtimeError,
      authenticationFailedCode: CLOSE_CODES.authenticationFailed,
      current: () => this.#current === connection,
      opened: () => this.emit('open'),
      receive: (data) => this.#receive(data),
      error: (error) => this.emit('error', error),
      closed: (code, reason) => {
        this.#current = undefined;
        this.emit('close', { code, reason, initiatedLocally: connection.closingLocally });
      },
      abort: () => {
        connection.closingLocally = true;
        safeClose(socket);
      },
    });
  }

  #receive(data: unknown): void {
    // Set before the socket was opened: a frame cannot arrive without it.
    const protocol = this.#protocol as TransportProtocol;
    const result = protocol.parse(textOf(data), { maxFrameBytes: this.#options.maxServerFrameBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES });
    if (result.ok) this.emit('event', result.event as ServerEvent, result.known);
    else this.emit('error', result.error);
  }

  send(event: ClientEventInput): void {
    const socket = this.#current?.socket;
    if (!socket || socket.readyState !== OPEN) {
      throw new RealtimeError('VOXWIRE_NOT_CONNECTED', `Cannot send ${describeType(event)}: the WebSocket is not open.`);
    }
    // Set before the socket was opened.
    const text = this.#serialize(event, this.#protocol as TransportProtocol);
    socket.send(text);
  }

  close(code: number = CLOSE_CODES.normal, reason = ''): void {
    const connection = this.#current;
    if (!connection) return;
    connection.closingLocally = true;
    safeClose(connection.socket, code, reason);
  }
}

function safeClose(socket: WebSocketLike, code?: number, reason?: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // A code outside 1000 and 3000–4999 throws synchronously in browsers: close plainly.
    socket.close();
  }
}

function describeType(event: unknown): string {
  const type = (event as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'event';
}
