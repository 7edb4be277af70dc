/**
 * How WebSocketTransport gets its socket open: the key checked, the auth placed (the
 * Authorization header or the `openai-insecure-api-key.` subprotocol), the socket built by the
 * `createWebSocket` hook, `ws` in Node, voxwire/audio's socket Worker or the global WebSocket, and
 * its events wired to the transport. `connect()` loads it on demand while the key resolves (issue
 * 12: an app does not ship it at start). It imports nothing at run time: what it needs is handed
 * in ({@link WebSocketOpening}, {@link SocketWatch}), so its chunk splits no shared code into a
 * second chunk loaded at start.
 */
import type { RealtimeError } from '../base/errors';
import type { WebSocketLike, WebSocketTransportOptions } from './websocket';

/** A constructor of the `ws` package. */
export type WsConstructor = new (
  url: string,
  protocols: string[],
  options: { headers: Record<string, string>; perMessageDeflate: boolean },
) => WebSocketLike;

/** What {@link openWebSocket} is given by the transport. */
export interface WebSocketOpening {
  /** The transport's options. */
  readonly options: WebSocketTransportOptions;
  /** What the `apiKey` provider returned (checked here). */
  readonly key: unknown;
  /** Where to connect. */
  readonly url: string;
  /** True in a browser page, where a standard key is refused. */
  readonly browserPage: boolean;
  /** In Node: loads the `ws` package's constructor (undefined when it is not installed). */
  readonly loadWs: (() => Promise<WsConstructor | undefined>) | undefined;
  /** The error class (passed in, not imported: see above). */
  readonly errors: typeof RealtimeError;
}

type GlobalWebSocket = new (url: string, protocols: string[]) => WebSocketLike;

/** Where voxwire/audio registers its socket host (src/audio/worker/socket-host.ts). */
const SOCKET_HOST = Symbol.for('voxwire.audio-socket-host');

/**
 * Checks the key and opens a socket, looked up in this order: the `createWebSocket` hook when
 * given (with both forms of auth); in Node, the `ws` package when installed, with the key in the
 * Authorization header; otherwise the global WebSocket, with the key in a subprotocol (a browser
 * cannot set headers). Looked up on every connect, never at module load, so msw can patch the
 * global and bundlers never pull `ws` into a browser build.
 */
export async function openWebSocket(opening: WebSocketOpening): Promise<WebSocketLike> {
  const { options, key, url, errors: Errors } = opening;
  if (key !== undefined && typeof key !== 'string') {
    throw new Errors('VOXWIRE_INVALID_ARGUMENT', `The apiKey provider returned ${typeof key}, expected a string.`);
  }
  if (key !== undefined && opening.browserPage && !key.startsWith('ek_') && !options.dangerouslyAllowApiKeyInBrowser) {
    throw new Errors(
      'VOXWIRE_INSECURE_KEY',
      'A standard API key in a browser page is readable by anyone: use an ephemeral key (ek_...) from your server, a relay URL, or `dangerouslyAllowApiKeyInBrowser: true` for a local demo.',
    );
  }

  const headers: Record<string, string> = { ...options.headers };
  const protocols = [...(options.protocols ?? [])];
  // Without a key the API can only refuse (401). A caller who builds the socket or sets the
  // upgrade's headers or subprotocols may carry credentials there: that is left alone.
  const { createWebSocket } = options;
  if (key === undefined && !createWebSocket && !options.headers && !options.protocols && url.startsWith('wss://api.openai.com/')) {
    throw new Errors('VOXWIRE_MISSING_API_KEY', `No apiKey for ${url}. Use your API key in Node, an ephemeral key (ek_...) from your server, or a relay URL.`);
  }
  if (createWebSocket) {
    // A custom factory may or may not send headers, so it is given both forms of auth.
    if (key !== undefined) {
      headers.Authorization = `Bearer ${key}`;
      protocols.unshift('realtime', `openai-insecure-api-key.${key}`);
    }
    return createWebSocket(url, { protocols, headers });
  }
  const Ws = await opening.loadWs?.();
  if (Ws) return new Ws(url, protocols, { headers: key === undefined ? headers : { ...headers, Authorization: `Bearer ${key}` }, perMessageDeflate: false });
  const withKey = key === undefined ? protocols : ['realtime', `openai-insecure-api-key.${key}`, ...protocols];
  // voxwire/audio's player or capture registers a host that opens the socket in a Worker beside
  // the audio worklets (docs/audio.md); undefined when that Worker cannot start.
  const hosted = await (globalThis as { [SOCKET_HOST]?: { open(url: string, protocols: string[]): Promise<WebSocketLike | undefined> } })[SOCKET_HOST]?.open(url, withKey);
  const Global = (globalThis as { WebSocket?: GlobalWebSocket }).WebSocket;
  if (hosted) return hosted;
  if (!Global) {
    throw new Errors('VOXWIRE_NO_WEBSOCKET', 'No WebSocket implementation: install `ws` (npm install ws) or pass `createWebSocket`.');
  }
  return new Global(url, withKey);
}

