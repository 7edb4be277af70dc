/**
 * Where per-user budget spend and concurrency slots live. One node can keep them in memory
 * ({@link MemoryBudgetStore}); several nodes behind a load balancer share them in Redis
 * (`RedisBudgetStore` from `voxwire/server/node`). Every operation is atomic in the store, so
 * two nodes never both admit a user's last slot.
 */

/** A concurrency slot held by one session of one user. */
export interface BudgetSlot {
  /** The user (the `userId` of the session's identity). */
  userId: string;
  /** The relay session holding the slot. */
  sessionId: string;
}

/**
 * The state behind relay budgets and per-user concurrency. Implement it to keep that state
 * somewhere else (a database, Durable Objects); the relay calls it at connect, every
 * charge interval and at close, never per frame.
 */
export interface BudgetStore {
  /**
   * Adds `amount` (audio seconds or US dollars, the relay's unit) to the total under `key`
   * and returns the new total. `amount` 0 reads the total. A new key expires `ttlMs` after its
   * first charge (the relay's keys are per user and day).
   */
  charge(key: string, amount: number, ttlMs: number): Promise<number>;
  /**
   * Takes a slot for `sessionId` when `userId` holds fewer than `limit` live slots; returns
   * whether it did. A slot not refreshed for `ttlMs` is no longer live (its node died).
   */
  acquireSlot(userId: string, sessionId: string, limit: number, ttlMs: number): Promise<boolean>;
  /**
   * Extends the life of the slots of live sessions by `ttlMs` from now, putting back any the
   * store lost (a Redis restarted without persistence), so the concurrency limit holds once
   * the store is back.
   */
  refreshSlots(slots: readonly BudgetSlot[], ttlMs: number): Promise<void>;
  /** Frees a slot. Freeing a slot that is not held does nothing. */
  releaseSlot(userId: string, sessionId: string): Promise<void>;
  /** Live slots of a user (for dashboards and tests). */
  countSlots(userId: string): Promise<number>;
  /** Releases the store's resources (connections). The relay does not call it: the owner does. */
  close?(): Promise<void>;
}

const DAY_MS = 86_400_000;
/** The last UTC day a key was made for: its first millisecond and its `YYYY-MM-DD`. */
let lastDay = { start: Number.NaN, text: '' };

/**
 * The store key of a user's spend on the UTC day of `now` (epoch milliseconds). The relay
 * keeps one per user: the day's text is made once a day and shared, and the key is joined
 * flat (a template would keep a chain of three concatenations per key).
 */
export function budgetKeyOf(userId: string, now: number): string {
  const start = now - (((now % DAY_MS) + DAY_MS) % DAY_MS);
  if (start !== lastDay.start) lastDay = { start, text: new Date(start).toISOString().slice(0, 10) };
  return ['budget', userId, lastDay.text].join(':');
}

const BUDGET_KEY = /^budget:([\s\S]*):\d{4}-\d{2}-\d{2}$/;

/**
 * The user a key of {@link budgetKeyOf} belongs to (a store that keeps each user's state in one
 * place routes by it); undefined for any other key.
 */
export function budgetKeyOwner(key: string): string | undefined {
  return BUDGET_KEY.exec(key)?.[1];
}
