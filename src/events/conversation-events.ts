/**
 * The session and conversation families of GA server events: `session.created|updated`,
 * `conversation.created` and the `conversation.item.*` lifecycle (transcription events are in
 * transcription-events.ts). Joined into `serverEventSchemas` by server-events.ts.
 */
import * as z from 'zod/mini';
import { conversationItemSchema } from './items';
import { serverSessionSchema } from './session';
import { lenient } from './primitives';
import { pure } from './pure';
import { itemField, serverEvent } from './server-event-base';

/** The session and conversation server events, by `type`. */
export const conversationEventSchemas = /* @__PURE__ */ pure(() => ({
  /**
   * Returned when a Session is created. Emitted automatically when a new connection is
   * established as the first server event. This event will contain the default Session
   * configuration.
   */
  'session.created': serverEvent('session.created', {
    /** The session configuration. */
    session: serverSessionSchema,
  }),
  /** Returned when a session is updated with a `session.update` event, unless there is an error. */
  'session.updated': serverEvent('session.updated', {
    /** The session configuration. */
    session: serverSessionSchema,
  }),
  /** Returned when a conversation is created. Emitted right after session creation. */
  'conversation.created': serverEvent('conversation.created', {
    /** The conversation resource. */
    conversation: z.looseObject({
      /** The unique ID of the conversation. */
      id: lenient(z.string()),
      /** The object type, must be `realtime.conversation`. */
      object: lenient(z.string()),
    }),
  }),
  /** Returned when a conversation item is created. */
  'conversation.item.created': serverEvent('conversation.item.created', {
    /**
     * The ID of the preceding item in the Conversation context, allows the client to understand
     * the order of the conversation. Can be `null` if the item has no predecessor.
     */
    previous_item_id: lenient(z.string()),
    /** A single item within a Realtime conversation. */
    item: conversationItemSchema,
  }),
  /** Sent by the server when an Item is added to the default Conversation. */
  'conversation.item.added': serverEvent('conversation.item.added', {
    /**
     * The ID of the item that precedes this one, if any. This is used to maintain ordering when
     * items are inserted.
     */
    previous_item_id: lenient(z.string()),
    /** A single item within a Realtime conversation. */
    item: conversationItemSchema,
  }),
  /** Returned when a conversation item is finalized. */
  'conversation.item.done': serverEvent('conversation.item.done', {
    /**
     * The ID of the item that precedes this one, if any. This is used to maintain ordering when
     * items are inserted.
     */
    previous_item_id: lenient(z.string()),
    /** A single item within a Realtime conversation. */
    item: conversationItemSchema,
  }),
  /** Returned when a conversation item is retrieved with `conversation.item.retrieve`. */
  'conversation.item.retrieved': serverEvent('conversation.item.retrieved', {
    /** A single item within a Realtime conversation. */
    item: conversationItemSchema,
  }),
  /**
   * Returned when an earlier assistant audio message item is truncated by the client with a
   * `conversation.item.truncate` event.
   */
  'conversation.item.truncated': serverEvent('conversation.item.truncated', {
    ...itemField,
    /** The index of the content part that was truncated. */
    content_index: z.number(),
    /** The duration up to which the audio was truncated, in milliseconds. */
    audio_end_ms: z.number(),
  }),
  /**
   * Returned when an item in the conversation is deleted by the client with a
   * `conversation.item.delete` event. This event is used to synchronize the server's
   * understanding of the conversation history with the client's view.
   */
  'conversation.item.deleted': serverEvent('conversation.item.deleted', itemField),
}));
