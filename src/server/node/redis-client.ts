/**
 * The slice of an ioredis client the Redis store and bus use, and how a client is obtained:
 * one the app passes in (its own connection options, cluster, TLS), or one made from a URL
 * with ioredis imported on first use (ioredis is an optional peer dependency).
 */
import { RealtimeError } from '../../base/errors';

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
  /** Listens to connection errors (without a listener, ioredis prints each as unhandled). */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Listens for the connection becoming ready for commands. */
  on(event: 'ready', listener: () => void): unknown;
  /** Stops listening (ioredis has it; a client without it keeps a harmless listener). */
  off?(event: 'error' | 'ready', listener: (...args: unknown[]) => void): unknown;
  /** The connection state (`'ready'` when commands can be sent). */
  readonly status?: string;
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

/**
 * Connection options for clients made from a URL. Commands fail at once while the connection
 * is down instead of queueing (ioredis's offline queue) or being retried for about 73 s, so
 * the relay notices an outage within `storeTimeoutMs` and never double-charges a command
 * that runs late after the relay counted it on its local ledger.
 */
const URL_CLIENT_OPTIONS = { enableOfflineQueue: false, maxRetriesPerRequest: 0 } as const;

/** How long a client made from a URL waits for its first connection before it is handed out anyway. */
const FIRST_CONNECT_WAIT_MS = 3000;

/** Never an unhandled error event: failures surface as rejected commands (the relay logs them once per outage). */
function ignoreErrors(): void {}

/**
 * Resolves once `client` can take commands, or on its first error, or after
 * `FIRST_CONNECT_WAIT_MS`: a Redis that is down at start is an outage like any other.
 */
export function whenReady(client: RedisClientLike): Promise<RedisClientLike> {
  if (client.status === undefined || client.status === 'ready') return Promise.resolve(client);
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off?.('ready', done);
      client.off?.('error', done);
      resolve(client);
    };
    const timer = setTimeout(done, FIRST_CONNECT_WAIT_MS);
    client.on('ready', done);
    client.on('error', done);
  });
}

/** Makes a client made here (or a subscriber duplicated here) quiet: errors are heard, never printed. */
export function ownClient(client: RedisClientLike): RedisClientLike {
  client.on('error', ignoreErrors);
  return client;
}

/** Creates an ioredis client for `url`, importing ioredis on first use. */
export async function createRedisClient(url: string): Promise<RedisClientLike> {
  type RedisConstructor = new (url: string, options: typeof URL_CLIENT_OPTIONS) => RedisClientLike;
  let module: { Redis?: RedisConstructor; default?: unknown };
  try {
    module = (await import('ioredis')) as unknown as typeof module;
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'Redis support needs the `ioredis` package (an optional peer dependency): npm install ioredis', { cause });
  }
  const Redis = module.Redis ?? (module.default as { Redis?: RedisConstructor } | undefined)?.Redis ?? (module.default as RedisConstructor);
  return whenReady(ownClient(new Redis(url, URL_CLIENT_OPTIONS)));
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
