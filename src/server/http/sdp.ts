/**
 * SDP forwarding: the browser POSTs its WebRTC offer to your server, which forwards it to
 * `POST /v1/realtime/calls` as multipart (`sdp` + `session`) with the server's real key and
 * answers with the API's SDP answer and `Location`. No key of any kind reaches the browser,
 * and the server learns the call id, so it can join the call through a sideband for policy,
 * limits and budgets ({@link openSideband}).
 */
import { DEFAULT_API_BASE_URL } from '../../base/defaults';
import { RealtimeError, type RealtimeErrorCode } from '../../base/errors';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from '../../events/session';
import { consoleLogger, type Logger } from '../../base/logger';
import { callIdFromLocation } from '../../events/call-id';
import { resolveApiKey, type ApiKeyProvider } from '../../transport/transport';
import {
  acceptBrowserRequest,
  browserSession,
  checkBrowserHandlerOptions,
  corsHeadersFor,
  jsonError,
  resolveBrowserPolicy,
  upstreamErrorText,
  type BrowserHandlerOptions,
} from './browser-request';
import type { ResolvedSessionPolicy } from '../core/policy';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import { openSideband, type Sideband, type SidebandOptions } from './sideband';
import { bearerHeaders, postCallAction } from './call-actions';

/** A call the handler created. */
export interface SdpCall<Identity extends RelayIdentity = RelayIdentity> {
  /** The call id (`rtc_...`), from the API's `Location`. */
  callId: string;
  /** Who made it. */
  identity: Identity;
  /** The session it was created with (the operator's locked fields merged in). */
  session: RealtimeSessionConfig | TranscriptionSessionConfig;
  /** The sideband enforcing the policy, when the handler has `sideband`. */
  sideband: Sideband<Identity> | undefined;
  /** The browser's request. */
  request: Request;
}

/** Options of {@link createSdpHandler}. */
export interface SdpHandlerOptions<Identity extends RelayIdentity = RelayIdentity> extends Omit<BrowserHandlerOptions<Identity>, 'authenticate'> {
  /** The server's OpenAI API key, or a function returning it. Sent only to the API. */
  apiKey: ApiKeyProvider;
  /**
   * Authenticates the browser's request; see `createClientSecretHandler`. Required unless
   * `sideband` is given, whose relay core authenticates (and checks origin, budget and
   * concurrency) instead.
   * @default undefined (then `sideband` is required)
   */
  authenticate?: BrowserHandlerOptions<Identity>['authenticate'];
  /** The model of every call. @default 'gpt-realtime-2.1' */
  model?: string;
  /** The REST base of the API (point it at a mock in tests). @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** The fetch used toward the API. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How the key is sent (Azure: `api-key`). @default (key) => ({ Authorization: `Bearer ${key}` }) */
  authHeaders?: (key: string) => Record<string, string>;
  /**
   * Joins every call through a sideband and applies the relay core's policy, limits and
   * budgets to it. With it, admission is the relay's (`relay.admit`): its `authenticate`,
   * `origins`, locked session and voices are used, not this handler's.
   * @default undefined (no sideband)
   */
  sideband?: Omit<SidebandOptions<Identity>, 'apiKey' | 'baseUrl' | 'fetch' | 'authHeaders'>;
  /** Called with every call created (record the call id, start your own sideband). @default undefined */
  onCall?: (call: SdpCall<Identity>) => void | Promise<void>;
}

const MAX_OFFER_BYTES = 256 * 1024;

/**
 * A Web-standard handler that forwards a browser's SDP offer to the Realtime API with the
 * server's key: `WebRTCTransport({ sdpUrl })` POSTs `application/sdp` here and gets the answer
 * (201, `Location` with the call id, exposed to CORS callers). A multipart body (`sdp` +
 * `session` JSON) lets the browser ask for session fields, within the policy.
 *
 * @example
 * ```ts
 * export const POST = createSdpHandler({
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   authenticate: async (request) => (await getUser(request)) ?? null,
 *   session: { instructions: 'You are the support line of ACME.', audio: { output: { voice: 'marin' } } },
 * });
 * // Browser: new RealtimeClient({ transport: new WebRTCTransport({ sdpUrl: '/api/realtime/sdp' }) })
 * ```
 */
