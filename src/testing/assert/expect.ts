/**
 * Assertions over a recorded log of wire events (the mock server's, a recording, a fixture
 * file), usable with any test runner: they throw (or reject) a {@link RealtimeError} whose
 * message lists what was recorded instead.
 */

import { RealtimeError } from '../../base/errors';
import type { EventLog, EventMatcher, LogEntry, LogQuery, WaitForOptions } from '../recording/event-log';
import { describeMatcher, toPredicate } from '../recording/event-log';
import { toEventLog } from '../recording/read-log';
import type { WireLogSource } from '../recording/read-log';

/**
 * Anything holding a log of wire events: the log itself, a `MockRealtimeServer`, a recording,
 * fixture lines or their JSONL text (read with {@link toEventLog}).
 */
export type EventLogSource = WireLogSource;

/** Options of {@link expectEvent}. */
export interface ExpectEventOptions extends LogQuery {
  /** Require exactly this many matches, at least 1 (by default: at least one; for none use {@link expectNoEvent}). */
  count?: number;
}

function logOf(source: EventLogSource): EventLog {
  return toEventLog(source);
}

function recent(log: EventLog, query: LogQuery): string {
  const entries = log.entries.filter(
    (entry) =>
      entry.seq >= (query.since ?? 0) &&
      (query.direction === undefined || entry.direction === query.direction) &&
      (query.connection === undefined || entry.connection === query.connection),
  );
  const shown = entries.slice(-20).map((entry) => `${entry.direction === 'sent' ? '→' : '←'}${entry.event.type}#${entry.connection}`);
  return shown.length === 0 ? '(nothing)' : `${entries.length > 20 ? '… ' : ''}${shown.join(' ')}`;
}

/**
 * Asserts that the log holds an event matching `matcher` (exactly `count` of them when given)
 * and returns the first match. Throws `VOXWIRE_EXPECTATION_FAILED` listing the recent events
 * otherwise.
 *
 * @example
 * ```ts
 * expectEvent(server, { type: 'response.done', response: { status: 'cancelled' } });
 * expectEvent(server, 'response.create', { direction: 'received', count: 1 });
 * ```
 */
export function expectEvent(source: EventLogSource, matcher: EventMatcher, options: ExpectEventOptions = {}): LogEntry {
  if (options.count !== undefined && (!Number.isInteger(options.count) || options.count < 1)) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `expectEvent: count must be a whole number >= 1, got ${options.count}; use expectNoEvent to assert absence.`,
    );
  }
  const log = logOf(source);
  const matches = log.filter(matcher, options);
  const scope = describeScope(options);
  if (options.count !== undefined && matches.length !== options.count) {
    throw new RealtimeError(
      'VOXWIRE_EXPECTATION_FAILED',
      `expected ${options.count} × ${describeMatcher(matcher)}${scope}, found ${matches.length}. Recorded: ${recent(log, options)}`,
    );
  }
  const first = matches[0];
  if (first === undefined) {
    throw new RealtimeError('VOXWIRE_EXPECTATION_FAILED', `expected ${describeMatcher(matcher)}${scope}, found none. Recorded: ${recent(log, options)}`);
  }
  return first;
}

/**
 * Asserts that the log holds no event matching `matcher`.
 *
 * @example
 * ```ts
 * expectNoEvent(server, { type: 'error' }, { since: mark });
 * ```
 */
export function expectNoEvent(source: EventLogSource, matcher: EventMatcher, options: LogQuery = {}): void {
  const log = logOf(source);
  const found = log.find(matcher, options);
  if (found !== undefined) {
    throw new RealtimeError(
      'VOXWIRE_EXPECTATION_FAILED',
      `expected no ${describeMatcher(matcher)}${describeScope(options)}, found one (seq ${found.seq}): ${JSON.stringify(found.event).slice(0, 300)}`,
    );
  }
}

/**
 * Waits for an event matching `matcher` in the log (see {@link EventLog.waitFor}).
 *
 * @example
 * ```ts
 * const mark = server.mark();
 * client.sendText('Hello');
 * await waitFor(server, 'response.done', { since: mark });
 * ```
 */
export function waitFor(source: EventLogSource, matcher: EventMatcher, options: WaitForOptions = {}): Promise<LogEntry> {
  return logOf(source).waitFor(matcher, options);
}

/**
 * The types of the matching events, in order: handy for asserting a sequence.
 *
 * @example
 * ```ts
 * expect(eventTypes(server, (entry) => entry.event.type.startsWith('response.'), { since: mark })).toEqual([...]);
 * ```
 */
export function eventTypes(source: EventLogSource, matcher: EventMatcher = () => true, options: LogQuery = {}): string[] {
  const predicate = toPredicate(matcher);
  return logOf(source)
    .filter(predicate, options)
    .map((entry) => entry.event.type);
}

function describeScope(query: LogQuery): string {
  const parts: string[] = [];
  if (query.direction) parts.push(query.direction);
  if (query.connection !== undefined) parts.push(`on connection ${query.connection}`);
  if (query.since !== undefined) parts.push(`since seq ${query.since}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
