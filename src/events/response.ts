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
  /**
   * Controls which conversation the response is added to. Currently supports `auto` and `none`,
   * with `auto` as the default value. The `auto` value means that the contents of the response
   * will be added to the default conversation.
   */
  conversation: z.optional(openString<'auto' | 'none'>()),
  /**
   * Input items to include in the prompt for the model. Using this field creates a new context
   * for this Response instead of using the default conversation. An empty array `[]` will clear
   * the context for this Response.
   */
  input: z.optional(z.array(z.discriminatedUnion('type', [conversationItemInputSchema, itemReferenceSchema]))),
  /**
   * The default system instructions (i.e. system message) prepended to model calls. This field
   * allows the client to guide the model on desired responses.
   */
  instructions: z.optional(z.string()),
  /**
   * The set of modalities the model used to respond, currently the only possible values are
   * `["audio"]`, `["text"]`. Audio output always include a text transcript. Setting the output
   * to mode `text` will disable audio output from the model.
   */
  output_modalities: z.optional(outputModalitiesSchema),
  /** Configuration for audio input and output. */
  audio: z.optional(
    z.strictObject({
      /** Output audio for this response: format and voice. */
      output: z.optional(z.strictObject({
        /** The format of the output audio. */
        format: z.optional(audioFormatSchema),
        /**
         * The voice the model uses to respond. Supported built-in voices are `alloy`, `ash`,
         * `ballad`, `coral`, `echo`, `sage`, `shimmer`, `verse`, `marin`, and `cedar`. You may
         * also provide a custom voice object with an `id`, for example `{ "id": "voice_1234"
         * }`.
         */
        voice: z.optional(voiceSchema),
      })),
    }),
  ),
  /** Tools available to the model. */
  tools: z.optional(z.array(toolSchema)),
  /**
   * How the model chooses tools. Provide one of the string modes or force a specific
   * function/MCP tool.
   */
  tool_choice: z.optional(toolChoiceSchema),
  /**
   * Whether the model may call multiple tools in parallel. Only supported by reasoning Realtime
   * models such as `gpt-realtime-2`.
   */
  parallel_tool_calls: z.optional(z.boolean()),
  /**
   * Maximum number of output tokens for a single assistant response, inclusive of tool calls.
   * Provide an integer between 1 and 4096 to limit output tokens, or `inf` for the maximum
   * available tokens for a given model. Defaults to `inf`.
   */
  max_output_tokens: z.optional(maxOutputTokensSchema),
  /**
   * Set of 16 key-value pairs that can be attached to an object. This can be useful for storing
   * additional information about the object in a structured format, and querying for objects
   * via API or the dashboard.
   */
  metadata: z.optional(z.nullable(metadataSchema)),
  /**
   * Reference to a prompt template and its variables. [Learn
   * more](https://developers.openai.com/api/docs/guides/text?api-mode=responses#version-prompts-in-code).
   */
  prompt: z.optional(z.nullable(promptSchema)),
  /** Configuration for reasoning-capable Realtime models such as `gpt-realtime-2`. */
  reasoning: z.optional(reasoningSchema),
}));

/**
 * The parameters of a `response.create`.
 *
 * @useDeclaredType
 */
export type ResponseCreateParams = z.infer<typeof responseCreateParamsSchema>;

/** Token usage of a response, with input (incl. cached) and output token details. */
export const usageSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /**
   * The total number of tokens in the Response including input and output text and audio
   * tokens.
   */
  total_tokens: lenient(z.number()),
  /** The number of input tokens used in the Response, including text and audio tokens. */
  input_tokens: lenient(z.number()),
  /** The number of output tokens sent in the Response, including text and audio tokens. */
  output_tokens: lenient(z.number()),
  /**
   * Details about the input tokens used in the Response. Cached tokens are tokens from previous
   * turns in the conversation that are included as context for the current response. Cached
   * tokens here are counted as a subset of input tokens, meaning input tokens will include
   * cached and uncached tokens.
   */
  input_token_details: lenient(
    z.looseObject({
      /** The number of text tokens used as input for the Response. */
      text_tokens: lenient(z.number()),
      /** The number of audio tokens used as input for the Response. */
      audio_tokens: lenient(z.number()),
      /** The number of image tokens used as input for the Response. */
      image_tokens: lenient(z.number()),
      /** The number of cached tokens used as input for the Response. */
      cached_tokens: lenient(z.number()),
      /** Details about the cached tokens used as input for the Response. */
      cached_tokens_details: lenient(
        z.looseObject({
          /** The number of cached text tokens used as input for the Response. */
          text_tokens: lenient(z.number()),
          /** The number of cached audio tokens used as input for the Response. */
          audio_tokens: lenient(z.number()),
          /** The number of cached image tokens used as input for the Response. */
          image_tokens: lenient(z.number()),
        }),
      ),
    }),
  ),
  /** Details about the output tokens used in the Response. */
  output_token_details: lenient(z.looseObject({
    /** The number of text tokens used in the Response. */
    text_tokens: lenient(z.number()),
    /** The number of audio tokens used in the Response. */
    audio_tokens: lenient(z.number()),
  })),
}));

