/**
 * The client's session limits (`maxDurationMs`, `endAfterIdleMs`), loaded on demand: most apps
 * set neither, and do not ship `SessionLimits` at start (issue 12). When a limit is set, the
 * module loads from the client's construction on and `connect()` waits for it, so the limits
 * are armed exactly as before once the session is live.
 */
import type { SessionLimits, SessionLimitsOptions, SessionLimitsStartOptions } from '../base/session-limits';
import { toRealtimeError } from './session-errors';

/** {@link SessionLimits} behind a load: until it is loaded (or with no limit set) every call does nothing. */
export class LazySessionLimits {
  readonly #options: SessionLimitsOptions;
  #loaded: { limits: SessionLimits; activity: ReadonlySet<string> } | undefined;
  #loading: Promise<void> | undefined;

  constructor(options: SessionLimitsOptions) {
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

  /** {@link SessionLimits.start}. */
  start(options?: SessionLimitsStartOptions): void {
    this.#loaded?.limits.start(options);
  }

  /** {@link SessionLimits.touch}. */
  touch(): void {
    this.#loaded?.limits.touch();
  }

  /** {@link SessionLimits.stop}. */
  stop(): void {
    this.#loaded?.limits.stop();
  }
}
