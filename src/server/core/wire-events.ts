/**
 * The frames the relay itself sends to a client: an `error` event (the GA shape, so every
 * client parses it) when it refuses a frame, and `voxwire.session.ending` before it ends a
 * session. Relay events use the `voxwire.` prefix, never OpenAI's namespaces; their
 * schemas are in src/events/voxwire-events.ts, which the client reads them with.
 */
import type { RealtimeErrorCode, SessionEndingReason } from '../../base/errors';
import type { ModelWarning } from '../../base/models';
import { MODEL_DEPRECATED_EVENT_TYPE, SESSION_ENDING_EVENT_TYPE, type ModelDeprecatedEvent, type SessionEndingEvent } from '../../events/voxwire-events';
import { relayEventId } from './ids';

/** The text of a `voxwire.session.ending` event. */
export function sessionEndingFrame(secondsLeft: number, reason: SessionEndingReason): string {
  const event: SessionEndingEvent = {
    type: SESSION_ENDING_EVENT_TYPE,
    event_id: relayEventId(),
    // Whole seconds, rounded up, after rounding to a tenth: a timer that fires 2 ms early must
    // not turn "1 second left" into 2.
    seconds_left: Math.max(0, Math.ceil(Math.round(secondsLeft * 10) / 10)),
    reason,
  };
  return JSON.stringify(event);
}

/** Details of a relay `error` event. */
export interface RelayErrorDetails {
  /** The offending field's dotted path, when known. */
  param?: string | undefined;
  /** The `event_id` of the client event that was refused, when it had one. */
  eventId?: string | undefined;
}

/**
 * The text of an `error` event from the relay: GA shape, `error.type` `invalid_request_error`,
 * `error.code` a voxwire code (`VOXWIRE_POLICY_VIOLATION`, `VOXWIRE_FRAME_TOO_LARGE`, ...).
 */
export function relayErrorFrame(code: RealtimeErrorCode, message: string, details: RelayErrorDetails = {}): string {
  return JSON.stringify({
    type: 'error',
    event_id: relayEventId(),
    error: {
      type: 'invalid_request_error',
      code,
      message,
      param: details.param ?? null,
      event_id: details.eventId ?? null,
    },
  });
}

/** The text of a `voxwire.model.deprecated` event. */
export function modelDeprecatedFrame(warning: ModelWarning, message: string): string {
  const event: ModelDeprecatedEvent = {
    type: MODEL_DEPRECATED_EVENT_TYPE,
    event_id: relayEventId(),
    model: warning.model,
    shutdown_date: warning.shutdownDate,
    days_left: warning.daysLeft,
    replacement: warning.replacement ?? null,
    message,
  };
  return JSON.stringify(event);
}
