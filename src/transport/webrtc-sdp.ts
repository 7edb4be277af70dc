/**
 * The signalling half of `WebRTCTransport`: the SDP offer request (with an ephemeral key, a
 * standard key and a session, or your server's endpoint), and the typed error for a refused
 * exchange.
 */
import { DEFAULT_MODEL } from '../base/defaults';
import { ERROR_CODES, RealtimeError } from '../base/errors';
import type { RealtimeErrorCode, ServerErrorDetails } from '../base/errors';
import type { TransportProtocol } from './transport';

/** What {@link offerRequest} needs besides the offer. */
export interface OfferRequestSettings {
  headers: Record<string, string>;
  key: string | undefined;
  /** True for a standard (non-ephemeral) key, which carries no session: one is sent along. */
  standardKey: boolean;
  protocol: TransportProtocol | undefined;
  model: string | undefined;
}

/** The body and headers of the SDP offer POST. */
export function offerRequest(offerSdp: string, settings: OfferRequestSettings): { body: string | FormData; headers: Record<string, string> } {
  const { key, standardKey, protocol } = settings;
  const headers: Record<string, string> = { ...settings.headers };
  if (key !== undefined) headers.Authorization = `Bearer ${key}`;
  const model = settings.model ?? protocol?.model ?? DEFAULT_MODEL;
  if (standardKey && protocol?.callRequest) {
    const request = protocol.callRequest(offerSdp, model);
    headers['Content-Type'] = request.contentType;
    return { body: request.body, headers };
  }
  if (standardKey) {
    // A standard key has no session attached: send one with the offer (multipart), as a server would.
    const form = new FormData();
    form.set('sdp', offerSdp);
    form.set('session', JSON.stringify(protocol ? protocol.callSession(model) : { type: 'realtime', model }));
    return { body: form, headers };
  }
  headers['Content-Type'] = 'application/sdp';
  return { body: offerSdp, headers };
}

export function defaultPeerConnectionFactory(): (configuration: RTCConfiguration) => RTCPeerConnection {
  const Ctor = (globalThis as { RTCPeerConnection?: new (configuration: RTCConfiguration) => RTCPeerConnection }).RTCPeerConnection;
  if (!Ctor) {
    throw new RealtimeError(
      'VOXWIRE_CONNECTION_FAILED',
      'WebRTCTransport: RTCPeerConnection is not available here. It runs in browsers; elsewhere pass `createPeerConnection` (e.g. a Node WebRTC peer), or use WebSocketTransport.',
    );
  }
  return (configuration) => new Ctor(configuration);
}

/** A typed error for a refused SDP exchange, keeping the server's body. */
export async function sdpExchangeError(url: string, response: Response): Promise<RealtimeError> {
  const body = await response.text().catch(() => '');
  let serverError: ServerErrorDetails | undefined;
  let detail = body.trim().slice(0, 500);
  try {
    const parsed = JSON.parse(body) as { error?: Partial<ServerErrorDetails> } | null;
    const error = parsed?.error;
    if (error && typeof error.message === 'string') {
      serverError = { type: typeof error.type === 'string' ? error.type : 'error', code: error.code ?? null, message: error.message, param: error.param ?? null };
      detail = error.message;
    }
  } catch {
    // Not JSON: the text itself is the detail.
  }
  const voxwireCode = typeof serverError?.code === 'string' && serverError.code in ERROR_CODES ? (serverError.code as RealtimeErrorCode) : undefined;
  // A voxwire server (createSdpHandler) names the reason (budget, concurrency, policy); the API's own 401/403 mean the key.
  const code: RealtimeErrorCode =
    voxwireCode ?? (response.status === 401 || response.status === 403 ? 'VOXWIRE_AUTHENTICATION_FAILED' : 'VOXWIRE_UPSTREAM_ERROR');
  return new RealtimeError(code, `The SDP exchange with ${redact(url)} was refused: HTTP ${response.status}${detail ? `: ${detail}` : ''}.`, {
    raw: body,
    ...(serverError ? { serverError } : {}),
  });
}

export function redact(url: string): string {
  return url.replace(/([?&](?:key|token|api_key)=)[^&]+/gi, '$1***');
}
