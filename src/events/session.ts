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
import { lenient, openString } from './primitives';
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
  id: z.string(),
  version: z.optional(z.nullable(z.string())),
  variables: z.optional(
    z.nullable(z.record(z.string(), z.union([z.string(), z.looseObject({ type: z.string() })]))),
  ),
}));

/** A prompt reference, as {@link promptSchema} accepts it. */
export type Prompt = z.infer<typeof promptSchema>;

/** Reasoning settings for reasoning-capable realtime models. */
export const reasoningSchema = /* @__PURE__ */ pure(() => z.strictObject({
  effort: z.optional(z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'])),
}));

/** Tracing: `'auto'`, or a workflow name / group id / metadata for the traces dashboard. */
export const tracingSchema = /* @__PURE__ */ pure(() => z.union([
  z.literal('auto'),
  z.strictObject({
    workflow_name: z.optional(z.string()),
    group_id: z.optional(z.string()),
    metadata: z.optional(z.unknown()),
  }),
]));

/** How the conversation is truncated when it outgrows the context window. */
export const truncationSchema = /* @__PURE__ */ pure(() => z.union([
  z.enum(['auto', 'disabled']),
  z.strictObject({
    type: z.literal('retention_ratio'),
    retention_ratio: z.number(),
    token_limits: z.optional(z.strictObject({ post_instructions: z.optional(z.number()) })),
  }),
]));

/**
 * A GA realtime session config, as `session.update` and the client-secret endpoint accept it.
 * Only `type` is required: a `session.update` may carry just the fields it changes.
 */
export const realtimeSessionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('realtime'),
  model: z.optional(openString<KnownRealtimeModel>()),
  instructions: z.optional(z.string()),
  output_modalities: z.optional(outputModalitiesSchema),
  audio: z.optional(z.strictObject({ input: z.optional(audioInputConfigSchema), output: z.optional(audioOutputConfigSchema) })),
  tools: z.optional(z.array(toolSchema)),
  tool_choice: z.optional(toolChoiceSchema),
  parallel_tool_calls: z.optional(z.boolean()),
  max_output_tokens: z.optional(maxOutputTokensSchema),
  reasoning: z.optional(reasoningSchema),
  truncation: z.optional(truncationSchema),
  prompt: z.optional(z.nullable(promptSchema)),
  tracing: z.optional(z.nullable(tracingSchema)),
  include: z.optional(includeSchema),
}));

/** A GA realtime session config (`session.type: 'realtime'`). */
export type RealtimeSessionConfig = z.infer<typeof realtimeSessionConfigSchema>;

/** A GA transcription session config (`session.type: 'transcription'`): input audio only. */
export const transcriptionSessionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('transcription'),
  audio: z.optional(z.strictObject({ input: z.optional(audioInputConfigSchema) })),
  include: z.optional(includeSchema),
}));

/** A GA transcription session config (`session.type: 'transcription'`). */
export type TranscriptionSessionConfig = z.infer<typeof transcriptionSessionConfigSchema>;

/** The `session` of a `session.update`: a realtime or a transcription session config. */
export const sessionConfigSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [realtimeSessionConfigSchema, transcriptionSessionConfigSchema]));

/** A GA session config of either type. */
export type SessionConfig = z.infer<typeof sessionConfigSchema>;

const serverSessionCommonShape = /* @__PURE__ */ pure(() => ({
  id: lenient(z.string()),
  object: lenient(z.string()),
  expires_at: lenient(z.number()),
  include: lenient(z.array(z.string())),
}));

/** A realtime session as `session.created` / `session.updated` report it. */
export const serverRealtimeSessionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('realtime'),
  ...serverSessionCommonShape,
  model: lenient(openString<KnownRealtimeModel>()),
  instructions: lenient(z.string()),
  output_modalities: lenient(z.array(openString<'text' | 'audio'>())),
  audio: lenient(z.looseObject({ input: lenient(serverAudioInputConfigSchema), output: lenient(serverAudioOutputConfigSchema) })),
  tools: lenient(z.array(serverToolSchema)),
  tool_choice: lenient(serverToolChoiceSchema),
  parallel_tool_calls: lenient(z.boolean()),
  max_output_tokens: lenient(maxOutputTokensSchema),
  reasoning: lenient(z.looseObject({ effort: lenient(z.string()) })),
  truncation: lenient(
    z.union([
      z.string(),
      z.looseObject({
        type: z.string(),
        retention_ratio: lenient(z.number()),
        token_limits: lenient(z.looseObject({ post_instructions: lenient(z.number()) })),
      }),
    ]),
  ),
  prompt: lenient(z.looseObject({ id: z.string(), version: lenient(z.string()), variables: lenient(z.record(z.string(), z.unknown())) })),
  tracing: lenient(
    z.union([
      z.string(),
      z.looseObject({ workflow_name: lenient(z.string()), group_id: lenient(z.string()), metadata: z.optional(z.unknown()) }),
    ]),
  ),
}));

/** A transcription session as `session.created` / `session.updated` report it. */
export const serverTranscriptionSessionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.literal('transcription'),
  ...serverSessionCommonShape,
  audio: lenient(z.looseObject({ input: lenient(serverAudioInputConfigSchema) })),
}));

/** The `session` of `session.created` / `session.updated`. */
export const serverSessionSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [serverRealtimeSessionSchema, serverTranscriptionSessionSchema]));

/** A session as the server reports it. */
export type ServerSession = z.infer<typeof serverSessionSchema>;
