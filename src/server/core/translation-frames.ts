/**
 * A translation session's client frames: its own protocol (`session.update`,
 * `session.input_audio_buffer.append`, `session.close`), parsed with the translation schemas,
 * with the operator's locked settings kept. The session acts on the verdict (forward, charge
 * the audio, or refuse), so a translation relay costs a session no object of its own.
 */
import type { RealtimeErrorCode } from '../../base/errors';
import { parseTranslationClientEvent } from '../../events/translation-parse';
import type { FrameRejectReason } from '../metrics';
import { scanEventId } from './frame-scan';
import type { ResolvedRelaySettings } from './relay-settings';
import { base64Bytes, type Json } from './session-frames';
import type { RelayFrame } from './socket';

/** What to do with a translation client frame. */
export type TranslationClientVerdict =
  | {
      /** Forward the frame as it came. */
      ok: true;
      /** Decoded bytes of the input audio it appends (charge them), or -1 for another event (activity). */
      audioBytes: number;
    }
  | {
      /** Refuse the frame with an `error` event. */
      ok: false;
      /** What the metrics count it as. */
      reason: FrameRejectReason;
      /** The error code. */
      code: RealtimeErrorCode;
      /** The error message. */
      message: string;
      /** The offending field and the frame's `event_id`. */
      details: { param?: string | undefined; eventId?: string | undefined };
      /** A known event other than audio: activity for the idle limit, though refused. */
      activity?: true;
    };

/** Checks one client frame of a translation session. */
export function translationClientVerdict(frame: RelayFrame, settings: Pick<ResolvedRelaySettings<never>, 'maxClientFrameBytes' | 'translation'>): TranslationClientVerdict {
  const result = parseTranslationClientEvent(frame, { maxFrameBytes: settings.maxClientFrameBytes });
  if (!result.ok) {
    const code = result.error.code;
    return { ok: false, reason: code === 'VOXWIRE_FRAME_TOO_LARGE' ? 'too_large' : 'invalid', code, message: result.error.message, details: { param: result.error.path, eventId: scanEventId(frame) } };
  }
  const eventId = typeof result.event.event_id === 'string' ? result.event.event_id : undefined;
  if (!result.known) {
    return { ok: false, reason: 'not_allowed', code: 'VOXWIRE_POLICY_VIOLATION', message: `client event type ${JSON.stringify(result.event.type)} is not part of a translation session`, details: { param: 'type', eventId } };
  }
  const event = result.event;
  if (event.type === 'session.input_audio_buffer.append') return { ok: true, audioBytes: base64Bytes(event.audio) };
  const changed = lockedTranslationField(settings.translation?.session?.audio, event.type === 'session.update' ? event.session.audio : undefined);
  if (changed !== undefined) {
    return { ok: false, reason: 'policy', code: 'VOXWIRE_POLICY_VIOLATION', message: `${changed} is set by this relay and cannot be changed`, details: { param: changed, eventId }, activity: true };
  }
  return { ok: true, audioBytes: -1 };
}

/**
 * The path of the first translation setting the operator locked that a client's
 * `session.update` asks to change (`session.audio.output.language`, ...), or undefined.
 */
function lockedTranslationField(locked: Readonly<Record<string, unknown>> | undefined, asked: Readonly<Record<string, unknown>> | undefined): string | undefined {
  for (const [section, field] of [['output', 'language'], ['input', 'transcription'], ['input', 'noise_reduction']] as const) {
    const fixed = (locked?.[section] as Json | undefined)?.[field];
    const wanted = (asked?.[section] as Json | undefined)?.[field];
    if (fixed !== undefined && wanted !== undefined && JSON.stringify(fixed) !== JSON.stringify(wanted)) return `session.audio.${section}.${field}`;
  }
  return undefined;
}
