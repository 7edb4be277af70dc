/**
 * `RecordingTransport`: wraps any {@link Transport} and writes down everything that crosses it,
 * both ways, in voxwire's one log format (an {@link EventLog}, saved as JSONL: see `format.ts`),
 * the same the mock server writes. Put it between the client and its transport in production
 * (behind a flag) or in a manual test, and a session that went wrong becomes a file that
 * {@link ReplayTransport} or {@link scenarioFromRecording} plays back and the assertions read.
 */

import { EventEmitter } from '../../base/emitter';
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';
import type { ClientEventInput } from '../../events/client-events';
import type { ServerEvent, UnknownServerEvent } from '../../events/server-events';
import type { Transport, TransportCapabilities, TransportCloseInfo, TransportConnectOptions, TransportEvents } from '../../transport/transport';
import { EventLog } from './event-log';
import type { LogEntry, WireEvent } from './event-log';
import type { LifecycleEntry } from './format';
import type { Recording } from './legacy-recording';
import { toRecording } from './read-log';

/** Options of {@link RecordingTransport}. */
export interface RecordingTransportOptions {
  /**
   * Keep base64 audio (`input_audio_buffer.append.audio`, `response.output_audio.delta.delta`).
   * Off by default: a minute of audio both ways is several MB, and audio is personal data.
   * Without it a replay sends silence of the same length.
   * @default false
   */
  keepAudio?: boolean;
  /**
   * Called with each line as it is recorded (header first), ending in `\n`: stream the
   * recording to a file so nothing is lost if the process dies, e.g.
   * `onLine: (line) => stream.write(line)` on a `fs.createWriteStream`.
   * @default undefined (lines are only kept in memory)
   */
  onLine?: (line: string) => void;
  /**
   * Keep the entries in memory for {@link RecordingTransport.log} and
   * {@link RecordingTransport.toJsonl}. Turn off when streaming a long session to `onLine`.
   * @default true
   */
  keepInMemory?: boolean;
  /**
   * Replace values before they are written, e.g. to strip personal data from transcripts. Gets
   * each event (a copy, audio included) and returns the event to record; audio is then left out
   * unless `keepAudio`.
   * @default undefined (events are recorded as they are)
   */
  redact?: (event: WireEvent, direction: 'client' | 'server') => WireEvent;
  /** Timestamps. @default systemClock */
  clock?: Clock;
}

/** A deep copy that is plain JSON (what the line will hold), so later mutation cannot change it. */
function toWire(event: unknown): WireEvent {
  return JSON.parse(JSON.stringify(event)) as WireEvent;
}

/**
 * A transport that records every event both ways in the one log format while passing everything
 * through unchanged: events as {@link LogEntry} lines (`direction` as the server sees it:
 * `received` is what the app sent), each `connect()`, open, close and error as a
 * {@link LifecycleEntry}. It has the wrapped transport's capabilities; reconnects are recorded as
 * further connections of the same log.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * import { RealtimeClient, WebSocketTransport } from 'voxwire';
 * import { RecordingTransport } from 'voxwire/testing';
 *
 * const file = createWriteStream(`session-${Date.now()}.jsonl`);
 * const transport = new RecordingTransport(new WebSocketTransport({ apiKey }), {
 *   onLine: (line) => file.write(line),
 *   keepInMemory: false,
 * });
 * const client = new RealtimeClient({ transport });
 * ```
 */
export class RecordingTransport extends EventEmitter<TransportEvents> implements Transport {
  /** The transport being recorded. */
  readonly inner: Transport;
  /**
   * What was recorded, in the one log format (the assertions take it, or the transport itself, as
   * they take a mock server). Only the last entries when `keepInMemory` is false.
   */
  readonly log: EventLog;
  readonly #options: RecordingTransportOptions;
  #connection = -1;

