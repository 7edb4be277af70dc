/**
 * Every GA server event, as a loose zod/mini schema keyed by its `type`. Loose means unknown
 * fields are kept (the API adds fields such as `obfuscation`); optional fields accept `null`,
 * as real traffic sends it. Types are inferred from the schemas.
 *
 * `transcription_session.updated` is deliberately absent: the GA event unions leave it out
 * (GA transcription sessions report through `session.updated` with `session.type:
 * 'transcription'`), so it parses as an unknown event and is delivered whole.
 */
import * as z from 'zod/mini';
import { conversationItemSchema } from './items';
import { lenient, openString } from './primitives';
import { responseObjectSchema } from './response';
import { serverSessionSchema } from './session';
import { pure } from './pure';

function serverEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.looseObject({ type: z.literal(type), event_id: z.string(), ...shape });
}

/** The `error` object of an `error` event. `code`, `param` and `event_id` are often `null`. */
export const errorObjectSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: z.string(),
  message: z.string(),
  code: lenient(z.string()),
  param: lenient(z.string()),
  event_id: lenient(z.string()),
}));

/** The `error` object of an `error` event. */
export type ErrorObject = z.infer<typeof errorObjectSchema>;

/** A content part inside `response.content_part.added|done` (GA and beta-era types). */
export const responseContentPartSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: lenient(openString<'output_text' | 'output_audio' | 'text' | 'audio'>()),
  text: lenient(z.string()),
  audio: lenient(z.string()),
  transcript: lenient(z.string()),
}));

const logprobsSchema = /* @__PURE__ */ pure(() => z.array(z.looseObject({ token: z.string(), logprob: z.number(), bytes: lenient(z.array(z.number())) })));

const transcriptionUsageSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: lenient(openString<'tokens' | 'duration'>()),
  input_tokens: lenient(z.number()),
  output_tokens: lenient(z.number()),
  total_tokens: lenient(z.number()),
  input_token_details: lenient(z.looseObject({ text_tokens: lenient(z.number()), audio_tokens: lenient(z.number()) })),
  seconds: lenient(z.number()),
}));

const itemField = /* @__PURE__ */ pure(() => ({ item_id: z.string() }));
const responseItemFields = /* @__PURE__ */ pure(() => ({ response_id: z.string(), item_id: z.string(), output_index: z.number() }));
const contentFields = /* @__PURE__ */ pure(() => ({ ...responseItemFields, content_index: z.number() }));

/**
 * The schema of every GA server event, by `type`. The mock server validates with these; the
 * SDK looks schemas up here by `type` rather than trying union members in turn.
 */
