/**
 * Server-side tools on the relay. The operator declares them with the same `defineTool` as
 * client tools; the relay runs them with the SDK's own {@link ToolDispatcher}, answers the
 * model upstream, and hides every trace of those calls from the browser (the call items,
 * their argument deltas, the outputs, their place in `response.done` and in
 * `previous_item_id` chains), so secrets and databases stay on the server. Client tools in
 * the same session pass through untouched.
 */
import type { Clock } from '../../base/clock';
import type { ClientEventInput } from '../../events/client-events';
import type { ResponseCreateParams } from '../../events/response';
import type { AnyTool } from '../../tools/define-tool';
import { ToolDispatcher, type ToolHost } from '../../tools/dispatcher';
import type { ToolConversationView } from '../../tools/tool-context';
import type { ToolEventMap, ToolEventName } from '../../tools/tool-events';
import { isRecord } from '../../base/is-record';

type Json = Record<string, unknown>;

/** What the tool runner needs from its relay session. */
export interface ToolRunnerPort {
  /** Sends an event upstream as the relay (never shown to the client). */
  sendUpstream(event: ClientEventInput): boolean;
  /** Asks for a follow-up response; the session sequences it after any active response. */
  requestResponse(params: ResponseCreateParams | undefined): void;
  /** Client frames held while a mixed turn's server outputs were pending may go now. */
  releaseHeldClientFrames(): void;
  /** Reports a tool event to the operator; returns whether anyone listened. */
  emit<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): boolean;
}

/** What the runner decides about one upstream event. */
export type ToolFilterResult =
  /** Forward the original frame. */
  | 'forward'
  /** Drop it: it concerns a server-side call. */
  | 'hide'
  /** Forward this rewritten event instead. */
  | { rewritten: Json };

const EMPTY_CONVERSATION: ToolConversationView = { entries: [], get: () => undefined };

/** Hidden item ids remembered per session; far above what one session produces. */
const MAX_HIDDEN_ITEMS = 4096;

/** The server-side tools of one relay session. */
export class RelayToolRunner {
  readonly #names: ReadonlySet<string>;
  readonly #dispatcher: ToolDispatcher;
  /** Hidden item id → the nearest earlier visible item id (null at the start). */
  readonly #hiddenItems = new Map<string, string | null>();
  readonly #serverCallIds = new Set<string>();
  /** Calls of client tools: made by the model (seen from upstream) or by the client itself. */
  readonly #clientCallIds = new Set<string>();
  /** Responses with both client and server calls whose server outputs are not sent yet. */
  readonly #mixedTurns = new Set<string>();
  #pendingFollowUp: { params: ResponseCreateParams | undefined } | undefined;

  readonly #port: ToolRunnerPort;

  constructor(tools: readonly AnyTool[], port: ToolRunnerPort, clock: Clock) {
    this.#port = port;
    const byName = new Map(tools.map((tool) => [tool.name, tool] as const));
    this.#names = new Set(byName.keys());
    const host: ToolHost = {
      sendEvent: (event) => this.#port.sendUpstream(event),
      requestResponse: (params) => {
        this.#pendingFollowUp = { params };
      },
      conversation: EMPTY_CONVERSATION,
      emit: (name, event) => this.#onToolEvent(name, event),
    };
    this.#dispatcher = new ToolDispatcher({ tools: { get: (name) => byName.get(name), list: () => [...byName.values()] }, host, clock });
  }

  /** True while client frames must wait for a mixed turn's server outputs. */
  get holdingClientFrames(): boolean {
    return this.#mixedTurns.size > 0;
  }

  /** True when `callId` is a call of a server-side tool (the client may not answer it). */
  isServerCall(callId: string): boolean {
    return this.#serverCallIds.has(callId);
  }

