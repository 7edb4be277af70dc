/**
 * The options of {@link MockRealtimeServer}, what it reports about a connection and where it
 * listens, with the checks that refuse a bad option before anything starts.
 */

import * as z from 'zod/mini';
import type { Clock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';
import { summarizeIssues } from '../../events/issues';
import { realtimeSessionConfigSchema } from '../../events/session';
import type { AudioPace } from './audio-pace';
import { paceSpeed } from './audio-pace';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_UPSTREAM_SESSION_MAX_MS } from '../../base/defaults';
import { DEFAULT_REPLY_CLIP } from './reply-audio';
import type { MockSessionOptions } from './session';
import type { MockSessionDefaults } from './session-config';
import type { MockSessionLink } from './session-link';
import type { MockRealtimeServer } from './server';
import type { MockTranslationOptions } from './translation-session';
import type { MockWebRTCOptions } from './webrtc-endpoint';
import { defineScenario } from '../script/scenario';
import type { Scenario, ScenarioReply } from '../script/scenario';

/** Who may connect. Without `apiKey` every connection is accepted, with or without a key. */
export interface MockAuthOptions {
  /**
   * The accepted key(s), or a predicate over the key the client presented (`undefined` when it
   * presented none). The key is read from `Authorization: Bearer <key>` or from the
   * `openai-insecure-api-key.<key>` subprotocol.
   */
  apiKey?: string | readonly string[] | ((key: string | undefined) => boolean | Promise<boolean>);
  /**
   * How a refused connection is turned away: `'http'` answers the upgrade with HTTP 401 and an
   * `invalid_api_key` JSON body (as the API does); `{ closeCode }` accepts the WebSocket, sends an
   * `error` event with code `invalid_api_key`, then closes with that code.
   * @default 'http'
   */
  rejectWith?:
    | 'http'
    | {
        /**
         * The WebSocket close code.
         * @default 4003
         */
        closeCode?: number;
        /**
         * The close reason.
         * @default 'authentication failed'
         */
        reason?: string;
      };
}

/** Options of {@link MockRealtimeServer}. Every field is optional. */
export interface MockRealtimeServerOptions {
  /** The scripted conversation. Without one the server is a plain assistant (see `defaultReply`). */
  scenario?: Scenario;
  /** Session fields every connection starts with, over the API's defaults (e.g. `{ instructions }`). */
  sessionDefaults?: MockSessionDefaults;
  /**
   * Pace of reply audio: `'realtime'`, a speed-up factor, or `'instant'`.
   * @default 'realtime'
   */
  audioPace?: AudioPace;
  /**
   * Duration of each `response.output_audio.delta`.
   * @default 50
   */
  outputChunkMs?: number;
  /** Key checks; see {@link MockAuthOptions}. @default any connection is accepted */
  auth?: MockAuthOptions;
  /**
   * Open connections allowed at once; further upgrades get HTTP 429.
   * @default Infinity
   */
  maxConnections?: number;
  /**
   * Largest client frame, in bytes. A larger frame (up to twice this) is answered with an `error`
   * (code `payload_too_large`) and the session goes on; beyond that `ws` closes the
   * connection with 1009.
   * @default 16 MiB (DEFAULT_MAX_CLIENT_FRAME_BYTES)
   */
  maxFrameBytes?: number;
  /**
   * Each session expires this long after it connected (`session_expired`, then close 1001),
   * unless the scenario sets its own `expireAfterMs`.
   * @default DEFAULT_UPSTREAM_SESSION_MAX_MS (60 minutes, as the API)
   */
  expireAfterMs?: number;
  /**
   * What the assistant says when no scenario turn says otherwise.
   * @default { audio: 'reply-greeting' } (the greeting fixture and its transcript)
   */
  defaultReply?: ScenarioReply;
  /**
   * The input transcription reported for committed audio when no scenario turn gives one
   * (the mock does not recognise speech).
   * @default '(speech)'
   */
  userTranscript?: string;
  /** Where the fixture clips are. @default the directory `loadFixtureAudio` finds */
  fixturesDir?: string;
  /** The recorded log. */
  log?: {
    /** Keep base64 audio in the log. @default false */
    keepAudio?: boolean;
    /** Entries kept. @default 100000 */
    maxEntries?: number;
  };
  /** Timers and timestamps (a fake clock makes expiry and idle timeouts testable). @default the system clock */
  clock?: Clock;
  /** Random source for ids, in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Port on 127.0.0.1 (the server never listens on other interfaces).
   * @default 0 (a free port)
   */
  port?: number;
  /**
   * The WebRTC endpoint (`POST /v1/realtime/calls`, `/client_secrets`, `/calls/{id}/hangup`,
   * sideband `?call_id=`): always mounted; a call needs the `werift` and `opusscript`
   * packages, loaded on the first offer.
   * @default {}
   */
  webrtc?: MockWebRTCOptions;
  /**
   * What translation sessions (`/v1/realtime/translations`) "translate" every input into: canned
   * transcripts and a clip, released frame by frame as speech arrives.
   * @default DEFAULT_MOCK_TRANSLATION (the `question` fixture's words, in Spanish, spoken by `reply-weather`)
   */
  translation?: MockTranslationOptions;
}

