/**
 * How the Realtime mock reads one client frame, as the API does: binary frames and frames over
 * the size limit are refused, the text is parsed strictly with the SDK's client schemas (the
 * API refuses an unknown parameter), and a bad frame becomes the `error` body the API would
 * send, with what to record in the log for it.
 */

import { exceedsUtf8Bytes } from '../../events/frame';
import { parseClientEvent } from '../../events/parse';
import type { ClientEventInputMap } from '../../events/client-events';
import type { WireEvent } from '../recording/event-log';
import { mockErrors, validationError } from './errors';
import type { MockErrorBody } from './errors';
import { isRecord } from '../../base/is-record';

/** A client event the session can dispatch. */
export type KnownClientEvent = ClientEventInputMap[keyof ClientEventInputMap];

/** What a frame turned out to be. */
export type ClientFrame =
  | { kind: 'binary'; bytes: number }
  | { kind: 'event'; event: KnownClientEvent; bytes: number }
  | {
      kind: 'refused';
      /** What the log records as received. */
      recorded: WireEvent;
      /** The `error` to answer with. */
      error: Omit<MockErrorBody, 'event_id'>;
      /** The frame's own `event_id`, echoed in the error. */
      clientEventId: string | null;
      bytes: number;
    };

/** Reads one client frame (text, or the bytes of a binary frame). Never throws. */
export function readClientFrame(data: string | Uint8Array, isBinary: boolean, maxFrameBytes: number): ClientFrame {
  const bytes = typeof data === 'string' ? data.length : data.byteLength;
  if (isBinary) return { kind: 'binary', bytes };
  if (typeof data === 'string' ? exceedsUtf8Bytes(data, maxFrameBytes) : data.byteLength > maxFrameBytes) {
    return { kind: 'refused', recorded: { type: '(frame too large)' }, error: mockErrors.frameTooLarge(bytes, maxFrameBytes), clientEventId: null, bytes };
  }
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  // Strict: the API refuses an unknown parameter, so the mock does too.
  const result = parseClientEvent(text, { maxFrameBytes, strict: true });
  if (result.ok && result.known) return { kind: 'event', event: result.event, bytes };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  const object = isRecord(raw) ? raw : undefined;
  const clientEventId = typeof object?.event_id === 'string' ? object.event_id : null;
  let error: Omit<MockErrorBody, 'event_id'>;
  if (result.ok) {
    error = mockErrors.unknownType(result.event.type);
  } else if (result.error.code === 'VOXWIRE_INVALID_JSON') {
    error = mockErrors.invalidJson(result.error.message.replace(/^client frame (is not valid JSON: )?/, ''));
  } else if (object === undefined || typeof object.type !== 'string') {
    error = mockErrors.missingType();
  } else {
    error = validationError(object, result.error);
  }
  const recorded: WireEvent = object && typeof object.type === 'string' ? (object as WireEvent) : { type: '(invalid)' };
  return { kind: 'refused', recorded, error, clientEventId, bytes };
}
