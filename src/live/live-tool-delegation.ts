/**
 * Responses delegation with the same tools as `RealtimeClient`: GPT-Live hands the task to a
 * Responses model, whose function calls arrive nested in `response.event`. They run through the
 * same `ToolDispatcher` (validation, approval, timeouts, errors as outputs, concurrent calls),
 * and its answers go back the Live way: one `response.item.create` per call, then ONE
 * `response.create` once every call of the response is answered.
 */
import type { Clock } from '../base/clock';
import type { RealtimeError } from '../base/errors';
import type { ClientEventInput } from '../events/client-events';
import type { LiveClientEvent, LiveServerEventMap } from '../events/live';
import type { ServerEvent } from '../events/server-events';
import { DispatcherCore } from '../tools/dispatcher-core';
import type { CancelledToolCall, PendingToolCall, ToolLookup } from '../tools/tool-host';
import type { ToolConversationEntry, ToolConversationView } from '../tools/tool-context';
import type { ToolEventMap, ToolEventName } from '../tools/tool-events';
import type { LiveTurn } from './live-transcript';

/** What the delegation needs from `LiveClient`. */
export interface LiveToolDelegationHost {
  /** Sends a Live client event now; false, sending nothing, when not connected. */
  send(event: LiveClientEvent): boolean;
  /** Emits a tool event to the app; false when nobody listens. */
  emit<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): boolean;
  /** The transcript, read-only: tools see it as `context.conversation`, one message entry per turn. */
  readonly transcript: { readonly turns: readonly LiveTurn[] };
}

/** Options of {@link LiveToolDelegation}. */
export interface LiveToolDelegationOptions {
  /** The tools (the client's registry). */
  tools: ToolLookup;
  /** The client. */
  host: LiveToolDelegationHost;
  /** Timers. */
  clock: Clock;
  /** Time limit for tools that set no `timeoutMs` (the client resolves its `toolTimeoutMs`). */
  defaultTimeoutMs: number;
  /**
   * `RealtimeError`, passed in: this module loads on demand and imports nothing from src/base at
   * run time, so its chunk shares no code with the Live app's load (dispatcher-core.ts says why).
   */
  errorClass: typeof RealtimeError;
}

/** Nested Responses events that end a response (after its outputs were sent and `response.create`). */
const TERMINAL: Record<string, string> = {
  'response.completed': 'completed',
  'response.done': 'completed',
  // A response that did not complete answers nothing more: its running calls stop.
  'response.failed': 'cancelled',
  'response.incomplete': 'cancelled',
  'response.cancelled': 'cancelled',
};

/**
 * Feeds the nested Responses stream of a Live session to a `DispatcherCore` (the tool dispatcher's engine), translating
 * both ways. Barge-in is not an interruption here: GPT-Live does not cancel backend work when
 * the user speaks, so calls keep running; only the end of the session stops them.
 */
export class LiveToolDelegation {
  readonly #dispatcher: DispatcherCore;
  /** The nested response id of each delegation, from its `response.created`. */
  readonly #responses = new Map<string, string>();
  /** Function call items added but not done yet, by response. */
  readonly #calls = new Map<string, Set<string>>();

