/**
 * The in-memory {@link BudgetStore}: right for one relay process. Its state dies with the
 * process; run several nodes on `RedisBudgetStore` instead.
 */
import { systemClock, type Clock } from '../../base/clock';
import type { BudgetSlot, BudgetStore } from './budget-store';

/** Options for {@link MemoryBudgetStore}. */
export interface MemoryBudgetStoreOptions {
  /** Time source for expiries. @default systemClock */
  clock?: Clock;
}

interface Total {
  value: number;
  expiresAt: number;
}

/** Charges between two sweeps of expired totals. */
const SWEEP_EVERY = 1024;

/**
 * Budget totals and concurrency slots in a `Map`, with the same semantics as the Redis store
 * (expiring totals, slots that lapse when not refreshed).
 *
 * @example
 * ```ts
 * const relay = createRelay({ ..., budget: { store: new MemoryBudgetStore(), dailyLimit: 600 } });
 * ```
 */
export class MemoryBudgetStore implements BudgetStore {
  readonly #clock: Clock;
  readonly #totals = new Map<string, Total>();
  readonly #slots = new Map<string, Map<string, number>>();
  #chargesSinceSweep = 0;

  constructor(options: MemoryBudgetStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  /** See {@link BudgetStore.charge}. */
  async charge(key: string, amount: number, ttlMs: number): Promise<number> {
    const now = this.#clock.now();
    this.#chargesSinceSweep += 1;
    if (this.#chargesSinceSweep >= SWEEP_EVERY) this.#sweep(now);
    let total = this.#totals.get(key);
    if (total !== undefined && total.expiresAt <= now) {
      this.#totals.delete(key);
      total = undefined;
    }
    if (amount === 0) return total?.value ?? 0;
    if (total === undefined) {
      total = { value: 0, expiresAt: now + ttlMs };
      this.#totals.set(key, total);
    }
    total.value += amount;
    return total.value;
  }

  /** See {@link BudgetStore.acquireSlot}. */
  async acquireSlot(userId: string, sessionId: string, limit: number, ttlMs: number): Promise<boolean> {
    const now = this.#clock.now();
    const held = this.#liveSlots(userId, now);
    if (!held.has(sessionId) && held.size >= limit) return false;
    held.set(sessionId, now + ttlMs);
    this.#slots.set(userId, held);
    return true;
  }

  /** See {@link BudgetStore.refreshSlots}. */
  async refreshSlots(slots: readonly BudgetSlot[], ttlMs: number): Promise<void> {
    const expiresAt = this.#clock.now() + ttlMs;
    for (const { userId, sessionId } of slots) {
      const held = this.#slots.get(userId) ?? new Map<string, number>();
      held.set(sessionId, expiresAt);
      this.#slots.set(userId, held);
    }
  }

  /** See {@link BudgetStore.releaseSlot}. */
  async releaseSlot(userId: string, sessionId: string): Promise<void> {
    const held = this.#slots.get(userId);
    if (!held) return;
    held.delete(sessionId);
    if (held.size === 0) this.#slots.delete(userId);
  }

  /** See {@link BudgetStore.countSlots}. */
  async countSlots(userId: string): Promise<number> {
    const held = this.#liveSlots(userId, this.#clock.now());
    if (held.size === 0) this.#slots.delete(userId);
    return held.size;
  }

  #liveSlots(userId: string, now: number): Map<string, number> {
    const held = this.#slots.get(userId) ?? new Map<string, number>();
    for (const [sessionId, expiresAt] of held) if (expiresAt <= now) held.delete(sessionId);
    return held;
  }

  #sweep(now: number): void {
    this.#chargesSinceSweep = 0;
    for (const [key, total] of this.#totals) if (total.expiresAt <= now) this.#totals.delete(key);
  }
}
