/**
 * The recording format: one JSON object per line (JSONL). {@link RecordingTransport} writes it,
 * {@link ReplayTransport} and {@link scenarioFromRecording} read it, so a session seen in
 * production becomes a test fixture.
 *
 * The first line is a {@link RecordingHeader}; every other line is a {@link RecordingEntry}: a
 * client event the app sent, a server event it received, or a connection's open, close or
 * error. Times are milliseconds since the recording started. Audio is left out unless asked
 * for: the event keeps an empty `audio`/`delta` and the entry says how many bytes it held, so
 * a replay can stand in silence of the same length.
 *
 * @example
 * ```jsonl
 * {"kind":"header","format":"voxwire-recording","version":1,"startedAt":"2026-03-01T10:00:00.000Z","keepAudio":false,"audio":"events"}
 * {"kind":"connect","t":0,"connection":0}
 * {"kind":"open","t":41,"connection":0}
 * {"kind":"server","t":63,"connection":0,"known":true,"event":{"type":"session.created","event_id":"event_1","session":{...}}}
 * {"kind":"client","t":64,"connection":0,"event":{"type":"session.update","session":{...}}}
 * {"kind":"client","t":80,"connection":0,"event":{"type":"input_audio_buffer.append","audio":""},"audioBytes":960,"audioOmitted":true}
 * {"kind":"close","t":5120,"connection":0,"code":1000,"reason":"","initiatedLocally":true}
 * ```
 */

import { RealtimeError } from '../../base/errors';
import type { WireEvent } from './event-log';
import { isRecord } from '../../base/is-record';

/** The value of {@link RecordingHeader.format}. */
export const RECORDING_FORMAT = 'voxwire-recording';
/** The format version this SDK writes and reads. */
export const RECORDING_VERSION = 1;

/** The first line of a recording. */
export interface RecordingHeader {
  /** Always `'header'`. */
  kind: 'header';
  /** Always `'voxwire-recording'`. */
  format: typeof RECORDING_FORMAT;
  /** Format version (1). */
  version: typeof RECORDING_VERSION;
  /** When the recording started (ISO 8601). */
  startedAt: string;
  /** Whether audio payloads were kept. */
  keepAudio: boolean;
  /** How the recorded transport carried audio: as events (WebSocket) or as media (WebRTC). */
  audio: 'events' | 'media';
}

interface EntryBase {
  /** Milliseconds since the recording started. */
  t: number;
  /** Which connection of the transport, from 0 (each `connect()` opens the next one). */
  connection: number;
}

/** `connect()` was called. */
export interface RecordingConnectEntry extends EntryBase {
  /** What the line records: `'connect'`. */
  kind: 'connect';
}

/** The connection opened. */
export interface RecordingOpenEntry extends EntryBase {
  /** What the line records: `'open'`. */
  kind: 'open';
}

/** A client event the app sent. */
export interface RecordingClientEntry extends EntryBase {
  /** What the line records: `'client'`. */
  kind: 'client';
  /** The event as the app passed it to `send()`. */
  event: WireEvent;
  /** For audio events: the decoded audio's size in bytes. */
  audioBytes?: number;
  /** True when the audio was left out (the event's `audio` is then `''`). */
  audioOmitted?: boolean;
}

/** A server event the app received. */
export interface RecordingServerEntry extends EntryBase {
  /** What the line records: `'server'`. */
  kind: 'server';
  /** The event as parsed. */
  event: WireEvent;
  /** Whether the SDK knew the event's type. */
  known: boolean;
  /** For `response.output_audio.delta`: the decoded audio's size in bytes. */
  audioBytes?: number;
  /** True when the audio was left out (the event's `delta` is then `''`). */
  audioOmitted?: boolean;
}

/** The connection closed. */
export interface RecordingCloseEntry extends EntryBase {
  /** What the line records: `'close'`. */
  kind: 'close';
  /** The close code (1006: dropped without a close frame). */
  code: number;
  /** The close reason. */
  reason: string;
  /** True when the app closed it. */
  initiatedLocally: boolean;
}

/** The transport reported an error (a malformed frame, a socket error), or `connect()` failed. */
export interface RecordingErrorEntry extends EntryBase {
  /** What the line records: `'error'`. */
  kind: 'error';
  /** The `RealtimeError` code. */
  code: string;
  /** The error message. */
  message: string;
  /** True when it was `connect()` that failed. */
  connectFailed?: boolean;
}

