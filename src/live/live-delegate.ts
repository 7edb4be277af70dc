/**
 * Client delegation: GPT-Live hands a task to the app (`session.delegation.created`, metadata
 * only), the app works it out from what was said since the last delegation and answers with
 * text to speak (`session.commentary.append`) or to think (`session.thinking.append`), each at
 * most 500 tokens, acknowledged by `*.appended`. Speech interrupted meanwhile does not cancel
 * the work; a session that ended does (its delegation ids die with it), so a late answer is
 * orphaned, never sent under a dead id.
 */
import type { Clock } from '../base/clock';
import { RealtimeError } from '../base/errors';
import type { LiveAppended, LiveDelegationInfo, LiveDelegationResult } from './live-client-events';
import type { LiveTurn } from './live-transcript';

/** What a {@link LiveDelegateHandler} receives. */
export interface LiveDelegationRequest {
  /** The delegation. */
  delegation: LiveDelegationInfo;
  /** The turns since the previous delegation (a turn open then is included whole). */
  transcript: LiveTurn[];
  /** Those turns as `speaker: text` lines: the task, as far as the transcript tells it. */
  text: string;
  /** Aborted when the client ends (not on barge-in: GPT-Live does not cancel backend work). */
  signal: AbortSignal;
}

/**
 * The answer of a delegate handler: a string is spoken (commentary); an object may give text
 * to speak, to think (silent context), or both; nothing means nothing to add.
 */
export type LiveDelegationReply =
  | string
  | {
      /** Text the voice model says (`session.commentary.append`). */
      speak?: string;
      /** Text the voice model thinks with (`session.thinking.append`). */
      think?: string;
    }
  | undefined
  | void;

/** Works out a client delegation. */
export type LiveDelegateHandler = (request: LiveDelegationRequest) => LiveDelegationReply | Promise<LiveDelegationReply>;

/** What becomes of an answer that arrives after its session ended. */
export type LiveOrphanedResults = 'drop' | 'thinking';

/** What the runner needs from `LiveClient`. */
export interface LiveDelegateHost {
  /** The session generation now (it changes when a new session starts). */
  generation(): number;
  /** Appends text of `kind` for `delegationId` (null: no delegation) and resolves with its acknowledgements. */
  append(kind: 'commentary' | 'thinking', text: string, delegationId: string | null): Promise<LiveAppended[]>;
  /** Reports the outcome. */
  report(result: LiveDelegationResult): void;
}

/** Runs the app's handler for each client delegation. */
export class LiveDelegateRunner {
  readonly #handler: LiveDelegateHandler;
  readonly #host: LiveDelegateHost;
  readonly #clock: Clock;
  readonly #orphaned: LiveOrphanedResults;

  constructor(handler: LiveDelegateHandler, host: LiveDelegateHost, clock: Clock, orphaned: LiveOrphanedResults) {
    this.#handler = handler;
    this.#host = host;
    this.#clock = clock;
    this.#orphaned = orphaned;
  }

