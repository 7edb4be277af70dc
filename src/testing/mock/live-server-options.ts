/**
 * What `MockLiveServer` is configured with, where it listens, the connections it saw, and its
 * options checked and resolved once into what every Live session shares.
 */

import type { Clock } from '../../base/clock';
import { RealtimeError } from '../../base/errors';
import { defineScenario } from '../script/scenario';
import type { Scenario, ScenarioReply } from '../script/scenario';
import type { AudioPace } from './audio-pace';
import { paceSpeed } from './audio-pace';
import type { MockLiveServer } from './live-server';
import type { MockLiveSessionSettings } from './live-session';
import { DEFAULT_REPLY_CLIP } from './reply-audio';

/** Options of {@link MockLiveServer}. Every field is optional. */
export interface MockLiveServerOptions {
  /** The scripted conversation (the `MockRealtimeServer` format; see `live-session.ts` for how turns map onto Live). */
  scenario?: Scenario;
  /**
   * Pace of reply audio: `'realtime'`, a speed-up factor, or `'instant'`.
   * @default 'realtime'
   */
  audioPace?: AudioPace;
  /**
   * Duration of each `session.output_audio.delta`, in ms.
   * @default 100
   */
  outputChunkMs?: number;
  /**
   * The accepted key(s); without it every connection is accepted. A refused upgrade gets HTTP
   * 401 with an `invalid_api_key` body, as the API answers.
   * @default undefined (any key, or none)
   */
  apiKey?: string | readonly string[];
  /**
   * What the speaker does when the energy VAD hears the user while it talks: `'yield'` stops
   * (the model's own barge-in), `'ignore'` keeps talking (full duplex without yielding).
   * @default 'yield'
   */
  bargeIn?: 'yield' | 'ignore';
  /**
   * A session ends with `session.closed` reason `expired` this long after it started, unless
   * the scenario sets its own `expireAfterMs`.
   * @default 3_600_000
   */
  expireAfterMs?: number;
  /**
   * Interval of `session.usage.updated` events (cumulative seconds).
   * @default 15_000
   */
  usageIntervalMs?: number;
  /**
   * What the model says when no scenario turn says otherwise.
   * @default { audio: 'reply-greeting' }
   */
  defaultReply?: ScenarioReply;
  /**
   * The input transcript heard when the scenario turn gives none.
   * @default '(speech)'
   */
  userTranscript?: string;
  /** Where the fixture clips are. @default the directory `loadFixtureAudio` finds */
  fixturesDir?: string;
  /** Timers and timestamps. @default the system clock */
  clock?: Clock;
  /** Random source for ids, in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Port on 127.0.0.1.
   * @default 0 (a free port)
   */
  port?: number;
  /** The recorded log: keep base64 audio. @default false */
  keepAudio?: boolean;
}

/** Where the server listens, once started. */
export interface MockLiveServerAddress {
  /** The WebSocket URL, `ws://127.0.0.1:<port>/v1/live/sessions`. */
  url: string;
  /** The REST base, `http://127.0.0.1:<port>/v1` (the `openai` client's `baseURL`). */
  apiBaseUrl: string;
  /** The port. */
  port: number;
}

/** A connection as the server saw it. */
export interface MockLiveConnectionInfo {
  /** Position in the log's `connection` numbering, from 0. */
  index: number;
  /** `primary` (a `/v1/live/sessions` WebSocket), `webrtc` (a `POST /v1/live/sessions` call), `sip` (an accepted phone call) or `sideband` (`/{id}/attach`). */
  kind: 'primary' | 'webrtc' | 'sip' | 'sideband';
  /** The session it belongs to, once known. */
  sessionId: string;
  /** The key presented. */
  apiKey?: string;
  /** Whether it is open. */
  open: boolean;
  /** The close code. */
  closeCode?: number;
}

const DEFAULT_OUTPUT_CHUNK_MS = 100;
const DEFAULT_EXPIRE_AFTER_MS = 60 * 60 * 1000;
const DEFAULT_USAGE_INTERVAL_MS = 15_000;

/** Refuses options that cannot work, before anything listens. */
export function checkLiveServerOptions(options: MockLiveServerOptions): void {
  if (options.audioPace !== undefined) paceSpeed(options.audioPace);
  for (const name of ['outputChunkMs', 'expireAfterMs', 'usageIntervalMs'] as const) {
    const value = options[name];
    if (value !== undefined && !(typeof value === 'number' && value > 0)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MockLiveServer: ${name} must be a number > 0, got ${JSON.stringify(value)}.`);
    }
  }
  if (options.scenario !== undefined) defineScenario(options.scenario);
}

/** The session settings a server's options resolve to (without the per-session start config and id). */
export type LiveSharedSettings = Omit<MockLiveSessionSettings, 'clock' | 'cursor' | 'audio' | 'startedWith' | 'id'>;

/** {@link MockLiveServerOptions} with their defaults, as every session uses them. */
export function resolveLiveSettings(options: MockLiveServerOptions): LiveSharedSettings {
  return {
    speed: paceSpeed(options.audioPace ?? 'realtime'),
    outputChunkMs: options.outputChunkMs ?? DEFAULT_OUTPUT_CHUNK_MS,
    // A scenario's own expiry wins, as on MockRealtimeServer (a recorded session's, from scenarioFromRecording).
    expireAfterMs: options.scenario?.expireAfterMs ?? options.expireAfterMs ?? DEFAULT_EXPIRE_AFTER_MS,
    usageIntervalMs: options.usageIntervalMs ?? DEFAULT_USAGE_INTERVAL_MS,
    bargeIn: options.bargeIn ?? 'yield',
    userTranscript: options.userTranscript ?? '(speech)',
    defaultReply: options.defaultReply ?? { audio: DEFAULT_REPLY_CLIP },
  };
}
