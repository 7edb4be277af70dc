/**
 * One relay node in its own process, for the multi-node tests: a Node relay on 127.0.0.1
 * sharing budgets, concurrency slots and session control through Redis. Configured by the
 * RELAY_NODE_CONFIG environment variable (JSON); talks to the test over the IPC channel.
 */
import { silentLogger } from '../../src/base/logger';
import { createRelay } from '../../src/server/node/create-relay';
import { RedisBudgetStore } from '../../src/server/node/redis-budget-store';
import { RedisSessionBus } from '../../src/server/node/redis-session-bus';
import type { RelaySessionEvent } from '../../src/server/stores/session-bus';

interface NodeConfig {
  nodeId: string;
  upstreamUrl: string;
  redisUrl: string;
  dailyLimit?: number;
  maxSessionsPerUser?: number;
  chargeIntervalMs?: number;
  concurrencyGraceMs?: number;
  failOpen?: boolean;
  /** Send the user id upstream in `x-voxwire-user` (so a fake upstream can account per user). */
  userHeader?: boolean;
  keyPrefix?: string;
}

const config = JSON.parse(process.env.RELAY_NODE_CONFIG ?? '{}') as NodeConfig;
const send = (message: unknown): void => {
  process.send?.(message);
};
// A test that looks at this process from outside asserts that nothing went unhandled.
process.on('unhandledRejection', (error) => send({ type: 'fault', error: `unhandledRejection: ${error instanceof Error ? error.stack : String(error)}` }));
process.on('uncaughtException', (error) => send({ type: 'fault', error: `uncaughtException: ${error.stack ?? error.message}` }));

const store = new RedisBudgetStore({ url: config.redisUrl, ...(config.keyPrefix === undefined ? {} : { keyPrefix: config.keyPrefix }) });
const bus = new RedisSessionBus({ url: config.redisUrl });
const relay = createRelay({
  upstream: {
    url: config.upstreamUrl,
    apiKey: 'sk-node-test-key',
    ...(config.userHeader === true ? { headers: (identity: { userId: string }) => ({ 'x-voxwire-user': identity.userId }) } : {}),
  },
  authenticate: (request) => {
    const token = new URL(request.url).searchParams.get('token');
    return token === null ? null : { userId: token };
  },
  budget: { store, dailyLimit: config.dailyLimit, chargeIntervalMs: config.chargeIntervalMs ?? 100, failOpen: config.failOpen ?? false },
  limits: { maxSessionsPerUser: config.maxSessionsPerUser ?? 10, concurrencyGraceMs: config.concurrencyGraceMs ?? 100 },
  bus,
  publishSessionEvents: true,
  nodeId: config.nodeId,
  logger: silentLogger,
  pingIntervalMs: Infinity,
});
relay.on('sessionStarted', ({ sessionId, userId }) => send({ type: 'sessionStarted', sessionId, userId }));
relay.on('sessionEnded', ({ sessionId, reason }) => send({ type: 'sessionEnded', sessionId, reason }));

const observed: RelaySessionEvent[] = [];
let stopObserving: (() => Promise<void>) | undefined;

process.on('message', (message: { type: string; id: number; sessionId?: string; userId?: string }) => {
  void (async () => {
    switch (message.type) {
      case 'endSession':
        send({ type: 'reply', id: message.id, value: await relay.endSession(message.sessionId as string, { message: 'ended from another node' }) });
        return;
      case 'endUser':
        send({ type: 'reply', id: message.id, value: await relay.endUserSessions(message.userId as string) });
        return;
      case 'observe':
        stopObserving = await relay.observe((event) => observed.push(event));
        send({ type: 'reply', id: message.id, value: true });
        return;
      case 'snapshot': {
        const byUser: Record<string, number> = {};
        for (const session of relay.sessions()) byUser[session.userId] = (byUser[session.userId] ?? 0) + 1;
        send({ type: 'reply', id: message.id, value: { activeSessions: relay.metrics.snapshot().activeSessions, sessionsByUser: byUser } });
        return;
      }
      case 'observed':
        send({ type: 'reply', id: message.id, value: observed });
        return;
      case 'close':
        await stopObserving?.();
        await relay.close({ drainMs: 0 });
        await bus.close();
        await store.close();
        send({ type: 'reply', id: message.id, value: true });
        process.disconnect?.();
        return;
      default:
    }
  })();
});

const { url } = await relay.listen(0, { host: '127.0.0.1' });
send({ type: 'ready', url });
