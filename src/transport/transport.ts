import type { EventEmitter } from 'eventemitter3';
import type { RealtimeError } from '../base/errors';
import type { ClientEventInput } from '../events/client-events';
import type { FrameData } from '../events/frame';
import type { ParseOptions, ParseResult } from '../events/parse';
import type { SerializeOptions } from '../events/serialize';
import type { ServerEvent, UnknownServerEvent } from '../events/server-events';

/** What a transport carries besides events. The client branches only on this. */
export interface TransportCapabilities {
  /**
   * `'events'`: audio travels as base64 in `input_audio_buffer.append` and
   * `response.output_audio.delta` (WebSocket). `'media'`: audio travels as media tracks and the
   * server owns playback and truncation (WebRTC).
   */
  readonly audio: 'events' | 'media';
}

/** How a connection ended. */
export interface TransportCloseInfo {
  /** The WebSocket close code (1006 when the connection dropped without a close frame). */
  code: number;
  /** The close reason, possibly empty. */
  reason: string;
  /** True when the close was initiated by this side through {@link Transport.close}. */
  initiatedLocally: boolean;
}

/** The events every transport emits. */
export interface TransportEvents {
  /** The connection is open; events may be sent. */
  open: [];
  /** A server event arrived and parsed; `known` is false for a type the SDK does not know. */
  event: [event: ServerEvent | UnknownServerEvent, known: boolean];
  /** The connection ended. Emitted once per successful `connect()`. */
  close: [info: TransportCloseInfo];
  /** A frame could not be parsed, or the connection reported an error. The connection stays as it is. */
  error: [error: RealtimeError];
}

/** Options of one {@link Transport.connect} call. */
export interface TransportConnectOptions {
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
  /**
   * Connects this once to another endpoint of the same API instead of the transport's own URL
   * (a GPT-Live fork: `…/v1/live/sessions/{id}/fork`). WebSocket only. @default the transport's URL
   */
  url?: string;
  /**
   * The protocol to speak when the transport was built without one: the client's
   * (`RealtimeClient` gives `realtimeProtocol`, `LiveClient` `liveProtocol`). A transport's own
   * `protocol` option wins. @default the transport's `protocol`
   */
  protocol?: TransportProtocol;
}

/**
 * Moves events (and, for WebRTC, media) between the client and a Realtime server. A
 * transport may be connected again after it closed; each `connect()` opens a new connection
 * and asks the key provider for a fresh key.
 */
export interface Transport extends Pick<EventEmitter<TransportEvents>, 'on' | 'off' | 'once'> {
  /** What the transport carries besides events. */
  readonly capabilities: TransportCapabilities;
  /** True between `open` and `close`. */
  readonly isOpen: boolean;
  /** Opens a connection; resolves when events may be sent. Rejects with a `RealtimeError`. */
  connect(options?: TransportConnectOptions): Promise<void>;
  /** Validates, serializes and sends a client event. Throws `RealtimeError` when invalid or not open. */
  send(event: ClientEventInput): void;
  /** Closes the connection. Safe to call in any state. */
  close(code?: number, reason?: string): void;
  /**
   * For `audio: 'media'` transports: where the audio of `client.attachInput` and
   * `client.attachOutput` goes, so capture and playback are one API on every transport.
   */
  readonly media?: TransportMedia;
}

/**
 * The audio routing of a transport that carries media (WebRTC). The client hands it what
 * `attachInput`/`attachOutput` receive; each method returns the detach function, or
 * `undefined` when the source or sink cannot give or play a media stream (the client then
 * streams chunks as on WebSocket).
 */
export interface TransportMedia {
  /**
   * Sends the source's stream as the call's microphone track (replacing the track of a live
   * call, no renegotiation), following it as it changes; nothing while it gives `undefined`.
   * Detaching goes back to the transport's own microphone.
   */
  attachInput(source: { subscribeMedia?(onStream: (stream: MediaStream | undefined) => void): () => void }): (() => void) | undefined;
  /** Plays the remote audio through the sink instead of the transport's audio element. */
  attachOutput(sink: { playMedia?(stream: MediaStream): () => void }): (() => void) | undefined;
}

/**
 * The wire protocol a transport speaks: how it parses server frames and serializes client
 * events, and where it connects when no URL is given: `realtimeProtocol` (conversations),
 * `translationProtocol` (the translation sessions of `TranslationClient`) or `liveProtocol`
 * (GPT-Live, from `voxwire/live`). A transport has no built-in protocol, so that an app bundles
 * only the validators of the protocol it speaks: the client gives its own at `connect()`.
 */
export interface TransportProtocol {
  /**
   * Loads what `parse` needs, when it loads on demand (the Realtime protocol's server event
   * tables); a transport awaits it in `connect()` before it opens anything. Rejects with
   * `VOXWIRE_CONNECTION_FAILED` when it cannot load (retried on the next call).
   * @default nothing to load
   */
  load?(): Promise<void>;
  /** Parses one server frame. Never throws. */
  parse(data: FrameData, options: ParseOptions): ParseResult<unknown, unknown>;
  /** Validates and serializes one client event. Throws `RealtimeError` when it is invalid. */
  serialize(event: unknown, options: SerializeOptions): string;
  /** The WebSocket endpoint used when no `url` is given. */
  readonly url: string;
  /** The WebRTC SDP endpoint used when no `sdpUrl` is given. */
  readonly callsUrl: string;
  /** The model used when none is given. */
  readonly model: string;
  /** The `session` part of a multipart SDP offer (sent with a standard key, which carries no session). */
  callSession(model: string): Record<string, unknown>;
  /**
   * False when the WebSocket endpoint takes no `?model=` query (GPT-Live: the model goes in
   * `session.start`). @default true
   */
  readonly modelInUrl?: boolean;
  /** The server event that confirms a WebRTC session. @default 'session.created' */
  readonly confirmation?: string;
  /**
   * The request that creates a call with a standard key (local demos), when it is not the
   * multipart offer with `callSession(model)`: GPT-Live posts JSON `{session, transport}`.
   */
  callRequest?(offerSdp: string, model: string): {
    /** The request body to post. */
    body: string;
    /** Its `Content-Type`. */
    contentType: string;
  };
  /**
   * Reads the answer to an SDP offer when it may be more than SDP text (GPT-Live answers JSON
   * `{session: {id}, transport: {sdp}}`); undefined when the body holds no answer.
   * @default the body is the SDP; the call id is the last segment of `Location`
   */
  readAnswer?(body: string, location: string | null):
    | {
        /** The SDP answer. */
        sdp: string;
        /** The call's id, when the answer names it. */
        callId: string | undefined;
      }
    | undefined;
}

/**
 * Narrows a transport's `event` by its `known` flag: a known event is one of the protocol's
 * typed events, so a `switch` on its `type` narrows each case without a cast.
 *
 * @example
 * ```ts
 * transport.on('event', (event, known) => {
 *   if (isKnownEvent(event, known) && event.type === 'response.done') console.log(event.response.usage);
 * });
 * ```
 */
export function isKnownEvent(event: ServerEvent | UnknownServerEvent, known: boolean): event is ServerEvent {
  return known;
}

/** An API key, or a function returning one, called on every (re)connect. */
export type ApiKeyProvider = string | (() => string | Promise<string>);

/** Resolves an {@link ApiKeyProvider} to a key. */
export async function resolveApiKey(apiKey: ApiKeyProvider | undefined): Promise<string | undefined> {
  if (apiKey === undefined) return undefined;
  return typeof apiKey === 'function' ? await apiKey() : apiKey;
}
