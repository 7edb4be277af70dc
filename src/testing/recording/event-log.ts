/**
 * The log of wire events, voxwire's one log format in memory: every client event (parsed, or the
 * raw text when it was not valid) and every server event, each with the connection it belongs
 * to, a timestamp and a sequence number, plus the connections' lives when the writer saw them.
 * The mock server writes it (`server.log`), `RecordingTransport` writes it (`recorder.log`),
 * {@link EventLog.toJsonl} saves it (one entry per line, see `format.ts`), `toEventLog` reads it
 * back (and the older shapes), and the assertions read it. Tests assert on it directly
 * (`server.received`, `server.sent`) or wait on it ({@link EventLog.waitFor}).
 */

import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';
import { AUDIO_FIELDS, RECORDING_FORMAT, RECORDING_VERSION } from './format';
import type { LifecycleEntry, LogHeader, LogLine } from './format';

/** Any wire event: an object with a dotted `type`. */
export interface WireEvent {
  /** The event's `type`. */
  type: string;
  [key: string]: unknown;
}

interface LogEntryBase {
  /** Position in the log, from 0, across both directions (see {@link EventLog.mark}). */
  seq: number;
  /**
   * Which connection, from 0: the index in `server.connections` for the mock, the n-th
   * `connect()` for a recorder.
   */
  connection: number;
  /** When it was recorded, by the writer's clock (ms since the epoch by default). */
  at: number;
  /**
   * For an audio event (`input_audio_buffer.append`, `response.output_audio.delta` and Live's
   * `session.*_audio.*`): size of the decoded audio in bytes, kept when the audio itself is not.
   */
  audioBytes?: number;
  /**
   * True when the log left the audio out: the event's `audio`/`delta` then holds a short
   * placeholder, and a replay stands in silence of `audioBytes`.
   */
  audioOmitted?: true;
}

/** A client event the mock received. */
export interface ReceivedEntry<Event extends WireEvent = WireEvent> extends LogEntryBase {
  /** Always `received`: the client sent it to the mock. */
  direction: 'received';
  /**
   * The event: parsed by the client-event schemas when valid; otherwise the raw JSON object
   * (or `{ type: '(invalid)' }` when it was not a JSON object).
   */
  event: Event;
  /** Whether the event passed validation (false: the server answered it with an `error`). */
  valid: boolean;
  /** The `error.code` the server answered an invalid event with. */
  errorCode?: string;
  /** Size of the frame in bytes (a recorder, which does not see the frame, counts the event's JSON). */
  bytes: number;
}

/** A server event the mock sent. */
export interface SentEntry<Event extends WireEvent = WireEvent> extends LogEntryBase {
  /** Always `sent`: the mock sent it to the client. */
  direction: 'sent';
  /** The event as sent. */
  event: Event;
  /**
   * Whether the SDK's protocol knew the event's type (a recorder writes what the transport said;
   * the mock leaves it out).
   */
  known?: boolean;
}

/**
 * One event of the log. `direction` is always as the server sees it, whoever wrote the log:
 * `received` is what the client sent, `sent` what the server sent.
 */
export type LogEntry = ReceivedEntry | SentEntry;

/**
 * What to look for: an event type (`'response.done'`), a predicate over the entry, or a
 * partial event matched field by field (`{ type: 'response.done', response: { status: 'cancelled' } }`;
 * nested objects match partially, arrays and primitives exactly).
 */
export type EventMatcher =
  | string
  | ((entry: LogEntry) => boolean)
  | ({
      /** The event type to match. */
      type?: string;
    } & Record<string, unknown>);

/** Narrowing of a search in the log. */
export interface LogQuery {
  /** Only entries of this direction. @default both */
  direction?: 'received' | 'sent';
  /** Only entries of this connection index. */
  connection?: number;
  /** Only entries with `seq >= since` (take it from {@link EventLog.mark} before acting). @default 0 */
  since?: number;
}

/** Options of {@link EventLog.waitFor}. */
export interface WaitForOptions extends LogQuery {
  /**
   * Give up after this long, rejecting with `VOXWIRE_TIMEOUT`.
   * @default 5000
   */
  timeoutMs?: number;
  /** Wait for the `nth` match (1-based). @default 1 */
  nth?: number;
  /** Rejects with `VOXWIRE_ABORTED` when aborted. */
  signal?: AbortSignal;
}

