/**
 * `voxwire/server/node`: the relay's Node adapter (`ws` + `node:http`) and the Redis-backed
 * budget store and session bus for running many nodes. The runtime-agnostic pieces
 * (`RelayMetrics`, `MemoryBudgetStore`, policy types, ...) come from `voxwire/server`.
 * Explicit names only, grouped by topic.
 */

// The Node relay.
export { createRelay, NodeRelay } from './node/create-relay';
export type {
  CreateRelayOptions,
  RelayUpstreamOptions,
  RelayListenOptions,
  RelayAddress,
  RelayCloseOptions,
} from './node/create-relay-options';

// The phone bridge: a provider's media WebSocket (Twilio Media Streams) on `ws`.
export { createMediaStreamServer, MediaStreamServer } from './node/media-stream-server';
export type { MediaStreamServerOptions } from './node/media-stream-server';

// Redis: budgets, concurrency and cross-node control.
export { RedisBudgetStore } from './node/redis-budget-store';
export type { RedisBudgetStoreOptions } from './node/redis-budget-store';
export { RedisSessionBus } from './node/redis-session-bus';
export type { RedisClientLike, RedisConnectionOptions } from './node/redis-client';
