/**
 * The Worker the Durable Objects tests run on workerd (bundled by esbuild from src). Its user
 * plans come from the token (worker-plan.ts), so one Miniflare serves every test; the upstream
 * URL and secrets come from bindings.
 */
import { createCloudflareRelay } from '../../../src/server/cloudflare';
import { planRelayOptions, type Env, type PlanIdentity } from './worker-plan';

const relay = createCloudflareRelay<Env, PlanIdentity>((env) => ({
  ...planRelayOptions(env),
  upstream: { url: env.UPSTREAM_URL, apiKey: env.OPENAI_API_KEY, model: 'gpt-realtime-2.1' },
}));

export default { fetch: relay.fetch };
export const VoxwireSession = relay.SessionObject;
export const VoxwireUser = relay.UserObject;
export const VoxwireHub = relay.HubObject;
