/**
 * The relay's own session on a GPT-Live sideband (`wss://…/v1/live/sessions/{id}/attach`), as
 * `openSideband` runs one on a Realtime call's: the Live session (a SIP call's, a browser's
 * WebRTC session) stands in for the relay's client. It is listed in `relay.sessions()` and
 * counted in the relay's session and `voxwire_relay_live_*` metrics; the relay's server tools
 * run on it (the backend's calls are answered on the sideband, with the relay's tool events and
 * metrics); its time and idle limits, `relay.drain()` and `relay.endSession()` end it, and
 * "closing the client" ends the Live session by the given `hangup` (a SIP call's `/hangup`) or
 * `session.close`. A ticket with `budgetLimit` is charged by the second as for a relayed Live
 * WebSocket; open it with a ticket without `budgetLimit` when the seconds were charged up front.
 */
import { messageOf, RealtimeError } from '../../base/errors';
import { isRecord, parseRecord } from '../../base/is-record';
import { serializeLiveClientEvent } from '../../events/live/parse';
import type { LiveCloseReason } from '../../events/live/server-events';
import { peekEventType } from '../core/frame-scan';
import { applyLiveStart, type RelayLiveLockedSession } from '../core/live-policy';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import type { RelaySession } from '../core/relay-session';
import type { ApiKeyProvider } from '../../transport/transport';
import { bearerAuth, createUpstream, defaultUpstreamSocket, type UpstreamConnection, type UpstreamSocketFactory } from '../upstream';
import { attachUrlOf, dialWhenActive, type LiveSideband } from './live-sideband';
import { callStandIn } from './sideband';

/**
 * A Live session the relay governs outside its WebSocket (a SIP call, a browser's WebRTC
 * session): `requested` under the relay's Live policy, as for a relayed `session.start` (the
 * operator's locked fields win, voices and client tools are checked, the server tools are
 * declared in the Responses delegation), with the relay's model when none is named.
 *
 * @throws {RealtimeError} `VOXWIRE_POLICY_VIOLATION` for what the policy refuses,
 * `VOXWIRE_INVALID_SESSION_CONFIG` for what the Live API would refuse.
 */
export function liveRelaySession<Identity extends RelayIdentity>(requested: Readonly<Record<string, unknown>>, relay: RelayCore<Identity>, ticket: RelayTicket<Identity>): Record<string, unknown> {
  const live = relay.settings.live;
  if (live === undefined) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'the relay speaks the Realtime API; a Live session needs a RelayCore with `live` set.', { path: 'relay' });
  const locked = live.lockedSession(ticket.identity);
  const result = applyLiveStart({ policy: ticket.policy, locked, model: relay.settings.model, allowDeveloperContext: liveDeveloperContext(relay, locked) }, { type: 'session.start', session: requested });
  if (!result.ok) throw new RealtimeError(result.invalid === true ? 'VOXWIRE_INVALID_SESSION_CONFIG' : 'VOXWIRE_POLICY_VIOLATION', result.message, result.param === undefined ? {} : { path: result.param });
  return result.event !== undefined && isRecord(result.event.session) ? result.event.session : { ...requested, model: typeof requested.model === 'string' ? requested.model : relay.settings.model };
}

/** Whether a client of the relay may add developer context (`policy.allowSystemMessages`, else unless the operator locked the instructions). */
export function liveDeveloperContext<Identity extends RelayIdentity>(relay: RelayCore<Identity>, locked: RelayLiveLockedSession | undefined): boolean {
  return relay.settings.live?.allowSystemMessages ?? (locked?.instructions === undefined || locked.instructions === null);
}

/** Options of {@link openLiveRelaySideband}. */
export interface LiveRelaySidebandOptions<Identity extends RelayIdentity = RelayIdentity> {
  /** The relay (speaking Live: `live` set) whose session, tools, limits and metrics apply. */
  relay: RelayCore<Identity>;
  /** The server's OpenAI API key, or a function returning it. */
  apiKey: ApiKeyProvider;
  /** The Live session to attach to (`live_…`). */
  sessionId: string;
  /** The REST base; the sideband URL is its WebSocket form plus `/live/sessions/{id}/attach`. @default 'https://api.openai.com/v1' */
  baseUrl?: string | undefined;
  /** Opens the socket (Workers, proxies). @default the `ws` package in Node, else the global WebSocket */
  createSocket?: UpstreamSocketFactory | undefined;
  /**
   * Ends the Live session when the relay ends its session (limits, drain, `endSession`): a SIP
   * call's `/hangup`.
   * @default sends `session.close` on the sideband (a WebRTC session: the browser is told by `session.closed`)
   */
  hangup?: (() => Promise<void>) | undefined;
  /** Sees every server event but audio deltas, parsed, after the relay's session did. Errors it throws are logged. @default undefined */
  onServerEvent?: ((event: Readonly<Record<string, unknown>>) => void) | undefined;
  /**
   * A browser's WebRTC session can be attached to only once its peer has connected (the API
   * announces it with `live.transport.connected`): a failed attach is tried again every
   * 250 ms for this long.
   * @default 0 (one attempt: a SIP call's session is active once accepted)
   */
  attachTimeoutMs?: number | undefined;
}

