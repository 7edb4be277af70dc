/**
 * Why a relay session ended, and the close code the client gets for each reason: both from the
 * one table in `src/base/errors.ts` (its close codes, docs/errors.md).
 */
import { SESSION_END_REASONS, type SessionEndReason } from '../../base/errors';

/** Why a relay session ended: the shared {@link SessionEndReason} vocabulary. */
export type RelayEndReason = SessionEndReason;

/** Every {@link RelayEndReason}, for metrics that list all reasons from the start. */
export const RELAY_END_REASONS = Object.keys(SESSION_END_REASONS) as readonly RelayEndReason[];

/** The close code the relay sends the client when it ends a session for `reason`. */
export function closeCodeFor(reason: RelayEndReason): number {
  return SESSION_END_REASONS[reason].closeCode;
}
