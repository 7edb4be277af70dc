/**
 * The reader of voxwire's one log format, and of every older shape: whatever a log of wire
 * events was written as, it is read into an {@link EventLog} (`{ seq, at, connection, direction,
 * event }` entries, and the connections' `lifecycle`). The mock server's log and
 * `RecordingTransport` write the one format (`log.toJsonl()`, see `format.ts`); older files stay
 * readable forever and are converted on the way in: version 1 recordings (`{ t, kind }` lines
 * from the app's side) and fixture lines (`{ dir, event }`). Directions are the server's: what
 * the client sent is `received`, what the server sent is `sent`.
 *
 * The other way, {@link toRecording} gives the version 1 `Recording` shape to code written
 * against it (deprecated; nothing in voxwire reads it any more).
 */

import { RealtimeError } from '../../base/errors';
import { isRecord } from '../../base/is-record';
import { AUDIO_PLACEHOLDER, EventLog } from './event-log';
import type { WireEvent } from './event-log';
import { AUDIO_FIELDS, checkLogLine, isLogLine, RECORDING_FORMAT, RECORDING_VERSION } from './format';
import type { LogLine } from './format';
import { parseRecordingV1 } from './legacy-recording';
import type { Recording, RecordingEntry } from './legacy-recording';
import { SERVER_EVENT_TYPES } from '../../events/server-events';

/**
 * One line of a fixture file in the older shape: who sent the event, and the event.
 * @deprecated Still read by `toEventLog`; write fixture lines in the one log format (`{ "direction": "sent" | "received", "event": ... }`, see `LogLine`).
 */
export interface WireLogLine {
  /** `client`: the client sent it; `server`: the server sent it. */
  dir: 'client' | 'server';
  /** The event as on the wire. */
  event: WireEvent;
}

/**
 * A log of wire events in any shape voxwire reads: an `EventLog` (or anything holding one as
 * `log`: a `MockRealtimeServer`, a `MockLiveServer`, a `RecordingTransport`), lines of the one
 * format, the JSONL text of a log file (the one format, a version 1 recording or fixture lines),
 * and, read forever, a parsed version 1 `Recording` and fixture lines `{ dir, event }`.
 */
export type WireLogSource =
  | EventLog
  | {
      /** The log (of a `MockRealtimeServer`, `MockLiveServer` or `RecordingTransport`). */
      readonly log: EventLog;
    }
  | readonly LogLine[]
  | Recording
  | readonly WireLogLine[]
  | string;

/** What {@link toRecording} reads: any wire-log source, or the lines of a JSONL file. */
export type RecordingSource = WireLogSource | readonly string[];

/**
 * Reads a log of wire events into an {@link EventLog}. An `EventLog` is returned as it is; every
 * other shape is converted, nothing dropped: each event keeps its connection, time, audio (or
 * the note that it was left out) and details, and a recording's connect, open, close and error
 * lines become the log's `lifecycle`. Lines of the one format may leave out `seq` (counted),
 * `at` (the previous line's) and `connection` (0), so a hand-written fixture line is just
 * `{"direction":"sent","event":{...}}`.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` naming the first line it cannot read.
 *
 * @example
 * ```ts
 * const log = toEventLog(await readFile('fixtures/events/audio-turn.jsonl', 'utf8'));
 * expectEvent(log, 'response.done', { direction: 'sent' });
 * ```
 */
export function toEventLog(source: WireLogSource | readonly string[]): EventLog {
  if (source instanceof EventLog) return source;
  if (typeof source === 'string') return fromText(source);
  if (Array.isArray(source)) {
    if (source.length > 0 && source.every((line) => typeof line === 'string')) return fromText((source as readonly string[]).join('\n'));
    return fromLines(source as readonly unknown[], undefined, 'toEventLog: line');
  }
  if (isRecord(source) && source.log instanceof EventLog) return source.log;
  if (isRecording(source)) return fromRecording(source);
  throw new RealtimeError(
    'VOXWIRE_INVALID_ARGUMENT',
    'toEventLog: expected an EventLog, a MockRealtimeServer or RecordingTransport, log lines, a Recording, fixture lines or JSONL text.',
  );
}

function isRecording(source: unknown): source is Recording {
  return isRecord(source) && !(source instanceof EventLog) && isRecord(source.header) && Array.isArray(source.entries);
}

/** A log for converted lines: audio as written, every entry kept, times from the lines. */
function readerLog(header: Partial<EventLog['header']> = {}): { log: EventLog; clock: { at: number } } {
  const clock = { at: 0 };
  const log = new EventLog({
    keepAudio: header.keepAudio ?? true,
    audio: header.audio ?? 'events',
    startedAt: header.startedAt ?? '',
    maxEntries: Number.MAX_SAFE_INTEGER,
    clock: {
      now: () => clock.at,
      setTimeout: (callback: () => void, delayMs: number): unknown => globalThis.setTimeout(callback, delayMs),
      clearTimeout: (handle: unknown): void => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    },
  });
  return { log, clock };
}

