/**
 * Issue 13, 2, 3 and the ioredis noise of 8: a real redis-server killed and restarted (without
 * persistence) under live relay sessions. Budgets hold on a local ledger while the store is
 * away and are written back when it returns; new connects get an answer within seconds;
 * concurrency slots are re-registered by the live sessions; Redis errors are logged once per
 * outage through the relay's logger and never printed as unhandled.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '../../../src/base/errors';
import { RedisBudgetStore } from '../../../src/server/node/redis-budget-store';
import { RedisSessionBus } from '../../../src/server/node/redis-session-bus';
import { pcmChunk, recordingLogger, RelayClient, startRelay } from '../harness';
import { useRedisServer } from './redis-server';
import { startScriptedUpstream, type ScriptedUpstream } from '../scripted-upstream';
import { until } from '../../helpers/index';

const { available, server: redisServer } = useRedisServer();

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

async function upstream(): Promise<ScriptedUpstream> {
  const started = await startScriptedUpstream();
  cleanups.push(() => started.stop());
  return started;
}

function store(prefix: string): RedisBudgetStore {
  const created = new RedisBudgetStore({ url: redisServer().url, keyPrefix: prefix });
  cleanups.push(() => created.close());
  return created;
}

async function connect(url: string, user: string): Promise<RelayClient> {
  const client = await RelayClient.connect(url, `?token=user:${user}`);
  cleanups.push(() => client.close());
  return client;
}

/** Whatever ioredis prints for an error event nobody listens to. */
function unhandledRedisLines(spy: ReturnType<typeof vi.spyOn>): string[] {
  return spy.mock.calls.map((call: unknown[]) => call.map(String).join(' ')).filter((line: string) => line.includes('[ioredis]'));
}

const DAY = (): string => new Date().toISOString().slice(0, 10);

/**
 * What a command of a client made from a URL (`enableOfflineQueue: false`,
 * `maxRetriesPerRequest: 0`) rejects with while Redis is down.
 */
