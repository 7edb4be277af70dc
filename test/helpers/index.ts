/**
 * The helpers every test folder shares, one of each: `thrown` (the RealtimeError a call
 * throws), `until` (wait for a condition, bounded), `once` (wait for a callback, bounded),
 * `useCleanup` (stop what a test started, and start a mock), the raw WebSocket client, and the
 * event inbox it takes events from (for any other source of events too).
 */
import { expect } from 'vitest';
import { RealtimeError } from '../../src/base/errors';

export { useCleanup } from './cleanup';
export { RawClient } from './raw-client';
export type { AnyEvent, RawClientOptions } from './raw-client';
export { EventInbox } from './event-inbox';
export type { EventMatch } from './event-inbox';

/**
 * Runs `run`, expects it to throw a {@link RealtimeError} (with `code` when given) and returns
 * it for further assertions. Fails when nothing is thrown.
 */
export function thrown(run: () => unknown, code?: string): RealtimeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RealtimeError);
    if (code !== undefined) expect((error as RealtimeError).code).toBe(code);
    return error as RealtimeError;
  }
  throw new Error(`expected a RealtimeError${code === undefined ? '' : ` ${code}`}, nothing was thrown`);
}

/** How {@link until} waits. */
export interface UntilOptions {
  /** Gives up after this long. @default 5000 */
  timeoutMs?: number;
  /** Checks again this often. @default 10 */
  intervalMs?: number;
  /** Added to the timeout message: what was seen instead. */
  detail?: () => string;
  /**
   * Checks on a signal as well as on the interval (so a condition that holds only for a moment,
   * such as a passing state, is not missed). Subscribes `check`, returns the unsubscribe.
   */
  wake?: (check: () => void) => () => void;
}

type Settled<T> = Exclude<T, false | null | undefined>;

/**
 * Waits until `check` returns something other than `false`, `null` or `undefined` (sync or
 * async) and resolves with it; rejects after `timeoutMs` naming `what`.
 *
 * @example
 * ```ts
 * await until(() => server.openConnections === 0, 'the connection to close');
 * const snapshot = await until(async () => { const s = await read(); return s.done && s; }, 'the page');
 * ```
 */
export function until<T>(check: () => T | Promise<T>, what: string, options: UntilOptions = {}): Promise<Settled<T>> {
  const { timeoutMs = 5000, intervalMs = 10 } = options;
  const deadline = Date.now() + timeoutMs;
  return new Promise<Settled<T>>((resolve, reject) => {
    let done = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let checking = false;
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      unsubscribe?.();
    };
    const probe = async (): Promise<void> => {
      if (done || checking) return;
      checking = true;
      try {
        const value = await check();
        if (done) return;
        if (value !== false && value !== null && value !== undefined) {
          finish();
          resolve(value as Settled<T>);
          return;
        }
        if (Date.now() > deadline) {
          finish();
          const detail = options.detail?.();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail === undefined ? '' : `: ${detail}`}`));
          return;
        }
      } catch (error) {
        finish();
        reject(error);
        return;
      } finally {
        checking = false;
      }
      clearTimeout(timer);
      timer = setTimeout(() => void probe(), intervalMs);
    };
    const unsubscribe = options.wake?.(() => void probe());
    void probe();
  });
}

/**
 * Waits for a callback: `subscribe` is given `resolve`; rejects after `timeoutMs` naming `what`.
 *
 * @example
 * ```ts
 * const info = await once<InterruptionInfo>((resolve) => client.once('interrupted', resolve), 'interrupted');
 * ```
 */
export function once<T = void>(subscribe: (resolve: (value: T) => void) => void, what: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