/** What {@link awaitOpen} reports a socket's events to (the transport), and what it needs. */
export interface SocketWatch {
  /** Aborts the attempt. */
  readonly signal: AbortSignal | undefined;
  /** Where the socket connects (named, redacted, in a failure). */
  readonly url: string;
  /** The error class (passed in, not imported: see above). */
  readonly errors: typeof RealtimeError;
  /** `CLOSE_CODES.authenticationFailed`. */
  readonly authenticationFailedCode: number;
  /** True while the socket is the transport's current one: a superseded one stays silent. */
  current(): boolean;
  /** The socket opened. */
  opened(): void;
  /** A frame arrived. */
  receive(data: unknown): void;
  /** The open socket failed. */
  error(error: RealtimeError): void;
  /** The open socket closed (it is no longer the current one). */
  closed(code: number, reason: string): void;
  /** The attempt was aborted: the socket is closed locally. */
  abort(): void;
}

/**
 * Resolves when `socket` opens; rejects, naming the URL (credentials redacted), when it closes
 * first (`VOXWIRE_AUTHENTICATION_FAILED` for a 401/403 or a 4003 close) or when the signal
 * aborts. Then reports the socket's frames, errors and close to the transport.
 */
export function awaitOpen(socket: WebSocketLike, watch: SocketWatch): Promise<void> {
  const { signal, errors: Errors } = watch;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let lastError: string | undefined;
    const fail = (error: RealtimeError): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = (): void => {
      fail(new Errors('VOXWIRE_ABORTED', 'Connection attempt aborted.', { cause: signal?.reason }));
      watch.abort();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    socket.addEventListener('open', () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      watch.opened();
      resolve();
    });
    socket.addEventListener('message', (event) => {
      if (watch.current()) watch.receive(event.data);
    });
    socket.addEventListener('error', (event) => {
      lastError = event.message ?? (event.error instanceof Error ? event.error.message : undefined);
      if (settled && watch.current()) {
        watch.error(new Errors('VOXWIRE_CONNECTION_FAILED', `WebSocket error: ${lastError ?? 'unknown'}`, { cause: event.error }));
      }
    });
    socket.addEventListener('close', (event) => {
      if (!settled) {
        const status = /\b(401|403)\b/.exec(lastError ?? '');
        const code = status || event.code === watch.authenticationFailedCode ? 'VOXWIRE_AUTHENTICATION_FAILED' : 'VOXWIRE_CONNECTION_FAILED';
        fail(new Errors(code, `Could not connect to ${redact(watch.url)}: ${lastError ?? `closed with code ${event.code}${event.reason ? ` (${event.reason})` : ''}`}.`));
        return;
      }
      if (watch.current()) watch.closed(event.code, event.reason);
    });
  });
}

function redact(url: string): string {
  return url.replace(/([?&](?:key|token|api_key)=)[^&]+/gi, '$1***');
}
