/**
 * Call control over REST with the server's key: accept, reject, refer (transfer) and hang up an
 * API SIP call. Realtime calls live under `/realtime/calls/{call_id}/...` (`rtc_...` ids);
 * GPT-Live SIP sessions under `/live/sessions/{session_id}/...` (`live_...` ids), per the
 * `openai` package's `realtime.calls` and `live.sessions` resources. Also the first steps both
 * kinds of call take when the SIP handler answers one: the relay's admission (a refused call is
 * rejected with a SIP status that says why) and the accept.
 */
import { DEFAULT_API_BASE_URL } from '../../base/defaults';
import { messageOf, RealtimeError, type RealtimeErrorCode } from '../../base/errors';
import type { Logger } from '../../base/logger';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import { resolveApiKey, type ApiKeyProvider } from '../../transport/transport';

/** Which API a call was offered on. */
export type CallApi = 'realtime' | 'live';

/** A call action. */
export type CallAction = 'accept' | 'reject' | 'refer' | 'hangup';

/** How to reach the calls endpoints. */
export interface CallControlOptions {
  /** The server's API key, or a function returning it (called per request). */
  apiKey: ApiKeyProvider;
  /** The REST base. @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** The fetch used toward the API. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The auth header of every request, from the key: `Authorization: Bearer <key>` for OpenAI and
   * most compatible servers; Azure OpenAI takes `api-key` (see docs/azure.md).
   * @default (key) => ({ Authorization: `Bearer ${key}` })
   */
  authHeaders?: (key: string) => Record<string, string>;
}

/** The SIP status a call refused by the relay is rejected with: 486 Busy Here for concurrency, 403 for a spent budget, else 503. */
export function rejectStatusFor(code: RealtimeErrorCode): number {
  if (code === 'VOXWIRE_CONCURRENCY_LIMIT') return 486;
  if (code === 'VOXWIRE_BUDGET_EXHAUSTED') return 403;
  return 503;
}

/** The URL of an action on a call. */
export function callActionUrl(baseUrl: string | undefined, api: CallApi, callId: string, action: CallAction): string {
  const base = (baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const collection = api === 'live' ? 'live/sessions' : 'realtime/calls';
  return `${base}/${collection}/${encodeURIComponent(callId)}/${action}`;
}

/** `Authorization: Bearer <key>`, the default auth header. */
export function bearerHeaders(key: string): Record<string, string> {
  return { Authorization: `Bearer ${key}` };
}

/**
 * POSTs one call action. Resolves true when the API did it, false when it answered 404 (the
 * call is already over, or was never offered to this project).
 *
 * @throws {RealtimeError} `VOXWIRE_UPSTREAM_ERROR` for any other refusal (the API's message is
 * kept), `VOXWIRE_CONNECTION_FAILED` when the API cannot be reached.
 */
export async function postCallAction(options: CallControlOptions, api: CallApi, callId: string, action: CallAction, body?: unknown, signal?: AbortSignal): Promise<boolean> {
  const key = (await resolveApiKey(options.apiKey)) ?? '';
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers: Record<string, string> = { ...(options.authHeaders ?? bearerHeaders)(key) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetchImpl(callActionUrl(options.baseUrl, api, callId, action), {
      method: 'POST',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', `${action} of call ${callId}: the API could not be reached: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return true;
  if (response.status === 404) return false;
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // Not JSON: the text itself is the message.
  }
  throw new RealtimeError('VOXWIRE_UPSTREAM_ERROR', `${action} of call ${callId} failed: HTTP ${response.status}: ${message}`);
}

/** A ringing call the SIP handler is answering: where to act on it, and where to log. */
export interface RingingCall {
  /** The calls endpoints and the server's key. */
  control: CallControlOptions;
  /** The API the call was offered on. */
  api: CallApi;
  /** `rtc_...` or `live_...`. */
  callId: string;
  logger: Logger;
}

/**
 * Rejects a call the relay will not take, with the SIP status of the refusal
 * ({@link rejectStatusFor}; a failed reject is logged, the call then times out at the API),
 * and throws the refusal.
 *
 * @throws {RealtimeError} always: `code`, with `message` naming the call.
 */
export async function rejectRefusedCall(call: RingingCall, code: RealtimeErrorCode, message: string): Promise<never> {
  await postCallAction(call.control, call.api, call.callId, 'reject', { status_code: rejectStatusFor(code) }).catch((error: unknown) =>
    call.logger.warn('sip: rejecting a refused call failed', { callId: call.callId, error: messageOf(error) }),
  );
  throw new RealtimeError(code, `call ${call.callId}: ${message}`);
}

/**
 * The relay's admission of a ringing call (draining, budget, per-user concurrency) for the
 * identity it is charged to, before it is answered; a refused call is rejected
 * ({@link rejectRefusedCall}).
 *
 * @throws {RealtimeError} the relay's code for a refusal (`VOXWIRE_BUDGET_EXHAUSTED`,
 * `VOXWIRE_CONCURRENCY_LIMIT`), `VOXWIRE_CONNECTION_FAILED` for a rejection (store failure, draining).
 */
export async function admitCall<Identity extends RelayIdentity>(relay: RelayCore<Identity>, identity: Identity, call: RingingCall): Promise<RelayTicket<Identity>> {
  const admission = await relay.admitIdentity(identity);
  if (admission.status === 'accepted') return admission.ticket;
  if (admission.status === 'refused') return rejectRefusedCall(call, admission.errorCode, admission.message);
  return rejectRefusedCall(call, 'VOXWIRE_CONNECTION_FAILED', `the relay refused the call (${admission.httpStatus}: ${admission.body})`);
}

/**
 * Accepts a ringing call with `body` (a Realtime session, or `{ session }` for a Live one).
 *
 * @throws {RealtimeError} `VOXWIRE_UPSTREAM_ERROR` when the call is no longer ringing (404) or
 * the API refuses the accept, `VOXWIRE_CONNECTION_FAILED` when it cannot be reached.
 */
export async function acceptCall(call: RingingCall, body: unknown): Promise<void> {
  const found = await postCallAction(call.control, call.api, call.callId, 'accept', body);
  if (!found) throw new RealtimeError('VOXWIRE_UPSTREAM_ERROR', `call ${call.callId} is no longer ringing (the API answered 404 to accept)`);
}
