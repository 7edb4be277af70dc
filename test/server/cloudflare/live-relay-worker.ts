/**
 * The GPT-Live relay on Durable Objects for the tests on workerd: the same plans, limits, budget
 * and routes as relay-worker.ts (worker-plan.ts), with `live` (the operator's instructions and
 * voice locked in `session.start`), served on `/live`.
 */
import { createCloudflareRelay } from '../../../src/server/cloudflare';
import { LIVE_INSTRUCTIONS, planRelayOptions, type Env, type PlanIdentity } from './worker-plan';

const relay = createCloudflareRelay<Env, PlanIdentity>((env) => ({
  ...planRelayOptions(env),
  upstream: { url: env.UPSTREAM_URL, apiKey: env.OPENAI_API_KEY },
  path: '/live',
  live: { session: { instructions: LIVE_INSTRUCTIONS, audio: { output: { voice: 'marin' } } } },
}));

export default { fetch: relay.fetch };
export const VoxwireSession = relay.SessionObject;
export const VoxwireUser = relay.UserObject;
export const VoxwireHub = relay.HubObject;
