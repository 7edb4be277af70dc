/**
 * Conversation items and their content parts.
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
import { lenient, openString } from './primitives';
import { pure } from './pure';

const itemStatusSchema = /* @__PURE__ */ pure(() => z.enum(['completed', 'incomplete', 'in_progress']));

const clientItemCommonShape = /* @__PURE__ */ pure(() => ({
  id: z.optional(z.string()),
  object: z.optional(z.literal('realtime.item')),
  status: z.optional(itemStatusSchema),
}));

/** A text part of a user or system message. */
export const inputTextPartSchema = /* @__PURE__ */ pure(() => z.strictObject({ type: z.literal('input_text'), text: z.string() }));

/** A base64 audio part of a user message (in the session's input format), with an optional transcript. */
export const inputAudioPartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('input_audio'),
  audio: z.string(),
  transcript: z.optional(z.string()),
}));

/** An image part of a user message, as a data URL. */
export const inputImagePartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('input_image'),
  image_url: z.string(),
  detail: z.optional(z.enum(['auto', 'low', 'high'])),
}));

/** A text part of an assistant message. */
export const outputTextPartSchema = /* @__PURE__ */ pure(() => z.strictObject({ type: z.literal('output_text'), text: z.string() }));

/** An audio part of an assistant message (base64 audio and/or its transcript). */
export const outputAudioPartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('output_audio'),
  audio: z.optional(z.string()),
  transcript: z.optional(z.string()),
}));

/** Any content part a client may send, discriminated on `type`. */
export const contentPartInputSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  inputTextPartSchema,
  inputAudioPartSchema,
  inputImagePartSchema,
  outputTextPartSchema,
  outputAudioPartSchema,
]));

/** A content part a client may send. */
export type ContentPartInput = z.infer<typeof contentPartInputSchema>;

/** A system message (instructions mid-conversation): text parts only. */
export const systemMessageInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('message'),
  role: z.literal('system'),
  content: z.array(inputTextPartSchema),
  ...clientItemCommonShape,
}));

/** A user message: text, audio and image parts. */
export const userMessageInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('message'),
  role: z.literal('user'),
  content: z.array(z.discriminatedUnion('type', [inputTextPartSchema, inputAudioPartSchema, inputImagePartSchema])),
  ...clientItemCommonShape,
}));

/** An assistant message: text and audio parts. */
export const assistantMessageInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('message'),
  role: z.literal('assistant'),
  content: z.array(z.discriminatedUnion('type', [outputTextPartSchema, outputAudioPartSchema])),
  ...clientItemCommonShape,
}));

/** A function call the model made (client-created items replay history). */
export const functionCallInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('function_call'),
  name: z.string(),
  arguments: z.string(),
  call_id: z.optional(z.string()),
  ...clientItemCommonShape,
}));

/** The output of a function call, sent back to the model. */
export const functionCallOutputInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('function_call_output'),
  call_id: z.string(),
  output: z.string(),
  ...clientItemCommonShape,
}));

const mcpErrorInputSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('protocol_error'), code: z.number(), message: z.string() }),
  z.strictObject({ type: z.literal('tool_execution_error'), message: z.string() }),
  z.strictObject({ type: z.literal('http_error'), code: z.number(), message: z.string() }),
]));

/** An MCP tool call item. */
export const mcpCallInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('mcp_call'),
  id: z.string(),
  server_label: z.string(),
  name: z.string(),
  arguments: z.string(),
  approval_request_id: z.optional(z.nullable(z.string())),
  output: z.optional(z.nullable(z.string())),
  error: z.optional(z.nullable(mcpErrorInputSchema)),
}));

/** An MCP list-tools item. */
export const mcpListToolsInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('mcp_list_tools'),
  id: z.optional(z.string()),
  server_label: z.string(),
  tools: z.array(
    z.strictObject({
      name: z.string(),
      input_schema: z.unknown(),
      description: z.optional(z.nullable(z.string())),
      annotations: z.optional(z.nullable(z.unknown())),
    }),
  ),
}));

/** An MCP approval request item. */
export const mcpApprovalRequestInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('mcp_approval_request'),
  id: z.string(),
  server_label: z.string(),
  name: z.string(),
  arguments: z.string(),
}));

/** An MCP approval response item: the client approves or rejects a request. */
export const mcpApprovalResponseInputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('mcp_approval_response'),
  id: z.string(),
  approval_request_id: z.string(),
  approve: z.boolean(),
  reason: z.optional(z.nullable(z.string())),
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

/** A conversation item a client may create (`conversation.item.create`). */
export type ConversationItemInput = z.infer<typeof conversationItemInputSchema>;

