/**
 * Audio settings of a GA session: formats, voices, turn detection, input transcription and
 * noise reduction. Each comes twice: a strict schema for what the client sends (an unknown
 * field makes the server reject the whole update) and a loose, null-tolerant schema for what
 * the server reports back.
 */
import * as z from 'zod/mini';
import { lenient, openString } from './primitives';
import { pure } from './pure';

/** The voices the GA API documents. Custom voice ids are accepted too (see {@link Voice}). */
export const KNOWN_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;

/** One of {@link KNOWN_VOICES}. */
export type KnownVoice = (typeof KNOWN_VOICES)[number];

/** The input transcription models the `openai` package lists; any other model name is accepted. */
export type KnownTranscriptionModel =
  | 'whisper-1'
  | 'gpt-transcribe'
  | 'gpt-live-transcribe'
  | 'gpt-4o-mini-transcribe'
  | 'gpt-4o-mini-transcribe-2025-12-15'
  | 'gpt-4o-transcribe'
  | 'gpt-4o-transcribe-diarize'
  | 'gpt-realtime-whisper';

/**
 * A voice: a known voice name, another voice name or id as a string, or `{ id }` for a custom
 * voice. The voice cannot change once the model has spoken in a session.
 */
export const voiceSchema = /* @__PURE__ */ pure(() => z.union([openString<KnownVoice>(), z.strictObject({
  /** The custom voice ID, e.g. `voice_1234`. */
  id: z.string(),
})]));

/**
 * A voice: a known voice name, any other voice name or id, or `{ id }` for a custom voice. The
 * voice cannot change once the model has spoken in a session.
 *
 * @useDeclaredType
 */
export type Voice = z.infer<typeof voiceSchema>;

/**
 * A GA audio format: `{ type: 'audio/pcm', rate: 24000 }` (PCM16 little-endian, mono),
 * `{ type: 'audio/pcmu' }` (G.711 µ-law) or `{ type: 'audio/pcma' }` (G.711 A-law).
 * Unlike the `openai` package's types, `type` is required: a format without one says nothing.
 */
export const audioFormatSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.strictObject({
    /** The audio format. Always `audio/pcm`. */
    type: z.literal('audio/pcm'),
    /** The sample rate of the audio. Always `24000`. */
    rate: z.optional(z.literal(24000)),
  }),
  z.strictObject({
    /** The audio format. Always `audio/pcmu`. */
    type: z.literal('audio/pcmu'),
  }),
  z.strictObject({
    /** The audio format. Always `audio/pcma`. */
    type: z.literal('audio/pcma'),
  }),
]));

/**
 * A GA audio format: `{ type: 'audio/pcm', rate: 24000 }` (PCM16 little-endian, mono),
 * `{ type: 'audio/pcmu' }` (G.711 µ-law) or `{ type: 'audio/pcma' }` (G.711 A-law).
 *
 * @useDeclaredType
 */
export type AudioFormat = z.infer<typeof audioFormatSchema>;

/** Input noise reduction: `near_field` (headsets) or `far_field` (laptop and room microphones). */
export const noiseReductionSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /**
   * Type of noise reduction. `near_field` is for close-talking microphones such as headphones,
   * `far_field` is for far-field microphones such as laptop or conference room microphones.
   */
  type: z.optional(z.enum(['near_field', 'far_field'])),
  /**
   * Input noise suppression strength. Higher values apply more suppression. Defaults to 1 when
   * noise reduction is first enabled. Omitting strength from a session update preserves the
   * current strength.
   */
  strength: z.optional(z.number()),
}));

/**
 * Input noise reduction settings: `near_field` (headsets) or `far_field` (laptop and room
 * microphones).
 *
 * @useDeclaredType
 */
export type NoiseReduction = z.infer<typeof noiseReductionSchema>;