/** A connection as the server saw it. */
export interface MockConnectionInfo {
  /** Position in {@link MockRealtimeServer.connections}, from 0; the `connection` of log entries. */
  index: number;
  /** The transport. */
  kind: MockSessionLink['kind'];
  /** Path and query the client connected to. */
  url: string;
  /** `model` from the query (or the default model). */
  model: string;
  /** `call_id` from the query, for sideband connections. */
  callId?: string;
  /** The key the client presented, if any. */
  apiKey?: string;
  /** How it presented the key. */
  authVia: 'header' | 'subprotocol' | 'none';
  /** The subprotocol the server selected (`'realtime'`), or `''`. */
  protocol: string;
  /** The request headers. */
  headers: Record<string, string | string[] | undefined>;
  /** The session's id (`sess_...`). */
  sessionId: string;
  /** Whether the connection is still open. */
  open: boolean;
  /** When it opened (server clock). */
  openedAt: number;
  /** When it closed. */
  closedAt?: number;
  /** The close code (1006 for a dropped connection). */
  closeCode?: number;
  /** The close reason. */
  closeReason?: string;
}

/** Where the server listens, once started. */
export interface MockServerAddress {
  /** The WebSocket URL, `ws://127.0.0.1:<port>/v1/realtime`. */
  url: string;
  /**
   * The REST base, `http://127.0.0.1:<port>/v1`: `baseUrl` for `createClientSecret` and the
   * server handlers; the WebRTC offer goes to `${apiBaseUrl}/realtime/calls`.
   */
  apiBaseUrl: string;
  /** The port. */
  port: number;
}

/** Throws `VOXWIRE_INVALID_ARGUMENT` naming the first option that is wrong. */
export function checkOptions(options: MockRealtimeServerOptions): void {
  const invalid = (message: string): RealtimeError => new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MockRealtimeServer: ${message}`);
  if (options.audioPace !== undefined) paceSpeed(options.audioPace);
  const positive = (value: unknown, name: string): void => {
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) throw invalid(`${name} must be a number > 0, got ${JSON.stringify(value)}.`);
  };
  positive(options.outputChunkMs, 'outputChunkMs');
  positive(options.maxConnections, 'maxConnections');
  positive(options.maxFrameBytes, 'maxFrameBytes');
  if (options.expireAfterMs !== undefined && (typeof options.expireAfterMs !== 'number' || options.expireAfterMs < 0)) {
    throw invalid(`expireAfterMs must be a number >= 0, got ${JSON.stringify(options.expireAfterMs)}.`);
  }
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw invalid(`port must be an integer 0-65535, got ${JSON.stringify(options.port)}.`);
  }
  if (options.scenario !== undefined) defineScenario(options.scenario);
  if (options.sessionDefaults !== undefined) {
    // Checked as a `session` so messages name fields as `session.x` and hint at GA renames.
    const result = z.safeParse(
      z.object({ session: realtimeSessionConfigSchema }),
      { session: { ...options.sessionDefaults, type: 'realtime' } },
      { reportInput: true },
    );
    if (!result.success) throw invalid(`sessionDefaults: ${summarizeIssues(result.error.issues).message}.`);
  }
}

const DEFAULT_OUTPUT_CHUNK_MS = 50;
/** A client that leaves this much unread is dropped (it stopped reading). */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
const MAX_INPUT_BUFFER_MS = 15 * 60 * 1000;
const MAX_RETAINED_AUDIO_MS = 10 * 60 * 1000;

/** What {@link MockRealtimeServer.attach} is told about the connection it runs a session for. */
export interface MockAttachRequest {
  /** The connection URL (path and query). @default '/v1/realtime' */
  url?: string;
  /** The model. @default the SDK's default model */
  model?: string;
  /** The call this connection belongs to. */
  callId?: string;
  /** The key the client presented. */
  apiKey?: string;
  /** The request headers. */
  headers?: Record<string, string | string[] | undefined>;
  /** Session fields over the server's `sessionDefaults` (an ephemeral key's, a multipart offer's). */
  session?: MockSessionDefaults;
}

/** What every session of a server shares, resolved once from the server's options. */
export type MockSessionSettings = Pick<
  MockSessionOptions,
  'audioPace' | 'outputChunkMs' | 'defaultReply' | 'userTranscript' | 'maxFrameBytes' | 'maxBufferedBytes' | 'maxInputBufferMs' | 'maxRetainedAudioMs'
> & { expireAfterMs: number };

/** The server's options with their defaults, as its sessions use them. */
export function resolveSessionSettings(options: MockRealtimeServerOptions): MockSessionSettings {
  return {
    audioPace: options.audioPace ?? 'realtime',
    outputChunkMs: options.outputChunkMs ?? DEFAULT_OUTPUT_CHUNK_MS,
    expireAfterMs: options.expireAfterMs ?? DEFAULT_UPSTREAM_SESSION_MAX_MS,
    defaultReply: options.defaultReply ?? { audio: DEFAULT_REPLY_CLIP },
    userTranscript: options.userTranscript ?? '(speech)',
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES,
    maxBufferedBytes: MAX_BUFFERED_BYTES,
    maxInputBufferMs: MAX_INPUT_BUFFER_MS,
    maxRetainedAudioMs: MAX_RETAINED_AUDIO_MS,
  };
}
