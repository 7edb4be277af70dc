/**
 * The tool dispatcher's engine: it runs each completed function call once, concurrently with the
 * other calls of its response, answers every call (a failure is an answer), and once the response
 * is done sends all outputs and asks for exactly one follow-up response.
 *
 * Everything it needs from src/base (the clock, the resolved defaults, the error class) is
 * passed in, and it imports nothing from there at run time: the client loads this module on
 * demand, and a shared import would put those modules in chunks of their own at the root
 * bundle's load (issue 12). `ToolDispatcher` (dispatcher.ts) fills in the defaults.
 */
import type { Clock } from '../base/clock';
import type { RealtimeError, RealtimeErrorCode } from '../base/errors';
import type { ServerEvent } from '../events/server-events';
import type { ToolChoice } from '../events/tools';
import type { ToolContext } from './tool-context';
import type { ToolCallRef, ToolEventMap, ToolEventName, ToolOutputRecord } from './tool-events';
import type { CancelledToolCall, PendingToolCall, ToolChoiceSetting, ToolHost, ToolLookup } from './tool-host';
import { CANCELLED_TOOL_OUTPUT, errorToolOutput, serializeToolResult } from './tool-output';

/** Options for {@link DispatcherCore}: `ToolDispatcherOptions` resolved, plus the error class. */
export interface DispatcherCoreOptions {
  /** The tools to run, looked up by name at each call (so later `add` / `remove` apply). */
  tools: ToolLookup;
  /** The owner: sends events, sequences responses, re-emits tool events. */
  host: ToolHost;
  /** Timers and durations. */
  clock: Clock;
  /** Ask for one follow-up response after a response's tool outputs are sent. */
  autoRespond: boolean;
  /** The follow-up response's `tool_choice` after a forced turn; false keeps the session's choice. */
  followUpToolChoice: ToolChoice | false;
  /** Time limit for tools that set no `timeoutMs`; `Infinity` for none. */
  defaultTimeoutMs: number;
  /** `RealtimeError`, the class every error the dispatcher reports is made of. */
  errorClass: typeof RealtimeError;
}

interface CallRecord {
  readonly info: ToolCallRef;
  readonly outputIndex: number;
  readonly order: number;
  readonly controller: AbortController;
  args: unknown;
  settled: boolean;
  output: ToolOutputRecord | undefined;
  startedAt: number | undefined;
  timer: unknown;
  timerSet: boolean;
  /** Resolves a pending approval when the call is settled another way. */
  releaseApproval: (() => void) | undefined;
}

interface Turn {
  readonly responseId: string;
  readonly calls: CallRecord[];
  readonly forced: boolean;
  responseDone: boolean;
  interrupted: boolean;
}

interface CompletedCall {
  callId: string | null | undefined;
  itemId: string | null | undefined;
  responseId: string;
  name: string;
  arguments: string;
  outputIndex: number;
}

/** Call ids remembered for exactly-once dispatch; far above what one session produces. */
const MAX_REMEMBERED_CALLS = 10_000;

/**
 * Runs the model's function calls. The client owns one, passes it every server event
 * ({@link DispatcherCore.handleEvent}) and calls {@link DispatcherCore.onInterrupt},
 * {@link DispatcherCore.onDisconnect} and {@link DispatcherCore.dispose} at those moments.
 *
 * - A call is dispatched when it is complete: on `response.function_call_arguments.done`,
 *   `response.output_item.done` (a completed `function_call` item) or, failing both,
 *   `response.done` (its output). Exactly once per `call_id`: re-delivered events and
 *   replayed history (`conversation.item.added`) never run a call twice.
 * - The calls of one response run concurrently. When all have an output and `response.done`
 *   has arrived, every `function_call_output` is sent (`conversation.item.create`), then one
 *   `requestResponse()`.
 * - Unknown tool, bad JSON, failed validation, a throw, a timeout, a rejection: the model gets
 *   `{"error": "..."}` and the app a `toolError`; the conversation goes on.
 */
