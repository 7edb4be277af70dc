/**
 * What a relayed session knows about frames without parsing them: which upstream event types
 * it inspects, the deltas it forwards at once, the upstream errors that concern the relay's own
 * key, the close texts, and the small byte-counting helpers of the hot path.
 */
import { describeAudioFormat } from '../../codec/audio-format';
import type { RealtimeError, RealtimeErrorCode } from '../../base/errors';
import type { FrameRejectReason } from '../metrics';
import type { RelayEndReason } from './end-reason';
import { paddedBase64Bytes, scanEventId } from './frame-scan';
import type { RelayFrame } from './socket';
import { isRecord } from '../../base/is-record';

/** A JSON object as the relay reads it. */
export type Json = Record<string, unknown>;

/** Upstream event types the relay parses; every other type is forwarded untouched. */
export const INSPECTED_TYPES: ReadonlySet<string> = new Set([
  'error',
  'session.created',
  'session.updated',
  'response.created',
  'response.done',
  'conversation.item.input_audio_transcription.completed',
  'response.output_audio_transcript.done',
  'response.output_text.done',
]);

/** With server-side tools, the events that may concern a server call are parsed too. */
export const INSPECTED_TYPES_WITH_TOOLS: ReadonlySet<string> = new Set([
  ...INSPECTED_TYPES,
  'response.output_item.added',
  'response.output_item.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'conversation.item.added',
  'conversation.item.done',
  'conversation.item.created',
  'conversation.item.retrieved',
  'conversation.item.truncated',
  'conversation.item.deleted',
  'input_audio_buffer.committed',
]);

/**
 * What a sideband sees of a WebRTC call's audio, which flows as media tracks: the speech the
 * server detected (its start and end in the input audio) and when the output audio buffer
 * started and stopped playing.
 */
export const MEDIA_TRACK_TYPES: readonly string[] = [
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
];

export const PCM_24K_BYTES_PER_SECOND = 48_000;

export const OUTPUT_AUDIO_DELTA = 'response.output_audio.delta';
/** A translation session's audio and transcript deltas: forwarded (and charged) without parsing. */
export const TRANSLATION_AUDIO_DELTA = 'session.output_audio.delta';
export const TRANSLATION_DELTAS: ReadonlySet<string> = new Set([TRANSLATION_AUDIO_DELTA, 'session.output_transcript.delta', 'session.input_transcript.delta']);
export const OUTPUT_TEXT_DELTAS: ReadonlySet<string> = new Set(['response.output_audio_transcript.delta', 'response.output_text.delta']);

/** Client events (other than audio) held at most while a mixed turn's server tools finish. */
export const MAX_HELD_CLIENT_FRAMES = 256;

/** How long the client's `session.created` waits for the upstream to confirm the operator's config. */
export const INIT_TIMEOUT_MS = 5000;

/**
 * Upstream `error` codes and types that are about the relay's own key or account, never the
 * client's doing: the client gets a relay error without the upstream's text (which quotes a
 * masked key), and a close code that stops it retrying.
 */
const SERVER_KEY_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_api_key',
  'insufficient_quota',
  'billing_hard_limit_reached',
  'account_deactivated',
  'organization_deactivated',
  'invalid_organization',
  'unauthorized',
]);
const SERVER_KEY_ERROR_TYPES: ReadonlySet<string> = new Set(['authentication_error', 'insufficient_quota', 'permission_error']);
/** Key material an upstream message may quote, masked or not (`sk-proj-****LEAK`). */
const KEY_FRAGMENT = /\b(?:sk|ek|rk)-[A-Za-z0-9_*.-]{3,}/;

/** True when an upstream `error` is about the relay's own key, account or quota. */
export function isServerKeyError(error: Json): boolean {
  if (typeof error.code === 'string' && SERVER_KEY_ERROR_CODES.has(error.code)) return true;
  if (typeof error.type === 'string' && SERVER_KEY_ERROR_TYPES.has(error.type)) return true;
  return typeof error.message === 'string' && KEY_FRAGMENT.test(error.message);
}

/** The close frame's reason text for each end reason. */
export const CLOSE_MESSAGES: Record<RelayEndReason, string> = {
  client_closed: 'client closed',
  upstream_closed: 'upstream session ended',
  upstream_failed: 'upstream connection lost',
  time_limit: 'session time limit reached',
  idle: 'session idle',
  budget_exhausted: 'budget exhausted',
  policy_violation: 'policy violation',
  draining: 'relay draining, reconnect',
  ended_by_operator: 'session ended by operator',
};

const clockSource = globalThis.performance;
/** The high-resolution clock of the latency histogram (not the relay's injectable clock). */
export const now = (): number => clockSource.now();

/**
 * One frame in this many is timed for the relay-added latency histogram: the distribution is
 * the same, and the other frames skip two clock reads. Must be a power of two.
 */
const LATENCY_SAMPLE_EVERY = 8;
let frameSerial = 0;

/** The arrival time of a frame that is timed, or -1 for one that is not. */
export function arrival(): number {
  frameSerial = (frameSerial + 1) & (LATENCY_SAMPLE_EVERY - 1);
  return frameSerial === 0 ? now() : -1;
}

export function frameLength(frame: RelayFrame): number {
  return typeof frame === 'string' ? frame.length : frame.byteLength;
}

/** Decoded bytes of a base64 string (its length alone; padding counted off). */
export function base64Bytes(base64: string): number {
  return paddedBase64Bytes(base64.length, base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
}

/** The bytes a second of an audio `format` object, or `fallback` when it is absent or unknown. */
export function bytesPerSecondOf(format: unknown, fallback: number): number {
  if (!isRecord(format) || typeof format.type !== 'string') return fallback;
  try {
    const info = describeAudioFormat({ type: format.type, rate: typeof format.rate === 'number' ? format.rate : undefined });
    return info.sampleRate * info.bytesPerSample;
  } catch {
    // An unknown format keeps the last known rate: budgets stay approximate, nothing breaks.
    return fallback;
  }
}

/** The models a client's `session.update` names, with where (`session.model`, the transcription model). */
export function modelsNamedBy(session: Json): Array<[model: string, path: string]> {
  const audio = isRecord(session.audio) ? session.audio : undefined;
  const input = isRecord(audio?.input) ? audio.input : undefined;
  const transcription = isRecord(input?.transcription) ? input.transcription : undefined;
  const named: Array<[string, string]> = [];
  if (typeof session.model === 'string') named.push([session.model, 'session.model']);
  if (typeof transcription?.model === 'string') named.push([transcription.model, 'session.audio.input.transcription.model']);
  return named;
}

/**
 * How a session refuses a client frame that did not parse (Realtime and Live alike): the reject
 * reason, the error's code and message, the field it names and the frame's `event_id`.
 */
export function parseRefusal(error: RealtimeError, frame: RelayFrame): [FrameRejectReason, RealtimeErrorCode, string, { param: string | undefined; eventId: string | undefined }] {
  return [error.code === 'VOXWIRE_FRAME_TOO_LARGE' ? 'too_large' : 'invalid', error.code, error.message, { param: error.path, eventId: scanEventId(frame) }];
}
