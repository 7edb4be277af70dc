/**
 * The mock server's record of the conversation on the wire: every client event it received
 * (parsed, or the raw text when it was not valid) and every server event it sent, each with the
 * connection it belongs to, a timestamp and a sequence number. Tests assert on it directly
 * (`server.received`, `server.sent`) or wait on it ({@link EventLog.waitFor}).
 */

import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';

/** Any wire event: an object with a dotted `type`. */
export interface WireEvent {
  /** The event's `type`. */
  type: string;
  [key: string]: unknown;
}

interface LogEntryBase {
  /** Position in the log, from 0, across both directions (see {@link EventLog.mark}). */
  seq: number;
  /** Index of the connection in `server.connections` (0 for the first connection). */
  connection: number;
  /** When it was recorded, by the server's clock (ms since the epoch by default). */
  at: number;
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
  /** Size of the frame in bytes. */
  bytes: number;
  /**
   * For `input_audio_buffer.append`: size of the decoded audio in bytes. Unless the server keeps
   * audio in its log, the event's `audio` field is replaced by a short placeholder.
   */
  audioBytes?: number;
}

/** A server event the mock sent. */
export interface SentEntry<Event extends WireEvent = WireEvent> extends LogEntryBase {
  /** Always `sent`: the mock sent it to the client. */
  direction: 'sent';
  /** The event as sent. */
  event: Event;
  /** For `response.output_audio.delta`: size of the audio in bytes (see {@link ReceivedEntry.audioBytes}). */
  audioBytes?: number;
}

/** One entry of the log. */
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
export const AUDIO_PLACEHOLDER = '(audio omitted from the log; set log.keepAudio to keep it)';

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
  #entries: LogEntry[] = [];
  #nextSeq = 0;
  readonly #waiters = new Set<Waiter>();

  constructor(options: EventLogOptions = {}) {
    this.#keepAudio = options.keepAudio ?? false;
    this.#maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.#clock = options.clock ?? systemClock;
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
      direction: 'received',
      seq: this.#nextSeq++,
      connection,
      at: this.#clock.now(),
      event,
      valid: details.valid,
      bytes: details.bytes,
    };
    if (details.errorCode !== undefined) entry.errorCode = details.errorCode;
    // Live (issue 14) streams input as `session.input_audio.append`.
    if ((event.type === 'input_audio_buffer.append' || event.type === 'session.input_audio.append') && typeof event.audio === 'string') {
      entry.audioBytes = base64ByteLength(event.audio);
      if (!this.#keepAudio) entry.event = { ...event, audio: AUDIO_PLACEHOLDER };
    }
    this.#append(entry);
    return entry;
  }

  /** Records a sent server event. */
  recordSent(connection: number, event: WireEvent): SentEntry {
    const entry: SentEntry = { direction: 'sent', seq: this.#nextSeq++, connection, at: this.#clock.now(), event };
    if ((event.type === 'response.output_audio.delta' || event.type === 'session.output_audio.delta') && typeof event.delta === 'string') {
      entry.audioBytes = base64ByteLength(event.delta);
      if (!this.#keepAudio) entry.event = { ...event, delta: AUDIO_PLACEHOLDER };
    }
    this.#append(entry);
    return entry;
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

function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}
