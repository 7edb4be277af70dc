/**
 * The GA session config: `type: 'realtime'` (speech to speech) or `type: 'transcription'`
 * (input transcription only). The strict schemas describe what `session.update` may carry;
 * the loose ones describe what `session.created` / `session.updated` report.
 */
import * as z from 'zod/mini';
import {
  audioInputConfigSchema,
  audioOutputConfigSchema,
  serverAudioInputConfigSchema,
  serverAudioOutputConfigSchema,
} from './audio';
import { lenient, openString, openUnion } from './primitives';
import type { GenericMember } from './primitives';
import { serverToolChoiceSchema, serverToolSchema, toolChoiceSchema, toolSchema } from './tools';
import { pure } from './pure';

/** The realtime models the `openai` package lists; any other model name is accepted. */
export type KnownRealtimeModel =
  | 'gpt-realtime'
  | 'gpt-realtime-1.5'
  | 'gpt-realtime-2'
  | 'gpt-realtime-2.1'
  | 'gpt-realtime-2.1-mini'
  | 'gpt-realtime-2025-08-28'
  | 'gpt-realtime-mini'
  | 'gpt-realtime-mini-2025-10-06'
  | 'gpt-realtime-mini-2025-12-15'
  | 'gpt-audio-1.5'
  | 'gpt-audio-mini'
  | 'gpt-audio-mini-2025-10-06'
  | 'gpt-audio-mini-2025-12-15';

/** `output_modalities`: `['audio']` (audio plus its transcript, the default) or `['text']`. */
export const outputModalitiesSchema = /* @__PURE__ */ pure(() => z.array(z.enum(['text', 'audio'])));

/** `include`: extra data the server should add to events. */
export const includeSchema = /* @__PURE__ */ pure(() => z.array(z.enum(['item.input_audio_transcription.logprobs'])));

/** `max_output_tokens`: a positive integer, or `'inf'` for the model's maximum. */
export const maxOutputTokensSchema = /* @__PURE__ */ pure(() => z.union([z.number(), z.literal('inf')]));

/**
 * A stored prompt template and its variables. Variable values are strings or Responses-API
 * input parts (`input_text`, `input_image`, `input_file`), which are passed through unchecked
 * beyond their `type`.
 */
export const promptSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The unique identifier of the prompt template to use. */
  id: z.string(),
  /** Optional version of the prompt template. */
  version: z.optional(z.nullable(z.string())),
  /**
   * Optional map of values to substitute in for variables in your prompt. The substitution
   * values can either be strings, or other Response input types like images or files.
   */
  variables: z.optional(
    z.nullable(z.record(z.string(), z.union([z.string(), z.looseObject({
      /** The input part type (`input_text`, `input_image` or `input_file`). */
      type: z.string(),
    })]))),
  ),
}));

/**
 * A stored prompt template reference and its variables (`prompt` of a session or a response).
 *
 * @useDeclaredType
 */
export type Prompt = z.infer<typeof promptSchema>;

/** Reasoning settings for reasoning-capable realtime models. */
export const reasoningSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /**
   * Constrains effort on reasoning for reasoning-capable Realtime models such as
   * `gpt-realtime-2`.
   */
  effort: z.optional(z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'])),
}));

/** Tracing: `'auto'`, or a workflow name / group id / metadata for the traces dashboard. */
export const tracingSchema = /* @__PURE__ */ pure(() => z.union([
  z.literal('auto'),
  z.strictObject({
    /**
     * The name of the workflow to attach to this trace. This is used to name the trace in the
     * Traces Dashboard.
     */
    workflow_name: z.optional(z.string()),
    /**
     * The group id to attach to this trace to enable filtering and grouping in the Traces
     * Dashboard.
     */
    group_id: z.optional(z.string()),
    /**
     * The arbitrary metadata to attach to this trace to enable filtering in the Traces
     * Dashboard.
     */
    metadata: z.optional(z.unknown()),
  }),
]));

/** How the conversation is truncated when it outgrows the context window. */
export const truncationSchema = /* @__PURE__ */ pure(() => z.union([
  z.enum(['auto', 'disabled']),
  z.strictObject({
    /** Use retention ratio truncation. Always `retention_ratio`. */
    type: z.literal('retention_ratio'),
    /**
     * Fraction of post-instruction conversation tokens to retain (`0.0` - `1.0`) when the
     * conversation exceeds the input token limit. Setting this to `0.8` means that messages
     * will be dropped until 80% of the maximum allowed tokens are used.
     */
    retention_ratio: z.number(),
    /**
     * Optional custom token limits for this truncation strategy. If not provided, the model's
     * default token limits will be used.
     */
    token_limits: z.optional(z.strictObject({
      /**
       * Maximum tokens allowed in the conversation after instructions (which including tool
       * definitions). For example, setting this to 5,000 would mean that truncation would occur
       * when the conversation exceeds 5,000 tokens after instructions.
       */
      post_instructions: z.optional(z.number()),
    })),
  }),
]));

