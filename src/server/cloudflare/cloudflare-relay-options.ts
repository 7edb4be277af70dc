/**
 * The options of the Durable Objects relay (`createCloudflareRelay`): the relay core's own
 * options (authentication, policy, limits, budget), the upstream as the Node relay takes it,
 * and what only Workers need: the binding names, and the tokens of the metrics and admin
 * routes.
 */
import type { Logger } from '../../base/logger';
import type { RelayBudget, RelayCoreOptions, RelayIdentity } from '../core/relay-options';
import type { RelayMetricsOptions } from '../metrics';
import type { RelayUpstreamOptions } from '../relay-upstream';
import type { FetchLike } from './platform';

/** The names of the Durable Object bindings in `wrangler.toml` (`[[durable_objects.bindings]] name`). */
export interface CloudflareRelayBindings {
  /**
   * The binding of the session object class (one object per session).
   * @default 'VOXWIRE_SESSIONS'
   */
  sessions?: string;
  /**
   * The binding of the user object class (one object per user: budget and concurrency).
   * @default 'VOXWIRE_USERS'
   */
  users?: string;
  /**
   * The binding of the hub object class (one object: live sessions, metrics, drain).
   * @default 'VOXWIRE_HUB'
   */
  hub?: string;
}

/** A route of the relay's Worker guarded by a bearer token. */
export interface CloudflareRelayRoute {
  /**
   * The token a request must carry as `Authorization: Bearer <token>` (keep it in a secret:
   * `wrangler secret put`). An empty token turns the route off.
   */
  token: string;
  /** The path the route answers on. */
  path?: string;
}

/** Options of `createCloudflareRelay`. */
export interface CloudflareRelayOptions<Identity extends RelayIdentity = RelayIdentity>
  extends Omit<RelayCoreOptions<Identity>, 'model' | 'budget' | 'metrics' | 'clock' | 'logger' | 'bus' | 'publishSessionEvents' | 'busPrefix' | 'nodeId'> {
  /**
   * The upstream Realtime API (GPT-Live with `live`): `apiKey` (from a secret:
   * `env.OPENAI_API_KEY`), `model`, `url`. Dialed from the session's object with `fetch` and
   * `Upgrade: websocket`.
   */
  upstream: RelayUpstreamOptions<Identity>;
  /**
   * The per-user daily budget. Spend and concurrency slots live in the user's Durable Object
   * (strongly consistent; no Redis), so `store` is not an option here.
   * @default {}
   */
  budget?: Omit<RelayBudget<Identity>, 'store'>;
  /**
   * The path WebSocket upgrades are served on.
   * @default DEFAULT_RELAY_PATH ('/realtime')
   */
  path?: string;
  /**
   * Serves the Prometheus metrics of every session object (gathered in the hub object) on
   * `path`, to requests with the token.
   * @default undefined (no metrics route; `path` defaults to '/metrics')
   */
  metrics?: CloudflareRelayRoute & {
    /** Labels and buckets of the metrics. @default {} */
    options?: Omit<RelayMetricsOptions, 'logger'>;
  };
  /**
   * Admin routes under `path`, to requests with the token: `POST <path>/drain?drainMs=` warns
   * every live session (`voxwire.session.ending`) and closes it with 4000 at the deadline;
   * `GET <path>/sessions` lists the live sessions.
   * @default undefined (no admin routes; `path` defaults to '/admin')
   */
  admin?: CloudflareRelayRoute;
  /**
   * The Durable Object bindings.
   * @default { sessions: 'VOXWIRE_SESSIONS', users: 'VOXWIRE_USERS', hub: 'VOXWIRE_HUB' }
   */
  bindings?: CloudflareRelayBindings;
  /**
   * Where the relay logs.
   * @default consoleLogger (Workers Logs)
   */
  logger?: Logger;
  /**
   * The `fetch` the session object dials the upstream with (tests inject one).
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
}

/** The options, or a function of the Worker's `env` returning them (secrets live in `env`). */
export type CloudflareRelayConfig<Env, Identity extends RelayIdentity = RelayIdentity> = CloudflareRelayOptions<Identity> | ((env: Env) => CloudflareRelayOptions<Identity>);
