/**
 * The tool dispatcher: the engine the client owns and feeds every server event. It runs each
 * completed function call once, concurrently with the other calls of its response, answers
 * every call (a failure is an answer), and once the response is done sends all outputs and
 * asks for exactly one follow-up response. The engine is `DispatcherCore` (dispatcher-core.ts);
 * this module resolves its options from the defaults for the relay and the Live delegation.
 */
import { systemClock, type Clock } from '../base/clock';
import { DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE, DEFAULT_TOOL_TIMEOUT_MS } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { ToolChoice } from '../events/tools';
import { DispatcherCore } from './dispatcher-core';
import type { ToolHost, ToolLookup } from './tool-host';

export type { CancelledToolCall, PendingToolCall, ToolChoiceSetting, ToolHost, ToolLookup } from './tool-host';

/** Options for {@link ToolDispatcher}. */
export interface ToolDispatcherOptions {
  /** The tools to run, looked up by name at each call (so later `add` / `remove` apply). */
  tools: ToolLookup;
  /** The owner: sends events, sequences responses, re-emits tool events. */
  host: ToolHost;
  /** Timers and durations. @default systemClock */
  clock?: Clock;
  /**
   * Ask for one follow-up response after a response's tool outputs are sent. With false the
   * app decides (listen to `toolOutputs`).
   * @default true
   */
  autoRespond?: boolean;
  /**
   * The follow-up response's `tool_choice` when the turn was forced (`required` or a named
   * function), so the turn cannot loop forever; false keeps the session's choice.
   * @default DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE ('auto')
   */
  followUpToolChoice?: ToolChoice | false;
  /**
   * Time limit for tools that set no `timeoutMs`; `Infinity` for none.
   * @default DEFAULT_TOOL_TIMEOUT_MS (30 000)
   */
  defaultTimeoutMs?: number;
}

/**
 * Runs the model's function calls: {@link DispatcherCore} with its options resolved from the
 * defaults. The owner passes it every server event and calls `onInterrupt`, `onDisconnect` and
 * `dispose` at those moments.
 */
export class ToolDispatcher extends DispatcherCore {
  constructor(options: ToolDispatcherOptions) {
    super({
      tools: options.tools,
      host: options.host,
      clock: options.clock ?? systemClock,
      autoRespond: options.autoRespond ?? true,
      followUpToolChoice: options.followUpToolChoice ?? DEFAULT_TOOL_FOLLOW_UP_TOOL_CHOICE,
      defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
      errorClass: RealtimeError,
    });
  }
}
