/**
 * One log format: whatever a log of wire events was written as, it is read into an
 * {@link EventLog} (`{ seq, at, direction, connection, event }`) on the way in. Three shapes
 * exist in the repository and in users' hands: the mock's `EventLog`, a recording of
 * `RecordingTransport` (`voxwire-recording` JSONL, `{ t, kind }` from the app's side), and the
 * fixture files of `fixtures/events/` (`{ dir, event }` lines). Directions are the server's:
 * what the client sent is `received`, what the server sent is `sent`.
 *
 * The `EventLog` entry is the one record shape: the mock writes it, the assertions read it, and
 * it is the only one that orders events across connections (`seq`) and can be waited on. The
 * other two are converted at the edges: a recording stays the file format on disk (its
 * `connect`/`open`/`close` lines carry the connection's life, which a log of events has no
 * place for), and {@link toRecording} turns any log into one for what replays a recording
 * (`ReplayTransport`, `scenarioFromRecording`).
 */

import { RealtimeError } from '../../base/errors';
import type { Clock } from '../../base/clock';
import { AUDIO_PLACEHOLDER, EventLog } from './event-log';
import type { WireEvent } from './event-log';
import { AUDIO_FIELDS, parseRecording, RECORDING_FORMAT, RECORDING_VERSION } from './format';
import type { Recording, RecordingEntry } from './format';
import { SERVER_EVENT_TYPES } from '../../events/server-events';

/** One line of a fixture file: who sent the event, and the event. */
export interface WireLogLine {
  /** `client`: the client sent it; `server`: the server sent it. */
  dir: 'client' | 'server';
  /** The event as on the wire. */
  event: WireEvent;
}

/**
 * A log of wire events in any of the shapes voxwire writes: an `EventLog` (or anything holding
 * one as `log`, such as a `MockRealtimeServer`), a parsed `Recording`, fixture lines, or the
 * JSONL text of a recording or a fixture file.
 */
export type WireLogSource =
  | EventLog
  | {
      /** The mock server's log (a `MockRealtimeServer` or `MockLiveServer`). */
      readonly log: EventLog;
    }
  | Recording
  | readonly WireLogLine[]
  | string;

/**
 * Reads a log of wire events into an {@link EventLog}. An `EventLog` is returned as is; the other
 * shapes are converted (audio kept as written; a recording's `connect`, `open`, `close` and
 * `error` lines carry no event and are left out).
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when the text is neither a recording nor fixture lines.
 *
 * @example
 * ```ts
 * const log = toEventLog(await readFile('fixtures/events/audio-turn.jsonl', 'utf8'));
 * expectEvent(log, 'response.done', { direction: 'sent' });
 * ```
 */
export function toEventLog(source: WireLogSource): EventLog {
  if (source instanceof EventLog) return source;
  if (typeof source === 'string') return fromText(source);
  if (Array.isArray(source)) return fromLines(source as readonly WireLogLine[]);
  if ('log' in source && source.log instanceof EventLog) return source.log;
  if ('header' in source && 'entries' in source) return fromRecording(source);
  throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'toEventLog: expected an EventLog, a MockRealtimeServer, a Recording, fixture lines or JSONL text.');
}

/** A clock that reads the time of the entry being converted. */
function replayClock(): Clock & { at: number } {
  const clock = {
    at: 0,
    now: () => clock.at,
    setTimeout: (callback: () => void, delayMs: number): unknown => globalThis.setTimeout(callback, delayMs),
    clearTimeout: (handle: unknown): void => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
  };
  return clock;
}

function record(log: EventLog, fromClient: boolean, connection: number, event: WireEvent): void {
  if (fromClient) log.recordReceived(connection, event, { valid: true, bytes: JSON.stringify(event).length });
  else log.recordSent(connection, event);
}

function fromRecording(recording: Recording): EventLog {
  const clock = replayClock();
  const log = new EventLog({ keepAudio: true, clock, maxEntries: Number.MAX_SAFE_INTEGER });
  const startedAt = Date.parse(recording.header.startedAt);
  for (const entry of recording.entries) {
    if (entry.kind !== 'client' && entry.kind !== 'server') continue;
    clock.at = (Number.isNaN(startedAt) ? 0 : startedAt) + entry.t;
    record(log, entry.kind === 'client', entry.connection, entry.event);
  }
  return log;
}

