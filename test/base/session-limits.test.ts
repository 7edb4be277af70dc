import { describe, expect, it } from 'vitest';
import { SessionLimits } from '../../src/base/session-limits';
import type { SessionLimitKind } from '../../src/base/session-limits';
import { FakeClock } from '../helpers/fake-clock';

function rig(options: { maxDurationMs?: number; idleMs?: number; warningMs: number }) {
  const clock = new FakeClock();
  const log: Array<[string, SessionLimitKind, number?]> = [];
  const limits = new SessionLimits({
    clock,
    ...options,
    onWarning: (kind, remainingMs) => log.push(['warning', kind, remainingMs]),
    onEnd: (kind) => log.push(['end', kind]),
  });
  return { clock, log, limits };
}

describe('SessionLimits', () => {
  it('warns ahead of the maximum duration, then ends once at it', async () => {
    const { clock, log, limits } = rig({ maxDurationMs: 60_000, warningMs: 10_000 });
    limits.start();
    await clock.advance(49_999);
    expect(log).toEqual([]);
    await clock.advance(1);
    expect(log).toEqual([['warning', 'time_limit', 10_000]]);
    await clock.advance(10_000);
    expect(log).toEqual([['warning', 'time_limit', 10_000], ['end', 'time_limit']]);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('counts idleness from the last touch; activity after the warning re-arms it', async () => {
    const { clock, log, limits } = rig({ idleMs: 30_000, warningMs: 10_000 });
    limits.start();
    await clock.advance(15_000);
    limits.touch();
    await clock.advance(19_999);
    expect(log).toEqual([]);
    await clock.advance(1);
    expect(log).toEqual([['warning', 'idle', 10_000]]);
    limits.touch();
    await clock.advance(20_000);
    expect(log).toEqual([['warning', 'idle', 10_000], ['warning', 'idle', 10_000]]);
    await clock.advance(10_000);
    expect(log.at(-1)).toEqual(['end', 'idle']);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('a resumed start keeps counting the duration from the first start; stop() disarms everything', async () => {
    const { clock, log, limits } = rig({ maxDurationMs: 10_000, idleMs: 50_000, warningMs: 2_000 });
    limits.start();
    await clock.advance(4_000);
    limits.stop();
    // A reconnect: the duration is not disarmed, nor started over.
    await clock.advance(1_000);
    limits.start({ resume: true });
    await clock.advance(2_999);
    expect(log).toEqual([]);
    await clock.advance(1);
    expect(log).toEqual([['warning', 'time_limit', 2_000]]);
    // A second resume after the warning does not warn again, and ends on time.
    limits.stop();
    limits.start({ resume: true });
    await clock.advance(2_000);
    expect(log).toEqual([['warning', 'time_limit', 2_000], ['end', 'time_limit']]);
    limits.stop();
    await clock.advance(100_000);
    expect(log).toHaveLength(2);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('a warning listener that stops the limits leaves no timer behind', async () => {
    const clock = new FakeClock();
    const ends: SessionLimitKind[] = [];
    const limits: SessionLimits = new SessionLimits({
      clock,
      idleMs: 1_000,
      warningMs: 500,
      onWarning: () => limits.stop(),
      onEnd: (kind) => ends.push(kind),
    });
    limits.start();
    await clock.advance(5_000);
    expect(ends).toEqual([]);
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('treats undefined and infinite limits as off', async () => {
    const { clock, log, limits } = rig({ maxDurationMs: Number.POSITIVE_INFINITY, warningMs: 1_000 });
    limits.start();
    expect(clock.pendingDelays()).toEqual([]);
    await clock.advance(1e9);
    expect(log).toEqual([]);
  });
});
