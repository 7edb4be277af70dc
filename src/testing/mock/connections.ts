/**
 * The connections a mock server accepted and the session each one talks to, whatever the
 * protocol: registered as they arrive, marked closed as they go, and acted on together (drop,
 * expire, send). A sideband shares the session of the call it joined, so each session is acted
 * on once.
 */

import type { Clock } from '../../base/clock';
import type { WireEvent } from '../recording/event-log';
import type { MockConnectionInfo } from './server-options';
import type { MockTransportKind } from './session-link';

/** What the registry needs of a session, whatever its protocol. */
export interface MockSessionHandle {
  /** Index of its connection. */
  readonly connection: number;
  /** True once it ended. */
  readonly closed: boolean;
  /** Ends the connection: 1006 terminates it, any other code closes it. */
  drop(code?: number, reason?: string): void;
  /** Ends it as the API does at its maximum duration. */
  expire(): void;
  /** Sends a server event; false once closed. */
  send(event: WireEvent): boolean;
}

/** How a connection is registered. */
export interface MockConnectionRequest {
  url: string;
  model: string;
  callId?: string;
  apiKey?: string;
  authVia?: MockConnectionInfo['authVia'];
  protocol?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** Every connection of a mock server, and the session of each. */
export class MockConnections<Session extends MockSessionHandle> {
  /** Every connection accepted so far, open or closed, by index. */
  readonly list: MockConnectionInfo[] = [];
  readonly #sessions: Array<Session | undefined> = [];
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** How many connections are open now. */
  get openCount(): number {
    return this.list.filter((connection) => connection.open).length;
  }

  /** Registers a new open connection and returns its info (its `index` is its position). */
  register(kind: MockTransportKind, request: MockConnectionRequest): MockConnectionInfo {
    const info: MockConnectionInfo = {
      index: this.list.length,
      kind,
      url: request.url,
      model: request.model,
      authVia: request.authVia ?? 'none',
      protocol: request.protocol ?? '',
      headers: request.headers ?? {},
      sessionId: '',
      open: true,
      openedAt: this.#clock.now(),
      ...(request.callId === undefined ? {} : { callId: request.callId }),
      ...(request.apiKey === undefined ? {} : { apiKey: request.apiKey }),
    };
    this.list.push(info);
    return info;
  }

  /** Records that a connection closed (once). */
  markClosed(info: MockConnectionInfo): void {
    if (!info.open) return;
    info.open = false;
    info.closedAt = this.#clock.now();
  }

  /** Ties a connection to the session it talks to (its own, or the call's for a sideband). */
  setSession(index: number, session: Session): void {
    this.#sessions[index] = session;
    const info = this.list[index];
    if (info !== undefined) info.sessionId = (session as { session?: { id?: string } }).session?.id ?? info.sessionId;
  }

  /** The session a connection talks to, if any. */
  session(index: number): Session | undefined {
    return this.#sessions[index];
  }

  /** Every session once, in the order they started. */
  sessions(): Session[] {
    return [...new Set(this.#sessions.filter((session): session is Session => session !== undefined))];
  }

  /** Drops every open session's connection. Returns how many. */
  dropAll(code: number, reason: string): number {
    return this.#each((session) => session.drop(code, reason));
  }

  /** Expires every open session. Returns how many. */
  expireAll(): number {
    return this.#each((session) => session.expire());
  }

  /** Sends an event to one connection's session or to every session. Returns how many took it. */
  send(event: WireEvent, target: { connection?: number } = {}): number {
    let sent = 0;
    for (const session of this.sessions()) {
      if (target.connection !== undefined && session.connection !== target.connection) continue;
      if (session.send(event)) sent += 1;
    }
    return sent;
  }

  #each(act: (session: Session) => void): number {
    let count = 0;
    for (const session of this.sessions()) {
      if (session.closed) continue;
      act(session);
      count += 1;
    }
    return count;
  }
}