  /**
   * @param inner - The transport to record (e.g. a `WebSocketTransport`).
   * @param options - See {@link RecordingTransportOptions}.
   */
  constructor(inner: Transport, options: RecordingTransportOptions = {}) {
    super();
    if (typeof inner?.connect !== 'function' || typeof inner.send !== 'function' || typeof inner.on !== 'function') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'RecordingTransport: the first argument must be a Transport (e.g. new WebSocketTransport(...)).');
    }
    this.inner = inner;
    this.#options = options;
    const clock: Clock = options.clock ?? systemClock;
    this.log = new EventLog({
      clock,
      keepAudio: options.keepAudio ?? false,
      audio: inner.capabilities.audio,
      // Without keepInMemory the log holds only the newest entry or two: the lines go to onLine.
      ...(options.keepInMemory ?? true ? { maxEntries: Number.MAX_SAFE_INTEGER } : { maxEntries: 1 }),
    });
    options.onLine?.(`${JSON.stringify(this.log.header)}\n`);
    inner.on('open', () => {
      this.#write(this.log.recordLifecycle(this.#connection, { lifecycle: 'open' }));
      this.emit('open');
    });
    inner.on('event', (event, known) => this.#onEvent(event, known));
    inner.on('close', (info) => this.#onClose(info));
    inner.on('error', (error) => {
      this.#write(this.log.recordLifecycle(this.#connection, { lifecycle: 'error', code: error.code, message: error.message }));
      this.emit('error', error);
    });
  }

  /** The wrapped transport's capabilities. */
  get capabilities(): TransportCapabilities {
    return this.inner.capabilities;
  }

  /** True while the wrapped transport is open. */
  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  /**
   * The recording so far in the version 1 `Recording` shape (only the newest entries when `keepInMemory` is false).
   * @deprecated Read {@link RecordingTransport.log}, the one log format (or pass the transport to the assertions).
   */
  get recording(): Recording {
    return toRecording(this.log);
  }

  /** The recording so far as a file in the one log format (header line first): `log.toJsonl()`. */
  toJsonl(): string {
    return this.log.toJsonl();
  }

  /** Opens the next connection of the wrapped transport; a failure is recorded, then rethrown. */
  async connect(options?: TransportConnectOptions): Promise<void> {
    this.#connection += 1;
    this.#write(this.log.recordLifecycle(this.#connection, { lifecycle: 'connect' }));
    try {
      await this.inner.connect(options);
    } catch (error) {
      const failure = error instanceof RealtimeError ? error : new RealtimeError('VOXWIRE_CONNECTION_FAILED', String(error), { cause: error });
      this.#write(this.log.recordLifecycle(this.#connection, { lifecycle: 'error', code: failure.code, message: failure.message, connectFailed: true }));
      throw error;
    }
  }

  /** Sends through the wrapped transport; only events that were sent are recorded. */
  send(event: ClientEventInput): void {
    this.inner.send(event);
    const wire = this.#redacted(event, 'client');
    this.#write(this.log.recordReceived(this.#connection, wire, { valid: true, bytes: JSON.stringify(wire).length }));
  }

  /** Closes the wrapped transport. */
  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }

  #onEvent(event: ServerEvent | UnknownServerEvent, known: boolean): void {
    this.#write(this.log.recordSent(this.#connection, this.#redacted(event, 'server'), { known }));
    this.emit('event', event, known);
  }

  #onClose(info: TransportCloseInfo): void {
    this.#write(this.log.recordLifecycle(this.#connection, { lifecycle: 'close', code: info.code, reason: info.reason, initiatedLocally: info.initiatedLocally }));
    this.emit('close', info);
  }

  #redacted(event: unknown, direction: 'client' | 'server'): WireEvent {
    const wire = toWire(event);
    return this.#options.redact ? this.#options.redact(wire, direction) : wire;
  }

  #write(line: LogEntry | LifecycleEntry): void {
    this.#options.onLine?.(`${JSON.stringify(line)}\n`);
  }
}