function fromLines(lines: readonly WireLogLine[]): EventLog {
  const log = new EventLog({ keepAudio: true, clock: replayClock(), maxEntries: Number.MAX_SAFE_INTEGER });
  lines.forEach((line, index) => {
    if ((line.dir !== 'client' && line.dir !== 'server') || typeof line.event?.type !== 'string') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `toEventLog: line ${index + 1} is not {"dir":"client"|"server","event":{"type":...}}.`);
    }
    record(log, line.dir === 'client', 0, line.event);
  });
  return log;
}

function fromText(text: string): EventLog {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  let first: unknown;
  try {
    first = JSON.parse(lines[0] ?? '');
  } catch {
    first = undefined;
  }
  if (typeof first === 'object' && first !== null && (first as { format?: unknown }).format === RECORDING_FORMAT) return fromRecording(parseRecording(lines));
  if (typeof first === 'object' && first !== null && 'dir' in first) {
    return fromLines(
      lines.map((line, index) => {
        try {
          return JSON.parse(line) as WireLogLine;
        } catch (error) {
          throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `toEventLog: line ${index + 1} is not valid JSON (${(error as Error).message}).`);
        }
      }),
    );
  }
  throw new RealtimeError(
    'VOXWIRE_INVALID_ARGUMENT',
    `toEventLog: the text is neither a voxwire recording (a "${RECORDING_FORMAT}" header line) nor fixture lines ({"dir":...,"event":...}).`,
  );
}

/** What {@link toRecording} reads: any wire-log source, or the lines of a JSONL file. */
export type RecordingSource = WireLogSource | readonly string[];

function isRecording(source: object): source is Recording {
  return 'header' in source && 'entries' in source;
}

/**
 * Reads any log of wire events as a {@link Recording}, for what replays one. A recording (its
 * text, its lines or parsed) is returned as it is; any other log becomes the recording the app's
 * side would have written: per connection a `connect` and an `open` line where its first event
 * is, then its events (`received` as `client` lines, `sent` as `server` lines), audio left out
 * where the log left it out. There are no `close` lines: a log of events does not say how a
 * connection ended.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when the source is none of the log shapes.
 *
 * @example
 * ```ts
 * const scenario = scenarioFromRecording(toRecording(server)); // what the mock just played, as a scenario
 * ```
 */
export function toRecording(source: RecordingSource): Recording {
  if (Array.isArray(source) && source.length > 0 && source.every((line) => typeof line === 'string')) return toRecording((source as readonly string[]).join('\n'));
  if (typeof source === 'string') {
    const firstLine = source.split('\n').find((line) => line.trim() !== '') ?? '';
    let first: unknown;
    try {
      first = JSON.parse(firstLine);
    } catch {
      first = undefined;
    }
    if (typeof first === 'object' && first !== null && (first as { format?: unknown }).format === RECORDING_FORMAT) return parseRecording(source);
  } else if (!Array.isArray(source) && !(source instanceof EventLog) && isRecording(source)) {
    return source;
  }
  return recordingOf(toEventLog(source as WireLogSource));
}

function recordingOf(log: EventLog): Recording {
  const logged = log.entries;
  const startedAt = logged[0]?.at ?? 0;
  const known = new Set<string>(SERVER_EVENT_TYPES);
  const opened = new Set<number>();
  const entries: RecordingEntry[] = [];
  for (const entry of logged) {
    const t = Math.max(0, entry.at - startedAt);
    const connection = entry.connection;
    if (!opened.has(connection)) {
      opened.add(connection);
      entries.push({ t, connection, kind: 'connect' }, { t, connection, kind: 'open' });
    }
    const field = AUDIO_FIELDS[entry.event.type];
    const omitted = field !== undefined && entry.event[field] === AUDIO_PLACEHOLDER;
    const event = omitted ? { ...entry.event, [field]: '' } : entry.event;
    const audio = entry.audioBytes === undefined ? {} : { audioBytes: entry.audioBytes, ...(omitted ? { audioOmitted: true } : {}) };
    if (entry.direction === 'received') entries.push({ t, connection, kind: 'client', event, ...audio });
    else entries.push({ t, connection, kind: 'server', event, known: known.has(event.type), ...audio });
  }
  return {
    header: { kind: 'header', format: RECORDING_FORMAT, version: RECORDING_VERSION, startedAt: startedAt > 0 ? new Date(startedAt).toISOString() : '', keepAudio: !logged.some((entry) => Object.values(entry.event).includes(AUDIO_PLACEHOLDER)), audio: 'events' },
    entries,
  };
}