/** A version 1 recording: `t` from the start, `client`/`server` from the app's side. */
function fromRecording(recording: Recording): EventLog {
  const { log, clock } = readerLog({ keepAudio: recording.header.keepAudio, audio: recording.header.audio, startedAt: recording.header.startedAt });
  const startedAt = Date.parse(recording.header.startedAt);
  for (const entry of recording.entries as RecordingEntry[]) {
    clock.at = (Number.isNaN(startedAt) ? 0 : startedAt) + entry.t;
    const { kind, t: _t, connection, ...rest } = entry as RecordingEntry & Record<string, unknown>;
    if (kind === 'client') {
      const { event, ...details } = rest as { event: WireEvent } & Record<string, unknown>;
      log.restore({ seq: log.mark(), at: clock.at, connection, direction: 'received', event, valid: true, bytes: JSON.stringify(event).length, ...details } as LogLine);
    } else if (kind === 'server') {
      const { event, ...details } = rest as { event: WireEvent } & Record<string, unknown>;
      log.restore({ seq: log.mark(), at: clock.at, connection, direction: 'sent', event, ...details } as LogLine);
    } else {
      log.restore({ before: log.mark(), at: clock.at, connection, lifecycle: kind, ...rest } as LogLine);
    }
  }
  return log;
}

/** Lines of the one format, or fixture lines `{ dir, event }` (older), in any mix. */
function fromLines(lines: readonly unknown[], header: Partial<EventLog['header']> | undefined, where: string, firstLine = 1): EventLog {
  const { log, clock } = readerLog(header);
  lines.forEach((line, index) => {
    const at = `${where} ${index + firstLine}`;
    if (!isRecord(line)) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${at}: not a JSON object.`);
    if ('dir' in line) {
      if ((line.dir !== 'client' && line.dir !== 'server') || !isRecord(line.event) || typeof line.event.type !== 'string') {
        throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${at} is not {"dir":"client"|"server","event":{"type":...}}.`);
      }
      const { dir, event, ...rest } = line;
      log.restore(checkLogLine({ ...rest, direction: dir === 'client' ? 'received' : 'sent', event }, at, log.mark(), clock.at));
      return;
    }
    if (!isLogLine(line)) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `${at} is neither a log line ({"direction":"received"|"sent","event":{...}} or {"lifecycle":...}) nor a fixture line ({"dir":...,"event":...}).`,
      );
    }
    const checked = checkLogLine(line, at, log.mark(), clock.at);
    clock.at = checked.at;
    try {
      log.restore(checked);
    } catch (error) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${at}: ${(error as Error).message}`, { cause: error });
    }
  });
  return log;
}

function parseLine(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${where}: not valid JSON (${(error as Error).message}).`);
  }
}

function fromText(text: string): EventLog {
  const all = text.split('\n');
  const firstIndex = all.findIndex((line) => line.trim() !== '');
  if (firstIndex === -1) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'toEventLog: the text is empty (no log lines).');
  const first = parseLine(all[firstIndex]!, `toEventLog: line ${firstIndex + 1}`);
  if (isRecord(first) && first.format === RECORDING_FORMAT) {
    if (first.version === 1) return fromRecording(parseRecordingV1(text));
    if (first.version !== RECORDING_VERSION) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `toEventLog: format version ${JSON.stringify(first.version)} is not supported; this SDK reads versions 1 and ${RECORDING_VERSION}.`);
    }
    const header = { keepAudio: first.keepAudio === true, audio: first.audio === 'media' ? ('media' as const) : ('events' as const), startedAt: typeof first.startedAt === 'string' ? first.startedAt : '' };
    return linesOf(all, firstIndex + 1, header);
  }
  if (isRecord(first) && ('dir' in first || isLogLine(first))) return linesOf(all, firstIndex, undefined);
  throw new RealtimeError(
    'VOXWIRE_INVALID_ARGUMENT',
    `toEventLog: the text is neither a voxwire log (a "${RECORDING_FORMAT}" header line, or lines {"direction":...,"event":...}) nor fixture lines ({"dir":...,"event":...}).`,
  );
}