  /**
   * True when the client may send an output for `callId`: a call of a client tool the relay
   * saw, from the upstream or created by the client itself. An output for a call nobody
   * made could stand in for a server-side tool's.
   */
  isClientCall(callId: string): boolean {
    return this.#clientCallIds.has(callId) && !this.#serverCallIds.has(callId);
  }

  /** Notes a `function_call` item the client created itself (of a client tool: the policy checked). */
  noteClientCall(item: unknown): void {
    if (isRecord(item) && item.type === 'function_call' && typeof item.call_id === 'string' && !this.isServerTool(item.name)) this.#rememberClientCall(item.call_id);
  }

  /** True when `name` is a server-side tool. */
  isServerTool(name: unknown): boolean {
    return typeof name === 'string' && this.#names.has(name);
  }

  /** Stops every running call; nothing more is sent. */
  dispose(): void {
    this.#dispatcher.dispose();
    this.#mixedTurns.clear();
  }

  /**
   * Looks at one parsed upstream event: feeds server calls to the dispatcher and says
   * whether the client may see the event as it is.
   */
  filter(type: string, event: Json): ToolFilterResult {
    switch (type) {
      case 'response.output_item.added':
      case 'response.output_item.done': {
        if (!this.#claimItem(event.item, undefined)) return 'forward';
        if (type === 'response.output_item.done') this.#dispatcher.handleEvent(event as never);
        return 'hide';
      }
      case 'conversation.item.added':
      case 'conversation.item.done':
      case 'conversation.item.created': {
        if (this.#claimItem(event.item, event.previous_item_id)) return 'hide';
        return this.#rewritePrevious(event);
      }
      case 'input_audio_buffer.committed':
        return this.#rewritePrevious(event);
      case 'conversation.item.retrieved':
        return isRecord(event.item) && this.#hiddenItems.has(event.item.id as string) ? 'hide' : 'forward';
      case 'conversation.item.truncated':
      case 'conversation.item.deleted':
        return this.#hiddenItems.has(event.item_id as string) ? 'hide' : 'forward';
      case 'response.function_call_arguments.delta':
        return this.#hiddenItems.has(event.item_id as string) || this.#serverCallIds.has(event.call_id as string) ? 'hide' : 'forward';
      case 'response.function_call_arguments.done': {
        if (!this.isServerTool(event.name)) {
          if (typeof event.call_id === 'string') this.#rememberClientCall(event.call_id);
          return 'forward';
        }
        if (typeof event.call_id === 'string') this.#serverCallIds.add(event.call_id);
        this.#dispatcher.handleEvent(event as never);
        return 'hide';
      }
      case 'response.done':
        return this.#onResponseDone(event);
      case 'session.created':
      case 'session.updated':
        return this.#stripDeclarations(event);
      default:
        return 'forward';
    }
  }

  #rememberClientCall(callId: string): void {
    this.#clientCallIds.add(callId);
    if (this.#clientCallIds.size > MAX_HIDDEN_ITEMS) {
      const oldest = this.#clientCallIds.values().next().value;
      if (oldest !== undefined) this.#clientCallIds.delete(oldest);
    }
  }

  /** Marks an item hidden when it is a server call or its output; returns whether it is. */
  #claimItem(item: unknown, previousItemId: unknown): boolean {
    if (!isRecord(item)) return false;
    const id = typeof item.id === 'string' ? item.id : undefined;
    let hidden = id !== undefined && this.#hiddenItems.has(id);
    if (item.type === 'function_call' && this.isServerTool(item.name)) {
      hidden = true;
      if (typeof item.call_id === 'string') this.#serverCallIds.add(item.call_id);
    } else if (item.type === 'function_call' && typeof item.call_id === 'string') {
      this.#rememberClientCall(item.call_id);
    } else if (item.type === 'function_call_output' && typeof item.call_id === 'string' && this.#serverCallIds.has(item.call_id)) {
      hidden = true;
    }
    if (hidden && id !== undefined) this.#hide(id, typeof previousItemId === 'string' ? previousItemId : undefined);
    return hidden;
  }

