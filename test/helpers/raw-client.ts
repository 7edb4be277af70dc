/**
 * A bare `ws` client for tests that speak to a server without the SDK (the mock, the relay): it
 * records every frame and the close, checks each frame against the GA server-event schemas
 * (`invalid`), and lets a test take events in order.
 */
import WebSocket from 'ws';
import { parseServerEvent } from '../../src/events/realtime-codec';
import { EventInbox, type AnyEvent, type EventMatch } from './event-inbox';

export type { AnyEvent } from './event-inbox';

export interface RawClientOptions {
  headers?: Record<string, string>;
  protocols?: string[];
  /** Appended to the URL, e.g. `?model=gpt-realtime`. Default `?model=gpt-realtime-2.1`. */
  query?: string;
  /** How long `next()` waits unless told. Default 5000. */
  timeoutMs?: number;
}

export class RawClient {
  /** Every text frame received, as sent. */
  readonly frames: string[] = [];
  /** Frames that did not parse as known, valid server events. */
  readonly invalid: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo: { code: number; reason: string } | undefined;
  readonly #inbox: EventInbox;

  private constructor(readonly socket: WebSocket, timeoutMs: number | undefined) {
    this.#inbox = new EventInbox(timeoutMs);
    socket.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      const parsed = parseServerEvent(text);
      if (!parsed.ok || !parsed.known) this.invalid.push(text);
      this.#inbox.push(JSON.parse(text) as AnyEvent);
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        resolve(this.closeInfo);
        this.#inbox.end(`closed (${code} ${this.closeInfo.reason})`);
      });
    });
  }

  /** Every event received (each frame parsed as JSON). */
  get events(): AnyEvent[] {
    return this.#inbox.events;
  }

  /** Connects; rejects with `statusCode` (and the response `body`) when the upgrade is refused. */
  static connect(url: string, options: RawClientOptions = {}): Promise<RawClient> {
    const socket = new WebSocket(`${url}${options.query ?? '?model=gpt-realtime-2.1'}`, options.protocols ?? [], {
      headers: options.headers ?? {},
      perMessageDeflate: false,
    });
    const client = new RawClient(socket, options.timeoutMs);
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
    return this.#inbox.all(type);
  }

  /**
   * Takes the next event (after the previous one taken) matching `match` (a type, or a
   * predicate), or of `type` for which `where` holds. Rejects when the socket closes first or
   * after `timeoutMs`, naming what came instead.
   */
  next(match: EventMatch, timeoutMs?: number): Promise<AnyEvent>;
  next(type: string, where: (event: AnyEvent) => boolean, timeoutMs?: number): Promise<AnyEvent>;
  next(match: EventMatch, whereOrTimeout?: ((event: AnyEvent) => boolean) | number, timeoutMs?: number): Promise<AnyEvent> {
    return typeof whereOrTimeout === 'function' && typeof match === 'string' ? this.#inbox.next(match, whereOrTimeout, timeoutMs) : this.#inbox.next(match, whereOrTimeout as number | undefined);
  }

  /** Types of the events received since the given index. */
  typesSince(index: number): string[] {
    return this.#inbox.typesSince(index);
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
