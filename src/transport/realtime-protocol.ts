/**
 * The Realtime conversation protocol for the transports. A transport has no built-in protocol:
 * `RealtimeClient` hands it this one (`TranslationClient` and `LiveClient` theirs), so an app that
 * speaks GPT-Live or translation never bundles the Realtime validators.
 */
import { DEFAULT_MODEL, DEFAULT_REALTIME_URL, DEFAULT_WEBRTC_CALLS_URL } from '../base/defaults';
import { parseServerEvent } from '../events/parse';
import { serializeClientEvent } from '../events/serialize';
import type { TransportProtocol } from './transport';

/**
 * The Realtime conversation protocol (`/v1/realtime`): its events (parsed and validated with the
 * GA schemas), its WebSocket and WebRTC endpoints and its model. `RealtimeClient` gives it to its
 * transport; pass it yourself to a transport you use without a client.
 *
 * @example
 * ```ts
 * const transport = new WebSocketTransport({ apiKey: process.env.OPENAI_API_KEY, protocol: realtimeProtocol });
 * await transport.connect();
 * transport.send({ type: 'response.create' });
 * ```
 */
export const realtimeProtocol: TransportProtocol = {
  parse: parseServerEvent,
  serialize: serializeClientEvent as TransportProtocol['serialize'],
  url: DEFAULT_REALTIME_URL,
  callsUrl: DEFAULT_WEBRTC_CALLS_URL,
  model: DEFAULT_MODEL,
  callSession: (model) => ({ type: 'realtime', model }),
};
