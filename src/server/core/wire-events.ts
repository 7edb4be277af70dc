/**
 * The frames the relay itself sends to a client: an `error` event (the GA shape, so every
 * client parses it) when it refuses a frame, and `voxwire.session.ending` before it ends a
 * session. Relay events use the `voxwire.` prefix, never OpenAI's namespaces (DESIGN.md).
 */
import type { RealtimeErrorCode } from '../../base/errors';
import type { ModelWarning } from '../../base/models';
import { relayEventId } from './ids';

/** The `type` of the relay's warning that it is about to end the session. */
export const SESSION_ENDING_EVENT_TYPE = 'voxwire.session.ending';

/** Why the relay is ending a session, as `voxwire.session.ending` and metrics report it. */
export type SessionEndingReason = 'time_limit' | 'idle' | 'budget_exhausted' | 'draining' | 'ended_by_operator';

/**
 * Sent to the client before the relay ends its session: `seconds_left` until the close
 * (0 when it follows at once). The voxwire client turns it into its `sessionEnding` event.
 */
export interface SessionEndingEvent {
  /** Always `voxwire.session.ending`. */
  type: typeof SESSION_ENDING_EVENT_TYPE;
  /** A relay event id (`vxr_...`). */
  event_id: string;
  /** Whole seconds until the relay closes the connection. */
  seconds_left: number;
  /** Why the session is ending. */
  reason: SessionEndingReason;
}

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

/** The `type` of the relay's warning that the session's model shuts down soon. */
export const MODEL_DEPRECATED_EVENT_TYPE = 'voxwire.model.deprecated';

/**
 * Sent once per session and model when the model shuts down within 60 days (OpenAI's
 * announced date). The voxwire client turns it into its `modelWarning` event; other clients
 * pass it through as an unknown event.
 */
export interface ModelDeprecatedEvent {
  /** Always `voxwire.model.deprecated`. */
  type: typeof MODEL_DEPRECATED_EVENT_TYPE;
  /** A relay event id (`vxr_...`). */
  event_id: string;
  /** The model the session uses. */
  model: string;
  /** The announced shutdown date (`YYYY-MM-DD`, UTC). */
  shutdown_date: string;
  /** Whole days left until the shutdown. */
  days_left: number;
  /** The recommended replacement, or null when none is named. */
  replacement: string | null;
  /** The warning in words. */
  message: string;
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
