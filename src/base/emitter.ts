/**
 * The event emitter every voxwire class extends: eventemitter3's API and typing (`on`, `once`,
 * `off`, `emit`, `listeners`, ... with a typed event map), in a few hundred bytes. eventemitter3's
 * runtime supports old engines and a `prefixed` mode voxwire never uses, and weighed about 1 KB
 * of the root bundle's 25 KB budget; its types stay the public contract.
 */
import type { EventEmitter as EventEmitter3 } from 'eventemitter3';

interface Listener {
  readonly fn: (...args: never[]) => unknown;
  readonly context: unknown;
  readonly once: boolean;
}

type EventKey = string | symbol;

class Emitter {
  #events = new Map<EventKey, readonly Listener[]>();

  eventNames(): EventKey[] {
    return [...this.#events.keys()];
  }

  listeners(event: EventKey): Listener['fn'][] {
    return (this.#events.get(event) ?? []).map((listener) => listener.fn);
  }

  listenerCount(event: EventKey): number {
    return this.#events.get(event)?.length ?? 0;
  }

  emit(event: EventKey, ...args: unknown[]): boolean {
    // Lists are replaced, never changed in place, so a listener that adds or removes listeners
    // affects the next emit, not this one (as in eventemitter3).
    const listeners = this.#events.get(event);
    if (listeners === undefined) return false;
    for (const listener of listeners) {
      if (listener.once) this.removeListener(event, listener.fn, undefined, true);
      (listener.fn as (...values: unknown[]) => unknown).apply(listener.context, args);
    }
    return true;
  }

  on(event: EventKey, fn: Listener['fn'], context?: unknown): this {
    return this.#add(event, fn, context, false);
  }

  addListener(event: EventKey, fn: Listener['fn'], context?: unknown): this {
    return this.#add(event, fn, context, false);
  }

  once(event: EventKey, fn: Listener['fn'], context?: unknown): this {
    return this.#add(event, fn, context, true);
  }

  /** Removes the listeners of `event` that match `fn` (and `context`, and `once` when given); all of them without `fn`. */
  removeListener(event: EventKey, fn?: Listener['fn'], context?: unknown, once?: boolean): this {
    const listeners = this.#events.get(event);
    if (listeners === undefined) return this;
    const kept =
      fn === undefined
        ? []
        : listeners.filter((listener) => listener.fn !== fn || (once === true && !listener.once) || (context !== undefined && listener.context !== context));
    if (kept.length === 0) this.#events.delete(event);
    else this.#events.set(event, kept);
    return this;
  }

  off(event: EventKey, fn?: Listener['fn'], context?: unknown, once?: boolean): this {
    return this.removeListener(event, fn, context, once);
  }

  removeAllListeners(event?: EventKey): this {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }

  #add(event: EventKey, fn: Listener['fn'], context: unknown, once: boolean): this {
    if (typeof fn !== 'function') throw new TypeError('The listener must be a function');
    this.#events.set(event, [...(this.#events.get(event) ?? []), { fn, context: context ?? this, once }]);
    return this;
  }
}

/**
 * An event emitter with eventemitter3's API and its typed event map
 * (`class MyEmitter extends EventEmitter<{ ready: [] }>`).
 */
export const EventEmitter = Emitter as unknown as new <Events extends EventEmitter3.ValidEventTypes = EventKey>() => EventEmitter3<Events>;
