/**
 * What a MockLiveServer billed: the cumulative seconds it sent (each `session.usage.updated`,
 * then `session.closed`), for tests that check a client's or relay's usage against the API's
 * own count rather than against `> 0`.
 */
import type { EventLog } from '../../src/testing/recording/event-log';

const REPORTS = new Set(['session.usage.updated', 'session.closed']);

/** The cumulative seconds the mock reported, in order, on connection `connection` (every connection when omitted). */
export function reportedLiveSeconds(log: EventLog, connection?: number): number[] {
  return log
    .filter((entry) => REPORTS.has(entry.event.type), { direction: 'sent', ...(connection === undefined ? {} : { connection }) })
    .map((entry) => (entry.event as unknown as { usage: { seconds: number } }).usage.seconds);
}
