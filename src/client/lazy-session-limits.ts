/**
 * The client's session timers: its limits (`maxDurationMs`, `endAfterIdleMs`), loaded on demand
 * (most apps set neither, and do not ship `SessionLimits` at start, issue 12; when a limit is
 * set, the module loads from the client's construction on and `connect()` waits for it, so the
 * limits are armed exactly as before once the session is live), and the planned rotation to a
 * fresh session before the upstream cap (`rotateBeforeMs`, see `rotateSession`).
 */
import type { SessionLimits, SessionLimitsOptions, SessionLimitsStartOptions } from '../base/session-limits';
import { DEFAULT_UPSTREAM_SESSION_MAX_MS } from '../base/defaults';
import { toRealtimeError } from './session-errors';

/** {@link LazySessionLimits} options: the limits', and the rotation's. */
export interface SessionTimersOptions extends SessionLimitsOptions {
  /** Rotate this long before the upstream cap after each start (no rotation when undefined). */
  rotateBeforeMs: number | undefined;
  /** Called when the rotation is due. */
  onRotate(): void;
}

/**
 * {@link SessionLimits} behind a load (until it is loaded, or with no limit set, the limits do
 * nothing), and the rotation timer.
 */
export class LazySessionLimits {
  readonly #options: SessionTimersOptions;
  #loaded: { limits: SessionLimits; activity: ReadonlySet<string> } | undefined;
  #loading: Promise<void> | undefined;
  #rotation: unknown;

  constructor(options: SessionTimersOptions) {
    this.#options = options;
    // Started now so that connecting rarely waits; a failure is reported by the next load().
    this.load()?.catch(() => undefined);
  }

  /**
   * Loads the limits when one is set and they are not loaded yet; undefined when there is nothing
   * to wait for. A chunk that cannot load (offline) rejects with `VOXWIRE_CONNECTION_FAILED`, like
   * a connection, and the next call retries.
   */
  load(): Promise<void> | undefined {
    const { maxDurationMs, idleMs } = this.#options;
    if (this.#loaded || (maxDurationMs === undefined && idleMs === undefined)) return undefined;
    this.#loading ??= import('../base/session-limits').then(
      (module) => {
        this.#loaded = { limits: new module.SessionLimits(this.#options), activity: module.SESSION_ACTIVITY_EVENT_TYPES };
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw toRealtimeError(error, 'VOXWIRE_CONNECTION_FAILED');
      },
    );
    return this.#loading;
  }

  /** True for a server event that counts as activity for the idle limit (`SESSION_ACTIVITY_EVENT_TYPES`). */
  isActivity(type: string): boolean {
    return this.#loaded?.activity.has(type) ?? false;
  }

  /** Arms the timers for the session now live (stopping any armed before): {@link SessionLimits.start}, and the rotation. */
  start(options?: SessionLimitsStartOptions): void {
    this.stop();
    this.#loaded?.limits.start(options);
    const { rotateBeforeMs, clock, onRotate } = this.#options;
    if (rotateBeforeMs !== undefined) this.#rotation = clock.setTimeout(onRotate, Math.max(0, DEFAULT_UPSTREAM_SESSION_MAX_MS - rotateBeforeMs));
  }

  /** {@link SessionLimits.touch}. */
  touch(): void {
    this.#loaded?.limits.touch();
  }

  /** Stops every timer: {@link SessionLimits.stop}, and the rotation. */
  stop(): void {
    this.#loaded?.limits.stop();
    this.#options.clock.clearTimeout(this.#rotation);
  }
}
