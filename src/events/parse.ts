/**
 * Parsing incoming frames. Neither function ever throws: every input, however malformed,
 * becomes a result. Valid events are the parsed JSON itself (validated, not copied): the
 * schemas are pure validators, so nothing is lost, unknown fields stay at every level, and a
 * `__proto__` key stays an own data property (as `JSON.parse` creates it) instead of being
 * assigned through the prototype setter. Validation runs the validators generated from the
 * zod schemas (`./generated/validators.ts`), so parsing never loads zod.
 */
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_STRICT_CLIENT_EVENTS } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import { isRecord } from '../base/is-record';
import { runCheck } from './check';
import type { Check } from './check';
import type { ClientEventInput, UnknownClientEvent } from './client-events';
import { decodeUtf8, exceedsUtf8Bytes, isArrayBuffer } from './frame';
import type { FrameData } from './frame';
import { clientEventValidators } from './generated/validators';
import { describeError, describeValue, reportWarnings, summarizeIssues, triageIssues } from './issues';
import type { ClientEventWarning } from './issues';
import type { ServerEvent, UnknownServerEvent } from './server-events';

/** Options of `parseServerEvent` and {@link parseClientEvent}. */
export interface ParseOptions {
  /**
   * Largest frame accepted, in UTF-8 bytes; a larger one is refused with
   * `VOXWIRE_FRAME_TOO_LARGE` before it is parsed. Not applied to already-parsed objects.
   * @default DEFAULT_MAX_SERVER_FRAME_BYTES (64 MiB) for server frames,
   * DEFAULT_MAX_CLIENT_FRAME_BYTES (16 MiB) for client frames
   */
  maxFrameBytes?: number;
  /**
   * Client frames only (server schemas are always open): refuse a field, enum value or `type`
   * the schemas do not know. Off, such a frame is delivered as known, with one `onWarning` call
   * per unknown thing; what is known to be wrong (beta names, misspellings, wrong types) is
   * refused in either mode.
   * @default false (DEFAULT_STRICT_CLIENT_EVENTS)
   */
  strict?: boolean;
  /**
   * Told about each unknown field or value a client frame carried (never in strict mode). Must
   * not throw; if it does, the error is ignored.
   * @default undefined (nothing is reported)
   */
  onWarning?: (warning: ClientEventWarning) => void;
}

/**
 * The outcome of parsing one frame:
 * - `{ ok: true, known: true, event }`: a valid event of a known type;
 * - `{ ok: true, known: false, event }`: a JSON object with a string `type` the SDK does not
 *   know, delivered whole;
 * - `{ ok: false, error }`: a {@link RealtimeError} with code `VOXWIRE_INVALID_JSON`,
 *   `VOXWIRE_INVALID_EVENT` or `VOXWIRE_FRAME_TOO_LARGE`, its `raw` holding the frame text.
 */
export type ParseResult<Event, Unknown = UnknownServerEvent> =
  | {
      /** The frame parsed. */
      ok: true;
      /** Its `type` is a known event and it matched that event's schema. */
      known: true;
      /** The event. */
      event: Event;
    }
  | {
      /** The frame parsed. */
      ok: true;
      /** Its `type` is not one the SDK knows; it is delivered whole. */
      known: false;
      /** The event, as it arrived. */
      event: Unknown;
    }
  | {
      /** The frame did not parse. */
      ok: false;
      /** Why: `VOXWIRE_INVALID_JSON`, `VOXWIRE_INVALID_EVENT` or `VOXWIRE_FRAME_TOO_LARGE`. */
      error: RealtimeError;
    };

/** The result of `parseServerEvent`. */
export type ServerEventParseResult = ParseResult<ServerEvent, UnknownServerEvent>;

/** The result of {@link parseClientEvent}. */
export type ClientEventParseResult = ParseResult<ClientEventInput, UnknownClientEvent>;

type Direction = 'server' | 'client';

function failure(
  code: 'VOXWIRE_INVALID_JSON' | 'VOXWIRE_INVALID_EVENT' | 'VOXWIRE_FRAME_TOO_LARGE',
  message: string,
  raw: string | undefined,
  extra: { cause?: unknown; path?: string } = {},
): { ok: false; error: RealtimeError } {
  const options: { raw?: string; cause?: unknown; path?: string } = { ...extra };
  if (raw !== undefined) options.raw = raw;
  return { ok: false, error: new RealtimeError(code, message, options) };
}

