/**
 * Responses: the parameters a client may pass to `response.create` (strict), and the
 * response object, its status and its token usage as the server reports them (loose).
 */
import * as z from 'zod/mini';
import { audioFormatSchema, serverAudioFormatSchema, serverVoiceSchema, voiceSchema } from './audio';
import { conversationItemInputSchema, conversationItemSchema, itemReferenceSchema } from './items';
import { lenient, openString } from './primitives';
import { maxOutputTokensSchema, outputModalitiesSchema, promptSchema, reasoningSchema } from './session';
import { toolChoiceSchema, toolSchema } from './tools';
import { pure } from './pure';

/** `metadata`: up to 16 string key/value pairs attached to a response. */
export const metadataSchema = /* @__PURE__ */ pure(() => z.record(z.string(), z.string()));

/**
 * The `response` of a `response.create`. Everything is optional; fields set here override the
 * session for this response only. `conversation: 'none'` makes an out-of-band response, and
 * `input` (items or references to existing items) replaces the conversation as context.
 */
export const responseCreateParamsSchema = /* @__PURE__ */ pure(() => z.strictObject({
  conversation: z.optional(openString<'auto' | 'none'>()),
  input: z.optional(z.array(z.discriminatedUnion('type', [conversationItemInputSchema, itemReferenceSchema]))),
  instructions: z.optional(z.string()),
  output_modalities: z.optional(outputModalitiesSchema),
  audio: z.optional(
    z.strictObject({
      output: z.optional(z.strictObject({ format: z.optional(audioFormatSchema), voice: z.optional(voiceSchema) })),
    }),
  ),
  tools: z.optional(z.array(toolSchema)),
  tool_choice: z.optional(toolChoiceSchema),
  parallel_tool_calls: z.optional(z.boolean()),
  max_output_tokens: z.optional(maxOutputTokensSchema),
  metadata: z.optional(z.nullable(metadataSchema)),
  prompt: z.optional(z.nullable(promptSchema)),
  reasoning: z.optional(reasoningSchema),
}));

/** The parameters of a `response.create`. */
export type ResponseCreateParams = z.infer<typeof responseCreateParamsSchema>;

/** Token usage of a response, with input (incl. cached) and output token details. */
export const usageSchema = /* @__PURE__ */ pure(() => z.looseObject({
  total_tokens: lenient(z.number()),
  input_tokens: lenient(z.number()),
  output_tokens: lenient(z.number()),
  input_token_details: lenient(
    z.looseObject({
      text_tokens: lenient(z.number()),
      audio_tokens: lenient(z.number()),
      image_tokens: lenient(z.number()),
      cached_tokens: lenient(z.number()),
      cached_tokens_details: lenient(
        z.looseObject({
          text_tokens: lenient(z.number()),
          audio_tokens: lenient(z.number()),
          image_tokens: lenient(z.number()),
        }),
      ),
    }),
  ),
  output_token_details: lenient(z.looseObject({ text_tokens: lenient(z.number()), audio_tokens: lenient(z.number()) })),
}));

/** Token usage of a response. */
export type Usage = z.infer<typeof usageSchema>;

/** Why a response ended as it did (`response.status_details`). */
export const responseStatusDetailsSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: lenient(openString<'completed' | 'cancelled' | 'incomplete' | 'failed'>()),
  reason: lenient(openString<'turn_detected' | 'client_cancelled' | 'max_output_tokens' | 'content_filter'>()),
  error: lenient(z.looseObject({ type: lenient(z.string()), code: lenient(z.string()), message: lenient(z.string()) })),
}));

/** The status details of a response. */
export type ResponseStatusDetails = z.infer<typeof responseStatusDetailsSchema>;

/** A response as `response.created` / `response.done` report it. */
export const responseObjectSchema = /* @__PURE__ */ pure(() => z.looseObject({
  id: lenient(z.string()),
  object: lenient(z.string()),
  status: lenient(openString<'completed' | 'cancelled' | 'failed' | 'incomplete' | 'in_progress'>()),
  status_details: lenient(responseStatusDetailsSchema),
  output: lenient(z.array(conversationItemSchema)),
  conversation_id: lenient(z.string()),
  output_modalities: lenient(z.array(openString<'text' | 'audio'>())),
  max_output_tokens: lenient(maxOutputTokensSchema),
  audio: lenient(
    z.looseObject({
      output: lenient(z.looseObject({ format: lenient(serverAudioFormatSchema), voice: lenient(serverVoiceSchema) })),
    }),
  ),
  usage: lenient(usageSchema),
  metadata: lenient(z.record(z.string(), z.unknown())),
}));

/** A response as the server reports it. */
export type ResponseObject = z.infer<typeof responseObjectSchema>;
