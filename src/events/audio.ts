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
export const voiceSchema = /* @__PURE__ */ pure(() => z.union([openString<KnownVoice>(), z.strictObject({ id: z.string() })]));

/** A voice, as {@link voiceSchema} accepts it. */
export type Voice = z.infer<typeof voiceSchema>;

/**
 * A GA audio format: `{ type: 'audio/pcm', rate: 24000 }` (PCM16 little-endian, mono),
 * `{ type: 'audio/pcmu' }` (G.711 µ-law) or `{ type: 'audio/pcma' }` (G.711 A-law).
 * Unlike the `openai` package's types, `type` is required: a format without one says nothing.
 */
export const audioFormatSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.optional(z.literal(24000)) }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]));

/** A GA audio format, as {@link audioFormatSchema} accepts it. */
export type AudioFormat = z.infer<typeof audioFormatSchema>;

/** Input noise reduction: `near_field` (headsets) or `far_field` (laptop and room microphones). */
export const noiseReductionSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.optional(z.enum(['near_field', 'far_field'])),
  strength: z.optional(z.number()),
}));

/** Input noise reduction settings, as {@link noiseReductionSchema} accepts them. */
export type NoiseReduction = z.infer<typeof noiseReductionSchema>;

/** Input audio transcription settings (`audio.input.transcription`). */
export const transcriptionConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  model: z.optional(openString<KnownTranscriptionModel>()),
  language: z.optional(z.string()),
  languages: z.optional(z.array(z.string())),
  prompt: z.optional(z.string()),
  keywords: z.optional(z.array(z.string())),
  delay: z.optional(z.enum(['minimal', 'low', 'medium', 'high', 'xhigh'])),
}));

/** Input audio transcription settings, as {@link transcriptionConfigSchema} accepts them. */
export type TranscriptionConfig = z.infer<typeof transcriptionConfigSchema>;

/** Server voice activity detection: turns end after `silence_duration_ms` of silence. */
export const serverVadSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('server_vad'),
  threshold: z.optional(z.number()),
  prefix_padding_ms: z.optional(z.number()),
  silence_duration_ms: z.optional(z.number()),
  idle_timeout_ms: z.optional(z.nullable(z.number())),
  create_response: z.optional(z.boolean()),
  interrupt_response: z.optional(z.boolean()),
}));

/** Semantic voice activity detection: a model decides when the user has finished. */
export const semanticVadSchema = /* @__PURE__ */ pure(() => z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.optional(z.enum(['low', 'medium', 'high', 'auto'])),
  create_response: z.optional(z.boolean()),
  interrupt_response: z.optional(z.boolean()),
}));

/** Turn detection (`audio.input.turn_detection`): `server_vad` or `semantic_vad`; `null` turns it off. */
export const turnDetectionSchema = /* @__PURE__ */ pure(() => z.discriminatedUnion('type', [serverVadSchema, semanticVadSchema]));

/** Turn detection settings, as {@link turnDetectionSchema} accepts them. */
export type TurnDetection = z.infer<typeof turnDetectionSchema>;

/**
 * `audio.input` of a session. `transcription` and `noise_reduction` accept `null`: the API
 * documents `null` as the way to turn them off once on (and reports them as `null`).
 */
export const audioInputConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  format: z.optional(audioFormatSchema),
  transcription: z.optional(z.nullable(transcriptionConfigSchema)),
  noise_reduction: z.optional(z.nullable(noiseReductionSchema)),
  turn_detection: z.optional(z.nullable(turnDetectionSchema)),
}));

/** `audio.output` of a realtime session. */
export const audioOutputConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  format: z.optional(audioFormatSchema),
  voice: z.optional(voiceSchema),
  speed: z.optional(z.number()),
}));

// Server-side counterparts: loose (unknown fields kept), every field optional and nullable.

/** A voice as the server reports it (a name, or `{ id }` for a custom voice). */
export const serverVoiceSchema = /* @__PURE__ */ pure(() => z.union([openString<KnownVoice>(), z.looseObject({ id: z.string() })]));

/** An audio format as the server reports it. */
export const serverAudioFormatSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: lenient(openString<'audio/pcm' | 'audio/pcmu' | 'audio/pcma'>()),
  rate: lenient(z.number()),
}));

/** Turn detection as the server reports it (either kind, in one loose shape). */
export const serverTurnDetectionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: lenient(openString<'server_vad' | 'semantic_vad'>()),
  threshold: lenient(z.number()),
  prefix_padding_ms: lenient(z.number()),
  silence_duration_ms: lenient(z.number()),
  idle_timeout_ms: lenient(z.number()),
  create_response: lenient(z.boolean()),
  interrupt_response: lenient(z.boolean()),
  eagerness: lenient(openString<'low' | 'medium' | 'high' | 'auto'>()),
}));

/** Input transcription settings as the server reports them. */
export const serverTranscriptionConfigSchema = /* @__PURE__ */ pure(() => z.looseObject({
  model: lenient(openString<KnownTranscriptionModel>()),
  language: lenient(z.string()),
  languages: lenient(z.array(z.string())),
  prompt: lenient(z.string()),
  keywords: lenient(z.array(z.string())),
  delay: lenient(z.string()),
}));

/** Noise reduction as the server reports it. */
export const serverNoiseReductionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  type: lenient(openString<'near_field' | 'far_field'>()),
  strength: lenient(z.number()),
}));

/** `audio.input` as the server reports it. */
export const serverAudioInputConfigSchema = /* @__PURE__ */ pure(() => z.looseObject({
  format: lenient(serverAudioFormatSchema),
  transcription: lenient(serverTranscriptionConfigSchema),
  noise_reduction: lenient(serverNoiseReductionSchema),
  turn_detection: lenient(serverTurnDetectionSchema),
}));

/** `audio.output` as the server reports it. */
export const serverAudioOutputConfigSchema = /* @__PURE__ */ pure(() => z.looseObject({
  format: lenient(serverAudioFormatSchema),
  voice: lenient(serverVoiceSchema),
  speed: lenient(z.number()),
}));
