/**
 * GPT-Live sessions for browsers over WebRTC. Live has no ephemeral keys: a server creates the
 * session (`POST /v1/live/sessions` `{ session, transport: { type: 'webrtc', sdp } }`) with its
 * own key and hands the browser only the SDP answer. The whole config is the server's (the
 * browser sends its offer, nothing else), and what the untrusted browser may send and receive
 * on its data channel is set from the policy (`session.client.data_channel`): the handler's, or
 * with `relay` the relay's, whose session then runs on a sideband beside the browser's.
 */
import { DEFAULT_API_BASE_URL, DEFAULT_LIVE_ATTACH_TIMEOUT_MS } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { consoleLogger } from '../../base/logger';
import { checkLiveSessionConfig } from '../../events/live/parse';
import type { LiveDataChannelConfig, LiveSessionConfig } from '../../events/live/session';
import { resolveApiKey, type ApiKeyProvider } from '../../transport/transport';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelaySession } from '../core/relay-session';
import type { PerIdentity, RelayIdentity } from '../core/relay-options';
import type { UpstreamSocketFactory } from '../upstream';
import { acceptBrowserRequest, jsonError, upstreamErrorText, type BrowserHandlerOptions } from './browser-request';
import { liveDeveloperContext, liveRelaySession, openLiveRelaySideband, type LiveRelaySideband } from './live-relay-sideband';
import type { LiveSideband } from './live-sideband';
import { admitThroughRelay, readOffer } from './sdp';

/**
 * What a browser may send on a Live data channel unless the handler says otherwise: mute,
 * unmute and close. Context appends, delegation answers and `session.update` stay with the
 * server (its sideband), since the browser is not trusted with them.
 */
export const DEFAULT_LIVE_BROWSER_CLIENT_EVENTS: readonly string[] = ['session.input_audio.mute', 'session.input_audio.unmute', 'session.close'];

/** A Live session the handler created. */
export interface LiveWebRTCSession<Identity extends RelayIdentity = RelayIdentity> {
  /** The session id (`live_…`): attach a sideband with it (`attachLiveSideband`). */
  sessionId: string;
  /** Who created it. */
  identity: Identity;
  /** The config it was created with. */
  session: LiveSessionConfig;
  /** The browser's request. */
  request: Request;
  /** The sideband the relay's session runs on, when the handler has `relay`. */
  sideband: LiveSideband | undefined;
  /** The relay's session (its tools, limits, budget, metrics; in `relay.sessions()`), when the handler has `relay`. */
  relaySession: RelaySession<Identity> | undefined;
}

/** A Live session config whose `model` may be left to the relay (`createLiveSessionHandler` with `relay`). */
export type LiveSessionRequest = Omit<LiveSessionConfig, 'model'> & {
  /** The model. @default the relay's locked `model`, else its `model` */
  model?: LiveSessionConfig['model'];
};

/** Options of {@link createLiveSessionHandler}. */
export interface LiveSessionHandlerOptions<Identity extends RelayIdentity = RelayIdentity> extends Pick<BrowserHandlerOptions<Identity>, 'origins' | 'logger'> {
  /**
   * Authenticates the browser's request (return `{ userId }` to accept it, null to refuse).
   * Required unless `relay` is given, whose admission decides instead.
   * @default undefined (then `relay` is required)
   */
  authenticate?: BrowserHandlerOptions<Identity>['authenticate'];
  /** The server's OpenAI API key, or a function returning it. Sent only to the API. */
  apiKey: ApiKeyProvider;
  /**
   * The session config, locked server-side (`model` required without `relay`); a function
   * decides per identity. `audio.format` is refused (WebRTC negotiates its own), and `client` is
   * set by the handler from the permissions. With `relay`, the relay's Live policy applies to it
   * as to a relayed `session.start` (its locked fields win, its server tools are declared).
   * @default {} with `relay` (the relay's locked fields and model); required otherwise
   */
  session?: PerIdentity<LiveSessionConfig | LiveSessionRequest, Identity> | undefined;
  /**
   * GPT-Live sessions under a relay's policy (a `RelayCore` with `live` set), as its WebSocket
   * sessions are: admission is the relay's (its `authenticate` and `origins`, the user's budget,
   * per-user concurrency: 402 and 429 as for a Realtime offer), `session` goes through its Live
   * policy, the data channel allows what the relay lets its clients send less what the relay
   * checks event by event and a data channel cannot ({@link liveBrowserClientEvents}), and the
   * relay's session runs on a sideband (`/attach`): its server tools, time and idle limits, the
   * per-second budget, drain, `endSession` and metrics; it ends the session with `session.close`.
   * The sideband attaches once the browser's peer has connected, after the answer (the handler's
   * promise has resolved by then: on a runtime that stops work after the response, keep the
   * request alive, e.g. `ctx.waitUntil`); `onSession` is called then, and a sideband that cannot
   * attach within `attachTimeoutMs` is logged as an error.
   * @default undefined (the handler's own `authenticate`, `session` and permissions)
   */
  relay?: RelayCore<Identity> | undefined;
  /** Opens the relay's sideband socket (Workers, proxies). @default the `ws` package in Node, else the global WebSocket */
  createSocket?: UpstreamSocketFactory | undefined;
  /**
   * With `relay`: how long to keep trying to attach the relay's sideband after the answer went
   * to the browser (a WebRTC session can be attached to once the browser's peer connected).
   * @default DEFAULT_LIVE_ATTACH_TIMEOUT_MS (30 s)
   */
  attachTimeoutMs?: number | undefined;
  /**
   * Client event types the browser may send on its data channel (`'all'` to allow every one).
   * With `relay`, only those the relay's policy allows as well.
   * @default DEFAULT_LIVE_BROWSER_CLIENT_EVENTS (mute, unmute, close); with `relay`, `liveBrowserClientEvents(relay, …)`
   */
  allowedClientEvents?: 'all' | readonly string[];
  /**
   * Server events the browser may receive (`'all'`, or selectors; a `response.event` selector
   * names the nested Responses type).
   * @default 'all'
   */
  allowedServerEvents?: LiveDataChannelConfig['allowed_server_events'];
  /** The REST base of the API (point it at a mock in tests). @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** The fetch used toward the API. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Called with every session created (start a sideband, record the id). @default undefined */
  onSession?: (session: LiveWebRTCSession<Identity>) => void | Promise<void>;
}

