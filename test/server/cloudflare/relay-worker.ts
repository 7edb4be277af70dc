/**
 * The Worker the Durable Objects tests run on workerd (bundled by esbuild from src). Its user
 * plans come from the token (`?token=<user>[;maxMs=<ms>][;budget=<seconds>][;sessions=<n>]`),
 * so one Miniflare serves every test; the upstream URL and secrets come from bindings.
 */
import { silentLogger } from '../../../src/base/logger';
import { createCloudflareRelay } from '../../../src/server/cloudflare';

interface Env {
  OPENAI_API_KEY: string;
  UPSTREAM_URL: string;
  METRICS_TOKEN: string;
  ADMIN_TOKEN: string;
}

interface PlanIdentity {
  userId: string;
  maxMs?: number;
  budget?: number;
  sessions?: number;
  [key: string]: unknown;
}

function planOf(token: string): PlanIdentity {
  const [userId = '', ...settings] = token.split(';');
  const identity: PlanIdentity = { userId };
  for (const setting of settings) {
    const [name, value] = setting.split('=');
    if (name === 'maxMs' || name === 'budget' || name === 'sessions') identity[name] = Number(value);
  }
  return identity;
}

const relay = createCloudflareRelay<Env, PlanIdentity>((env) => ({
  upstream: { url: env.UPSTREAM_URL, apiKey: env.OPENAI_API_KEY, model: 'gpt-realtime-2.1' },
  authenticate: (request) => {
    const token = new URL(request.url).searchParams.get('token');
    return token === null || token === '' ? null : planOf(token);
  },
  limits: {
    maxDurationMs: (identity) => identity.maxMs ?? 10 * 60_000,
    endingWarningMs: 1000,
    maxSessionsPerUser: (identity) => identity.sessions ?? 3,
    concurrencyGraceMs: 0,
  },
  budget: { dailyLimit: (identity) => identity.budget, chargeIntervalMs: 100 },
  metrics: { token: env.METRICS_TOKEN },
  admin: { token: env.ADMIN_TOKEN },
  logger: silentLogger,
}));

export default { fetch: relay.fetch };
export const VoxwireSession = relay.SessionObject;
export const VoxwireUser = relay.UserObject;
export const VoxwireHub = relay.HubObject;