/** Input audio transcription settings (`audio.input.transcription`). */
export const transcriptionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /**
   * The model to use for transcription. Current options are `whisper-1`, `gpt-transcribe`,
   * `gpt-live-transcribe`, `gpt-4o-mini-transcribe`, `gpt-4o-mini-transcribe-2025-12-15`,
   * `gpt-4o-transcribe`, `gpt-4o-transcribe-diarize`, and `gpt-realtime-whisper`.
   */
  model: z.optional(openString<KnownTranscriptionModel>()),
  /**
   * The language of the input audio. Supplying the input language in
   * [ISO-639-1](https://en.wikipedia.org/wiki/List_of_ISO_639-1_codes) (e.g. `en`) format will
   * improve accuracy and latency.
   */
  language: z.optional(z.string()),
  /**
   * Possible languages of the input audio, in
   * [ISO-639-1](https://en.wikipedia.org/wiki/List_of_ISO_639-1_codes) format. Supported by
   * `gpt-transcribe` and `gpt-live-transcribe`.
   */
  languages: z.optional(z.array(z.string())),
  /**
   * An optional text to guide the model's style or continue a previous audio segment. For
   * `whisper-1`, the [prompt is a list of
   * keywords](https://developers.openai.com/api/docs/guides/speech-to-text#prompting).
   */
  prompt: z.optional(z.string()),
  /**
   * Words or phrases to guide transcription of the input audio. Supported by `gpt-transcribe`
   * and `gpt-live-transcribe`.
   */
  keywords: z.optional(z.array(z.string())),
  /**
   * Controls how long the model waits before emitting transcription text. Higher values can
   * improve transcription accuracy at the cost of latency. Only supported with
   * `gpt-realtime-whisper` in GA Realtime sessions.
   */
  delay: z.optional(z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'])),
}));

/**
 * Input audio transcription settings (`audio.input.transcription`).
 *
 * @useDeclaredType
 */
export type TranscriptionConfig = z.infer<typeof transcriptionConfigSchema>;

/** Server voice activity detection: turns end after `silence_duration_ms` of silence. */
export const serverVadSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Type of turn detection, `server_vad` to turn on simple Server VAD. */
  type: z.literal('server_vad'),
  /**
   * Used only for `server_vad` mode. Activation threshold for VAD (0.0 to 1.0), this defaults
   * to 0.5. A higher threshold will require louder audio to activate the model, and thus might
   * perform better in noisy environments.
   */
  threshold: z.optional(z.number()),
  /**
   * Used only for `server_vad` mode. Amount of audio to include before the VAD detected speech
   * (in milliseconds). Defaults to 300ms.
   */
  prefix_padding_ms: z.optional(z.number()),
  /**
   * Used only for `server_vad` mode. Duration of silence to detect speech stop (in
   * milliseconds). Defaults to 500ms. With shorter values the model will respond more quickly,
   * but may jump in on short pauses from the user.
   */
  silence_duration_ms: z.optional(z.number()),
  /**
   * Optional timeout after which a model response will be triggered automatically. This is
   * useful for situations in which a long pause from the user is unexpected, such as a phone
   * call. The model will effectively prompt the user to continue the conversation based on the
   * current context.
   */
  idle_timeout_ms: z.optional(z.nullable(z.number())),
  /**
   * Whether or not to automatically generate a response when a VAD stop event occurs. If
   * `interrupt_response` is set to `false` this may fail to create a response if the model is
   * already responding.
   */
  create_response: z.optional(z.boolean()),
  /**
   * Whether or not to automatically interrupt (cancel) any ongoing response with output to the
   * default conversation (i.e. `conversation` of `auto`) when a VAD start event occurs. If
   * `true` then the response will be cancelled, otherwise it will continue until complete.
   */
  interrupt_response: z.optional(z.boolean()),
}));

/** Semantic voice activity detection: a model decides when the user has finished. */
export const semanticVadSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Type of turn detection, `semantic_vad` to turn on Semantic VAD. */
  type: z.literal('semantic_vad'),
  /**
   * Used only for `semantic_vad` mode. The eagerness of the model to respond. `low` will wait
   * longer for the user to continue speaking, `high` will respond more quickly. `auto` is the
   * default and is equivalent to `medium`. `low`, `medium`, and `high` have max timeouts of 8s,
   * 4s, and 2s respectively.
   */
  eagerness: z.optional(z.enum(['low', 'medium', 'high', 'auto'])),
  /** Whether or not to automatically generate a response when a VAD stop event occurs. */
  create_response: z.optional(z.boolean()),
  /**
   * Whether or not to automatically interrupt any ongoing response with output to the default
   * conversation (i.e. `conversation` of `auto`) when a VAD start event occurs.
   */
  interrupt_response: z.optional(z.boolean()),
}));

/** Turn detection (`audio.input.turn_detection`): `server_vad` or `semantic_vad`; `null` turns it off. */
export const turnDetectionSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [serverVadSchema, semanticVadSchema]));

/**
 * Turn detection settings (`audio.input.turn_detection`): `server_vad` or `semantic_vad`.
 *
 * @useDeclaredType
 */