export function createSdpHandler<Identity extends RelayIdentity = RelayIdentity>(options: SdpHandlerOptions<Identity>): (request: Request) => Promise<Response> {
  const logger = options?.logger ?? options?.sideband?.relay.settings.logger ?? consoleLogger;
  const sideband = options?.sideband;
  if (sideband !== undefined && (typeof sideband !== 'object' || typeof sideband.relay?.admit !== 'function')) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'createSdpHandler: `sideband.relay` must be a RelayCore.', { path: 'sideband.relay' });
  }
  checkBrowserHandlerOptions(
    'createSdpHandler',
    { ...options, authenticate: sideband ? () => ({ userId: 'relay' }) : options?.authenticate } as unknown as BrowserHandlerOptions & { apiKey: unknown },
    logger,
  );
  const base = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);

  return async (request) => {
    // Admission: the relay's when a sideband enforces its policy, the handler's otherwise.
    let identity: Identity;
    let cors: Record<string, string>;
    let policy: ResolvedSessionPolicy;
    let ticket: RelayTicket<Identity> | undefined;
    if (sideband) {
      const admitted = await admitThroughRelay(request, sideband.relay);
      if (admitted instanceof Response) return admitted;
      ({ ticket, cors } = admitted);
      identity = ticket.identity;
      policy = ticket.policy;
    } else {
      const accepted = await acceptBrowserRequest(request, options as BrowserHandlerOptions<Identity>, 'POST, OPTIONS');
      if (accepted instanceof Response) return accepted;
      ({ identity, cors } = accepted);
      try {
        policy = resolveBrowserPolicy(options, identity, logger);
      } catch (error) {
        logger.error('createSdpHandler: the session policy for this identity is invalid', { userId: identity.userId, error: error instanceof Error ? error.message : String(error) });
        return jsonError(500, 'VOXWIRE_INVALID_SESSION_CONFIG', 'server configuration error', cors);
      }
    }
    const giveBack = (): void => {
      if (ticket) sideband?.relay.abandon(ticket);
    };

    const offer = await readOffer(request);
    if (!offer.ok) {
      giveBack();
      return jsonError(offer.status, 'VOXWIRE_INVALID_ARGUMENT', offer.message, cors);
    }
    const decided = browserSession(policy, offer.session, options.model ?? sideband?.relay.settings.model, options.sessionType);
    if (!decided.ok) {
      giveBack();
      return jsonError(decided.status, decided.code, decided.message, cors, decided.param);
    }

    const forwarded = await forwardOffer({ url: `${base}/realtime/calls`, apiKey: options.apiKey, fetch: fetchImpl, logger, label: 'createSdpHandler', ...(options.authHeaders ? { authHeaders: options.authHeaders } : {}) }, offer.sdp, decided.session, cors);
    if (forwarded instanceof Response) {
      giveBack();
      return forwarded;
    }
    const { answer, location, callId } = forwarded;

    let opened: Sideband<Identity> | undefined;
    if (sideband && ticket) {
      try {
        opened = await openSideband({ ...sideband, apiKey: options.apiKey, baseUrl: base, fetch: fetchImpl, ...(options.authHeaders ? { authHeaders: options.authHeaders } : {}) }, { ...ticket, sessionType: decided.session.type }, callId);
      } catch (error) {
        // Without its sideband the call would run outside the policy: end it.
        logger.error('createSdpHandler: the sideband could not join the call; hanging it up', { callId, error: error instanceof Error ? error.message : String(error) });
        await postCallAction({ apiKey: options.apiKey, baseUrl: base, fetch: fetchImpl, ...(options.authHeaders ? { authHeaders: options.authHeaders } : {}) }, 'realtime', callId, 'hangup').catch(() => undefined);
        return jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', 'the call could not be put under the server policy', cors);
      }
    }
    try {
      await options.onCall?.({ callId, identity, session: decided.session, sideband: opened, request });
    } catch (error) {
      logger.warn('createSdpHandler: onCall threw; the call goes on', { callId, error: error instanceof Error ? error.message : String(error) });
    }
    return new Response(answer, {
      status: 201,
      headers: { ...cors, 'content-type': 'application/sdp', location: location ?? `/v1/realtime/calls/${callId}`, 'cache-control': 'no-store' },
    });
  };
}

/**
 * Admission of a browser's request by a relay core (origin, `authenticate`, budget,
 * concurrency): the ticket and the CORS headers, or the answer (a preflight, or a refusal:
 * 402 `VOXWIRE_BUDGET_EXHAUSTED`, 429 `VOXWIRE_CONCURRENCY_LIMIT`...).
 */
