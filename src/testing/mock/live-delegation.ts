/**
 * The delegation side of a GPT-Live mock session: a scripted turn whose reply has
 * `functionCalls` delegates instead of speaking, in the session's mode: `client` (answered by a
 * `session.commentary.append` naming the delegation), `responses` (nested Responses events;
 * answered by function outputs and `response.create`) or `decisions` (answered at once). The
 * answer takes the next scenario turn, which the session speaks as the result. Context appends
 * and the decision events are checked here too.
 */

import type { LiveClientEvent, LiveClientEventMap } from '../../events/live/client-events';
import type { LiveSessionConfig } from '../../events/live/session';
import type { ScenarioFunctionCall, ScenarioReply, ScenarioTurn } from '../script/scenario';
import type { TakenTurn } from '../script/scenario-cursor';

/** The token cap of an append, estimated at four characters a token. */
const MAX_APPEND_TOKENS = 500;

/** What the delegations need from their session. */
export interface LiveDelegationHost {
  /** Sends a server event (answering `clientId` when given). */
  emit(fields: Record<string, unknown> & { type: string }, clientId: string | undefined): void;
  /** Sends an `error` event. */
  error(type: string, code: string, message: string, param: string | null, clientId: string | undefined): void;
  newId(prefix: string): string;
  /** The session config (started). */
  config(): LiveSessionConfig;
  /** The session timeline, in ms. */
  timelineMs(): number;
  /** Takes the next scenario turn. */
  take(): TakenTurn;
  readonly defaultReply: ScenarioReply;
  /** Plays a turn (speech, an error, or another delegation). */
  play(turn: ScenarioTurn): void;
}

/** A delegation waiting for its answer. */
interface PendingDelegation {
  id: string;
  target: 'client' | 'responses' | 'decisions';
  responseId?: string;
  callIds: string[];
  outputs: Map<string, unknown>;
}

type ContextAppend = LiveClientEventMap['session.commentary.append'] | LiveClientEventMap['session.thinking.append'] | LiveClientEventMap['session.instructions.append'];

/** The delegations of one Live session. */
export class LiveDelegations {
  /** Function outputs received per call id, for inspection. */
  readonly functionOutputs = new Map<string, unknown>();
  readonly #host: LiveDelegationHost;
  #pending: PendingDelegation | undefined;

  constructor(host: LiveDelegationHost) {
    this.#host = host;
  }

  /** True while a delegation waits for its answer (the session hears, but does not answer). */
  get waiting(): boolean {
    return this.#pending !== undefined;
  }

