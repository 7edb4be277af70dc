/**
 * The Realtime conversation protocol for the transports. A transport has no built-in protocol:
 * `RealtimeClient` hands it this one (`TranslationClient` and `LiveClient` theirs), so an app that
 * speaks GPT-Live or translation never bundles the Realtime validators. The server events'
 * parser and tables load with the first connection (`load()`, which the transports await
 * before they open anything): an app validates what it sends from the start, but receives
 * nothing before it connects, so it does not ship them at start.
 */
import { DEFAULT_MAX_SERVER_FRAME_BYTES, DEFAULT_MODEL, DEFAULT_REALTIME_URL, DEFAULT_WEBRTC_CALLS_URL } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import { array, boolean, eventTable, lenient, looseObject, number, oneOf, open, optional, record, strictObject, string, union, unknown } from '../events/check';
import type { Check } from '../events/check';
import { parseFrame } from '../events/parse';
import { serializeRealtimeEvent } from '../events/serialize';
import type { TransportProtocol } from './transport';

/** The GA server event table, once loaded (what `parseServerEvent` validates with). */
let serverTable: ReadonlyMap<string, Check> | undefined;
let loading: Promise<void> | undefined;

function loadServerTable(): Promise<void> {
  loading ??= import('../events/generated/server-validators').then(
    (module) => {
      serverTable = module.buildServerEventValidators({ array, boolean, eventTable, lenient, looseObject, number, oneOf, open, optional, record, strictObject, string, union, unknown }).serverEventValidators;
    },
    (cause: unknown) => {
      // A failed chunk load (offline) is retried by the next connect, like a connection.
      loading = undefined;
      throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', 'the Realtime server event table could not be loaded', { cause });
    },
  );
  return loading;
}

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
  load: loadServerTable,
  // parseServerEvent, with the table loaded on demand.
  parse: (data, options) =>
    serverTable
      ? parseFrame(data, 'server', serverTable, options.maxFrameBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES)
      : { ok: false, error: new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'realtimeProtocol.parse(): await realtimeProtocol.load() first') },
  serialize: (event, options) => serializeRealtimeEvent(event, options, serverTable),
  url: DEFAULT_REALTIME_URL,
  callsUrl: DEFAULT_WEBRTC_CALLS_URL,
  model: DEFAULT_MODEL,
  callSession: (model) => ({ type: 'realtime', model }),
};
