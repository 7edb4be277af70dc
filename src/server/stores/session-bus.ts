/**
 * Cross-node session control. Relays publish what happens in their sessions (started, ended,
 * transcripts, usage) for observers on any node, and listen for orders to end a session,
 * over a pub/sub channel: in memory for one process ({@link MemorySessionBus}), on Redis for
 * many (`RedisSessionBus` from `voxwire/server/node`).
 */
import type { Usage } from '../../events/response';
import type { RelayEndReason } from '../core/end-reason';

/** A publish/subscribe transport carrying text messages on named channels. */
export interface SessionBus {
  /** Publishes `message` to everyone subscribed to `channel` (this node included). */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes; resolves once subscribed, to a function that unsubscribes. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Releases the bus's resources. The relay does not call it: the owner does. */
  close?(): Promise<void>;
}

/** Fields every published session event ({@link RelaySessionEvent}) carries. */
export interface SessionEventBase {
  /** The relay session. */
  sessionId: string;
  /** The session's user. */
  userId: string;
  /** The relay node the session runs on. */
  nodeId: string;
  /** When it happened, in epoch milliseconds of the publishing node. */
  at: number;
}

/**
 * What relays publish about their sessions, for observers on any node (a supervisor
 * dashboard, analytics). Transcripts and usage are published only when the relay's
 * `publishSessionEvents` is on.
 */
export type RelaySessionEvent =
  | (SessionEventBase & {
      /** A session opened. */
      type: 'session.started';
    })
  | (SessionEventBase & {
      /** A session ended. */
      type: 'session.ended';
      /** Why it ended. */
      reason: RelayEndReason;
      /** How long it lasted, from its start to its end, in milliseconds of the relay's clock. */
      durationMs: number;
    })
  | (SessionEventBase & {
      /** A final user transcript or assistant transcript/text. */
      type: 'transcript';
      /** `user` for a transcribed input, `assistant` for the model's audio transcript or text. */
      role: 'user' | 'assistant';
      /** The conversation item the text belongs to. */
      itemId: string;
      /** The final transcript or text. */
      text: string;
    })
  | (SessionEventBase & {
      /** A response finished. */
      type: 'usage';
      /** The finished response's id, when `response.done` carried one. */
      responseId: string | undefined;
      /** The response's token usage, or null when `response.done` carried none. */
      usage: Usage | null | undefined;
      /** What the response added to the user's budget, in `unit` (0 without usage). */
      charged: number;
      /** The unit the relay's budget counts in. */
      unit: BudgetUnit;
    });

/** The unit a relay budget counts in. */
export type BudgetUnit = 'audioSeconds' | 'costUsd';

/** An order, published on the control channel, to end sessions on whichever node holds them. */
export interface RelayControlMessage {
  /** Always `end`. */
  type: 'end';
  /** End this session... */
  sessionId?: string | undefined;
  /** ...or every session of this user. */
  userId?: string | undefined;
  /** The close code to send (one of `CLOSE_CODES`). */
  code: number;
  /** A reason for the logs and the close frame. */
  message: string;
}

/**
 * A {@link SessionBus} inside one process: what the relay uses when none is given, and a
 * stand-in for Redis in tests.
 */
export class MemorySessionBus implements SessionBus {
  readonly #channels = new Map<string, Set<(message: string) => void>>();

  /** See {@link SessionBus.publish}. Listeners run on a later microtask, as with a network bus. */
  async publish(channel: string, message: string): Promise<void> {
    const listeners = this.#channels.get(channel);
    if (!listeners) return;
    await Promise.resolve();
    for (const listener of [...listeners]) listener(message);
  }

  /** See {@link SessionBus.subscribe}. */
  async subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    let listeners = this.#channels.get(channel);
    if (!listeners) {
      listeners = new Set();
      this.#channels.set(channel, listeners);
    }
    listeners.add(listener);
    return async () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#channels.delete(channel);
    };
  }
}
