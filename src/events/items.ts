/**
 * Conversation items: messages, item references, and the unions of every item type (the
 * content parts are in content-parts.ts; function-call, MCP and reasoning items in
 * tool-items.ts).
 *
 * Client side (`conversation.item.create`, `response.create` input): strict, discriminated on
 * `type` (and messages on `role`), with the content parts each role may carry.
 *
 * Server side (every event that carries an item): loose and null-tolerant. Besides the GA
 * content types, server items accept the beta-era `text` and `audio` content types: the
 * official GA examples of `response.output_item.done` and `conversation.item.retrieved` still
 * carry them (the latter with a `format: 'pcm16'` field), so real traffic may too. Code that
 * reads content should treat `text` like `output_text` and `audio` like `output_audio`.
 */
import * as z from 'zod/mini';
import { contentPartSchema, inputAudioPartSchema, inputImagePartSchema, inputTextPartSchema, outputAudioPartSchema, outputTextPartSchema } from './content-parts';
import { clientItemCommonShape, serverItemCommonShape } from './item-shapes';
import { openString, openUnion } from './primitives';
import type { GenericMember } from './primitives';
import { pure } from './pure';
import {
  functionCallInputSchema,
  functionCallItemSchema,
  functionCallOutputInputSchema,
  functionCallOutputItemSchema,
  mcpApprovalRequestInputSchema,
  mcpApprovalRequestItemSchema,
  mcpApprovalResponseInputSchema,
  mcpApprovalResponseItemSchema,
  mcpCallInputSchema,
  mcpCallItemSchema,
  mcpListToolsInputSchema,
  mcpListToolsItemSchema,
  reasoningItemSchema,
} from './tool-items';

/** A system message (instructions mid-conversation): text parts only. */
export const systemMessageInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `message`. */
  type: z.literal('message'),
  /** The role of the message sender. Always `system`. */
  role: z.literal('system'),
  /** The content of the message. */
  content: z.array(inputTextPartSchema),
  ...clientItemCommonShape,
}));

/** A user message: text, audio and image parts. */
export const userMessageInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `message`. */
  type: z.literal('message'),
  /** The role of the message sender. Always `user`. */
  role: z.literal('user'),
  /** The content of the message. */
  content: z.array(z.discriminatedUnion('type', [inputTextPartSchema, inputAudioPartSchema, inputImagePartSchema])),
  ...clientItemCommonShape,
}));

/** An assistant message: text and audio parts. */
export const assistantMessageInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of the item. Always `message`. */
  type: z.literal('message'),
  /** The role of the message sender. Always `assistant`. */
  role: z.literal('assistant'),
  /** The content of the message. */
  content: z.array(z.discriminatedUnion('type', [outputTextPartSchema, outputAudioPartSchema])),
  ...clientItemCommonShape,
}));

/** Any conversation item a client may create, discriminated on `type` (messages on `role`). */
export const conversationItemInputSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.discriminatedUnion('role', [systemMessageInputSchema, userMessageInputSchema, assistantMessageInputSchema]),
  functionCallInputSchema,
  functionCallOutputInputSchema,
  mcpCallInputSchema,
  mcpListToolsInputSchema,
  mcpApprovalRequestInputSchema,
  mcpApprovalResponseInputSchema,
]));

/**
 * A conversation item a client may create (`conversation.item.create`).
 *
 * @useDeclaredType
 */
export type ConversationItemInput = z.infer<typeof conversationItemInputSchema>;

/** A reference to an existing item, usable only in `response.create`'s `input`. */
export const itemReferenceSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of this item. Always `item_reference`. */
  type: z.literal('item_reference'),
  /** The ID of an existing item in the same Realtime session. */
  id: z.string(),
}));

/**
 * A reference to an existing conversation item.
 *
 * @useDeclaredType
 */
export type ItemReference = z.infer<typeof itemReferenceSchema>;

// Server side.

/** A message item as the server reports it (any role, any content part). */
export const messageItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of the item. Always `message`. */
  type: z.literal('message'),
  /**
   * The role of the message sender: `user`, `assistant` or `system` (any other role, such as
   * `developer`, is delivered as it arrived).
   */
  role: openString<'user' | 'assistant' | 'system'>(),
  /** The content of the message. */
  content: z.array(contentPartSchema),
  ...serverItemCommonShape,
}));

/**
 * A message item as the server reports it.
 *
 * @useDeclaredType
 */
export type MessageItem = z.infer<typeof messageItemSchema>;

/**
 * A conversation item as the server reports it, discriminated on `type`. An item of a type the
 * SDK does not know is an {@link UnknownItem}, delivered whole.
 */
export const conversationItemSchema = /* @__PURE__ */ pure(() => openUnion('type', [
  messageItemSchema,
  reasoningItemSchema,
  functionCallItemSchema,
  functionCallOutputItemSchema,
  mcpCallItemSchema,
  mcpListToolsItemSchema,
  mcpApprovalRequestItemSchema,
  mcpApprovalResponseItemSchema,
]));

/**
 * A conversation item as the server reports it.
 *
 * @useDeclaredType
 */
export type ConversationItem = z.infer<typeof conversationItemSchema>;

/**
 * An item of a type the SDK does not know: its `type` and every field, as they arrived. It
 * keeps its place in the conversation; nothing is read from it.
 *
 * @useDeclaredType
 */
export type UnknownItem = GenericMember<ConversationItem>;
