/**
 * The page's side of off-main-thread audio. An `AudioPlayer` or `MicrophoneCapture` (unless
 * `offThread: false`) registers the one host of the page under a global symbol; a browser
 * `WebSocketTransport` without `createWebSocket` then opens its socket through it, inside a
 * dedicated Worker, and the worklets of the started player and capture are linked to that
 * Worker by MessagePorts. Where the Worker cannot start (no Worker, a Content-Security-Policy
 * that blocks it), `open` resolves undefined and the transport uses the page's own WebSocket.
 */

import type { Logger } from '../../base/logger';
import type { PageToWorkerMessage } from './protocol';
import type { WorkerSocket } from './worker-socket';

/** The global symbol under which the page's host is registered (read by src/transport/websocket-open.ts). */
export const SOCKET_HOST_KEY = Symbol.for('voxwire.audio-socket-host');

/** What the host reads of a client: whether the app listens to its `audio` event. */
export interface AudioListeners {
  /** The number of `audio` listeners. */
  listenerCount(event: 'audio'): number;
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
  #createSocket: ((id: number) => WorkerSocket) | undefined;
  /** The client the linked player is attached to: its `audio` listeners decide whether deltas reach the page whole. */
  #audioListeners: AudioListeners | undefined;
  #audioWanted = false;
  /** Items whose audio the Worker played (their deltas reach the page too when `audio` is listened to). */
  readonly #playedItems = new Set<string>();

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
    if (worker === undefined || this.#createSocket === undefined) return undefined;
    const id = this.#nextSocketId++;
    const socket = this.#createSocket(id);
    this.#sockets.set(id, socket);
    this.#syncAudio();
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

  /**
   * The client a player was attached to (or undefined): while it has `audio` listeners, the
   * Worker lets the deltas it plays reach the page whole, so the client can emit them. Checked
   * when a socket opens and with every frame.
   */
  watchAudio(listeners: AudioListeners | undefined): void {
    this.#audioListeners = listeners;
    this.#syncAudio();
  }

  /** True when the Worker played this item's audio: the client's writes of it are not played again. */
  playedOffThread(itemId: string): boolean {
    return this.#playedItems.has(itemId);
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
    if (kind === 'playback') {
      node.port.postMessage({ type: 'link', port: channel.port1 }, [channel.port1]);
      worker.postMessage({ type: kind, port: channel.port2 } satisfies PageToWorkerMessage, [channel.port2]);
      return;
    }
    // The route the Worker will take (a subscribed client, a socket of the Worker's), given to
    // the worklet with its port: its first chunks go straight to the Worker.
    const toLink = this.#inputSubscribers > 0 && this.#sockets.size > 0;
    node.port.postMessage({ type: 'link', port: channel.port1, toLink }, [channel.port1]);
    worker.postMessage({ type: kind, port: channel.port2, routed: toLink } satisfies PageToWorkerMessage, [channel.port2]);
  }

  #start(): Promise<Worker | undefined> {
    this.#worker ??= import('./worker-socket').then(async ({ launchSocketWorker, WorkerSocket }) => {
      const worker = await launchSocketWorker(this.#workerUrl, this.#logger, (message) => {
        if (message.type === 'message') {
          if (message.played !== undefined) remember(this.#playedItems, message.played);
          this.#syncAudio();
        }
        this.#sockets.get(message.id)?.deliver(message);
        if (message.type === 'close') this.#sockets.delete(message.id);
      });
      if (worker !== undefined) {
        this.#createSocket = (id) => new WorkerSocket(id, worker);
        worker.postMessage({ type: 'input', enabled: this.#inputSubscribers > 0 } satisfies PageToWorkerMessage);
        worker.postMessage({ type: 'audio', wanted: this.#audioWanted } satisfies PageToWorkerMessage);
        void this.#link('capture', this.#capture);
        void this.#link('playback', this.#playback);
      }
      return worker;
    });
    return this.#worker;
  }

  /** Tells the Worker whether the page listens to the client's `audio` event, when that changed. */
  #syncAudio(): void {
    const wanted = (this.#audioListeners?.listenerCount('audio') ?? 0) > 0;
    if (wanted === this.#audioWanted) return;
    this.#audioWanted = wanted;
    void this.#worker?.then((worker) => worker?.postMessage({ type: 'audio', wanted } satisfies PageToWorkerMessage));
  }
}

/** Remembers an item id (the newest 64). */
function remember(items: Set<string>, itemId: string): void {
  if (items.has(itemId)) return;
  items.add(itemId);
  if (items.size > 64) items.delete(items.values().next().value as string);
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
