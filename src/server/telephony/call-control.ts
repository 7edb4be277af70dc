/**
 * The first steps both kinds of SIP call (Realtime and GPT-Live) take when the SIP handler
 * answers one: the relay's admission (a refused call is rejected with a SIP status that says
 * why) and the accept, over the REST call actions of http/call-actions.
 */
import { messageOf, RealtimeError, type RealtimeErrorCode } from '../../base/errors';
import type { Logger } from '../../base/logger';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import { postCallAction, type CallApi, type CallControlOptions } from '../http/call-actions';

/** The SIP status a call refused by the relay is rejected with: 486 Busy Here for concurrency, 403 for a spent budget, else 503. */
export function rejectStatusFor(code: RealtimeErrorCode): number {
  if (code === 'VOXWIRE_CONCURRENCY_LIMIT') return 486;
  if (code === 'VOXWIRE_BUDGET_EXHAUSTED') return 403;
  return 503;
}

/** A ringing call the SIP handler is answering: where to act on it, and where to log. */
export interface RingingCall {
  /** The calls endpoints and the server's key. */
  control: CallControlOptions;
  /** The API the call was offered on. */
  api: CallApi;
  /** `rtc_...` or `live_...`. */
  callId: string;
  logger: Logger;
}

/**
 * Rejects a call the relay will not take, with the SIP status of the refusal
 * ({@link rejectStatusFor}; a failed reject is logged, the call then times out at the API),
 * and throws the refusal.
 *
 * @throws {RealtimeError} always: `code`, with `message` naming the call.
 */
export async function rejectRefusedCall(call: RingingCall, code: RealtimeErrorCode, message: string): Promise<never> {
  await postCallAction(call.control, call.api, call.callId, 'reject', { status_code: rejectStatusFor(code) }).catch((error: unknown) =>
    call.logger.warn('sip: rejecting a refused call failed', { callId: call.callId, error: messageOf(error) }),
  );
  throw new RealtimeError(code, `call ${call.callId}: ${message}`);
}

/**
 * The relay's admission of a ringing call (draining, budget, per-user concurrency) for the
 * identity it is charged to, before it is answered; a refused call is rejected
 * ({@link rejectRefusedCall}).
 *
 * @throws {RealtimeError} the relay's code for a refusal (`VOXWIRE_BUDGET_EXHAUSTED`,
 * `VOXWIRE_CONCURRENCY_LIMIT`), `VOXWIRE_CONNECTION_FAILED` for a rejection (store failure, draining).
 */
export async function admitCall<Identity extends RelayIdentity>(relay: RelayCore<Identity>, identity: Identity, call: RingingCall): Promise<RelayTicket<Identity>> {
  const admission = await relay.admitIdentity(identity);
  if (admission.status === 'accepted') return admission.ticket;
  if (admission.status === 'refused') return rejectRefusedCall(call, admission.errorCode, admission.message);
  return rejectRefusedCall(call, 'VOXWIRE_CONNECTION_FAILED', `the relay refused the call (${admission.httpStatus}: ${admission.body})`);
}

/**
 * Accepts a ringing call with `body` (a Realtime session, or `{ session }` for a Live one).
 *
 * @throws {RealtimeError} `VOXWIRE_UPSTREAM_ERROR` when the call is no longer ringing (404) or
 * the API refuses the accept, `VOXWIRE_CONNECTION_FAILED` when it cannot be reached.
 */
export async function acceptCall(call: RingingCall, body: unknown): Promise<void> {
  const found = await postCallAction(call.control, call.api, call.callId, 'accept', body);
  if (!found) throw new RealtimeError('VOXWIRE_UPSTREAM_ERROR', `call ${call.callId} is no longer ringing (the API answered 404 to accept)`);
}
