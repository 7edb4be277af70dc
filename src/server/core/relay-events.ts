/**
 * The events a relay emits about the sessions on its node ({@link RelayEvents}), each
 * carrying the session's {@link RelaySessionRef}.
 */
import type { Usage } from '../../events/response';
import type { ToolApprovalRequest, ToolCallInfo, ToolErrorInfo, ToolResultInfo } from '../../tools/tool-events';
import type { RelayDrainState } from './drain';
import type { RelayEndReason } from './end-reason';
import type { RelayIdentity } from './relay-options';
import type { BudgetUnit } from '../stores/session-bus';

/** Fields every relay event about a session carries. */
export interface RelaySessionRef<Identity extends RelayIdentity = RelayIdentity> {
  /** The session id. */
  sessionId: string;
  /** The session's user. */
  userId: string;
  /** The identity `authenticate` returned. */
  identity: Identity;
}

/** The events of a relay (local to this node; use `observe()` for every node). */
export interface RelayEvents<Identity extends RelayIdentity = RelayIdentity> {
  /** A session opened on this node. */
  sessionStarted: [event: RelaySessionRef<Identity>];
  /** A session on this node ended. */
  sessionEnded: [
    event: RelaySessionRef<Identity> & {
      /** Why it ended. */
      reason: RelayEndReason;
      /** How long it lasted, from its start to its end, in milliseconds of the relay's clock. */
      durationMs: number;
    },
  ];
  /** A final user transcript or assistant transcript/text. */
  transcript: [
    event: RelaySessionRef<Identity> & {
      /** `user` for a transcribed input, `assistant` for the model's audio transcript or text. */
      role: 'user' | 'assistant';
      /** The conversation item the text belongs to. */
      itemId: string;
      /** The final transcript or text. */
      text: string;
    },
  ];
  /** A response finished; `charged` is what it added to the user's budget, in `unit`. */
  usage: [
    event: RelaySessionRef<Identity> & {
      /** The finished response's id, when `response.done` carried one. */
      responseId: string | undefined;
      /** The response's token usage, or null when `response.done` carried none. */
      usage: Usage | null | undefined;
      /** What the response added to the user's budget, in `unit` (0 without usage). */
      charged: number;
      /** The unit the relay's budget counts in. */
      unit: BudgetUnit;
    },
  ];
  /** A server-side tool call started. */
  toolCall: [event: RelaySessionRef<Identity> & ToolCallInfo];
  /** A server-side tool call returned. */
  toolResult: [event: RelaySessionRef<Identity> & ToolResultInfo];
  /** A server-side tool call failed (the model got the error as its output). */
  toolError: [event: RelaySessionRef<Identity> & ToolErrorInfo];
  /** The relay began draining, hastened its deadline, or finished draining (see `RelayCore.drain`). */
  drain: [state: RelayDrainState];
  /** A server-side tool call needs approval: call `approve()` or `reject()`. Unheard, it is rejected. */
  toolApproval: [event: RelaySessionRef<Identity> & ToolApprovalRequest];
}
