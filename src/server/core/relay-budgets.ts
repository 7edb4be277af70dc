/**
 * The relay's side of budgets and concurrency: what each session charges is stored now and
 * then (and on the session's end), the store's totals are handed back to the user's sessions,
 * a store outage is bridged by a local ledger written back when it returns, and concurrency
 * slots are taken, refreshed and released. Every store call is bounded by `storeTimeoutMs`.
 */
import { RealtimeError, messageOf } from '../../base/errors';
import { budgetKeyOf } from '../stores/budget-store';
import type { RelayIdentity } from './relay-options';
import type { ResolvedRelaySettings } from './relay-settings';
import type { RelaySession } from './relay-session';

/** A budget key lives two days: budgets are per day, and a day may end mid-session. */
export const BUDGET_KEY_TTL_MS = 48 * 60 * 60 * 1000;
const SLOT_POLL_MS = 100;

/** A live session as the relay keeps it. */
export interface SessionEntry<Identity extends RelayIdentity> {
  readonly session: RelaySession<Identity>;
  readonly slotHeld: boolean;
  flushing: Promise<void> | undefined;
  flushAgain: boolean;
}

/** What the budgets need from the relay. */
export interface RelayBudgetsHost<Identity extends RelayIdentity> {
  /** The sessions open on this node. */
  entries(): Iterable<SessionEntry<Identity>>;
  /** The sessions of one user open on this node (kept by user: a charge tick asks once per session). */
  entriesOf(userId: string): Iterable<SessionEntry<Identity>>;
  /** Keeps a promise until it settles (`stop()` and `drain()` wait for it). */
  track(promise: Promise<void>): void;
  /** True once the relay drains (a slot is then no longer waited for). */
  draining(): boolean;
}

/** What an upfront charge needs to know of its admission. */
export interface UpfrontTicket {
  readonly sessionId: string;
  readonly userId: string;
  readonly budgetLimit: number | undefined;
  readonly slotHeld: boolean;
  readonly maxDurationMs: number;
}

/** Budget charging, the outage ledger and concurrency slots of one relay node. */
export class RelayBudgets<Identity extends RelayIdentity = RelayIdentity> {
  readonly #settings: ResolvedRelaySettings<Identity>;
  readonly #host: RelayBudgetsHost<Identity>;
  /** Budget key → what this node charged while the store was unreachable, not yet written back. */
  readonly #ledger = new Map<string, { userId: string; amount: number }>();
  /** Budget key → the store's last answer for it. */
  readonly #lastTotals = new Map<string, number>();
  #writingBack: Promise<void> | undefined;
  #storeReachable = true;
  #ticking = false;
  #tickTimer: unknown;

  constructor(settings: ResolvedRelaySettings<Identity>, host: RelayBudgetsHost<Identity>) {
    this.#settings = settings;
    this.#host = host;
  }

