/**
 * The slice of an ioredis client the Redis store and bus use, and how a client is obtained:
 * one the app passes in (its own connection options, cluster, TLS), or one made from a URL
 * with ioredis imported on first use (ioredis is an optional peer dependency).
 */
import { RealtimeError } from '../../errors';

/** What the relay needs of a Redis client; an ioredis `Redis` fits. */
export interface RedisClientLike {
  /** `EVALSHA sha numkeys key... arg...` */
  evalsha(sha: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  /** `EVAL script numkeys key... arg...` */
  eval(script: string, numKeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  /** `PUBLISH channel message` */
  publish(channel: string, message: string): Promise<unknown>;
  /** `SUBSCRIBE channel` (puts the connection in subscriber mode). */
  subscribe(channel: string): Promise<unknown>;
  /** `UNSUBSCRIBE channel` */
  unsubscribe(channel: string): Promise<unknown>;
  /** Listens to messages of subscribed channels. */
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  /** A new connection with the same options (for the subscriber). */
  duplicate(): RedisClientLike;
  /** Closes the connection gracefully. */
  quit(): Promise<unknown>;
}

/** Where a Redis-backed component gets its connection. */
export interface RedisConnectionOptions {
  /** An ioredis client (or compatible) the app owns and closes. */
  client?: RedisClientLike;
  /** A `redis://` URL; the component creates (and on `close()` quits) its own ioredis client. */
  url?: string;
}

/** Creates an ioredis client for `url`, importing ioredis on first use. */
export async function createRedisClient(url: string): Promise<RedisClientLike> {
  let module: { Redis?: new (url: string) => RedisClientLike; default?: unknown };
  try {
    module = (await import('ioredis')) as typeof module;
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'Redis support needs the `ioredis` package (an optional peer dependency): npm install ioredis', { cause });
  }
  const Redis = module.Redis ?? (module.default as { Redis?: new (url: string) => RedisClientLike } | undefined)?.Redis ?? (module.default as new (url: string) => RedisClientLike);
  return new Redis(url);
}

/** Resolves the connection options to a client, and whether the component owns it. */
export function resolveRedisClient(options: RedisConnectionOptions, who: string): { client: Promise<RedisClientLike>; owned: boolean } {
  if (options.client !== undefined) return { client: Promise.resolve(options.client), owned: false };
  if (typeof options.url !== 'string' || options.url === '') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${who}: pass \`client\` (an ioredis instance) or \`url\` ('redis://host:6379').`);
  }
  const client = createRedisClient(options.url);
  client.catch(() => undefined);
  return { client, owned: true };
}
