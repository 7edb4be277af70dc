/**
 * Parsing and serializing GPT-Live frames, with the same contract as the Realtime functions
 * (`parseServerEvent`, `parseClientEvent`, `serializeClientEvent`): parsing never throws, valid
 * frames are delivered as they arrived (unknown fields and unknown types whole), and outgoing
 * events are checked against the strict schemas. What is known to be wrong is refused with the
 * right name (a Realtime event sent to Live, a start-only field in `session.update`); what is
 * only new is sent as given with one warning (strict mode refuses it). Validation runs the
 * generated validators (`../generated/live-validators.ts`), never zod.
 */
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_MAX_SERVER_FRAME_BYTES, DEFAULT_STRICT_CLIENT_EVENTS } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { isRecord } from '../../base/is-record';
import { runCheck } from '../check';
import { createEventId } from '../event-id';
import { exceedsUtf8Bytes } from '../frame';
import type { FrameData } from '../frame';
import { liveClientEventValidators, liveForkStartEventValidator, liveServerEventValidators, liveSessionConfigValidator } from '../generated/live-validators';
import { describeError, describeValue, reportWarnings, summarizeIssues } from '../issues';
import type { ClientEventWarning } from '../issues';
import { parseFrame } from '../parse';
import type { ParseOptions, ParseResult } from '../parse';
import { serializeWith } from '../serialize';
import type { SerializeOptions } from '../serialize';
import type { LiveClientEvent, UnknownLiveClientEvent } from './client-events';
import type { LiveServerEvent, UnknownLiveServerEvent } from './server-events';
import { LIVE_START_ONLY_FIELDS } from './session';
import type { LiveSessionConfig } from './session';

/** The result of {@link parseLiveServerEvent}. */
export type LiveServerEventParseResult = ParseResult<LiveServerEvent, UnknownLiveServerEvent>;
/** The result of {@link parseLiveClientEvent}. */
export type LiveClientEventParseResult = ParseResult<LiveClientEvent, UnknownLiveClientEvent>;

/**
 * Realtime client event types people send to a Live session, with what Live does instead.
 * Sending one is known to be wrong: refused in every mode.
 */
const REALTIME_TYPE_HINTS: Readonly<Record<string, string>> = {
  'input_audio_buffer.append': "Live takes 'session.input_audio.append'",
  'input_audio_buffer.commit': 'Live has no commit: keep streaming audio, the model owns its turns',
  'input_audio_buffer.clear': 'Live has no input buffer to clear: use session.input_audio.mute',
  'output_audio_buffer.clear': 'Live has no output clear: stop local playback; the model stops on its own',
  'conversation.item.create': "Live has no conversation items: use 'session.instructions.append', 'session.thinking.append' or 'session.commentary.append' (or 'response.item.create' for Responses delegation results)",
  'conversation.item.truncate': 'Live has no truncate: nothing reports played audio',
  'conversation.item.delete': 'Live context is append-only',
  'conversation.item.retrieve': 'Live has no conversation items',
  'response.cancel': 'Live has no cancel: the model ends its own turns',
  'transcription_session.update': "Live has no transcription sessions: transcripts come as 'session.input_transcript.delta'",
};

/** The reason a Live client event is known to be wrong, or undefined. */
function knownWrong(event: Record<string, unknown>): { message: string; path: string } | undefined {
  const type = event.type;
  if (typeof type !== 'string') return undefined;
  if (Object.hasOwn(REALTIME_TYPE_HINTS, type)) {
    return { message: `'${type}' is a Realtime event, not a Live one (${REALTIME_TYPE_HINTS[type]})`, path: 'type' };
  }
  if (liveServerEventValidators.has(type) && !liveClientEventValidators.has(type)) {
    return { message: `'${type}' is a Live server event; clients cannot send it`, path: 'type' };
  }
  if (type === 'session.update') {
    const session = event.session;
    if (typeof session === 'object' && session !== null) {
      const fixed = LIVE_START_ONLY_FIELDS.find((field) => Object.hasOwn(session, field));
      if (fixed !== undefined) {
        return {
          message: `session.update rejected: \`session.${fixed}\` is fixed at start (session.update changes only \`delegation\` and \`triggers\`; start a new session${fixed === 'instructions' ? ", or add context with 'session.instructions.append'" : ''})`,
          path: `session.${fixed}`,
        };
      }
    }
  }
  return undefined;
}

