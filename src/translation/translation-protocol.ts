/**
 * The translation protocol for the transports: `new WebSocketTransport({ protocol:
 * translationProtocol })` or `new WebRTCTransport({ protocol: translationProtocol, ... })` speak
 * to a translation session (`/v1/realtime/translations`, `gpt-realtime-translate`) instead of a
 * conversation. `TranslationClient` builds its default transport with it.
 */
import { DEFAULT_TRANSLATION_CALLS_URL, DEFAULT_TRANSLATION_MODEL, DEFAULT_TRANSLATION_URL } from '../base/defaults';
import { parseTranslationServerEvent, serializeTranslationClientEvent } from '../events/translation-parse';
import type { TranslationClientEvent } from '../events/translation';
import type { TransportProtocol } from '../transport/transport';

/**
 * The translation session protocol: its events (parsed and validated with the translation
 * schemas), its WebSocket and WebRTC endpoints and its model.
 *
 * @example
 * ```ts
 * const transport = new WebRTCTransport({ apiKey: fetchTranslationKey, protocol: translationProtocol });
 * const translator = new TranslationClient({ transport, language: 'es' });
 * ```
 */
export const translationProtocol: TransportProtocol = {
  parse: parseTranslationServerEvent,
  serialize: (event, options) => serializeTranslationClientEvent(event as TranslationClientEvent, options),
  url: DEFAULT_TRANSLATION_URL,
  callsUrl: DEFAULT_TRANSLATION_CALLS_URL,
  model: DEFAULT_TRANSLATION_MODEL,
  // A translation session is chosen by its endpoint, not by a `type` (the `openai` types'
  // `RealtimeTranslationSessionCreateRequest` has `model` and `audio` only).
  callSession: (model) => ({ model }),
};
