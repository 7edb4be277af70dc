/**
 * Server-side tools on a relayed GPT-Live session. With Responses delegation the backend's
 * function calls arrive nested in `response.event`; the calls of the relay's tools (made with
 * the same `defineTool` as everywhere) run here through the SDK's {@link ToolDispatcher},
 * each is answered upstream with `response.item.create`, then ONE `response.create` once every
 * server call of the response is answered, and the client never sees those calls (nor their
 * argument deltas), so it never holds a call it cannot answer. Calls of the client's own tools
 * pass through; in a response that has both, the client's `response.create` waits until the
 * relay's outputs are in, so the backend continues with every answer.
 */
import type { Clock } from '../../base/clock';
import type { ClientEventInput } from '../../events/client-events';
import type { AnyTool } from '../../tools/define-tool';
import { ToolDispatcher } from '../../tools/dispatcher';
import type { ToolConversationView } from '../../tools/tool-context';
import type { ToolEventMap, ToolEventName } from '../../tools/tool-events';
import type { Json } from './session-frames';
import { isRecord } from '../../base/is-record';

/** What the Live tools need from their session. */
export interface LiveToolsPort {
  /** Sends a Live event upstream as the relay (its `event_id` marks it as the relay's). */
  sendUpstream(event: Json): void;
  /** Reports a tool event to the operator; returns whether anyone listened. */
  emit<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): boolean;
  /** Client frames held while a mixed response's server calls ran may go now. */
  releaseHeldClientFrames(): void;
}

const EMPTY_CONVERSATION: ToolConversationView = { entries: [], get: () => undefined };

/** Nested Responses events after which a response's calls are settled. */
const TERMINAL: Record<string, 'completed' | 'cancelled'> = {
  'response.completed': 'completed',
  'response.done': 'completed',
  'response.failed': 'cancelled',
  'response.incomplete': 'cancelled',
  'response.cancelled': 'cancelled',
};

/**
 * How long the relay waits, once its outputs are in, for a call of a client tool in the same
 * response before it asks for the follow-up itself (only when the session declares client
 * function tools: the nested stream has no event that says a response's calls are all known,
 * and a `response.create` sent before the client's output would leave that call unanswered).
 */
export const LIVE_MIXED_TURN_WAIT_MS = 250;

/** Call and item ids remembered per session; far above what one session produces. */
const MAX_REMEMBERED = 4096;

function remember(set: Set<string>, value: string): void {
  set.add(value);
  if (set.size <= MAX_REMEMBERED) return;
  const oldest = set.values().next().value;
  if (oldest !== undefined) set.delete(oldest);
}

/** One response's calls as the relay tracks them. */
interface ResponseCalls {
  /** Server calls whose item was added and is not done yet. */
  readonly streaming: Set<string>;
  /** Server calls seen in this response. */
  serverCalls: number;
  /** Whether the client has calls of its own in this response (then it asks for the follow-up). */
  hasClientCalls: boolean;
  /** Whether every server call of it was handed to the dispatcher. */
  settled: boolean;
  /** Whether the relay's outputs for it were sent. */
  answered: boolean;
}

/** The relay's server tools on one Live session. */
export class LiveRelayTools {
  readonly #names: ReadonlySet<string>;
  readonly #dispatcher: ToolDispatcher;
  readonly #port: LiveToolsPort;
  /** Item ids of server calls (their argument deltas are hidden too). */
  readonly #hiddenItems = new Set<string>();
  readonly #serverCallIds = new Set<string>();
  /** The nested response id of each delegation, from its `response.created`. */
  readonly #responseOf = new Map<string, string>();
  readonly #responses = new Map<string, ResponseCalls>();
  readonly #clock: Clock;
  readonly #timers = new Set<unknown>();
  /** Whether the session declares function tools of the client's (then a response may have calls of both kinds). */
  #clientTools = false;

