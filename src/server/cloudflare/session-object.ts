/**
 * The Durable Object of one relay session: it holds the client's WebSocket (the server end of
 * a `WebSocketPair`) and the upstream one, and runs them through its own {@link RelayCore}, so
 * policy, budgets, server tools and the end-reason table are the relay's own. The session's
 * time limit runs on the object's alarm; drain and metrics go through the hub object.
 */
import { SessionLimits } from '../../base/session-limits';
import { RealtimeError, messageOf } from '../../base/errors';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import type { RelaySession } from '../core/relay-session';
import type { RelayMetricsSnapshot } from '../metrics';
import { AlarmClock } from './alarm-clock';
import { answer, readCall } from './object-rpc';
import { frameOf } from '../upstream';
import { clientSocketOf, newWebSocketPair, upgradeResponse, type DurableObjectStateLike, type WorkersWebSocket } from './platform';
import { RelayRuntime } from './relay-runtime';

/** The header the Worker hands an admitted connection's ticket to its session object in. */
export const TICKET_HEADER = 'x-voxwire-ticket';

/** The parts of a {@link RelayTicket} that cross from the Worker to the object (JSON). */
export interface TicketCarrier<Identity extends RelayIdentity> {
  sessionId: string;
  identity: Identity;
  budgetSpent: number;
  slotHeld: boolean;
  models: Array<[model: string, path: string]>;
  betaClient: boolean;
}

/** The JSON of a ticket, for {@link TICKET_HEADER}. */
export function carryTicket<Identity extends RelayIdentity>(ticket: RelayTicket<Identity>): string {
  const carrier: TicketCarrier<Identity> = {
    sessionId: ticket.sessionId,
    identity: ticket.identity,
    budgetSpent: ticket.budgetSpent,
    slotHeld: ticket.slotHeld,
    models: (ticket.models ?? []).map(([model, path]) => [model, path]),
    betaClient: ticket.betaClient === true,
  };
  return JSON.stringify(carrier);
}

/** The class of the session objects of one relay (`createCloudflareRelay` makes it). */
export type SessionObjectClass = new (state: DurableObjectStateLike, env: unknown) => {
  /** Opens the session (the Worker forwards the admitted upgrade) or answers the hub's drain. */
  fetch(request: Request): Promise<Response>;
  /** The object's alarm: the session's time limit and its warning. */
  alarm(): Promise<void>;
};