export async function admitThroughRelay<Identity extends RelayIdentity>(request: Request, relay: RelayCore<Identity>): Promise<{ ticket: RelayTicket<Identity>; cors: Record<string, string> } | Response> {
  const origins = relay.settings.origins;
  const preflight = await acceptBrowserRequest(request, { authenticate: () => ({ userId: 'preflight' }) as Identity, origins }, 'POST, OPTIONS');
  if (preflight instanceof Response && request.method === 'OPTIONS') return preflight;
  const cors = corsHeadersFor(request.headers.get('origin'), origins) ?? {};
  if (preflight instanceof Response) return preflight;
  const admission = await relay.admit(request, { remoteAddress: undefined });
  if (admission.status === 'rejected') {
    const code = admission.httpStatus === 401 || admission.httpStatus === 403 ? 'VOXWIRE_AUTHENTICATION_FAILED' : 'VOXWIRE_CONNECTION_FAILED';
    return jsonError(admission.httpStatus, code, admission.body, { ...admission.headers, ...cors });
  }
  if (admission.status === 'refused') return refusedOffer(admission.errorCode, admission.message, cors);
  return { ticket: admission.ticket, cors };
}

/** The answer to an offer a relay refused: 402 for an exhausted budget, 429 otherwise. */
export function refusedOffer(code: RealtimeErrorCode, message: string, cors: Record<string, string>): Response {
  return jsonError(code === 'VOXWIRE_BUDGET_EXHAUSTED' ? 402 : 429, code, message, cors);
}

/**
 * POSTs the offer to a calls endpoint (`/realtime/calls`, `/realtime/translations/calls`) as
 * multipart (`sdp` + `session`) with the server's key. Returns the SDP answer and the call id,
 * or the error answer for the browser (a refused server key is the operator's problem: 502).
 */
export async function forwardOffer(
  target: { url: string; apiKey: ApiKeyProvider; fetch: typeof fetch; logger: Logger; label: string; authHeaders?: (key: string) => Record<string, string> },
  sdp: string,
  session: unknown,
  cors: Record<string, string>,
): Promise<{ answer: string; location: string | null; callId: string } | Response> {
  const { label, logger } = target;
  const form = new FormData();
  form.set('sdp', sdp);
  form.set('session', JSON.stringify(session));
  let upstream: Response;
  try {
    const key = await resolveApiKey(target.apiKey);
    upstream = await target.fetch(target.url, { method: 'POST', headers: (target.authHeaders ?? bearerHeaders)(key ?? ''), body: form });
  } catch (error) {
    logger.error(`${label}: the Realtime API could not be reached`, { error: error instanceof Error ? error.message : String(error) });
    return jsonError(502, 'VOXWIRE_CONNECTION_FAILED', 'the Realtime API could not be reached', cors);
  }
  if (!upstream.ok) {
    const { message } = await upstreamErrorText(upstream);
    logger.warn(`${label}: the Realtime API refused the offer`, { status: upstream.status, error: message });
    const status = upstream.status === 401 || upstream.status === 403 ? 502 : upstream.status >= 500 ? 502 : upstream.status;
    return jsonError(status, 'VOXWIRE_UPSTREAM_ERROR', `the Realtime API refused the offer (HTTP ${upstream.status}): ${message}`, cors);
  }
  const answer = await upstream.text();
  const location = upstream.headers.get('location');
  const callId = callIdFromLocation(location);
  if (callId === undefined) return jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', 'the Realtime API answered without a call id (Location)', cors);
  return { answer, location, callId };
}

/** The offer (and the session the browser asks for, from a multipart body). */
export async function readOffer(request: Request): Promise<{ ok: true; sdp: string; session: unknown } | { ok: false; status: number; message: string }> {
  const type = (request.headers.get('content-type') ?? '').toLowerCase();
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_OFFER_BYTES) return { ok: false, status: 413, message: `the offer exceeds ${MAX_OFFER_BYTES} bytes` };
  let sdp: string;
  let session: unknown;
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      return { ok: false, status: 400, message: 'the multipart body could not be read' };
    }
    const part = form.get('sdp');
    if (typeof part !== 'string') return { ok: false, status: 400, message: "the multipart body needs an 'sdp' field" };
    sdp = part;
    const sessionPart = form.get('session');
    if (sessionPart !== null) {
      try {
        session = JSON.parse(typeof sessionPart === 'string' ? sessionPart : await sessionPart.text());
      } catch {
        return { ok: false, status: 400, message: "the 'session' field is not valid JSON" };
      }
    }
  } else if (type.startsWith('application/sdp') || type.startsWith('text/plain') || type === '') {
    sdp = await request.text();
  } else {
    return { ok: false, status: 415, message: `send the offer as application/sdp (got ${type})` };
  }
  if (sdp.length > MAX_OFFER_BYTES) return { ok: false, status: 413, message: `the offer exceeds ${MAX_OFFER_BYTES} bytes` };
  if (!/^v=0\r?\n/.test(sdp)) return { ok: false, status: 400, message: 'the body is not an SDP offer (it must start with "v=0")' };
  return { ok: true, sdp, session };
}
