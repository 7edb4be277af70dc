/**
 * The input audio transcription family of GA server events:
 * `conversation.item.input_audio_transcription.*`. Joined into `serverEventSchemas` by
 * server-events.ts.
 */
import * as z from 'zod/mini';
import { lenient, openString } from './primitives';
import { pure } from './pure';
import { itemField, serverEvent } from './server-event-base';

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

/** The input audio transcription server events, by `type`. */
export const transcriptionEventSchemas = /* @__PURE__ */ pure(() => ({
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
}));
