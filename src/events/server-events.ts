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
  return z.looseObject({
    /** The event type. */
    type: z.literal(type),
    /** The unique ID of the server event. */
    event_id: z.string(),
    ...shape,
  });
}

/** The `error` object of an `error` event. `code`, `param` and `event_id` are often `null`. */
export const errorObjectSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of error (e.g., "invalid_request_error", "server_error"). */
  type: z.string(),
  /** A human-readable error message. */
  message: z.string(),
  /** Error code, if any. */
  code: lenient(z.string()),
  /** Parameter related to the error, if any. */
  param: lenient(z.string()),
  /** The event_id of the client event that caused the error, if applicable. */
  event_id: lenient(z.string()),
}));

/**
 * The `error` object of an `error` event.
 *
 * @useDeclaredType
 */
export type ErrorObject = z.infer<typeof errorObjectSchema>;

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

const logprobsSchema = /* @__PURE__ */ pure(() => z.array(z.looseObject({
  /** The token that was used to generate the log probability. */
  token: z.string(),
  /** The log probability of the token. */
  logprob: z.number(),
  /** The bytes that were used to generate the log probability. */
  bytes: lenient(z.array(z.number())),
})));

const transcriptionUsageSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /**
   * `tokens` for token-billed models, `duration` for models billed by audio length (see
   * `seconds`).
   */
  type: lenient(openString<'tokens' | 'duration'>()),
  /** Number of input tokens billed for this request. */
  input_tokens: lenient(z.number()),
  /** Number of output tokens generated. */
  output_tokens: lenient(z.number()),
  /** Total number of tokens used (input + output). */
  total_tokens: lenient(z.number()),
  /** Details about the input tokens billed for this request. */
  input_token_details: lenient(z.looseObject({
    /** Number of text tokens billed for this request. */
    text_tokens: lenient(z.number()),
    /** Number of audio tokens billed for this request. */
    audio_tokens: lenient(z.number()),
  })),
  /** Duration of the input audio in seconds (`duration` usage). */
  seconds: lenient(z.number()),
}));

const itemField = /* @__PURE__ */ pure(() => ({
  /** The ID of the item this event is about. */
  item_id: z.string(),
}));
const responseItemFields = /* @__PURE__ */ pure(() => ({
  /** The ID of the response. */
  response_id: z.string(),
  /** The ID of the output item. */
  item_id: z.string(),
  /** The index of the output item in the response. */
  output_index: z.number(),
}));
const contentFields = /* @__PURE__ */ pure(() => ({
  ...responseItemFields,
  /** The index of the content part in the item's content array. */
  content_index: z.number(),
}));

/**
 * The schema of every GA server event, by `type`. The mock server validates with these; the
 * SDK looks schemas up here by `type` rather than trying union members in turn.
 */
