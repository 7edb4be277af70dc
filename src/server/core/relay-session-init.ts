/**
 * What a relayed session is made from ({@link RelaySessionInit}) and what it reports to the
 * relay that owns it ({@link RelaySessionHooks}).
 */
import type { Usage } from '../../events/response';
import type { ModelWarning } from '../../base/models';
import type { ToolEventMap, ToolEventName } from '../../tools/tool-events';
import type { RelayEndReason } from './end-reason';
import type { RelaySessionType, ResolvedSessionPolicy } from './policy';
import type { RelayIdentity } from './relay-options';
import type { ResolvedRelaySettings } from './relay-settings';
import type { RelaySession } from './relay-session';
import type { DeadlineQueue } from './session-deadlines';
import type { RelaySocket } from './socket';

/** What a session reports to the relay that owns it. */
export interface RelaySessionHooks {
  /** The session ended (called once, synchronously inside {@link RelaySession.end}). */
  onEnded(session: RelaySession, reason: RelayEndReason): void;
  /** A final transcript of a user or assistant item. */
  onTranscript(session: RelaySession, role: 'user' | 'assistant', itemId: string, text: string): void;
  /** A response finished with this usage; `charged` is what it added to the budget. */
  onUsage(session: RelaySession, responseId: string | undefined, usage: Usage | null | undefined, charged: number): void;
  /** The session's model shuts down soon; the client was told, the relay logs it (once per model). */
  onModelWarning?(session: RelaySession, warning: ModelWarning, message: string): void;
  /** A server-side tool event; returns whether anyone listened. */
  onToolEvent<Name extends ToolEventName>(session: RelaySession, name: Name, event: ToolEventMap[Name]): boolean;
}

/** Everything a session is made from. */
export interface RelaySessionInit<Identity extends RelayIdentity = RelayIdentity> {
  /** The session id. */
  id: string;
  /** Who the session belongs to. */
  identity: Identity;
  /** The socket toward the client. */
  client: RelaySocket;
  /** The socket toward the upstream API (already open). */
  upstream: RelaySocket;
  /** The session's policy. */
  policy: ResolvedSessionPolicy;
  /** The relay-wide settings. */
  settings: ResolvedRelaySettings<Identity>;
  /** The session's time limit (`Infinity` for none). */
  maxDurationMs: number;
  /** The user's budget for today (`undefined` for none). */
  budgetLimit: number | undefined;
  /** The user's spend when the session was admitted. */
  budgetSpent: number;
  /** The kind of session when known before it opens (a WebRTC call). @default 'realtime' */
  sessionType?: RelaySessionType;
  /** The models the session names and where from, warned about when they shut down soon. @default [] */
  models?: ReadonlyArray<readonly [model: string, path: string]>;
  /** Where the session reports. */
  hooks: RelaySessionHooks;
  /**
   * The relay's one timer, on which the time and idle limits of all its sessions come due.
   * @default a queue of the session's own
   */
  deadlines?: DeadlineQueue;
  /**
   * Whether the audio travels in the frames (WebSocket: appends and deltas); false for a
   * WebRTC call seen through its sideband, whose audio flows as media tracks.
   * @default true
   */
  audioInFrames?: boolean;
  /** The connection declared the retired beta interface (header or subprotocol). */
  betaClient?: boolean;
}
