/**
 * The relay's session time limits on one timer for the whole relay. Each session keeps its
 * limits as a few numbers ({@link SessionDeadline}); the relay's {@link DeadlineQueue} holds
 * them in a binary heap by when they are next due and arms a single clock timer for the
 * earliest. An idle relay session then costs no timer, closure or callback of its own: with
 * hundreds of sessions open, per-session `setTimeout`s (each a timer object, a callback and
 * its context) were most of what a relayed session held beyond its two sockets.
 *
 * The rules are those of `SessionLimits` (src/base/session-limits.ts), which the client uses:
 * the time limit is announced `warningMs` ahead and ends the session at the maximum duration;
 * the idle limit ends it `idleMs` after the last activity (the relay announces an idle end as
 * it happens, never ahead: activity would make an early warning a false alarm).
 *
 * Times are milliseconds since the queue was made ({@link DeadlineQueue.now}), not the clock's
 * own reading: with the platform clock they are small whole numbers, which V8 keeps in the
 * session's object itself, where `Date.now()`'s 13-digit values each took a boxed number of
 * 16 bytes per field and session (a heap snapshot of idle relay sessions, 2026-12-07).
 */
import type { Clock } from '../../base/clock';
import type { SessionLimitKind } from '../../base/session-limits';

/** An entry of a {@link DeadlineQueue}: when it is due, and what runs then. */
export interface Deadline {
  /** When it is next due, in the queue's time ({@link DeadlineQueue.now}); read only while it is queued. */
  at: number;
  /** Its place in the queue's heap (-1: not queued). Owned by the queue. */
  index: number;
  /** Called once `at` has passed; may {@link DeadlineQueue.schedule} itself again. */
  fire(now: number): void;
}

