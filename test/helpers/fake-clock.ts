import type { Clock } from '../../src/base/clock';

/** A manual clock: timers fire only when the test advances time. */
export class FakeClock implements Clock {
  private current: number;
  private nextHandle = 1;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();

  /** `startMs`: where time starts, in Unix milliseconds (a date, for checks that read one). */
  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, { at: this.current + Math.max(0, delayMs), callback });
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** Delays of the timers now pending, relative to now, in order. */
  pendingDelays(): number[] {
    return [...this.pending.values()].map((timer) => timer.at - this.current).sort((a, b) => a - b);
  }

  /** Advances time, firing due timers in order (including timers they schedule). */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    for (let guard = 0; guard < 10_000; guard += 1) {
      const due = [...this.pending.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.current = due[1].at;
      due[1].callback();
      await flushMicrotasks();
    }
    this.current = until;
    await flushMicrotasks();
  }
}

/** Lets promise chains settle. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await Promise.resolve();
}
