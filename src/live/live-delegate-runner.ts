/**
 * The runner of client delegations: the app's `delegate` handler works out the task from the
 * turns since the previous delegation, and its answer goes back as thinking, then commentary,
 * under the delegation's id. Speech interrupted meanwhile does not cancel the work; a session
 * that ended does (its delegation ids die with it), so a late answer is orphaned: dropped, or
 * appended to the new session as thinking (`orphanedResults`), never sent under a dead id.
 */
import type { RealtimeError } from '../base/errors';
import type { LiveAppended, LiveDelegationInfo, LiveDelegationResult } from './live-client-events';
import type { LiveContext } from './live-context';
import type { LiveAppend, LiveDelegateHandler, LiveDelegationReply } from './live-delegate';
import type { LiveTurn } from './live-transcript';

/** One delegation to work out, as it stood when it came. */
export interface LiveDelegateJob {
  /** The delegation. */
  delegation: LiveDelegationInfo;
  /** The turns since the previous delegation. */
  transcript: LiveTurn[];
  /** The session generation it came in (an answer after it ended is orphaned). */
  generation: number;
  /** The client's signal then: aborted when the client ends. */
  signal: AbortSignal;
}

/**
 * Runs the handler for `delegation` and reports the outcome (`delegationResult`, and `error`
 * when it failed); never rejects. `errorClass` is `RealtimeError`, passed in: this module loads
 * on demand and imports nothing at run time, so its chunk shares no code with the Live app's
 * load (live-tool-delegation.ts does the same).
 */
export async function runDelegate(context: LiveContext, append: LiveAppend, job: LiveDelegateJob, errorClass: typeof RealtimeError): Promise<void> {
  const { clock, emit } = context;
  const { delegation, transcript, generation, signal } = job;
  const handler = context.options.delegate as LiveDelegateHandler;
  const orphanedResults = context.options.orphanedResults ?? 'drop';
  const startedAt = clock.now();
  const result = (status: LiveDelegationResult['status'], reply: { speak?: string | undefined; think?: string | undefined }, appended: LiveAppended[], error?: RealtimeError): void => {
    if (error && status === 'failed') emit('error', error);
    emit('delegationResult', { delegation, status, speak: reply.speak, think: reply.think, appended, durationMs: Math.max(0, clock.now() - startedAt), error });
  };
  let reply: { speak?: string | undefined; think?: string | undefined };
  try {
    const text = transcript.map((turn) => `${turn.speaker}: ${turn.text}`).join('\n');
    reply = normalizeReply(await handler({ delegation, transcript, text, signal }), errorClass);
  } catch (cause) {
    if (signal.aborted) return;
    const message = cause instanceof Error ? cause.message : String(cause);
    return result('failed', {}, [], new errorClass('VOXWIRE_DELEGATION_FAILED', `The delegate handler of delegation ${delegation.id} threw: ${message}`, { cause }));
  }
  if (signal.aborted) return;
  if (reply.speak === undefined && reply.think === undefined) return result('empty', reply, []);
  const orphaned = context.generation !== generation;
  try {
    if (orphaned) {
      const error = new errorClass(
        'VOXWIRE_DELEGATION_ORPHANED',
        `The answer to delegation ${delegation.id} came after its session ${delegation.sessionId} ended; ${orphanedResults === 'thinking' ? 'it was appended to the new session as thinking.' : 'it was dropped.'}`,
      );
      const appended = orphanedResults === 'thinking' ? await append('thinking', [reply.think, reply.speak].filter(Boolean).join('\n'), null) : [];
      return result('orphaned', reply, appended, error);
    }
    // Silent context first, so the spoken answer can lean on it.
    const appended = [
      ...(reply.think === undefined ? [] : await append('thinking', reply.think, delegation.id)),
      ...(reply.speak === undefined ? [] : await append('commentary', reply.speak, delegation.id)),
    ];
    result('delivered', reply, appended);
  } catch (cause) {
    if (signal.aborted) return;
    const error =
      cause instanceof errorClass && cause.code !== 'VOXWIRE_SERVER_ERROR'
        ? cause
        : new errorClass('VOXWIRE_DELEGATION_FAILED', `The answer to delegation ${delegation.id} was refused: ${cause instanceof Error ? cause.message : String(cause)}`, {
            cause,
            ...(cause instanceof errorClass && cause.serverError ? { serverError: cause.serverError } : {}),
          });
    result('failed', reply, [], error);
  }
}

function normalizeReply(reply: LiveDelegationReply, errorClass: typeof RealtimeError): { speak?: string; think?: string } {
  if (typeof reply === 'string') return reply.trim() === '' ? {} : { speak: reply };
  if (reply === undefined || reply === null) return {};
  if (typeof reply !== 'object') {
    throw new errorClass('VOXWIRE_INVALID_ARGUMENT', `A delegate handler must return a string, { speak?, think? } or nothing, got ${typeof reply}.`);
  }
  const out: { speak?: string; think?: string } = {};
  for (const key of ['speak', 'think'] as const) {
    const value = reply[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new errorClass('VOXWIRE_INVALID_ARGUMENT', `A delegate handler's \`${key}\` must be a string, got ${typeof value}.`);
    if (value.trim() !== '') out[key] = value;
  }
  return out;
}

