/**
 * voxwire's one log format for wire events, on disk: JSONL, a header line, then one line per
 * entry of an {@link EventLog}, in order. An entry is either an event ({@link LogEntry}: `seq`,
 * `at`, `connection`, `direction` as the server sees it, the `event`, and what the writer knew
 * of it) or a moment of a connection's life ({@link LifecycleEntry}: `lifecycle` is `connect`,
 * `open`, `close` or `error`, placed `before` the event with that `seq`). The mock server's log,
 * `RecordingTransport` and fixture files write it; `toEventLog` reads it for the assertions,
 * `ReplayTransport` and `scenarioFromRecording`. Times are the writer's clock (ms since the
 * epoch by default). Audio is left out unless kept: the event holds a placeholder, the entry
 * says `audioOmitted` and how many bytes it held, so a replay can stand in silence.
 *
 * Older shapes stay readable forever (`toEventLog` converts them): version 1 recordings
 * (`{ kind, t }` lines from the app's side) and fixture lines `{ dir, event }`.
 *
 * @example
 * ```jsonl
 * {"kind":"header","format":"voxwire-recording","version":2,"startedAt":"2026-03-01T10:00:00.000Z","keepAudio":false,"audio":"events"}
 * {"before":0,"at":1772359200000,"connection":0,"lifecycle":"connect"}
 * {"before":0,"at":1772359200041,"connection":0,"lifecycle":"open"}
 * {"seq":0,"at":1772359200063,"connection":0,"direction":"sent","event":{"type":"session.created","event_id":"event_1","session":{...}},"known":true}
 * {"seq":1,"at":1772359200064,"connection":0,"direction":"received","event":{"type":"session.update","session":{...}},"valid":true,"bytes":212}
 * {"before":2,"at":1772359205120,"connection":0,"lifecycle":"close","code":1000,"reason":"","initiatedLocally":true}
 * ```
 */

import { RealtimeError } from '../../base/errors';
import { isRecord } from '../../base/is-record';
import type { LogEntry } from './event-log';

/** The value of {@link LogHeader.format}. */
export const RECORDING_FORMAT = 'voxwire-recording';
/** The format version this SDK writes (it reads 1 and 2). */
export const RECORDING_VERSION = 2;

/** The first line of a log file. */
export interface LogHeader {
  /** Always `'header'` (so that an older voxwire names the version it cannot read). */
  kind: 'header';
  /** Always `'voxwire-recording'`. */
  format: typeof RECORDING_FORMAT;
  /** Format version: 2 for the one log format (1: the older recording lines, still read). */
  version: number;
  /** When the log started (ISO 8601), or `''` when unknown. */
  startedAt: string;
  /** Whether audio payloads were kept. */
  keepAudio: boolean;
  /** How the logged connection carried audio: as events (WebSocket) or as media (WebRTC). */
  audio: 'events' | 'media';
}

/** A moment of a connection's life in the log (a recorder writes them; the mock's log has none). */
export type LifecycleEntry = {
  /** Where it happened: before the event entry with this `seq` (the log's mark at the time). */
  before: number;
  /** When, by the writer's clock. */
  at: number;
  /** Which connection, from 0. */
  connection: number;
} & (
  | {
      /** `connect()` was called. */
      lifecycle: 'connect';
    }
  | {
      /** The connection opened. */
      lifecycle: 'open';
    }
  | {
      /** The connection closed. */
      lifecycle: 'close';
      /** The close code (1006: dropped without a close frame). */
      code: number;
      /** The close reason. */
      reason: string;
      /** True when the app closed it. */
      initiatedLocally: boolean;
    }
  | {
      /** The transport reported an error (a malformed frame, a socket error), or `connect()` failed. */
      lifecycle: 'error';
      /** The `RealtimeError` code. */
      code: string;
      /** The error message. */
      message: string;
      /** True when it was `connect()` that failed. */
      connectFailed?: boolean;
    }
);

/** One line of a log after the header: an event, or a moment of a connection's life. */
export type LogLine = LogEntry | LifecycleEntry;

/** The client and server event fields that carry base64 audio (Realtime, and GPT-Live's). */
export const AUDIO_FIELDS: Readonly<Record<string, 'audio' | 'delta'>> = {
  'input_audio_buffer.append': 'audio',
  'response.output_audio.delta': 'delta',
  'session.input_audio.append': 'audio',
  'session.output_audio.delta': 'delta',
};

const LIFECYCLES = new Set(['connect', 'open', 'close', 'error']);

function invalid(where: string, message: string): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${where}: ${message}`);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

/** True for a line of the one format (an event with `direction`, or a `lifecycle` line). */
export function isLogLine(value: Record<string, unknown>): boolean {
  return 'lifecycle' in value || ('direction' in value && 'event' in value);
}

/**
 * Checks one line of the one format, filling what a hand-written line may leave out: `seq` (the
 * next one), `at` (the previous line's), `connection` (0). Fields it does not know are kept.
 *
 * @param next - The `seq` the line gets when it has none.
 * @param previousAt - The time it gets when it has none.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` naming `where` and what is wrong.
 */
export function checkLogLine(value: Record<string, unknown>, where: string, next: number, previousAt: number): LogLine {
  if (value.connection !== undefined && !isCount(value.connection)) throw invalid(where, '`connection` must be a whole number >= 0.');
  if (value.at !== undefined && (typeof value.at !== 'number' || !Number.isFinite(value.at))) throw invalid(where, '`at` must be a number of milliseconds.');
  const placed = { ...value, connection: value.connection ?? 0, at: value.at ?? previousAt };
  if ('lifecycle' in value) {
    if (typeof value.lifecycle !== 'string' || !LIFECYCLES.has(value.lifecycle)) {
      throw invalid(where, `unknown lifecycle ${JSON.stringify(value.lifecycle)}; expected one of ${[...LIFECYCLES].join(', ')}.`);
    }
    if (value.before !== undefined && !isCount(value.before)) throw invalid(where, '`before` must be a whole number >= 0.');
    if (value.lifecycle === 'close' && (!Number.isInteger(value.code) || typeof value.reason !== 'string' || typeof value.initiatedLocally !== 'boolean')) {
      throw invalid(where, 'a close line needs a whole-number `code`, a string `reason` and a boolean `initiatedLocally`.');
    }
    if (value.lifecycle === 'error' && (typeof value.code !== 'string' || typeof value.message !== 'string')) {
      throw invalid(where, 'an error line needs a string `code` and `message`.');
    }
    return { ...placed, before: value.before ?? next } as LifecycleEntry;
  }
  if (value.direction !== 'received' && value.direction !== 'sent') {
    throw invalid(where, `\`direction\` must be 'received' (the client sent it) or 'sent' (the server sent it), got ${JSON.stringify(value.direction)}.`);
  }
  if (!isRecord(value.event) || typeof value.event.type !== 'string') throw invalid(where, 'an event line needs an `event` object with a string `type`.');
  if (value.seq !== undefined && !isCount(value.seq)) throw invalid(where, '`seq` must be a whole number >= 0.');
  const entry = { ...placed, seq: value.seq ?? next } as Record<string, unknown>;
  if (value.direction === 'received') {
    entry.valid = value.valid ?? true;
    entry.bytes = value.bytes ?? JSON.stringify(value.event).length;
  }
  return entry as unknown as LogEntry;
}