/** Best-effort text of an already-parsed frame, for `error.raw`; never throws. */
function previewOf(value: unknown): string | undefined {
  try {
    const text = JSON.stringify(value);
    return typeof text === 'string' ? text.slice(0, 2048) : undefined;
  } catch {
    return undefined;
  }
}

/** Parses one frame against a table of validators (the translation protocol brings its own). Never throws. */
export function parseFrame(
  data: unknown,
  direction: Direction,
  validators: ReadonlyMap<string, Check>,
  maxFrameBytes: number,
  options?: ParseOptions,
): ParseResult<unknown, unknown> {
  let text: string | undefined;
  let value: unknown;
  try {
    if (typeof data === 'string') {
      text = data;
    } else if (typeof data === 'object' && data !== null && (ArrayBuffer.isView(data) || isArrayBuffer(data))) {
      if (data.byteLength > maxFrameBytes) {
        return failure(
          'VOXWIRE_FRAME_TOO_LARGE',
          `${direction} frame of ${data.byteLength} bytes exceeds maxFrameBytes (${maxFrameBytes})`,
          undefined,
        );
      }
      try {
        text = decodeUtf8(data);
      } catch (cause) {
        return failure('VOXWIRE_INVALID_JSON', `${direction} frame is not valid UTF-8`, undefined, { cause });
      }
    } else if (isRecord(data)) {
      value = data;
    } else {
      return failure(
        'VOXWIRE_INVALID_JSON',
        `${direction} frame must be JSON text, bytes or an object, got ${describeValue(data)}`,
        undefined,
      );
    }

    if (text !== undefined) {
      if (exceedsUtf8Bytes(text, maxFrameBytes)) {
        return failure(
          'VOXWIRE_FRAME_TOO_LARGE',
          `${direction} frame of at least ${text.length} bytes exceeds maxFrameBytes (${maxFrameBytes})`,
          text,
        );
      }
      try {
        value = JSON.parse(text);
      } catch (cause) {
        return failure('VOXWIRE_INVALID_JSON', `${direction} frame is not valid JSON: ${describeError(cause)}`, text, { cause });
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return failure(
          'VOXWIRE_INVALID_JSON',
          `${direction} frame must be a JSON object, got ${describeValue(value)}`,
          text,
        );
      }
    }

    const event = value as Record<string, unknown>;
    const type = event.type;
    if (typeof type !== 'string') {
      const message =
        type === undefined
          ? `${direction} event has no \`type\``
          : `${direction} event \`type\` must be a string, got ${describeValue(type)}`;
      return failure('VOXWIRE_INVALID_EVENT', message, text ?? previewOf(value), { path: 'type' });
    }
    // A Map, not a record: the `type` is untrusted, and `record['constructor']` would find
    // Object.prototype members.
    const validator = validators.get(type);
    if (validator === undefined) return { ok: true, known: false, event };
    // Validation only (no copy): a valid frame is delivered as it arrived.
    let { issues } = runCheck(validator, event);
    if (issues.length === 0) return { ok: true, known: true, event };
    if (direction === 'client' && !(options?.strict ?? DEFAULT_STRICT_CLIENT_EVENTS)) {
      const triaged = triageIssues(issues, type);
      issues = triaged.refused;
      if (issues.length === 0) {
        reportWarnings(triaged.warnings, options?.onWarning);
        return { ok: true, known: true, event };
      }
    }
    const summary = summarizeIssues(issues);
    return failure('VOXWIRE_INVALID_EVENT', `invalid ${type} ${direction} event: ${summary.message}`, text ?? previewOf(value), {
      path: summary.path,
    });
  } catch (cause) {
    // A throwing getter, a Proxy or an exhausted stack in an already-parsed object: still a result.
    return failure('VOXWIRE_INVALID_EVENT', `${direction} event could not be read: ${describeError(cause)}`, text, { cause });
  }
}

/**
 * Parses and validates one frame a client sent (what a relay or the mock server receives).
 * Never throws. What is known to be wrong (beta names, misspellings, wrong types, missing
 * fields) fails with a message naming the field and its GA name; a field, enum value or `type`
 * the schemas do not know is delivered as known with one `onWarning` call each, or refused with
 * `strict: true`. `event_id` may be absent, as clients may omit it.
 *
 * @returns see {@link ParseResult}; unknown types come back as `known: false`.
 */
export function parseClientEvent(data: FrameData, options?: ParseOptions): ClientEventParseResult {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
  return parseFrame(data, 'client', clientEventValidators, max, options) as ClientEventParseResult;
}
