/**
 * A {@link Clock} whose timers are a Durable Object's alarm: the object has one alarm, so the
 * clock keeps its timers in order and arms the alarm for the earliest; the object's `alarm()`
 * calls {@link AlarmClock.fire}. Used for the session time limit, so the limit is the
 * platform's own scheduler (an alarm is durable and retried), not a timer in the isolate.
 */
import type { Clock } from '../../base/clock';
import type { Logger } from '../../base/logger';
import type { DurableObjectStorageLike } from './platform';

interface AlarmTimer {
  readonly at: number;
  readonly callback: () => void;
}

/** A clock over one Durable Object's alarm. */
export class AlarmClock implements Clock {
  readonly #storage: DurableObjectStorageLike;
  readonly #logger: Logger;
  readonly #timers = new Map<number, AlarmTimer>();
  #nextHandle = 1;
  #armedAt: number | undefined;

  constructor(storage: DurableObjectStorageLike, logger: Logger) {
    this.#storage = storage;
    this.#logger = logger;
  }

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const handle = this.#nextHandle;
    this.#nextHandle += 1;
    this.#timers.set(handle, { at: Date.now() + Math.max(0, delayMs), callback });
    this.#arm();
    return handle;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number' && this.#timers.delete(handle)) this.#arm();
  }

  /** Runs the timers that are due (call it from the object's `alarm()`), then arms the next. */
  fire(): void {
    this.#armedAt = undefined;
    const now = Date.now();
    const due = [...this.#timers].filter(([, timer]) => timer.at <= now).sort((a, b) => a[1].at - b[1].at);
    for (const [handle] of due) this.#timers.delete(handle);
    for (const [, timer] of due) {
      try {
        timer.callback();
      } catch (error) {
        this.#logger.error('relay: a session alarm callback threw', { error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.#arm();
  }

  #arm(): void {
    let earliest: number | undefined;
    for (const timer of this.#timers.values()) if (earliest === undefined || timer.at < earliest) earliest = timer.at;
    if (earliest === this.#armedAt) return;
    this.#armedAt = earliest;
    const done = earliest === undefined ? this.#storage.deleteAlarm() : this.#storage.setAlarm(earliest);
    done.catch((error: unknown) => this.#logger.error('relay: arming the session alarm failed', { error: error instanceof Error ? error.message : String(error) }));
  }
}
