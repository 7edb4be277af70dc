/**
 * GPT-Live sessions for browsers over WebRTC. Live has no ephemeral keys: a server creates the
 * session (`POST /v1/live/sessions` `{ session, transport: { type: 'webrtc', sdp } }`) with its
 * own key and hands the browser only the SDP answer. The whole config is the server's (the
 * browser sends its offer, nothing else), and what the untrusted browser may send and receive
 * on its data channel is set from the handler's policy (`session.client.data_channel`).
 */
import { DEFAULT_API_BASE_URL } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { consoleLogger } from '../../base/logger';
import { checkLiveSessionConfig } from '../../events/live/parse';
import type { LiveDataChannelConfig, LiveSessionConfig } from '../../events/live/session';
import { resolveApiKey, type ApiKeyProvider } from '../../transport/transport';
import type { PerIdentity, RelayIdentity } from '../core/relay-options';
import { acceptBrowserRequest, jsonError, upstreamErrorText, type BrowserHandlerOptions } from './browser-request';
import { readOffer } from './sdp';

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
}

/** Options of {@link createLiveSessionHandler}. */
export interface LiveSessionHandlerOptions<Identity extends RelayIdentity = RelayIdentity> extends Pick<BrowserHandlerOptions<Identity>, 'authenticate' | 'origins' | 'logger'> {
  /** The server's OpenAI API key, or a function returning it. Sent only to the API. */
  apiKey: ApiKeyProvider;
  /**
   * The session config, locked server-side (`model` required); a function decides per
   * identity. `audio.format` is refused (WebRTC negotiates its own), and `client` is set by the
   * handler from `allowedClientEvents` / `allowedServerEvents`.
   */
  session: PerIdentity<LiveSessionConfig, Identity>;
  /**
   * Client event types the browser may send on its data channel (`'all'` to allow every one).
   * @default DEFAULT_LIVE_BROWSER_CLIENT_EVENTS (mute, unmute, close)
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
 * A Web-standard handler that creates a GPT-Live WebRTC session for a browser: the browser
 * POSTs its SDP offer (`application/sdp`), the handler creates the session with the server's
 * key and the server's config, and answers 201 with the SDP answer (`Location:
 * /v1/live/sessions/{id}`, exposed to CORS callers). A browser that sends session fields is
 * refused: the config is the server's.
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
  if (typeof options?.authenticate !== 'function') throw invalid('`authenticate` is required (return { userId } to accept a request).', 'authenticate');
  if (options.apiKey === undefined) throw invalid('`apiKey` is required.', 'apiKey');
  if (options.session === undefined) throw invalid('`session` (with `model`) is required.', 'session');
  const logger = options.logger ?? consoleLogger;
  const base = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const dataChannel: LiveDataChannelConfig = {
    allowed_client_events: options.allowedClientEvents === 'all' ? 'all' : [...(options.allowedClientEvents ?? DEFAULT_LIVE_BROWSER_CLIENT_EVENTS)],
    allowed_server_events: options.allowedServerEvents ?? 'all',
  };

  return async (request) => {
    const accepted = await acceptBrowserRequest(request, options as unknown as BrowserHandlerOptions<Identity>, 'POST, OPTIONS');
    if (accepted instanceof Response) return accepted;
    const { identity, cors } = accepted;
    let locked: LiveSessionConfig;
    try {
      locked = typeof options.session === 'function' ? await (options.session as (identity: Identity) => LiveSessionConfig | Promise<LiveSessionConfig>)(identity) : options.session;
    } catch (error) {
      logger.error('createLiveSessionHandler: the session config for this identity could not be decided', { userId: identity.userId, error: error instanceof Error ? error.message : String(error) });
      return jsonError(500, 'VOXWIRE_INVALID_SESSION_CONFIG', 'server configuration error', cors);
    }
    const session: LiveSessionConfig = { ...locked, client: { data_channel: dataChannel } };
    const problem = checkLiveSessionConfig(session) ?? (session.audio?.format !== undefined ? { message: 'WebRTC negotiates its audio format: omit audio.format', path: 'audio.format' } : undefined);
    if (problem !== undefined) {
      logger.error('createLiveSessionHandler: the locked Live session config is invalid', { path: problem.path, error: problem.message });
      return jsonError(500, 'VOXWIRE_INVALID_SESSION_CONFIG', 'server configuration error', cors);
    }
    const offer = await readOffer(request);
    if (!offer.ok) return jsonError(offer.status, 'VOXWIRE_INVALID_ARGUMENT', offer.message, cors);
    if (offer.session !== undefined) return jsonError(403, 'VOXWIRE_POLICY_VIOLATION', 'the Live session config is set by the server; send the SDP offer only', cors, 'session');

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
      return jsonError(502, 'VOXWIRE_CONNECTION_FAILED', 'the Live API could not be reached', cors);
    }
    if (!upstream.ok) {
      const { message } = await upstreamErrorText(upstream);
      logger.warn('createLiveSessionHandler: the Live API refused the session', { status: upstream.status, error: message });
      // A refused server key or config is the operator's problem, not the browser's.
      const status = upstream.status === 400 && /sdp|offer/i.test(message) ? 400 : 502;
      return jsonError(status, 'VOXWIRE_UPSTREAM_ERROR', `the Live API refused the session (HTTP ${upstream.status}): ${message}`, cors);
    }
    let created: { session?: { id?: unknown }; transport?: { sdp?: unknown } };
    try {
      created = (await upstream.json()) as typeof created;
    } catch {
      return jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', 'the Live API answered with invalid JSON', cors);
    }
    const sessionId = created.session?.id;
    const answer = created.transport?.sdp;
    if (typeof sessionId !== 'string' || typeof answer !== 'string') return jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', 'the Live API answered without a session id or an SDP answer', cors);
    try {
      await options.onSession?.({ sessionId, identity, session, request });
    } catch (error) {
      logger.warn('createLiveSessionHandler: onSession threw; the session goes on', { sessionId, error: error instanceof Error ? error.message : String(error) });
    }
    return new Response(answer, {
      status: 201,
      headers: { ...cors, 'content-type': 'application/sdp', location: `/v1/live/sessions/${sessionId}`, 'cache-control': 'no-store' },
    });
  };
}
