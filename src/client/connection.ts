/**
 * The connection lifecycle every voxwire client shares (`RealtimeClient`, `LiveClient`,
 * `TranslationClient`): its phases, `connect()`, the end of a session for good, what a close
 * leads to (end, or reconnect under the {@link ReconnectPolicy}), the reconnect loop, a planned
 * rotation, and what the relay says about the session (its `voxwire.*` events). Each client
 * keeps only its own session logic and plugs it in through {@link ConnectionHooks}.
 */
import type { EventEmitter as EventEmitter3 } from 'eventemitter3';
import type { Clock } from '../base/clock';
import type { Logger } from '../base/logger';
import type { ModelWarning } from '../base/model-lifecycle';
import { CLOSE_CODES, RealtimeError, classifyClose } from '../base/errors';
import type { Transport, TransportCloseInfo } from '../transport/transport';
import { anySignal, sleep } from './abort';
import type { ClientState, SessionEndingInfo } from './client-events';
import type { EventWaiters } from './event-waiters';
import { exponentialBackoff, neverReconnect } from './reconnect';
import type { ExponentialBackoffOptions, ReconnectPolicy } from './reconnect';
import { expiryReason, finalStateAfter, toRealtimeError } from './session-errors';

/** A state a client ends in. */
export type EndState = ClientState & { status: 'closed' | 'expired' };

/**
 * Where a client's connection is: not started, opening a session, live, closing gracefully
 * (Live, translation), waiting to reconnect, or ended for good.
 */
export type ConnectionPhase = 'idle' | 'handshake' | 'live' | 'closing' | 'backoff' | 'ended';

/** The events every client emits about its connection. */
export type ConnectionEvents = {
  /** The connection state changed. */
  state: [state: ClientState, previous: ClientState];
  /** Something failed; the client carries on. */
  error: [error: RealtimeError];
};

/** What a client plugs into its {@link Connection}. */
export interface ConnectionHooks {
  /** The client's transport. */
  readonly transport: Transport;
  /** Its pending waits (`EventWaiters`): a close rejects them. */
  readonly waiters: Pick<EventWaiters<never>, 'rejectAll'>;
  /** Its clock (backoff delays). */
  readonly clock: Clock;
  /** Its random source (jitter). */
  readonly random: () => number;
  /** Its reconnect policy. */
  readonly policy: ReconnectPolicy;
  /** The client in words, for messages: `client`, `Live client`, `translation client`. */
  readonly label: string;
  /**
   * Opens a session (the phase is `handshake`): connects the transport and sets the session up,
   * then sets the phase `live` and the state `connected`. `restore` after a drop or a rotation.
   * Rejects when the attempt failed.
   */
  open(signal: AbortSignal | undefined, restore: boolean): Promise<void>;
  /** The client's {@link SafeEmit}: the connection emits `state` and `error` through it. */
  readonly emit: SafeEmit<ConnectionEvents>;
  /** A live session dropped (a close, a rotation): mark what was in flight. */
  dropped?(): void;
  /** The client ends (`wasLive`: a session was live or closing): release what the session held. */
  ending?(wasLive: boolean): void;
  /** The first `connect()` failed: release what the attempt started. */
  failedToConnect?(): void;
}

/**
 * The phases and the lifecycle of one client's connection. The client reads {@link Connection.phase}
 * and {@link Connection.signal}, and calls `connect`, `disconnect`, `end`, `reconnect` and `reopen`; the
 * transport's `close` goes to {@link Connection.onClose}.
 */
export class Connection {
  /** Where the connection is. */
  phase: ConnectionPhase = 'idle';
  /** The last `error` event of this session was `session_expired`. */
  sessionExpired = false;
  /** The reason of the relay's last `voxwire.session.ending` in this session. */
  relayEnding: string | undefined;
  readonly #hooks: ConnectionHooks;
  #state: ClientState = { status: 'idle' };
  #lifecycle = new AbortController();

