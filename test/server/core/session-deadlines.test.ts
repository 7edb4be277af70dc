import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import { DeadlineQueue, type Deadline } from '../../../src/server/core/session-deadlines';
import { FakeClock } from '../../helpers/fake-clock';
import { FakeSocket, frame } from '../fakes';

const info = { remoteAddress: '127.0.0.1' };

async function openSessions(core: RelayCore, count: number) {
  const sessions = [];
  for (let index = 0; index < count; index += 1) {
    const admission = await core.admit(new Request(`http://relay.test/realtime?token=${index}`), info);
    if (admission.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(admission)}`);
    const client = new FakeSocket();
    const session = core.open(admission.ticket, client, new FakeSocket());
    sessions.push({ session, client });
  }
  return sessions;
}

function coreWith(clock: FakeClock, limits: { maxDurationMs: number; idleTimeoutMs: number; endingWarningMs?: number }): RelayCore {
  return new RelayCore({ model: 'gpt-realtime-2.1', authenticate: (request) => ({ userId: new URL(request.url).searchParams.get('token') ?? 'u' }), logger: silentLogger, clock, limits });
}

describe('session limits on one relay-wide timer', () => {
  it('holds one timer for every open session, not a few per session', async () => {
    const clock = new FakeClock();
    const core = coreWith(clock, { maxDurationMs: 600_000, idleTimeoutMs: 300_000 });
    await openSessions(core, 1);
    const withOne = clock.pendingDelays().length;
    await openSessions(core, 49);
    expect(core.sessionCount).toBe(50);
    // Before: a warning, a time limit and an idle check per session (150 timers for 50).
    expect(clock.pendingDelays().length).toBe(withOne);
    expect(withOne).toBe(1);
  });

  it('ends each session on its own idle time and time limit, in order, and lets ended sessions go', async () => {
    const clock = new FakeClock();
    const core = coreWith(clock, { maxDurationMs: 60_000, idleTimeoutMs: 10_000, endingWarningMs: 5_000 });
    const sessions = await openSessions(core, 3);
    const [a, b, c] = sessions as [(typeof sessions)[number], (typeof sessions)[number], (typeof sessions)[number]];
    // b speaks at 4 s and c at 8 s; a stays silent.
    await clock.advance(4_000);
    b.session.handleUpstreamFrame(frame({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 0, item_id: 'i' }));
    await clock.advance(4_000);
    c.session.handleUpstreamFrame(frame({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 0, item_id: 'i' }));
    await clock.advance(1_999);
    expect(a.client.closed).toBeUndefined();
    await clock.advance(1);
    expect(a.session.endReason).toBe('idle');
    expect(a.client.closed?.code).toBe(CLOSE_CODES.sessionTimeLimit);
    await clock.advance(3_999);
    expect(b.client.closed).toBeUndefined();
    await clock.advance(1);
    expect(b.session.endReason).toBe('idle');
    expect(c.client.closed).toBeUndefined();
    // c stays active (a speech every 9 s) until its time limit: warned 5 s ahead, then ended.
    for (let at = 17_000; at < 60_000; at += 9_000) {
      await clock.advance(at - clock.now());
      c.session.handleUpstreamFrame(frame({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 0, item_id: 'i' }));
    }
    await clock.advance(54_999 - clock.now());
    expect(c.client.ofType('voxwire.session.ending')).toEqual([]);
    await clock.advance(1);
    expect(c.client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 5, reason: 'time_limit' })]);
    await clock.advance(5_000);
    expect(c.session.endReason).toBe('time_limit');
    expect(core.sessionCount).toBe(0);
    // Nothing of the ended sessions is left armed.
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('a session ended early leaves the queue at once', async () => {
    const clock = new FakeClock();
    const core = coreWith(clock, { maxDurationMs: 600_000, idleTimeoutMs: 300_000 });
    const sessions = await openSessions(core, 3);
    for (const { session } of sessions) session.handleClientClose(1000, '');
    expect(clock.pendingDelays()).toEqual([]);
  });
});

describe('the queue\'s time', () => {
  it('counts whole milliseconds from the queue\'s making, whatever the clock reads (a date, fractions)', async () => {
    const clock = new FakeClock(1_765_000_000_123.75);
    const queue = new DeadlineQueue(clock);
    expect(queue.now()).toBe(0);
    await clock.advance(2_500.5);
    expect(queue.now()).toBe(2_500);
    expect(Number.isInteger(queue.now())).toBe(true);
  });

  it('ends sessions on a date-valued clock exactly as on one that starts at 0', async () => {
    const clock = new FakeClock(1_765_000_000_000);
    const core = coreWith(clock, { maxDurationMs: 60_000, idleTimeoutMs: 10_000, endingWarningMs: 5_000 });
    const [idle, busy] = (await openSessions(core, 2)) as Array<{ session: ReturnType<RelayCore['open']>; client: FakeSocket }> as [{ session: ReturnType<RelayCore['open']>; client: FakeSocket }, { session: ReturnType<RelayCore['open']>; client: FakeSocket }];
    const speak = (): void => busy.session.handleUpstreamFrame(frame({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 0, item_id: 'i' }));
    await clock.advance(5_000);
    speak();
    await clock.advance(4_999);
    expect(idle.session.ended).toBe(false);
    await clock.advance(1);
    expect(idle.session.endReason).toBe('idle');
    for (let at = 14_000; at <= 50_000; at += 9_000) {
      await clock.advance(1_765_000_000_000 + at - clock.now());
      speak();
    }
    await clock.advance(1_765_000_000_000 + 54_999 - clock.now());
    expect(busy.client.ofType('voxwire.session.ending')).toEqual([]);
    await clock.advance(1);
    expect(busy.client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 5, reason: 'time_limit' })]);
    await clock.advance(5_000);
    expect(busy.session.endReason).toBe('time_limit');
    expect(clock.pendingDelays()).toEqual([]);
  });
});

describe('DeadlineQueue', () => {
  class Entry implements Deadline {
    at = 0;
    index = -1;
    constructor(
      readonly name: number,
      readonly fired: Array<[name: number, at: number]>,
    ) {}
    fire(now: number): void {
      this.fired.push([this.name, now]);
    }
  }

  it('fires every entry once at its latest schedule, in time order, whatever the schedules and cancels', async () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), entry: fc.nat(9), at: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ kind: fc.constant('cancel' as const), entry: fc.nat(9) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const clock = new FakeClock();
        const queue = new DeadlineQueue(clock);
        const fired: Array<[number, number]> = [];
        const entries = Array.from({ length: 10 }, (_, name) => new Entry(name, fired));
        const expected = new Map<number, number>();
        for (const step of ops) {
          const entry = entries[step.entry] as Entry;
          if (step.kind === 'schedule') {
            queue.schedule(entry, step.at);
            expected.set(step.entry, step.at);
          } else {
            queue.cancel(entry);
            expected.delete(step.entry);
          }
        }
        expect(queue.size).toBe(expected.size);
        await clock.advance(1000);
        expect(fired.map(([, at]) => at)).toEqual([...fired.map(([, at]) => at)].sort((x, y) => x - y));
        expect(new Map(fired)).toEqual(expected);
        expect(fired.length).toBe(expected.size);
        expect(queue.size).toBe(0);
        expect(clock.pendingDelays()).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
