/**
 * The page's side of off-main-thread audio. An `AudioPlayer` or `MicrophoneCapture` (unless
 * `offThread: false`) registers the one host of the page under a global symbol; a browser
 * `WebSocketTransport` without `createWebSocket` then opens its socket through it, inside a
 * dedicated Worker, and the worklets of the started player and capture are linked to that
 * Worker by MessagePorts. Where the Worker cannot start (no Worker, a Content-Security-Policy
 * that blocks it), `open` resolves undefined and the transport uses the page's own WebSocket.
 */

import type { Logger } from '../../base/logger';
import type { PageToWorkerMessage, WorkerToPageMessage } from './protocol';

/** The global symbol under which the page's host is registered (read by src/transport/websocket.ts). */
export const SOCKET_HOST_KEY = Symbol.for('voxwire.audio-socket-host');

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
  /** Not measured across the thread boundary: always 0. */
  readonly bufferedAmount = 0;
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
      case 'error':
        this.#emit('error', { message: message.message });
        return;
      case 'close':
        this.readyState = 3;
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

/** What a player or capture tells the host when it registers. */
export interface SocketHostUser {
  /** URL of `voxwire/audio/worklets/socket-worker.js`; undefined: the bundled copy from a Blob URL. */
  workerUrl: string | URL | undefined;
  logger: Logger;
}

/** The page's host: starts the Worker on the first socket, links the worklets. */
export class AudioSocketHost {
  #workerUrl: string | URL | undefined;
  #logger: Logger;
  #worker: Promise<Worker | undefined> | undefined;
  #nextSocketId = 1;
  readonly #sockets = new Map<number, WorkerSocket>();
  #capture: AudioWorkletNode | undefined;
  #playback: AudioWorkletNode | undefined;
  #linkedPlayback: AudioWorkletNode | undefined;
  #inputSubscribers = 0;

  constructor(user: SocketHostUser) {
    this.#workerUrl = user.workerUrl;
    this.#logger = user.logger;
  }

  /** True while `node` is linked to a running Worker (the player's flushes then repeat the Worker's barge-in result). */
  isLinked(node: AudioWorkletNode): boolean {
    return this.#linkedPlayback === node;
  }

  /** A later user with a `workerUrl` wins (the strict-CSP setup needs only one). */
  adopt(user: SocketHostUser): void {
    if (user.workerUrl !== undefined) this.#workerUrl = user.workerUrl;
    this.#logger = user.logger;
  }

  /**
   * Opens a socket in the Worker; undefined when the Worker is unavailable (the caller then
   * opens its own). Called by the WebSocket transport on every connect.
   */
  async open(url: string, protocols: string[]): Promise<WorkerSocket | undefined> {
    const worker = await this.#start();
    if (worker === undefined) return undefined;
    const id = this.#nextSocketId++;
    const socket = new WorkerSocket(id, worker);
    this.#sockets.set(id, socket);
    worker.postMessage({ type: 'open', id, url, protocols } satisfies PageToWorkerMessage);
    return socket;
  }

  /** Links a started capture's worklet (its chunks go to the Worker while a live session wants them). */
  linkCapture(node: AudioWorkletNode | undefined): void {
    this.#capture = node;
    void this.#link('capture', node);
  }

  /** Links a started player's worklet (the Worker writes output deltas and barge-in flushes to it). */
  linkPlayback(node: AudioWorkletNode | undefined): void {
    this.#playback = node;
    void this.#link('playback', node);
  }

  /** Unlinks a node that stopped (only if it is still the linked one). */
  unlink(node: AudioWorkletNode): void {
    if (this.#capture === node) this.linkCapture(undefined);
    if (this.#playback === node) this.linkPlayback(undefined);
  }

  /** A client subscribed to (+1) or left (-1) a capture: the Worker streams input only while one is. */
  countInput(change: 1 | -1): void {
    this.#inputSubscribers = Math.max(0, this.#inputSubscribers + change);
    void this.#worker?.then((worker) => worker?.postMessage({ type: 'input', enabled: this.#inputSubscribers > 0 } satisfies PageToWorkerMessage));
  }

  async #link(kind: 'capture' | 'playback', node: AudioWorkletNode | undefined): Promise<void> {
    const worker = await this.#worker;
    if (worker === undefined) return; // Linked when the Worker starts.
    if ((kind === 'capture' ? this.#capture : this.#playback) !== node) return;
    if (kind === 'playback') this.#linkedPlayback = node;
    if (node === undefined) {
      worker.postMessage({ type: kind, port: null } satisfies PageToWorkerMessage);
      return;
    }
    const channel = new MessageChannel();
    node.port.postMessage({ type: 'link', port: channel.port1 }, [channel.port1]);
    worker.postMessage({ type: kind, port: channel.port2 } satisfies PageToWorkerMessage, [channel.port2]);
  }

  #start(): Promise<Worker | undefined> {
    this.#worker ??= this.#launch().then((worker) => {
      if (worker !== undefined) {
        worker.postMessage({ type: 'input', enabled: this.#inputSubscribers > 0 } satisfies PageToWorkerMessage);
        void this.#link('capture', this.#capture);
        void this.#link('playback', this.#playback);
      }
      return worker;
    });
    return this.#worker;
  }

  async #launch(): Promise<Worker | undefined> {
    const WorkerClass = (globalThis as { Worker?: typeof Worker }).Worker;
    if (WorkerClass === undefined) return undefined;
    let url = this.#workerUrl === undefined ? undefined : String(this.#workerUrl);
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
      this.#fallBack(url, error);
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
      this.#fallBack(url, undefined);
      return undefined;
    }
    worker.onerror = null;
    worker.onmessage = (event: MessageEvent<WorkerToPageMessage>) => {
      const message = event.data;
      if (message.type === 'ready') return;
      this.#sockets.get(message.id)?.deliver(message);
      if (message.type === 'close') this.#sockets.delete(message.id);
    };
    return worker;
  }

  #fallBack(url: string, error: unknown): void {
    this.#logger.warn(
      `the socket worker could not start from ${url.startsWith('blob:') ? 'an inline blob: URL (a Content-Security-Policy without blob: in worker-src blocks it; serve voxwire/audio/worklets/socket-worker.js and pass its URL as workerUrl)' : url}; audio goes through the main thread`,
      { error },
    );
  }
}

/**
 * Registers the page's host (once) for a player or capture that wants off-thread audio.
 * Returns undefined outside a browser page with Workers.
 */
export function registerSocketHost(user: SocketHostUser): AudioSocketHost | undefined {
  const scope = globalThis as { Worker?: unknown; window?: unknown; document?: unknown } & Record<symbol, AudioSocketHost | undefined>;
  if (typeof scope.Worker !== 'function' || scope.window === undefined || scope.document === undefined) return undefined;
  const existing = scope[SOCKET_HOST_KEY];
  if (existing !== undefined) {
    existing.adopt(user);
    return existing;
  }
  const host = new AudioSocketHost(user);
  scope[SOCKET_HOST_KEY] = host;
  return host;
}
