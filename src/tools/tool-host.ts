/**
 * What the tool dispatcher needs from its owner (a client, the relay, the Live delegation) and
 * what it reports back: the host interface, the tool lookup and the calls it holds.
 */
import type { ClientEventInput } from '../events/client-events';
import type { ResponseCreateParams } from '../events/response';
import type { ToolChoice } from '../events/tools';
import type { AnyTool } from './define-tool';
import type { ToolConversationView } from './tool-context';
import type { ToolEventMap, ToolEventName } from './tool-events';

/** The session's `tool_choice` as the host knows it (from the config it sent or the server). */
export type ToolChoiceSetting = ToolChoice | string | { readonly type: string; readonly name?: string | null | undefined } | null | undefined;

/**
 * What the dispatcher needs from its owner (the client), and nothing more: send an event,
 * ask for a response, read the conversation, emit tool events.
 */
export interface ToolHost {
  /** Sends a client event now. Returns false, sending nothing, when not connected. */
  sendEvent(event: ClientEventInput): boolean;
  /**
   * Asks for a response. The host sequences it: while a response is active it is queued and
   * sent after `response.done`.
   */
  requestResponse(params?: ResponseCreateParams): void;
  /** The conversation, read-only (handed to tools as `context.conversation`). */
  readonly conversation: ToolConversationView;
  /**
   * Emits a tool event to the app. Returns false when nobody listens (eventemitter3's
   * `emit` does): a `toolApproval` nobody listens to is rejected instead of waiting forever.
   */
  emit<Name extends ToolEventName>(name: Name, event: ToolEventMap[Name]): boolean | void;
  /**
   * The `tool_choice` in force for a response: the `response.create` override if there was
   * one, else the session's. `none`: its calls are not run. `required` or a named function:
   * the follow-up response uses `followUpToolChoice`. Without it, `auto` is assumed.
   */
  getToolChoice?(responseId: string): ToolChoiceSetting;
}

/** The tools a dispatcher can run (a {@link ToolRegistry} fits). */
export interface ToolLookup {
  /** The tool with this name, if any. */
  get(name: string): AnyTool | undefined;
  /** All tools (named in the error the model gets for an unknown tool). */
  list(): readonly AnyTool[];
}

/** A call whose output was never sent, as {@link DispatcherCore.onDisconnect} reports it. */
export interface CancelledToolCall {
  /** The call's `call_id`. */
  callId: string;
  /** The `function_call` item's id: mark it cancelled in the transcript. */
  itemId: string;
  /** The response that made the call. */
  responseId: string;
  /** The tool name. */
  name: string;
}

/** A call the dispatcher is working on, as {@link DispatcherCore.pendingCalls} lists it. */
export interface PendingToolCall extends CancelledToolCall {
  /** `running`: validating, awaiting approval or executing; `done`: its output waits for the response to end. */
  state: 'running' | 'done';
}