/**
 * What a browser may send on its data channel under `relay`: the client events the relay lets
 * its clients send (`live.allowedClientEvents`), less those the relay checks event by event on
 * its own socket, which a data channel cannot (the browser's events go straight to the API):
 * `session.update` (the locked delegation and triggers, the server tools' declarations),
 * `session.instructions.append` when the operator owns the instructions, and, when the relay has
 * server tools, `response.item.create` and `response.create` (their calls are the relay's to
 * answer). `requested` narrows the result further.
 */
export function liveBrowserClientEvents<Identity extends RelayIdentity>(relay: RelayCore<Identity>, ticket: RelayTicket<Identity>, requested?: 'all' | readonly string[]): string[] {
  const live = relay.settings.live;
  if (live === undefined) return [];
  const developerContext = liveDeveloperContext(relay, live.lockedSession(ticket.identity));
  const serverTools = ticket.policy.serverToolNames.size > 0;
  const unchecked = (type: string): boolean =>
    type !== 'session.update' && (developerContext || type !== 'session.instructions.append') && !(serverTools && (type === 'response.item.create' || type === 'response.create'));
  return [...live.allowedClientEvents].filter((type) => unchecked(type) && (requested === undefined || requested === 'all' || requested.includes(type)));
}

/**
 * A Web-standard handler that creates a GPT-Live WebRTC session for a browser: the browser
 * POSTs its SDP offer (`application/sdp`), the handler creates the session with the server's
 * key and the server's config, and answers 201 with the SDP answer (`Location:
 * /v1/live/sessions/{id}`, exposed to CORS callers). A browser that sends session fields is
 * refused: the config is the server's. With `relay`, the relay's policy governs the session
 * (see {@link LiveSessionHandlerOptions.relay}).
 *
 * @example
 * ```ts
 * export const POST = createLiveSessionHandler({
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   authenticate: async (request) => (await getUser(request)) ?? null,
 *   session: { model: 'gpt-live-1', instructions: 'You are the support line of ACME.' },
 * });
 * ```
 */
