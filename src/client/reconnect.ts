import {
  DEFAULT_RECONNECT_INITIAL_DELAY_MS,
  DEFAULT_RECONNECT_MAX_ATTEMPTS,
  DEFAULT_RECONNECT_MAX_DELAY_MS,
  DEFAULT_RECONNECT_MULTIPLIER,
} from '../base/defaults';
import { RealtimeError } from '../base/errors';

/** What a {@link ReconnectPolicy} decides from. */
export interface ReconnectContext {
  /** 1 for the first retry after a drop, 2 for the next, and so on. */
  attempt: number;
  /** The close code that caused the drop (1006 for a drop without a close frame). */
  closeCode: number;
  /** The close reason, possibly empty. */
  closeReason: string;
  /** A random number in [0, 1), from the client's injectable source. */
  random: () => number;
}

/**
 * Decides how long to wait before reconnect attempt `attempt`, or `null` to give up. Pure:
 * the client supplies the attempt, the close and the random source, so a policy is
 * testable on a fake clock.
 */
export type ReconnectPolicy = (context: ReconnectContext) => number | null;

/** Options of {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** Delay ceiling of the first attempt. @default 1000 */
  initialDelayMs?: number;
  /** Growth factor per attempt. @default 2 */
  multiplier?: number;
  /** Largest delay ceiling. @default 30000 */
  maxDelayMs?: number;
  /** Attempts before giving up. @default 10 */
  maxAttempts?: number;
  /**
   * `'full'`: a uniformly random delay between 0 and the ceiling (spreads a reconnect storm
   * after a relay restart across the whole window). `'none'`: exactly the ceiling.
   * @default 'full'
   */
  jitter?: 'full' | 'none';
}

/**
 * The default policy: delay ceiling `initialDelayMs × multiplier^(attempt-1)` capped at
 * `maxDelayMs`, with full jitter, for at most `maxAttempts` attempts.
 *
 * @example
 * ```ts
 * new RealtimeClient({ reconnect: exponentialBackoff({ maxAttempts: 5 }) });
 * ```
 */
export function exponentialBackoff(options: ExponentialBackoffOptions = {}): ReconnectPolicy {
  const initialDelayMs = options.initialDelayMs ?? DEFAULT_RECONNECT_INITIAL_DELAY_MS;
  const multiplier = options.multiplier ?? DEFAULT_RECONNECT_MULTIPLIER;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_RECONNECT_MAX_DELAY_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_RECONNECT_MAX_ATTEMPTS;
  const jitter = options.jitter ?? 'full';
  for (const [name, value] of Object.entries({ initialDelayMs, multiplier, maxDelayMs, maxAttempts })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `exponentialBackoff: \`${name}\` must be a finite number ≥ 0, got ${String(value)}.`);
    }
  }
  return ({ attempt, random }) => {
    if (attempt > maxAttempts) return null;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * multiplier ** (attempt - 1));
    return jitter === 'full' ? Math.floor(random() * ceiling) : ceiling;
  };
}

/** A policy that never reconnects. */
export const neverReconnect: ReconnectPolicy = () => null;
