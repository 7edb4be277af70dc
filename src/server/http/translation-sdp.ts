/**
 * SDP forwarding for translation calls: the browser POSTs its WebRTC offer to your server, which
 * forwards it to `POST /v1/realtime/translations/calls` as multipart (`sdp` + `session`) with the
 * server's key and the operator's locked translation settings. No key reaches the browser.
 *
 * The `openai` types describe no sideband and no hangup for translation calls, so the server
 * never sees the call's audio nor its end: the user's budget is charged the session's whole time
 * limit (`limits.maxDurationMs`, in audio seconds) when the call is created, and the call holds
 * one of the user's concurrency slots for that long.
 */
import { DEFAULT_API_BASE_URL } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import type { TranslationSessionUpdate } from '../../events/translation';
import type { Logger } from '../../base/logger';
import type { ApiKeyProvider } from '../../transport/transport';
import { jsonError } from './browser-request';
import type { RelayCore } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import { admitThroughRelay, forwardOffer, readOffer, refusedOffer } from './sdp';
import { decideTranslationSession } from './translation-client-secret';

/** A translation call the handler created. */
export interface TranslationSdpCall<Identity extends RelayIdentity = RelayIdentity> {
  /** The call id (`rtc_...`), from the API's `Location`. */
  callId: string;
  /** Who made it. */
  identity: Identity;
  /** The session it was created with (`model`, and the settings with the operator's locked ones merged in). */
  session: TranslationSessionUpdate & {
    /** The translation model the call runs on. */
    model: string;
  };
  /** What was charged to the user's budget up front, in audio seconds (the time limit; 0 without a daily limit). */
  chargedSeconds: number;
  /** The browser's request. */
  request: Request;
}

/** Options of {@link createTranslationSdpHandler}. */
export interface TranslationSdpHandlerOptions<Identity extends RelayIdentity = RelayIdentity> {
  /** The server's OpenAI API key, or a function returning it. Sent only to the API. */
  apiKey: ApiKeyProvider;
  /**
   * The translation relay core (created with `translation`) whose policy the calls follow:
   * its `authenticate`, `origins`, budget store, `dailyLimit`, `maxSessionsPerUser`,
   * `maxDurationMs` (charged up front), model and locked `translation.session`.
   */
  relay: RelayCore<Identity>;
  /**
   * Target languages the browser may ask for (a multipart `session` part); another is refused
   * with 403 (`VOXWIRE_POLICY_VIOLATION`). Ignored when the relay's session fixes the language.
   * @default undefined (any language)
   */
  languages?: readonly string[];
  /** The REST base of the API (point it at a mock in tests). @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** The fetch used toward the API. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Where refusals and upstream failures are logged. @default the relay's logger */
  logger?: Logger;
  /** Called with every call created (record the call id). @default undefined */
  onCall?: (call: TranslationSdpCall<Identity>) => void | Promise<void>;
}

/**
 * A Web-standard handler that forwards a browser's SDP offer for a translation session with the
 * server's key: `WebRTCTransport({ sdpUrl, protocol: translationProtocol })` POSTs
 * `application/sdp` here (or multipart `sdp` + `session` to ask for a target language) and gets
 * the answer (201, `Location` with the call id). Admission is the relay's (origin,
 * `authenticate`, budget, concurrency); before the offer is forwarded the user's budget must
 * have room for the whole time limit, which is charged then (402 `VOXWIRE_BUDGET_EXHAUSTED`
 * otherwise, as for conversation calls).
 *
 * @example
 * ```ts
 * const relay = new RelayCore({ model: 'gpt-realtime-translate', translation: {}, authenticate,
 *   limits: { maxDurationMs: 5 * 60_000 }, budget: { dailyLimit: 1800 } });
 * export const POST = createTranslationSdpHandler({ apiKey: process.env.OPENAI_API_KEY!, relay, languages: ['es', 'fr'] });
 * // Browser: new TranslationClient({ transport: new WebRTCTransport({ sdpUrl: '/api/translation/sdp', protocol: translationProtocol }) })
 * ```
 */
