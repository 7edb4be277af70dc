/**
 * Past one machine (issue 15): three relay hosts (network namespaces) running
 * examples/deploy/relay-node.ts behind HAProxy and nginx with the configs of examples/deploy/,
 * one real redis-server for budgets, concurrency and the session bus, the mock Realtime server
 * upstream. Sessions spread and stick; a drained node's clients reconnect through the balancer
 * with their transcript; a node killed hard loses at most what it had not charged yet and its
 * slots lapse; an operator ends a user's sessions on every node; Redis restarts mid-load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../../src/client/client';
import type { ClientState } from '../../../src/client/client-events';
import { CLOSE_CODES } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import { RedisBudgetStore } from '../../../src/server/node/redis-budget-store';
import { RedisSessionBus } from '../../../src/server/node/redis-session-bus';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import { pcmChunk } from '../harness';
import { startRedisServer, type RedisServerHandle } from '../node/redis-server';
import { RawClient, until } from '../../helpers/index';
import { API_KEY, multiNodeAvailable, Topology, tokenFor } from './topology';

const available = multiNodeAvailable();
const CHARGE_INTERVAL_MS = 500;
const SLOT_TTL_MS = 3000;
const LONG = { timeoutMs: 45_000 };

let redis: RedisServerHandle;
let mock: MockRealtimeServer;
let topology: Topology;
let store: RedisBudgetStore;
const open: Array<{ close: () => unknown }> = [];

const day = (): string => new Date().toISOString().slice(0, 10);

/** The shared raw client, authenticated as `user` through the node's token scheme, closed after the test. */
async function connectAs(url: string, user: string): Promise<RawClient> {
  const client = await RawClient.connect(url, { query: `?token=${tokenFor(user)}` });
  open.push(client);
  return client;
}

function realtimeClient(url: string, user: string, instructions: string): RealtimeClient {
  const client = new RealtimeClient({
    url: `${url}?token=${tokenFor(user)}`,
    session: { type: 'realtime', instructions, output_modalities: ['text'] },
    logger: silentLogger,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 30 },
  });
  open.push({ close: () => client.disconnect() });
  return client;
}

async function activeCounts(): Promise<number[]> {
  return Promise.all(topology.hosts.map((host) => topology.activeSessions(host.index)));
}

/** Runs `connect` and returns the node (1-based) whose active sessions went up by one. */
async function nodeOf<Value>(connect: () => Promise<Value>): Promise<{ value: Value; node: number }> {
  const before = await activeCounts();
  const value = await connect();
  let node = 0;
  await until(
    async () => {
      const after = await activeCounts();
      const grown = after.flatMap((count, index) => (count === (before[index] as number) + 1 ? [index + 1] : []));
      node = grown.length === 1 ? (grown[0] as number) : 0;
      return node !== 0;
    },
    'the node that took the session',
    LONG,
  );
  return { value, node };
}

async function closeAll(): Promise<void> {
  for (const client of open.splice(0).reverse()) await client.close();
  // A node a test stopped has no metrics (NaN): it has no session either.
  await until(async () => (await activeCounts()).every((count) => count === 0 || Number.isNaN(count)), 'every node to have no session', LONG);
}

/** Restarts a node stopped by a test, and waits until HAProxy's health checks could see it. */
async function restartNode(index: number): Promise<void> {
  const proc = topology.host(index).proc;
  if (proc?.alive !== true) await topology.startNode(index);
  await until(async () => (await topology.health(index)) === 200, `node ${index} healthy`, LONG);
}

