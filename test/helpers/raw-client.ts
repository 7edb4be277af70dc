/**
 * A bare `ws` client for testing the mock server without the SDK: it records every server
 * event and lets a test take them in order.
 */
import WebSocket from 'ws';
import { parseServerEvent } from '../../src/events/parse';

export type AnyEvent = { type: string; [key: string]: any };

export interface RawClientOptions {
  headers?: Record<string, string>;
  protocols?: string[];
  /** Appended to the URL, e.g. `?model=gpt-realtime`. */
  query?: string;
}

export class RawClient {
  readonly events: AnyEvent[] = [];
  /** Frames that did not parse as known, valid server events. */
  readonly invalid: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #cursor = 0;
  #waiters = new Set<() => void>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      const parsed = parseServerEvent(text);
      if (!parsed.ok || !parsed.known) this.invalid.push(text);
      this.events.push(JSON.parse(text) as AnyEvent);
      for (const wake of [...this.#waiters]) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of [...this.#waiters]) wake();
      });
    });
  }

  static connect(url: string, options: RawClientOptions = {}): Promise<RawClient> {
    const socket = new WebSocket(`${url}${options.query ?? '?model=gpt-realtime-2.1'}`, options.protocols ?? [], {
      headers: options.headers ?? {},
    });
    const client = new RawClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) => {
        reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { statusCode: response.statusCode }));
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

  /** Takes the next event (after the previous one taken) matching `match`. */
  next(match: string | ((event: AnyEvent) => boolean), timeoutMs = 5000): Promise<AnyEvent> {
    const predicate = typeof match === 'string' ? (event: AnyEvent) => event.type === match : match;
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
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        const seen = this.events.slice(this.#cursor).map((event) => event.type);
        reject(new Error(`timed out waiting for ${typeof match === 'string' ? match : 'a predicate'}; after cursor: ${seen.join(', ') || '(none)'}`));
      }, timeoutMs);
      const wake = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.#waiters.delete(wake);
        }
      };
      this.#waiters.add(wake);
    });
  }

  /** Types of the events received since the given index. */
  typesSince(index: number): string[] {
    return this.events.slice(index).map((event) => event.type);
  }

  close(): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}
