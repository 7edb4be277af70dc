/**
 * The tool lifecycle events (short camelCase names, like every SDK-side event): the dispatcher hands them to
 * its host, and the client re-emits them. For every call that is dispatched, exactly one
 * `toolResult` or `toolError` follows; `toolCall` marks the start of `execute` (after
 * validation and approval), so a call refused before it starts has only a `toolError`.
 */
import type { RealtimeError } from '../base/errors';

/** Which call an event is about. */
export interface ToolCallRef {
  /** The call's `call_id`. */
  callId: string;
  /** The `function_call` item's id. */
  itemId: string;
  /** The response that made the call. */
  responseId: string;
  /** The tool name the model called. */
  name: string;
  /** The raw `arguments` string the model sent. */
  arguments: string;
}

/** `toolCall`: `execute` is starting, with validated arguments. */
export interface ToolCallInfo extends ToolCallRef {
  /** The validated (typed by the tool's schema) arguments. */
  args: unknown;
}

/** `toolResult`: `execute` returned. */
export interface ToolResultInfo extends ToolCallRef {
  /** The validated arguments. */
  args: unknown;
  /** What `execute` returned. */
  result: unknown;
  /** The `output` string the model receives. */
  output: string;
  /** How long `execute` ran, from the client's clock. */
  durationMs: number;
}

/** `toolError`: the call failed, timed out, was rejected or was cancelled. */
export interface ToolErrorInfo extends ToolCallRef {
  /**
   * What went wrong. Codes: `VOXWIRE_TOOL_NOT_FOUND`, `VOXWIRE_TOOL_INVALID_ARGUMENTS`,
   * `VOXWIRE_TOOL_FAILED` (`cause` holds the thrown value), `VOXWIRE_TOOL_TIMEOUT`,
   * `VOXWIRE_TOOL_REJECTED`, `VOXWIRE_ABORTED` (interrupted or disconnected).
   */
  error: RealtimeError;
  /** The arguments, when they were valid. */
  args: unknown;
  /**
   * The `output` string the model receives (`{"error": ...}`), or undefined when nothing is
   * sent (the connection dropped: the next session never saw the call).
   */
  output: string | undefined;
  /** How long `execute` ran, when it had started. */
  durationMs: number | undefined;
}

/**
 * `toolApproval`: a call waits for a decision. Call `approve()` or `reject(reason)` once
 * (later calls are ignored). The call is also settled, as cancelled, by an interruption or a
 * disconnect; with no `toolApproval` listener at all, calls are rejected.
 */
export interface ToolApprovalRequest extends ToolCallRef {
  /** The validated arguments the tool would run with. */
  args: unknown;
  /** Runs the tool. */
  approve(): void;
  /** Refuses: the model receives `{"error": "rejected by the user: <reason>"}`. */
  reject(reason?: string): void;
}

/** One output the dispatcher sent to the model. */
export interface ToolOutputRecord {
  /** The call's `call_id`. */
  callId: string;
  /** The `function_call` item's id. */
  itemId: string;
  /** The tool name. */
  name: string;
  /** The `output` string sent. */
  output: string;
  /** `completed`: `execute` returned; `failed`: an error output; `cancelled`: aborted. */
  status: 'completed' | 'failed' | 'cancelled';
}

/**
 * `toolOutputs`: every call of a response has been answered with a `function_call_output`
 * (sent in this order), and `responseRequested` says whether the dispatcher then asked for
 * the follow-up response (false with `autoRespond: false`, after an interruption, or when the
 * connection was gone). With `autoRespond: false` this is the moment to respond yourself.
 */
export interface ToolOutputsInfo {
  /** The response whose calls were answered. */
  responseId: string;
  /** The outputs, in the order of the response's output items. */
  outputs: ToolOutputRecord[];
  /** True when one follow-up response was requested. */
  responseRequested: boolean;
}

/** Each tool event name mapped to its payload. */
export interface ToolEventMap {
  /** `execute` is starting. */
  toolCall: ToolCallInfo;
  /** `execute` returned; its output is queued for the model. */
  toolResult: ToolResultInfo;
  /** The call failed, timed out, was rejected or cancelled. */
  toolError: ToolErrorInfo;
  /** A call needs approval. */
  toolApproval: ToolApprovalRequest;
  /** A response's calls were all answered. */
  toolOutputs: ToolOutputsInfo;
}

/** A tool event name. */
export type ToolEventName = keyof ToolEventMap;

/** The tool events in eventemitter3's map shape, for the client's typed event map. */
export type ToolEvents = { [Name in ToolEventName]: [event: ToolEventMap[Name]] };
