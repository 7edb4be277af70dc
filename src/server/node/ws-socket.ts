/**
 * The {@link RelaySocket} over a `ws` WebSocket: what the relay core drives in Node.
 */
import type { WebSocket } from 'ws';
import type { RelayFrame, RelaySocket } from '../socket';

const OPEN = 1;
const CONNECTING = 0;
const TEXT = { binary: false } as const;
/** Close reasons are limited to 123 bytes by RFC 6455. */
const MAX_REASON_BYTES = 123;

/** Wraps a `ws` WebSocket as a {@link RelaySocket}. Bytes are sent as text frames, unchanged. */
export class WsRelaySocket implements RelaySocket {
  constructor(
    /** The wrapped `ws` WebSocket. */
    readonly socket: WebSocket,
  ) {}

  /** See {@link RelaySocket.send}. Frames sent after the socket closed are dropped. */
  send(data: RelayFrame): void {
    if (this.socket.readyState !== OPEN) return;
    if (typeof data === 'string') this.socket.send(data);
    else this.socket.send(data, TEXT);
  }

  /** See {@link RelaySocket.close}. */
  close(code: number, reason: string): void {
    const state = this.socket.readyState;
    if (state !== OPEN && state !== CONNECTING) return;
    this.socket.close(code, Buffer.byteLength(reason) > MAX_REASON_BYTES ? reason.slice(0, 100) : reason);
  }

  /** See {@link RelaySocket.bufferedAmount}. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** See {@link RelaySocket.pause}: stops reading the TCP socket. */
  pause(): void {
    if (this.socket.readyState === OPEN) this.socket.pause();
  }

  /** See {@link RelaySocket.resume}. */
  resume(): void {
    if (this.socket.readyState === OPEN) this.socket.resume();
  }
}