function linesOf(all: readonly string[], from: number, header: Partial<EventLog['header']> | undefined): EventLog {
  const parsed: unknown[] = [];
  const numbers: number[] = [];
  for (let index = from; index < all.length; index++) {
    if (all[index]!.trim() === '') continue;
    parsed.push(parseLine(all[index]!, `toEventLog: line ${index + 1}`));
    numbers.push(index + 1);
  }
  try {
    return fromLines(parsed, header, 'toEventLog: line');
  } catch (error) {
    // Name the line of the file, not of the non-blank lines.
    const message = (error as Error).message.replace(/^toEventLog: line (\d+)/, (_, n: string) => `toEventLog: line ${numbers[Number(n) - 1] ?? n}`);
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', message, { cause: error });
  }
}

/**
 * Reads any log of wire events as a version 1 {@link Recording}, for code written against that
 * shape. A parsed recording is returned as it is; any other log becomes the recording the app's
 * side would have written: its lifecycle lines as `connect`/`open`/`close`/`error` (a log
 * without them, such as the mock's, gets a `connect` and an `open` where each connection first
 * speaks), `received` events as `client` lines, `sent` as `server` lines, audio left out where
 * the log left it out.
 *
 * @deprecated Read logs with {@link toEventLog}: `ReplayTransport` and `scenarioFromRecording` take any log directly.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when the source is none of the log shapes.
 *
 * @example
 * ```ts
 * toRecording(server).entries[0]; // { t: 0, connection: 0, kind: 'connect' }
 * ```
 */
export function toRecording(source: RecordingSource): Recording {
  if (isRecording(source)) return source;
  const text = typeof source === 'string' ? source : Array.isArray(source) && source.length > 0 && source.every((line) => typeof line === 'string') ? source.join('\n') : undefined;
  if (text !== undefined && isVersion1(text)) return parseRecordingV1(text);
  return recordingOf(toEventLog(source));
}

function isVersion1(text: string): boolean {
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
  try {
    const first: unknown = JSON.parse(firstLine);
    return isRecord(first) && first.format === RECORDING_FORMAT && first.version === 1;
  } catch {
    return false;
  }
}

function recordingOf(log: EventLog): Recording {
  const lines = log.timeline();
  const header = log.header;
  const declared = Date.parse(header.startedAt);
  const firstAt = lines[0]?.at ?? 0;
  const startedAt = Number.isNaN(declared) || declared > firstAt ? firstAt : declared;
  const known = new Set<string>(SERVER_EVENT_TYPES);
  const opened = new Set<number>(log.lifecycle.map((entry) => entry.connection));
  const entries: RecordingEntry[] = [];
  for (const line of lines) {
    const t = Math.max(0, line.at - startedAt);
    const connection = line.connection;
    if ('lifecycle' in line) {
      const { before: _before, at: _at, lifecycle, connection: _connection, ...rest } = line;
      entries.push({ t, connection, kind: lifecycle, ...rest } as RecordingEntry);
      continue;
    }
    if (!opened.has(connection)) {
      opened.add(connection);
      entries.push({ t, connection, kind: 'connect' }, { t, connection, kind: 'open' });
    }
    const field = AUDIO_FIELDS[line.event.type];
    const omitted = field !== undefined && (line.audioOmitted === true || line.event[field] === AUDIO_PLACEHOLDER);
    const event = omitted ? { ...line.event, [field]: '' } : line.event;
    const audio = line.audioBytes === undefined ? {} : { audioBytes: line.audioBytes, ...(omitted ? { audioOmitted: true } : {}) };
    if (line.direction === 'received') entries.push({ t, connection, kind: 'client', event, ...audio });
    else entries.push({ t, connection, kind: 'server', event, known: line.known ?? known.has(event.type), ...audio });
  }
  return {
    header: {
      kind: 'header',
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      startedAt: header.startedAt !== '' || lines.length === 0 || firstAt <= 0 ? header.startedAt : new Date(startedAt).toISOString(),
      keepAudio: header.keepAudio,
      audio: header.audio,
    },
    entries,
  };
}

/**
 * Parses a log file into a version 1 {@link Recording} (see {@link toRecording}): a version 1
 * recording as it is, the one log format and fixture lines converted.
 *
 * @deprecated Use {@link toEventLog}, which reads every log shape into the one log format.
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
  const text = typeof jsonl === 'string' ? jsonl : jsonl.join('\n');
  if (text.trim() === '') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'parseRecording: the recording is empty (no header line).');
  return isVersion1(text) ? parseRecordingV1(text) : recordingOf(toEventLog(text));
}

/**
 * Writes a version 1 {@link Recording} as a file in the one log format (what `toEventLog`,
 * `ReplayTransport` and `scenarioFromRecording` read, and `parseRecording` reads back).
 *
 * @deprecated Save an {@link EventLog} with `log.toJsonl()` (a recorder's `recorder.toJsonl()`).
 */
export function stringifyRecording(recording: Recording): string {
  return toEventLog(recording).toJsonl();
}
