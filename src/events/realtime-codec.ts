/**
 * The GA conversation protocol's two functions that need the server event table: parsing a
 * server frame, and serializing a client event (whose refusal tells a server event's `type`
 * sent by mistake apart from an unknown one). `voxwire/events`, the relay, the mock and
 * recordings use them as they are; an app's transports reach the same code through
 * `realtimeProtocol` (src/transport/realtime-protocol.ts), which loads the table with the first
 * connection, so a browser app does not ship it at start.
 */
import { DEFAULT_MAX_SERVER_FRAME_BYTES } from '../base/defaults';
import type { ClientEventInput } from './client-events';
import type { FrameData } from './frame';
import { array, boolean, eventTable, lenient, looseObject, number, oneOf, open, optional, record, strictObject, string, union, unknown } from './check';
import type { Check } from './check';
import { buildServerEventValidators } from './generated/server-validators';
import { parseFrame } from './parse';
import type { ParseOptions, ServerEventParseResult } from './parse';
import { serializeRealtimeEvent } from './serialize';
import type { SerializeOptions } from './serialize';
import { pure } from './pure';

/** Validators of every GA server event, by `type` (see `serverEventSchemas`). */
export const serverEventValidators: ReadonlyMap<string, Check> = /* @__PURE__ */ pure(() => buildServerEventValidators({ array, boolean, eventTable, lenient, looseObject, number, oneOf, open, optional, record, strictObject, string, union, unknown }).serverEventValidators);

/**
 * Parses and validates one frame from the server. Never throws.
 *
 * @param data - a text frame, a binary frame (ArrayBuffer / Uint8Array / Buffer) or an
 * already-parsed object.
 * @returns `{ ok: true, known: true, event }` for a valid GA server event,
 * `{ ok: true, known: false, event }` for a JSON object with an unknown string `type`, and
 * `{ ok: false, error }` otherwise (see {@link ParseResult}).
 *
 * @example
 * ```ts
 * socket.onmessage = (message) => {
 *   const result = parseServerEvent(message.data);
 *   if (!result.ok) return log.warn(result.error.message);
 *   if (result.known && result.event.type === 'response.output_audio.delta') play(result.event.delta);
 * };
 * ```
 */
export function parseServerEvent(data: FrameData, options?: ParseOptions): ServerEventParseResult {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES;
  return parseFrame(data, 'server', serverEventValidators, max) as ServerEventParseResult;
}

/**
 * Validates an outgoing client event against the GA schema, fills a missing `event_id`, and
 * returns the JSON text to send. What is known to be wrong is refused; what is only new (a field,
 * enum value or `type` the schemas do not know) is sent as given with one `onWarning` call each,
 * unless `strict` is set.
 *
 * @throws `RealtimeError` (from `voxwire`) with code `VOXWIRE_INVALID_CLIENT_EVENT` when the event is
 * invalid (the message names the field and the fix, e.g. "session.update rejected: unknown
 * field `session.modalities` (GA uses `session.output_modalities`)"), or
 * `VOXWIRE_FRAME_TOO_LARGE` when the frame exceeds `maxFrameBytes`. Nothing else.
 *
 * @example
 * ```ts
 * socket.send(serializeClientEvent({ type: 'input_audio_buffer.append', audio: base64Chunk }));
 * ```
 */
export function serializeClientEvent(event: ClientEventInput, options?: SerializeOptions): string {
  return serializeRealtimeEvent(event, options, serverEventValidators);
}
