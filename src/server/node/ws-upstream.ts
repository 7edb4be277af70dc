/**
 * The {@link UpstreamSocketFactory} over the `ws` package: the server's key in the
 * `Authorization` header, no compression, the server-frame cap, and `ws`'s own listeners
 * calling the handlers directly (the relay's per-frame path).
 */
import type { RawData, WebSocket } from 'ws';
import { DEFAULT_MAX_SERVER_FRAME_BYTES } from '../../base/defaults';
import type { UpstreamSocketFactory } from '../upstream';
import { WsRelaySocket } from './ws-socket';

/** The `WebSocket` class of the `ws` package. */
export type WsWebSocketClass = typeof WebSocket;

/** Opens upstream sockets with `ws`. `maxPayload`: the largest frame accepted from the upstream. */
export function wsUpstream(WebSocketClass: WsWebSocketClass, maxPayload = DEFAULT_MAX_SERVER_FRAME_BYTES): UpstreamSocketFactory {
  return (url, init, handlers) => {
    const socket = new WebSocketClass(url, [...init.protocols], { headers: { ...init.headers }, perMessageDeflate: false, maxPayload });
    socket.on('open', () => handlers.onOpen());
    socket.on('message', (data: RawData) => handlers.onMessage(data as Buffer));
    socket.on('close', (code: number, reason: Buffer) => handlers.onClose(code, reason.toString('utf8')));
    socket.on('error', (error: Error) => handlers.onError(error));
    return new WsRelaySocket(socket);
  };
}
