/**
 * What the test Workers on workerd share (relay-worker.ts for Realtime, live-relay-worker.ts for
 * GPT-Live): the bindings they read, and the relay options that make a user's plan from the
 * token (`?token=<user>[;maxMs=<ms>][;budget=<seconds>][;sessions=<n>]`), so one Miniflare serves
 * every test of a file.
 */
import { silentLogger } from '../../../src/base/logger';
import type { CloudflareRelayOptions } from '../../../src/server/cloudflare';

/** The instructions live-relay-worker.ts locks in every Live session. */
export const LIVE_INSTRUCTIONS = 'You are the weather desk of ACME. Answer in one sentence.';

export interface Env {
  OPENAI_API_KEY: string;
  UPSTREAM_URL: string;
  METRICS_TOKEN: string;
  ADMIN_TOKEN: string;
}

export interface PlanIdentity {
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

/** Authentication by plan token, per-plan limits and budget, metrics and admin routes; the caller adds `upstream`. */
export function planRelayOptions(env: Env): Omit<CloudflareRelayOptions<PlanIdentity>, 'upstream'> {
  return {
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
  };
}
