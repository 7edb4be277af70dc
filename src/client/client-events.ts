import type { ConversationChange, ConversationEntry, DeliveryState, TranscriptUpdate } from './conversation';
import type { RealtimeError, SessionEndingReason, SessionExpiredReason } from '../base/errors';
import type { RealtimeSessionConfig } from '../events/session';
import type { ServerEvent, ServerEventMap, ServerEventType, UnknownServerEvent } from '../events/server-events';
import type { Usage } from '../events/response';
import type { ModelWarning } from '../base/models';
import type { ToolEvents } from '../tools/tool-events';
import type { UsageTotals } from '../base/usage';

/** The client's connection state. */
export type ClientState =
  | {
      /** Not connected yet: `connect()` has not been called. */
      status: 'idle';
    }
  | {
      /** `connect()` is opening the transport and waiting for `session.created`. */
      status: 'connecting';
    }
  | {
      /** The session is live. */
      status: 'connected';
      /** The server's session id (`session.created`'s `session.id`). */
      sessionId: string;
    }
  | {
      /** The connection dropped and the reconnect policy scheduled another attempt. */
      status: 'reconnecting';
      /** Which attempt comes next, from 1. */
      attempt: number;
      /** How long the client waits before that attempt, in milliseconds. */
      nextDelayMs: number;
      /** The close code of the connection that dropped. */
      closeCode: number;
    }
  | {
      /** The client is done: `disconnect()` was called or the session failed for good. */
      status: 'closed';
      /** Why it closed, in words. */
      reason: string;
      /** The error that closed it, when it failed. */
      error?: RealtimeError;
    }
  | {
      /** The session ended at a limit; start a new one to continue. */
      status: 'expired';
      /**
       * Which limit: the server's session expiry (`session_expired`), a server close without a
       * more specific code (`server_closed`), a time limit (`time_limit`: the relay's, close
       * code 4001, or the client's own `maxDurationMs`), an idle end (`idle`: the relay's,
       * also 4001 and told apart by its `voxwire.session.ending`, or `endAfterIdleMs`), or the
       * user's budget (`budget_exhausted`, close code 4002). The words of `SESSION_END_REASONS`.
       */
      reason: SessionExpiredReason;
    };

/** Why and how the assistant was interrupted (the `interrupted` event). */
export interface InterruptionInfo {
  /** What triggered it: the user speaking (server VAD), or `client.interrupt()`. */
  reason: 'speech' | 'client';
  /** The assistant item that was playing, if any. */
  itemId: string | undefined;
  /** Its content part index. */
  contentIndex: number | undefined;
  /** Milliseconds the user really heard (the `audio_end_ms` sent with the truncate). */
  playedMs: number | undefined;
  /** Milliseconds of audio received for the item when it was cut. */
  receivedMs: number | undefined;
  /** True when a `conversation.item.truncate` was sent (something unheard was cut). */
  truncated: boolean;
  /** True when an active response was cancelled. */
  cancelled: boolean;
}

/** One chunk of assistant audio (the `audio` event), PCM16. */
export interface AudioChunkInfo {
  /** The response that produced it. */
  responseId: string;
  /** The assistant item. */
  itemId: string;
  /** The content part index. */
  contentIndex: number;
  /** PCM16 samples (G.711 is decoded to PCM16 at 8 kHz). */
  samples: Int16Array;
  /** Their sample rate. */
  sampleRate: number;
}

/** A warning that the session ends soon (the `sessionEnding` event). */
export interface SessionEndingInfo {
  /**
   * Why, in the words of `SESSION_END_REASONS`: `time_limit` or `idle` (the client's own
   * limits, or the relay's), or what the relay announced (`budget_exhausted`, `draining`,
   * `ended_by_operator`; a newer relay's reason passes as it is).
   */
  reason: SessionEndingReason | (string & {});
  /** Who ends the session: the client's own limits, or the relay (`voxwire.session.ending`). */
  source: 'client' | 'relay';
  /** Milliseconds left. */
  remainingMs: number;
}

/** Whether the assistant's audio is playing out (the `speaking` event; WebRTC and SIP, where the server owns playback). */
export interface SpeakingInfo {
  /** True when playback started, false when it stopped or was cleared. */
  speaking: boolean;
  /** The response being played. */
  responseId: string | undefined;
}

/** Usage of one response and the running total (the `usage` event). */
export interface UsageInfo {
  /** The response's own usage. */
  response: Usage;
  /** The client's running totals. */
  total: UsageTotals;
}

/** The delivery state of an item the client sent changed (the `delivery` event). */
export interface DeliveryUpdate {
  /** The item. */
  itemId: string;
  /** `pending` when sent, `delivered` once the server acknowledged it, `failed` when refused or the client ended first. */
  state: DeliveryState;
  /** Its conversation entry (whose `delivery` says the same). */
  entry: ConversationEntry;
}

/** SDK lifecycle events (short names, no dots). */
export interface ClientLifecycleEvents {
  /** The state changed. */
  state: [state: ClientState, previous: ClientState];
  /** The server confirmed the session (`session.updated` / `session.created`). */
  session: [session: RealtimeSessionConfig];
  /** An entry of `client.conversation` was added, updated, truncated or removed. */
  conversation: [change: ConversationChange];
  /** An item the client sent is pending, was delivered (acknowledged by the server), or failed. */
  delivery: [update: DeliveryUpdate];
  /** A user or assistant transcript delta or final (typed user text included; a truncation ends with the text heard). */
  transcript: [update: TranscriptUpdate];
  /** Assistant audio (WebSocket transport only; WebRTC plays media tracks). */
  audio: [chunk: AudioChunkInfo];
  /** The assistant was interrupted. */
  interrupted: [info: InterruptionInfo];
  /** The assistant's audio started or stopped playing out (server-owned playback: WebRTC, SIP). */
  speaking: [info: SpeakingInfo];
  /** A response finished and its usage was counted. */
  usage: [usage: UsageInfo];
  /** The session will end soon. */
  sessionEnding: [info: SessionEndingInfo];
  /**
   * The session's model shuts down within 60 days (OpenAI's announced date): move to
   * `replacement`. Emitted once per model, by the client itself or when a voxwire relay says so
   * (`voxwire.model.deprecated`). A model past its date is refused with `VOXWIRE_MODEL_SHUT_DOWN`.
   */
  modelWarning: [warning: ModelWarning];
  /** Something failed; the client keeps its state unless `state` says otherwise. */
  error: [error: RealtimeError];
  /** Every server event, known or not. */
  '*': [event: ServerEvent | UnknownServerEvent];
}

/**
 * Every server event by its wire name, except the wire `error` event: it is the one wire name
 * without a dot, and it arrives as the lifecycle `error` (a `RealtimeError` whose
 * `serverError` holds the server's object; `'*'` still carries the raw event).
 */
export type ClientWireEvents = { [K in Exclude<ServerEventType, 'error'>]: [event: ServerEventMap[K]] };

/**
 * The client's typed event map: wire events by wire name, lifecycle events by short name,
 * tool events (`toolCall`, `toolResult`, `toolError`, `toolApproval`, `toolOutputs`).
 */
export type RealtimeClientEvents = ClientLifecycleEvents & ToolEvents & ClientWireEvents;
