/**
 * Waiting that ends early when a client ends: one signal out of several, and a sleep on the
 * injected clock. Shared by the clients (`RealtimeClient`, `TranslationClient`, `LiveClient`).
 */
import type { Clock } from '../base/clock';

/** One signal aborted when any of `signals` is (the only one itself when there is just one). */
export function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length === 1 ? (present[0] as AbortSignal) : AbortSignal.any(present);
}

/** Waits `delayMs` on `clock`; resolves false at once when `signal` aborts first. */
export function sleep(clock: Clock, signal: AbortSignal, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
