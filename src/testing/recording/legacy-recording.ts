/**
 * The recording lines of voxwire before the one log format (format version 1): a header line,
 * then `{ kind, t, connection, ... }` lines written from the app's side (`client`: the app sent
 * it, `server`: it received it; `t`: ms since the recording started). `RecordingTransport` wrote
 * them; it now writes the one log format (`format.ts`). Files of this shape stay readable forever:
 * `toEventLog` reads them, and `toRecording` still gives this shape to code that expects it.
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
import { RECORDING_FORMAT, RECORDING_VERSION } from './format';
import type { LifecycleEntry, LogHeader } from './format';
import type { EventLog, LogEntry, WireEvent } from './event-log';
import { isRecord } from '../../base/is-record';

/**
 * The first line of a recording, as {@link Recording} holds it: the same as a log's header.
 * @deprecated Use {@link LogHeader} (`log.header`).
 */
export type RecordingHeader = LogHeader;

interface EntryBase {
  /** Milliseconds since the recording started. */
  t: number;
  /** Which connection of the transport, from 0 (each `connect()` opens the next one). */
  connection: number;
}

/**
 * `connect()` was called.
 * @deprecated A line of the version 1 recording format; the one log format has {@link LogEntry} and {@link LifecycleEntry}.
 */
export interface RecordingConnectEntry extends EntryBase {
  /** What the line records: `'connect'`. */
  kind: 'connect';
}

/**
 * The connection opened.
 * @deprecated A line of the version 1 recording format; the one log format has {@link LogEntry} and {@link LifecycleEntry}.
 */
export interface RecordingOpenEntry extends EntryBase {
  /** What the line records: `'open'`. */
  kind: 'open';
}

/**
 * A client event the app sent.
 * @deprecated A line of the version 1 recording format; the one log format has {@link LogEntry} and {@link LifecycleEntry}.
 */
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

/**
 * A server event the app received.
 * @deprecated A line of the version 1 recording format; the one log format has {@link LogEntry} and {@link LifecycleEntry}.
 */
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

/**
 * The connection closed.
 * @deprecated A line of the version 1 recording format; the one log format has {@link LogEntry} and {@link LifecycleEntry}.
 */
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

/**
 * The transport reported an error (a malformed frame, a socket error), or `connect()` failed.
 * @deprecated A line of the version 1 recording format; the one log format has {@link LogEntry} and {@link LifecycleEntry}.
 */
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

/**
 * One line of a version 1 recording after the header.
 * @deprecated Read logs with `toEventLog`: its entries ({@link LogEntry}, {@link LifecycleEntry}) are the one log format.
 */
export type RecordingEntry =
  | RecordingConnectEntry
  | RecordingOpenEntry
  | RecordingClientEntry
  | RecordingServerEntry
  | RecordingCloseEntry
  | RecordingErrorEntry;

/**
 * A recording in the version 1 shape (`toRecording` gives one from any log).
 * @deprecated Use an {@link EventLog} (`toEventLog(source)`, `recorder.log`): the one log format.
 */
export interface Recording {
  /** The first line. */
  header: RecordingHeader;
  /** Every other line, in order. */
  entries: RecordingEntry[];
}

const ENTRY_KINDS = new Set(['connect', 'open', 'client', 'server', 'close', 'error']);

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
 * Parses the lines of a version 1 recording (the header first; blank lines skipped).
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` naming the first bad line.
 */
export function parseRecordingV1(jsonl: string | readonly string[]): Recording {
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
      if (value.version !== 1) {
        throw invalid(line, `format version ${JSON.stringify(value.version)} is not supported; this SDK reads versions 1 and ${RECORDING_VERSION}.`);
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
