/**
 * The {@link SessionBus} over Redis pub/sub, so an operator can end any session from any node
 * and observers anywhere see what every node's sessions do.
 */
import type { SessionBus } from '../stores/session-bus';
import { ownClient, resolveRedisClient, whenReady, type RedisClientLike, type RedisConnectionOptions } from './redis-client';

/**
 * Redis pub/sub for relays. Publishes on the given (or URL-made) client and subscribes on a
 * second connection made with `duplicate()` (a subscribed Redis connection can do nothing
 * else). `close()` quits the subscriber, and the publisher when it made it.
 */
export class RedisSessionBus implements SessionBus {
  readonly #publisher: Promise<RedisClientLike>;
  readonly #owned: boolean;
  #subscriber: Promise<RedisClientLike> | undefined;
  readonly #listeners = new Map<string, Set<(message: string) => void>>();

  constructor(options: RedisConnectionOptions) {
    const resolved = resolveRedisClient(options ?? {}, 'RedisSessionBus');
    this.#publisher = resolved.client;
    this.#owned = resolved.owned;
  }

  /** See {@link SessionBus.publish}. */
  async publish(channel: string, message: string): Promise<void> {
    await (await this.#publisher).publish(channel, message);
  }

  /** See {@link SessionBus.subscribe}. */
  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const subscriber = await this.#getSubscriber();
    let set = this.#listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(channel, set);
      await subscriber.subscribe(channel);
    }
    set.add(listener);
    return async () => {
      const current = this.#listeners.get(channel);
      if (current === undefined || !current.delete(listener) || current.size > 0) return;
      this.#listeners.delete(channel);
      await subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Quits the subscriber connection (and the publisher when the bus made it from a URL). */
  async close(): Promise<void> {
    this.#listeners.clear();
    const subscriber = await this.#subscriber?.catch(() => undefined);
    await subscriber?.quit().catch(() => undefined);
    if (this.#owned) {
      const publisher = await this.#publisher.catch(() => undefined);
      await publisher?.quit().catch(() => undefined);
    }
  }

  #getSubscriber(): Promise<RedisClientLike> {
    this.#subscriber ??= this.#publisher.then((publisher) => {
      // The subscriber is always the bus's own connection, whoever owns the publisher.
      const subscriber = ownClient(publisher.duplicate());
      subscriber.on('message', (channel, message) => {
        const set = this.#listeners.get(channel);
        if (set === undefined) return;
        for (const listener of [...set]) listener(message);
      });
      return whenReady(subscriber);
    });
    return this.#subscriber;
  }
}