  constructor(tools: readonly AnyTool[], port: LiveToolsPort, clock: Clock) {
    this.#port = port;
    this.#clock = clock;
    const byName = new Map(tools.map((tool) => [tool.name, tool] as const));
    this.#names = new Set(byName.keys());
    this.#dispatcher = new ToolDispatcher({
      tools: { get: (name) => byName.get(name), list: () => [...byName.values()] },
      clock,
      // No turn is forced on Live, and the follow-up `response.create` carries nothing.
      followUpToolChoice: false,
      host: {
        sendEvent: (event) => {
          this.#port.sendUpstream(toLive(event));
          return true;
        },
        requestResponse: () => undefined,
        conversation: EMPTY_CONVERSATION,
        emit: (name, event) => this.#onToolEvent(name, event),
      },
    });
  }

  /**
   * True while the client's answers must wait: a response with calls of both kinds whose
   * server outputs are not sent yet (the backend must see every output before the client's
   * `response.create`).
   */
  get holdingClientFrames(): boolean {
    for (const calls of this.#responses.values()) if (calls.hasClientCalls && calls.serverCalls > 0 && !calls.answered) return true;
    return false;
  }

  /** True when `callId` is a call of a server tool (only the relay answers it). */
  isServerCall(callId: string): boolean {
    return this.#serverCallIds.has(callId);
  }

  /** Notes the session's Responses tools (at start and at each update that sets them). */
  noteDeclaredTools(tools: readonly unknown[]): void {
    this.#clientTools = tools.some((tool) => isRecord(tool) && tool.type === 'function' && typeof tool.name === 'string' && !this.#names.has(tool.name));
  }

  /** Stops every running call; nothing more is sent. */
  dispose(): void {
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
    this.#dispatcher.dispose();
    this.#responses.clear();
  }

  /** Looks at one `response.event`: runs server calls, and says whether the client may see it. */
  handle(event: Json): 'forward' | 'hide' {
    const nested = isRecord(event.event) ? event.event : undefined;
    if (nested === undefined || typeof nested.type !== 'string') return 'forward';
    const delegationId = typeof event.delegation_id === 'string' ? event.delegation_id : '';
    const response = isRecord(nested.response) ? nested.response : undefined;
    const ownId = typeof response?.id === 'string' ? response.id : typeof nested.response_id === 'string' ? nested.response_id : undefined;
    if (nested.type === 'response.created' && ownId !== undefined) this.#responseOf.set(delegationId, ownId);
    const responseId = ownId ?? this.#responseOf.get(delegationId) ?? (delegationId || 'response');
    const item = isRecord(nested.item) ? nested.item : undefined;
    switch (nested.type) {
      case 'response.output_item.added':
        return this.#onItem(responseId, item, false, nested);
      case 'response.output_item.done':
        return this.#onItem(responseId, item, true, nested);
      case 'response.function_call_arguments.delta':
      case 'response.function_call_arguments.done':
        return this.#hiddenItems.has(nested.item_id as string) || this.#serverCallIds.has(nested.call_id as string) ? 'hide' : 'forward';
      default: {
        const status = TERMINAL[nested.type];
        if (status !== undefined) {
          this.#responseOf.delete(delegationId);
          this.#settle(responseId, status);
          this.#responses.delete(responseId);
          // A response that ended before the relay answered holds nothing any more.
          if (status === 'cancelled') this.#port.releaseHeldClientFrames();
        }
        return 'forward';
      }
    }
  }

  #calls(responseId: string): ResponseCalls {
    let calls = this.#responses.get(responseId);
    if (calls === undefined) this.#responses.set(responseId, (calls = { streaming: new Set(), serverCalls: 0, hasClientCalls: false, settled: false, answered: false }));
    return calls;
  }

  #onItem(responseId: string, item: Json | undefined, done: boolean, nested: Json): 'forward' | 'hide' {
    if (item?.type !== 'function_call') return 'forward';
    const calls = this.#calls(responseId);
    if (typeof item.name !== 'string' || !this.#names.has(item.name)) {
      calls.hasClientCalls = true;
      return 'forward';
    }
    const key = String(item.id ?? item.call_id);
    if (typeof item.id === 'string') remember(this.#hiddenItems, item.id);
    if (typeof item.call_id === 'string') remember(this.#serverCallIds, item.call_id);
    if (!done) {
      if (!calls.streaming.has(key)) calls.serverCalls += 1;
      calls.streaming.add(key);
      return 'hide';
    }
    this.#dispatcher.handleEvent({
      type: 'response.output_item.done',
      event_id: '',
      response_id: responseId,
      output_index: typeof nested.output_index === 'number' ? nested.output_index : 0,
      item,
    } as never);
    if (!calls.streaming.delete(key)) calls.serverCalls += 1;
    // The delegated response waits for the outputs (it completes only after response.create):
    // once none of its server calls is still streaming they are all known, and the outputs (and
    // the one response.create) go out as soon as every call has its answer.
    if (calls.streaming.size === 0) this.#settle(responseId, 'completed');
    return 'hide';
  }

  /** Tells the dispatcher a response's server calls are all known (or that it stopped). */
  #settle(responseId: string, status: 'completed' | 'cancelled'): void {
    const calls = this.#responses.get(responseId);
    if (calls === undefined || calls.settled) return;
    calls.settled = true;
    this.#dispatcher.handleEvent({ type: 'response.done', event_id: '', response: { id: responseId, status, output: [] } } as never);
  }

  #onToolEvent<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): boolean {
    if (name !== 'toolOutputs') return this.#port.emit(name, event);
    const { responseId, responseRequested } = event as ToolEventMap['toolOutputs'];
    const calls = this.#responses.get(responseId);
    if (calls !== undefined) calls.answered = true;
    if (calls?.hasClientCalls === true) {
      // The client asks for the follow-up itself, after its own outputs; its frames were held.
      if (!this.holdingClientFrames) this.#port.releaseHeldClientFrames();
    } else if (responseRequested && !this.#clientTools) {
      this.#port.sendUpstream({ type: 'response.create' });
    } else if (responseRequested) {
      // A call of a client tool may still be on its way in this response: wait a little for it.
      const timer = this.#clock.setTimeout(() => {
        this.#timers.delete(timer);
        const now = this.#responses.get(responseId);
        // Gone: the response already went on (the client's follow-up) and ended.
        if (now === undefined) return;
        if (now.hasClientCalls) {
          if (!this.holdingClientFrames) this.#port.releaseHeldClientFrames();
          return;
        }
        this.#port.sendUpstream({ type: 'response.create' });
      }, LIVE_MIXED_TURN_WAIT_MS);
      this.#timers.add(timer);
    }
    return true;
  }
}

/** The dispatcher's Realtime-shaped answer in Live terms: a call output becomes `response.item.create`. */
function toLive(event: ClientEventInput): Json {
  const item = (event as { item?: unknown }).item;
  if (event.type === 'conversation.item.create' && isRecord(item) && item.type === 'function_call_output') {
    return { type: 'response.item.create', item: { type: 'function_call_output', call_id: item.call_id, output: item.output } };
  }
  // A tool's own `context.send(...)` passes as given (the upstream validates it).
  return event as unknown as Json;
}