/** Options of {@link EventLog}. */
export interface EventLogOptions {
  /**
   * Keep the base64 audio of `input_audio_buffer.append` and `response.output_audio.delta` in the
   * log. Off by default, so an hour of streamed audio does not grow the log by hundreds of MB.
   * @default false
   */
  keepAudio?: boolean;
  /**
   * Entries kept; older ones are forgotten (their `seq` numbers are not reused).
   * @default 100000
   */
  maxEntries?: number;
  /** Timestamps and timeouts. @default the system clock */
  clock?: Clock;
  /**
   * How the logged connection carried audio (the header's `audio`): as events (WebSocket), or as
   * media (WebRTC: no audio events in the log).
   * @default 'events'
   */
  audio?: 'events' | 'media';
  /**
   * When the log started (ISO 8601; the header's `startedAt`).
   * @default the clock's time when the log is created
   */
  startedAt?: string;
}

/** True when `actual` contains everything `expected` describes (objects partially, the rest exactly). */
export function matchesPartial(actual: unknown, expected: unknown): boolean {
  if (expected === actual) return true;
  if (typeof expected !== 'object' || expected === null) return Object.is(expected, actual);
  if (typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    return expected.every((value, index) => matchesPartial(actual[index], value));
  }
  if (Array.isArray(actual)) return false;
  return Object.keys(expected).every((key) =>
    matchesPartial((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key]),
  );
}

/** Compiles a matcher into a predicate over entries. */
export function toPredicate(matcher: EventMatcher): (entry: LogEntry) => boolean {
  if (typeof matcher === 'string') return (entry) => entry.event.type === matcher;
  if (typeof matcher === 'function') return matcher;
  return (entry) => matchesPartial(entry.event, matcher);
}

/** Says what a matcher looks for, for failure messages. */
export function describeMatcher(matcher: EventMatcher): string {
  if (typeof matcher === 'string') return `'${matcher}'`;
  if (typeof matcher === 'function') return `an event matching ${matcher.name || 'the predicate'}`;
  return `an event matching ${JSON.stringify(matcher)}`;
}

interface Waiter {
  predicate: (entry: LogEntry) => boolean;
  remaining: number;
  resolve: (entry: LogEntry) => void;
  reject: (error: unknown) => void;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_WAIT_TIMEOUT_MS = 5000;
/** What replaces audio in an entry of a log that does not keep audio. */
export const AUDIO_PLACEHOLDER = '(audio omitted from the log; keepAudio: true keeps it)';

/**
 * An append-only log of wire events with waiting. Used by {@link MockRealtimeServer}; usable on
 * its own to record any event stream.
 *
 * @example
 * ```ts
 * const mark = server.log.mark();
 * socket.send(JSON.stringify({ type: 'response.create' }));
 * const done = await server.log.waitFor('response.done', { since: mark });
 * ```
 */
export class EventLog {
  readonly #keepAudio: boolean;
  readonly #maxEntries: number;
  readonly #clock: Clock;
  readonly #audio: 'events' | 'media';
  readonly #startedAt: string;
  #entries: LogEntry[] = [];
  #lifecycle: LifecycleEntry[] = [];
  #nextSeq = 0;
  readonly #waiters = new Set<Waiter>();

  constructor(options: EventLogOptions = {}) {
    this.#keepAudio = options.keepAudio ?? false;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#clock = options.clock ?? systemClock;
    this.#audio = options.audio ?? 'events';
    this.#startedAt = options.startedAt ?? isoTime(this.#clock.now());
  }