function invalid(message: string, path?: string, cause?: unknown): RealtimeError {
  const options: { path?: string; cause?: unknown } = {};
  if (path !== undefined) options.path = path;
  if (cause !== undefined) options.cause = cause;
  return new RealtimeError('VOXWIRE_INVALID_CLIENT_EVENT', message, options);
}

function unknownLiveType(type: string): string {
  return `unknown Live client event type ${describeValue(type)} (Live client events: ${[...liveClientEventValidators.keys()].join(', ')})`;
}

/**
 * Parses and validates one frame from a Live server (primary WebSocket, WebRTC data channel or
 * sideband). Never throws: `{ ok: true, known: true, event }` for a valid known event,
 * `{ ok: true, known: false, event }` for an unknown `type` (delivered whole), `{ ok: false, error }`
 * otherwise. A `response.event` whose nested Responses type is new is a known, valid event.
 *
 * @example
 * ```ts
 * const result = parseLiveServerEvent(message.data);
 * if (result.ok && result.known && result.event.type === 'session.output_transcript.delta') show(result.event.delta);
 * ```
 */
export function parseLiveServerEvent(data: FrameData, options?: ParseOptions): LiveServerEventParseResult {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES;
  return parseFrame(data, 'server', liveServerEventValidators, max) as LiveServerEventParseResult;
}

/**
 * Parses one frame a Live client sent (what a relay and the mock receive). Never throws. What
 * is known to be wrong (a Realtime event, a server event, a start-only field in
 * `session.update`, a wrong type, a missing field) fails; an unknown field or enum value is
 * delivered with one `onWarning` call each (refused with `strict: true`); an unknown `type` comes
 * back as `known: false`.
 */
export function parseLiveClientEvent(data: FrameData, options?: ParseOptions): LiveClientEventParseResult {
  return parseClientWith(data, liveClientEventValidators, options);
}

/** The client events of a fork's WebSocket: `session.start` carries the fork's overrides (no model). */
const liveForkClientEventValidators: typeof liveClientEventValidators = /* @__PURE__ */ new Map([...liveClientEventValidators, ['session.start', liveForkStartEventValidator]]);

/**
 * {@link parseLiveClientEvent} for a frame received on a fork's WebSocket
 * (`…/v1/live/sessions/{id}/fork`): its `session.start` is the fork's (`ForkSessionStartEvent`:
 * overrides of the stored session, no model), every other event as on a new session.
 */
export function parseLiveForkClientEvent(data: FrameData, options?: ParseOptions): LiveClientEventParseResult {
  return parseClientWith(data, liveForkClientEventValidators, options);
}

function parseClientWith(data: FrameData, validators: typeof liveClientEventValidators, options: ParseOptions | undefined): LiveClientEventParseResult {
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
  const result = parseFrame(data, 'client', validators, max, options) as LiveClientEventParseResult;
  if (!result.ok) return result;
  const wrong = knownWrong(result.event as Record<string, unknown>);
  if (wrong === undefined) return result;
  const raw = typeof data === 'string' ? data : undefined;
  return { ok: false, error: new RealtimeError('VOXWIRE_INVALID_EVENT', `invalid ${String(result.event.type)} client event: ${wrong.message}`, { path: wrong.path, ...(raw === undefined ? {} : { raw }) }) };
}

/**
 * Validates an outgoing Live client event against its strict schema, fills a missing
 * `event_id` and returns the JSON text. Known-wrong events are refused naming the Live way; a
 * field, value or `type` the schemas do not know is sent as given with one `onWarning` call
 * each, unless `strict` is set.
 *
 * @throws `RealtimeError` `VOXWIRE_INVALID_CLIENT_EVENT` or `VOXWIRE_FRAME_TOO_LARGE`.
 *
 * @example
 * ```ts
 * socket.send(serializeLiveClientEvent({ type: 'session.commentary.append', content: 'Your order shipped.', delegation_id: id }));
 * ```
 */
