/**
 * The wire side every mock session shares, whatever its protocol: server events sent with an
 * `event_id` and recorded in the log, `error` events in the API's shape, a client that stopped
 * reading dropped, timers and sleeps that stop when the session ends, the session's maximum
 * duration, and the end itself (closed once, however it ends). A session owns its protocol's
 * state and talks to the client only through its channel.
 */

import type { Clock } from '../../base/clock';
import type { EventLog, WireEvent } from '../recording/event-log';
import { mockErrors } from './errors';
import type { MockErrorBody } from './errors';
import type { MockIdPrefix } from './ids';
import type { MockSessionLink } from './session-link';

/** What a {@link MockChannel} is created with. */
export interface MockChannelOptions {
  /** Index of the connection in the server's list (used in logs). */
  connection: number;
  /** The transport. */
  link: MockSessionLink;
  /** The server's log. */
  log: EventLog;
  /** Timers and timestamps. */
  clock: Clock;
  /** A new id with the given prefix. */
  newId: (prefix: MockIdPrefix) => string;
  /** A client that leaves more than this many bytes unread is dropped (it stopped reading). @default Infinity */
  maxBufferedBytes?: number;
  /** Yields to the event loop (a sleep of 0 ms). @default a 0 ms timer of the clock */
  yieldToEventLoop?: (callback: () => void) => () => void;
  /** Runs when the session is about to end (first in {@link MockChannel.drop} and {@link MockChannel.close}): stop streams. */
  onEnding?: () => void;
  /** Runs after each event was sent, with the event as sent. */
  onSent?: (event: WireEvent) => void;
  /** Runs once when the session has ended, however it ended. */
  onClosed?: () => void;
}

/** The wire side of one mock session. */
export class MockChannel {
  /** Index of the connection in the server's list. */
  readonly connection: number;
  readonly #options: MockChannelOptions;
  #closed = false;
  readonly #timers = new Set<unknown>();
  readonly #sleepers = new Set<() => void>();

  constructor(options: MockChannelOptions) {
    this.connection = options.connection;
    this.#options = options;
  }

  /** True once the session has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The transport. */
  get link(): MockSessionLink {
    return this.#options.link;
  }

  /**
   * Sends an event (with a fresh `event_id` when it has none) and records it. False once
   * closed, or when the client stopped reading (it is dropped then).
   */
  emit(event: WireEvent): boolean {
    if (this.#closed) return false;
    const { type, event_id: givenId, ...rest } = event;
    const full: WireEvent = { type, event_id: typeof givenId === 'string' ? givenId : this.#options.newId('event'), ...rest };
    const buffered = this.#options.link.bufferedAmount?.() ?? 0;
    if (buffered > (this.#options.maxBufferedBytes ?? Number.POSITIVE_INFINITY)) {
      // The client stopped reading; holding ever more frames in memory would only end worse.
      this.drop(1006, '');
      return false;
    }
    this.#options.link.send(JSON.stringify(full));
    this.#options.log.recordSent(this.connection, full);
    this.#options.onSent?.(full);
    return true;
  }

  /** Sends an `error` event about the client event `clientEventId` (or none). */
  sendError(body: Omit<MockErrorBody, 'event_id'>, clientEventId: string | null): void {
    this.emit({ type: 'error', error: { ...body, event_id: clientEventId } });
  }

  /** Runs `handle` on a client frame; whatever it throws is reported on the wire, never thrown. */
  guard(handle: () => void): void {
    if (this.#closed) return;
    try {
      handle();
    } catch (error) {
      // The mock must survive anything a client sends; report its own failure on the wire.
      this.sendError(
        {
          type: 'server_error',
          code: 'server_error',
          message: `voxwire mock failed to handle the event: ${error instanceof Error ? error.message : String(error)}`,
          param: null,
        },
        null,
      );
    }
  }

  /** Records a binary frame and refuses it: the API speaks JSON text frames. */
  refuseBinary(bytes: number): void {
    this.#options.log.recordReceived(this.connection, { type: '(binary frame)' }, { valid: false, bytes, errorCode: 'invalid_event' });
    this.sendError(mockErrors.binaryFrame(), null);
  }

  /** Ends the session at its maximum duration in `afterMs` (unless it ends first). */
  expireAfter(afterMs: number | undefined, expire: () => void): void {
    if (afterMs !== undefined && Number.isFinite(afterMs)) this.setTimer(expire, afterMs);
  }

  /** Ends the session as the API does at its maximum duration: `session_expired`, then close 1001. */
  expire(afterMs: number): void {
    if (this.#closed) return;
    this.#options.onEnding?.();
    this.sendError(mockErrors.sessionExpired(afterMs), null);
    this.#options.link.close(1001, 'Session expired');
    this.close();
  }

  /** Ends the connection: 1006 terminates it (no close frame), any other code closes it. */
  drop(code = 1006, reason = ''): void {
    if (this.#closed) return;
    this.#options.onEnding?.();
    if (code === 1006) this.#options.link.terminate();
    else this.#options.link.close(code, reason);
    this.close();
  }

  /** The session ended (its transport closed, from either side): stops every timer and sleep. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.onEnding?.();
    for (const timer of this.#timers) this.#options.clock.clearTimeout(timer);
    this.#timers.clear();
    for (const wake of [...this.#sleepers]) wake();
    this.#sleepers.clear();
    this.#options.onClosed?.();
  }

  /** A timer that never fires after the session ended. */
  setTimer(callback: () => void, delayMs: number): unknown {
    const handle = this.#options.clock.setTimeout(() => {
      this.#timers.delete(handle);
      if (!this.#closed) callback();
    }, delayMs);
    this.#timers.add(handle);
    return handle;
  }

  /** Cancels a timer of {@link MockChannel.setTimer}. */
  clearTimer(handle: unknown): void {
    this.#options.clock.clearTimeout(handle);
    this.#timers.delete(handle);
  }

  /**
   * Waits `ms` (0 yields to the event loop). Resolves `true` when the time passed, `false` when
   * `signal` aborted or the session ended first.
   */
  sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.#closed || signal.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let cancelTimer: () => void;
      const finish = (completed: boolean): void => {
        this.#sleepers.delete(wake);
        signal.removeEventListener('abort', wake);
        cancelTimer();
        resolve(completed && !this.#closed && !signal.aborted);
      };
      const wake = (): void => finish(false);
      if (ms <= 0 && this.#options.yieldToEventLoop) {
        cancelTimer = this.#options.yieldToEventLoop(() => finish(true));
      } else {
        const handle = this.setTimer(() => finish(true), Math.max(0, ms));
        cancelTimer = () => this.clearTimer(handle);
      }
      this.#sleepers.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
