/**
 * Parse, serialize and merge for Realtime **translation** sessions, with the validators
 * generated from the schemas in `translation.ts` (zod is never loaded here: the root entry's
 * `TranslationClient` and `translationProtocol` import this module, not the schemas).
 */
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_MAX_SERVER_FRAME_BYTES } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { FrameData } from './frame';
import { translationClientEventValidators, translationServerEventValidators } from './generated/translation-validators';
import { describeError, describeValue } from './issues';
import { parseFrame } from './parse';
import type { ParseOptions, ParseResult } from './parse';
import { serializeWith } from './serialize';
import type { SerializeOptions } from './serialize';
import type { TranslationClientEvent, TranslationServerEvent, TranslationSessionUpdate } from './translation';

/** Translation sessions take 24 kHz PCM16 mono only (`session.input_audio_buffer.append`). */
export const TRANSLATION_SAMPLE_RATE = 24000;

/** A server event of a type the SDK does not know: delivered whole. */
export interface UnknownTranslationServerEvent {
  /** Its type. */
  type: string;
  /** Every other field, as it arrived. */
  [field: string]: unknown;
}

/** The result of {@link parseTranslationServerEvent}. */
export type TranslationServerEventParseResult = ParseResult<TranslationServerEvent, UnknownTranslationServerEvent>;

/** Client event types people send to a translation session by mistake, with the right one. */
const TRANSLATION_TYPE_HINTS: Readonly<Record<string, string>> = {
  'input_audio_buffer.append': "translation sessions take 'session.input_audio_buffer.append'",
  'input_audio_buffer.commit': 'translation sessions have no commits: keep appending audio',
  'response.create': 'translation sessions have no responses: keep appending audio and the translation streams out',
};

function unknownTranslationType(type: string): string {
  const hint = Object.hasOwn(TRANSLATION_TYPE_HINTS, type) ? ` (${TRANSLATION_TYPE_HINTS[type]})` : '';
  return `unknown translation client event type ${describeValue(type)}${hint}; translation client events: ${[...translationClientEventValidators.keys()].join(', ')}`;
}

/**
 * Parses and validates one frame from a translation session's server. Never throws: the same
 * contract and results as {@link parseServerEvent} (frame size, JSON, unknown types delivered
 * whole, a typed `error` keeping the raw text), with the translation event table.
 */
export function parseTranslationServerEvent(data: FrameData, options?: ParseOptions): TranslationServerEventParseResult {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES;
  return parseFrame(data, 'server', translationServerEventValidators, max) as TranslationServerEventParseResult;
}

/**
 * Parses one frame a translation client sent (what the relay and the mock receive). Never
 * throws; strict client schemas, as {@link parseClientEvent}.
 */
export function parseTranslationClientEvent(data: FrameData, options?: ParseOptions): ParseResult<TranslationClientEvent, UnknownTranslationServerEvent> {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
  return parseFrame(data, 'client', translationClientEventValidators, max, strictByDefault(options)) as ParseResult<TranslationClientEvent, UnknownTranslationServerEvent>;
}

/**
 * Translation events stay strict unless asked otherwise: the triage of what is only new (see
 * `triageIssues`) knows the conversation protocol's beta names, not the translation one's.
 */
function strictByDefault<Options extends { strict?: boolean }>(options: Options | undefined): Options & { strict: boolean } {
  return { ...(options as Options), strict: options?.strict ?? true };
}

/**
 * Validates an outgoing translation client event against its strict schema, fills a missing
 * `event_id` and returns the JSON text, as {@link serializeClientEvent} does for conversations.
 * A conversation-only event is refused with the translation equivalent named.
 *
 * @throws `RealtimeError` (from `voxwire`) `VOXWIRE_INVALID_CLIENT_EVENT` or `VOXWIRE_FRAME_TOO_LARGE`.
 *
 * @example
 * ```ts
 * socket.send(serializeTranslationClientEvent({ type: 'session.input_audio_buffer.append', audio: pcm16ToBase64(chunk) }));
 * ```
 */
export function serializeTranslationClientEvent(event: TranslationClientEvent, options?: SerializeOptions): string {
  try {
    return serializeWith(event, strictByDefault(options), translationClientEventValidators, unknownTranslationType);
  } catch (error) {
    if (error instanceof RealtimeError) throw error;
    throw new RealtimeError('VOXWIRE_INVALID_CLIENT_EVENT', `client event could not be read: ${describeError(error)}`, { cause: error });
  }
}

/**
 * Merges translation settings section by section (`audio.input`, `audio.output`), `update`'s
 * fields winning: what a client re-applies after a reconnect, and how a server's locked settings
 * go over a browser's.
 */
export function mergeTranslationSession(base: TranslationSessionUpdate, update: TranslationSessionUpdate | undefined): TranslationSessionUpdate {
  if (update?.audio === undefined) return base;
  const input = update.audio.input === undefined ? base.audio?.input : { ...base.audio?.input, ...update.audio.input };
  const output = update.audio.output === undefined ? base.audio?.output : { ...base.audio?.output, ...update.audio.output };
  return { ...base, audio: { ...(input === undefined ? {} : { input }), ...(output === undefined ? {} : { output }) } };
}