export const serverEventSchemas = /* @__PURE__ */ pure(() => ({
  error: serverEvent('error', { error: errorObjectSchema }),
  'session.created': serverEvent('session.created', { session: serverSessionSchema }),
  'session.updated': serverEvent('session.updated', { session: serverSessionSchema }),
  'conversation.created': serverEvent('conversation.created', {
    conversation: z.looseObject({ id: lenient(z.string()), object: lenient(z.string()) }),
  }),
  'conversation.item.created': serverEvent('conversation.item.created', {
    previous_item_id: lenient(z.string()),
    item: conversationItemSchema,
  }),
  'conversation.item.added': serverEvent('conversation.item.added', {
    previous_item_id: lenient(z.string()),
    item: conversationItemSchema,
  }),
  'conversation.item.done': serverEvent('conversation.item.done', {
    previous_item_id: lenient(z.string()),
    item: conversationItemSchema,
  }),
  'conversation.item.retrieved': serverEvent('conversation.item.retrieved', { item: conversationItemSchema }),
  'conversation.item.truncated': serverEvent('conversation.item.truncated', {
    ...itemField,
    content_index: z.number(),
    audio_end_ms: z.number(),
  }),
  'conversation.item.deleted': serverEvent('conversation.item.deleted', itemField),
  'conversation.item.input_audio_transcription.completed': serverEvent(
    'conversation.item.input_audio_transcription.completed',
    {
      ...itemField,
      content_index: z.number(),
      transcript: z.string(),
      usage: lenient(transcriptionUsageSchema),
      logprobs: lenient(logprobsSchema),
      languages: lenient(z.array(z.looseObject({ code: z.string() }))),
    },
  ),
  'conversation.item.input_audio_transcription.delta': serverEvent('conversation.item.input_audio_transcription.delta', {
    ...itemField,
    content_index: lenient(z.number()),
    delta: lenient(z.string()),
    logprobs: lenient(logprobsSchema),
  }),
  'conversation.item.input_audio_transcription.failed': serverEvent(
    'conversation.item.input_audio_transcription.failed',
    {
      ...itemField,
      content_index: z.number(),
      error: z.looseObject({
        type: lenient(z.string()),
        code: lenient(z.string()),
        message: lenient(z.string()),
        param: lenient(z.string()),
      }),
    },
  ),
  'conversation.item.input_audio_transcription.segment': serverEvent(
    'conversation.item.input_audio_transcription.segment',
    {
      ...itemField,
      content_index: z.number(),
      id: z.string(),
      text: z.string(),
      speaker: z.string(),
      start: z.number(),
      end: z.number(),
    },
  ),
  'input_audio_buffer.committed': serverEvent('input_audio_buffer.committed', {
    ...itemField,
    previous_item_id: lenient(z.string()),
  }),
  'input_audio_buffer.cleared': serverEvent('input_audio_buffer.cleared', {}),
  'input_audio_buffer.speech_started': serverEvent('input_audio_buffer.speech_started', {
    ...itemField,
    audio_start_ms: z.number(),
  }),
  'input_audio_buffer.speech_stopped': serverEvent('input_audio_buffer.speech_stopped', {
    ...itemField,
    audio_end_ms: z.number(),
  }),
  'input_audio_buffer.timeout_triggered': serverEvent('input_audio_buffer.timeout_triggered', {
    ...itemField,
    audio_start_ms: z.number(),
    audio_end_ms: z.number(),
  }),
  // The only GA event without an `event_id` (the official example and the openai types agree).
  'input_audio_buffer.dtmf_event_received': z.looseObject({
    type: z.literal('input_audio_buffer.dtmf_event_received'),
    event_id: lenient(z.string()),
    event: z.string(),
    received_at: z.number(),
  }),
  'output_audio_buffer.started': serverEvent('output_audio_buffer.started', { response_id: z.string() }),
  'output_audio_buffer.stopped': serverEvent('output_audio_buffer.stopped', { response_id: z.string() }),
  'output_audio_buffer.cleared': serverEvent('output_audio_buffer.cleared', { response_id: z.string() }),
  'rate_limits.updated': serverEvent('rate_limits.updated', {
    rate_limits: z.array(
      z.looseObject({
        name: lenient(openString<'requests' | 'tokens'>()),
        limit: lenient(z.number()),
        remaining: lenient(z.number()),
        reset_seconds: lenient(z.number()),
      }),
    ),
  }),
  'response.created': serverEvent('response.created', { response: responseObjectSchema }),
  'response.done': serverEvent('response.done', { response: responseObjectSchema }),
  'response.output_item.added': serverEvent('response.output_item.added', {
    response_id: z.string(),
    output_index: z.number(),
    item: conversationItemSchema,
  }),
  'response.output_item.done': serverEvent('response.output_item.done', {
    response_id: z.string(),
    output_index: z.number(),
    item: conversationItemSchema,
  }),
  'response.content_part.added': serverEvent('response.content_part.added', {
    ...contentFields,
    part: responseContentPartSchema,
  }),
  'response.content_part.done': serverEvent('response.content_part.done', {
    ...contentFields,
    part: responseContentPartSchema,
  }),
  'response.output_text.delta': serverEvent('response.output_text.delta', { ...contentFields, delta: z.string() }),
  'response.output_text.done': serverEvent('response.output_text.done', { ...contentFields, text: z.string() }),
  'response.output_audio.delta': serverEvent('response.output_audio.delta', { ...contentFields, delta: z.string() }),
  'response.output_audio.done': serverEvent('response.output_audio.done', contentFields),
  'response.output_audio_transcript.delta': serverEvent('response.output_audio_transcript.delta', {
    ...contentFields,
    delta: z.string(),
  }),
  'response.output_audio_transcript.done': serverEvent('response.output_audio_transcript.done', {
    ...contentFields,
    transcript: z.string(),
  }),
  'response.function_call_arguments.delta': serverEvent('response.function_call_arguments.delta', {
    ...responseItemFields,
    call_id: z.string(),
    delta: z.string(),
  }),
  'response.function_call_arguments.done': serverEvent('response.function_call_arguments.done', {
    ...responseItemFields,
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
  }),
  'mcp_list_tools.in_progress': serverEvent('mcp_list_tools.in_progress', itemField),
  'mcp_list_tools.completed': serverEvent('mcp_list_tools.completed', itemField),
  'mcp_list_tools.failed': serverEvent('mcp_list_tools.failed', itemField),
  'response.mcp_call_arguments.delta': serverEvent('response.mcp_call_arguments.delta', {
    ...responseItemFields,
    delta: z.string(),
    obfuscation: lenient(z.string()),
  }),
  'response.mcp_call_arguments.done': serverEvent('response.mcp_call_arguments.done', {
    ...responseItemFields,
    arguments: z.string(),
  }),
  'response.mcp_call.in_progress': serverEvent('response.mcp_call.in_progress', {
    ...itemField,
    output_index: z.number(),
  }),
  'response.mcp_call.completed': serverEvent('response.mcp_call.completed', { ...itemField, output_index: z.number() }),
  'response.mcp_call.failed': serverEvent('response.mcp_call.failed', { ...itemField, output_index: z.number() }),
}));

type ServerEventSchemas = typeof serverEventSchemas;

/** The `type` of every GA server event the SDK knows. */
export type ServerEventType = keyof ServerEventSchemas;

/** Every GA server event `type`, in one array (handy for exhaustive tests and routing tables). */
export const SERVER_EVENT_TYPES = /* @__PURE__ */ pure(() => Object.keys(serverEventSchemas) as ServerEventType[]);

/** Each server event type mapped to its event: `ServerEventMap['response.done']`. */
export type ServerEventMap = { [Type in ServerEventType]: z.infer<ServerEventSchemas[Type]> };

/** Any known GA server event, discriminated on `type`. */
export type ServerEvent = ServerEventMap[ServerEventType];

/**
 * A well-formed server event whose `type` the SDK does not know (a newer API, a relay's own
 * `voxwire.*` event). Delivered whole, never dropped.
 */
export interface UnknownServerEvent {
  /** The event's `type`, not one of {@link ServerEventType}. */
  type: string;
  [key: string]: unknown;
}