export function serializeLiveClientEvent(event: LiveClientEvent | UnknownLiveClientEvent, options?: SerializeOptions): string {
  try {
    if (isRecord(event)) {
      const wrong = knownWrong(event);
      if (wrong !== undefined) throw invalid(wrong.message, wrong.path);
      const type = (event as { type?: unknown }).type;
      if (typeof type === 'string' && !liveClientEventValidators.has(type)) return serializeUnknown(event, type, options);
      // A fork's `session.start` carries overrides, not a startup config: it names no model.
      if (type === 'session.start' && isForkStart(event)) return serializeWith(event, options, new Map([['session.start', liveForkStartEventValidator]]), unknownLiveType);
    }
    return serializeWith(event, options, liveClientEventValidators, unknownLiveType);
  } catch (error) {
    if (error instanceof RealtimeError) throw error;
    throw invalid(`client event could not be read: ${describeError(error)}`, undefined, error);
  }
}

/** The fields a fork's `session.start` may carry (`ForkSessionConfig`). */
const FORK_FIELDS = new Set(['audio', 'client', 'delegation', 'store']);

/**
 * A `session.start` whose session names no model and only fork fields: the first message on a
 * fork's connection. Anything else is a startup config (and a missing model is its error).
 */
function isForkStart(event: object): boolean {
  const session = (event as { session?: unknown }).session;
  return typeof session === 'object' && session !== null && Object.keys(session).every((key) => FORK_FIELDS.has(key));
}

/** A `type` the schemas do not know: refused in strict mode, else sent whole with one warning. */
function serializeUnknown(event: object, type: string, options: SerializeOptions | undefined): string {
  if (options?.strict ?? DEFAULT_STRICT_CLIENT_EVENTS) throw invalid(unknownLiveType(type), 'type');
  const given = (event as { event_id?: unknown }).event_id;
  const eventId = typeof given === 'string' ? given : (options?.generateEventId ?? createEventId)();
  const text = JSON.stringify({ ...event, event_id: eventId, type });
  const max = options?.maxFrameBytes ?? DEFAULT_MAX_CLIENT_FRAME_BYTES;
  if (exceedsUtf8Bytes(text, max)) {
    throw new RealtimeError('VOXWIRE_FRAME_TOO_LARGE', `${type} of at least ${text.length} bytes exceeds maxFrameBytes (${max})`);
  }
  const warning: ClientEventWarning = {
    eventType: type,
    path: 'type',
    message: `${type}: event type \`${type}\` is not known to voxwire; sent as given (strict mode refuses it)`,
  };
  reportWarnings([warning], options?.onWarning);
  return text;
}

/** What is wrong with a Live session config. */
export interface LiveConfigProblem {
  /** The first problem, naming the field and what it expected. */
  message: string;
  /** Dotted path of the offending field, relative to the config (`audio.format.rate`). */
  path: string;
}

/**
 * Checks a Live startup config (what `session.start` carries, or the `session` of a WebRTC
 * session creation) the way the server does: an unknown field or a wrong value is an error.
 * Returns `undefined` when it is valid, else the message and the dotted path.
 */
export function checkLiveSessionConfig(config: unknown): LiveConfigProblem | undefined {
  try {
    const { issues } = runCheck(liveSessionConfigValidator, config);
    return issues.length === 0 ? undefined : summarizeIssues(issues);
  } catch (cause) {
    return { message: `session config could not be read: ${describeError(cause)}`, path: '' };
  }
}

/** The Live startup config, validated: returns it typed, or throws a `RealtimeError` `VOXWIRE_INVALID_CLIENT_EVENT`. */
export function assertLiveSessionConfig(config: unknown): LiveSessionConfig {
  const problem = checkLiveSessionConfig(config);
  if (problem !== undefined) throw invalid(`Live session config rejected: ${problem.message}`, problem.path);
  return config as LiveSessionConfig;
}