/** A relay session on a Live sideband; also a {@link LiveSideband}. */
export interface LiveRelaySideband<Identity extends RelayIdentity = RelayIdentity> extends LiveSideband {
  /** The relay session (also in `relay.sessions()`; end it with `relay.endSession(id)`). */
  readonly session: RelaySession<Identity>;
  /** Resolves when the relay session ended, after the hangup its end made: the `session.closed` reason, or `undefined` without one. */
  readonly ended: Promise<LiveCloseReason | string | undefined>;
}

const textDecoder = new TextDecoder();

/**
 * Attaches to a Live session and opens the relay's session on the sideband. The ticket comes
 * from the relay's admission; it is given back when the sideband cannot attach.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for a relay that does not speak Live or a
 * malformed session id; the connection's error when the sideband cannot attach.
 */
export async function openLiveRelaySideband<Identity extends RelayIdentity>(options: LiveRelaySidebandOptions<Identity>, ticket: RelayTicket<Identity>): Promise<LiveRelaySideband<Identity>> {
  const { relay, sessionId } = options;
  let connection: UpstreamConnection;
  try {
    if (relay.settings.live === undefined) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'openLiveRelaySideband: the relay speaks the Realtime API; a Live sideband needs a RelayCore with `live` set.', { path: 'relay' });
    const url = attachUrlOf('openLiveRelaySideband', options.baseUrl, sessionId);
    const clock = relay.settings.clock;
    connection = await dialWhenActive(createUpstream({ url, auth: bearerAuth(options.apiKey), createSocket: options.createSocket ?? defaultUpstreamSocket, clock }), clock, options.attachTimeoutMs ?? 0);
  } catch (error) {
    relay.abandon(ticket);
    throw error;
  }
  const upstream = connection.socket;
  const logger = relay.settings.logger;
  // The Live session stands in for the relay's client; closing it ends the session.
  // The relay closes its client (this stand-in) before the upstream, so the sideband is still open here.
  const closeSession = async (): Promise<void> => upstream.send(serializeLiveClientEvent({ type: 'session.close' }));
  const call = callStandIn(options.hangup ?? closeSession, (error) => logger.warn('live sideband: ending the Live session failed', { sessionId, error: messageOf(error) }));
  const session = relay.open(ticket, call.socket, upstream, { audioInFrames: false });
  let closedReason: string | undefined;
  let resolveEnded: (reason: LiveCloseReason | string | undefined) => void = () => undefined;
  const ended = new Promise<LiveCloseReason | string | undefined>((resolve) => (resolveEnded = resolve));
  const onEnded = (ref: { sessionId: string }): void => {
    if (ref.sessionId !== session.id) return;
    relay.off('sessionEnded', onEnded);
    // Once the hangup the end started is done (closing the client started it).
    void (call.hangingUp ?? Promise.resolve()).then(() => resolveEnded(closedReason));
  };
  relay.on('sessionEnded', onEnded);
  if (session.ended) onEnded({ sessionId: session.id });
  connection.handOver(
    (frame) => {
      if (session.ended) return;
      // Audio passes unread; anything else is read once (Live frames may not start with their type).
      const event = peekEventType(frame) === 'session.output_audio.delta' ? undefined : parseRecord(typeof frame === 'string' ? frame : textDecoder.decode(frame));
      if (event?.type === 'session.closed' && typeof event.reason === 'string') closedReason = event.reason;
      session.handleUpstreamFrame(frame);
      if (event === undefined || options.onServerEvent === undefined) return;
      try {
        options.onServerEvent(event);
      } catch (error) {
        logger.warn('live sideband: onServerEvent threw', { sessionId, error: error instanceof Error ? error.message : String(error) });
      }
    },
    (code, reason) => {
      call.upstreamClosed();
      session.handleUpstreamClose(code, reason);
    },
  );
  return {
    session,
    send: (event) => {
      if (!session.ended) upstream.send(serializeLiveClientEvent(event));
    },
    close: () => {
      if (!session.ended) upstream.send(serializeLiveClientEvent({ type: 'session.close' }));
    },
    ended,
  };
}
