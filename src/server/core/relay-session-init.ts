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
import type { RelayFrame, RelaySocket } from './socket';
import type { ParseOptions } from '../../events/parse';
import type { SessionEndingReason } from '../../base/errors';

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

/**
 * The part of a session's state that most sessions never use, kept out of the session object
 * (an idle session is mostly its fields: bench/README.md, "Relay").
 */
export interface SessionRare {
  /** How client frames are parsed: the frame cap, strict or not, and where unknown fields are reported (made on the first parsed frame). */
  parseOptions: ParseOptions | undefined;
  /** Unknown client fields already warned about (once per field and session). */
  warnedFields: Set<string> | undefined;
  /** The last `voxwire.session.ending` sent. */
  lastWarning: SessionEndingReason | undefined;
  /** Client frames refused so far (the session ends past the relay's maximum). */
  rejectedFrames: number;
  /** Client events held while a mixed turn's server tools finish. */
  heldClientFrames: RelayFrame[] | undefined;
  /** Models already warned about. */
  warnedModels: Set<string> | undefined;
}

/** A session's rare state when it first needs it. */
export function newSessionRare(): SessionRare {
  return { parseOptions: undefined, warnedFields: undefined, lastWarning: undefined, rejectedFrames: 0, heldClientFrames: undefined, warnedModels: undefined };
}

/**
 * How a session's client frames are parsed: the relay's frame cap and strictness; a field newer
 * than the schemas is forwarded as given and logged once per field and session.
 */
export function sessionParseOptions(settings: Pick<ResolvedRelaySettings<never>, 'maxClientFrameBytes' | 'strictClientEvents' | 'logger'>, sessionId: string, rare: SessionRare): ParseOptions {
  return {
    maxFrameBytes: settings.maxClientFrameBytes,
    strict: settings.strictClientEvents,
    onWarning: (warning) => {
      const key = `${warning.eventType} ${warning.path}`;
      const warned = (rare.warnedFields ??= new Set());
      if (warned.has(key)) return;
      warned.add(key);
      settings.logger.warn(`relay: ${warning.message}`, { sessionId, eventType: warning.eventType, path: warning.path });
    },
  };
}
