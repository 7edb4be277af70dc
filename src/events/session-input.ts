/**
 * What `normalizeSessionConfig` accepts: the GA session config with `type` optional, plus the
 * flat beta (`realtime=v1`) fields that tutorials still show. Schemas only; the translation
 * lives in `legacy-session.ts`, which validates with the generated validators.
 */
import * as z from 'zod/mini';
import { noiseReductionSchema, transcriptionConfigSchema, turnDetectionSchema, voiceSchema } from './audio';
import { pure } from './pure';
import { maxOutputTokensSchema, realtimeSessionConfigSchema, transcriptionSessionConfigSchema } from './session';

/** The beta audio format names (`input_audio_format: 'pcm16'`, ...). */
export const legacyAudioFormatSchema = /* @__PURE__ */ pure(() => z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']));

/**
 * A beta audio format name.
 *
 * @useDeclaredType
 */
export type LegacyAudioFormat = z.infer<typeof legacyAudioFormatSchema>;

const legacyInputShape = /* @__PURE__ */ pure(() => ({
  /**
   * Beta field; becomes `audio.input.format`. The format of input audio. Options are `pcm16`,
   * `g711_ulaw`, or `g711_alaw`. For `pcm16`, input audio must be 16-bit PCM at a 24kHz sample
   * rate, single channel (mono), and little-endian byte order.
   */
  input_audio_format: z.optional(legacyAudioFormatSchema),
  /**
   * Beta field; becomes `audio.input.transcription`. Configuration for input audio
   * transcription. The client can optionally set the language and prompt for transcription,
   * these offer additional guidance to the transcription service.
   */
  input_audio_transcription: z.optional(z.nullable(transcriptionConfigSchema)),
  /**
   * Beta field; becomes `audio.input.noise_reduction`. Configuration for input audio noise
   * reduction. This can be set to `null` to turn off. Noise reduction filters audio added to
   * the input audio buffer before it is sent to VAD and the model.
   */
  input_audio_noise_reduction: z.optional(z.nullable(noiseReductionSchema)),
  /**
   * Beta field; becomes `audio.input.turn_detection`. Configuration for turn detection. Can be
   * set to `null` to turn off. Server VAD means that the model will detect the start and end of
   * speech based on audio volume and respond at the end of user speech.
   */
  turn_detection: z.optional(z.nullable(turnDetectionSchema)),
}));

/**
 * What `normalizeSessionConfig` accepts for a realtime session: any GA realtime field
 * (with `type` optional) and the beta flat fields.
 */
export const sessionConfigInputSchema = /* @__PURE__ */ pure(() =>
  z.extend(realtimeSessionConfigSchema, {
    /** The type of session to create. Always `realtime` for the Realtime API. */
    type: z.optional(z.literal('realtime')),
    ...legacyInputShape,
    /**
     * Beta field; becomes `output_modalities`. The set of modalities the model can respond
     * with. To disable audio, set this to ["text"].
     */
    modalities: z.optional(z.array(z.enum(['text', 'audio']))),
    /**
     * Beta field; becomes `audio.output.voice`. The voice the model uses to respond. Voice
     * cannot be changed during the session once the model has responded with audio at least
     * once. Current voice options are `alloy`, `ash`, `ballad`, `coral`, `echo`, `sage`,
     * `shimmer`, and `verse`.
     */
    voice: z.optional(voiceSchema),
    /**
     * Beta field; becomes `audio.output.format`. The format of output audio. Options are
     * `pcm16`, `g711_ulaw`, or `g711_alaw`. For `pcm16`, output audio is sampled at a rate of
     * 24kHz.
     */
    output_audio_format: z.optional(legacyAudioFormatSchema),
    /**
     * Beta field; becomes `audio.output.speed`. The speed of the model's spoken response. 1.0
     * is the default speed. 0.25 is the minimum speed. 1.5 is the maximum speed. This value can
     * only be changed in between model turns, not while a response is in progress.
     */
    speed: z.optional(z.number()),
    /**
     * Beta field, which GA sessions do not have. Sampling temperature for the model, limited to
     * [0.6, 1.2]. For audio models a temperature of 0.8 is highly recommended for best
     * performance.
     */
    temperature: z.optional(z.number()),
    /**
     * Beta field; becomes `max_output_tokens`. Maximum number of output tokens for a single
     * assistant response, inclusive of tool calls. Provide an integer between 1 and 4096 to
     * limit output tokens, or `inf` for the maximum available tokens for a given model.
     * Defaults to `inf`.
     */
    max_response_output_tokens: z.optional(maxOutputTokensSchema),
  }),
);

/**
 * A realtime session config in the GA shape, the beta flat shape, or a mix of both.
 *
 * @useDeclaredType
 */
export type SessionConfigInput = z.input<typeof sessionConfigInputSchema>;

/**
 * What `normalizeSessionConfig` accepts for a transcription session: GA fields and the
 * beta input fields (`input_audio_format`, `input_audio_transcription`, `turn_detection`,
 * `input_audio_noise_reduction`).
 */
export const transcriptionSessionConfigInputSchema = /* @__PURE__ */ pure(() => z.extend(transcriptionSessionConfigSchema, legacyInputShape));

/**
 * A transcription session config in the GA shape, the beta flat shape, or a mix of both.
 *
 * @useDeclaredType
 */
export type TranscriptionSessionConfigInput = z.input<typeof transcriptionSessionConfigInputSchema>;