export class DispatcherCore {
  readonly #Error: typeof RealtimeError;
  readonly #tools: ToolLookup;
  readonly #host: ToolHost;
  readonly #clock: Clock;
  readonly #autoRespond: boolean;
  readonly #followUpToolChoice: ToolChoice | false;
  readonly #defaultTimeoutMs: number;
  readonly #turns = new Map<string, Turn>();
  readonly #seenCallIds = new Set<string>();
  #callCount = 0;
  #disposed = false;

  constructor(options: DispatcherCoreOptions) {
    this.#Error = options.errorClass;
    this.#tools = options.tools;
    this.#host = options.host;
    this.#clock = options.clock;
    this.#autoRespond = options.autoRespond;
    this.#followUpToolChoice = options.followUpToolChoice;
    this.#defaultTimeoutMs = options.defaultTimeoutMs;
    if (typeof this.#defaultTimeoutMs !== 'number' || !(this.#defaultTimeoutMs > 0)) {
      throw new this.#Error('VOXWIRE_INVALID_ARGUMENT', `ToolDispatcher: \`defaultTimeoutMs\` must be a positive number (or Infinity), got ${String(options.defaultTimeoutMs)}.`);
    }
  }

  /** The calls not yet answered: running, or done and waiting for their response to end. */
  get pendingCalls(): PendingToolCall[] {
    const pending: PendingToolCall[] = [];
    for (const turn of this.#turns.values()) {
      for (const call of turn.calls) pending.push({ ...describe(call), state: call.settled ? 'done' : 'running' });
    }
    return pending;
  }

