/**
 * Time as the SDK sees it. Injected so backoff, limits and timeouts run on a fake clock in
 * tests; the default is the platform's timers.
 */
export interface Clock {
  /** Milliseconds since an arbitrary origin. */
  now(): number;
  /** Schedules `callback` after `delayMs`; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(callback: () => void, delayMs: number): unknown;
  /** Cancels a scheduled callback. Unknown or fired handles are ignored. */
  clearTimeout(handle: unknown): void;
}

/** The platform clock: `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => globalThis.setTimeout(callback, delayMs),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};
