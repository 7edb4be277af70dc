/**
 * Serializing outgoing client events: validate against the strict GA schema, fill a missing
 * `event_id`, enforce the frame-size cap, return the JSON text. Nothing invalid leaves.
 */
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_STRICT_CLIENT_EVENTS } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import { runCheck } from './check';
import type { Check } from './check';
import type { ClientEventInput } from './client-events';
import { createEventId } from './event-id';
import type { EventIdGenerator } from './event-id';
import { exceedsUtf8Bytes } from './frame';
import { clientEventValidators } from './generated/validators';
import { describeError, describeValue, reportWarnings, summarizeIssues, triageIssues } from './issues';
import type { ClientEventWarning } from './issues';

/** Options of `serializeClientEvent`. */
export interface SerializeOptions {
  /**
   * Generates the `event_id` of an event that has none.
   * @default createEventId (`evt_` + 16 random base-62 characters)
   */
  generateEventId?: EventIdGenerator;
  /**
   * Largest frame allowed, in UTF-8 bytes. The API accepts an `input_audio_buffer.append` of
   * up to 15 MiB of base64; the default sits above that.
   * @default DEFAULT_MAX_CLIENT_FRAME_BYTES (16 MiB)
   */
  maxFrameBytes?: number;
  /**
   * Refuse what the schemas do not know. Off: a field, enum value or `type` the schemas do not
   * know (a newer API feature) is sent as given, with one `onWarning` call each; what is known
   * to be wrong (beta names, known misspellings, wrong types, missing fields) is always refused.
   * @default false (DEFAULT_STRICT_CLIENT_EVENTS)
   */
  strict?: boolean;
  /**
   * Told about each unknown field or value sent as given (never called in strict mode). Must
   * not throw; if it does, the error is ignored.
   * @default undefined (nothing is reported)
   */
  onWarning?: (warning: ClientEventWarning) => void;
}

/** Hints for event types people send by mistake, keyed by the wrong type. */
const CLIENT_TYPE_HINTS: Readonly<Record<string, string>> = {
  'transcription_session.update':
    "transcription_session.update is not part of the GA protocol; send session.update with session.type 'transcription'",
};

/** Why `type` is no client event; `serverTypes` (the server event table, when loaded) tells a server event apart. */
function unknownTypeMessage(type: string, serverTypes: ReadonlyMap<string, unknown> | undefined): string {
  const hint = Object.hasOwn(CLIENT_TYPE_HINTS, type) ? CLIENT_TYPE_HINTS[type] : undefined;
  if (hint !== undefined) return `unknown client event type '${type}' (${hint})`;
  if (serverTypes?.has(type)) return `'${type}' is a server event; clients cannot send it`;
  return `unknown client event type ${describeValue(type)} (GA client events: ${[...clientEventValidators.keys()].join(', ')})`;
}

function invalid(message: string, extra: { cause?: unknown; path?: string } = {}): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_CLIENT_EVENT', message, extra);
}

/**
 * Serializes with a protocol's validators and its words for an unknown `type`. Both are
 * arguments, never defaults, so a protocol that brings its own tables (translation, GPT-Live)
 * does not load the Realtime ones. Throws a `RealtimeError`, or whatever a getter of the event throws.
 */
export function serializeWith(
  event: unknown,
  options: SerializeOptions | undefined,
  validators: ReadonlyMap<string, Check>,
  unknownType: (type: string) => string,
): string {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw invalid(`client event must be an object, got ${describeValue(event)}`);
  }
  const type = (event as { type?: unknown }).type;
  if (typeof type !== 'string') {
    const got = type === undefined ? 'has no `type`' : `has a \`type\` of ${describeValue(type)}, not a string`;
    throw invalid(`client event ${got}`, { path: 'type' });
  }
  const validator = validators.get(type);
  if (validator === undefined) throw invalid(unknownType(type), { path: 'type' });

  // In copy mode the output is a fresh plain object holding exactly the validated keys, each
  // read once, so what is sent is what was checked (a getter cannot answer differently the
  // second time, and a `toJSON` inherited by the caller's object cannot change the frame).
  let result = runCheck(validator, event, true);
  let warnings: ClientEventWarning[] = [];
  if (result.issues.length > 0 && !(options?.strict ?? DEFAULT_STRICT_CLIENT_EVENTS)) {
    // What is new goes out as given, but the copy above holds only what the schemas know: check
    // a JSON copy of the event itself, and send that copy, so what leaves is what was checked.
    result = runCheck(validator, jsonCopy(event, type));
    const triaged = triageIssues(result.issues, type);
    result.issues = triaged.refused;
    warnings = triaged.warnings;
  }
  if (result.issues.length > 0) {
    const summary = summarizeIssues(result.issues);
    throw invalid(`${type} rejected: ${summary.message}`, { path: summary.path });
  }
  const { event_id: givenId, type: _type, ...fields } = result.value as Record<string, unknown>;
  let eventId = givenId;
  if (eventId === undefined) {
    try {
      eventId = (options?.generateEventId ?? createEventId)();
    } catch (cause) {
      throw invalid(`generateEventId threw: ${describeError(cause)}`, { cause, path: 'event_id' });
    }
    if (typeof eventId !== 'string') {
      throw invalid(`generateEventId returned ${describeValue(eventId)}, not a string`, { path: 'event_id' });
    }
  }
  // `event_id` first, then `type`, as the API's own examples write events.
  const framed = { event_id: eventId, type, ...fields };

  let text: string;
  try {
    text = JSON.stringify(framed);
  } catch (cause) {
    // Only the free-form fields (tool `parameters`, tracing `metadata`) can hold a cycle, a
    // BigInt or absurd nesting.
    throw invalid(`${type} rejected: it cannot be serialized as JSON (${describeError(cause)})`, {
      cause,
    });
  }
  const maxFrameBytes = options?.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
  if (exceedsUtf8Bytes(text, maxFrameBytes)) {
    throw new RealtimeError(
      'VOXWIRE_FRAME_TOO_LARGE',
      `${type} of at least ${text.length} bytes exceeds maxFrameBytes (${maxFrameBytes}); send it in smaller pieces`,
    );
  }
  reportWarnings(warnings, options?.onWarning);
  return text;
}

/** A plain JSON copy of an event (what `JSON.stringify` would send). */
function jsonCopy(event: unknown, type: string): unknown {
  try {
    return JSON.parse(JSON.stringify(event)) as unknown;
  } catch (cause) {
    throw invalid(`${type} rejected: it cannot be serialized as JSON (${describeError(cause)})`, { cause });
  }
}

/**
 * `serializeClientEvent` given the server event table, or undefined while it is not loaded
 * (`realtimeProtocol` loads it with the connection): it only tells a server event's `type` sent
 * by mistake apart from an unknown one.
 */
export function serializeRealtimeEvent(event: unknown, options: SerializeOptions | undefined, serverTypes: ReadonlyMap<string, unknown> | undefined): string {
  try {
    return serializeWith(event, options, clientEventValidators, (type) => unknownTypeMessage(type, serverTypes));
  } catch (error) {
    if (error instanceof RealtimeError) throw error;
    // A throwing getter or Proxy in the caller's object.
    throw invalid(`client event could not be read: ${describeError(error)}`, { cause: error });
  }
}
