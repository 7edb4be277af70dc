/**
 * The {@link BudgetStore} for many relay nodes: totals and concurrency slots in Redis, every
 * operation one Lua script (atomic on the server), time from the Redis server's clock so the
 * nodes' clocks never disagree about slot expiry.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_RELAY_REDIS_PREFIX } from '../../base/defaults';
import type { BudgetSlot, BudgetStore } from '../stores/budget-store';
import { resolveRedisClient, type RedisClientLike, type RedisConnectionOptions } from './redis-client';

/** Options of {@link RedisBudgetStore}. */
export interface RedisBudgetStoreOptions extends RedisConnectionOptions {
  /**
   * Prefix of every key (`<prefix>budget:<user>:<day>`, `<prefix>slots:<user>`).
   * @default DEFAULT_RELAY_REDIS_PREFIX ('voxwire:')
   */
  keyPrefix?: string;
}

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const NOW_MS = "local clock = redis.call('TIME') local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)";

/** KEYS[1] total; ARGV[1] amount, ARGV[2] ttl ms. Returns the new total as a string. */
const CHARGE = script(`
local amount = tonumber(ARGV[1])
if amount == 0 then
  return redis.call('GET', KEYS[1]) or '0'
end
local total = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return total
`);

/** KEYS[1] slots; ARGV[1] session, ARGV[2] limit, ARGV[3] ttl ms. Returns 1 when taken. */
const ACQUIRE = script(`
${NOW_MS}
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return 1
`);

/**
 * KEYS[1] slots; ARGV[1] session, ARGV[2] ttl ms. Extends a live session's slot, and puts it
 * back when the store lost it (a Redis restarted without persistence): the session holds it.
 * Returns 1 when it was there, 0 when it was put back.
 */
const REFRESH = script(`
${NOW_MS}
local ttl = tonumber(ARGV[2])
local held = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
if held then return 1 end
return 0
`);

/** KEYS[1] slots. Returns the number of live slots. */
const COUNT = script(`
${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])
`);

/** KEYS[1] slots; ARGV[1] session. */
const RELEASE = script(`
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
`);

/**
 * Budget totals and concurrency slots in Redis, shared by every relay node. Pass an ioredis
 * client you own, or a URL (ioredis is then imported on first use and `close()` quits it).
 * Each key is touched by one script at a time, so it also works on Redis Cluster.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { createRelay, RedisBudgetStore, RedisSessionBus } from 'voxwire/server/node';
 *
 * const redis = new Redis(process.env.REDIS_URL!);
 * const relay = createRelay({
 *   ...,
 *   budget: { store: new RedisBudgetStore({ client: redis }), dailyLimit: 1800 },
 *   bus: new RedisSessionBus({ client: redis }),
 * });
 * ```
 */
export class RedisBudgetStore implements BudgetStore {
  readonly #client: Promise<RedisClientLike>;
  readonly #owned: boolean;
  readonly #prefix: string;

  constructor(options: RedisBudgetStoreOptions) {
    const resolved = resolveRedisClient(options ?? {}, 'RedisBudgetStore');
    // Errors of a client made here are the relay's to report (once per outage, from the
    // failed operations); unheard, ioredis would print each one as unhandled.
    this.#client = resolved.client;
    this.#owned = resolved.owned;
    this.#prefix = options.keyPrefix ?? DEFAULT_RELAY_REDIS_PREFIX;
  }

  /** See {@link BudgetStore.charge}. */
  async charge(key: string, amount: number, ttlMs: number): Promise<number> {
    const total = await this.#run(CHARGE, [`${this.#prefix}${key}`], [amount, Math.ceil(ttlMs)]);
    return Number(total);
  }

  /** See {@link BudgetStore.acquireSlot}. */
  async acquireSlot(userId: string, sessionId: string, limit: number, ttlMs: number): Promise<boolean> {
    if (!Number.isFinite(limit)) return true;
    return Number(await this.#run(ACQUIRE, [this.#slotsKey(userId)], [sessionId, limit, Math.ceil(ttlMs)])) === 1;
  }

  /** See {@link BudgetStore.refreshSlots}. */
  async refreshSlots(slots: readonly BudgetSlot[], ttlMs: number): Promise<void> {
    await Promise.all(slots.map(({ userId, sessionId }) => this.#run(REFRESH, [this.#slotsKey(userId)], [sessionId, Math.ceil(ttlMs)])));
  }

  /** See {@link BudgetStore.releaseSlot}. */
  async releaseSlot(userId: string, sessionId: string): Promise<void> {
    await this.#run(RELEASE, [this.#slotsKey(userId)], [sessionId]);
  }

  /** See {@link BudgetStore.countSlots}. */
  async countSlots(userId: string): Promise<number> {
    return Number(await this.#run(COUNT, [this.#slotsKey(userId)], []));
  }

  /** Quits the connection when the store made it from a URL; a client passed in is the app's. */
  async close(): Promise<void> {
    if (!this.#owned) return;
    const client = await this.#client.catch(() => undefined);
    await client?.quit().catch(() => undefined);
  }

  #slotsKey(userId: string): string {
    return `${this.#prefix}slots:${userId}`;
  }

  async #run(code: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
    const client = await this.#client;
    try {
      return await client.evalsha(code.sha, keys.length, ...keys, ...args);
    } catch (error) {
      // First use on this Redis (or after SCRIPT FLUSH): send the script itself, which caches it.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return client.eval(code.source, keys.length, ...keys, ...args);
      throw error;
    }
  }
}
