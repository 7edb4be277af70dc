/**
 * How the clients turn what ends or fails a session into errors and states: a server `error`
 * event into a `RealtimeError`, anything thrown into one, and a close into the `expired`
 * reason. Shared by `RealtimeClient` and `TranslationClient`, which end sessions alike.
 */
import type { ClientState } from './client-events';
import { RealtimeError, expiryReasonOf, isRealtimeError } from '../base/errors';
import type { RealtimeErrorCode, ServerErrorDetails, SessionExpiredReason } from '../base/errors';

/** A server `error` event's `error` object as a `RealtimeError` (`VOXWIRE_SESSION_EXPIRED` for `session_expired`). */
export function serverErrorFromEvent(event: { error: ServerErrorDetails }): RealtimeError {
  const { error } = event;
  const code = error.code === 'session_expired' ? 'VOXWIRE_SESSION_EXPIRED' : 'VOXWIRE_SERVER_ERROR';
  return new RealtimeError(code, `Server error${error.code ? ` ${error.code}` : ''}: ${error.message}${error.param ? ` (param: ${error.param})` : ''}`, {
    serverError: { type: error.type, code: error.code, message: error.message, param: error.param, event_id: error.event_id },
    ...(error.param ? { path: error.param } : {}),
  });
}

/** Anything thrown, as a `RealtimeError` (kept as it is when it already is one). */
export function toRealtimeError(error: unknown, code: RealtimeErrorCode): RealtimeError {
  if (isRealtimeError(error)) return error;
  return new RealtimeError(code, error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * Why a session that closed for good expired: from its close code, or the reason the relay
 * announced with `voxwire.session.ending` when it closed with that reason's code (the one
 * table, `SESSION_END_REASONS`).
 */
export function expiryReason(code: number, sessionExpired: boolean, announced?: string): SessionExpiredReason {
  return expiryReasonOf(code, sessionExpired, announced);
}

/**
 * The end state for a reconnect attempt that failed in a way another attempt cannot change (over
 * WebRTC these refusals arrive as the HTTP answer to the offer rather than as close codes), or
 * undefined to keep trying.
 */
export function finalStateAfter(failure: RealtimeError): (ClientState & { status: 'closed' | 'expired' }) | undefined {
  if (failure.code === 'VOXWIRE_BUDGET_EXHAUSTED') return { status: 'expired', reason: 'budget_exhausted' };
  if (failure.code === 'VOXWIRE_AUTHENTICATION_FAILED' || failure.code === 'VOXWIRE_CONCURRENCY_LIMIT' || failure.code === 'VOXWIRE_POLICY_VIOLATION') {
    return { status: 'closed', reason: failure.message, error: failure };
  }
  return undefined;
}