/**
 * Token usage of a response.
 *
 * @useDeclaredType
 */
export type Usage = z.infer<typeof usageSchema>;

/** Why a response ended as it did (`response.status_details`). */
export const responseStatusDetailsSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /**
   * The status these details explain (`completed`, `cancelled`, `incomplete` or `failed`), as
   * in `status`.
   */
  type: lenient(openString<'completed' | 'cancelled' | 'incomplete' | 'failed'>()),
  /**
   * The reason the Response did not complete. For a `cancelled` Response, one of
   * `turn_detected` (the server VAD detected a new start of speech) or `client_cancelled` (the
   * client sent a cancel event).
   */
  reason: lenient(openString<'turn_detected' | 'client_cancelled' | 'max_output_tokens' | 'content_filter'>()),
  /**
   * A description of the error that caused the response to fail, populated when the `status` is
   * `failed`.
   */
  error: lenient(z.looseObject({
    /** The type of error. */
    type: lenient(z.string()),
    /** Error code, if any. */
    code: lenient(z.string()),
    /** A human-readable error message. */
    message: lenient(z.string()),
  })),
}));

/**
 * The status details of a response.
 *
 * @useDeclaredType
 */
export type ResponseStatusDetails = z.infer<typeof responseStatusDetailsSchema>;

/** A response as `response.created` / `response.done` report it. */
export const responseObjectSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The unique ID of the response, will look like `resp_1234`. */
  id: lenient(z.string()),
  /** The object type, must be `realtime.response`. */
  object: lenient(z.string()),
  /**
   * The final status of the response (`completed`, `cancelled`, `failed`, or `incomplete`,
   * `in_progress`).
   */
  status: lenient(openString<'completed' | 'cancelled' | 'failed' | 'incomplete' | 'in_progress'>()),
  /** Additional details about the status. */
  status_details: lenient(responseStatusDetailsSchema),
  /** The list of output items generated by the response. */
  output: lenient(z.array(conversationItemSchema)),
  /**
   * Which conversation the response is added to, determined by the `conversation` field in the
   * `response.create` event. If `auto`, the response will be added to the default conversation
   * and the value of `conversation_id` will be an id like `conv_1234`.
   */
  conversation_id: lenient(z.string()),
  /**
   * The set of modalities the model used to respond, currently the only possible values are
   * `["audio"]`, `["text"]`. Audio output always include a text transcript. Setting the output
   * to mode `text` will disable audio output from the model.
   */
  output_modalities: lenient(z.array(openString<'text' | 'audio'>())),
  /**
   * Maximum number of output tokens for a single assistant response, inclusive of tool calls,
   * that was used in this response.
   */
  max_output_tokens: lenient(maxOutputTokensSchema),
  /** Configuration for audio output. */
  audio: lenient(
    z.looseObject({
      /** The output audio of this response: format and voice. */
      output: lenient(z.looseObject({
        /** The format of the output audio. */
        format: lenient(serverAudioFormatSchema),
        /**
         * The voice the model uses to respond. Voice cannot be changed during the session once
         * the model has responded with audio at least once. Current voice options are `alloy`,
         * `ash`, `ballad`, `coral`, `echo`, `sage`, `shimmer`, `verse`, `marin`, and `cedar`.
         */
        voice: lenient(serverVoiceSchema),
      })),
    }),
  ),
  /**
   * Usage statistics for the Response, this will correspond to billing. A Realtime API session
   * will maintain a conversation context and append new Items to the Conversation, thus output
   * from previous turns (text and audio tokens) will become the input for later turns.
   */
  usage: lenient(usageSchema),
  /**
   * Set of 16 key-value pairs that can be attached to an object. This can be useful for storing
   * additional information about the object in a structured format, and querying for objects
   * via API or the dashboard.
   */
  metadata: lenient(z.record(z.string(), z.unknown())),
}));

/**
 * A response as the server reports it.
 *
 * @useDeclaredType
 */
export type ResponseObject = z.infer<typeof responseObjectSchema>;
