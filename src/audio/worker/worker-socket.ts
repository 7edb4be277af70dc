/**
 * The page's side of a socket in the socket worker, loaded when the first socket opens (so a
 * page that never connects does not carry it): the Worker's launch, and the WebSocket-shaped
 * object the transport uses.
 */

import type { Logger } from '../../base/logger';
import type { PageToWorkerMessage, WorkerToPageMessage } from './protocol';

/** How long the Worker may take to start before the page's own WebSocket is used. */
const WORKER_START_TIMEOUT_MS = 5000;

type Listener = (event: never) => void;

/**
 * A WebSocket living in the Worker, seen from the page: the shape of the transport's
 * `WebSocketLike` (which audio/ may not import).
 */
export class WorkerSocket {
  /** `0` connecting, `1` open, `2` closing, `3` closed. */
  readyState = 0;
  /**
   * Bytes queued and not yet sent: what this page sent since the Worker last reported, plus the
   * Worker's figure (posted after each send from the page, and every 50 ms while bytes wait).
   */
  bufferedAmount = 0;
  readonly #id: number;
  readonly #worker: Worker;
  readonly #listeners = new Map<string, Listener[]>();

  constructor(id: number, worker: Worker) {
    this.#id = id;
    this.#worker = worker;
  }

  /** Sends one text frame (from the Worker). */
  send(data: string): void {
    if (this.readyState !== 1) return;
    // As a WebSocket counts a frame at once; the Worker's report replaces the estimate.
    this.bufferedAmount += data.length;
    this.#post({ type: 'send', id: this.#id, text: data });
  }

  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.readyState = 2;
    this.#post({ type: 'close', id: this.#id, code, reason });
  }

  /** Listens for `open`, `message`, `error` or `close`, as on a WebSocket. */
  addEventListener(type: string, listener: Listener): void {
    const list = this.#listeners.get(type) ?? [];
    list.push(listener);
    this.#listeners.set(type, list);
  }

  /** @internal A message from the Worker about this socket. */
  deliver(message: WorkerToPageMessage): void {
    switch (message.type) {
      case 'open':
        this.readyState = 1;
        this.#emit('open', undefined);
        return;
      case 'message':
        this.#emit('message', { data: message.data });
        return;
      case 'buffered':
        this.bufferedAmount = message.bytes;
        return;
      case 'error':
        this.#emit('error', { message: message.message });
        return;
      case 'close':
        this.readyState = 3;
        this.bufferedAmount = 0;
        this.#emit('close', { code: message.code, reason: message.reason });
        return;
      default:
    }
  }

  #emit(type: string, event: unknown): void {
    for (const listener of this.#listeners.get(type) ?? []) (listener as (event: unknown) => void)(event);
  }

  #post(message: PageToWorkerMessage): void {
    this.#worker.postMessage(message);
  }
}

/**
 * Starts the socket worker from `workerUrl` (undefined: the bundled copy from a Blob URL) and
 * waits for its `ready`; undefined, with a warning, when it cannot start. `onMessage` then
 * hears every message about a socket.
 */
export async function launchSocketWorker(
  workerUrl: string | URL | undefined,
  logger: Logger,
  onMessage: (message: Exclude<WorkerToPageMessage, { type: 'ready' }>) => void,
): Promise<Worker | undefined> {
  const WorkerClass = (globalThis as { Worker?: typeof Worker }).Worker;
  if (WorkerClass === undefined) return undefined;
  let url = workerUrl === undefined ? undefined : String(workerUrl);
  let blobUrl: string | undefined;
  if (url === undefined) {
    const { SOCKET_WORKER_SOURCE } = await import('./source.generated');
    blobUrl = URL.createObjectURL(new Blob([SOCKET_WORKER_SOURCE], { type: 'text/javascript' }));
    url = blobUrl;
  }
  let worker: Worker;
  try {
    worker = new WorkerClass(url, { name: 'voxwire-socket' });
  } catch (error) {
    warnFallBack(logger, url, error);
    return undefined;
  }
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), WORKER_START_TIMEOUT_MS);
    worker.onmessage = (event: MessageEvent<WorkerToPageMessage>) => {
      if (event.data.type !== 'ready') return;
      clearTimeout(timer);
      resolve(true);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      clearTimeout(timer);
      resolve(false);
    };
  });
  if (blobUrl !== undefined) URL.revokeObjectURL(blobUrl);
  if (!ready) {
    worker.terminate();
    warnFallBack(logger, url, undefined);
    return undefined;
  }
  worker.onerror = null;
  worker.onmessage = (event: MessageEvent<WorkerToPageMessage>) => {
    const message = event.data;
    if (message.type !== 'ready') onMessage(message);
  };
  return worker;
}

function warnFallBack(logger: Logger, url: string, error: unknown): void {
  logger.warn(
    `the socket worker could not start from ${url.startsWith('blob:') ? 'an inline blob: URL (a Content-Security-Policy without blob: in worker-src blocks it; serve voxwire/audio/worklets/socket-worker.js and pass its URL as workerUrl)' : url}; audio goes through the main thread`,
    { error },
  );
}
