/**
 * A bare `ws` client for tests that speak to a server without the SDK (the mock, the relay): it
 * records every frame and the close, checks each frame against the GA server-event schemas
 * (`invalid`), and lets a test take events in order.
 */
import WebSocket from 'ws';
import { parseServerEvent } from '../../src/events/realtime-codec';

export type AnyEvent = { type: string; [key: string]: any };

export interface RawClientOptions {
  headers?: Record<string, string>;
  protocols?: string[];
  /** Appended to the URL, e.g. `?model=gpt-realtime`. Default `?model=gpt-realtime-2.1`. */
  query?: string;
}

export class RawClient {
  /** Every text frame received, as sent. */
  readonly frames: string[] = [];
  readonly events: AnyEvent[] = [];
  /** Frames that did not parse as known, valid server events. */
  readonly invalid: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo: { code: number; reason: string } | undefined;
  #cursor = 0;
  #waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      const parsed = parseServerEvent(text);
      if (!parsed.ok || !parsed.known) this.invalid.push(text);
      this.events.push(JSON.parse(text) as AnyEvent);
      for (const wake of [...this.#waiters]) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        for (const wake of [...this.#waiters]) wake();
      });
    });
  }

  /** Connects; rejects with `statusCode` (and the response `body`) when the upgrade is refused. */
  static connect(url: string, options: RawClientOptions = {}): Promise<RawClient> {
    const socket = new WebSocket(`${url}${options.query ?? '?model=gpt-realtime-2.1'}`, options.protocols ?? [], {
      headers: options.headers ?? {},
      perMessageDeflate: false,
    });
    const client = new RawClient(socket);
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

  sendRaw(data: string | Buffer, binary = false): void {
    this.socket.send(data, { binary });
  }

  /** Sends audio chunks (base64) as appends. */
  sendAudio(chunks: readonly string[]): void {
    for (const audio of chunks) this.send({ type: 'input_audio_buffer.append', audio });
  }

  /** Events of a type received so far. */
  all(type: string): AnyEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  /**
   * Takes the next event (after the previous one taken) matching `match`. Rejects when the
   * socket closes first or after `timeoutMs`, naming what came instead.
   */
  next(match: string | ((event: AnyEvent) => boolean), timeoutMs = 5000): Promise<AnyEvent> {
    const predicate = typeof match === 'string' ? (event: AnyEvent) => event.type === match : match;
    const what = typeof match === 'string' ? match : 'a matching event';
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let index = this.#cursor; index < this.events.length; index++) {
          const event = this.events[index]!;
          if (predicate(event)) {
            this.#cursor = index + 1;
            resolve(event);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const seen = (): string => this.events.slice(this.#cursor).map((event) => event.type).join(', ') || '(none)';
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}; after cursor: ${seen()}`));
      }, timeoutMs);
      const wake = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.#waiters.delete(wake);
        } else if (this.closeInfo !== undefined) {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          reject(new Error(`closed (${this.closeInfo.code} ${this.closeInfo.reason}) while waiting for ${what}; after cursor: ${seen()}`));
        }
      };
      this.#waiters.add(wake);
    });
  }

  /** Types of the events received since the given index. */
  typesSince(index: number): string[] {
    return this.events.slice(index).map((event) => event.type);
  }

  /** Closes with 1000 (a peer that does not answer the close handshake within a second is cut off). */
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

  /** Drops the connection without a close frame. */
  terminate(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}
