/**
 * One relay node for a multi-node deployment behind HAProxy or nginx (haproxy.cfg, nginx.conf
 * beside this file; docs/server.md walks through it). Every node shares budgets, concurrency
 * slots and session control through one Redis. SIGTERM drains the node: the balancer's health
 * check sees 503 and sends new sessions elsewhere, live clients are warned and, at the
 * deadline, closed with 4000 so they reconnect through the balancer to another node.
 *
 *   OPENAI_API_KEY=sk-... REDIS_URL=redis://10.0.0.5:6379 RELAY_AUTH_SECRET=... \
 *   RELAY_NODE_ID=relay-1 PORT=8080 npx tsx examples/deploy/relay-node.ts
 *
 * Environment (only OPENAI_API_KEY and RELAY_AUTH_SECRET are required):
 * - PORT, HOST: where to listen (8080, all interfaces).
 * - REDIS_URL: the shared Redis (without it the node keeps budgets in memory: one node only).
 * - RELAY_NODE_ID: this node's name in metrics and bus events (the host name).
 * - RELAY_AUTH_SECRET: the HMAC key of the tokens your app server issues (see `signToken`).
 * - OPENAI_REALTIME_URL: the upstream endpoint (OpenAI's unless set; tests point it at a mock).
 * - RELAY_DRAIN_MS: how long SIGTERM lets sessions finish (25000).
 * - RELAY_DAILY_LIMIT_SECONDS, RELAY_MAX_SESSIONS_PER_USER, RELAY_CHARGE_INTERVAL_MS: budget,
 *   concurrency and how often usage is charged to Redis (unset: no budget, 3, 5000).
 * - RELAY_SLOT_TTL_MS, RELAY_CONCURRENCY_GRACE_MS: how long a dead node's concurrency slots
 *   live, and how long a connect at the cap waits for one (10000, 11000: a user whose node died
 *   reconnects, waiting for the dead slot to lapse, instead of being refused with 4004; keep
 *   both under the client's connectTimeoutMs, 15 s, and the TTL above the charge interval).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { hostname } from 'node:os';
import { RelayMetrics } from 'voxwire/server';
import { createRelay, RedisBudgetStore, RedisSessionBus } from 'voxwire/server/node';

const env = process.env;

function required(name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`relay-node: set ${name}`);
  return value;
}

function numberFrom(name: string): number | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : Number(value);
}

const secret = required('RELAY_AUTH_SECRET');

/** The token your app server gives a signed-in user: `<userId>.<hex HMAC-SHA256 of userId>`. */
export function signToken(userId: string, key: string): string {
  return `${userId}.${createHmac('sha256', key).update(userId).digest('hex')}`;
}

/** The user of a token this node can verify, or null. */
function verifyToken(token: string | null): string | null {
  if (token === null) return null;
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const userId = token.slice(0, dot);
  const expected = Buffer.from(signToken(userId, secret));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given) ? userId : null;
}

const nodeId = env.RELAY_NODE_ID ?? hostname();
const redisUrl = env.REDIS_URL;
const store = redisUrl === undefined ? undefined : new RedisBudgetStore({ url: redisUrl });
const bus = redisUrl === undefined ? undefined : new RedisSessionBus({ url: redisUrl });

const relay = createRelay({
  upstream: {
    apiKey: required('OPENAI_API_KEY'),
    ...(env.OPENAI_REALTIME_URL === undefined ? {} : { url: env.OPENAI_REALTIME_URL }),
  },
  authenticate: (request) => {
    const userId = verifyToken(new URL(request.url).searchParams.get('token'));
    return userId === null ? null : { userId };
  },
  limits: {
    maxSessionsPerUser: numberFrom('RELAY_MAX_SESSIONS_PER_USER') ?? 3,
    slotTtlMs: numberFrom('RELAY_SLOT_TTL_MS') ?? 10_000,
    concurrencyGraceMs: numberFrom('RELAY_CONCURRENCY_GRACE_MS') ?? 11_000,
  },
  budget: {
    ...(store === undefined ? {} : { store }),
    dailyLimit: numberFrom('RELAY_DAILY_LIMIT_SECONDS'),
    ...(numberFrom('RELAY_CHARGE_INTERVAL_MS') === undefined ? {} : { chargeIntervalMs: numberFrom('RELAY_CHARGE_INTERVAL_MS') }),
  },
  ...(bus === undefined ? {} : { bus }),
  nodeId,
  metrics: new RelayMetrics({ labels: { node: nodeId } }),
  ...(numberFrom('RELAY_DRAIN_MS') === undefined ? {} : { drainMs: numberFrom('RELAY_DRAIN_MS') }),
  // drainOnSignals defaults to ['SIGTERM']: the drain runs, then the process exits by the signal.
});

relay.on('drain', (state) => process.stdout.write(`${JSON.stringify({ node: nodeId, drain: state.status })}\n`));

// /healthz (503 while draining) is for the balancer; /metrics for Prometheus (the balancer
// configs beside this file do not forward it).
const { url, port } = await relay.listen(Number(env.PORT ?? 8080), { ...(env.HOST === undefined ? {} : { host: env.HOST }), metricsPath: '/metrics' });
process.stdout.write(`${JSON.stringify({ node: nodeId, listening: url, port })}\n`);
