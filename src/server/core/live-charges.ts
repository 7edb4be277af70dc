/**
 * What a relayed GPT-Live session charges: Live bills seconds of session, so the charge streams
 * with the relay's clock from `session.started` (taken at every charge tick, so a budget ends a
 * session within one interval even though the API reports usage only now and then), and each
 * `session.usage.updated` (cumulative seconds) replaces the estimate with the API's own count.
 * In a `'costUsd'` budget a second costs the model's active per-minute rate / 60, from
 * `budget.livePrices` (default `DEFAULT_LIVE_PRICES` in src/base/defaults.ts, the published
 * rates as of `DEFAULT_LIVE_PRICES_AS_OF`).
 */
import type { LiveModelPrices } from '../../base/defaults';
import { livePricePerSecond } from '../../base/usage';
import type { BudgetUnit } from '../stores/session-bus';

/** One Live session's seconds, estimated between the API's reports. */
export class LiveSeconds {
  /** The budget's price of one second (1 for an `'audioSeconds'` budget). */
  readonly perSecond: number;
  /** Seconds charged so far (estimate and reports together). */
  #chargedSeconds = 0;
  /** The API's last cumulative count, and when it came (relay clock, ms). */
  #reportedSeconds = 0;
  #reportedAt: number | undefined;
  #stopped = false;

  constructor(unit: BudgetUnit, prices: Readonly<Record<string, LiveModelPrices>>, model: string) {
    this.perSecond = unit === 'costUsd' ? livePricePerSecond(prices, model) : 1;
  }

  /** The API's count, as last reported. */
  get reportedSeconds(): number {
    return this.#reportedSeconds;
  }

  /** The session started (`session.started`): seconds accrue from `now`. */
  start(now: number): void {
    if (this.#reportedAt === undefined && !this.#stopped) this.#reportedAt = now;
  }

  /** No more accrual (the session closed); a final report still reconciles. */
  stop(now: number): number {
    const amount = this.accrue(now);
    this.#stopped = true;
    return amount;
  }

  /** The seconds since the last report, charged up to `now`; returns what to add, in the budget's unit. */
  accrue(now: number): number {
    if (this.#reportedAt === undefined || this.#stopped) return 0;
    const estimate = this.#reportedSeconds + Math.max(0, now - this.#reportedAt) / 1000;
    if (estimate <= this.#chargedSeconds) return 0;
    const added = estimate - this.#chargedSeconds;
    this.#chargedSeconds = estimate;
    return added * this.perSecond;
  }

  /**
   * The API's cumulative count (`session.usage.updated`): the estimate is replaced by it, so
   * what is returned may be negative (the clock ran ahead of the bill). A smaller count than
   * an earlier report is ignored (reports are totals).
   */
  report(seconds: number, now: number): { amount: number; newSeconds: number } {
    if (!Number.isFinite(seconds) || seconds < this.#reportedSeconds) return { amount: 0, newSeconds: 0 };
    const newSeconds = seconds - this.#reportedSeconds;
    this.#reportedSeconds = seconds;
    if (!this.#stopped) this.#reportedAt = now;
    const amount = (seconds - this.#chargedSeconds) * this.perSecond;
    this.#chargedSeconds = seconds;
    return { amount, newSeconds };
  }
}
