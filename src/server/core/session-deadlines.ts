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
 */
import type { Clock } from '../../base/clock';
import type { SessionLimitKind } from '../../base/session-limits';

/** An entry of a {@link DeadlineQueue}: when it is due, and what runs then. */
export interface Deadline {
  /** When it is next due, on the queue's clock (`Infinity`: not queued). */
  at: number;
  /** Its place in the queue's heap (-1: not queued). Owned by the queue. */
  index: number;
  /** Called once `at` has passed; may {@link DeadlineQueue.schedule} itself again. */
  fire(now: number): void;
}

/** Many deadlines on one timer of `clock`, armed for the earliest. */
export class DeadlineQueue {
  readonly #clock: Clock;
  readonly #heap: Deadline[] = [];
  #timer: unknown;
  /** When the armed timer fires (`Infinity`: none armed). */
  #armedFor = Infinity;

  constructor(clock: Clock) {
    this.#clock = clock;
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
    entry.at = Infinity;
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
    for (const entry of this.#heap) {
      entry.index = -1;
      entry.at = Infinity;
    }
    this.#heap.length = 0;
    this.#disarm();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedFor = Infinity;
    const now = this.#clock.now();
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
    this.#timer = this.#clock.setTimeout(this.#fire, Math.max(0, first.at - this.#clock.now()));
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

/** One session's time and idle limits, due on the relay's {@link DeadlineQueue}. */
export class SessionDeadline implements Deadline {
  at = Infinity;
  index = -1;
  readonly #owner: SessionDeadlineOwner;
  readonly #queue: DeadlineQueue;
  readonly #clock: Clock;
  readonly #maxDurationMs: number;
  readonly #idleMs: number;
  readonly #warningMs: number;
  #endAt = Infinity;
  #warnAt = Infinity;
  #lastActivityAt = 0;
  #running = false;

  /**
   * `maxDurationMs`: the session ends this long after {@link start}; `idleMs`: after this long
   * without {@link touch}; `warningMs`: the time limit is announced this long ahead.
   * `Infinity` turns a limit off.
   */
  constructor(owner: SessionDeadlineOwner, queue: DeadlineQueue, clock: Clock, maxDurationMs: number, idleMs: number, warningMs: number) {
    this.#owner = owner;
    this.#queue = queue;
    this.#clock = clock;
    this.#maxDurationMs = maxDurationMs;
    this.#idleMs = idleMs;
    this.#warningMs = warningMs;
  }

  /** Starts counting both limits from now. */
  start(): void {
    const now = this.#clock.now();
    const maxDurationMs = this.#maxDurationMs;
    this.#running = true;
    this.#lastActivityAt = now;
    this.#endAt = now + maxDurationMs;
    this.#warnAt = Number.isFinite(maxDurationMs) ? now + Math.max(0, maxDurationMs - this.#warningMs) : Infinity;
    this.#schedule();
  }

  /** Activity: the idle limit counts from now. */
  touch(): void {
    this.#lastActivityAt = this.#clock.now();
  }

  /** Disarms both limits. */
  stop(): void {
    this.#running = false;
    this.#queue.cancel(this);
  }

  fire(now: number): void {
    if (!this.#running) return;
    if (now >= this.#warnAt) {
      this.#warnAt = Infinity;
      // What SessionLimits announces: the warning's lead, or the whole limit when it is shorter.
      this.#owner.warnEnding(Math.min(this.#warningMs, this.#maxDurationMs) / 1000, 'time_limit');
      if (!this.#running) return;
    }
    if (now >= this.#endAt) return this.#reach('time_limit');
    if (now - this.#lastActivityAt >= this.#idleMs) return this.#reach('idle');
    this.#schedule();
  }

  #reach(kind: SessionLimitKind): void {
    this.stop();
    this.#owner.end(kind);
  }

  /** Due at the earliest of the warning, the time limit and the idle limit as it stands now. */
  #schedule(): void {
    const at = Math.min(this.#warnAt, this.#endAt, this.#lastActivityAt + this.#idleMs);
    if (at === Infinity) return;
    this.#queue.schedule(this, at);
  }
}
