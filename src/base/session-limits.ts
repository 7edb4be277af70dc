import type { Clock } from './clock';

/**
 * Which limit ended (or is about to end) a session: its maximum duration, or a stretch without
 * activity. The client reports these as `max_duration` / `idle`.
 */
export type SessionLimitKind = 'max_duration' | 'idle';

/** Options of {@link SessionLimits}. */
export interface SessionLimitsOptions {
  /** Time source for the timers. */
  clock: Clock;
  /** End the session this long after {@link SessionLimits.start} (off when undefined or not finite). */
  maxDurationMs?: number | undefined;
  /** End the session after this long without {@link SessionLimits.touch} (off when undefined or not finite). */
  idleMs?: number | undefined;
  /** How long before a limit `onWarning` is called (0: at the limit itself, just before `onEnd`). */
  warningMs: number;
  /** Called once per limit, `warningMs` before it (never for idle stretches that activity ended). */
  onWarning(kind: SessionLimitKind, remainingMs: number): void;
  /** Called once when a limit is reached; the limits are stopped by then. */
  onEnd(kind: SessionLimitKind): void;
}

/** Options of {@link SessionLimits.start}. */
export interface SessionLimitsStartOptions {
  /** Arm the idle limit only (a restored connection keeps no duration limit). @default false */
  idleOnly?: boolean;
}

/**
 * The time limits of one session: a maximum duration and an idle timeout, each with a warning
 * ahead of it. The owner says what counts as activity by calling {@link SessionLimits.touch};
 * the timers run on the injected clock, so tests drive them with a fake one.
 */
export class SessionLimits {
  readonly #options: SessionLimitsOptions;
  readonly #timers = new Set<unknown>();
  #lastActivityAt = 0;
  #running = false;

  constructor(options: SessionLimitsOptions) {
    this.#options = options;
  }

  /** Arms the limits from now (stopping any armed before). */
  start(options: SessionLimitsStartOptions = {}): void {
    this.stop();
    this.#running = true;
    const { maxDurationMs, idleMs, warningMs } = this.#options;
    if (isLimit(maxDurationMs) && !options.idleOnly) {
      const warnAt = Math.max(0, maxDurationMs - warningMs);
      this.#schedule(() => this.#options.onWarning('max_duration', maxDurationMs - warnAt), warnAt);
      this.#schedule(() => this.#reach('max_duration'), maxDurationMs);
    }
    if (isLimit(idleMs)) {
      this.#lastActivityAt = this.#options.clock.now();
      this.#checkIdle(idleMs, warningMs, false);
    }
  }

  /** Records activity: the idle limit counts from now. */
  touch(): void {
    this.#lastActivityAt = this.#options.clock.now();
  }

  /** Disarms every limit. Safe to call in any state. */
  stop(): void {
    this.#running = false;
    for (const handle of this.#timers) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
  }

  #reach(kind: SessionLimitKind): void {
    this.stop();
    this.#options.onEnd(kind);
  }

  #checkIdle(idleMs: number, warningMs: number, warned: boolean): void {
    const idleFor = this.#options.clock.now() - this.#lastActivityAt;
    const warnAt = Math.max(0, idleMs - warningMs);
    if (idleFor >= idleMs) {
      this.#reach('idle');
      return;
    }
    if (!warned && idleFor >= warnAt) {
      this.#options.onWarning('idle', idleMs - idleFor);
      // The warning's listener may have stopped the limits.
      if (this.#running) this.#schedule(() => this.#checkIdle(idleMs, warningMs, true), idleMs - idleFor);
      return;
    }
    // Activity since the warning resets it.
    const next = idleFor < warnAt ? warnAt - idleFor : idleMs - idleFor;
    this.#schedule(() => this.#checkIdle(idleMs, warningMs, warned && idleFor >= warnAt), next);
  }

  #schedule(callback: () => void, delayMs: number): void {
    const handle = this.#options.clock.setTimeout(() => {
      this.#timers.delete(handle);
      callback();
    }, delayMs);
    this.#timers.add(handle);
  }
}

function isLimit(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}
