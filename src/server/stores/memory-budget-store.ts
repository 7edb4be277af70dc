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

/** One concurrency slot: the session that holds it and when it lapses. */
interface Slot {
  sessionId: string;
  expiresAt: number;
}

/**
 * A user's slots: most users hold one, kept inline (a `Map` per user cost about 200 bytes
 * per idle session); a second slot moves them into a `Map` of session id to expiry.
 */
type HeldSlots = Slot | Map<string, number>;

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
  readonly #slots = new Map<string, HeldSlots>();
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
    if (!holds(held, sessionId) && sizeOf(held) >= limit) return false;
    this.#slots.set(userId, withSlot(held, sessionId, now + ttlMs));
    return true;
  }

  /** See {@link BudgetStore.refreshSlots}. */
  async refreshSlots(slots: readonly BudgetSlot[], ttlMs: number): Promise<void> {
    const expiresAt = this.#clock.now() + ttlMs;
    for (const { userId, sessionId } of slots) this.#slots.set(userId, withSlot(this.#slots.get(userId), sessionId, expiresAt));
  }

  /** See {@link BudgetStore.releaseSlot}. */
  async releaseSlot(userId: string, sessionId: string): Promise<void> {
    const held = this.#slots.get(userId);
    if (held === undefined) return;
    if (held instanceof Map) {
      held.delete(sessionId);
      if (held.size === 0) this.#slots.delete(userId);
    } else if (held.sessionId === sessionId) {
      this.#slots.delete(userId);
    }
  }

  /** See {@link BudgetStore.countSlots}. */
  async countSlots(userId: string): Promise<number> {
    return sizeOf(this.#liveSlots(userId, this.#clock.now()));
  }

  /** The user's slots that have not lapsed (lapsed ones are forgotten). */
  #liveSlots(userId: string, now: number): HeldSlots | undefined {
    const held = this.#slots.get(userId);
    if (held === undefined) return undefined;
    if (held instanceof Map) {
      for (const [sessionId, expiresAt] of held) if (expiresAt <= now) held.delete(sessionId);
      if (held.size > 0) return held;
    } else if (held.expiresAt > now) {
      return held;
    }
    this.#slots.delete(userId);
    return undefined;
  }

  #sweep(now: number): void {
    this.#chargesSinceSweep = 0;
    for (const [key, total] of this.#totals) if (total.expiresAt <= now) this.#totals.delete(key);
  }
}

function sizeOf(held: HeldSlots | undefined): number {
  if (held === undefined) return 0;
  return held instanceof Map ? held.size : 1;
}

function holds(held: HeldSlots | undefined, sessionId: string): boolean {
  if (held === undefined) return false;
  return held instanceof Map ? held.has(sessionId) : held.sessionId === sessionId;
}

/** `held` with `sessionId`'s slot set to lapse at `expiresAt`. */
function withSlot(held: HeldSlots | undefined, sessionId: string, expiresAt: number): HeldSlots {
  if (held === undefined) return { sessionId, expiresAt };
  if (held instanceof Map) return held.set(sessionId, expiresAt);
  if (held.sessionId === sessionId) {
    held.expiresAt = expiresAt;
    return held;
  }
  return new Map([
    [held.sessionId, held.expiresAt],
    [sessionId, expiresAt],
  ]);
}
