/**
 * `RecordingTransport`: wraps any {@link Transport} and writes down everything that crosses it,
 * both ways, in the JSONL recording format (see `recording.ts`). Put it between the client and
 * its transport in production (behind a flag) or in a manual test, and a session that went
 * wrong becomes a file that {@link ReplayTransport} or {@link scenarioFromRecording} plays
 * back.
 */

import { EventEmitter } from '../../base/emitter';
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';
import type { ClientEventInput } from '../../events/client-events';
import type { ServerEvent, UnknownServerEvent } from '../../events/server-events';
import type { Transport, TransportCapabilities, TransportCloseInfo, TransportConnectOptions, TransportEvents } from '../../transport/transport';
import type { WireEvent } from './event-log';
import { AUDIO_FIELDS, RECORDING_FORMAT, RECORDING_VERSION, stringifyRecording } from './format';
import type { Recording, RecordingEntry, RecordingHeader } from './format';

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
   * Keep the entries in memory for {@link RecordingTransport.recording} and
   * {@link RecordingTransport.toJsonl}. Turn off when streaming a long session to `onLine`.
   * @default true
   */
  keepInMemory?: boolean;
  /**
   * Replace values before they are written, e.g. to strip personal data from transcripts. Gets
   * each event (a copy) and returns the event to record.
   * @default undefined (events are recorded as they are)
   */
  redact?: (event: WireEvent, direction: 'client' | 'server') => WireEvent;
  /** Timestamps. @default systemClock */
  clock?: Clock;
}

function base64Bytes(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

/** A deep copy that is plain JSON (what the line will hold), so later mutation cannot change it. */
function toWire(event: unknown): WireEvent {
  return JSON.parse(JSON.stringify(event)) as WireEvent;
}

/**
 * A transport that records every event both ways to JSONL while passing everything through
 * unchanged. It has the wrapped transport's capabilities; reconnects are recorded as further
 * connections of the same recording.
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
  readonly #options: RecordingTransportOptions;
  readonly #clock: Clock;
  readonly #startedAt: number;
  readonly #header: RecordingHeader;
  readonly #entries: RecordingEntry[] = [];
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
    this.#clock = options.clock ?? systemClock;
    this.#startedAt = this.#clock.now();
    this.#header = {
      kind: 'header',
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      startedAt: new Date().toISOString(),
      keepAudio: options.keepAudio ?? false,
      audio: inner.capabilities.audio,
    };
    options.onLine?.(`${JSON.stringify(this.#header)}\n`);
    inner.on('open', () => {
      this.#record({ kind: 'open', t: this.#now(), connection: this.#connection });
      this.emit('open');
    });
    inner.on('event', (event, known) => this.#onEvent(event, known));
    inner.on('close', (info) => this.#onClose(info));
    inner.on('error', (error) => {
      this.#record({ kind: 'error', t: this.#now(), connection: this.#connection, code: error.code, message: error.message });
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

  /** The recording so far (empty entries when `keepInMemory` is false). */
  get recording(): Recording {
    return { header: { ...this.#header }, entries: [...this.#entries] };
  }

  /** The recording so far as JSONL text (header line first). */
  toJsonl(): string {
    return stringifyRecording(this.recording);
  }

  /** Opens the next connection of the wrapped transport; a failure is recorded, then rethrown. */
  async connect(options?: TransportConnectOptions): Promise<void> {
    this.#connection += 1;
    this.#record({ kind: 'connect', t: this.#now(), connection: this.#connection });
    try {
      await this.inner.connect(options);
    } catch (error) {
      const failure = error instanceof RealtimeError ? error : new RealtimeError('VOXWIRE_CONNECTION_FAILED', String(error), { cause: error });
      this.#record({ kind: 'error', t: this.#now(), connection: this.#connection, code: failure.code, message: failure.message, connectFailed: true });
      throw error;
    }
  }

  /** Sends through the wrapped transport; only events that were sent are recorded. */
  send(event: ClientEventInput): void {
    this.inner.send(event);
    this.#record({ kind: 'client', t: this.#now(), connection: this.#connection, ...this.#payload(event, 'client') });
  }

  /** Closes the wrapped transport. */
  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }

  #onEvent(event: ServerEvent | UnknownServerEvent, known: boolean): void {
    this.#record({ kind: 'server', t: this.#now(), connection: this.#connection, known, ...this.#payload(event, 'server') });
    this.emit('event', event, known);
  }

  #onClose(info: TransportCloseInfo): void {
    this.#record({ kind: 'close', t: this.#now(), connection: this.#connection, code: info.code, reason: info.reason, initiatedLocally: info.initiatedLocally });
    this.emit('close', info);
  }

  #payload(event: unknown, direction: 'client' | 'server'): { event: WireEvent; audioBytes?: number; audioOmitted?: boolean } {
    let wire = toWire(event);
    const field = AUDIO_FIELDS[wire.type];
    const audio = field === undefined ? undefined : wire[field];
    const out: { event: WireEvent; audioBytes?: number; audioOmitted?: boolean } = { event: wire };
    if (typeof audio === 'string' && field !== undefined) {
      out.audioBytes = base64Bytes(audio);
      if (!this.#header.keepAudio) {
        wire = { ...wire, [field]: '' };
        out.audioOmitted = true;
      }
    }
    out.event = this.#options.redact ? this.#options.redact(wire, direction) : wire;
    return out;
  }

  #record(entry: RecordingEntry): void {
    if (this.#options.keepInMemory ?? true) this.#entries.push(entry);
    this.#options.onLine?.(`${JSON.stringify(entry)}\n`);
  }

  #now(): number {
    return Math.max(0, this.#clock.now() - this.#startedAt);
  }
}
