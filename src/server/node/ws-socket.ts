/**
 * The {@link UpstreamSocket} over a `ws` WebSocket: what the relay core drives in Node.
 */
import type { WebSocket } from 'ws';
import type { RelayFrame } from '../core/socket';
import type { UpstreamSocket } from '../upstream';

const OPEN = 1;
const CONNECTING = 0;
const TEXT = { binary: false } as const;
/** Close reasons are limited to 123 bytes by RFC 6455. */
const MAX_REASON_BYTES = 123;
/** How long a closed socket waits for the peer's close reply before it is cut off. */
const CLOSE_REPLY_GRACE_MS = 2000;

/** Wraps a `ws` WebSocket as a {@link UpstreamSocket}. Bytes are sent as text frames, unchanged. */
export class WsRelaySocket implements UpstreamSocket {
  constructor(
    /** The wrapped `ws` WebSocket. */
    readonly socket: WebSocket,
  ) {}

  /** See {@link UpstreamSocket.send}. Frames sent after the socket closed are dropped. */
  send(data: RelayFrame): void {
    if (this.socket.readyState !== OPEN) return;
    if (typeof data === 'string') this.socket.send(data);
    else this.socket.send(data, TEXT);
  }

  /**
   * See {@link UpstreamSocket.close}. A socket paused for backpressure is resumed first: the
   * peer's close reply must be read, or `ws` would hold the connection for its 30 s close
   * timeout. A peer that does not answer within `CLOSE_REPLY_GRACE_MS` is cut off.
   */
  close(code: number, reason: string): void {
    const socket = this.socket;
    const state = socket.readyState;
    if (state !== OPEN && state !== CONNECTING) return;
    if (state === CONNECTING) {
      socket.terminate();
      return;
    }
    socket.close(code, Buffer.byteLength(reason) > MAX_REASON_BYTES ? reason.slice(0, 100) : reason);
    if (socket.isPaused) socket.resume();
    const timer = setTimeout(() => socket.terminate(), CLOSE_REPLY_GRACE_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  /** See {@link UpstreamSocket.bufferedAmount}. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** See {@link UpstreamSocket.pause}: stops reading the TCP socket. */
  pause(): void {
    if (this.socket.readyState === OPEN) this.socket.pause();
  }

  /** See {@link UpstreamSocket.resume}. */
  resume(): void {
    if (this.socket.readyState === OPEN) this.socket.resume();
  }

  /** Drops the connection at once, without a close handshake. */
  terminate(): void {
    this.socket.terminate();
  }
}
