/**
 * Waiting for a server event: `connect()` waits for `session.created`, a session update for
 * `session.updated` (or the `error` about it), `finish()` for `session.closed`. Each wait ends
 * once: on its event, its timeout, its signal, or when the connection drops. Shared by
 * `RealtimeClient` and `TranslationClient`.
 */
import type { Clock } from '../base/clock';
import { RealtimeError } from '../base/errors';

/** What a waiter makes of an event: resolve with it, reject with it (an `error`), or keep waiting. */
export type WaitVerdict = 'resolve' | 'reject' | false;

interface Waiter<Event> {
  match: (event: Event) => WaitVerdict;
  resolve: (event: Event) => void;
  reject: (error: RealtimeError) => void;
}

/** The pending waits of one client. */
export class EventWaiters<Event> {
  readonly #clock: Clock;
  readonly #waiters = new Set<Waiter<Event>>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Waits for the first event `match` settles on; `what` names it in the timeout and abort errors. */
  wait(match: (event: Event) => WaitVerdict, timeoutMs: number, signal: AbortSignal | undefined, what: string): Promise<Event> {
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        this.#clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter<Event> = {
        match,
        resolve: (event) => {
          settle();
          resolve(event);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      };
      const timer = this.#clock.setTimeout(
        () => waiter.reject(new RealtimeError('VOXWIRE_TIMEOUT', `The server did not send ${what} within ${timeoutMs} ms.`)),
        timeoutMs,
      );
      const onAbort = (): void => waiter.reject(new RealtimeError('VOXWIRE_ABORTED', `Aborted while waiting for ${what}.`, { cause: signal?.reason }));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  /** Offers an arrived event to every wait; a `reject` verdict rejects with `toError(event)`. */
  offer(event: Event, toError: (event: Event) => RealtimeError): void {
    for (const waiter of [...this.#waiters]) {
      const verdict = waiter.match(event);
      if (verdict === 'resolve') waiter.resolve(event);
      else if (verdict === 'reject') waiter.reject(toError(event));
    }
  }

  /** Ends every wait with `error` (the connection closed, the client was disconnected). */
  rejectAll(error: RealtimeError): void {
    for (const waiter of [...this.#waiters]) waiter.reject(error);
  }
}