/** A reference to an existing item, usable only in `response.create`'s `input`. */
export const itemReferenceSchema = /* @__PURE__ */ pure(() => z.strictObject({ type: z.literal('item_reference'), id: z.string() }));

/** A reference to an existing conversation item. */
export type ItemReference = z.infer<typeof itemReferenceSchema>;

// Server side.

const serverItemCommonShape = /* @__PURE__ */ pure(() => ({
  id: lenient(z.string()),
  object: lenient(z.string()),
  status: lenient(openString<'completed' | 'incomplete' | 'in_progress'>()),
}));

/** A content part as the server reports it, discriminated on `type` (GA and beta-era types). */
export const contentPartSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('input_text'), text: lenient(z.string()) }),
  z.looseObject({ type: z.literal('input_audio'), audio: lenient(z.string()), transcript: lenient(z.string()) }),
  z.looseObject({ type: z.literal('input_image'), image_url: lenient(z.string()), detail: lenient(z.string()) }),
  z.looseObject({ type: z.literal('output_text'), text: lenient(z.string()) }),
  z.looseObject({ type: z.literal('output_audio'), audio: lenient(z.string()), transcript: lenient(z.string()) }),
  z.looseObject({ type: z.literal('text'), text: lenient(z.string()) }),
  z.looseObject({
    type: z.literal('audio'),
    audio: lenient(z.string()),
    transcript: lenient(z.string()),
    format: lenient(z.string()),
  }),
]));

/** A content part as the server reports it. */
export type ContentPart = z.infer<typeof contentPartSchema>;

/** A message item as the server reports it (any role, any content part). */
export const messageItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('message'),
  role: z.enum(['user', 'assistant', 'system']),
  content: z.array(contentPartSchema),
  ...serverItemCommonShape,
}));

/** A message item as the server reports it. */
export type MessageItem = z.infer<typeof messageItemSchema>;

/** A function call item as the server reports it. */
export const functionCallItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('function_call'),
  name: z.string(),
  arguments: z.string(),
  call_id: lenient(z.string()),
  ...serverItemCommonShape,
}));

/** A function call item as the server reports it. */
export type FunctionCallItem = z.infer<typeof functionCallItemSchema>;

/** A function call output item as the server reports it. */
export const functionCallOutputItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string(),
  output: z.string(),
  ...serverItemCommonShape,
}));

/** A function call output item as the server reports it. */
export type FunctionCallOutputItem = z.infer<typeof functionCallOutputItemSchema>;

/** An MCP tool call item as the server reports it. */
export const mcpCallItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('mcp_call'),
  id: z.string(),
  server_label: z.string(),
  name: z.string(),
  arguments: z.string(),
  approval_request_id: lenient(z.string()),
  output: lenient(z.string()),
  error: lenient(z.looseObject({ type: z.string(), message: lenient(z.string()), code: lenient(z.number()) })),
}));

/** An MCP tool call item as the server reports it. */
export type McpCallItem = z.infer<typeof mcpCallItemSchema>;

/** An MCP list-tools item as the server reports it. */
export const mcpListToolsItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('mcp_list_tools'),
  id: lenient(z.string()),
  server_label: z.string(),
  tools: z.array(
    z.looseObject({
      name: z.string(),
      input_schema: z.optional(z.unknown()),
      description: lenient(z.string()),
      annotations: z.optional(z.unknown()),
    }),
  ),
}));

/** An MCP list-tools item as the server reports it. */
export type McpListToolsItem = z.infer<typeof mcpListToolsItemSchema>;

/** An MCP approval request item as the server reports it. */
export const mcpApprovalRequestItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('mcp_approval_request'),
  id: z.string(),
  server_label: z.string(),
  name: z.string(),
  arguments: z.string(),
}));

/** An MCP approval request item as the server reports it. */
export type McpApprovalRequestItem = z.infer<typeof mcpApprovalRequestItemSchema>;

/** An MCP approval response item as the server reports it. */
export const mcpApprovalResponseItemSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('mcp_approval_response'),
  id: z.string(),
  approval_request_id: z.string(),
  approve: z.boolean(),
  reason: lenient(z.string()),
}));

/** An MCP approval response item as the server reports it. */
export type McpApprovalResponseItem = z.infer<typeof mcpApprovalResponseItemSchema>;

/** A conversation item as the server reports it, discriminated on `type`. */
export const conversationItemSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  messageItemSchema,
  functionCallItemSchema,
  functionCallOutputItemSchema,
  mcpCallItemSchema,
  mcpListToolsItemSchema,
  mcpApprovalRequestItemSchema,
  mcpApprovalResponseItemSchema,
]));

/** A conversation item as the server reports it. */
export type ConversationItem = z.infer<typeof conversationItemSchema>;