  /** The first line of the log's file: format, version, start, whether audio is kept, how audio travelled. */
  get header(): LogHeader {
    return { kind: 'header', format: RECORDING_FORMAT, version: RECORDING_VERSION, startedAt: this.#startedAt, keepAudio: this.#keepAudio, audio: this.#audio };
  }

  /**
   * The connections' lives (connect, open, close, error), oldest first, as a recorder saw them.
   * The mock's log has none (`server.connections` says how each connection went).
   */
  get lifecycle(): readonly LifecycleEntry[] {
    return this.#lifecycle;
  }

  /** Every line of the log in order: the events and the connections' lives between them. */
  timeline(): LogLine[] {
    const lines: LogLine[] = [];
    let next = 0;
    for (const entry of this.#entries) {
      while (next < this.#lifecycle.length && this.#lifecycle[next]!.before <= entry.seq) lines.push(this.#lifecycle[next++]!);
      lines.push(entry);
    }
    while (next < this.#lifecycle.length) lines.push(this.#lifecycle[next++]!);
    return lines;
  }

  /**
   * The log as a file in the one log format: the {@link EventLog.header} line, then one JSON
   * line per entry of the {@link EventLog.timeline} (trailing newline). `toEventLog` reads it back.
   */
  toJsonl(): string {
    return [this.header, ...this.timeline()].map((line) => `${JSON.stringify(line)}\n`).join('');
  }

  /** Every entry still kept, oldest first. */
  get entries(): readonly LogEntry[] {
    return this.#entries;
  }

  /** The received client events, oldest first. */
  get received(): ReceivedEntry[] {
    return this.#entries.filter((entry): entry is ReceivedEntry => entry.direction === 'received');
  }

  /** The sent server events, oldest first. */
  get sent(): SentEntry[] {
    return this.#entries.filter((entry): entry is SentEntry => entry.direction === 'sent');
  }

  /** The `seq` the next entry will get: pass it as `since` to look only at what follows. */
  mark(): number {
    return this.#nextSeq;
  }

  /** Records a received client event. */
  recordReceived(
    connection: number,
    event: WireEvent,
    details: { valid: boolean; bytes: number; errorCode?: string },
  ): ReceivedEntry {
    const entry: ReceivedEntry = {
      seq: this.#nextSeq++,
      at: this.#clock.now(),
      connection,
      direction: 'received',
      event,
      valid: details.valid,
      bytes: details.bytes,
    };
    if (details.errorCode !== undefined) entry.errorCode = details.errorCode;
    this.#omitAudio(entry);
    this.#append(entry);
    return entry;
  }

  /** Records a sent server event (`known`: what the SDK's protocol said of its type, when a recorder knows it). */
  recordSent(connection: number, event: WireEvent, details: { known?: boolean } = {}): SentEntry {
    const entry: SentEntry = { seq: this.#nextSeq++, at: this.#clock.now(), connection, direction: 'sent', event };
    if (details.known !== undefined) entry.known = details.known;
    this.#omitAudio(entry);
    this.#append(entry);
    return entry;
  }

  /**
   * Records a moment of a connection's life (a recorder's `connect()`, open, close, or an error),
   * placed before the next event.
   */
  recordLifecycle(connection: number, change: LifecycleChange): LifecycleEntry {
    const entry = { before: this.#nextSeq, at: this.#clock.now(), connection, ...change } as LifecycleEntry;
    this.#pushLifecycle(entry);
    return entry;
  }

  /**
   * Appends a line read from a saved log as it is (its `seq`, time and details), for readers of
   * the format (`toEventLog`). Lines must come in order: an event's `seq` must not go back.
   *
   * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when an event's `seq` is below the log's mark.
   */
  restore(line: LogLine): void {
    if ('lifecycle' in line) {
      this.#pushLifecycle({ ...line, before: this.#nextSeq });
      return;
    }
    if (!Number.isInteger(line.seq) || line.seq < this.#nextSeq) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `EventLog.restore: seq ${line.seq} comes after seq ${this.#nextSeq - 1}; lines must be in order.`);
    }
    this.#nextSeq = line.seq + 1;
    this.#append(line);
  }

  /** Entries matching `matcher` within `query`, oldest first. */
  filter(matcher: EventMatcher, query: LogQuery = {}): LogEntry[] {
    const predicate = this.#queryPredicate(toPredicate(matcher), query);
    return this.#entries.filter(predicate);
  }

  /** The first entry matching `matcher` within `query`, if any. */
  find(matcher: EventMatcher, query: LogQuery = {}): LogEntry | undefined {
    const predicate = this.#queryPredicate(toPredicate(matcher), query);
    return this.#entries.find(predicate);
  }

  /**
   * Resolves with the first (or `nth`) entry matching `matcher`: one already in the log (from
   * `since` on) or one recorded later. Rejects with `VOXWIRE_TIMEOUT` after `timeoutMs`, with
   * `VOXWIRE_ABORTED` on `signal`, and with `VOXWIRE_CONNECTION_CLOSED` when the log is closed
   * (the server stopped).
   */
  waitFor(matcher: EventMatcher, options: WaitForOptions = {}): Promise<LogEntry> {
    const predicate = this.#queryPredicate(toPredicate(matcher), options);
    let remaining = Math.max(1, options.nth ?? 1);
    try {
      for (const entry of this.#entries) {
        if (predicate(entry) && --remaining === 0) return Promise.resolve(entry);
      }
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    return new Promise<LogEntry>((resolve, reject) => {
      const settle = (): void => {
        this.#waiters.delete(waiter);
        this.#clock.clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        predicate,
        remaining,
        resolve: (entry) => {
          settle();
          resolve(entry);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = (): void =>
        waiter.reject(new RealtimeError('VOXWIRE_ABORTED', `waitFor(${describeMatcher(matcher)}) was aborted.`, { cause: options.signal?.reason }));
      const timer = this.#clock.setTimeout(() => {
        const seen = this.#entries
          .filter((entry) => entry.seq >= (options.since ?? 0))
          .slice(-12)
          .map((entry) => `${entry.direction === 'sent' ? '→' : '←'}${entry.event.type}`)
          .join(' ');
        waiter.reject(
          new RealtimeError(
            'VOXWIRE_TIMEOUT',
            `waitFor(${describeMatcher(matcher)}) timed out after ${timeoutMs} ms` +
              `${remaining > 1 ? ` still needing ${remaining} more match(es)` : ''}. Last events: ${seen || '(none)'}.`,
          ),
        );
      }, timeoutMs);
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Forgets every entry (sequence numbers keep counting). Pending waits keep waiting. */
  clear(): void {
    this.#entries = [];
    this.#lifecycle = [];
  }

  /** Rejects every pending {@link EventLog.waitFor}; used when the server stops. */
  rejectWaiters(reason: string): void {
    for (const waiter of [...this.#waiters]) {
      waiter.reject(new RealtimeError('VOXWIRE_CONNECTION_CLOSED', reason));
    }
  }

  #queryPredicate(predicate: (entry: LogEntry) => boolean, query: LogQuery): (entry: LogEntry) => boolean {
    const since = query.since ?? 0;
    return (entry) =>
      entry.seq >= since &&
      (query.direction === undefined || entry.direction === query.direction) &&
      (query.connection === undefined || entry.connection === query.connection) &&
      predicate(entry);
  }

  #omitAudio(entry: LogEntry): void {
    const field = AUDIO_FIELDS[entry.event.type];
    const audio = field === undefined ? undefined : entry.event[field];
    if (typeof audio !== 'string' || field === undefined) return;
    entry.audioBytes = base64ByteLength(audio);
    if (this.#keepAudio) return;
    entry.event = { ...entry.event, [field]: AUDIO_PLACEHOLDER };
    entry.audioOmitted = true;
  }

  #pushLifecycle(entry: LifecycleEntry): void {
    this.#lifecycle.push(entry);
    if (this.#lifecycle.length > this.#maxEntries + Math.ceil(this.#maxEntries / 4)) {
      this.#lifecycle = this.#lifecycle.slice(this.#lifecycle.length - this.#maxEntries);
    }
  }

  #append(entry: LogEntry): void {
    this.#entries.push(entry);
    // Trim in batches so a full log does not shift an array on every event.
    if (this.#entries.length > this.#maxEntries + Math.ceil(this.#maxEntries / 4)) {
      this.#entries = this.#entries.slice(this.#entries.length - this.#maxEntries);
    }
    for (const waiter of [...this.#waiters]) {
      let matched = false;
      try {
        matched = waiter.predicate(entry);
      } catch (error) {
        waiter.reject(error);
        continue;
      }
      if (matched && --waiter.remaining === 0) waiter.resolve(entry);
    }
  }
}

/** What {@link EventLog.recordLifecycle} records: a {@link LifecycleEntry} without its place and time. */
export type LifecycleChange = LifecycleEntry extends infer Entry ? (Entry extends LifecycleEntry ? Omit<Entry, 'before' | 'at' | 'connection'> : never) : never;

function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}