/** Many deadlines on one timer of `clock`, armed for the earliest. */
export class DeadlineQueue {
  readonly #clock: Clock;
  /** The clock's reading when the queue was made: its time 0. */
  readonly #epoch: number;
  readonly #heap: Deadline[] = [];
  #timer: unknown;
  /** When the armed timer fires (`Infinity`: none armed). */
  #armedFor = Infinity;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#epoch = clock.now();
  }

  /**
   * The queue's time: whole milliseconds since it was made, on its clock (a clock with fractions
   * is read to the millisecond below). Deadlines are in this time. `Math.floor` also hands V8 a
   * small integer where the subtraction alone gives a boxed number, which would widen every
   * session's time fields to boxes.
   */
  now(): number {
    return Math.floor(this.#clock.now() - this.#epoch);
  }

  /** Deadlines queued. */
  get size(): number {
    return this.#heap.length;
  }

  /** Queues `entry` for `at` (moving it when it is queued already). */
  schedule(entry: Deadline, at: number): void {
    const heap = this.#heap;
    if (entry.index < 0) {
      entry.at = at;
      entry.index = heap.length;
      heap.push(entry);
      this.#up(entry.index);
    } else {
      const later = at > entry.at;
      entry.at = at;
      if (later) this.#down(entry.index);
      else this.#up(entry.index);
    }
    this.#arm();
  }

  /** Takes `entry` out of the queue (nothing when it is not queued). */
  cancel(entry: Deadline): void {
    const index = entry.index;
    if (index < 0) return;
    const heap = this.#heap;
    const last = heap.pop() as Deadline;
    entry.index = -1;
    if (last !== entry) {
      heap[index] = last;
      last.index = index;
      this.#down(index);
      this.#up(last.index);
    }
    if (heap.length === 0) this.#disarm();
  }

  /** Stops the timer and forgets every entry. */
  clear(): void {
    for (const entry of this.#heap) entry.index = -1;
    this.#heap.length = 0;
    this.#disarm();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = this.now();
    const heap = this.#heap;
    // Entries re-queued for now or earlier run in the next round, so a loop cannot spin here.
    const due: Deadline[] = [];
    while (heap.length > 0 && (heap[0] as Deadline).at <= now) {
      const entry = heap[0] as Deadline;
      this.cancel(entry);
      due.push(entry);
    }
    for (const entry of due) entry.fire(now);
    this.#arm();
  };

  #arm(): void {
    const first = this.#heap[0];
    if (first === undefined) return;
    if (first.at >= this.#armedFor) return;
    this.#disarm();
    this.#armedFor = first.at;
    this.#timer = this.#clock.setTimeout(this.#fire, Math.max(0, first.at - this.now()));
    // The queue alone must not keep a process alive (Node timers have unref; others need not).
    (this.#timer as { unref?: () => void } | undefined)?.unref?.();
  }

  #disarm(): void {
    if (this.#timer === undefined) return;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Infinity;
  }

  #up(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as Deadline;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Deadline;
      if (parent.at <= entry.at) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const entry = heap[index] as Deadline;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && (heap[right] as Deadline).at < (heap[left] as Deadline).at ? right : left;
      const candidate = heap[child] as Deadline;
      if (candidate.at >= entry.at) break;
      heap[index] = candidate;
      candidate.index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}

/** What a session's limits tell it. */
export interface SessionDeadlineOwner {
  /** The time limit is `secondsLeft` seconds away. */
  warnEnding(secondsLeft: number, reason: 'time_limit'): void;
  /** A limit is reached. */
  end(reason: SessionLimitKind): void;
}

/**
 * One session's time and idle limits, due on the relay's {@link DeadlineQueue}. Its numbers
 * are whole milliseconds of the queue's time, no `Infinity` among them (a limit that is off is
 * left out when the next deadline is worked out), so V8 keeps each in the object.
 */
export class SessionDeadline implements Deadline {
  at = 0;
  index = -1;
  readonly #owner: SessionDeadlineOwner;
  readonly #queue: DeadlineQueue;
  readonly #maxDurationMs: number;
  readonly #idleMs: number;
  readonly #warningMs: number;
  /** When {@link start} ran. */
  #startedAt = 0;
  #lastActivityAt = 0;
  #warned = false;
  #running = false;

  /**
   * `maxDurationMs`: the session ends this long after {@link start}; `idleMs`: after this long
   * without {@link touch}; `warningMs`: the time limit is announced this long ahead.
   * `Infinity` turns a limit off.
   */
  constructor(owner: SessionDeadlineOwner, queue: DeadlineQueue, maxDurationMs: number, idleMs: number, warningMs: number) {
    this.#owner = owner;
    this.#queue = queue;
    this.#maxDurationMs = maxDurationMs;
    this.#idleMs = idleMs;
    this.#warningMs = warningMs;
  }

  /** Starts counting both limits from now. */
  start(): void {
    const now = this.#queue.now();
    this.#running = true;
    this.#startedAt = now;
    this.#lastActivityAt = now;
    this.#schedule();
  }

  /** Activity: the idle limit counts from now. */
  touch(): void {
    this.#lastActivityAt = this.#queue.now();
  }

  /** Disarms both limits. */
  stop(): void {
    this.#running = false;
    this.#queue.cancel(this);
  }

  fire(now: number): void {
    if (!this.#running) return;
    if (now >= this.#warnAt()) {
      this.#warned = true;
      // What SessionLimits announces: the warning's lead, or the whole limit when it is shorter.
      this.#owner.warnEnding(Math.min(this.#warningMs, this.#maxDurationMs) / 1000, 'time_limit');
      if (!this.#running) return;
    }
    if (now >= this.#startedAt + this.#maxDurationMs) return this.#reach('time_limit');
    if (now - this.#lastActivityAt >= this.#idleMs) return this.#reach('idle');
    this.#schedule();
  }

  /** When the time limit is announced (`Infinity`: never, or done). */
  #warnAt(): number {
    const maxDurationMs = this.#maxDurationMs;
    return this.#warned || !Number.isFinite(maxDurationMs) ? Infinity : this.#startedAt + Math.max(0, maxDurationMs - this.#warningMs);
  }

  #reach(kind: SessionLimitKind): void {
    this.stop();
    this.#owner.end(kind);
  }

  /** Due at the earliest of the warning, the time limit and the idle limit as it stands now. */
  #schedule(): void {
    const at = Math.min(this.#warnAt(), this.#startedAt + this.#maxDurationMs, this.#lastActivityAt + this.#idleMs);
    if (at === Infinity) return;
    this.#queue.schedule(this, at);
  }
}
