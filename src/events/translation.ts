/**
 * The protocol of Realtime **translation** sessions (`/v1/realtime/translations`,
 * `gpt-realtime-translate`), as the `openai` package (7.60.0) types it in
 * `resources/realtime/realtime.d.ts` (`RealtimeTranslation*`). It is a protocol of its own: it
 * shares event names with conversations (`session.update`, `session.created`, `error`) but not
 * their shapes, so it has its own schemas, validators and parse/serialize functions, kept out of
 * the conversation tables (a conversation app never loads them).
 *
 * Same conventions as the conversation schemas: server schemas are loose (unknown fields kept,
 * optional fields accept `null`), client schemas are strict (the server rejects a whole event
 * for one unknown field). Parsing runs the validators generated from these schemas
 * (`generated/translation-validators.ts`), never zod: parse, serialize and the session merge
 * live in `translation-parse.ts`, so the client and the relay never load this module.
 */
import * as z from 'zod/mini';
import { lenient } from './primitives';
import { pure } from './pure';
import { errorObjectSchema } from './server-events';

const noiseReductionType = () => z.enum(['near_field', 'far_field']);

/**
 * The audio settings a client may send (`session.update`, client secrets): the target language,
 * optional source transcription and noise reduction. Strict: one unknown field fails.
 */
export const translationAudioConfigSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Input audio settings. */
  input: z.optional(z.strictObject({
    /**
     * Optional source-language transcription. When configured, the server emits
     * `session.input_transcript.delta` events; `null` turns it off.
     */
    transcription: z.optional(z.nullable(z.strictObject({
      /** The transcription model used for source transcript deltas (e.g. `gpt-realtime-whisper`). */
      model: z.string(),
    }))),
    /** Optional input noise reduction; `null` turns it off. */
    noise_reduction: z.optional(z.nullable(z.strictObject({
      /** `near_field` for headsets, `far_field` for laptop and room microphones. */
      type: noiseReductionType(),
      /** Suppression strength; higher suppresses more. Omitting it keeps the current strength. */
      strength: z.optional(z.number()),
    }))),
  })),
  /** Output settings. */
  output: z.optional(z.strictObject({
    /** Target language of the translated audio and transcript (e.g. `es`, `fr`). */
    language: z.optional(z.string()),
  })),
}));

/**
 * The translation session fields a client may update with `session.update` (`type` and `model`
 * are fixed at creation).
 */
export const translationSessionUpdateSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Input and output audio settings. */
  audio: z.optional(translationAudioConfigSchema),
}));

/**
 * What a translation client secret is created with (`RealtimeTranslationSessionCreateRequest`):
 * the model and the audio settings. There is no `type`: the endpoint is the session kind.
 */
export const translationSessionCreateSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** The translation model, e.g. `gpt-realtime-translate`. */
  model: z.string(),
  /** Input and output audio settings. */
  audio: z.optional(translationAudioConfigSchema),
}));

/** A translation session as the server reports it (`session.created|updated`). Loose. */
export const translationSessionSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** Unique identifier of the session, `sess_...`. */
  id: lenient(z.string()),
  /** Always `translation`. */
  type: lenient(z.string()),
  /** The translation model, fixed at creation. */
  model: lenient(z.string()),
  /** When the session expires, in Unix seconds. */
  expires_at: lenient(z.number()),
  /** The audio settings in effect. */
  audio: lenient(z.looseObject({
    /** Input settings. */
    input: lenient(z.looseObject({
      /** Source transcription, if on. */
      transcription: lenient(z.looseObject({
        /** The transcription model. */
        model: lenient(z.string()),
      })),
      /** Noise reduction, if on. */
      noise_reduction: lenient(z.looseObject({
        /** `near_field` or `far_field`. */
        type: lenient(z.string()),
        /** Suppression strength. */
        strength: lenient(z.number()),
      })),
    })),
    /** Output settings. */
    output: lenient(z.looseObject({
      /** Target language. */
      language: lenient(z.string()),
    })),
  })),
}));

function serverEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.looseObject({
    /** The event type. */
    type: z.literal(type),
    /** The unique ID of the server event. */
    event_id: z.string(),
    ...shape,
  });
}

function clientEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.strictObject({
    /** The event type. */
    type: z.literal(type),
    /** Optional client-generated ID; `serializeTranslationClientEvent` fills it in when absent. */
    event_id: z.optional(z.string()),
    ...shape,
  });
}

const timing = () => ({
  /**
   * Alignment metadata from the translation frame (advances in 200 ms steps; several deltas may
   * share one value). Not a unique id.
   */
  elapsed_ms: lenient(z.number()),
});

/** Every translation server event, by `type` (`RealtimeTranslationServerEvent`). */
export const translationServerEventSchemas = /* @__PURE__ */ pure(() => ({
  /** An error; most are recoverable and the session stays open. */
  error: serverEvent('error', {
    /** Details of the error. */
    error: errorObjectSchema,
  }),
  /** The first event of every connection: the session with its defaults. */
  'session.created': serverEvent('session.created', {
    /** The translation session. */
    session: translationSessionSchema,
  }),
  /** The answer to `session.update`: the whole session as it now is. */
  'session.updated': serverEvent('session.updated', {
    /** The translation session. */
    session: translationSessionSchema,
  }),
  /** The session closed (after `session.close`, once the remaining output was sent). */
  'session.closed': serverEvent('session.closed', {}),
  /** Source-language transcript text (only with `audio.input.transcription`). Append-only. */
  'session.input_transcript.delta': serverEvent('session.input_transcript.delta', {
    /** Append-only source transcript text; do not insert spaces between deltas. */
    delta: z.string(),
    ...timing(),
  }),
  /** Translated transcript text. Append-only. */
  'session.output_transcript.delta': serverEvent('session.output_transcript.delta', {
    /** Append-only translated transcript text; do not insert spaces between deltas. */
    delta: z.string(),
    ...timing(),
  }),
  /** Translated audio: a PCM16 chunk of any length. */
  'session.output_audio.delta': serverEvent('session.output_audio.delta', {
    /** Base64-encoded translated audio (PCM16 little-endian). */
    delta: z.string(),
    /** Sample rate of the chunk (24000). */
    sample_rate: lenient(z.number()),
    /** Number of channels (1). */
    channels: lenient(z.number()),
    /** Encoding of `delta`: `pcm16`. */
    format: lenient(z.string()),
    ...timing(),
  }),
}));

/** Every translation client event, by `type` (`RealtimeTranslationClientEvent`). */
export const translationClientEventSchemas = /* @__PURE__ */ pure(() => ({
  /** Updates the target language, source transcription or noise reduction. */
  'session.update': clientEvent('session.update', {
    /** The fields to update. */
    session: translationSessionUpdateSchema,
  }),
  /**
   * Appends source audio: base64 24 kHz PCM16 mono. The server works in 200 ms frames; keep
   * appending (silence too) while the session is live.
   */
  'session.input_audio_buffer.append': clientEvent('session.input_audio_buffer.append', {
    /** Base64-encoded 24 kHz PCM16 mono audio. */
    audio: z.string(),
  }),
  /** Closes the session gracefully: pending input is flushed and the remaining output sent. */
  'session.close': clientEvent('session.close', {}),
}));

type ServerSchemas = typeof translationServerEventSchemas;
type ClientSchemas = typeof translationClientEventSchemas;

/** Translation server events by type. */
export type TranslationServerEventMap = { [Type in keyof ServerSchemas]: z.infer<ServerSchemas[Type]> };
/** A translation server event of a known type. */
export type TranslationServerEvent = TranslationServerEventMap[keyof TranslationServerEventMap];
/** A translation server event type. */
export type TranslationServerEventType = keyof TranslationServerEventMap;
/** Translation client events by type, as the SDK accepts them (`event_id` optional). */
export type TranslationClientEventMap = { [Type in keyof ClientSchemas]: z.input<ClientSchemas[Type]> };
/** A translation client event. */
export type TranslationClientEvent = TranslationClientEventMap[keyof TranslationClientEventMap];
/** A translation session as the server reports it. */
export type TranslationSession = z.infer<typeof translationSessionSchema>;
/** The translation fields `session.update` may change. */
export type TranslationSessionUpdate = z.input<typeof translationSessionUpdateSchema>;
/** What a translation client secret is created with. */
export type TranslationSessionCreate = z.input<typeof translationSessionCreateSchema>;