  /** Runs the handler for `delegation` (never rejects: the outcome is reported). */
  async run(delegation: LiveDelegationInfo, transcript: LiveTurn[], signal: AbortSignal): Promise<void> {
    const generation = this.#host.generation();
    const startedAt = this.#clock.now();
    const result = (status: LiveDelegationResult['status'], reply: { speak?: string | undefined; think?: string | undefined }, appended: LiveAppended[], error?: RealtimeError): void =>
      this.#host.report({ delegation, status, speak: reply.speak, think: reply.think, appended, durationMs: Math.max(0, this.#clock.now() - startedAt), error });
    let reply: { speak?: string | undefined; think?: string | undefined };
    try {
      const text = transcript.map((turn) => `${turn.speaker}: ${turn.text}`).join('\n');
      reply = normalizeReply(await this.#handler({ delegation, transcript, text, signal }));
    } catch (cause) {
      if (signal.aborted) return;
      const message = cause instanceof Error ? cause.message : String(cause);
      return result('failed', {}, [], new RealtimeError('VOXWIRE_DELEGATION_FAILED', `The delegate handler of delegation ${delegation.id} threw: ${message}`, { cause }));
    }
    if (signal.aborted) return;
    if (reply.speak === undefined && reply.think === undefined) return result('empty', reply, []);
    const orphaned = this.#host.generation() !== generation;
    try {
      if (orphaned) {
        const error = new RealtimeError(
          'VOXWIRE_DELEGATION_ORPHANED',
          `The answer to delegation ${delegation.id} came after its session ${delegation.sessionId} ended; ${this.#orphaned === 'thinking' ? 'it was appended to the new session as thinking.' : 'it was dropped.'}`,
        );
        const appended = this.#orphaned === 'thinking' ? await this.#host.append('thinking', [reply.think, reply.speak].filter(Boolean).join('\n'), null) : [];
        return result('orphaned', reply, appended, error);
      }
      // Silent context first, so the spoken answer can lean on it.
      const appended = [
        ...(reply.think === undefined ? [] : await this.#host.append('thinking', reply.think, delegation.id)),
        ...(reply.speak === undefined ? [] : await this.#host.append('commentary', reply.speak, delegation.id)),
      ];
      result('delivered', reply, appended);
    } catch (cause) {
      if (signal.aborted) return;
      const error =
        cause instanceof RealtimeError && cause.code !== 'VOXWIRE_SERVER_ERROR'
          ? cause
          : new RealtimeError('VOXWIRE_DELEGATION_FAILED', `The answer to delegation ${delegation.id} was refused: ${cause instanceof Error ? cause.message : String(cause)}`, {
              cause,
              ...(cause instanceof RealtimeError && cause.serverError ? { serverError: cause.serverError } : {}),
            });
      result('failed', reply, [], error);
    }
  }
}

function normalizeReply(reply: LiveDelegationReply): { speak?: string; think?: string } {
  if (typeof reply === 'string') return reply.trim() === '' ? {} : { speak: reply };
  if (reply === undefined || reply === null) return {};
  if (typeof reply !== 'object') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `A delegate handler must return a string, { speak?, think? } or nothing, got ${typeof reply}.`);
  }
  const out: { speak?: string; think?: string } = {};
  for (const key of ['speak', 'think'] as const) {
    const value = reply[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `A delegate handler's \`${key}\` must be a string, got ${typeof value}.`);
    if (value.trim() !== '') out[key] = value;
  }
  return out;
}

/**
 * A conservative token estimate for the 500-token append limit (the client has no tokenizer):
 * a character of a CJK or other wide script counts as a token, other text as one per three
 * characters (English averages about four).
 */
export function estimateTokens(text: string): number {
  let wide = 0;
  let narrow = 0;
  for (const char of text) {
    if ((char.codePointAt(0) ?? 0) >= 0x2e80) wide += 1;
    else narrow += 1;
  }
  return wide + Math.ceil(narrow / 3);
}

/** Splits `text` into pieces of at most `maxTokens` (estimated), at whitespace where it can. */
export function splitForAppend(text: string, maxTokens: number): string[] {
  if (estimateTokens(text) <= maxTokens) return [text];
  const pieces: string[] = [];
  let current = '';
  for (const word of text.split(/(?<=\s)/)) {
    if (current !== '' && estimateTokens(current + word) > maxTokens) {
      pieces.push(current);
      current = '';
    }
    // One word longer than the limit is cut by characters.
    let rest = word;
    while (estimateTokens(rest) > maxTokens) {
      let cut = Math.max(1, Math.min(rest.length, maxTokens * 3));
      while (cut > 1 && estimateTokens(rest.slice(0, cut)) > maxTokens) cut -= 1;
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current += rest;
  }
  if (current !== '') pieces.push(current);
  return pieces;
}
