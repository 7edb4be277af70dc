/**
 * Node's `IncomingMessage` as a Web-standard `Request`, so `authenticate` is the same
 * function in every runtime. Only the method, URL and headers are carried (an upgrade has no
 * body).
 */
import type { IncomingMessage } from 'node:http';
import type { RelayConnectionInfo } from '../core/relay-options';

/** Builds a `Request` (method, URL, headers) from an upgrade request. */
export function toWebRequest(incoming: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    try {
      if (Array.isArray(value)) for (const item of value) headers.append(name, item);
      else headers.set(name, value);
    } catch {
      // A header the Fetch API refuses (a malformed value) is left out rather than failing the connect.
    }
  }
  const secure = (incoming.socket as { encrypted?: boolean }).encrypted === true;
  let url: string;
  try {
    url = new URL(incoming.url ?? '/', `${secure ? 'https' : 'http'}://${incoming.headers.host ?? 'localhost'}`).href;
  } catch {
    url = new URL(incoming.url ?? '/', 'http://localhost').href;
  }
  return new Request(url, { method: incoming.method ?? 'GET', headers });
}

/**
 * Loads Node's Fetch API now: Node loads it (undici) when `Headers` or `Request` is first used,
 * which would otherwise happen in the first client's upgrade (about 17 ms on the bench machine)
 * and grow the heap of a relay already serving by about 1.3 MB (bench/README.md, issue 19).
 * A runtime without the Fetch API is left to fail where a request is really built.
 */
export function loadFetchApi(): void {
  try {
    new Request('http://localhost/', { headers: new Headers() });
  } catch {
    // Reported by the first upgrade instead.
  }
}

/**
 * The connection info of an upgrade request. `remoteAddress` is read when asked for: Node
 * caches the peer's address on the socket at the first read (an object and a string that
 * live as long as the session's socket), which a relay whose `authenticate` never asks
 * need not hold for every session.
 */
export function connectionInfoOf(incoming: IncomingMessage): RelayConnectionInfo {
  const socket = incoming.socket;
  return {
    get remoteAddress() {
      return socket.remoteAddress;
    },
  };
}