export type TurnDetection = z.infer<typeof turnDetectionSchema>;

/**
 * `audio.input` of a session. `transcription` and `noise_reduction` accept `null`: the API
 * documents `null` as the way to turn them off once on (and reports them as `null`).
 */
export const audioInputConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The format of the input audio. */
  format: z.optional(audioFormatSchema),
  /**
   * Configuration for input audio transcription, defaults to off and can be set to `null` to
   * turn off once on. Input audio transcription is not native to the model, since the model
   * consumes audio directly.
   */
  transcription: z.optional(z.nullable(transcriptionConfigSchema)),
  /**
   * Configuration for input audio noise reduction. This can be set to `null` to turn off. Noise
   * reduction filters audio added to the input audio buffer before it is sent to VAD and the
   * model.
   */
  noise_reduction: z.optional(z.nullable(noiseReductionSchema)),
  /**
   * Configuration for turn detection, ether Server VAD or Semantic VAD. This can be set to
   * `null` to turn off, in which case the client must manually trigger model response.
   */
  turn_detection: z.optional(z.nullable(turnDetectionSchema)),
}));

/** `audio.output` of a realtime session. */
export const audioOutputConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The format of the output audio. */
  format: z.optional(audioFormatSchema),
  /**
   * The voice the model uses to respond. Supported built-in voices are `alloy`, `ash`,
   * `ballad`, `coral`, `echo`, `sage`, `shimmer`, `verse`, `marin`, and `cedar`. You may also
   * provide a custom voice object with an `id`, for example `{ "id": "voice_1234" }`.
   */
  voice: z.optional(voiceSchema),
  /**
   * The speed of the model's spoken response as a multiple of the original speed. 1.0 is the
   * default speed. 0.25 is the minimum speed. 1.5 is the maximum speed. This value can only be
   * changed in between model turns, not while a response is in progress.
   */
  speed: z.optional(z.number()),
}));

// Server-side counterparts: loose (unknown fields kept), every field optional and nullable.

/** A voice as the server reports it (a name, or `{ id }` for a custom voice). */
export const serverVoiceSchema = /* @__PURE__ */ pure(() => z.union([openString<KnownVoice>(), z.looseObject({
  /** The custom voice ID, e.g. `voice_1234`. */
  id: z.string(),
})]));

/** An audio format as the server reports it. */
export const serverAudioFormatSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The audio format: `audio/pcm`, `audio/pcmu` or `audio/pcma`. */
  type: lenient(openString<'audio/pcm' | 'audio/pcmu' | 'audio/pcma'>()),
  /** The sample rate of `audio/pcm` audio. Always `24000`. */
  rate: lenient(z.number()),
}));

/** Turn detection as the server reports it (either kind, in one loose shape). */
export const serverTurnDetectionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** Type of turn detection: `server_vad` or `semantic_vad`. */
  type: lenient(openString<'server_vad' | 'semantic_vad'>()),
  /**
   * Used only for `server_vad` mode. Activation threshold for VAD (0.0 to 1.0), this defaults
   * to 0.5. A higher threshold will require louder audio to activate the model, and thus might
   * perform better in noisy environments.
   */
  threshold: lenient(z.number()),
  /**
   * Used only for `server_vad` mode. Amount of audio to include before the VAD detected speech
   * (in milliseconds). Defaults to 300ms.
   */
  prefix_padding_ms: lenient(z.number()),
  /**
   * Used only for `server_vad` mode. Duration of silence to detect speech stop (in
   * milliseconds). Defaults to 500ms. With shorter values the model will respond more quickly,
   * but may jump in on short pauses from the user.
   */
  silence_duration_ms: lenient(z.number()),
  /**
   * Optional timeout after which a model response will be triggered automatically. This is
   * useful for situations in which a long pause from the user is unexpected, such as a phone
   * call. The model will effectively prompt the user to continue the conversation based on the
   * current context.
   */
  idle_timeout_ms: lenient(z.number()),
  /**
   * Whether or not to automatically generate a response when a VAD stop event occurs. If
   * `interrupt_response` is set to `false` this may fail to create a response if the model is
   * already responding.
   */
  create_response: lenient(z.boolean()),
  /**
   * Whether or not to automatically interrupt (cancel) any ongoing response with output to the
   * default conversation (i.e. `conversation` of `auto`) when a VAD start event occurs. If
   * `true` then the response will be cancelled, otherwise it will continue until complete.
   */
  interrupt_response: lenient(z.boolean()),
  /**
   * Used only for `semantic_vad` mode. The eagerness of the model to respond. `low` will wait
   * longer for the user to continue speaking, `high` will respond more quickly. `auto` is the
   * default and is equivalent to `medium`. `low`, `medium`, and `high` have max timeouts of 8s,
   * 4s, and 2s respectively.
   */
  eagerness: lenient(openString<'low' | 'medium' | 'high' | 'auto'>()),
}));

