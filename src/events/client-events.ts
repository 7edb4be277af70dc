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
  return z.strictObject({
    /** The event type. */
    type: z.literal(type),
    /**
     * Optional client-generated ID used to identify this event; `serializeClientEvent` fills it
     * in when absent.
     */
    event_id: z.optional(z.string()),
    ...shape,
  });
}

/**
 * The schema of every GA client event, by `type`. `event_id` is optional in all of them
 * (`serializeClientEvent` fills it in).
 */
export const clientEventSchemas = /* @__PURE__ */ pure(() => ({
  /**
   * Send this event to update the session’s configuration. The client may send this event at
   * any time to update any field except for `voice` and `model`.
   */
  'session.update': clientEvent('session.update', {
    /** Update the Realtime session. Choose either a realtime session or a transcription session. */
    session: sessionConfigSchema,
  }),
  /**
   * Send this event to append audio bytes to the input audio buffer. The audio buffer is
   * temporary storage you can write to and later commit.
   */
  'input_audio_buffer.append': clientEvent('input_audio_buffer.append', {
    /** Base64-encoded audio bytes, in the session's `audio.input.format`. */
    audio: z.string(),
  }),
  /**
   * Send this event to commit the user input audio buffer, which will create a new user message
   * item in the conversation. This event will produce an error if the input audio buffer is
   * empty.
   */
  'input_audio_buffer.commit': clientEvent('input_audio_buffer.commit', {}),
  /**
   * Send this event to clear the audio bytes in the buffer. The server will respond with an
   * `input_audio_buffer.cleared` event.
   */
  'input_audio_buffer.clear': clientEvent('input_audio_buffer.clear', {}),
  /**
   * **WebRTC/SIP Only:** Emit to cut off the current audio response. This will trigger the
   * server to stop generating audio and emit a `output_audio_buffer.cleared` event.
   */
  'output_audio_buffer.clear': clientEvent('output_audio_buffer.clear', {}),
  /**
   * Add a new Item to the Conversation's context, including messages, function calls, and
   * function call responses.
   */
  'conversation.item.create': clientEvent('conversation.item.create', {
    /**
     * The ID of the preceding item after which the new item will be inserted. If not set, the
     * new item will be appended to the end of the conversation.
     */
    previous_item_id: z.optional(z.string()),
    /** A single item within a Realtime conversation. */
    item: conversationItemInputSchema,
  }),
  /**
   * Send this event when you want to retrieve the server's representation of a specific item in
   * the conversation history. This is useful, for example, to inspect user audio after noise
   * cancellation and VAD.
   */
  'conversation.item.retrieve': clientEvent('conversation.item.retrieve', {
    /** The ID of the item to retrieve. */
    item_id: z.string(),
  }),
  /** Send this event to truncate a previous assistant message’s audio. */
  'conversation.item.truncate': clientEvent('conversation.item.truncate', {
    /**
     * The ID of the assistant message item to truncate. Only assistant message items can be
     * truncated.
     */
    item_id: z.string(),
    /** The index of the content part to truncate. Set this to `0`. */
    content_index: nonNegativeInt(),
    /**
     * Inclusive duration up to which audio is truncated, in milliseconds. If the audio_end_ms
     * is greater than the actual audio duration, the server will respond with an error.
     */
    audio_end_ms: nonNegativeInt(),
  }),
  /** Send this event when you want to remove any item from the conversation history. */
  'conversation.item.delete': clientEvent('conversation.item.delete', {
    /** The ID of the item to delete. */
    item_id: z.string(),
  }),
  /**
   * This event instructs the server to create a Response, which means triggering model
   * inference. When in Server VAD mode, the server will create Responses automatically.
   */
  'response.create': clientEvent('response.create', {
    /** Create a new Realtime response with these parameters. */
    response: z.optional(responseCreateParamsSchema),
  }),
  /**
   * Send this event to cancel an in-progress response. The server will respond with a
   * `response.done` event with a status of `response.status=cancelled`.
   */
  'response.cancel': clientEvent('response.cancel', {
    /**
     * A specific response ID to cancel - if not provided, will cancel an in-progress response
     * in the default conversation.
     */
    response_id: z.optional(z.string()),
  }),
}));

/** The `type` of every GA client event. */
export type ClientEventType = keyof typeof clientEventSchemas;

/** Every GA client event `type`, in one array. */
export const CLIENT_EVENT_TYPES = /* @__PURE__ */ pure(() => Object.keys(clientEventSchemas) as ClientEventType[]);

/** Each client event type mapped to the event a caller may pass (`event_id` optional). */
export type ClientEventInputMap = { [Type in ClientEventType]: z.infer<(typeof clientEventSchemas)[Type]> };

/** A client event as a caller may pass it: `event_id` is optional and filled in on send. */
export type ClientEventInput = ClientEventInputMap[ClientEventType];

/** Each client event type mapped to the event as sent on the wire (`event_id` set). */
export type ClientEventMap = {
  [Type in ClientEventType]: ClientEventInputMap[Type] & {
    /** The event's ID, as sent: the caller's, or one `serializeClientEvent` generated. */
    event_id: string;
  };
};

/** A client event as sent on the wire, with its `event_id`. */
export type ClientEvent = ClientEventMap[ClientEventType];

/** A well-formed client frame whose `type` is not a GA client event. */
export interface UnknownClientEvent {
  /** The event's `type`, not one of {@link ClientEventType}. */
  type: string;
  [key: string]: unknown;
}
