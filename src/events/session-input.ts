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

/** A beta audio format name. */
export type LegacyAudioFormat = z.infer<typeof legacyAudioFormatSchema>;

const legacyInputShape = /* @__PURE__ */ pure(() => ({
  input_audio_format: z.optional(legacyAudioFormatSchema),
  input_audio_transcription: z.optional(z.nullable(transcriptionConfigSchema)),
  input_audio_noise_reduction: z.optional(z.nullable(noiseReductionSchema)),
  turn_detection: z.optional(z.nullable(turnDetectionSchema)),
}));

/**
 * What `normalizeSessionConfig` accepts for a realtime session: any GA realtime field
 * (with `type` optional) and the beta flat fields.
 */
export const sessionConfigInputSchema = /* @__PURE__ */ pure(() =>
  z.extend(realtimeSessionConfigSchema, {
    type: z.optional(z.literal('realtime')),
    ...legacyInputShape,
    modalities: z.optional(z.array(z.enum(['text', 'audio']))),
    voice: z.optional(voiceSchema),
    output_audio_format: z.optional(legacyAudioFormatSchema),
    speed: z.optional(z.number()),
    temperature: z.optional(z.number()),
    max_response_output_tokens: z.optional(maxOutputTokensSchema),
  }),
);

/** A realtime session config in the GA shape, the beta flat shape, or a mix of both. */
export type SessionConfigInput = z.input<typeof sessionConfigInputSchema>;

/**
 * What `normalizeSessionConfig` accepts for a transcription session: GA fields and the
 * beta input fields (`input_audio_format`, `input_audio_transcription`, `turn_detection`,
 * `input_audio_noise_reduction`).
 */
export const transcriptionSessionConfigInputSchema = /* @__PURE__ */ pure(() => z.extend(transcriptionSessionConfigSchema, legacyInputShape));

/** A transcription session config in the GA shape, the beta flat shape, or a mix of both. */
export type TranscriptionSessionConfigInput = z.input<typeof transcriptionSessionConfigInputSchema>;
