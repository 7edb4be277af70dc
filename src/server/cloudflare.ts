/**
 * `voxwire/server/cloudflare`: the relay on Cloudflare Workers and Durable Objects. Web-standard
 * and platform-typed by shape only: no `node:*`, no `ws`, no `cloudflare:*` import. Explicit
 * names only, grouped by topic.
 */

// The relay: the Worker's fetch handler and its three Durable Object classes.
export { createCloudflareRelay } from './cloudflare/cloudflare-relay';
export type { CloudflareRelay } from './cloudflare/cloudflare-relay';
export type { CloudflareRelayOptions, CloudflareRelayConfig, CloudflareRelayBindings, CloudflareRelayRoute } from './cloudflare/cloudflare-relay-options';
export type { SessionObjectClass } from './cloudflare/session-object';
export type { HubObjectClass, HubSession } from './cloudflare/hub-object';

// Budgets and concurrency in Durable Objects (usable as any relay's `budget.store`).
export { DurableObjectBudgetStore, UserBudgetObject } from './cloudflare/user-object';

// The Workers pieces, for a relay of your own on RelayCore.
export { fetchUpstream } from './cloudflare/platform';
export type { FetchLike, DurableObjectNamespaceLike, DurableObjectStubLike, DurableObjectStateLike, DurableObjectStorageLike, ExecutionContextLike, WorkersWebSocket } from './cloudflare/platform';
