/**
 * Loopback plumbing for the relay's integration tests: a relay in front of an upstream, and a
 * bare `ws` client that records every frame it receives, as text, exactly as it arrived.
 */
import WebSocket from 'ws';
import { silentLogger, type Logger } from '../../src/base/logger';
import { createRelay, type CreateRelayOptions, type NodeRelay } from '../../src/server/node/create-relay';
import type { RelayIdentity } from '../../src/server/core/relay-options';

export type AnyEvent = { type: string; [key: string]: any };

/** The server key used upstream in the tests; no frame to a client may contain it. */
export const SECRET_KEY = 'sk-test-SECRET-relay-key-0123456789';

/** Starts a relay on 127.0.0.1, port 0, with a token-in-query authenticate (`?token=user:<id>`). */
export async function startRelay(
  upstreamUrl: string,
  options: Partial<CreateRelayOptions<RelayIdentity>> = {},
): Promise<{ relay: NodeRelay; url: string; port: number }> {
  const relay = createRelay({
    upstream: { url: upstreamUrl, apiKey: SECRET_KEY, model: 'gpt-realtime-2.1' },
    authenticate: (request) => {
      const token = new URL(request.url).searchParams.get('token');
      if (token === null) return null;
      if (token === 'banned') return new Response('account suspended', { status: 403 });
      return { userId: token.startsWith('user:') ? token.slice(5) : token };
    },
    logger: silentLogger,
    pingIntervalMs: Infinity,
    ...options,
  });
  const { url, port } = await relay.listen(0, { host: '127.0.0.1', metricsPath: '/metrics' });
  return { relay, url, port };
}

/** A bare client recording every frame (text) and the close. */
export class RelayClient {
  readonly frames: string[] = [];
  readonly events: AnyEvent[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo: { code: number; reason: string } | undefined;
  private cursor = 0;
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      this.events.push(JSON.parse(text) as AnyEvent);
      for (const wake of [...this.waiters]) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const wake of [...this.waiters]) wake();
      });
    });
  }

  /** Connects; rejects with `statusCode` when the upgrade is refused. */
  static connect(url: string, query = '?token=user:alice', headers: Record<string, string> = {}): Promise<RelayClient> {
    const socket = new WebSocket(`${url}${query}`, { headers, perMessageDeflate: false });
    const client = new RelayClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { statusCode: response.statusCode, body })));
        socket.on('error', () => undefined);
      });
    });
  }

  send(event: AnyEvent): void {
    this.socket.send(JSON.stringify(event));
  }

  sendRaw(data: string): void {
    this.socket.send(data);
  }

  /** Events of a type received so far. */
  all(type: string): AnyEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  /** The next event (after the last one taken) matching `match`. */
  next(match: string | ((event: AnyEvent) => boolean), timeoutMs = 5000): Promise<AnyEvent> {
    const predicate = typeof match === 'string' ? (event: AnyEvent) => event.type === match : match;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let index = this.cursor; index < this.events.length; index += 1) {
          const event = this.events[index] as AnyEvent;
          if (predicate(event)) {
            this.cursor = index + 1;
            resolve(event);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out waiting for ${typeof match === 'string' ? match : 'a matching event'}; got ${this.events.map((event) => event.type).join(', ')}`));
      }, timeoutMs);
      const wake = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.waiters.delete(wake);
        } else if (this.closeInfo !== undefined) {
          clearTimeout(timer);
          this.waiters.delete(wake);
          reject(new Error(`closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting; got ${this.events.map((event) => event.type).join(', ')}`));
        }
      };
      this.waiters.add(wake);
    });
  }

  /** Closes (a client that does not answer the handshake within a second is cut off). */
  async close(): Promise<{ code: number; reason: string }> {
    if (this.closeInfo === undefined) {
      this.socket.resume();
      this.socket.close(1000);
      const timer = setTimeout(() => this.socket.terminate(), 1000);
      await this.closed;
      clearTimeout(timer);
    }
    return this.closed;
  }
}

/** Base64 of `ms` milliseconds of 24 kHz PCM16 (a quiet tone, so it is not all zeros). */
export function pcmChunk(ms: number, seed = 0): string {
  const samples = ms * 24;
  const buffer = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index += 1) buffer.writeInt16LE(Math.round(200 * Math.sin((index + seed) / 10)), index * 2);
  return buffer.toString('base64');
}

/** Polls until `check` is true (bounded). */
export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Plain HTTP GET against the relay. */
export async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text() };
}

/** One line a {@link recordingLogger} kept. */
export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  details?: Record<string, unknown>;
}

/** A logger that keeps every line, for tests that check what the relay logged. */
export function recordingLogger(): Logger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const log = (level: LoggedLine['level']) => (message: string, details?: Record<string, unknown>) => {
    lines.push({ level, message, ...(details === undefined ? {} : { details }) });
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