/** Makes the session object class of a relay whose runtime `resolve` gives for an `env`. */
export function sessionObjectClass<Identity extends RelayIdentity>(resolve: (env: unknown) => RelayRuntime<Identity>): SessionObjectClass {
  return class VoxwireSessionObject {
    readonly #state: DurableObjectStateLike;
    readonly #env: unknown;
    #core: RelayCore<Identity> | undefined;
    #clock: AlarmClock | undefined;
    #reported: RelayMetricsSnapshot | undefined;

    constructor(state: DurableObjectStateLike, env: unknown) {
      this.#state = state;
      this.#env = env;
    }

    async fetch(request: Request): Promise<Response> {
      const runtime = resolve(this.#env);
      if (request.headers.get(TICKET_HEADER) !== null) return this.#open(runtime, request);
      const call = await readCall(request);
      if (call?.op === 'drain') {
        const core = this.#core;
        const live = core !== undefined && core.sessionCount > 0;
        const drainMs = typeof call.body.drainMs === 'number' && call.body.drainMs >= 0 ? call.body.drainMs : undefined;
        // The session is warned now and closed at the deadline; the admin call does not wait for it.
        if (live) void core.drain(drainMs === undefined ? {} : { drainMs });
        return answer({ live });
      }
      return new Response('not found', { status: 404 });
    }

    /** The object's alarm: the session's time limit (and its warning). */
    async alarm(): Promise<void> {
      this.#clock?.fire();
    }

    async #open(runtime: RelayRuntime<Identity>, request: Request): Promise<Response> {
      if (this.#core !== undefined) return new Response('session already open', { status: 409 });
      let carrier: TicketCarrier<Identity>;
      try {
        carrier = JSON.parse(request.headers.get(TICKET_HEADER) as string) as TicketCarrier<Identity>;
      } catch {
        return new Response('bad ticket', { status: 400 });
      }
      const core = runtime.newCore();
      this.#core = core;
      await core.ready();
      const { settings } = core;
      const identity = carrier.identity;
      const budgetLimit = settings.dailyLimit(identity);
      const maxDurationMs = settings.maxDurationMs(identity);
      const ticket: RelayTicket<Identity> = {
        sessionId: carrier.sessionId,
        identity,
        policy: settings.resolvePolicy(identity),
        // The time limit runs on the object's alarm (below), not on the isolate's timers.
        maxDurationMs: Infinity,
        budgetLimit: budgetLimit !== undefined && Number.isFinite(budgetLimit) ? budgetLimit : undefined,
        budgetSpent: carrier.budgetSpent,
        slotHeld: carrier.slotHeld,
        models: carrier.models,
        betaClient: carrier.betaClient,
      };
      this.#reported = core.metrics.snapshot();
      let connection;
      try {
        connection = await runtime.upstreamFor(core).dial(identity);
      } catch (error) {
        core.abandon(ticket);
        const timedOut = error instanceof RealtimeError && error.code === 'VOXWIRE_TIMEOUT';
        core.metrics.recordConnectionRejected('upstream', timedOut ? 504 : 502);
        runtime.logger.warn('relay: the upstream connection failed; the client got an HTTP error', { sessionId: ticket.sessionId, error: messageOf(error) });
        await this.#report(runtime, core, 'report');
        this.#core = undefined;
        return new Response(timedOut ? 'upstream timed out' : 'upstream unavailable', { status: timedOut ? 504 : 502, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      }
      const clock = new AlarmClock(this.#state.storage, runtime.logger);
      this.#clock = clock;
      let limits: SessionLimits | undefined;
      core.on('sessionEnded', ({ sessionId }) => {
        limits?.stop();
        void (async () => {
          // The final charge and the slot's release are stored before the core stops.
          await core.stop();
          await this.#report(runtime, core, 'ended', { sessionId });
        })();
      });
      const [client, server] = newWebSocketPair();
      server.accept();
      const session = core.open(ticket, clientSocketOf(server), connection.socket);
      // The session guards itself: a relay bug in a frame costs that session, never the object.
      connection.handOver(
        (frame) => session.handleUpstreamFrame(frame),
        (code, reason) => session.handleUpstreamClose(code, reason),
      );
      this.#wireClient(server, session);
      limits = new SessionLimits({
        clock,
        maxDurationMs,
        warningMs: settings.endingWarningMs,
        onWarning: (kind, remainingMs) => session.warnEnding(remainingMs / 1000, kind),
        onEnd: (kind) => session.end(kind),
      });
      if (!session.ended) limits.start();
      await core.start();
      await this.#report(runtime, core, 'started', { sessionId: session.id, userId: session.userId });
      return upgradeResponse(client);
    }

    #wireClient(server: WorkersWebSocket, session: RelaySession<Identity>): void {
      server.addEventListener('message', (event) => session.handleClientFrame(frameOf(event.data)));
      server.addEventListener('close', (event) => {
        session.handleClientClose(event.code, event.reason);
        try {
          // Answer the client's close handshake.
          server.close(1000, 'closed');
        } catch {
          // Already closed.
        }
      });
      server.addEventListener('error', () => session.handleClientClose(1006, ''));
    }

    /** Tells the hub what changed in this object's metrics since the last report (and a start or end). */
    async #report(runtime: RelayRuntime<Identity>, core: RelayCore<Identity>, op: 'started' | 'ended' | 'report', body: { sessionId?: string; userId?: string } = {}): Promise<void> {
      const now = core.metrics.snapshot();
      const change = this.#reported === undefined ? undefined : RelayRuntime.change(now, this.#reported);
      this.#reported = now;
      await runtime.callHub(op, { ...body, change });
    }
  }
}
