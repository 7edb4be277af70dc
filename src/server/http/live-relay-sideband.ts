/**
 * The relay's own session on a GPT-Live sideband (`wss://…/v1/live/sessions/{id}/attach`), as
 * `openSideband` runs one on a Realtime call's: the Live session (a SIP call's) stands in for
 * the relay's client. It is listed in `relay.sessions()` and counted in the relay's session and
 * `voxwire_relay_live_*` metrics; the relay's server tools run on it (the backend's calls are
 * answered on the sideband, with the relay's tool events and metrics); its time and idle limits,
 * `relay.drain()` and `relay.endSession()` end it, and "closing the client" ends the Live
 * session by the given `hangup` (a SIP call's `/hangup`). Budgets are the caller's business:
 * open it with a ticket without `budgetLimit` when the seconds were charged up front.
 */
import { messageOf, RealtimeError } from '../../base/errors';
import { parseRecord } from '../../base/is-record';
import { serializeLiveClientEvent } from '../../events/live/parse';
import type { LiveCloseReason } from '../../events/live/server-events';
import { peekEventType } from '../core/frame-scan';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import type { RelaySession } from '../core/relay-session';
import type { ApiKeyProvider } from '../../transport/transport';
import { bearerAuth, createUpstream, defaultUpstreamSocket, type UpstreamConnection, type UpstreamSocketFactory } from '../upstream';
import { attachUrlOf, type LiveSideband } from './live-sideband';
import { callStandIn } from './sideband';

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
  /** Ends the Live session when the relay ends its session (limits, drain, `endSession`): a SIP call's `/hangup`. */
  hangup: () => Promise<void>;
  /** Sees every server event but audio deltas, parsed, after the relay's session did. Errors it throws are logged. @default undefined */
  onServerEvent?: ((event: Readonly<Record<string, unknown>>) => void) | undefined;
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
    connection = await createUpstream({ url, auth: bearerAuth(options.apiKey), createSocket: options.createSocket ?? defaultUpstreamSocket, clock: relay.settings.clock }).dial(undefined);
  } catch (error) {
    relay.abandon(ticket);
    throw error;
  }
  const upstream = connection.socket;
  const logger = relay.settings.logger;
  // The Live session stands in for the relay's client; closing it ends the session.
  const call = callStandIn(options.hangup, (error) => logger.warn('live sideband: ending the Live session failed', { sessionId, error: messageOf(error) }));
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
