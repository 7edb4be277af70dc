/**
 * More than one node: the Redis budget store and session bus against a real redis-server,
 * and two relay processes sharing it for budgets, concurrency and remote session end.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../src/base/errors';
import { RedisBudgetStore } from '../../../src/server/node/redis-budget-store';
import { RedisSessionBus } from '../../../src/server/node/redis-session-bus';
import type { RelaySessionEvent } from '../../../src/server/stores/session-bus';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import { pcmChunk, RelayClient } from '../harness';
import { useRedisServer } from './redis-server';
import { RelayNode } from '../relay-node';
import { until, useCleanup } from '../../helpers/index';

const { available, server: redisServer } = useRedisServer();

const { stoppers: cleanups } = useCleanup();

async function startNode(config: Record<string, unknown>): Promise<RelayNode> {
  const node = await RelayNode.start(config);
  cleanups.push(() => node.stop());
  return node;
}

async function mockUpstream(): Promise<MockRealtimeServer> {
  const mock = new MockRealtimeServer({ audioPace: 'instant' });
  await mock.start();
  cleanups.push(() => mock.stop());
  return mock;
}

async function connect(url: string, user: string): Promise<RelayClient> {
  const client = await RelayClient.connect(url, `?token=${user}`);
  cleanups.push(() => client.close());
  return client;
}

describe.skipIf(!available)('RedisBudgetStore and RedisSessionBus on a real redis-server', () => {
  it('charges atomically, expires totals, and holds slots that lapse unless refreshed', async () => {
    const store = new RedisBudgetStore({ url: redisServer().url, keyPrefix: 'test1:' });
    cleanups.push(() => store.close());
    expect(await store.charge('budget:u:day', 0, 60_000)).toBe(0);
    const charges = await Promise.all(Array.from({ length: 50 }, () => store.charge('budget:u:day', 0.1, 60_000)));
    expect(Math.max(...charges)).toBeCloseTo(5);
    expect(await store.charge('budget:u:day', 0, 60_000)).toBeCloseTo(5);
    expect(await store.charge('budget:short', 1, 150)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.charge('budget:short', 0, 150)).toBe(0);

    const taken = await Promise.all(Array.from({ length: 10 }, (_, index) => store.acquireSlot('u', `s${index}`, 3, 300)));
    expect(taken.filter(Boolean)).toHaveLength(3);
    expect(await store.countSlots('u')).toBe(3);
    const held = taken.flatMap((ok, index) => (ok ? [`s${index}`] : []));
    await store.releaseSlot('u', held[0] as string);
    expect(await store.acquireSlot('u', 'late', 3, 300)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await store.refreshSlots([{ userId: 'u', sessionId: 'late' }], 300);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await store.countSlots('u')).toBe(1);
  });

  it('carries pub/sub messages between two connections', async () => {
    const a = new RedisSessionBus({ url: redisServer().url });
    const b = new RedisSessionBus({ url: redisServer().url });
    cleanups.push(() => a.close(), () => b.close());
    const got: string[] = [];
    const unsubscribe = await b.subscribe('chan', (message) => got.push(message));
    await a.publish('chan', 'hello');
    await until(() => got.length === 1, 'the message', { timeoutMs: 2000 });
    await unsubscribe();
    await a.publish('chan', 'ignored');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(got).toEqual(['hello']);
  });
});

describe.skipIf(!available)('two relay processes sharing one Redis', () => {
  it('never let a user exceed the daily budget beyond one charge interval, across nodes', async () => {
    const mock = await mockUpstream();
    const config = { upstreamUrl: mock.url, redisUrl: redisServer().url, dailyLimit: 1, chargeIntervalMs: 100 };
    const [one, two] = await Promise.all([startNode({ ...config, nodeId: 'one' }), startNode({ ...config, nodeId: 'two' })]);
    const a = await connect(one.url, 'budget-user');
    const b = await connect(two.url, 'budget-user');
    await a.next('session.created');
    await b.next('session.created');
    // 20 ms of audio from each client every 20 ms: 2 s of audio a second between the nodes.
    for (let chunk = 0; chunk < 60 && (a.closeInfo === undefined || b.closeInfo === undefined); chunk += 1) {
      if (a.closeInfo === undefined) a.send({ type: 'input_audio_buffer.append', audio: pcmChunk(20, chunk) });
      if (b.closeInfo === undefined) b.send({ type: 'input_audio_buffer.append', audio: pcmChunk(20, chunk) });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await a.closed).code).toBe(CLOSE_CODES.budgetExhausted);
    expect((await b.closed).code).toBe(CLOSE_CODES.budgetExhausted);
    const appendedSeconds = (mock.received.filter((entry) => entry.event.type === 'input_audio_buffer.append').length * 20) / 1000;
    // The budget is 1 s; each of the two sessions may overshoot by one 100 ms interval of its own audio (plus a frame in flight).
    expect(appendedSeconds).toBeGreaterThanOrEqual(1);
    expect(appendedSeconds).toBeLessThanOrEqual(1 + 2 * (0.1 + 0.04) + 0.1);

    const refused = await connect(one.url, 'budget-user');
    expect((await refused.next('error')).error.code).toBe('VOXWIRE_BUDGET_EXHAUSTED');
    const refusedToo = await connect(two.url, 'budget-user');
    expect((await refusedToo.closed).code).toBe(CLOSE_CODES.budgetExhausted);
  });

  it('hold the per-user concurrency cap across nodes', async () => {
    const mock = await mockUpstream();
    const config = { upstreamUrl: mock.url, redisUrl: redisServer().url, maxSessionsPerUser: 1 };
    const [one, two] = await Promise.all([startNode({ ...config, nodeId: 'one' }), startNode({ ...config, nodeId: 'two' })]);
    const first = await connect(one.url, 'cap-user');
    await first.next('session.created');
    const second = await connect(two.url, 'cap-user');
    expect((await second.next('error')).error.code).toBe('VOXWIRE_CONCURRENCY_LIMIT');
    expect((await second.closed).code).toBe(CLOSE_CODES.policyViolation);
    await first.close();
    await until(() => one.events.some((event) => event.type === 'sessionEnded'), 'node one to end the session', { timeoutMs: 5000 });
    // The slot is released right after the final charge: a fresh connect on the other node gets it.
    let third: RelayClient | undefined;
    for (let attempt = 0; attempt < 20 && third === undefined; attempt += 1) {
      const candidate = await connect(two.url, 'cap-user');
      const first = await Promise.race([candidate.next((event) => event.type === 'session.created' || event.type === 'error'), candidate.closed.then(() => undefined)]);
      if (first?.type === 'session.created') third = candidate;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(third).toBeDefined();
  });

  it('end a session from any node, and show every session to observers on any node', async () => {
    const mock = await mockUpstream();
    const config = { upstreamUrl: mock.url, redisUrl: redisServer().url };
    const [one, two] = await Promise.all([startNode({ ...config, nodeId: 'one' }), startNode({ ...config, nodeId: 'two' })]);
    await one.request('observe');
    const client = await connect(two.url, 'remote-user');
    await client.next('session.created');
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] } });
    client.send({ type: 'response.create' });
    await client.next('response.done', 10_000);
    await until(() => two.events.some((event) => event.type === 'sessionStarted'), 'node two to report the session', { timeoutMs: 2000 });
    const sessionId = two.events.find((event) => event.type === 'sessionStarted')?.sessionId as string;

    expect(await one.request<boolean>('endSession', { sessionId })).toBe(false);
    expect(await client.closed).toEqual({ code: CLOSE_CODES.normal, reason: 'ended from another node' });
    expect(client.all('voxwire.session.ending')).toEqual([expect.objectContaining({ reason: 'ended_by_operator' })]);
    await until(() => two.events.some((event) => event.type === 'sessionEnded' && event.reason === 'ended_by_operator'), 'node two to end it', { timeoutMs: 2000 });

    const observed = await until(
      async () => {
        const seen = await one.request<RelaySessionEvent[]>('observed');
        return seen.some((event) => event.type === 'session.ended') && seen;
      },
      'node one to observe the end',
      { timeoutMs: 5000, intervalMs: 50 },
    );
    const mine = observed.filter((event) => event.sessionId === sessionId);
    expect(mine.map((event) => event.type)).toEqual(['session.started', 'transcript', 'usage', 'session.ended']);
    expect(mine.every((event) => event.nodeId === 'two' && event.userId === 'remote-user')).toBe(true);
    expect(mine.find((event) => event.type === 'transcript')).toMatchObject({ role: 'assistant' });
  });
});