/**
 * A GA realtime session config, as `session.update` and the client-secret endpoint accept it.
 * Only `type` is required: a `session.update` may carry just the fields it changes.
 */
export const realtimeSessionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of session to create. Always `realtime` for the Realtime API. */
  type: z.literal('realtime'),
  /** The Realtime model used for this session. */
  model: z.optional(openString<KnownRealtimeModel>()),
  /**
   * The default system instructions (i.e. system message) prepended to model calls. This field
   * allows the client to guide the model on desired responses.
   */
  instructions: z.optional(z.string()),
  /**
   * The set of modalities the model can respond with. It defaults to `["audio"]`, indicating
   * that the model will respond with audio plus a transcript. `["text"]` can be used to make
   * the model respond with text only. It is not possible to request both `text` and `audio` at
   * the same time.
   */
  output_modalities: z.optional(outputModalitiesSchema),
  /** Configuration for input and output audio. */
  audio: z.optional(z.strictObject({
    /** Input audio: format, transcription, noise reduction and turn detection. */
    input: z.optional(audioInputConfigSchema),
    /** Output audio: format, voice and speed. */
    output: z.optional(audioOutputConfigSchema),
  })),
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
  /** Configuration for reasoning-capable Realtime models such as `gpt-realtime-2`. */
  reasoning: z.optional(reasoningSchema),
  /**
   * When the number of tokens in a conversation exceeds the model's input token limit, the
   * conversation be truncated, meaning messages (starting from the oldest) will not be included
   * in the model's context.
   */
  truncation: z.optional(truncationSchema),
  /**
   * Reference to a prompt template and its variables. [Learn
   * more](https://developers.openai.com/api/docs/guides/text?api-mode=responses#version-prompts-in-code).
   */
  prompt: z.optional(z.nullable(promptSchema)),
  /**
   * Realtime API can write session traces to the [Traces
   * Dashboard](https://platform.openai.com/logs?api=traces). Set to null to disable tracing.
   * Once tracing is enabled for a session, the configuration cannot be modified.
   */
  tracing: z.optional(z.nullable(tracingSchema)),
  /** Additional fields to include in server outputs. */
  include: z.optional(includeSchema),
}));

/**
 * A GA realtime session config (`session.type: 'realtime'`).
 *
 * @useDeclaredType
 */
export type RealtimeSessionConfig = z.infer<typeof realtimeSessionConfigSchema>;

/** A GA transcription session config (`session.type: 'transcription'`): input audio only. */
export const transcriptionSessionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The type of session to create. Always `transcription` for transcription sessions. */
  type: z.literal('transcription'),
  /** Configuration for input and output audio. */
  audio: z.optional(z.strictObject({
    /** Input audio: format, transcription, noise reduction and turn detection. */
    input: z.optional(audioInputConfigSchema),
  })),
  /** Additional fields to include in server outputs. */
  include: z.optional(includeSchema),
}));

/**
 * A GA transcription session config (`session.type: 'transcription'`).
 *
 * @useDeclaredType
 */
export type TranscriptionSessionConfig = z.infer<typeof transcriptionSessionConfigSchema>;

/** The `session` of a `session.update`: a realtime or a transcription session config. */
export const sessionConfigSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [realtimeSessionConfigSchema, transcriptionSessionConfigSchema]));

/**
 * A GA session config of either type.
 *
 * @useDeclaredType
 */
export type SessionConfig = z.infer<typeof sessionConfigSchema>;

const serverSessionCommonShape = /* @__PURE__ */ pure(() => ({
  /** Unique identifier for the session that looks like `sess_1234567890abcdef`. */
  id: lenient(z.string()),
  /** The object type, e.g. `realtime.session`. */
  object: lenient(z.string()),
  /** Expiration timestamp for the session, in seconds since epoch. */
  expires_at: lenient(z.number()),
  /** Additional fields to include in server outputs. */
  include: lenient(z.array(z.string())),
}));

