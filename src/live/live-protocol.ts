/**
 * GPT-Live for the transports: `new WebSocketTransport({ protocol: liveProtocol })` or
 * `new WebRTCTransport({ protocol: liveProtocol, sdpUrl })` speak to a Live session
 * (`/v1/live/sessions`) instead of a Realtime one. `LiveClient` builds its default transport
 * with it.
 */
import { DEFAULT_LIVE_MODEL, DEFAULT_LIVE_SESSIONS_URL, DEFAULT_LIVE_URL } from '../base/defaults';
import { parseLiveServerEvent, serializeLiveClientEvent } from '../events/live';
import type { LiveClientEvent } from '../events/live';
import type { TransportProtocol } from '../transport/transport';
import { callIdFromLocation } from '../events/call-id';

/**
 * Reads the answer to a Live SDP offer: the JSON of `POST /v1/live/sessions`
 * (`{session: {id}, transport: {sdp}}`), or plain SDP from an app server that unwrapped it
 * (the session id then in `Location`).
 */
export function readLiveAnswer(
  body: string,
  location: string | null,
):
  | {
      /** The SDP answer. */
      sdp: string;
      /** The Live session's id (`live_…`), when the answer names it. */
      callId: string | undefined;
    }
  | undefined {
  const text = body.trimStart();
  if (!text.startsWith('{')) return { sdp: body, callId: callIdFromLocation(location) };
  try {
    const parsed = JSON.parse(text) as { session?: { id?: unknown }; transport?: { sdp?: unknown } } | null;
    const sdp = parsed?.transport?.sdp;
    if (typeof sdp !== 'string') return undefined;
    const id = parsed?.session?.id;
    return { sdp, callId: typeof id === 'string' ? id : callIdFromLocation(location) };
  } catch {
    return undefined;
  }
}

/**
 * The GPT-Live protocol: its events (parsed and validated with the Live schemas), its
 * WebSocket endpoint (no `?model=`: the model goes in `session.start`) and its WebRTC session
 * endpoint, where a WebRTC session is confirmed by `session.started`.
 *
 * @example
 * ```ts
 * // Your server creates the session with its key (GPT-Live has no ephemeral keys).
 * const transport = new WebRTCTransport({ sdpUrl: '/api/live/session', protocol: liveProtocol });
 * const client = new LiveClient({ transport });
 * ```
 */
export const liveProtocol: TransportProtocol = {
  parse: parseLiveServerEvent,
  serialize: (event, options) => serializeLiveClientEvent(event as LiveClientEvent, options),
  url: DEFAULT_LIVE_URL,
  callsUrl: DEFAULT_LIVE_SESSIONS_URL,
  model: DEFAULT_LIVE_MODEL,
  callSession: (model) => ({ model }),
  modelInUrl: false,
  confirmation: 'session.started',
  // A standard key (local demo) creates the session itself: JSON, not a multipart offer.
  callRequest: (sdp, model) => ({ contentType: 'application/json', body: JSON.stringify({ session: { model }, transport: { type: 'webrtc', sdp } }) }),
  readAnswer: readLiveAnswer,
};
