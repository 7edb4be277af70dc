/**
 * What a running tool sees of the session: a narrow, read-only view, never the client itself
 * (tools depend on an interface they define; ARCHITECTURE.md).
 */
import type { ClientEventInput } from '../events/client-events';

/** One conversation entry as tools may read it (the client's `ConversationEntry` fits). */
export interface ToolConversationEntry {
  /** The item id. */
  readonly id: string;
  /** `message`, `function_call`, `function_call_output`, ... */
  readonly type: string;
  /** For messages: who said it. */
  readonly role?: 'user' | 'assistant' | 'system' | undefined;
  /** `in_progress`, `completed`, `incomplete` or `cancelled`. */
  readonly status: string;
  /** All text of the entry: typed text, transcripts, or function arguments/output. */
  readonly text: string;
  /** For function calls and their outputs. */
  readonly callId: string | undefined;
  /** For function calls: the tool name. */
  readonly name: string | undefined;
  /** For function calls: the JSON arguments. */
  readonly arguments: string | undefined;
  /** For function call outputs. */
  readonly output?: string | undefined;
}

/** A read-only view of the conversation (the client's `Conversation` fits). */
export interface ToolConversationView {
  /** The entries in conversation order. */
  readonly entries: readonly ToolConversationEntry[];
  /** The entry with this item id, if any. */
  get(id: string): ToolConversationEntry | undefined;
}

/** The second argument of a tool's `execute`. */
export interface ToolContext {
  /** The call's `call_id` (the function_call_output answers it). */
  readonly callId: string;
  /** The `function_call` item's id in the conversation. */
  readonly itemId: string;
  /** The response whose output contained the call. */
  readonly responseId: string;
  /**
   * Aborted when the call is cancelled (user barge-in, `client.interrupt()`,
   * `response.cancel`), times out (`timeoutMs`) or the connection drops. Pass it on to
   * `fetch` and friends; a result that arrives after the abort is dropped.
   */
  readonly signal: AbortSignal;
  /** The conversation so far, read-only. */
  readonly conversation: ToolConversationView;
  /**
   * Sends a client event on the session (validated by the client). Returns false, sending
   * nothing, when not connected or once `signal` is aborted.
   */
  send(event: ClientEventInput): boolean;
}

/** The second argument of a `needsApproval` predicate. */
export interface ToolApprovalContext {
  /** The call's `call_id`. */
  readonly callId: string;
  /** The conversation so far, read-only. */
  readonly conversation: ToolConversationView;
}
