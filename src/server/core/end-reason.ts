/**
 * Why a relay session ended, and the close code the client gets for each reason. The codes
 * come from the one table in `src/base/errors.ts` (DESIGN.md "Close codes").
 */
import { CLOSE_CODES } from '../../base/errors';

/**
 * Why a relay session ended:
 * - `client_closed`: the client closed its socket (or it dropped, or missed a heartbeat);
 * - `upstream_closed`: the upstream ended the session normally (including its own expiry);
 * - `upstream_failed`: the upstream connection dropped or errored; the client is told and
 *   reconnects;
 * - `time_limit`, `idle`: a relay limit (close 4001);
 * - `budget_exhausted`: the user's budget ran out (close 4002);
 * - `policy_violation`: too many refused frames, or the operator's session config was
 *   refused upstream (close 4004);
 * - `draining`: the relay shut down (close 4000, the client reconnects elsewhere);
 * - `ended_by_operator`: `relay.endSession()` from this or any node.
 */
export type RelayEndReason =
  | 'client_closed'
  | 'upstream_closed'
  | 'upstream_failed'
  | 'time_limit'
  | 'idle'
  | 'budget_exhausted'
  | 'policy_violation'
  | 'draining'
  | 'ended_by_operator';

/** Every {@link RelayEndReason}, for metrics that list all reasons from the start. */
export const RELAY_END_REASONS: readonly RelayEndReason[] = [
  'client_closed',
  'upstream_closed',
  'upstream_failed',
  'time_limit',
  'idle',
  'budget_exhausted',
  'policy_violation',
  'draining',
  'ended_by_operator',
];

/** The close code the relay sends the client when it ends a session for `reason`. */
export function closeCodeFor(reason: RelayEndReason): number {
  switch (reason) {
    case 'time_limit':
    case 'idle':
      return CLOSE_CODES.sessionTimeLimit;
    case 'budget_exhausted':
      return CLOSE_CODES.budgetExhausted;
    case 'policy_violation':
      return CLOSE_CODES.policyViolation;
    case 'draining':
      return CLOSE_CODES.draining;
    // A dropped upstream is not the client's fault: "going away" makes it reconnect (the
    // client only treats 1001 as the end when a session_expired error came first).
    case 'upstream_failed':
      return CLOSE_CODES.goingAway;
    default:
      return CLOSE_CODES.normal;
  }
}
