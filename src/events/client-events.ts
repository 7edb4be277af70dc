/**
 * Every GA client event, as a strict zod/mini schema keyed by its `type`. Strict means an
 * unknown field is an error that names it: the server rejects a whole event for one unknown
 * field, so the SDK refuses it before sending.
 *
 * `transcription_session.update` is deliberately absent: the GA event unions leave it out;
 * GA transcription sessions are configured with `session.update` and `session.type:
 * 'transcription'`. `serializeClientEvent` refuses it with that hint.
 */
import * as z from 'zod/mini';
import { conversationItemInputSchema } from './items';
import { nonNegativeInt } from './primitives';
import { responseCreateParamsSchema } from './response';
import { sessionConfigSchema } from './session';
import { pure } from './pure';

function clientEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.strictObject({ type: z.literal(type), event_id: z.optional(z.string()), ...shape });
}

/**
 * The schema of every GA client event, by `type`. `event_id` is optional in all of them
 * (`serializeClientEvent` fills it in).
 */
export const clientEventSchemas = /* @__PURE__ */ pure(() => ({
  'session.update': clientEvent('session.update', { session: sessionConfigSchema }),
  'input_audio_buffer.append': clientEvent('input_audio_buffer.append', { audio: z.string() }),
  'input_audio_buffer.commit': clientEvent('input_audio_buffer.commit', {}),
  'input_audio_buffer.clear': clientEvent('input_audio_buffer.clear', {}),
  'output_audio_buffer.clear': clientEvent('output_audio_buffer.clear', {}),
  'conversation.item.create': clientEvent('conversation.item.create', {
    previous_item_id: z.optional(z.string()),
    item: conversationItemInputSchema,
  }),
  'conversation.item.retrieve': clientEvent('conversation.item.retrieve', { item_id: z.string() }),
  'conversation.item.truncate': clientEvent('conversation.item.truncate', {
    item_id: z.string(),
    content_index: nonNegativeInt(),
    audio_end_ms: nonNegativeInt(),
  }),
  'conversation.item.delete': clientEvent('conversation.item.delete', { item_id: z.string() }),
  'response.create': clientEvent('response.create', { response: z.optional(responseCreateParamsSchema) }),
  'response.cancel': clientEvent('response.cancel', { response_id: z.optional(z.string()) }),
}));

type ClientEventSchemas = typeof clientEventSchemas;

/** The `type` of every GA client event. */
export type ClientEventType = keyof ClientEventSchemas;

/** Every GA client event `type`, in one array. */
export const CLIENT_EVENT_TYPES = /* @__PURE__ */ pure(() => Object.keys(clientEventSchemas) as ClientEventType[]);

/** Each client event type mapped to the event a caller may pass (`event_id` optional). */
export type ClientEventInputMap = { [Type in ClientEventType]: z.infer<ClientEventSchemas[Type]> };

/** A client event as a caller may pass it: `event_id` is optional and filled in on send. */
export type ClientEventInput = ClientEventInputMap[ClientEventType];

/** Each client event type mapped to the event as sent on the wire (`event_id` set). */
export type ClientEventMap = { [Type in ClientEventType]: ClientEventInputMap[Type] & { event_id: string } };

/** A client event as sent on the wire, with its `event_id`. */
export type ClientEvent = ClientEventMap[ClientEventType];

/** A well-formed client frame whose `type` is not a GA client event. */
export interface UnknownClientEvent {
  /** The event's `type`, not one of {@link ClientEventType}. */
  type: string;
  [key: string]: unknown;
}
