/**
 * Waiting for a server event: `connect()` waits for `session.created`, a session update for
 * `session.updated` (or the `error` about it), `finish()` for `session.closed`. Each wait ends
 * once: on its event, its timeout, its signal, or when the connection drops. Shared by
 * `RealtimeClient` and `TranslationClient`.
 */
import type { Clock } from '../base/clock';
import { RealtimeError } from '../base/errors';

/**
 * What a wait's `match` makes of an event: the event to resolve with (narrowed by the match,
 * `event.type === 'session.created' && event`), `'reject'` to reject with it (an `error`), or
 * false to keep waiting. Returning the event itself is what types the wait's result.
 */
export type WaitVerdict<Resolved> = Resolved | 'reject' | false;

interface Waiter<Event> {
  offer: (event: Event, toError: (event: Event) => RealtimeError) => void;
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
  wait<Resolved extends Event>(match: (event: Event) => WaitVerdict<Resolved>, timeoutMs: number, signal: AbortSignal | undefined, what: string): Promise<Resolved> {
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        this.#clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter<Event> = {
        offer: (event, toError) => {
          const verdict = match(event);
          if (verdict === false) return;
          settle();
          if (verdict === 'reject') reject(toError(event));
          else resolve(verdict);
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
    for (const waiter of [...this.#waiters]) waiter.offer(event, toError);
  }

  /** Ends every wait with `error` (the connection closed, the client was disconnected). */
  rejectAll(error: RealtimeError): void {
    for (const waiter of [...this.#waiters]) waiter.reject(error);
  }
}