const REDIS_DOWN = /^(Stream isn't writeable and enableOfflineQueue options is false|Reached the max retries per request limit \(which is 0\)\.)/;

describe.skipIf(!available)('budgets through a Redis outage (issue 13, 2)', () => {
  it('holds live sessions to the last known budget while Redis is down, logs once, and writes the ledger back', async () => {
    const consoleError = vi.spyOn(console, 'error');
    const up = await upstream();
    const budgetStore = store('outage1:');
    await budgetStore.charge(`budget:spender:${DAY()}`, 4, 60_000);
    const logger = recordingLogger();
    const { relay, url } = await startRelay(up.url, { logger, budget: { store: budgetStore, dailyLimit: 8, chargeIntervalMs: 100 }, limits: { maxSessionsPerUser: 1 } });
    cleanups.push(() => relay.close({ drainMs: 0 }));
    const client = await connect(url, 'spender');
    await client.next('session.created');
    const connection = await up.nextConnection();
    await redisServer().kill();
    cleanups.push(() => (redisServer().restart()));
    // 30 s of audio in 500 ms appends; the budget leaves 4 s.
    for (let chunk = 0; chunk < 60 && client.closeInfo === undefined; chunk += 1) {
      client.send({ type: 'input_audio_buffer.append', audio: pcmChunk(500, chunk) });
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect((await client.closed).code).toBe(CLOSE_CODES.budgetExhausted);
    const appendedSeconds = connection.events().filter((event) => event.type === 'input_audio_buffer.append').length * 0.5;
    // One append may cross the budget: 4 s left, 500 ms appends.
    expect(appendedSeconds).toBeLessThanOrEqual(4.5);
    expect(appendedSeconds).toBeGreaterThanOrEqual(4);
    const outageLines = logger.lines.filter((line) => line.message.includes('budget store is unreachable'));
    expect(outageLines).toHaveLength(1);

    // Redis returns empty (no persistence): the relay writes what it charged locally back.
    await redisServer().restart();
    let total = 0;
    for (let poll = 0; poll < 100 && total < appendedSeconds; poll += 1) {
      total = await budgetStore.charge(`budget:spender:${DAY()}`, 0, 60_000).catch(() => 0);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(total).toBeCloseTo(appendedSeconds, 5);
    await until(() => logger.lines.some((line) => line.message.includes('budget store is reachable again')), 'the recovery log', { timeoutMs: 5000 });
    expect(logger.lines.filter((line) => line.message.includes('budget store is unreachable'))).toHaveLength(1);
    expect(unhandledRedisLines(consoleError)).toEqual([]);
  });

  it('answers new connects within seconds during an outage: 503 without failOpen, admitted with it', async () => {
    const up = await upstream();
    const closed = await startRelay(up.url, { budget: { store: store('outage2:'), dailyLimit: 100, chargeIntervalMs: 100 } });
    const open = await startRelay(up.url, { budget: { store: store('outage3:'), dailyLimit: 100, chargeIntervalMs: 100, failOpen: true } });
    cleanups.push(() => closed.relay.close({ drainMs: 0 }), () => open.relay.close({ drainMs: 0 }));
    await redisServer().kill();
    cleanups.push(() => redisServer().restart());
    const started = Date.now();
    await expect(RelayClient.connect(closed.url, '?token=user:newcomer')).rejects.toMatchObject({ statusCode: 503 });
    // ioredis alone retried for about 73 s before failing the command.
    expect(Date.now() - started).toBeLessThan(15_000);
    const admitted = await connect(open.url, 'newcomer');
    await admitted.next('session.created');
  });
});

describe.skipIf(!available)('concurrency slots through a Redis restart (issue 13, 3)', () => {
  it('re-registers the slots of live sessions, so the limit holds once Redis is back', async () => {
    const up = await upstream();
    const { relay, url } = await startRelay(up.url, { budget: { store: store('slots1:'), chargeIntervalMs: 100 }, limits: { maxSessionsPerUser: 2, concurrencyGraceMs: 0 } });
    cleanups.push(() => relay.close({ drainMs: 0 }));
    const first = await connect(url, 'capped');
    const second = await connect(url, 'capped');
    await first.next('session.created');
    await second.next('session.created');
    await redisServer().restart();
    const fresh = store('slots1:');
    const slots = await until(
      async () => {
        const count = await fresh.countSlots('capped').catch(() => 0);
        return count >= 2 && count;
      },
      'both live sessions to register their slots again',
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(slots).toBe(2);
    const third = await connect(url, 'capped');
    expect((await third.next('error')).error.code).toBe('VOXWIRE_CONCURRENCY_LIMIT');
    expect((await third.closed).code).toBe(CLOSE_CODES.policyViolation);
  });
});

describe.skipIf(!available)('Redis clients made from a URL (issue 13, 8)', () => {
  it('never print "[ioredis] Unhandled error event" when Redis goes away', async () => {
    const consoleError = vi.spyOn(console, 'error');
    const budgetStore = store('noise:');
    const bus = new RedisSessionBus({ url: redisServer().url });
    cleanups.push(() => bus.close());
    await bus.subscribe('noise', () => undefined);
    expect(await budgetStore.charge('k', 1, 60_000)).toBe(1);
    await redisServer().kill();
    cleanups.push(() => redisServer().restart());
    // Commands fail at once while Redis is down (no offline queue, no retry): ioredis's own
    // errors, whether the client already saw the close or the command was in flight when it did.
    await expect(budgetStore.charge('k', 1, 60_000)).rejects.toThrow(REDIS_DOWN);
    await expect(bus.publish('noise', 'x')).rejects.toThrow(REDIS_DOWN);
    // ioredis reconnects every few hundred ms; each failed attempt is an error event.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(unhandledRedisLines(consoleError)).toEqual([]);
  });
});