/** One line of a recording after the header. */
export type RecordingEntry =
  | RecordingConnectEntry
  | RecordingOpenEntry
  | RecordingClientEntry
  | RecordingServerEntry
  | RecordingCloseEntry
  | RecordingErrorEntry;

/** A parsed recording. */
export interface Recording {
  /** The first line. */
  header: RecordingHeader;
  /** Every other line, in order. */
  entries: RecordingEntry[];
}

const ENTRY_KINDS = new Set(['connect', 'open', 'client', 'server', 'close', 'error']);

/** The client and server event fields that carry base64 audio. */
export const AUDIO_FIELDS: Readonly<Record<string, 'audio' | 'delta'>> = {
  'input_audio_buffer.append': 'audio',
  'response.output_audio.delta': 'delta',
};

function invalid(line: number, message: string): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `recording line ${line}: ${message}`);
}

function checkEntry(value: Record<string, unknown>, line: number): RecordingEntry {
  const kind = value.kind;
  if (typeof kind !== 'string' || !ENTRY_KINDS.has(kind)) {
    throw invalid(line, `unknown kind ${JSON.stringify(kind)}; expected one of ${[...ENTRY_KINDS].join(', ')}.`);
  }
  if (typeof value.t !== 'number' || !Number.isFinite(value.t) || value.t < 0) throw invalid(line, '`t` must be a number of milliseconds >= 0.');
  if (!Number.isInteger(value.connection) || (value.connection as number) < 0) throw invalid(line, '`connection` must be a whole number >= 0.');
  if (kind === 'client' || kind === 'server') {
    if (!isRecord(value.event) || typeof value.event.type !== 'string') throw invalid(line, `a ${kind} entry needs an \`event\` object with a string \`type\`.`);
    if (kind === 'server' && typeof value.known !== 'boolean') throw invalid(line, 'a server entry needs a boolean `known`.');
  }
  if (kind === 'close' && (!Number.isInteger(value.code) || typeof value.reason !== 'string' || typeof value.initiatedLocally !== 'boolean')) {
    throw invalid(line, 'a close entry needs a whole-number `code`, a string `reason` and a boolean `initiatedLocally`.');
  }
  if (kind === 'error' && (typeof value.code !== 'string' || typeof value.message !== 'string')) {
    throw invalid(line, 'an error entry needs a string `code` and `message`.');
  }
  return value as unknown as RecordingEntry;
}

/**
 * Parses a recording (the JSONL text, or already-split lines). Blank lines are skipped.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` naming the first bad line.
 *
 * @example
 * ```ts
 * const recording = parseRecording(await readFile('bug-1234.jsonl', 'utf8'));
 * recording.entries.filter((entry) => entry.kind === 'server').length;
 * ```
 */
export function parseRecording(jsonl: string | readonly string[]): Recording {
  if (typeof jsonl !== 'string' && !Array.isArray(jsonl)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `parseRecording: expected the JSONL text or an array of lines, got ${typeof jsonl}.`);
  }
  const lines = typeof jsonl === 'string' ? jsonl.split('\n') : jsonl;
  let header: RecordingHeader | undefined;
  const entries: RecordingEntry[] = [];
  lines.forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw invalid(line, `not valid JSON (${(error as Error).message}).`);
    }
    if (!isRecord(value)) throw invalid(line, 'not a JSON object.');
    if (header === undefined) {
      if (value.kind !== 'header' || value.format !== RECORDING_FORMAT) {
        throw invalid(line, `a recording starts with a header line {"kind":"header","format":"${RECORDING_FORMAT}",...}; is this a voxwire recording?`);
      }
      if (value.version !== RECORDING_VERSION) {
        throw invalid(line, `format version ${JSON.stringify(value.version)} is not supported; this SDK reads version ${RECORDING_VERSION}.`);
      }
      header = {
        kind: 'header',
        format: RECORDING_FORMAT,
        version: RECORDING_VERSION,
        startedAt: typeof value.startedAt === 'string' ? value.startedAt : '',
        keepAudio: value.keepAudio === true,
        audio: value.audio === 'media' ? 'media' : 'events',
      };
      return;
    }
    entries.push(checkEntry(value, line));
  });
  if (header === undefined) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'parseRecording: the recording is empty (no header line).');
  }
  return { header, entries };
}

/** Serialises a recording back to JSONL (one line per entry, header first, trailing newline). */
export function stringifyRecording(recording: Recording): string {
  return [recording.header, ...recording.entries].map((line) => `${JSON.stringify(line)}\n`).join('');
}