  /** Delegates the calls of a turn's reply. */
  delegate(calls: readonly ScenarioFunctionCall[]): void {
    const host = this.#host;
    const target = host.config().delegation?.type ?? 'client';
    const pending: PendingDelegation = { id: `del_${host.newId('call').replace(/^call_/, '')}`, target, callIds: [], outputs: new Map() };
    this.#pending = pending;
    const delegation: Record<string, unknown> = { id: pending.id, type: 'delegation', target };
    if (target === 'responses') {
      pending.responseId = `resp_${host.newId('call').replace(/^call_/, '')}`;
      delegation.response_id = pending.responseId;
    }
    host.emit({ type: 'session.delegation.created', delegation, offset_ms: Math.round(host.timelineMs()) }, undefined);
    if (target === 'responses') {
      const nested = (event: Record<string, unknown>) => host.emit({ type: 'response.event', delegation_id: pending.id, event }, undefined);
      nested({ type: 'response.created', sequence_number: 0, response: { id: pending.responseId, object: 'response', status: 'in_progress', output: [] } });
      calls.forEach((call, index) => {
        const callId = call.callId ?? host.newId('call');
        pending.callIds.push(callId);
        const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {});
        const item = { id: `fc_${callId}`, type: 'function_call', status: 'completed', call_id: callId, name: call.name, arguments: args };
        nested({ type: 'response.output_item.added', sequence_number: 1 + index * 2, output_index: index, item: { ...item, status: 'in_progress', arguments: '' } });
        nested({ type: 'response.output_item.done', sequence_number: 2 + index * 2, output_index: index, item });
      });
    } else if (target === 'decisions') {
      const answers = calls.map((call) => ({ name: call.name, value: typeof call.arguments === 'string' ? call.arguments : (call.arguments ?? {}) }));
      host.emit({ type: 'decision.event', delegation_id: pending.id, event: { type: 'decision.completed', decision: { id: `dec_${pending.id}`, answers } }, source_event_id: null, source_event_type: null, trigger_id: null }, undefined);
      this.#pending = undefined;
      // Answered at once: the next turn is spoken as the result.
      host.play(host.take().turn ?? { reply: host.defaultReply });
    }
  }

  /** `session.instructions|thinking|commentary.append`; a commentary naming the pending client delegation answers it. */
  context(event: ContextAppend, clientId: string | undefined): void {
    const host = this.#host;
    if (Math.ceil(event.content.length / 4) > MAX_APPEND_TOKENS) {
      return host.error('invalid_request_error', 'string_above_max_length', `content is limited to ${MAX_APPEND_TOKENS} tokens.`, 'content', clientId);
    }
    const delegation = host.config().delegation?.type ?? 'client';
    if (event.delegation_id !== null && delegation === 'responses') {
      return host.error('invalid_request_error', 'invalid_value', 'delegation_id must be null with Responses delegation.', 'delegation_id', clientId);
    }
    const at = Math.round(host.timelineMs());
    const acked = event.type.replace(/append$/, 'appended');
    host.emit({ type: acked, start_ms: at, end_ms: at }, clientId);
    const pending = this.#pending;
    if (event.type === 'session.commentary.append' && pending !== undefined && pending.target === 'client' && event.delegation_id === pending.id) {
      this.#pending = undefined;
      // No scripted turn: the model says the commentary in its own words (here: verbatim).
      host.play(host.take().turn ?? { reply: { text: event.content } });
    }
  }

  /** `response.item.create` (Responses delegation): a function output. */
  responseItem(event: LiveClientEventMap['response.item.create'], clientId: string | undefined): void {
    if (this.#host.config().delegation?.type !== 'responses') {
      return this.#host.error('invalid_request_error', 'invalid_request', 'response.item.create requires Responses delegation.', 'type', clientId);
    }
    const item = event.item as { type?: unknown; call_id?: unknown; output?: unknown };
    if (item.type === 'function_call_output' && typeof item.call_id === 'string') {
      this.functionOutputs.set(item.call_id, item.output);
      this.#pending?.outputs.set(item.call_id, item.output);
    }
  }

  /** `response.create` (Responses delegation): every call answered, the result is spoken. */
  responseCreate(clientId: string | undefined): void {
    const host = this.#host;
    if (host.config().delegation?.type !== 'responses') {
      return host.error('invalid_request_error', 'invalid_request', 'response.create requires Responses delegation.', 'type', clientId);
    }
    const pending = this.#pending;
    if (pending === undefined) return;
    const missing = pending.callIds.filter((callId) => !pending.outputs.has(callId));
    if (missing.length > 0) {
      return host.error('invalid_request_error', 'missing_tool_output', `No output for function call(s) ${missing.join(', ')}.`, null, clientId);
    }
    this.#pending = undefined;
    const turn = host.take().turn ?? { reply: host.defaultReply };
    const text = turn.reply?.text ?? '';
    const nested = (fields: Record<string, unknown>) => host.emit({ type: 'response.event', delegation_id: pending.id, event: fields }, undefined);
    if (text !== '') nested({ type: 'response.output_text.done', sequence_number: 100, output_index: pending.callIds.length, content_index: 0, text });
    nested({ type: 'response.completed', sequence_number: 101, response: { id: pending.responseId, object: 'response', status: 'completed', usage: { input_tokens: 120, output_tokens: 24, total_tokens: 144 } } });
    host.play(turn);
  }

  /** `decision.create`, `decision.item.create|delete`. */
  decision(event: LiveClientEvent, clientId: string | undefined): void {
    const host = this.#host;
    if (event.type === 'decision.item.create') {
      const item = { id: typeof event.item.id === 'string' ? event.item.id : host.newId('item'), ...event.item };
      return host.emit({ type: 'decision.item.created', item }, clientId);
    }
    if (event.type === 'decision.item.delete') return host.emit({ type: 'decision.item.deleted', item_id: event.item_id }, clientId);
    const config = host.config();
    if (config.delegation?.type !== 'decisions' && (config.triggers ?? []).length === 0) {
      return host.error('invalid_request_error', 'invalid_request', 'decision.create requires Decisions delegation or triggers.', 'type', clientId);
    }
    host.emit({ type: 'decision.event', delegation_id: null, event: { type: 'decision.completed', decision: { answers: [] } }, source_event_id: null, source_event_type: null, trigger_id: null }, clientId);
  }
}