export function createLiveSessionHandler<Identity extends RelayIdentity = RelayIdentity>(options: LiveSessionHandlerOptions<Identity>): (request: Request) => Promise<Response> {
  const invalid = (message: string, path: string) => new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `createLiveSessionHandler: ${message}`, { path });
  const relay = options?.relay;
  if (relay !== undefined && (typeof relay?.admit !== 'function' || relay.settings?.live === undefined)) throw invalid('`relay` must be a RelayCore that speaks GPT-Live (`live` set).', 'relay');
  if (relay === undefined && typeof options?.authenticate !== 'function') throw invalid('`authenticate` is required (return { userId } to accept a request), unless `relay` admits.', 'authenticate');
  if (options.apiKey === undefined) throw invalid('`apiKey` is required.', 'apiKey');
  if (relay === undefined && (options.session === undefined || (typeof options.session === 'object' && typeof options.session?.model !== 'string'))) throw invalid('`session` (with `model`) is required.', 'session');
  const logger = options.logger ?? relay?.settings.logger ?? consoleLogger;
  const base = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const allowedServerEvents = options.allowedServerEvents ?? 'all';
  const handlerChannel: LiveDataChannelConfig = {
    allowed_client_events: options.allowedClientEvents === 'all' ? 'all' : [...(options.allowedClientEvents ?? DEFAULT_LIVE_BROWSER_CLIENT_EVENTS)],
    allowed_server_events: allowedServerEvents,
  };

  return async (request) => {
    // Admission: the relay's (budget, concurrency too) when it governs, the handler's otherwise.
    let identity: Identity;
    let cors: Record<string, string>;
    let ticket: RelayTicket<Identity> | undefined;
    if (relay) {
      const admitted = await admitThroughRelay(request, relay);
      if (admitted instanceof Response) return admitted;
      ({ ticket, cors } = admitted);
      identity = ticket.identity;
    } else {
      const accepted = await acceptBrowserRequest(request, options as unknown as BrowserHandlerOptions<Identity>, 'POST, OPTIONS');
      if (accepted instanceof Response) return accepted;
      ({ identity, cors } = accepted);
    }
    const refuse = (response: Response): Response => {
      if (ticket) relay?.abandon(ticket);
      return response;
    };
    let session: LiveSessionConfig;
    try {
      const requested = typeof options.session === 'function' ? await (options.session as (identity: Identity) => LiveSessionRequest | Promise<LiveSessionRequest>)(identity) : (options.session ?? {});
      // Without a relay the model is checked below with the rest (the API requires it).
      const decided = (relay && ticket ? liveRelaySession(requested, relay, ticket) : requested) as LiveSessionConfig;
      const dataChannel = relay && ticket ? { allowed_client_events: liveBrowserClientEvents(relay, ticket, options.allowedClientEvents), allowed_server_events: allowedServerEvents } : handlerChannel;
      session = { ...decided, client: { data_channel: dataChannel } };
    } catch (error) {
      logger.error('createLiveSessionHandler: the session config for this identity could not be decided', { userId: identity.userId, error: error instanceof Error ? error.message : String(error) });
      return refuse(jsonError(500, 'VOXWIRE_INVALID_SESSION_CONFIG', 'server configuration error', cors));
    }
    const problem = checkLiveSessionConfig(session) ?? (session.audio?.format !== undefined ? { message: 'WebRTC negotiates its audio format: omit audio.format', path: 'audio.format' } : undefined);
    if (problem !== undefined) {
      logger.error('createLiveSessionHandler: the locked Live session config is invalid', { path: problem.path, error: problem.message });
      return refuse(jsonError(500, 'VOXWIRE_INVALID_SESSION_CONFIG', 'server configuration error', cors));
    }
    const offer = await readOffer(request);
    if (!offer.ok) return refuse(jsonError(offer.status, 'VOXWIRE_INVALID_ARGUMENT', offer.message, cors));
    if (offer.session !== undefined) return refuse(jsonError(403, 'VOXWIRE_POLICY_VIOLATION', 'the Live session config is set by the server; send the SDP offer only', cors, 'session'));

    let upstream: Response;
    try {
      const key = await resolveApiKey(options.apiKey);
      upstream = await fetchImpl(`${base}/live/sessions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${key ?? ''}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ session, transport: { type: 'webrtc', sdp: offer.sdp } }),
      });
    } catch (error) {
      logger.error('createLiveSessionHandler: the Live API could not be reached', { error: error instanceof Error ? error.message : String(error) });
      return refuse(jsonError(502, 'VOXWIRE_CONNECTION_FAILED', 'the Live API could not be reached', cors));
    }
    if (!upstream.ok) {
      const { message } = await upstreamErrorText(upstream);
      logger.warn('createLiveSessionHandler: the Live API refused the session', { status: upstream.status, error: message });
      // A refused server key or config is the operator's problem, not the browser's.
      const status = upstream.status === 400 && /sdp|offer/i.test(message) ? 400 : 502;
      return refuse(jsonError(status, 'VOXWIRE_UPSTREAM_ERROR', `the Live API refused the session (HTTP ${upstream.status}): ${message}`, cors));
    }
    let created: { session?: { id?: unknown }; transport?: { sdp?: unknown } };
    try {
      created = (await upstream.json()) as typeof created;
    } catch {
      return refuse(jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', 'the Live API answered with invalid JSON', cors));
    }
    const sessionId = created.session?.id;
    const answer = created.transport?.sdp;
    if (typeof sessionId !== 'string' || typeof answer !== 'string') return refuse(jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', 'the Live API answered without a session id or an SDP answer', cors));
    const reported = async (sideband: LiveRelaySideband<Identity> | undefined): Promise<void> => {
      try {
        await options.onSession?.({ sessionId, identity, session, request, sideband, relaySession: sideband?.session });
      } catch (error) {
        logger.warn('createLiveSessionHandler: onSession threw; the session goes on', { sessionId, error: error instanceof Error ? error.message : String(error) });
      }
    };
    if (relay && ticket) {
      // The session can be attached to once the browser's peer has connected, which needs the answer first.
      void openLiveRelaySideband({ relay, apiKey: options.apiKey, sessionId, baseUrl: base, createSocket: options.createSocket, attachTimeoutMs: options.attachTimeoutMs ?? DEFAULT_LIVE_ATTACH_TIMEOUT_MS }, ticket).then(reported, (error: unknown) =>
        // The ticket was given back; the session runs without the relay's limits and budget.
        logger.error('createLiveSessionHandler: the relay sideband could not attach to the Live session', { sessionId, userId: identity.userId, error: error instanceof Error ? error.message : String(error) }),
      );
    } else {
      await reported(undefined);
    }
    return new Response(answer, {
      status: 201,
      headers: { ...cors, 'content-type': 'application/sdp', location: `/v1/live/sessions/${sessionId}`, 'cache-control': 'no-store' },
    });
  };
}