/** Input transcription settings as the server reports them. */
export const serverTranscriptionConfigSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /**
   * The model to use for transcription. Current options are `whisper-1`, `gpt-transcribe`,
   * `gpt-live-transcribe`, `gpt-4o-mini-transcribe`, `gpt-4o-mini-transcribe-2025-12-15`,
   * `gpt-4o-transcribe`, `gpt-4o-transcribe-diarize`, and `gpt-realtime-whisper`.
   */
  model: lenient(openString<KnownTranscriptionModel>()),
  /**
   * The language of the input audio. Supplying the input language in
   * [ISO-639-1](https://en.wikipedia.org/wiki/List_of_ISO_639-1_codes) (e.g. `en`) format will
   * improve accuracy and latency.
   */
  language: lenient(z.string()),
  /**
   * Possible languages of the input audio, in
   * [ISO-639-1](https://en.wikipedia.org/wiki/List_of_ISO_639-1_codes) format. Supported by
   * `gpt-transcribe` and `gpt-live-transcribe`.
   */
  languages: lenient(z.array(z.string())),
  /**
   * An optional text to guide the model's style or continue a previous audio segment. For
   * `whisper-1`, the [prompt is a list of
   * keywords](https://developers.openai.com/api/docs/guides/speech-to-text#prompting).
   */
  prompt: lenient(z.string()),
  /**
   * Words or phrases to guide transcription of the input audio. Supported by `gpt-transcribe`
   * and `gpt-live-transcribe`.
   */
  keywords: lenient(z.array(z.string())),
  /**
   * Controls how long the model waits before emitting transcription text. Higher values can
   * improve transcription accuracy at the cost of latency. Only supported with
   * `gpt-realtime-whisper` in GA Realtime sessions.
   */
  delay: lenient(z.string()),
}));

/** Noise reduction as the server reports it. */
export const serverNoiseReductionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /**
   * Type of noise reduction. `near_field` is for close-talking microphones such as headphones,
   * `far_field` is for far-field microphones such as laptop or conference room microphones.
   */
  type: lenient(openString<'near_field' | 'far_field'>()),
  /**
   * Input noise suppression strength. Higher values apply more suppression. Defaults to 1 when
   * noise reduction is first enabled. Omitting strength from a session update preserves the
   * current strength.
   */
  strength: lenient(z.number()),
}));

/** `audio.input` as the server reports it. */
export const serverAudioInputConfigSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The format of the input audio. */
  format: lenient(serverAudioFormatSchema),
  /**
   * Configuration for input audio transcription, defaults to off and can be set to `null` to
   * turn off once on. Input audio transcription is not native to the model, since the model
   * consumes audio directly.
   */
  transcription: lenient(serverTranscriptionConfigSchema),
  /**
   * Configuration for input audio noise reduction. This can be set to `null` to turn off. Noise
   * reduction filters audio added to the input audio buffer before it is sent to VAD and the
   * model.
   */
  noise_reduction: lenient(serverNoiseReductionSchema),
  /**
   * Configuration for turn detection, ether Server VAD or Semantic VAD. This can be set to
   * `null` to turn off, in which case the client must manually trigger model response.
   */
  turn_detection: lenient(serverTurnDetectionSchema),
}));

/** `audio.output` as the server reports it. */
export const serverAudioOutputConfigSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The format of the output audio. */
  format: lenient(serverAudioFormatSchema),
  /**
   * The voice the model uses to respond. Supported built-in voices are `alloy`, `ash`,
   * `ballad`, `coral`, `echo`, `sage`, `shimmer`, `verse`, `marin`, and `cedar`. You may also
   * provide a custom voice object with an `id`, for example `{ "id": "voice_1234" }`.
   */
  voice: lenient(serverVoiceSchema),
  /**
   * The speed of the model's spoken response as a multiple of the original speed. 1.0 is the
   * default speed. 0.25 is the minimum speed. 1.5 is the maximum speed. This value can only be
   * changed in between model turns, not while a response is in progress.
   */
  speed: lenient(z.number()),
}));
