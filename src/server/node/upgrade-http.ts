/**
 * The plain-HTTP side of the Node relay's upgrades: answering a refused upgrade without a
 * WebSocket, checking a handshake as `ws` would before anything is spent on it, and routing by
 * path.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** The content type of the relay's plain-text answers. */
export const HTTP_TEXT = { 'content-type': 'text/plain; charset=utf-8' };

function sanitizeHeader(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** Answers an upgrade request with a plain HTTP response and closes the socket (no WebSocket). */
export function writeHttp(socket: Duplex, status: number, body: string, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const all: Record<string, string> = { ...HTTP_TEXT, ...headers, connection: 'close', 'content-length': String(Buffer.byteLength(body)) };
  const lines = Object.entries(all).map(([name, value]) => `${sanitizeHeader(name)}: ${sanitizeHeader(value)}`);
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** The checks `ws` makes before it accepts an upgrade (RFC 6455 §4.2.1). */
export function isWebSocketHandshake(request: IncomingMessage): boolean {
  const key = request.headers['sec-websocket-key'];
  const version = request.headers['sec-websocket-version'];
  return (
    request.method === 'GET' &&
    typeof request.headers.upgrade === 'string' &&
    request.headers.upgrade.toLowerCase() === 'websocket' &&
    typeof key === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(key) &&
    (version === '13' || version === '8')
  );
}

export function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const query = raw.indexOf('?');
  return query < 0 ? raw : raw.slice(0, query);
}