export const serverEventSchemas = /* @__PURE__ */ pure(() => ({
  /**
   * Returned when an error occurs, which could be a client problem or a server problem. Most
   * errors are recoverable and the session will stay open, we recommend to implementers to
   * monitor and log error messages by default.
   */
  error: serverEvent('error', {
    /** Details of the error. */
    error: errorObjectSchema,
  }),
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
  /**
   * This event is the output of audio transcription for user audio written to the user audio
   * buffer. Transcription begins when the input audio buffer is committed by the client or
   * server (when VAD is enabled).
   */
  'conversation.item.input_audio_transcription.completed': serverEvent(
    'conversation.item.input_audio_transcription.completed',
    {
      ...itemField,
      /** The index of the content part containing the audio. */
      content_index: z.number(),
      /** The transcribed text. */
      transcript: z.string(),
      /**
       * Usage statistics for the transcription, this is billed according to the ASR model's
       * pricing rather than the realtime model's pricing.
       */
      usage: lenient(transcriptionUsageSchema),
      /** The log probabilities of the transcription. */
      logprobs: lenient(logprobsSchema),
      /**
       * The languages detected in the audio. Returned by `gpt-transcribe`. An empty array
       * indicates that no language could be reliably detected.
       */
      languages: lenient(z.array(z.looseObject({
        /** The code of a language detected in the audio. */
        code: z.string(),
      }))),
    },
  ),
  /**
   * Returned when the text value of an input audio transcription content part is updated with
   * incremental transcription results.
   */
  'conversation.item.input_audio_transcription.delta': serverEvent('conversation.item.input_audio_transcription.delta', {
    ...itemField,
    /** The index of the content part in the item's content array. */
    content_index: lenient(z.number()),
    /** The text delta. */
    delta: lenient(z.string()),
    /**
     * The log probabilities of the transcription. These can be enabled by configuring the
     * session with `"include": ["item.input_audio_transcription.logprobs"]`. Each entry in the
     * array corresponds a log probability of which token would be selected for this chunk of
     * transcription.
     */
    logprobs: lenient(logprobsSchema),
  }),
  /**
   * Returned when input audio transcription is configured, and a transcription request for a
   * user message failed. These events are separate from other `error` events so that the client
   * can identify the related Item.
   */
  'conversation.item.input_audio_transcription.failed': serverEvent(
    'conversation.item.input_audio_transcription.failed',
    {
      ...itemField,
      /** The index of the content part containing the audio. */
      content_index: z.number(),
      /** Details of the transcription error. */
      error: z.looseObject({
        /** The type of error. */
        type: lenient(z.string()),
        /** Error code, if any. */
        code: lenient(z.string()),
        /** A human-readable error message. */
        message: lenient(z.string()),
        /** Parameter related to the error, if any. */
        param: lenient(z.string()),
      }),
    },
  ),
  /** Returned when an input audio transcription segment is identified for an item. */
  'conversation.item.input_audio_transcription.segment': serverEvent(
    'conversation.item.input_audio_transcription.segment',
    {
      ...itemField,
      /** The index of the input audio content part within the item. */
      content_index: z.number(),
      /** The segment identifier. */
      id: z.string(),
      /** The text for this segment. */
      text: z.string(),
      /** The detected speaker label for this segment. */
      speaker: z.string(),
      /** Start time of the segment in seconds. */
      start: z.number(),
      /** End time of the segment in seconds. */
      end: z.number(),
    },
  ),
  /**
   * Returned when an input audio buffer is committed, either by the client or automatically in
   * server VAD mode.
   */
  'input_audio_buffer.committed': serverEvent('input_audio_buffer.committed', {
    ...itemField,
    /**
     * The ID of the preceding item after which the new item will be inserted. Can be `null` if
     * the item has no predecessor.
     */
    previous_item_id: lenient(z.string()),
  }),
  /**
   * Returned when the input audio buffer is cleared by the client with a
   * `input_audio_buffer.clear` event.
   */
  'input_audio_buffer.cleared': serverEvent('input_audio_buffer.cleared', {}),
  /**
   * Sent by the server when in `server_vad` mode to indicate that speech has been detected in
   * the audio buffer. This can happen any time audio is added to the buffer (unless speech is
   * already detected).
   */
  'input_audio_buffer.speech_started': serverEvent('input_audio_buffer.speech_started', {
    ...itemField,
    /**
     * Milliseconds from the start of all audio written to the buffer during the session when
     * speech was first detected. This will correspond to the beginning of audio sent to the
     * model, and thus includes the `prefix_padding_ms` configured in the Session.
     */
    audio_start_ms: z.number(),
  }),
  /**
   * Returned in `server_vad` mode when the server detects the end of speech in the audio
   * buffer.
   */
  'input_audio_buffer.speech_stopped': serverEvent('input_audio_buffer.speech_stopped', {
    ...itemField,
    /**
     * Milliseconds since the session started when speech stopped. This will correspond to the
     * end of audio sent to the model, and thus includes the `min_silence_duration_ms`
     * configured in the Session.
     */
    audio_end_ms: z.number(),
  }),
  /** Returned when the Server VAD timeout is triggered for the input audio buffer. */
  'input_audio_buffer.timeout_triggered': serverEvent('input_audio_buffer.timeout_triggered', {
    ...itemField,
    /**
     * Millisecond offset of audio written to the input audio buffer that was after the playback
     * time of the last model response.
     */
    audio_start_ms: z.number(),
    /**
     * Millisecond offset of audio written to the input audio buffer at the time the timeout was
     * triggered.
     */
    audio_end_ms: z.number(),
  }),
  // The only GA event without an `event_id` (the official example and the openai types agree).
  /**
   * **SIP Only:** Returned when an DTMF event is received. A DTMF event is a message that
   * represents a telephone keypad press (0–9, *, #, A–D). The `event` property is the keypad
   * that the user press.
   */
  'input_audio_buffer.dtmf_event_received': z.looseObject({
    /** The event type, must be `input_audio_buffer.dtmf_event_received`. */
    type: z.literal('input_audio_buffer.dtmf_event_received'),
    /** The unique ID of the server event. This event may arrive without one. */
    event_id: lenient(z.string()),
    /** The telephone keypad that was pressed by the user. */
    event: z.string(),
    /** UTC Unix Timestamp when DTMF Event was received by server. */
    received_at: z.number(),
  }),
  /**
   * **WebRTC/SIP Only:** Emitted when the server begins streaming audio to the client. This
   * event is emitted after an audio content part has been added (`response.content_part.added`)
   * to the response.
   */
  'output_audio_buffer.started': serverEvent('output_audio_buffer.started', {
    /** The unique ID of the response that produced the audio. */
    response_id: z.string(),
  }),
  /**
   * **WebRTC/SIP Only:** Emitted when the output audio buffer has been completely drained on
   * the server, and no more audio is forthcoming.
   */
  'output_audio_buffer.stopped': serverEvent('output_audio_buffer.stopped', {
    /** The unique ID of the response that produced the audio. */
    response_id: z.string(),
  }),
  /** **WebRTC/SIP Only:** Emitted when the output audio buffer is cleared. */
  'output_audio_buffer.cleared': serverEvent('output_audio_buffer.cleared', {
    /** The unique ID of the response that produced the audio. */
    response_id: z.string(),
  }),
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

/** The `type` of every GA server event the SDK knows. */
export type ServerEventType = keyof typeof serverEventSchemas;

/** Every GA server event `type`, in one array (handy for exhaustive tests and routing tables). */
export const SERVER_EVENT_TYPES = /* @__PURE__ */ pure(() => Object.keys(serverEventSchemas) as ServerEventType[]);

/** Each server event type mapped to its event: `ServerEventMap['response.done']`. */
export type ServerEventMap = { [Type in ServerEventType]: z.infer<(typeof serverEventSchemas)[Type]> };

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
