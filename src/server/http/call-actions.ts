/**
 * Call actions over REST with the server's key: accept, reject, refer (transfer) and hang up a
 * call the API placed (WebRTC and SIP alike). Realtime calls live under
 * `/realtime/calls/{call_id}/...` (`rtc_...` ids); GPT-Live SIP sessions under
 * `/live/sessions/{session_id}/...` (`live_...` ids), per the `openai` package's `realtime.calls`
 * and `live.sessions` resources. The SDP and sideband handlers hang up through it, the SIP
 * handler (telephony/) accepts, rejects and refers with it.
 */
import { DEFAULT_API_BASE_URL } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
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
