/**
 * The message protocol between the page and the socket worker (off-main-thread audio). Both
 * sides import these types. Internal: not part of the public API.
 */

/** Page → socket worker. */
export type PageToWorkerMessage =
  | {
      type: 'open';
      /** The page's id of this socket. */
      id: number;
      url: string;
      protocols: string[];
    }
  | { type: 'send'; id: number; text: string }
  | { type: 'close'; id: number; code: number | undefined; reason: string | undefined }
  /** The capture worklet's link port (null: unlinked). */
  | { type: 'capture'; port: MessagePort | null }
  /** The playback worklet's link port (null: unlinked). */
  | { type: 'playback'; port: MessagePort | null }
  /** Whether a client is subscribed to the linked capture (its chunks are wanted on the wire). */
  | { type: 'input'; enabled: boolean };

/** Socket worker → page. */
export type WorkerToPageMessage =
  | { type: 'ready' }
  | { type: 'open'; id: number }
  /** A frame: text as received, except audio deltas already played (see {@link OFF_THREAD_SAMPLES}). */
  | { type: 'message'; id: number; data: string | ArrayBuffer }
  | { type: 'error'; id: number; message: string }
  | { type: 'close'; id: number; code: number; reason: string };

/**
 * The field that replaces `delta` in a `response.output_audio.delta` the worker played itself:
 * the number of samples it carried, so the client still counts what was received. Mirrors the
 * name the client reads (src/client/output-audio.ts).
 */
export const OFF_THREAD_SAMPLES = 'voxwire_samples';