  constructor(options: LiveToolDelegationOptions) {
    const { host } = options;
    this.#dispatcher = new DispatcherCore({
      tools: options.tools,
      clock: options.clock,
      defaultTimeoutMs: options.defaultTimeoutMs,
      errorClass: options.errorClass,
      autoRespond: true,
      // No turn is forced here (the host reports no tool_choice) and the follow-up `response.create` carries none.
      followUpToolChoice: false,
      host: {
        sendEvent: (event) => host.send(toLive(event)),
        requestResponse: () => {
          host.send({ type: 'response.create' });
        },
        conversation: conversationView(host.transcript),
        emit: (name, event) => {
          const listened = host.emit(name, event);
          // A call settled: its response may now be answered (see #endIfAnswered).
          const { responseId } = event as { responseId?: unknown };
          if ((name === 'toolResult' || name === 'toolError') && typeof responseId === 'string') this.#endIfAnswered(responseId);
          return listened;
        },
      },
    });
  }

  /** Calls not answered yet. */
  get pendingCalls(): PendingToolCall[] {
    return this.#dispatcher.pendingCalls;
  }

  /** Takes one `response.event`. */
  handle(event: LiveServerEventMap['response.event']): void {
    const nested = event.event as { type: string; response?: { id?: unknown; status?: unknown; output?: unknown }; item?: unknown; output_index?: unknown; response_id?: unknown };
    const delegationId = typeof event.delegation_id === 'string' ? event.delegation_id : '';
    const ownId = typeof nested.response?.id === 'string' ? nested.response.id : typeof nested.response_id === 'string' ? nested.response_id : undefined;
    if (nested.type === 'response.created' && ownId !== undefined) this.#responses.set(delegationId, ownId);
    const responseId = ownId ?? this.#responses.get(delegationId) ?? (delegationId || 'response');
    const item = nested.item as { type?: unknown; id?: unknown; call_id?: unknown } | undefined;
    const callKey = item?.type === 'function_call' ? String(item.id ?? item.call_id) : undefined;
    if (nested.type === 'response.output_item.added' && callKey !== undefined) {
      this.#streaming(responseId).add(callKey);
      return;
    }
    if (nested.type === 'response.output_item.done') {
      this.#dispatcher.handleEvent({
        type: 'response.output_item.done',
        event_id: '',
        response_id: responseId,
        output_index: typeof nested.output_index === 'number' ? nested.output_index : 0,
        item: nested.item,
      } as ServerEvent);
      if (callKey === undefined) return;
      this.#streaming(responseId).delete(callKey);
      this.#endIfAnswered(responseId);
      return;
    }
    const status = TERMINAL[nested.type];
    if (status === undefined) return;
    this.#responses.delete(delegationId);
    this.#calls.delete(responseId);
    this.#end(responseId, status, Array.isArray(nested.response?.output) ? nested.response.output : []);
  }

  /** The function calls of a response still streaming (added, not done). */
  #streaming(responseId: string): Set<string> {
    let calls = this.#calls.get(responseId);
    if (!calls) this.#calls.set(responseId, (calls = new Set()));
    return calls;
  }

  /**
   * The delegated response waits for the outputs (it completes only after `response.create`),
   * and nothing says how many calls it makes. Its calls count as all known once none is still
   * streaming AND none is still running: a call answered at once must not send the outputs (and
   * the one `response.create`) while the next call, added meanwhile, is still streaming. So the
   * dispatcher hears the response is done only then, and answers them all together.
   */
  #endIfAnswered(responseId: string): void {
    if ((this.#calls.get(responseId)?.size ?? 0) > 0) return;
    if (this.#dispatcher.pendingCalls.some((call) => call.responseId === responseId && call.state === 'running')) return;
    this.#calls.delete(responseId);
    this.#end(responseId, 'completed', []);
  }

  /** Tells the dispatcher a response's calls are all known (`status` completed) or that it stopped. */
  #end(responseId: string, status: string, output: unknown[]): void {
    this.#dispatcher.handleEvent({ type: 'response.done', event_id: '', response: { id: responseId, status, output } } as unknown as ServerEvent);
  }

  /** The session ended: running calls are aborted, nothing is sent (the next session never saw them). */
  onSessionEnd(): CancelledToolCall[] {
    this.#responses.clear();
    this.#calls.clear();
    return this.#dispatcher.onDisconnect();
  }

  /** Aborts everything; events are ignored afterwards. */
  dispose(): void {
    this.#dispatcher.dispose();
  }
}

/** The dispatcher's Realtime answer, in Live terms: a call output becomes `response.item.create`. */
function toLive(event: ClientEventInput): LiveClientEvent {
  if (event.type === 'conversation.item.create' && event.item.type === 'function_call_output') {
    const { call_id: callId, output } = event.item as { call_id: string; output: string };
    return { type: 'response.item.create', item: { type: 'function_call_output', call_id: callId, output } };
  }
  // A tool's own `context.send(...)` of a Live event passes as given (the transport validates it).
  return event as unknown as LiveClientEvent;
}

/** The transcript as tools see a conversation: one message entry per turn. */
function conversationView(transcript: { readonly turns: readonly LiveTurn[] }): ToolConversationView {
  const entry = (turn: LiveTurn): ToolConversationEntry => ({
    id: turn.id,
    type: 'message',
    role: turn.speaker,
    status: turn.final ? 'completed' : 'in_progress',
    text: turn.text,
    callId: undefined,
    name: undefined,
    arguments: undefined,
  });
  return {
    get entries() {
      return transcript.turns.map(entry);
    },
    get: (id) => {
      const turn = transcript.turns.find((candidate) => candidate.id === id);
      return turn ? entry(turn) : undefined;
    },
  };
}