  #hide(id: string, previousItemId: string | undefined): void {
    const known = this.#hiddenItems.get(id);
    let visiblePrevious: string | null = previousItemId ?? known ?? null;
    if (previousItemId !== undefined && this.#hiddenItems.has(previousItemId)) visiblePrevious = this.#hiddenItems.get(previousItemId) ?? null;
    this.#hiddenItems.set(id, visiblePrevious);
    if (this.#hiddenItems.size > MAX_HIDDEN_ITEMS) {
      const oldest = this.#hiddenItems.keys().next().value;
      if (oldest !== undefined) this.#hiddenItems.delete(oldest);
    }
  }

  /** A visible item that follows a hidden one points at the visible item before it. */
  #rewritePrevious(event: Json): ToolFilterResult {
    const previous = event.previous_item_id;
    if (typeof previous !== 'string' || !this.#hiddenItems.has(previous)) return 'forward';
    return { rewritten: { ...event, previous_item_id: this.#hiddenItems.get(previous) ?? null } };
  }

  #onResponseDone(event: Json): ToolFilterResult {
    const response = isRecord(event.response) ? event.response : undefined;
    const output = Array.isArray(response?.output) ? (response.output as unknown[]) : [];
    let serverCalls = 0;
    let clientCalls = 0;
    const visible: unknown[] = [];
    const serverItems: unknown[] = [];
    for (const item of output) {
      if (isRecord(item) && item.type === 'function_call') {
        if (this.isServerTool(item.name)) {
          serverCalls += 1;
          this.#claimItem(item, undefined);
          serverItems.push(item);
          continue;
        }
        clientCalls += 1;
        if (typeof item.call_id === 'string') this.#rememberClientCall(item.call_id);
      }
      if (isRecord(item) && typeof item.id === 'string' && this.#hiddenItems.has(item.id)) continue;
      visible.push(item);
    }
    const responseId = typeof response?.id === 'string' ? response.id : undefined;
    // The client answers its own calls and then asks for the next response itself; its frames
    // wait until the relay's outputs are in, so the follow-up sees every output.
    if (serverCalls > 0 && clientCalls > 0 && responseId !== undefined) this.#mixedTurns.add(responseId);
    this.#dispatcher.handleEvent({ ...event, response: { ...response, output: serverItems } } as never);
    // No call of that response is left running (none dispatched, or all answered at once).
    if (responseId !== undefined && this.#mixedTurns.has(responseId) && !this.#dispatcher.pendingCalls.some((call) => call.responseId === responseId)) {
      this.#mixedTurns.delete(responseId);
      if (this.#mixedTurns.size === 0) this.#port.releaseHeldClientFrames();
    }
    if (visible.length === output.length) return 'forward';
    return { rewritten: { ...event, response: { ...response, output: visible } } };
  }

  #stripDeclarations(event: Json): ToolFilterResult {
    const session = isRecord(event.session) ? event.session : undefined;
    if (!Array.isArray(session?.tools)) return 'forward';
    const tools = session.tools as unknown[];
    const visible = tools.filter((tool) => !(isRecord(tool) && tool.type !== 'mcp' && this.isServerTool(tool.name)));
    if (visible.length === tools.length) return 'forward';
    return { rewritten: { ...event, session: { ...session, tools: visible } } };
  }

  #onToolEvent<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): boolean {
    if (name === 'toolOutputs') {
      const { responseId, responseRequested } = event as ToolEventMap['toolOutputs'];
      const followUp = this.#pendingFollowUp;
      this.#pendingFollowUp = undefined;
      if (this.#mixedTurns.delete(responseId)) {
        if (this.#mixedTurns.size === 0) this.#port.releaseHeldClientFrames();
      } else if (responseRequested && followUp !== undefined) {
        this.#port.requestResponse(followUp.params);
      }
      return true;
    }
    return this.#port.emit(name, event);
  }
}