  /** Feeds one server event. Call it for every event, in order, after the conversation has applied it. */
  handleEvent(event: ServerEvent): void {
    if (this.#disposed) return;
    switch (event.type) {
      case 'response.function_call_arguments.done': {
        const e = event;
        this.#dispatch({ callId: e.call_id, itemId: e.item_id, responseId: e.response_id, name: e.name, arguments: e.arguments, outputIndex: e.output_index });
        return;
      }
      case 'response.output_item.done': {
        const e = event;
        const item = e.item;
        if (!isFunctionCall(item) || !isComplete(item.status)) return;
        this.#dispatch({ callId: item.call_id, itemId: item.id, responseId: e.response_id, name: item.name, arguments: item.arguments, outputIndex: e.output_index });
        return;
      }
      case 'response.done': {
        const { response } = event;
        const responseId = response.id;
        if (typeof responseId !== 'string') return;
        if (response.status === 'completed' || response.status === undefined || response.status === null) {
          // A fallback for streams where the item events were lost: the output lists every call.
          (response.output ?? []).forEach((item, outputIndex) => {
            if (isFunctionCall(item) && isComplete(item.status)) {
              this.#dispatch({ callId: item.call_id, itemId: item.id, responseId, name: item.name, arguments: item.arguments, outputIndex });
            }
          });
        }
        const turn = this.#turns.get(responseId);
        if (!turn) return;
        turn.responseDone = true;
        // A cancelled response was interrupted (barge-in or response.cancel), even when the
        // client did not call onInterrupt(): its calls stop and no follow-up is requested.
        if (response.status === 'cancelled') this.#interruptTurn(turn);
        this.#maybeFlush(turn);
        return;
      }
      default:
    }
  }

  /**
   * The assistant was interrupted: user barge-in, `client.interrupt()`, or a `response.cancel`
   * the app sent. Call it right away (before the server's `response.done`). Running calls are
   * aborted through `context.signal` and answered `{"error":"cancelled"}` (the model is never
   * left with a dangling call); calls that already finished keep their results. No follow-up
   * response is requested for these responses: the user has the turn.
   */
  onInterrupt(): void {
    if (this.#disposed) return;
    for (const turn of [...this.#turns.values()]) {
      this.#interruptTurn(turn);
      this.#maybeFlush(turn);
    }
  }

  /**
   * The connection dropped or was closed. Running calls are aborted (`toolError` with
   * `VOXWIRE_ABORTED`, no output); nothing is sent, because the next session never saw these
   * calls. Returns every call whose output was never sent, so the client can mark its item
   * cancelled in the transcript. Call ids stay remembered: a replayed history never reruns
   * them.
   */
  onDisconnect(): CancelledToolCall[] {
    const cancelled: CancelledToolCall[] = [];
    for (const turn of this.#turns.values()) {
      for (const call of turn.calls) {
        cancelled.push(describe(call));
        if (!call.settled) this.#abort(call, undefined, 'the connection closed');
      }
    }
    this.#turns.clear();
    return cancelled;
  }

  /** Aborts everything without sending or emitting anything; the dispatcher ignores events afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const turn of this.#turns.values()) {
      for (const call of turn.calls) {
        if (call.settled) continue;
        call.settled = true;
        this.#clearTimer(call);
        call.releaseApproval?.();
        call.controller.abort(new this.#Error('VOXWIRE_ABORTED', `Tool call ${call.info.name} (${call.info.callId}) aborted: the client was disposed.`));
      }
    }
    this.#turns.clear();
    this.#seenCallIds.clear();
  }

  #dispatch(call: CompletedCall): void {
    const { callId, itemId, responseId } = call;
    // Without a call_id no output can answer the call; the API always sends one.
    if (typeof callId !== 'string' || callId === '' || this.#seenCallIds.has(callId)) return;
    this.#remember(callId);
    if (this.#alreadyAnswered(callId)) return;
    const toolChoice = this.#host.getToolChoice?.(responseId);
    if (toolChoice === 'none') return;
    let turn = this.#turns.get(responseId);
    if (!turn) {
      turn = { responseId, calls: [], forced: isForced(toolChoice), responseDone: false, interrupted: false };
      this.#turns.set(responseId, turn);
    }
    const record: CallRecord = {
      info: { callId, itemId: typeof itemId === 'string' ? itemId : callId, responseId, name: call.name, arguments: call.arguments },
      outputIndex: call.outputIndex,
      order: this.#callCount++,
      controller: new AbortController(),
      args: undefined,
      settled: false,
      output: undefined,
      startedAt: undefined,
      timer: undefined,
      timerSet: false,
      releaseApproval: undefined,
    };
    turn.calls.push(record);
    if (turn.interrupted) {
      // A call that arrives after the interruption (the server was still sending) never runs.
      this.#abort(record, CANCELLED_TOOL_OUTPUT, 'the response was interrupted');
      return;
    }
    this.#run(turn, record).catch((error: unknown) => {
      // Only a host that throws gets here (the tool's own errors are answers).
      if (!record.settled) this.#fail(turn, record, 'VOXWIRE_TOOL_FAILED', `Tool ${record.info.name} could not run: ${messageOf(error)}`, error);
    });
  }

  async #run(turn: Turn, record: CallRecord): Promise<void> {
    const { name } = record.info;
    const tool = this.#tools.get(name);
    if (!tool) {
      const known = this.#tools.list().map((candidate) => candidate.name);
      const available = known.length > 0 ? `Available tools: ${known.join(', ')}.` : 'No tools are available.';
      this.#fail(turn, record, 'VOXWIRE_TOOL_NOT_FOUND', `Unknown tool ${JSON.stringify(name)}. ${available}`);
      return;
    }

    const parsed = await tool.parseArguments(record.info.arguments);
    if (record.settled) return;
    if (!parsed.ok) {
      const what = parsed.reason === 'json' ? 'Invalid arguments' : 'Arguments failed validation';
      this.#fail(turn, record, 'VOXWIRE_TOOL_INVALID_ARGUMENTS', `${what} for ${name}: ${parsed.issues.join('; ')}`);
      return;
    }
    record.args = parsed.args;

    let needsApproval = tool.needsApproval;
    if (typeof needsApproval === 'function') {
      try {
        // parsed.args came from this tool's own parseArguments, so they are its Args.
        needsApproval = await needsApproval(parsed.args as never, { callId: record.info.callId, conversation: this.#host.conversation });
      } catch (error) {
        if (!record.settled) this.#fail(turn, record, 'VOXWIRE_TOOL_FAILED', `Tool ${name} failed: its needsApproval check threw: ${messageOf(error)}`, error);
        return;
      }
      if (record.settled) return;
    }
    if (needsApproval === true) {
      const decision = await this.#requestApproval(record);
      if (record.settled) return;
      if (!decision.approved) {
        this.#fail(turn, record, 'VOXWIRE_TOOL_REJECTED', decision.message);
        return;
      }
    }

    this.#emit('toolCall', { ...record.info, args: record.args });
    if (record.settled) return;
    record.startedAt = this.#clock.now();
    const timeoutMs = tool.timeoutMs ?? this.#defaultTimeoutMs;
    if (Number.isFinite(timeoutMs)) {
      record.timerSet = true;
      record.timer = this.#clock.setTimeout(() => {
        record.timerSet = false;
        if (record.settled) return;
        const error = new this.#Error('VOXWIRE_TOOL_TIMEOUT', `Tool ${name} timed out after ${timeoutMs} ms.`);
        record.controller.abort(error);
        this.#fail(turn, record, error.code, error.message);
      }, timeoutMs);
    }

    const context: ToolContext = {
      callId: record.info.callId,
      itemId: record.info.itemId,
      responseId: record.info.responseId,
      signal: record.controller.signal,
      conversation: this.#host.conversation,
      send: (event) => !record.controller.signal.aborted && !this.#disposed && this.#host.sendEvent(event),
    };
    let result: unknown;
    try {
      result = await tool.execute(record.args as never, context);
    } catch (error) {
      if (!record.settled) this.#fail(turn, record, 'VOXWIRE_TOOL_FAILED', `Tool ${name} failed: ${messageOf(error)}`, error);
      return;
    }
    // A result that arrives after a timeout, an interruption or a disconnect is dropped.
    if (record.settled) return;
    const serialized = serializeToolResult(result);
    if (!serialized.ok) {
      this.#fail(turn, record, 'VOXWIRE_TOOL_FAILED', `Tool ${name} returned a value that is not JSON-serialisable (${serialized.reason}).`);
      return;
    }
    this.#settle(record, serialized.output, 'completed');
    this.#emit('toolResult', { ...record.info, args: record.args, result, output: serialized.output, durationMs: this.#elapsed(record) ?? 0 });
    this.#maybeFlush(turn);
  }

  #requestApproval(record: CallRecord): Promise<{ approved: true } | { approved: false; message: string }> {
    const { name } = record.info;
    return new Promise((resolve) => {
      let decided = false;
      const decide = (decision: { approved: true } | { approved: false; message: string }): void => {
        if (decided) return;
        decided = true;
        record.releaseApproval = undefined;
        resolve(decision);
      };
      record.releaseApproval = () => decide({ approved: false, message: 'cancelled' });
      let listened: boolean | void;
      try {
        listened = this.#host.emit('toolApproval', {
          ...record.info,
          args: record.args,
          approve: () => decide({ approved: true }),
          reject: (reason?: string) =>
            decide({ approved: false, message: `The user rejected this call of ${name}${typeof reason === 'string' && reason !== '' ? `: ${reason}` : '.'}` }),
        });
      } catch (error) {
        decide({ approved: false, message: `The call of ${name} was rejected: the approval handler threw (${messageOf(error)}).` });
        return;
      }
      if (listened === false) {
        decide({ approved: false, message: `The call of ${name} was rejected: it needs approval and the app has no toolApproval listener.` });
      }
    });
  }

  #interruptTurn(turn: Turn): void {
    turn.interrupted = true;
    for (const call of turn.calls) {
      if (!call.settled) this.#abort(call, CANCELLED_TOOL_OUTPUT, 'the response was interrupted');
    }
  }

  /** Aborts a call: `output` is what the model gets (undefined after a disconnect: nothing). */
  #abort(call: CallRecord, output: string | undefined, why: string): void {
    const error = new this.#Error('VOXWIRE_ABORTED', `Tool call ${call.info.name} (${call.info.callId}) aborted: ${why}.`);
    call.settled = true;
    this.#clearTimer(call);
    call.releaseApproval?.();
    call.controller.abort(error);
    if (output !== undefined) call.output = { callId: call.info.callId, itemId: call.info.itemId, name: call.info.name, output, status: 'cancelled' };
    this.#emit('toolError', { ...call.info, error, args: call.args, output, durationMs: this.#elapsed(call) });
  }

  #fail(turn: Turn, call: CallRecord, code: RealtimeErrorCode, message: string, cause?: unknown): void {
    const error = new this.#Error(code, message, cause === undefined ? {} : { cause });
    const output = errorToolOutput(message);
    this.#settle(call, output, 'failed');
    this.#emit('toolError', { ...call.info, error, args: call.args, output, durationMs: this.#elapsed(call) });
    this.#maybeFlush(turn);
  }

  #settle(call: CallRecord, output: string, status: ToolOutputRecord['status']): void {
    call.settled = true;
    this.#clearTimer(call);
    call.output = { callId: call.info.callId, itemId: call.info.itemId, name: call.info.name, output, status };
  }

