/**
 * The response family of GA server events: `rate_limits.updated`, `response.*` (lifecycle,
 * output items, content parts, text, audio, transcripts, function and MCP call arguments) and
 * `mcp_list_tools.*`. Joined into `serverEventSchemas` by server-events.ts.
 */
import * as z from 'zod/mini';
import { conversationItemSchema } from './items';
import { responseObjectSchema } from './response';
import { lenient, openString } from './primitives';
import { pure } from './pure';
import { contentFields, itemField, responseItemFields, serverEvent } from './server-event-base';

/** A content part inside `response.content_part.added|done` (GA and beta-era types). */
export const responseContentPartSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The content type ("text", "audio"). */
  type: lenient(openString<'output_text' | 'output_audio' | 'text' | 'audio'>()),
  /** The text content (if type is "text"). */
  text: lenient(z.string()),
  /** Base64-encoded audio data (if type is "audio"). */
  audio: lenient(z.string()),
  /** The transcript of the audio (if type is "audio"). */
  transcript: lenient(z.string()),
}));

/** The response server events, by `type`. */
export const responseEventSchemas = /* @__PURE__ */ pure(() => ({
  /** Emitted at the beginning of a Response to indicate the updated rate limits. */
  'rate_limits.updated': serverEvent('rate_limits.updated', {
    /** List of rate limit information. */
    rate_limits: z.array(
      z.looseObject({
        /** The name of the rate limit (`requests`, `tokens`). */
        name: lenient(openString<'requests' | 'tokens'>()),
        /** The maximum allowed value for the rate limit. */
        limit: lenient(z.number()),
        /** The remaining value before the limit is reached. */
        remaining: lenient(z.number()),
        /** Seconds until the rate limit resets. */
        reset_seconds: lenient(z.number()),
      }),
    ),
  }),
  /**
   * Returned when a new Response is created. The first event of response creation, where the
   * response is in an initial state of `in_progress`.
   */
  'response.created': serverEvent('response.created', {
    /** The response resource. */
    response: responseObjectSchema,
  }),
  /** Returned when a Response is done streaming. Always emitted, no matter the final state. */
  'response.done': serverEvent('response.done', {
    /** The response resource. */
    response: responseObjectSchema,
  }),
  /** Returned when a new Item is created during Response generation. */
  'response.output_item.added': serverEvent('response.output_item.added', {
    /** The ID of the Response to which the item belongs. */
    response_id: z.string(),
    /** The index of the output item in the Response. */
    output_index: z.number(),
    /** A single item within a Realtime conversation. */
    item: conversationItemSchema,
  }),
  /**
   * Returned when an Item is done streaming. Also emitted when a Response is interrupted,
   * incomplete, or cancelled.
   */
  'response.output_item.done': serverEvent('response.output_item.done', {
    /** The ID of the Response to which the item belongs. */
    response_id: z.string(),
    /** The index of the output item in the Response. */
    output_index: z.number(),
    /** A single item within a Realtime conversation. */
    item: conversationItemSchema,
  }),
  /**
   * Returned when a new content part is added to an assistant message item during response
   * generation.
   */
  'response.content_part.added': serverEvent('response.content_part.added', {
    ...contentFields,
    /** The content part that was added. */
    part: responseContentPartSchema,
  }),
  /**
   * Returned when a content part is done streaming in an assistant message item. Also emitted
   * when a Response is interrupted, incomplete, or cancelled.
   */
  'response.content_part.done': serverEvent('response.content_part.done', {
    ...contentFields,
    /** The content part that is done. */
    part: responseContentPartSchema,
  }),
  /** Returned when the text value of an "output_text" content part is updated. */
  'response.output_text.delta': serverEvent('response.output_text.delta', {
    ...contentFields,
    /** The text delta. */
    delta: z.string(),
  }),
  /**
   * Returned when the text value of an "output_text" content part is done streaming. Also
   * emitted when a Response is interrupted, incomplete, or cancelled.
   */
  'response.output_text.done': serverEvent('response.output_text.done', {
    ...contentFields,
    /** The final text content. */
    text: z.string(),
  }),
  /** Returned when the model-generated audio is updated. */
  'response.output_audio.delta': serverEvent('response.output_audio.delta', {
    ...contentFields,
    /** Base64-encoded audio data delta. */
    delta: z.string(),
  }),
  /**
   * Returned when the model-generated audio is done. Also emitted when a Response is
   * interrupted, incomplete, or cancelled.
   */
  'response.output_audio.done': serverEvent('response.output_audio.done', contentFields),
  /** Returned when the model-generated transcription of audio output is updated. */
  'response.output_audio_transcript.delta': serverEvent('response.output_audio_transcript.delta', {
    ...contentFields,
    /** The transcript delta. */
    delta: z.string(),
  }),
  /**
   * Returned when the model-generated transcription of audio output is done streaming. Also
   * emitted when a Response is interrupted, incomplete, or cancelled.
   */
  'response.output_audio_transcript.done': serverEvent('response.output_audio_transcript.done', {
    ...contentFields,
    /** The final transcript of the audio. */
    transcript: z.string(),
  }),
  /** Returned when the model-generated function call arguments are updated. */
  'response.function_call_arguments.delta': serverEvent('response.function_call_arguments.delta', {
    ...responseItemFields,
    /** The ID of the function call. */
    call_id: z.string(),
    /** The arguments delta as a JSON string. */
    delta: z.string(),
  }),
  /**
   * Returned when the model-generated function call arguments are done streaming. Also emitted
   * when a Response is interrupted, incomplete, or cancelled.
   */
  'response.function_call_arguments.done': serverEvent('response.function_call_arguments.done', {
    ...responseItemFields,
    /** The ID of the function call. */
    call_id: z.string(),
    /** The name of the function that was called. */
    name: z.string(),
    /** The final arguments as a JSON string. */
    arguments: z.string(),
  }),
  /** Returned when listing MCP tools is in progress for an item. */
  'mcp_list_tools.in_progress': serverEvent('mcp_list_tools.in_progress', itemField),
  /** Returned when listing MCP tools has completed for an item. */
  'mcp_list_tools.completed': serverEvent('mcp_list_tools.completed', itemField),
  /** Returned when listing MCP tools has failed for an item. */
  'mcp_list_tools.failed': serverEvent('mcp_list_tools.failed', itemField),
  /** Returned when MCP tool call arguments are updated during response generation. */
  'response.mcp_call_arguments.delta': serverEvent('response.mcp_call_arguments.delta', {
    ...responseItemFields,
    /** The JSON-encoded arguments delta. */
    delta: z.string(),
    /** If present, indicates the delta text was obfuscated. */
    obfuscation: lenient(z.string()),
  }),
  /** Returned when MCP tool call arguments are finalized during response generation. */
  'response.mcp_call_arguments.done': serverEvent('response.mcp_call_arguments.done', {
    ...responseItemFields,
    /** The final JSON-encoded arguments string. */
    arguments: z.string(),
  }),
  /** Returned when an MCP tool call has started and is in progress. */
  'response.mcp_call.in_progress': serverEvent('response.mcp_call.in_progress', {
    ...itemField,
    /** The index of the output item in the response. */
    output_index: z.number(),
  }),
  /** Returned when an MCP tool call has completed successfully. */
  'response.mcp_call.completed': serverEvent('response.mcp_call.completed', {
    ...itemField,
    /** The index of the output item in the response. */
    output_index: z.number(),
  }),
  /** Returned when an MCP tool call has failed. */
  'response.mcp_call.failed': serverEvent('response.mcp_call.failed', {
    ...itemField,
    /** The index of the output item in the response. */
    output_index: z.number(),
  }),
}));