export function createTranslationSdpHandler<Identity extends RelayIdentity = RelayIdentity>(options: TranslationSdpHandlerOptions<Identity>): (request: Request) => Promise<Response> {
  const label = 'createTranslationSdpHandler';
  if (typeof options !== 'object' || options === null) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${label}: options must be an object.`);
  if (typeof options.apiKey !== 'string' && typeof options.apiKey !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${label}: \`apiKey\` (the server's OpenAI key, or a function returning it) is required.`, { path: 'apiKey' });
  }
  const relay = options.relay;
  if (typeof relay?.admit !== 'function' || relay.settings.translation === undefined) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${label}: \`relay\` must be a RelayCore created with \`translation\` (its policy and budgets apply to the calls).`, { path: 'relay' });
  }
  const logger = options.logger ?? relay.settings.logger;
  const base = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const locked = relay.settings.translation.session;

  return async (request) => {
    const admitted = await admitThroughRelay(request, relay);
    if (admitted instanceof Response) return admitted;
    const { ticket, cors } = admitted;
    const userId = ticket.identity.userId;

    const offer = await readOffer(request);
    if (!offer.ok) {
      relay.abandon(ticket);
      return jsonError(offer.status, 'VOXWIRE_INVALID_ARGUMENT', offer.message, cors);
    }
    // The browser may ask for settings (not the model: the relay's).
    const { model: _asked, ...asked } = (typeof offer.session === 'object' && offer.session !== null ? offer.session : {}) as Record<string, unknown>;
    const decided = decideTranslationSession(asked, locked, options.languages);
    if (!decided.ok) {
      relay.abandon(ticket);
      return jsonError(decided.status, decided.code, decided.message, cors, decided.param);
    }
    if (!Number.isFinite(ticket.maxDurationMs)) {
      relay.abandon(ticket);
      logger.error(`${label}: translation calls need a finite \`limits.maxDurationMs\`: it is what each call is charged`, { userId });
      return jsonError(500, 'VOXWIRE_INVALID_ARGUMENT', 'server configuration error', cors);
    }
    const seconds = ticket.maxDurationMs / 1000;
    const charge = await relay.chargeUpfront(ticket, seconds);
    if (charge !== 'charged') {
      relay.abandon(ticket);
      if (charge === 'unavailable') return jsonError(503, 'VOXWIRE_CONNECTION_FAILED', 'budget store unavailable', { ...cors, 'retry-after': '5' });
      const left = Math.max(0, (ticket.budgetLimit ?? 0) - ticket.budgetSpent);
      return refusedOffer('VOXWIRE_BUDGET_EXHAUSTED', `the daily budget of user ${userId} has no room for a translation call: it is charged its time limit of ${seconds} audio seconds up front, about ${left.toFixed(2)} are left`, cors);
    }
    const chargedSeconds = ticket.budgetLimit === undefined ? 0 : seconds;

    const session = { model: relay.settings.model, ...decided.session };
    const forwarded = await forwardOffer({ url: `${base}/realtime/translations/calls`, apiKey: options.apiKey, fetch: fetchImpl, logger, label }, offer.sdp, session, cors);
    if (forwarded instanceof Response) {
      relay.refundUpfront(ticket, seconds);
      return forwarded;
    }
    const { answer, location, callId } = forwarded;
    try {
      await options.onCall?.({ callId, identity: ticket.identity, session, chargedSeconds, request });
    } catch (error) {
      logger.warn(`${label}: onCall threw; the call goes on`, { callId, error: error instanceof Error ? error.message : String(error) });
    }
    return new Response(answer, {
      status: 201,
      headers: { ...cors, 'content-type': 'application/sdp', location: location ?? `/v1/realtime/translations/calls/${callId}`, 'cache-control': 'no-store' },
    });
  };
}