  /** Sends a response's outputs, then one follow-up request, once all are in and the response is done. */
  #maybeFlush(turn: Turn): void {
    if (this.#disposed || !turn.responseDone || this.#turns.get(turn.responseId) !== turn) return;
    if (!turn.calls.every((call) => call.settled)) return;
    this.#turns.delete(turn.responseId);
    const ordered = [...turn.calls].sort((a, b) => a.outputIndex - b.outputIndex || a.order - b.order);
    const sent: ToolOutputRecord[] = [];
    let connected = true;
    for (const call of ordered) {
      if (!call.output) continue;
      connected = this.#host.sendEvent({
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: call.output.callId, output: call.output.output },
      });
      if (!connected) break;
      sent.push(call.output);
    }
    if (sent.length === 0) return;
    const responseRequested = connected && this.#autoRespond && !turn.interrupted;
    if (responseRequested) {
      if (turn.forced && this.#followUpToolChoice !== false) this.#host.requestResponse({ tool_choice: this.#followUpToolChoice });
      else this.#host.requestResponse();
    }
    this.#emit('toolOutputs', { responseId: turn.responseId, outputs: sent, responseRequested });
  }

  #alreadyAnswered(callId: string): boolean {
    // A history replayed into a new dispatcher already holds the answer.
    return this.#host.conversation.entries.some((entry) => entry.type === 'function_call_output' && entry.callId === callId);
  }

  #remember(callId: string): void {
    this.#seenCallIds.add(callId);
    if (this.#seenCallIds.size > MAX_REMEMBERED_CALLS) {
      const oldest = this.#seenCallIds.values().next().value;
      if (oldest !== undefined) this.#seenCallIds.delete(oldest);
    }
  }

  #clearTimer(call: CallRecord): void {
    if (!call.timerSet) return;
    call.timerSet = false;
    this.#clock.clearTimeout(call.timer);
  }

  #elapsed(call: CallRecord): number | undefined {
    return call.startedAt === undefined ? undefined : Math.max(0, this.#clock.now() - call.startedAt);
  }

  /** Emits to the app; a throwing listener never breaks dispatch. */
  #emit<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): void {
    if (this.#disposed) return;
    try {
      this.#host.emit(name, event);
    } catch {
      // The host reports its listeners' errors itself; the call's answer must still go out.
    }
  }
}

/** `hasType(item, 'function_call')`, written here so this module imports nothing at run time. */
function isFunctionCall<Item extends { type: unknown }>(item: Item): item is Extract<Item, { type: 'function_call' }> {
  return item.type === 'function_call';
}

function isComplete(status: string | null | undefined): boolean {
  return status === 'completed' || status === undefined || status === null;
}

function isForced(toolChoice: ToolChoiceSetting): boolean {
  if (toolChoice === 'required') return true;
  return typeof toolChoice === 'object' && toolChoice !== null && toolChoice.type === 'function';
}

function describe(call: CallRecord): CancelledToolCall {
  return { callId: call.info.callId, itemId: call.info.itemId, responseId: call.info.responseId, name: call.info.name };
}

/**
 * base/errors' `messageOf`, kept as a copy on purpose: this module loads on demand, and a value
 * import from base/errors (in the root's chunk at start) re-splits the build and costs the root
 * app 0.27 KB gzip (25.39 -> 25.66 KB, over its budget).
 */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