  /**
   * The user's spend today, read from the store when a session is admitted; during an outage
   * the last known total plus the ledger, or undefined when `failOpen` is off.
   */
  async spentToday(userId: string): Promise<number | undefined> {
    const key = this.budgetKey(userId);
    try {
      const stored = await this.storeCall(() => this.#settings.store.charge(key, 0, BUDGET_KEY_TTL_MS));
      this.#lastTotals.set(key, stored);
      return stored + this.#unsynced(key);
    } catch {
      // The outage was logged once; failOpen decides new connections only.
      if (!this.#settings.failOpen) return undefined;
      return (this.#lastTotals.get(key) ?? 0) + this.#unsynced(key);
    }
  }

  /** See `RelayCore.chargeUpfront`. */
  async chargeUpfront(ticket: UpfrontTicket, amount: number): Promise<'charged' | 'exhausted' | 'unavailable'> {
    const { store, failOpen } = this.#settings;
    const { userId } = ticket;
    if (ticket.budgetLimit !== undefined) {
      const key = this.budgetKey(userId);
      try {
        const total = await this.storeCall(() => store.charge(key, amount, BUDGET_KEY_TTL_MS));
        this.#lastTotals.set(key, total);
        if (total + this.#unsynced(key) > ticket.budgetLimit + 1e-9) {
          // Given back at once: a concurrent call of the same user must not be refused for it.
          this.#lastTotals.set(key, await this.storeCall(() => store.charge(key, -amount, BUDGET_KEY_TTL_MS)).catch(() => total - amount));
          this.#settings.metrics.recordBudgetRejection(userId, 'connect');
          return 'exhausted';
        }
      } catch {
        if (!failOpen) return 'unavailable';
        this.#addToLedger(key, userId, amount);
      }
    }
    if (ticket.slotHeld && Number.isFinite(ticket.maxDurationMs)) {
      // A lost slot lapses after slotTtlMs: the concurrency cap then errs on the user's side.
      await this.storeCall(() => store.refreshSlots([{ userId, sessionId: ticket.sessionId }], ticket.maxDurationMs)).catch(() => undefined);
    }
    return 'charged';
  }

  /** Gives back an upfront charge (to the ledger when the store cannot take it). */
  refund(userId: string, amount: number): void {
    const key = this.budgetKey(userId);
    this.#host.track(this.storeCall(() => this.#settings.store.charge(key, -amount, BUDGET_KEY_TTL_MS)).then((total) => void this.#lastTotals.set(key, total), () => this.#addToLedger(key, userId, -amount)));
  }

  /** Runs {@link tick} every `chargeIntervalMs` until {@link stopTicking}. */
  startTicking(): void {
    this.#ticking = true;
    this.#scheduleTick();
  }

  /** Stops the loop of {@link startTicking}. */
  stopTicking(): void {
    this.#ticking = false;
    this.#settings.clock.clearTimeout(this.#tickTimer);
  }

  #scheduleTick(): void {
    this.#tickTimer = this.#settings.clock.setTimeout(() => {
      if (!this.#ticking) return;
      this.tick();
      this.#scheduleTick();
    }, this.#settings.chargeIntervalMs);
    // The loop alone must not keep a process alive (Node timers have unref; others need not).
    (this.#tickTimer as { unref?: () => void } | undefined)?.unref?.();
  }

  /** The periodic work: every session's charge stored, slots refreshed, the ledger written back. */
  tick(): void {
    for (const entry of this.#host.entries()) void this.flush(entry);
    this.refreshSlots();
    if (this.#ledger.size > 0 && this.#writingBack === undefined) {
      const writing = this.#writeBackLedger().finally(() => {
        this.#writingBack = undefined;
      });
      this.#writingBack = writing;
      this.#host.track(writing);
    }
    this.#forgetOldTotals();
  }

  flush(entry: SessionEntry<Identity>): Promise<void> {
    const { session } = entry;
    if (session.budgetLimit === undefined) return Promise.resolve();
    if (entry.flushing !== undefined) {
      entry.flushAgain = true;
      return entry.flushing;
    }
    const amount = session.takePendingCharge();
    // A reconciliation can be negative (a running estimate above the exact usage).
    if (amount === 0) return Promise.resolve();
    const key = this.budgetKey(session.userId);
    const flushing = (async () => {
      try {
        const total = await this.storeCall(() => this.#settings.store.charge(key, amount, BUDGET_KEY_TTL_MS));
        session.settleCharge(amount);
        this.#applyTotal(key, session.userId, total);
      } catch {
        // Unreachable store: the charge goes on the local ledger, written back when it returns,
        // and the user's sessions here are held to the last known total plus the ledger.
        session.settleCharge(amount);
        this.#addToLedger(key, session.userId, amount);
        this.#applyTotal(key, session.userId, undefined);
      } finally {
        entry.flushing = undefined;
        if (entry.flushAgain) {
          entry.flushAgain = false;
          void this.flush(entry);
        }
      }
    })();
    entry.flushing = flushing;
    this.#host.track(flushing);
    return flushing;
  }

  /** Extends the slots of live sessions, and re-registers those a restarted store lost. */
  refreshSlots(): void {
    const slots: Array<{ userId: string; sessionId: string }> = [];
    for (const entry of this.#host.entries()) if (entry.slotHeld) slots.push({ userId: entry.session.userId, sessionId: entry.session.id });
    if (slots.length === 0) return;
    this.#host.track(this.storeCall(() => this.#settings.store.refreshSlots(slots, this.#settings.slotTtlMs)).then(() => undefined, () => undefined));
  }

  /** Writes what was charged during an outage back to the store, key by key. */
  async #writeBackLedger(): Promise<void> {
    for (const [key, { userId, amount }] of [...this.#ledger]) {
      // The line stays on the ledger until the store has it: a total handed to the user's
      // sessions meanwhile must still count it (taken off first, a session's view of the
      // budget dropped by the outage's charges for as long as the write took, and it spent them again).
      try {
        const total = await this.storeCall(() => this.#settings.store.charge(key, amount, BUDGET_KEY_TTL_MS));
        const line = this.#ledger.get(key);
        if (line !== undefined && line.amount === amount) this.#ledger.delete(key);
        else if (line !== undefined) line.amount -= amount;
        this.#applyTotal(key, userId, total);
      } catch {
        return;
      }
    }
  }

  #addToLedger(key: string, userId: string, amount: number): void {
    const line = this.#ledger.get(key);
    if (line === undefined) this.#ledger.set(key, { userId, amount });
    else line.amount += amount;
  }

  /** What this node charged to `key` that the store has not taken yet. */
  #unsynced(key: string): number {
    return this.#ledger.get(key)?.amount ?? 0;
  }

  /**
   * Records the store's total for `key` (when it answered) and gives every session of the user
   * on this node the total as this node knows it: the store's last answer plus the ledger.
   */
  #applyTotal(key: string, userId: string, stored: number | undefined): void {
    if (stored !== undefined) this.#lastTotals.set(key, stored);
    const sessions = this.sessionsOf(userId);
    if (sessions.length === 0) return;
    let total = (this.#lastTotals.get(key) ?? 0) + this.#unsynced(key);
    if (!this.#storeReachable) total += this.#outageReserve(sessions, total - this.#unsynced(key));
    for (const session of sessions) session.applyBudgetTotal(total);
  }

  /**
   * While the store is unreachable, the user's sessions on other nodes spend too, unseen. With
   * a finite concurrency limit `m` (each session held a slot), this node keeps to its share of
   * what was left at the last known total: `k/m` of it for its `k` sessions; the rest is
   * reserved for the others, so all nodes together stay within the budget. Without a limit
   * each node may spend what was left (docs/server.md says so).
   */
  #outageReserve(sessions: readonly RelaySession<Identity>[], lastKnown: number): number {
    const first = sessions[0] as RelaySession<Identity>;
    const limit = first.budgetLimit;
    if (limit === undefined) return 0;
    let maxSessions: number;
    try {
      maxSessions = this.#settings.maxSessionsPerUser(first.identity);
    } catch {
      return 0;
    }
    if (!Number.isFinite(maxSessions) || maxSessions <= sessions.length) return 0;
    return Math.max(0, limit - lastKnown) * (1 - sessions.length / maxSessions);
  }

  /** The sessions of a user on this node. */
  sessionsOf(userId: string): RelaySession<Identity>[] {
    const found: RelaySession<Identity>[] = [];
    for (const { session } of this.#host.entriesOf(userId)) if (!session.ended) found.push(session);
    return found;
  }

  /** Totals of past days are of no use (budgets are per day). */
  #forgetOldTotals(): void {
    if (this.#lastTotals.size === 0) return;
    const today = this.budgetKey('').slice('budget::'.length);
    for (const key of this.#lastTotals.keys()) if (!key.endsWith(today) && !this.#ledger.has(key)) this.#lastTotals.delete(key);
  }

  /**
   * One store operation, bounded by `storeTimeoutMs`. Notes whether the store is reachable:
   * the first failure of an outage is logged (once), and so is the first success after it.
   */
  async storeCall<Value>(operation: () => Promise<Value>): Promise<Value> {
    const { clock, storeTimeoutMs, logger, failOpen } = this.#settings;
    let timer: unknown;
    try {
      const value = await Promise.race([
        operation(),
        new Promise<never>((_, reject) => {
          timer = clock.setTimeout(() => reject(new RealtimeError('VOXWIRE_TIMEOUT', `the budget store did not answer within ${storeTimeoutMs} ms`)), storeTimeoutMs);
        }),
      ]);
      if (!this.#storeReachable) {
        this.#storeReachable = true;
        logger.warn('relay: the budget store is reachable again; what was charged during the outage is written back', { ledgerUsers: this.#ledger.size });
        // At once, not at the next tick: a store that restarted empty must not admit a
        // connect into a slot a live session holds.
        this.refreshSlots();
      }
      return value;
    } catch (error) {
      if (this.#storeReachable) {
        this.#storeReachable = false;
        logger.error(
          `relay: the budget store is unreachable; live sessions go on, charged to a local ledger and held to their last known budget; new connections are ${failOpen ? 'admitted (failOpen)' : 'refused with 503'} until it returns`,
          { error: messageOf(error) },
        );
      }
      throw error;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  async acquireSlot(userId: string, sessionId: string, limit: number): Promise<boolean> {
    const { store, clock, concurrencyGraceMs, slotTtlMs } = this.#settings;
    const deadline = clock.now() + concurrencyGraceMs;
    for (;;) {
      if (await this.storeCall(() => store.acquireSlot(userId, sessionId, limit, slotTtlMs))) return true;
      const left = deadline - clock.now();
      if (left <= 0 || this.#host.draining()) return false;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.min(SLOT_POLL_MS, left)));
    }
  }

  async releaseSlot(userId: string, sessionId: string): Promise<void> {
    try {
      await this.storeCall(() => this.#settings.store.releaseSlot(userId, sessionId));
    } catch {
      // The outage is logged once; an unreleased slot lapses after slotTtlMs.
    }
  }

  budgetKey(userId: string): string {
    return budgetKeyOf(userId, this.#settings.clock.now());
  }
}