describe.skipIf(!available)('relay nodes behind HAProxy and nginx with one Redis', () => {
  beforeAll(async () => {
    redis = await startRedisServer();
    mock = new MockRealtimeServer({ audioPace: 'instant', auth: { apiKey: API_KEY }, log: { keepAudio: false } });
    await mock.start();
    store = new RedisBudgetStore({ url: redis.url });
    topology = await Topology.start({
      nodes: 3,
      redisPort: redis.port,
      upstreamPort: mock.url === undefined ? 0 : Number(new URL(mock.url).port),
      nodeEnv: {
        RELAY_CHARGE_INTERVAL_MS: String(CHARGE_INTERVAL_MS),
        RELAY_SLOT_TTL_MS: String(SLOT_TTL_MS),
        RELAY_CONCURRENCY_GRACE_MS: String(SLOT_TTL_MS * 2),
        RELAY_MAX_SESSIONS_PER_USER: '2',
        RELAY_DAILY_LIMIT_SECONDS: '100000',
        RELAY_DRAIN_MS: '2000',
      },
    });
  }, 180_000);

  afterAll(async () => {
    for (const client of open.splice(0)) await client.close();
    await topology?.stop();
    await store?.close();
    await mock?.stop();
    await redis?.stop();
  }, 60_000);

  it('spreads sessions over the nodes and keeps a token on its node (HAProxy leastconn + stick table, nginx consistent hash)', async () => {
    const haproxyNodes: number[] = [];
    for (let user = 0; user < 6; user += 1) {
      const { value: client, node } = await nodeOf(() => connectAs(topology.balancerUrl('haproxy'), `spread-${user}`));
      await client.next('session.created', 15_000);
      haproxyNodes.push(node);
    }
    expect(new Set(haproxyNodes)).toEqual(new Set([1, 2, 3]));
    // The same token again: the same node.
    const again = await nodeOf(() => connectAs(topology.balancerUrl('haproxy'), 'spread-0'));
    expect(again.node).toBe(haproxyNodes[0]);

    const nginxNodes: number[] = [];
    for (let user = 0; user < 6; user += 1) {
      const { node } = await nodeOf(() => connectAs(topology.balancerUrl('nginx'), `hash-${user}`));
      nginxNodes.push(node);
    }
    expect(new Set(nginxNodes).size).toBeGreaterThanOrEqual(2);
    const sticky = await nodeOf(() => connectAs(topology.balancerUrl('nginx'), 'hash-0'));
    expect(sticky.node).toBe(nginxNodes[0]);
    expect((await activeCounts()).reduce((sum, count) => sum + count, 0)).toBe(14);
    await closeAll();
  }, 120_000);

  it('an operator ends one user on every node through the Redis bus; other users go on', async () => {
    const doomed = [await connectAs(topology.nodeUrl(1), 'ops-u'), await connectAs(topology.nodeUrl(2), 'ops-u')];
    const bystander = await connectAs(topology.nodeUrl(1), 'ops-v');
    for (const client of [...doomed, bystander]) await client.next('session.created', 15_000);

    // The operator is a process of its own (an admin service): a core with the bus, no sockets.
    const bus = new RedisSessionBus({ url: redis.url });
    const operator = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => null, bus, logger: silentLogger });
    try {
      expect(await operator.endUserSessions('ops-u', { message: 'account under review' })).toBe(0);
    } finally {
      await bus.close();
    }
    for (const client of doomed) {
      expect(await client.next('voxwire.session.ending', 15_000)).toMatchObject({ reason: 'ended_by_operator' });
      expect(await client.closed).toEqual({ code: CLOSE_CODES.normal, reason: 'account under review' });
    }
    expect(bystander.closeInfo).toBeUndefined();
    bystander.send({ type: 'input_audio_buffer.append', audio: pcmChunk(100) });
    expect(bystander.closeInfo).toBeUndefined();
    await closeAll();
  }, 120_000);

  for (const balancer of ['haproxy', 'nginx'] as const) {
    it(`drains a node on SIGTERM: its client gets 4000 and reconnects through ${balancer} to another node with its transcript and context`, async () => {
      const instructions = `You are the ${balancer} test assistant.`;
      const user = `drain-${balancer}`;
      const { value: client, node } = await nodeOf(async () => {
        const created = realtimeClient(topology.balancerUrl(balancer), user, instructions);
        await created.connect();
        return created;
      });
      const states: ClientState[] = [];
      client.on('state', (state) => states.push(state));
      const endings: string[] = [];
      client.on('sessionEnding', (info) => endings.push(info.reason));
      const userItem = client.sendText('Please remember the number 42.');
      await until(() => client.conversation.entries.some((entry) => entry.role === 'assistant' && entry.status === 'completed'), 'the reply', LONG);
      const before = client.conversation.entries.map((entry) => ({ id: entry.id, role: entry.role, text: entry.text }));
      const connectionsBefore = mock.connections.length;

      const drained = topology.host(node).proc;
      process.kill(drained?.pid as number, 'SIGTERM');
      await until(() => states.some((state) => state.status === 'reconnecting') && client.state.status === 'connected', 'the client to reconnect', LONG);
      expect(endings).toContain('draining');
      expect(states.find((state) => state.status === 'reconnecting')).toMatchObject({ closeCode: CLOSE_CODES.draining });
      expect(await drained?.exited).toEqual({ code: null, signal: 'SIGTERM' });
      const counts = await activeCounts();
      expect(counts.filter((count, index) => index + 1 !== node && count === 1)).toHaveLength(1);

      expect(client.conversation.entries.map((entry) => ({ id: entry.id, role: entry.role, text: entry.text }))).toEqual(before);
      const connection = mock.connections.length - 1;
      expect(connection).toBeGreaterThanOrEqual(connectionsBefore);
      await mock.waitFor({ type: 'conversation.item.create', item: { id: userItem } }, { direction: 'received', connection, timeoutMs: 15_000 });
      const update = await mock.waitFor('session.update', { direction: 'received', connection, timeoutMs: 15_000 });
      expect(update.event).toMatchObject({ session: { instructions } });
      await closeAll();
      await restartNode(node);
    }, 120_000);
  }

  it('a node killed hard: clients reconnect, the budget loses at most what was not charged yet, slots lapse', async () => {
    const user = 'kill-u';
    const budgetKey = `budget:${user}:${day()}`;
    const { value: streamer, node } = await nodeOf(() => connectAs(topology.balancerUrl('haproxy'), user));
    await streamer.next('session.created', 15_000);
    const connection = mock.connections.length - 1;
    // A RealtimeClient of another user on the same node (the stick table sends its token there once known).
    const appends = (): number => mock.filter('input_audio_buffer.append', { direction: 'received', connection }).length;
    for (let chunk = 0; chunk < 10; chunk += 1) streamer.send({ type: 'input_audio_buffer.append', audio: pcmChunk(500, chunk) });
    await until(() => appends() === 10, 'the upstream to receive 5 s of audio', LONG);
    // Charged to Redis within a charge interval or so: exact.
    await until(async () => Math.abs((await store.charge(budgetKey, 0, 60_000)) - 5) < 1e-6, 'the 5 s to be charged', LONG);
    expect(await store.countSlots(user)).toBe(1);

    for (let chunk = 10; chunk < 12; chunk += 1) streamer.send({ type: 'input_audio_buffer.append', audio: pcmChunk(500, chunk) });
    await until(() => appends() === 12, 'the upstream to receive 1 s more', LONG);
    const killed = topology.host(node).proc;
    process.kill(killed?.pid as number, 'SIGKILL');
    expect(await killed?.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect((await streamer.closed).code).toBe(CLOSE_CODES.abnormal);

    // What was charged stays; what the node had not charged yet (at most its last interval) is
    // lost; nothing is charged twice.
    const total = await store.charge(budgetKey, 0, 60_000);
    expect(total).toBeGreaterThanOrEqual(5 - 1e-6);
    expect(total).toBeLessThanOrEqual(6 + 1e-6);
    // The dead node's slot lapses, so the user may open the most sessions again.
    await until(async () => (await store.countSlots(user)) === 0, 'the dead slot to lapse', LONG);
    const first = await connectAs(topology.balancerUrl('haproxy'), user);
    const second = await connectAs(topology.balancerUrl('haproxy'), user);
    await first.next('session.created', 15_000);
    await second.next('session.created', 15_000);
    expect(await store.countSlots(user)).toBe(2);
    await closeAll();
    await restartNode(node);
  }, 120_000);

  it('a RealtimeClient on a node killed hard reconnects through the balancer with its transcript', async () => {
    const { value: client, node } = await nodeOf(async () => {
      const created = realtimeClient(topology.balancerUrl('haproxy'), 'kill-c', 'Be brief.');
      await created.connect();
      return created;
    });
    client.sendText('Hello there.');
    await until(() => client.conversation.entries.some((entry) => entry.role === 'assistant' && entry.status === 'completed'), 'the reply', LONG);
    const ids = client.conversation.entries.map((entry) => entry.id);
    process.kill(topology.host(node).proc?.pid as number, 'SIGKILL');
    await until(() => client.state.status === 'reconnecting', 'the drop', LONG);
    await until(() => client.state.status === 'connected', 'the reconnect', LONG);
    expect(client.conversation.entries.map((entry) => entry.id)).toEqual(ids);
    const counts = await activeCounts();
    expect(counts.filter((count, index) => index + 1 !== node && count === 1)).toHaveLength(1);
    await closeAll();
    await restartNode(node);
  }, 120_000);

  it('Redis restarted mid-load: live sessions go on, connects get 503 meanwhile, nothing crashes, the ledger is written back', async () => {
    const clients: RawClient[] = [];
    for (let user = 0; user < 6; user += 1) {
      const client = await connectAs(topology.balancerUrl('haproxy'), `load-${user}`);
      await client.next('session.created', 15_000);
      clients.push(client);
    }
    let streaming = true;
    let sent = 0;
    const pump = (async () => {
      while (streaming) {
        for (const client of clients) if (client.closeInfo === undefined) client.send({ type: 'input_audio_buffer.append', audio: pcmChunk(100, sent) });
        sent += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    try {
      await until(() => sent >= 10, 'some load first', LONG);
      await redis.kill();
      // While Redis is down (failOpen off): 503 from every node, so HAProxy answers 503 too.
      await until(
        async () => {
          try {
            const client = await RawClient.connect(topology.balancerUrl('haproxy'), { query: `?token=${tokenFor('outage-newcomer')}` });
            open.push(client);
            return false;
          } catch (error) {
            return (error as { statusCode?: number }).statusCode === 503;
          }
        },
        'a connect to be refused with 503 during the outage',
        LONG,
      );
      const sentDuringOutage = sent;
      await until(() => sent >= sentDuringOutage + 10, 'load during the outage', LONG);
      await redis.restart();
      await until(
        async () => {
          try {
            const client = await RawClient.connect(topology.balancerUrl('haproxy'), { query: `?token=${tokenFor('after-outage')}` });
            open.push(client);
            await client.next('session.created', 15_000);
            return true;
          } catch {
            return false;
          }
        },
        'a connect to succeed once Redis is back',
        LONG,
      );
      // Redis came back empty: each node writes back what it charged to its ledger meanwhile.
      await until(async () => (await store.charge(`budget:load-0:${day()}`, 0, 60_000).catch(() => 0)) > 0, 'the ledger written back', LONG);
    } finally {
      streaming = false;
      await pump;
    }
    for (const client of clients) expect(client.closeInfo).toBeUndefined();
    for (const host of topology.hosts) {
      expect(host.proc?.alive).toBe(true);
      expect(host.proc?.output).not.toMatch(/Unhandled|uncaught|\[ioredis\]/i);
    }
    await closeAll();
  }, 180_000);
});
