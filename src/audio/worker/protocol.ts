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
  /**
   * The capture worklet's link port (null: unlinked), and the route the page gave the worklet
   * with it (the worker corrects it with a `route` message if it disagrees).
   */
  | { type: 'capture'; port: MessagePort | null; routed?: boolean }
  /** The playback worklet's link port (null: unlinked). */
  | { type: 'playback'; port: MessagePort | null }
  /** Whether a client is subscribed to the linked capture (its chunks are wanted on the wire). */
  | { type: 'input'; enabled: boolean }
  /**
   * Whether the page listens to the client's `audio` event: output deltas the worker plays then
   * reach the page whole (marked `played`), so the client can emit their samples.
   */
  | { type: 'audio'; wanted: boolean };

/** Socket worker → page. */
export type WorkerToPageMessage =
  | { type: 'ready' }
  | { type: 'open'; id: number }
  /**
   * A frame: text as received, except audio deltas already played (see {@link OFF_THREAD_SAMPLES}),
   * or, while the page wants their audio, whole with `played` naming the item the worker played.
   */
  | { type: 'message'; id: number; data: string | ArrayBuffer; played?: string }
  /** The socket's `bufferedAmount`: after each send from the page, and while bytes wait to leave. */
  | { type: 'buffered'; id: number; bytes: number }
  | { type: 'error'; id: number; message: string }
  | { type: 'close'; id: number; code: number; reason: string };

/**
 * The field that replaces `delta` in a `response.output_audio.delta` the worker played itself:
 * the number of samples it carried, so the client still counts what was received. Mirrors the
 * name the client reads (src/client/output-audio.ts).
 */
export const OFF_THREAD_SAMPLES = 'voxwire_samples';
