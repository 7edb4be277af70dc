/**
 * The socket worker (a dedicated Worker): hosts the WebSocket of a browser `RealtimeClient`
 * beside the audio worklets, so no audio byte crosses the page's main thread. Built as its own
 * file (`voxwire/audio/worklets/socket-worker.js`); without a `workerUrl` it is loaded from a
 * Blob URL of the bundled copy.
 */

import { AudioSocketRelay, type RelaySocket } from './audio-socket-relay';
import type { PageToWorkerMessage, WorkerToPageMessage } from './protocol';

interface WorkerScope {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: WorkerToPageMessage, transfer?: Transferable[]): void;
  WebSocket: new (url: string, protocols: string[]) => RelaySocket;
}

const scope = globalThis as unknown as WorkerScope;
const relay = new AudioSocketRelay({
  post: (message, transfer) => scope.postMessage(message, transfer),
  createSocket: (url, protocols) => new scope.WebSocket(url, protocols),
});
scope.onmessage = (event) => relay.receive(event.data as PageToWorkerMessage);
scope.postMessage({ type: 'ready' });
