/**
 * A `LiveClient`'s delegations and the appends that answer them. GPT-Live hands tasks to a
 * backend: with `client` delegation the app works the task out (`session.delegation.created`,
 * metadata only; the app's handler runs in live-delegate-runner.ts) and answers with text to
 * speak (`session.commentary.append`) or to think (`session.thinking.append`); with `responses`
 * delegation function calls arrive nested in `response.event` (live-tool-delegation.ts). Both
 * modules load on demand. An append is at most 500 tokens (longer text is split here) and is
 * acknowledged by `*.appended`; the client's own `append*` calls go the same way.
 */
import { DEFAULT_LIVE_APPEND_MAX_TOKENS, DEFAULT_LIVE_APPEND_TIMEOUT_MS, DEFAULT_TOOL_TIMEOUT_MS } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { LiveServerEventMap } from '../events/live';
import type { ToolRegistry } from '../tools/registry';
import { waitForAnswer } from './live-answers';
import type { LiveAppended, LiveDelegationInfo } from './live-client-events';
import type { LiveContext } from './live-context';
import type { LiveToolDelegation, LiveToolDelegationHost } from './live-tool-delegation';
import type { LiveTranscriptMarker, LiveTurn } from './live-transcript';

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

/** Appends text of `kind` for `delegationId` (null: no delegation) in ≤ 500-token pieces; resolves with every acknowledgement. */
export type LiveAppend = (kind: 'instructions' | 'thinking' | 'commentary', text: string, delegationId: string | null) => Promise<LiveAppended[]>;

/** The client's `session.{instructions,thinking,commentary}.append`, acknowledged by `*.appended`. */
export function liveAppender(context: LiveContext): LiveAppend {
  return async (kind, text, delegationId) => {
    const { connection } = context;
    if (typeof text !== 'string') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `append ${kind}: text must be a string, got ${typeof text}.`);
    if (connection.phase !== 'live') throw new RealtimeError('VOXWIRE_NOT_CONNECTED', `Cannot append ${kind}: the client is not connected.`);
    const type = `session.${kind}.append` as const;
    const acknowledgements: Array<Promise<{ type: string }>> = [];
    for (const content of splitForAppend(text, DEFAULT_LIVE_APPEND_MAX_TOKENS)) {
      const eventId = context.createId('evt_vxl');
      const acknowledged = waitForAnswer(context.waiters, eventId, `session.${kind}.appended`, context.options.appendTimeoutMs ?? DEFAULT_LIVE_APPEND_TIMEOUT_MS, connection.signal);
      try {
        context.transport.send({ type, event_id: eventId, content, delegation_id: delegationId } as never);
      } catch (error) {
        acknowledged.catch(() => undefined);
        throw error;
      }
      acknowledgements.push(acknowledged);
    }
    const events = (await Promise.all(acknowledgements)) as Array<LiveServerEventMap['session.thinking.appended']>;
    return events.map((event) => ({ startMs: event.start_ms, endMs: event.end_ms }));
  };
}

/** A `LiveClient`'s delegations, of both kinds. */
export interface LiveDelegations {
  /**
   * Loads, before a session goes live, what its delegations need: the tool delegation when
   * `tools` (function tools, or `responses` delegation), the delegate runner when the app has a
   * `delegate`. Both load on demand, so an app without them does not carry them.
   */
  load(tools: boolean): Promise<void>;
  /** Takes a `session.delegation.created`: reports it (`delegation`) and runs a client delegation's handler. */
  created(event: LiveServerEventMap['session.delegation.created']): void;
  /** Takes a `response.event` (the nested Responses stream of `responses` delegation). */
  response(event: LiveServerEventMap['response.event']): void;
  /** The session ended: its tool calls stop (the next session never saw them). */
  ended(): void;
}

/** The delegations of a `LiveClient` whose function tools are `tools` and whose appends are `append`. */
export function liveDelegations(context: LiveContext, tools: ToolRegistry, append: LiveAppend): LiveDelegations {
  const { transcript, clock, emit } = context;
  let toolDelegation: LiveToolDelegation | undefined;
  let runner: Promise<typeof import('./live-delegate-runner')> | undefined;
  /** Where the transcript stood at the previous delegation: a handler receives what came since. */
  let marker: LiveTranscriptMarker = { length: 0, open: new Map() };
  return {
    async load(needsTools) {
      // Set before the first await: a delegation that comes while this loads waits for the runner.
      const loadingRunner = context.options.delegate ? (runner ??= import('./live-delegate-runner')) : undefined;
      // A failed load is tried again by the next session.
      loadingRunner?.catch(() => (runner = undefined));
      if (needsTools && !toolDelegation) {
        const { LiveToolDelegation } = await import('./live-tool-delegation');
        toolDelegation ??= new LiveToolDelegation({
          tools,
          clock,
          defaultTimeoutMs: context.options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
          errorClass: RealtimeError,
          // `emit` returns whether a listener received the event, as the dispatcher expects.
          host: { send: context.send, emit: emit as LiveToolDelegationHost['emit'], transcript },
        });
      }
      await loadingRunner;
    },
    created(event) {
      const delegation: LiveDelegationInfo = {
        id: event.delegation.id,
        target: event.delegation.target,
        responseId: event.delegation.response_id ?? undefined,
        offsetMs: event.offset_ms,
        sessionId: context.sessionId,
      };
      const since = marker;
      marker = transcript.mark();
      emit('delegation', delegation);
      if (delegation.target !== 'client' || !runner) return;
      const job = { delegation, transcript: transcript.since(since), generation: context.generation, signal: context.connection.signal };
      void runner.then(({ runDelegate }) => runDelegate(context, append, job, RealtimeError));
    },
    response(event) {
      toolDelegation?.handle(event);
    },
    ended() {
      toolDelegation?.onSessionEnd();
    },
  };
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
