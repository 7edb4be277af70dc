/**
 * The {@link UpstreamSocketFactory} over the `ws` package: the server's key in the
 * `Authorization` header, no compression, the server-frame cap, and `ws`'s own listeners
 * calling the handlers directly (the relay's per-frame path).
 */
import type { RawData, WebSocket } from 'ws';
import { DEFAULT_MAX_SERVER_FRAME_BYTES } from '../../base/defaults';
import type { UpstreamSocketFactory, UpstreamSocketHandlers } from '../upstream';
import { WsRelaySocket } from './ws-socket';

/** Where an upstream `ws` socket keeps its dial's handlers, for the shared listeners below. */
const HANDLERS = Symbol('voxwire.upstreamHandlers');
type HandledSocket = WebSocket & { [HANDLERS]: UpstreamSocketHandlers };

// One function per event for every upstream socket (`ws` calls them with the socket as `this`),
// not four closures per session.
function onOpen(this: WebSocket): void {
  (this as HandledSocket)[HANDLERS].onOpen();
}
function onMessage(this: WebSocket, data: RawData): void {
  (this as HandledSocket)[HANDLERS].onMessage(data as Buffer);
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  (this as HandledSocket)[HANDLERS].onClose(code, reason.toString('utf8'));
}
function onError(this: WebSocket, error: Error): void {
  (this as HandledSocket)[HANDLERS].onError(error);
}

/** The `WebSocket` class of the `ws` package. */
export type WsWebSocketClass = typeof WebSocket;

/** Opens upstream sockets with `ws`. `maxPayload`: the largest frame accepted from the upstream. */
export function wsUpstream(WebSocketClass: WsWebSocketClass, maxPayload = DEFAULT_MAX_SERVER_FRAME_BYTES): UpstreamSocketFactory {
  // `ws`'s class with a slot for the handlers: kept in the object, not in a property array
  // added to each socket after it was made.
  const HandledWebSocket = class extends WebSocketClass {
    [HANDLERS]: UpstreamSocketHandlers | undefined = undefined;
  };
  return (url, init, handlers) => {
    const socket = new HandledWebSocket(url, [...init.protocols], { headers: { ...init.headers }, perMessageDeflate: false, maxPayload }) as HandledSocket;
    socket[HANDLERS] = handlers;
    socket.on('open', onOpen);
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onError);
    return new WsRelaySocket(socket);
  };
}
