/**
 * Graceful drain: the one relay operation every adapter shares to leave service (the Node
 * adapter on SIGTERM, a Workers adapter when its platform retires an instance). Stop admitting,
 * warn every live session with `voxwire.session.ending` (reason `draining`, the seconds left),
 * let sessions finish until the deadline, then end the rest with the `draining` end reason
 * (close 4000: the client reconnects, through the balancer, to another node and keeps its
 * transcript; see SESSION_END_REASONS in src/base/errors.ts).
 */
import type { Clock } from '../../base/clock';
import type { SessionEndingReason } from '../../base/errors';

/**
 * Where a relay is in its drain: `serving` admits; `draining` refuses new connections (503)
 * while live sessions finish until `deadline` (on the relay's clock, in epoch milliseconds);
 * `drained` has no session left and every final charge stored.
 */
export type RelayDrainState =
  | {
      /** Admitting connections. */
      status: 'serving';
    }
  | {
      /** Refusing connections while live sessions finish. */
      status: 'draining';
      /** When the sessions still open are closed with 4000, in epoch milliseconds of the relay's clock. */
      deadline: number;
    }
  | {
      /** No session left; final charges stored. */
      status: 'drained';
    };

/** What a load balancer's health check gets from a relay: 200 while serving, 503 once draining. */
export interface RelayHealth {
  /** 200 while serving, 503 while draining or drained. */
  status: 200 | 503;
  /** `ok` or `draining`. */
  body: string;
  /** The response headers (`content-type`; `retry-after` while draining). */
  headers: Record<string, string>;
}

/** Options of `RelayCore.drain`. */
export interface RelayDrainOptions {
  /**
   * How long sessions may go on after the warning; the rest are then closed with 4000.
   * @default the relay's `drainMs` option (DEFAULT_RELAY_DRAIN_MS, 25 s)
   */
  drainMs?: number;
}

/** A session as the drain sees it. */
export interface DrainableSession {
  /** Warns the client that the session ends in `secondsLeft` seconds. */
  warnEnding(secondsLeft: number, reason: SessionEndingReason): void;
  /** Ends the session (closes the client with the reason's close code). */
  end(reason: 'draining'): void;
}

/** What the drain needs from its relay. */
export interface RelayDrainHost {
  /** The relay's clock. */
  readonly clock: Clock;
  /** The sessions open now. */
  openSessions(): Iterable<DrainableSession>;
  /** Resolves when what ended sessions owe the store (final charges, slot releases) is written. */
  settle(): Promise<void>;
  /** Hears every change of state (metrics, the relay's `drain` event). */
  onState(state: RelayDrainState): void;
}

const HEALTH_HEADERS = { 'content-type': 'text/plain; charset=utf-8' };

/** The health answer for a drain state. */
export function healthOf(state: RelayDrainState): RelayHealth {
  if (state.status === 'serving') return { status: 200, body: 'ok', headers: { ...HEALTH_HEADERS } };
  return { status: 503, body: 'draining', headers: { ...HEALTH_HEADERS, 'retry-after': '1' } };
}

/**
 * One relay's drain. {@link RelayDrain.begin} is idempotent and may only hasten: a second call
 * with an earlier deadline (a second SIGTERM, `close({ drainMs: 0 })` after a signal) warns the
 * clients again with the new time and moves the deadline; a later one changes nothing.
 */
export class RelayDrain {
  readonly #host: RelayDrainHost;
  #state: RelayDrainState = { status: 'serving' };
  #timer: unknown;
  #finishing = false;
  #done: Promise<void> | undefined;
  #resolve: (() => void) | undefined;

  constructor(host: RelayDrainHost) {
    this.#host = host;
  }

  /** The drain's state now. */
  get state(): RelayDrainState {
    return this.#state;
  }

  /** True once a drain has begun: new connections are refused. */
  get draining(): boolean {
    return this.#state.status !== 'serving';
  }

  /** The seconds until the deadline, for a session that opens while draining (0 once drained). */
  secondsLeft(): number {
    return this.#state.status === 'draining' ? Math.max(0, this.#state.deadline - this.#host.clock.now()) / 1000 : 0;
  }

  /**
   * Begins the drain, or brings its deadline forward to `drainMs` from now. Resolves when every
   * session has ended and its final charges are stored.
   */
  begin(drainMs: number): Promise<void> {
    const { clock } = this.#host;
    this.#done ??= new Promise<void>((resolve) => {
      this.#resolve = resolve;
    });
    const deadline = clock.now() + Math.max(0, drainMs);
    if (this.#state.status === 'drained' || this.#finishing) return this.#done;
    if (this.#state.status === 'draining' && deadline >= this.#state.deadline) return this.#done;
    this.#state = { status: 'draining', deadline };
    this.#host.onState(this.#state);
    let open = 0;
    for (const session of this.#host.openSessions()) {
      open += 1;
      session.warnEnding(drainMs / 1000, 'draining');
    }
    clock.clearTimeout(this.#timer);
    if (open === 0) void this.#finish();
    else this.#timer = clock.setTimeout(() => this.#closeRest(), Math.max(0, drainMs));
    return this.#done;
  }

  /** The relay calls this after a session ended, with the number still open. */
  sessionEnded(stillOpen: number): void {
    if (this.#state.status === 'draining' && stillOpen === 0) void this.#finish();
  }

  #closeRest(): void {
    for (const session of [...this.#host.openSessions()]) session.end('draining');
    void this.#finish();
  }

  async #finish(): Promise<void> {
    if (this.#finishing) return;
    this.#finishing = true;
    this.#host.clock.clearTimeout(this.#timer);
    await this.#host.settle();
    this.#state = { status: 'drained' };
    this.#host.onState(this.#state);
    this.#resolve?.();
  }
}
