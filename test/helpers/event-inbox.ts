/**
 * Events as they arrive, taken in order: the raw WebSocket client's, or any other source's (the
 * `openai` package's `LiveWS` client emits parsed events). `next` waits for the next event (after
 * the last one taken) that matches, bounded, and rejects naming what came instead.
 */

export type AnyEvent = { type: string; [key: string]: any };

/** What {@link EventInbox.next} waits for: an event type, or a predicate. */
export type EventMatch = string | ((event: AnyEvent) => boolean);

export class EventInbox {
  readonly events: AnyEvent[] = [];
  readonly #timeoutMs: number;
  #cursor = 0;
  #ended: string | undefined;
  #waiters = new Set<() => void>();

  /** @param timeoutMs - How long `next` waits unless told. */
  constructor(timeoutMs = 5000) {
    this.#timeoutMs = timeoutMs;
  }

  /** An event arrived. */
  push(event: AnyEvent): void {
    this.events.push(event);
    this.#wake();
  }

  /** The source ended (`why`, e.g. `closed (1000 done)`): waits that find nothing more reject. */
  end(why: string): void {
    this.#ended = why;
    this.#wake();
  }

  /** Events of a type received so far. */
  all(type: string): AnyEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  /** Types of the events received since the given index. */
  typesSince(index: number): string[] {
    return this.events.slice(index).map((event) => event.type);
  }

  /**
   * Takes the next event (after the previous one taken) matching `match` (a type, or a
   * predicate), or of `type` for which `where` holds. Rejects when the source ends first or
   * after `timeoutMs`, naming what came instead.
   */
  next(match: EventMatch, timeoutMs?: number): Promise<AnyEvent>;
  next(type: string, where: (event: AnyEvent) => boolean, timeoutMs?: number): Promise<AnyEvent>;
  next(match: EventMatch, whereOrTimeout?: ((event: AnyEvent) => boolean) | number, timeout?: number): Promise<AnyEvent> {
    const where = typeof whereOrTimeout === 'function' ? whereOrTimeout : undefined;
    const timeoutMs = (typeof whereOrTimeout === 'number' ? whereOrTimeout : timeout) ?? this.#timeoutMs;
    const predicate = typeof match === 'string' ? (event: AnyEvent) => event.type === match && (where?.(event) ?? true) : match;
    const what = typeof match === 'string' ? (where === undefined ? match : `a matching ${match}`) : 'a matching event';
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let index = this.#cursor; index < this.events.length; index++) {
          const event = this.events[index]!;
          if (predicate(event)) {
            this.#cursor = index + 1;
            resolve(event);
            return true;
          }
        }
        return false;
      };
      if (check()) return;
      const seen = (): string => this.typesSince(this.#cursor).join(', ') || '(none)';
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}; after cursor: ${seen()}`));
      }, timeoutMs);
      const wake = (): void => {
        if (check()) {
          clearTimeout(timer);
          this.#waiters.delete(wake);
        } else if (this.#ended !== undefined) {
          clearTimeout(timer);
          this.#waiters.delete(wake);
          reject(new Error(`${this.#ended} while waiting for ${what}; after cursor: ${seen()}`));
        }
      };
      this.#waiters.add(wake);
      // A source that already ended answers at once.
      if (this.#ended !== undefined) wake();
    });
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
