/**
 * The content parts of message items.
 *
 * Client side (`conversation.item.create`, `response.create` input): strict, discriminated on
 * `type`. Server side: loose and null-tolerant, with the beta-era `text` and `audio` types
 * besides the GA ones (see items.ts for why); a part of a type the SDK does not know is
 * delivered whole.
 */
import * as z from 'zod/mini';
import { lenient, openUnion } from './primitives';
import type { GenericMember } from './primitives';
import { pure } from './pure';

/** A text part of a user or system message. */
export const inputTextPartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The content type. Always `input_text`. */
  type: z.literal('input_text'),
  /** The text content (for `input_text`). */
  text: z.string(),
}));

/** A base64 audio part of a user message (in the session's input format), with an optional transcript. */
export const inputAudioPartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The content type. Always `input_audio`. */
  type: z.literal('input_audio'),
  /**
   * Base64-encoded audio bytes (for `input_audio`), these will be parsed as the format
   * specified in the session input audio type configuration. This defaults to PCM 16-bit 24kHz
   * mono if not specified.
   */
  audio: z.string(),
  /**
   * Transcript of the audio (for `input_audio`). This is not sent to the model, but will be
   * attached to the message item for reference.
   */
  transcript: z.optional(z.string()),
}));

/** An image part of a user message, as a data URL. */
export const inputImagePartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The content type. Always `input_image`. */
  type: z.literal('input_image'),
  /**
   * Base64-encoded image bytes (for `input_image`) as a data URI. For example
   * `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...`. Supported formats are PNG and JPEG.
   */
  image_url: z.string(),
  /** The detail level of the image (for `input_image`). `auto` will default to `high`. */
  detail: z.optional(z.enum(['auto', 'low', 'high'])),
}));

/** A text part of an assistant message. */
export const outputTextPartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The content type. Always `output_text`. */
  type: z.literal('output_text'),
  /** The text content. */
  text: z.string(),
}));

/** An audio part of an assistant message (base64 audio and/or its transcript). */
export const outputAudioPartSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The content type. Always `output_audio`. */
  type: z.literal('output_audio'),
  /**
   * Base64-encoded audio bytes, these will be parsed as the format specified in the session
   * output audio type configuration. This defaults to PCM 16-bit 24kHz mono if not specified.
   */
  audio: z.optional(z.string()),
  /**
   * The transcript of the audio content, this will always be present if the output type is
   * `audio`.
   */
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

/**
 * A content part a client may send.
 *
 * @useDeclaredType
 */
export type ContentPartInput = z.infer<typeof contentPartInputSchema>;

/**
 * A content part as the server reports it, discriminated on `type` (GA and beta-era types). A
 * part of a type the SDK does not know (`output_image`, `refusal`, ...) is an
 * {@link UnknownContentPart}, delivered whole.
 */
export const contentPartSchema = /* @__PURE__ */ pure(() => openUnion('type', [
  z.looseObject({
    /** The content type. Always `input_text`. */
    type: z.literal('input_text'),
    /** The text content (for `input_text`). */
    text: lenient(z.string()),
  }),
  z.looseObject({
    /** The content type. Always `input_audio`. */
    type: z.literal('input_audio'),
    /**
     * Base64-encoded audio bytes (for `input_audio`), these will be parsed as the format
     * specified in the session input audio type configuration. This defaults to PCM 16-bit
     * 24kHz mono if not specified.
     */
    audio: lenient(z.string()),
    /**
     * Transcript of the audio (for `input_audio`). This is not sent to the model, but will be
     * attached to the message item for reference.
     */
    transcript: lenient(z.string()),
  }),
  z.looseObject({
    /** The content type. Always `input_image`. */
    type: z.literal('input_image'),
    /**
     * Base64-encoded image bytes (for `input_image`) as a data URI. For example
     * `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA...`. Supported formats are PNG and JPEG.
     */
    image_url: lenient(z.string()),
    /** The detail level of the image (for `input_image`). `auto` will default to `high`. */
    detail: lenient(z.string()),
  }),
  z.looseObject({
    /** The content type. Always `output_text`. */
    type: z.literal('output_text'),
    /** The text content. */
    text: lenient(z.string()),
  }),
  z.looseObject({
    /** The content type. Always `output_audio`. */
    type: z.literal('output_audio'),
    /**
     * Base64-encoded audio bytes, these will be parsed as the format specified in the session
     * output audio type configuration. This defaults to PCM 16-bit 24kHz mono if not specified.
     */
    audio: lenient(z.string()),
    /**
     * The transcript of the audio content, this will always be present if the output type is
     * `audio`.
     */
    transcript: lenient(z.string()),
  }),
  z.looseObject({
    /** The content type. Always `text` (the beta-era name of `output_text`). */
    type: z.literal('text'),
    /** The text content. */
    text: lenient(z.string()),
  }),
  z.looseObject({
    /** The content type. Always `audio` (the beta-era name of `output_audio`). */
    type: z.literal('audio'),
    /** Base64-encoded audio bytes, if the server included them. */
    audio: lenient(z.string()),
    /** The transcript of the audio. */
    transcript: lenient(z.string()),
    /** The beta-era audio format name, e.g. `pcm16`. */
    format: lenient(z.string()),
  }),
]));

/**
 * A content part as the server reports it.
 *
 * @useDeclaredType
 */
export type ContentPart = z.infer<typeof contentPartSchema>;

/**
 * A content part of a type the SDK does not know (e.g. `output_image`, `refusal`): its `type`
 * and every field, as they arrived.
 *
 * @useDeclaredType
 */
export type UnknownContentPart = GenericMember<ContentPart>;