/** A realtime session as `session.created` / `session.updated` report it. */
export const serverRealtimeSessionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of session to create. Always `realtime` for the Realtime API. */
  type: z.literal('realtime'),
  ...serverSessionCommonShape,
  /** The Realtime model used for this session. */
  model: lenient(openString<KnownRealtimeModel>()),
  /**
   * The default system instructions (i.e. system message) prepended to model calls. This field
   * allows the client to guide the model on desired responses.
   */
  instructions: lenient(z.string()),
  /**
   * The set of modalities the model can respond with. It defaults to `["audio"]`, indicating
   * that the model will respond with audio plus a transcript. `["text"]` can be used to make
   * the model respond with text only. It is not possible to request both `text` and `audio` at
   * the same time.
   */
  output_modalities: lenient(z.array(openString<'text' | 'audio'>())),
  /** Configuration for input and output audio. */
  audio: lenient(z.looseObject({
    /** Input audio: format, transcription, noise reduction and turn detection. */
    input: lenient(serverAudioInputConfigSchema),
    /** Output audio: format, voice and speed. */
    output: lenient(serverAudioOutputConfigSchema),
  })),
  /** Tools available to the model. */
  tools: lenient(z.array(serverToolSchema)),
  /**
   * How the model chooses tools. Provide one of the string modes or force a specific
   * function/MCP tool.
   */
  tool_choice: lenient(serverToolChoiceSchema),
  /**
   * Whether the model may call multiple tools in parallel. Only supported by reasoning Realtime
   * models such as `gpt-realtime-2`.
   */
  parallel_tool_calls: lenient(z.boolean()),
  /**
   * Maximum number of output tokens for a single assistant response, inclusive of tool calls.
   * Provide an integer between 1 and 4096 to limit output tokens, or `inf` for the maximum
   * available tokens for a given model. Defaults to `inf`.
   */
  max_output_tokens: lenient(maxOutputTokensSchema),
  /** Configuration for reasoning-capable Realtime models such as `gpt-realtime-2`. */
  reasoning: lenient(z.looseObject({
    /**
     * Constrains effort on reasoning for reasoning-capable Realtime models such as
     * `gpt-realtime-2`.
     */
    effort: lenient(z.string()),
  })),
  /**
   * When the number of tokens in a conversation exceeds the model's input token limit, the
   * conversation be truncated, meaning messages (starting from the oldest) will not be included
   * in the model's context.
   */
  truncation: lenient(
    z.union([
      z.string(),
      z.looseObject({
        /** The truncation strategy, e.g. `retention_ratio`. */
        type: z.string(),
        /**
         * Fraction of post-instruction conversation tokens to retain (`0.0` - `1.0`) when the
         * conversation exceeds the input token limit. Setting this to `0.8` means that messages
         * will be dropped until 80% of the maximum allowed tokens are used.
         */
        retention_ratio: lenient(z.number()),
        /**
         * Optional custom token limits for this truncation strategy. If not provided, the
         * model's default token limits will be used.
         */
        token_limits: lenient(z.looseObject({
          /**
           * Maximum tokens allowed in the conversation after instructions (which including tool
           * definitions). For example, setting this to 5,000 would mean that truncation would
           * occur when the conversation exceeds 5,000 tokens after instructions.
           */
          post_instructions: lenient(z.number()),
        })),
      }),
    ]),
  ),
  /**
   * Reference to a prompt template and its variables. [Learn
   * more](https://developers.openai.com/api/docs/guides/text?api-mode=responses#version-prompts-in-code).
   */
  prompt: lenient(z.looseObject({
    /** The unique identifier of the prompt template to use. */
    id: z.string(),
    /** Optional version of the prompt template. */
    version: lenient(z.string()),
    /**
     * Optional map of values to substitute in for variables in your prompt. The substitution
     * values can either be strings, or other Response input types like images or files.
     */
    variables: lenient(z.record(z.string(), z.unknown())),
  })),
  /**
   * Realtime API can write session traces to the [Traces
   * Dashboard](https://platform.openai.com/logs?api=traces). Set to null to disable tracing.
   * Once tracing is enabled for a session, the configuration cannot be modified.
   */
  tracing: lenient(
    z.union([
      z.string(),
      z.looseObject({
        /**
         * The name of the workflow to attach to this trace. This is used to name the trace in
         * the Traces Dashboard.
         */
        workflow_name: lenient(z.string()),
        /**
         * The group id to attach to this trace to enable filtering and grouping in the Traces
         * Dashboard.
         */
        group_id: lenient(z.string()),
        /**
         * The arbitrary metadata to attach to this trace to enable filtering in the Traces
         * Dashboard.
         */
        metadata: z.optional(z.unknown()),
      }),
    ]),
  ),
}));

/** A transcription session as `session.created` / `session.updated` report it. */
export const serverTranscriptionSessionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of session. Always `transcription` for transcription sessions. */
  type: z.literal('transcription'),
  ...serverSessionCommonShape,
  /** Configuration for input audio for the session. */
  audio: lenient(z.looseObject({
    /** Input audio: format, transcription, noise reduction and turn detection. */
    input: lenient(serverAudioInputConfigSchema),
  })),
}));

/**
 * The `session` of `session.created` / `session.updated`. A session of a type the SDK does not
 * know is an {@link UnknownServerSession}, delivered whole.
 */
export const serverSessionSchema = /* @__PURE__ */ pure(() => openUnion('type', [serverRealtimeSessionSchema, serverTranscriptionSessionSchema]));

/**
 * A session as the server reports it.
 *
 * @useDeclaredType
 */
export type ServerSession = z.infer<typeof serverSessionSchema>;

/**
 * A session of a type the SDK does not know: its `type` and every field, as they arrived.
 *
 * @useDeclaredType
 */
export type UnknownServerSession = GenericMember<ServerSession>;
