import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../../../src/base/errors';
import { EventLog, matchesPartial } from '../../../src/testing/recording/event-log';
import { eventTypes, expectEvent, expectNoEvent, waitFor } from '../../../src/testing/assert/expect';

function filled(): EventLog {
  const log = new EventLog();
  log.recordReceived(0, { type: 'session.update', session: { type: 'realtime' } }, { valid: true, bytes: 40 });
  log.recordSent(0, { type: 'session.updated', session: { id: 'sess_1', audio: { output: { voice: 'marin' } } } });
  log.recordReceived(1, { type: 'response.create' }, { valid: true, bytes: 20 });
  log.recordSent(1, { type: 'response.done', response: { status: 'cancelled', output: [] } });
  return log;
}

describe('EventLog', () => {
  it('records both directions with sequence numbers, connections and timestamps', () => {
    const log = filled();
    expect(log.entries.map((entry) => [entry.seq, entry.direction, entry.connection, entry.event.type])).toEqual([
      [0, 'received', 0, 'session.update'],
      [1, 'sent', 0, 'session.updated'],
      [2, 'received', 1, 'response.create'],
      [3, 'sent', 1, 'response.done'],
    ]);
    expect(log.received).toHaveLength(2);
    expect(log.sent).toHaveLength(2);
    expect(log.entries[0]!.at).toBeGreaterThan(1_600_000_000_000);
    expect(log.mark()).toBe(4);
  });

  it('matches by type, by partial event (nested), and by predicate, within a query', () => {
    const log = filled();
    expect(log.filter('response.done')).toHaveLength(1);
    expect(log.filter({ type: 'session.updated', session: { audio: { output: { voice: 'marin' } } } })).toHaveLength(1);
    expect(log.filter({ session: { audio: { output: { voice: 'alloy' } } } })).toHaveLength(0);
    expect(log.filter((entry) => entry.connection === 1)).toHaveLength(2);
    expect(log.filter(() => true, { direction: 'sent', connection: 0 })).toHaveLength(1);
    expect(log.filter(() => true, { since: 3 })).toHaveLength(1);
    expect(matchesPartial({ a: [1, 2] }, { a: [1, 2] })).toBe(true);
    expect(matchesPartial({ a: [1, 2, 3] }, { a: [1, 2] })).toBe(false);
    expect(matchesPartial({ a: null }, { a: {} })).toBe(false);
  });

  it('waitFor resolves from history, from the future, for the nth match, and only since a mark', async () => {
    const log = filled();
    await expect(log.waitFor('response.done')).resolves.toMatchObject({ seq: 3 });
    const mark = log.mark();
    const future = log.waitFor('response.done', { since: mark });
    const second = log.waitFor('response.create', { nth: 2 });
    log.recordReceived(0, { type: 'response.create' }, { valid: true, bytes: 20 });
    log.recordSent(0, { type: 'response.done', response: { status: 'completed' } });
    await expect(future).resolves.toMatchObject({ seq: 5, event: { response: { status: 'completed' } } });
    await expect(second).resolves.toMatchObject({ seq: 4 });
  });

  it('waitFor rejects on timeout (listing what it saw), on abort and when the log closes', async () => {
    const log = filled();
    const timedOut = await log.waitFor('response.created', { timeoutMs: 20 }).catch((error: unknown) => error);
    expect(isRealtimeError(timedOut, 'VOXWIRE_TIMEOUT')).toBe(true);
    expect((timedOut as Error).message).toContain('→response.done');
    const controller = new AbortController();
    const aborted = log.waitFor('response.created', { signal: controller.signal }).catch((error: unknown) => error);
    controller.abort();
    expect(isRealtimeError(await aborted, 'VOXWIRE_ABORTED')).toBe(true);
    const closing = log.waitFor('response.created').catch((error: unknown) => error);
    log.rejectWaiters('stopped');
    expect(isRealtimeError(await closing, 'VOXWIRE_CONNECTION_CLOSED')).toBe(true);
  });

  it('keeps audio out of the log unless asked, and bounds its size', () => {
    const log = new EventLog({ maxEntries: 10 });
    log.recordReceived(0, { type: 'input_audio_buffer.append', audio: 'AAAAAAAA' }, { valid: true, bytes: 60 });
    log.recordSent(0, { type: 'response.output_audio.delta', delta: 'AAAA' });
    expect(log.entries[0]).toMatchObject({ audioBytes: 6, event: { audio: expect.stringContaining('omitted') } });
    expect(log.entries[1]).toMatchObject({ audioBytes: 3, event: { delta: expect.stringContaining('omitted') } });
    const keeping = new EventLog({ keepAudio: true });
    keeping.recordReceived(0, { type: 'input_audio_buffer.append', audio: 'AAAA' }, { valid: true, bytes: 60 });
    expect(keeping.entries[0]!.event.audio).toBe('AAAA');
    for (let i = 0; i < 100; i++) log.recordSent(0, { type: 'rate_limits.updated' });
    expect(log.entries.length).toBeLessThanOrEqual(13);
    expect(log.entries.at(-1)!.seq).toBe(101);
  });
});

describe('expect helpers', () => {
  it('expectEvent returns the first match, checks counts, and explains failures', () => {
    const log = filled();
    expect(expectEvent(log, { type: 'response.done', response: { status: 'cancelled' } }).seq).toBe(3);
    expect(expectEvent({ log }, 'response.create', { direction: 'received', count: 1 }).seq).toBe(2);
    let failure: unknown;
    try {
      expectEvent(log, 'response.create', { count: 2 });
    } catch (error) {
      failure = error;
    }
    expect(isRealtimeError(failure, 'VOXWIRE_EXPECTATION_FAILED')).toBe(true);
    expect((failure as Error).message).toMatch(/expected 2 × 'response.create', found 1\. Recorded: .*←response\.create#1/);
    expect(() => expectEvent(log, 'error')).toThrow(/expected 'error', found none/);
  });

  it('expectNoEvent, waitFor and eventTypes', async () => {
    const log = filled();
    expectNoEvent(log, 'error');
    expect(() => expectNoEvent(log, 'response.done')).toThrow(/expected no 'response.done'/);
    await expect(waitFor(log, 'session.updated')).resolves.toMatchObject({ seq: 1 });
    expect(eventTypes(log, () => true, { direction: 'sent' })).toEqual(['session.updated', 'response.done']);
  });
});