  /** Listens to the transport's `close` (see {@link Connection.onClose}) and `error` (emitted as the client's). */
  constructor(hooks: ConnectionHooks) {
    this.#hooks = hooks;
    hooks.transport.on('close', (info) => this.onClose(info));
    hooks.transport.on('error', (error) => hooks.emit('error', error));
  }

  /** The connection state the client reports. */
  get state(): ClientState {
    return this.#state;
  }

  /** Aborted when the client ends; what a connection starts listens to it. */
  get signal(): AbortSignal {
    return this.#lifecycle.signal;
  }

  /** True once the client ended. A method, so narrowing across an `await` cannot hide an end. */
  ended(): boolean {
    return this.phase === 'ended' || this.#lifecycle.signal.aborted;
  }

  /** Sets and emits the state. */
  setState(state: ClientState): void {
    const previous = this.#state;
    this.#state = state;
    this.#hooks.emit('state', state, previous);
  }

  /**
   * Connects: opens the first session. A failure ends the client (`closed`) with nothing left
   * to settle later, and rejects with the `RealtimeError`.
   */
  async connect(signal: AbortSignal | undefined): Promise<void> {
    if (this.phase !== 'idle' && this.phase !== 'ended') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `connect(): the ${this.#hooks.label} is already ${this.#state.status}; call disconnect() first.`);
    }
    this.#lifecycle = new AbortController();
    this.sessionExpired = false;
    this.relayEnding = undefined;
    this.setState({ status: 'connecting' });
    try {
      await this.#open(signal, false);
    } catch (error) {
      const failure = toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED');
      this.phase = 'ended';
      // Nothing the attempt started may settle later: its waiters and timers end here.
      this.#lifecycle.abort(failure);
      this.#hooks.waiters.rejectAll(failure);
      this.#hooks.failedToConnect?.();
      this.#hooks.transport.close();
      this.setState({ status: 'closed', reason: failure.message, error: failure });
      throw failure;
    }
  }

  /** `disconnect()`: closes for good, no reconnect. Nothing to do before a connect or after the end. */
  disconnect(): void {
    if (this.phase === 'idle' || this.phase === 'ended') return;
    this.end({ status: 'closed', reason: 'disconnect() was called' });
  }

  /**
   * Ends the client in `state`: running operations abort (`VOXWIRE_ABORTED`),
   * pending waits reject, the session's resources are released, the transport closes.
   */
  end(state: EndState): void {
    const { label } = this.#hooks;
    const wasLive = this.phase === 'live' || this.phase === 'closing';
    this.phase = 'ended';
    this.#lifecycle.abort(new RealtimeError('VOXWIRE_ABORTED', `The ${label} ended: ${state.status}.`));
    this.#hooks.waiters.rejectAll(new RealtimeError('VOXWIRE_ABORTED', `The ${label} was disconnected.`));
    this.#hooks.ending?.(wasLive);
    this.#hooks.transport.close();
    this.setState(state);
  }

  /**
   * The transport closed: a live session that was not closed on purpose ends or reconnects. A
   * reconnect the server refuses with a code that ends a session (a relay's budget end, 4002,
   * after its `error` event) ends the client there too, rather than at the policy's last retry.
   */
  onClose(info: TransportCloseInfo): void {
    const { phase } = this;
    this.#hooks.waiters.rejectAll(new RealtimeError('VOXWIRE_CONNECTION_CLOSED', `The connection closed (code ${info.code}${info.reason ? `: ${info.reason}` : ''}).`));
    if (info.initiatedLocally || (phase !== 'live' && this.#state.status !== 'reconnecting')) return;
    const final = endStateAfterClose(info, this.sessionExpired, this.relayEnding);
    if (final) this.end(final);
    else if (phase === 'live') void this.reconnect(info);
  }

  /**
   * Reconnects after the drop `info` until an attempt succeeds, the policy gives up
   * (`VOXWIRE_RECONNECT_FAILED`), a failure no retry can change ends it (authentication, budget,
   * concurrency, policy), or the client ends.
   */
  async reconnect(info: TransportCloseInfo): Promise<void> {
    const hooks = this.#hooks;
    this.phase = 'backoff';
    hooks.dropped?.();
    let closeCode = info.code;
    let closeReason = info.reason;
    for (let attempt = 1; ; attempt += 1) {
      const delay = hooks.policy({ attempt, closeCode, closeReason, random: hooks.random });
      if (delay === null) {
        const error = new RealtimeError('VOXWIRE_RECONNECT_FAILED', `Gave up reconnecting after ${attempt - 1} attempt(s); last close code ${closeCode}.`);
        this.end({ status: 'closed', reason: error.message, error });
        return;
      }
      this.setState({ status: 'reconnecting', attempt, nextDelayMs: delay, closeCode });
      if (!(await sleep(hooks.clock, this.#lifecycle.signal, delay)) || this.ended()) return;
      try {
        await this.reopen();
        return;
      } catch (error) {
        if (this.ended()) return;
        const failure = toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED');
        const final = finalStateAfter(failure);
        if (final) return this.end(final);
        hooks.transport.close();
        this.phase = 'backoff';
        hooks.emit('error', failure);
        closeCode = CLOSE_CODES.abnormal;
        closeReason = failure.message;
      }
    }
  }

  /** Opens a session after a drop or a planned rotation (the phase is `handshake` meanwhile). */
  reopen(): Promise<void> {
    return this.#open(undefined, true);
  }

  #open(signal: AbortSignal | undefined, restore: boolean): Promise<void> {
    this.phase = 'handshake';
    return this.#hooks.open(signal, restore);
  }
}

/**
 * Ends a live session gracefully (`LiveClient.close()`, `TranslationClient.finish()`): `send`
 * writes `session.close`, and the client ends once the server answers `session.closed` (waited
 * for on `waiters`), in the state `reason` names. Rejects with `VOXWIRE_TIMEOUT` when it does not
 * come in time (the connection closes anyway). Not live: closes at once. A function, not a
 * method, so that a client without a graceful close does not ship it.
 */
export async function closeSession(
  connection: Connection,
  waiters: Pick<EventWaiters<{ type: string }>, 'wait'>,
  send: () => unknown,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  reason: (event: { reason?: unknown }) => string,
): Promise<void> {
  if (connection.phase !== 'live') return connection.disconnect();
  connection.phase = 'closing';
  const closed = waiters.wait((event) => event.type === 'session.closed' && event, timeoutMs, anySignal([signal, connection.signal]), 'session.closed');
  try {
    send();
    connection.end({ status: 'closed', reason: reason((await closed) as { reason?: unknown }) });
  } catch (error) {
    const failure = toRealtimeError(error, 'VOXWIRE_CONNECTION_CLOSED');
    connection.end({ status: 'closed', reason: failure.message, error: failure });
    throw failure;
  }
}

/**
 * A planned move to a fresh session before the upstream cap (`rotateBeforeMs`), with context
 * restored: what the live session held is dropped (`dropped`), the transport closes normally and
 * a new session opens; one that fails to open goes to the reconnect loop.
 */
export async function rotateSession(connection: Connection, transport: Transport, dropped: () => void): Promise<void> {
  if (connection.phase !== 'live') return;
  connection.phase = 'backoff';
  dropped();
  connection.setState({ status: 'reconnecting', attempt: 0, nextDelayMs: 0, closeCode: CLOSE_CODES.normal });
  transport.close(CLOSE_CODES.normal, 'voxwire: rotating session');
  try {
    await connection.reopen();
  } catch (error) {
    if (connection.ended()) return;
    void connection.reconnect({ code: CLOSE_CODES.abnormal, reason: toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED').message, initiatedLocally: false });
  }
}

/**
 * The end state a close leads to, or undefined when the client should reconnect: expiry and
 * the relay's time-limit and budget codes expire the session, authentication and policy codes
 * close it, anything else (1006, 4000 draining) is a drop.
 */
export function endStateAfterClose(info: TransportCloseInfo, sessionExpired: boolean, announced?: string): EndState | undefined {
  const disposition = classifyClose(info.code, sessionExpired);
  if (disposition === 'expired') return { status: 'expired', reason: expiryReason(info.code, sessionExpired, announced) };
  if (disposition !== 'closed') return undefined;
  const code = info.code === CLOSE_CODES.authenticationFailed ? 'VOXWIRE_AUTHENTICATION_FAILED' : 'VOXWIRE_POLICY_VIOLATION';
  const error = new RealtimeError(code, `The server closed the session (code ${info.code}${info.reason ? `: ${info.reason}` : ''}).`);
  return { status: 'closed', reason: error.message, error };
}

/**
 * The relay's `voxwire.session.ending`, kept on the connection for the close that follows (an
 * idle end closes 4001 like a time limit); what to tell the app, or undefined for another event.
 */
export function relayEndingOf(connection: Connection, event: { type: string; reason?: unknown; seconds_left?: unknown }): SessionEndingInfo | undefined {
  // The fields its schema (src/events/voxwire-events.ts) requires, checked here so that neither
  // client loads the relay's validator tables for one event.
  const { reason, seconds_left: secondsLeft } = event;
  if (event.type !== 'voxwire.session.ending' || typeof reason !== 'string' || typeof secondsLeft !== 'number') return undefined;
  connection.relayEnding = reason;
  return { reason, source: 'relay', remainingMs: secondsLeft * 1000 };
}

/**
 * The relay's own events (`voxwire.*`), which the Realtime schemas do not describe: a
 * `voxwire.session.ending` is kept for the close that follows and reported as `sessionEnding`;
 * a `voxwire.model.deprecated` goes to `warnModel`. Other unknown events are left alone.
 */
export function trackRelayEvent(
  connection: Connection,
  event: { type: string },
  emit: SafeEmit<{ sessionEnding: [info: SessionEndingInfo] }>,
  warnModel: (warning: ModelWarning, message: string) => void,
): void {
  if (event.type === 'voxwire.model.deprecated') {
    const notice = event as { model?: unknown; shutdown_date?: unknown; days_left?: unknown; replacement?: unknown; message?: unknown };
    if (typeof notice.model !== 'string') return;
    const { model, replacement } = notice;
    warnModel({ model, shutdownDate: String(notice.shutdown_date), daysLeft: Number(notice.days_left) || 0, replacement: typeof replacement === 'string' ? replacement : undefined, source: 'relay' }, String(notice.message));
    return;
  }
  const ending = relayEndingOf(connection, event);
  if (ending) emit('sessionEnding', ending);
}

/** Logs and emits `modelWarning` once per model, whoever noticed it (the client, the relay). */
export function modelWarner(logger: Logger, emit: SafeEmit<{ modelWarning: [warning: ModelWarning] }>): (warning: ModelWarning, message: string) => void {
  const warned = new Set<string>();
  return (warning, message) => {
    if (warned.has(warning.model)) return;
    warned.add(warning.model);
    logger.warn(message, { model: warning.model, source: warning.source });
    emit('modelWarning', warning);
  };
}

/** The `reconnect` option, resolved: a policy, options for the default backoff, or `false` for none. */
export function reconnectPolicyOf(option: ReconnectPolicy | ExponentialBackoffOptions | false | undefined): ReconnectPolicy {
  return option === false ? neverReconnect : typeof option === 'function' ? option : exponentialBackoff(option);
}

/** `emit`, safe: see {@link safeEmitter}. True when listeners received the event (even one that threw). */
export type SafeEmit<Events extends EventEmitter3.ValidEventTypes> = <K extends EventEmitter3.EventNames<Events>>(name: K, ...args: EventEmitter3.EventArgs<Events, K>) => boolean;

/** Emits through `emitter`; a listener that throws is logged, and the client's event loop carries on. */
export function safeEmitter<Events extends EventEmitter3.ValidEventTypes>(emitter: { emit(name: never, ...args: never[]): boolean }, logger: Logger, label: string): SafeEmit<Events> {
  return (name, ...args) => {
    try {
      return emitter.emit(name as never, ...(args as never[]));
    } catch (error) {
      logger.error(`A listener for "${String(name)}" threw; the ${label} carries on.`, { error });
      return true;
    }
  };
}
