/**
 * The session object's clock over its one alarm: timers kept in order, the alarm armed for the
 * earliest, disarmed when none is left, and `fire()` running what is due.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/base/logger';
import { AlarmClock } from '../../../src/server/cloudflare/alarm-clock';
import type { DurableObjectStorageLike } from '../../../src/server/cloudflare/platform';

/** A storage whose one alarm the test reads; `ring()` is the platform running it (a run alarm is no longer set). */
function alarmStorage(): DurableObjectStorageLike & { alarm: number | null; arms: number; ring(clock: AlarmClock): void } {
  const storage = {
    alarm: null as number | null,
    arms: 0,
    get: async () => undefined,
    put: async () => undefined,
    delete: async () => false,
    list: async () => new Map(),
    setAlarm: async (at: number) => {
      storage.alarm = at;
      storage.arms += 1;
    },
    deleteAlarm: async () => {
      storage.alarm = null;
    },
    ring: (clock: AlarmClock) => {
      storage.alarm = null;
      clock.fire();
    },
  };
  return storage;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AlarmClock', () => {
  it('arms the alarm for the earliest timer, runs what is due when it fires, then arms the next', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const storage = alarmStorage();
    const clock = new AlarmClock(storage, silentLogger);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('end'), 3000);
    clock.setTimeout(() => fired.push('warning'), 2000);
    expect(storage.alarm).toBe(1_002_000);
    // An early run (alarms may be retried) fires nothing and arms again.
    storage.ring(clock);
    expect(fired).toEqual([]);
    expect(storage.alarm).toBe(1_002_000);
    vi.setSystemTime(1_002_000);
    storage.ring(clock);
    expect(fired).toEqual(['warning']);
    expect(storage.alarm).toBe(1_003_000);
    vi.setSystemTime(1_003_500);
    storage.ring(clock);
    expect(fired).toEqual(['warning', 'end']);
    expect(storage.alarm).toBeNull();
  });

  it('disarms a cleared timer and does not re-arm for the same time', () => {
    vi.useFakeTimers({ now: 5000 });
    const storage = alarmStorage();
    const clock = new AlarmClock(storage, silentLogger);
    const first = clock.setTimeout(() => undefined, 100);
    clock.setTimeout(() => undefined, 100);
    expect(storage.arms).toBe(1);
    clock.clearTimeout(first);
    expect(storage.arms).toBe(1);
    clock.clearTimeout('not a handle');
    const fired: number[] = [];
    const late = clock.setTimeout(() => fired.push(1), 50);
    expect(storage.alarm).toBe(5050);
    clock.clearTimeout(late);
    expect(storage.alarm).toBe(5100);
  });

  it('keeps firing the others when a callback throws, and reports it', () => {
    vi.useFakeTimers({ now: 0 });
    const errors: string[] = [];
    const clock = new AlarmClock(alarmStorage(), { ...silentLogger, error: (message) => errors.push(message) });
    const fired: string[] = [];
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 10);
    clock.setTimeout(() => fired.push('next'), 10);
    vi.setSystemTime(10);
    clock.fire();
    expect(fired).toEqual(['next']);
    expect(errors).toEqual(['relay: a session alarm callback threw']);
  });
});
