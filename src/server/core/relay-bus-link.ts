/**
 * A relay node's link to the other nodes through the session bus (`RelayCoreOptions.bus`):
 * orders to end a session or a user's sessions wherever they run, and the session events
 * every node publishes for `observe()`. Without a bus each call does nothing (or, for
 * `observe()`, says what is missing).
 */
import { CLOSE_CODES, RealtimeError, messageOf } from '../../base/errors';
import type { RelayIdentity } from './relay-options';
import type { ResolvedRelaySettings } from './relay-settings';
import type { RelayControlMessage, RelaySessionEvent } from '../stores/session-bus';

/** The close codes an operator may end a session with: every `CLOSE_CODES` value but 1006. */
export const ALLOWED_END_CODES: ReadonlySet<number> = new Set<number>(Object.values(CLOSE_CODES).filter((code) => code !== CLOSE_CODES.abnormal));

/** Options of `RelayCore.endSession` and `RelayCore.endUserSessions`. */
export interface EndSessionOptions {
  /**
   * The close code: one of `CLOSE_CODES` (not 1006).
   * @default CLOSE_CODES.normal (1000: the client ends the session and does not reconnect)
   */
  code?: number;
  /** Why, for the close frame and logs. @default 'session ended by operator' */
  message?: string;
}

/** The close code and message of an operator's end order, checked (throws on a code not allowed). */
export function endOrderOf(options: EndSessionOptions): { code: number; message: string } {
  const code = options.code ?? CLOSE_CODES.normal;
  if (!ALLOWED_END_CODES.has(code)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `endSession(): \`code\` must be one of CLOSE_CODES (${[...ALLOWED_END_CODES].join(', ')}), got ${String(code)}.`);
  }
  return { code, message: options.message ?? 'session ended by operator' };
}

/** An order to end sessions, as another node sent it (checked). */
export interface EndOrder {
  /** The session to end, when the order names one. */
  sessionId: string | undefined;
  /** The user whose sessions to end, when the order names one. */
  userId: string | undefined;
  /** The close code (one of {@link ALLOWED_END_CODES}). */
  code: number;
  /** Why, for the close frame (at most 100 characters). */
  message: string;
}

/** The bus side of a relay node. */
export class RelayBusLink<Identity extends RelayIdentity = RelayIdentity> {
  readonly #settings: ResolvedRelaySettings<Identity>;
  readonly #track: (promise: Promise<void>) => void;
  #unsubscribeControl: (() => Promise<void>) | undefined;
  #busReachable = true;

  constructor(settings: ResolvedRelaySettings<Identity>, track: (promise: Promise<void>) => void) {
    this.#settings = settings;
    this.#track = track;
  }

  /** Listens to the orders of other nodes (to end sessions). */
  async listen(onOrder: (order: EndOrder) => void): Promise<void> {
    const bus = this.#settings.bus;
    if (bus === undefined) return;
    this.#unsubscribeControl = await bus.subscribe(`${this.#settings.busPrefix}control`, (text) => {
      const order = parseEndOrder(text);
      if (order !== undefined) onOrder(order);
    });
  }

  /** Stops listening to orders. */
  async stop(): Promise<void> {
    const unsubscribe = this.#unsubscribeControl;
    this.#unsubscribeControl = undefined;
    await unsubscribe?.();
  }

  /** Sends an order to every node. */
  async sendControl(message: RelayControlMessage): Promise<void> {
    const bus = this.#settings.bus;
    if (bus === undefined) return;
    await bus.publish(`${this.#settings.busPrefix}control`, JSON.stringify(message));
  }

  /** Publishes a session event (with `publishSessionEvents`); a bus outage is logged once. */
  publish(event: RelaySessionEvent): void {
    const bus = this.#settings.bus;
    if (bus === undefined || !this.#settings.publishSessionEvents) return;
    this.#track(
      bus.publish(`${this.#settings.busPrefix}events`, JSON.stringify(event)).then(
        () => {
          if (!this.#busReachable) this.#settings.logger.warn('relay: the session bus is reachable again');
          this.#busReachable = true;
        },
        (error: unknown) => {
          // Once per outage, not once per event.
          if (this.#busReachable) this.#settings.logger.warn('relay: publishing session events failed; they are dropped until the bus returns', { error: messageOf(error) });
          this.#busReachable = false;
        },
      ),
    );
  }

  /** See `RelayCore.observe`. */
  async observe(listener: (event: RelaySessionEvent) => void): Promise<() => Promise<void>> {
    const bus = this.#settings.bus;
    if (bus === undefined) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'relay.observe() needs a `bus` (a RedisSessionBus to observe every node).');
    return bus.subscribe(`${this.#settings.busPrefix}events`, (message) => {
      let event: RelaySessionEvent;
      try {
        event = JSON.parse(message) as RelaySessionEvent;
      } catch {
        return;
      }
      try {
        listener(event);
      } catch (error) {
        this.#settings.logger.error('relay: an observe() listener threw', { error: messageOf(error) });
      }
    });
  }
}

/** An order from the bus, or undefined for a message that is not one. */
function parseEndOrder(text: string): EndOrder | undefined {
  let message: Partial<RelayControlMessage>;
  try {
    message = JSON.parse(text) as Partial<RelayControlMessage>;
  } catch {
    return undefined;
  }
  if (message?.type !== 'end') return undefined;
  return {
    sessionId: typeof message.sessionId === 'string' ? message.sessionId : undefined,
    userId: typeof message.userId === 'string' ? message.userId : undefined,
    code: typeof message.code === 'number' && ALLOWED_END_CODES.has(message.code) ? message.code : CLOSE_CODES.normal,
    message: typeof message.message === 'string' ? message.message.slice(0, 100) : 'session ended by operator',
  };
}
