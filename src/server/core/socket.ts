/**
 * The minimal socket the relay core drives. The core never touches a runtime's WebSocket
 * class: an adapter (the Node one wraps `ws`; a Workers or Deno one would wrap theirs) hands
 * it two of these, one toward the browser and one toward the upstream API, and feeds it the
 * frames and closes it receives.
 */

/**
 * One frame as the relay sees it: text, or the UTF-8 bytes of a text frame (forwarded as
 * is, so an adapter that receives bytes never pays for a decode and re-encode).
 */
export type RelayFrame = string | Uint8Array;

/** One side of a relayed session (the browser, or the upstream API). */
export interface RelaySocket {
  /** Sends one text frame. Bytes are the frame's UTF-8 text; they must be sent as a text frame. */
  send(data: RelayFrame): void;
  /**
   * Closes the socket with a close code and a reason (at most 123 bytes of UTF-8). Closing
   * an already closed socket does nothing.
   */
  close(code: number, reason: string): void;
  /** Bytes queued for sending and not yet handed to the network. */
  readonly bufferedAmount: number;
  /**
   * Stops reading from the socket (backpressure). A runtime that cannot pause may make this a
   * no-op; the relay then relies on `bufferedAmount` alone and memory is not bounded.
   */
  pause(): void;
  /** Resumes reading after {@link RelaySocket.pause}. */
  resume(): void;
}
