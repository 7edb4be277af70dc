/**
 * Per-user budgets and concurrency in Durable Objects: {@link DurableObjectBudgetStore} is the
 * relay's {@link BudgetStore} over one object per user ({@link UserBudgetObject}), so the
 * relay core's budget and concurrency logic runs unchanged on Workers. A Durable Object runs
 * one request at a time and its storage is transactional, so every operation is atomic
 * without Redis: two sessions of one user never both take the last slot.
 */
import type { BudgetSlot, BudgetStore } from '../stores/budget-store';
import { budgetKeyOwner } from '../stores/budget-store';
import { answer, callObject, readCall } from './object-rpc';
import type { DurableObjectNamespaceLike, DurableObjectStateLike, DurableObjectStorageLike } from './platform';

/** A budget total and when it lapses (epoch milliseconds). */
interface StoredTotal {
  total: number;
  expiresAt: number;
}

/** Session id → when its slot lapses (epoch milliseconds). */
type StoredSlots = Record<string, number>;

const TOTAL_PREFIX = 'total:';
const SLOTS_KEY = 'slots';

/** The object a user's budget operations go to. */
function ownerOf(key: string): string {
  // Keys the relay did not make (a custom caller's) get an object of their own.
  return budgetKeyOwner(key) ?? key;
}

/**
 * A {@link BudgetStore} over Durable Objects: each user's spend and concurrency slots live in
 * the user's own {@link UserBudgetObject} (`namespace.idFromName(userId)`), so they are
 * strongly consistent across every Worker and session object. Pass it as `budget.store`
 * anywhere; `createCloudflareRelay` makes one from its `users` binding.
 */
export class DurableObjectBudgetStore implements BudgetStore {
  readonly #namespace: DurableObjectNamespaceLike;

  /** `namespace`: the binding of the {@link UserBudgetObject} class (`env.VOXWIRE_USERS`). */
  constructor(namespace: DurableObjectNamespaceLike) {
    this.#namespace = namespace;
  }

  charge(key: string, amount: number, ttlMs: number): Promise<number> {
    return callObject<number>(this.#namespace, ownerOf(key), 'charge', { key, amount, ttlMs });
  }

  acquireSlot(userId: string, sessionId: string, limit: number, ttlMs: number): Promise<boolean> {
    // JSON has no Infinity: an unlimited cap never reaches the store (the relay skips it), but be safe.
    return callObject<boolean>(this.#namespace, userId, 'acquireSlot', { sessionId, limit: Number.isFinite(limit) ? limit : null, ttlMs });
  }

  async refreshSlots(slots: readonly BudgetSlot[], ttlMs: number): Promise<void> {
    const byUser = new Map<string, string[]>();
    for (const { userId, sessionId } of slots) byUser.set(userId, [...(byUser.get(userId) ?? []), sessionId]);
    await Promise.all([...byUser].map(([userId, sessionIds]) => callObject(this.#namespace, userId, 'refreshSlots', { sessionIds, ttlMs })));
  }

  async releaseSlot(userId: string, sessionId: string): Promise<void> {
    await callObject(this.#namespace, userId, 'releaseSlot', { sessionId });
  }

  countSlots(userId: string): Promise<number> {
    return callObject<number>(this.#namespace, userId, 'countSlots');
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * The Durable Object that holds one user's budget totals (per day) and concurrency slots.
 * Export it from your Worker under the class name your `wrangler.toml` binds (the example
 * binds `VOXWIRE_USERS` to `VoxwireUser`). It keeps no state outside its storage.
 */
export class UserBudgetObject {
  readonly #storage: DurableObjectStorageLike;

  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.#storage = state.storage;
  }

  /** Answers the store's calls. */
  async fetch(request: Request): Promise<Response> {
    const call = await readCall(request);
    if (call === undefined) return new Response('not found', { status: 404 });
    const { op, body } = call;
    const now = Date.now();
    switch (op) {
      case 'charge':
        return answer(await this.#charge(stringOf(body.key), numberOr(body.amount, 0), numberOr(body.ttlMs, 0), now));
      case 'acquireSlot': {
        const slots = await this.#liveSlots(now);
        const limit = numberOr(body.limit, Infinity);
        const sessionId = stringOf(body.sessionId);
        if (slots[sessionId] === undefined && Object.keys(slots).length >= limit) return answer(false);
        slots[sessionId] = now + numberOr(body.ttlMs, 0);
        await this.#storage.put(SLOTS_KEY, slots);
        return answer(true);
      }
      case 'refreshSlots': {
        const slots = await this.#liveSlots(now);
        const until = now + numberOr(body.ttlMs, 0);
        for (const sessionId of Array.isArray(body.sessionIds) ? body.sessionIds : []) slots[stringOf(sessionId)] = until;
        await this.#storage.put(SLOTS_KEY, slots);
        return answer(null);
      }
      case 'releaseSlot': {
        const slots = await this.#liveSlots(now);
        delete slots[stringOf(body.sessionId)];
        await this.#storage.put(SLOTS_KEY, slots);
        return answer(null);
      }
      case 'countSlots':
        return answer(Object.keys(await this.#liveSlots(now)).length);
      default:
        return new Response(`unknown operation ${op}`, { status: 404 });
    }
  }

  async #charge(key: string, amount: number, ttlMs: number, now: number): Promise<number> {
    const storageKey = `${TOTAL_PREFIX}${key}`;
    const stored = await this.#storage.get<StoredTotal>(storageKey);
    const live = stored !== undefined && stored.expiresAt > now ? stored : undefined;
    if (live === undefined && amount === 0) return 0;
    if (live === undefined) await this.#forgetExpired(now);
    const next: StoredTotal = { total: (live?.total ?? 0) + amount, expiresAt: live?.expiresAt ?? now + ttlMs };
    await this.#storage.put(storageKey, next);
    return next.total;
  }

  /** A new day's key is a good moment to drop the lapsed ones (one list per user per day). */
  async #forgetExpired(now: number): Promise<void> {
    const totals = await this.#storage.list<StoredTotal>({ prefix: TOTAL_PREFIX });
    for (const [key, value] of totals) if (value.expiresAt <= now) await this.#storage.delete(key);
  }

  async #liveSlots(now: number): Promise<StoredSlots> {
    const slots = (await this.#storage.get<StoredSlots>(SLOTS_KEY)) ?? {};
    for (const [sessionId, expiresAt] of Object.entries(slots)) if (expiresAt <= now) delete slots[sessionId];
    return slots;
  }
}
