/**
 * The few pieces of the Workers runtime the Durable Objects relay touches, typed structurally
 * (so neither the package nor its users need `@cloudflare/workers-types`), and the sockets over
 * them: the client's end of a `WebSocketPair`, and the upstream dialed with `fetch` plus an
 * `Upgrade: websocket` header (a Worker has no `WebSocket` constructor that sends headers).
 */
import { RealtimeError } from '../../base/errors';
import type { RelayFrame, RelaySocket } from '../core/socket';
import { wrapWebSocket, type UpstreamSocketFactory, type WebStandardWebSocket } from '../upstream';

/** A Durable Object stub: what `namespace.get(id)` returns. */
export interface DurableObjectStubLike {
  /** Sends a request to the object. */
  fetch(request: Request): Promise<Response>;
}

/** A Durable Object namespace binding (`env.VOXWIRE_SESSIONS`). */
export interface DurableObjectNamespaceLike {
  /** The id of the object with this name (the same name, the same object, worldwide). */
  idFromName(name: string): unknown;
  /** The stub of the object with this id. */
  get(id: never): DurableObjectStubLike;
}

/** The transactional storage of a Durable Object (`state.storage`). */
export interface DurableObjectStorageLike {
  /** Reads one key. */
  get<Value = unknown>(key: string): Promise<Value | undefined>;
  /** Writes one key. */
  put(key: string, value: unknown): Promise<void>;
  /** Deletes one key. */
  delete(key: string): Promise<boolean>;
  /** Every key with a prefix. */
  list<Value = unknown>(options: { prefix: string }): Promise<Map<string, Value>>;
  /** Arms the object's one alarm at an epoch time in milliseconds (its `alarm()` runs then). */
  setAlarm(scheduledTime: number): Promise<void>;
  /** Disarms the alarm. */
  deleteAlarm(): Promise<void>;
}

/** What a Durable Object's constructor gets first (`state`). */
export interface DurableObjectStateLike {
  /** The object's storage. */
  readonly storage: DurableObjectStorageLike;
}

/** What a Worker's `fetch` gets last (`ctx`). */
export interface ExecutionContextLike {
  /** Keeps the Worker alive until `promise` settles, after the response is returned. */
  waitUntil(promise: Promise<unknown>): void;
}

/** A Workers `WebSocket`: the standard one, plus `accept()` for the server end of a pair. */
export interface WorkersWebSocket extends WebStandardWebSocket {
  /** Starts delivering events (a pair's server end, or a socket `fetch` returned). */
  accept(): void;
}

const textDecoder = new TextDecoder();

/** The close codes a Workers `WebSocket` accepts: 1000-4999 but the reserved ones. */
function workersCloseCode(code: number): number {
  return Number.isInteger(code) && code >= 1000 && code <= 4999 && code !== 1004 && code !== 1005 && code !== 1006 && code !== 1015 ? code : 1000;
}

/** A reason fits 123 bytes of UTF-8; 100 characters of ours always do. */
function closeReason(reason: string): string {
  return reason.length > 100 ? reason.slice(0, 100) : reason;
}

/**
 * The `WebSocketPair` of the Workers runtime: `[client, server]`, the client end returned in a
 * 101 response. Throws a clear error outside Workers.
 */
export function newWebSocketPair(): [client: WorkersWebSocket, server: WorkersWebSocket] {
  const Pair = (globalThis as { WebSocketPair?: new () => Record<0 | 1, WorkersWebSocket> }).WebSocketPair;
  if (Pair === undefined) throw new RealtimeError('VOXWIRE_NO_WEBSOCKET', 'voxwire/server/cloudflare runs on Cloudflare Workers (workerd): there is no WebSocketPair here.');
  const pair = new Pair();
  return [pair[0], pair[1]];
}

/** The 101 response that hands the client end of a pair to the runtime. */
export function upgradeResponse(client: WorkersWebSocket): Response {
  return new Response(null, { status: 101, webSocket: client } as ResponseInit);
}

/**
 * The server end of a `WebSocketPair`, accepted, as the relay's client socket. Close codes are
 * the relay's own (4000-4004, 1001 for an upstream that failed), which a Workers socket takes
 * as given; bytes are a text frame's UTF-8 and go out as text.
 */
export function clientSocketOf(socket: WorkersWebSocket): RelaySocket {
  let open = true;
  return {
    send: (frame: RelayFrame) => {
      if (!open) return;
      try {
        socket.send(typeof frame === 'string' ? frame : textDecoder.decode(frame));
      } catch {
        // The peer went away between two frames: its close event ends the session.
      }
    },
    close: (code, reason) => {
      if (!open) return;
      open = false;
      try {
        socket.close(workersCloseCode(code), closeReason(reason));
      } catch {
        // Already closed by the peer.
      }
    },
    // A Workers socket does not report what it has queued: the relay's backpressure sees 0.
    get bufferedAmount() {
      return socket.bufferedAmount ?? 0;
    },
    pause: () => undefined,
    resume: () => undefined,
  };
}

/** The `fetch` a Worker dials with (injected in tests). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * An upstream socket factory for Workers: `fetch(url, { headers: { Upgrade: 'websocket',
 * Authorization } })`, then `response.webSocket.accept()`. Headers go as given (the server's
 * key in `Authorization`), which a `WebSocket` constructor cannot do. `ws:`/`wss:` URLs are
 * fetched as `http:`/`https:`, as the runtime requires.
 */
export function fetchUpstream(fetcher: FetchLike = (input, init) => fetch(input, init)): UpstreamSocketFactory {
  return async (url, init, handlers) => {
    const headers: Record<string, string> = { ...init.headers, Upgrade: 'websocket' };
    if (init.protocols.length > 0) headers['Sec-WebSocket-Protocol'] = init.protocols.join(', ');
    const response = await fetcher(url.replace(/^ws(s?):/, 'http$1:'), { headers });
    const socket = (response as { webSocket?: WorkersWebSocket | null }).webSocket;
    if (socket === undefined || socket === null) {
      const body = await response.text().catch(() => '');
      throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', `the upstream answered the WebSocket upgrade with HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    }
    socket.accept();
    const wrapped = wrapWebSocket(socket, handlers);
    // An accepted socket is open: no `open` event will come.
    handlers.onOpen();
    return wrapped;
  };
}
