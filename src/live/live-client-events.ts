import type { RealtimeError } from '../base/errors';
import type { ModelWarning } from '../base/models';
import type { LiveUsageTotals } from '../base/usage';
import type { ClientState, SessionEndingInfo } from '../client/client-events';
import type { LiveServerEvent, LiveServerEventMap, LiveServerEventType, LiveSessionResource, UnknownLiveServerEvent } from '../events/live';
import type { ToolEvents } from '../tools/tool-events';
import type { LiveTurn } from './live-transcript';

/** A piece of transcript (the `transcript` event): a turn grew by `delta`. */
export interface LiveTranscriptDelta {
  /** The turn after the fragment (`turn.text` is all of it so far). */
  turn: LiveTurn;
  /** The fragment's text. */
  delta: string;
}

/** A chunk of model speech, decoded (the `audio` event; WebSocket only). */
export interface LiveAudioInfo {
  /** PCM16 mono samples (G.711 is decoded). */
  samples: Int16Array;
  /** Their sample rate: the session format's (16000 or 24000; 8000 for G.711). */
  sampleRate: number;
}

/**
 * The assistant was cut off locally (the `interrupted` event). GPT-Live has no truncate and no
 * cancel: the model decides itself whether to yield; the client only stops what it still had
 * to play, so the user does not hear speech the model already abandoned.
 */
export interface LiveInterruptionInfo {
  /** `speech`: the user spoke over the assistant; `client`: `client.interrupt()`. */
  reason: 'speech' | 'client';
  /** True when queued audio was dropped from an attached sink (WebSocket). */
  flushed: boolean;
  /** Milliseconds of the interrupted speech the sink had played, when it could tell. */
  playedMs: number | undefined;
}

/** @deprecated Renamed {@link LiveInterruptionInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type LiveInterruption = LiveInterruptionInfo;

/** The model delegated work (the `delegation` event), from `session.delegation.created`. */
export interface LiveDelegationInfo {
  /** The delegation id (`delegation_id` of answers and related events). */
  id: string;
  /** Who handles it: `client` (your `delegate` handler), `responses` (OpenAI; your tools run here) or `decisions`. */
  target: string;
  /** The Responses response of a Responses delegation. */
  responseId: string | undefined;
  /** Where on the session timeline it was delegated, in ms. */
  offsetMs: number;
  /** The session it belongs to (its id is valid only there). */
  sessionId: string;
}

/** One acknowledged append (`*.appended`): where it entered the session timeline. */
export interface LiveAppended {
  /** Start on the timeline, in ms. */
  startMs: number;
  /** End on the timeline, in ms. */
  endMs: number;
}

/** How a client delegation ended (the `delegationResult` event). */
export interface LiveDelegationResult {
  /** The delegation. */
  delegation: LiveDelegationInfo;
  /**
   * `delivered`: the answer was appended and acknowledged. `empty`: the handler had nothing to
   * say. `orphaned`: the answer came after the delegating session ended (`orphanedResults`
   * says what became of it). `failed`: the handler threw or the server refused an append.
   */
  status: 'delivered' | 'empty' | 'orphaned' | 'failed';
  /** Text given to speak (`session.commentary.append`). */
  speak: string | undefined;
  /** Text given to think (`session.thinking.append`). */
  think: string | undefined;
  /** The acknowledgements of what was appended. */
  appended: LiveAppended[];
  /** Milliseconds from the delegation to its answer (client clock). */
  durationMs: number;
  /** Why it failed or was orphaned. */
  error: RealtimeError | undefined;
}

/** SDK lifecycle events of `LiveClient` (short names, no dots). */
export interface LiveClientLifecycleEvents {
  /** The connection state changed (the same states as `RealtimeClient`). */
  state: [state: ClientState, previous: ClientState];
  /** The server started or updated the session (`session.started`, `session.updated`). */
  session: [session: LiveSessionResource];
  /** A user or assistant turn grew. */
  transcript: [update: LiveTranscriptDelta];
  /** A turn ended (speaker change, silence, inactivity, session end). */
  turn: [turn: LiveTurn];
  /** Model speech, decoded (WebSocket; over WebRTC it plays from the remote track). */
  audio: [chunk: LiveAudioInfo];
  /**
   * The user spoke over the assistant (local playback flushed over WebSocket; over WebRTC, once
   * per assistant turn the user's speech overlaps on the timeline), or `interrupt()`.
   */
  interrupted: [info: LiveInterruptionInfo];
  /** The model delegated work. */
  delegation: [info: LiveDelegationInfo];
  /** A client delegation was answered, found nothing to say, came too late, or failed. */
  delegationResult: [result: LiveDelegationResult];
  /** Cumulative usage was reported (`session.usage.updated`, `session.closed`). */
  usage: [usage: LiveUsageTotals];
  /** The session's model shuts down within 60 days (OpenAI's announced date). */
  modelWarning: [warning: ModelWarning];
  /** The relay announced the end of the session (`voxwire.session.ending`: time limit, idle, budget, drain). */
  sessionEnding: [info: SessionEndingInfo];
  /** A server `error`, a frame that did not parse, or a transport error. The session goes on unless `state` says otherwise. */
  error: [error: RealtimeError];
  /** Every server event, known or not, as it arrived (nested `response.event` types included). */
  '*': [event: LiveServerEvent | UnknownLiveServerEvent];
}

/** Every known Live server event by its wire name, except `error` (it arrives as the lifecycle `error`). */
export type LiveClientWireEvents = { [Type in Exclude<LiveServerEventType, 'error'>]: [event: LiveServerEventMap[Type]] };

/**
 * The events of `LiveClient`: lifecycle events by short name, the tool events of Responses
 * delegation (`toolCall`, `toolResult`, `toolError`, `toolApproval`, `toolOutputs`, as on
 * `RealtimeClient`), and every known Live server event by its wire name.
 */
export type LiveClientEvents = LiveClientLifecycleEvents & ToolEvents & LiveClientWireEvents;
