/**
 * The `error` objects the mock server sends, in the shape and with the codes of the real API
 * (`{ type: 'invalid_request_error', code, message, param, event_id }`, where `event_id` is the
 * client event the error is about). Messages follow the wording seen in real traffic where it is
 * known ("Conversation already has an active response in progress: resp_...", "Cancellation
 * failed: no active response found", "Audio content of 9250ms is already shorter than 57340ms",
 * "Missing required parameter: 'session.type'."); the rest are the mock's own and say so
 * nowhere a client could branch on.
 */

import * as z from 'zod/mini';
import { clientEventSchemas } from '../../events/client-events';
import type { RealtimeError } from '../../base/errors';
import { isRecord } from '../../base/is-record';
import { formatPath } from '../../events/issues';

/** The `error` object of an `error` server event. */
export interface MockErrorBody {
  type: string;
  code: string | null;
  message: string;
  param: string | null;
  event_id: string | null;
}

type Body = Omit<MockErrorBody, 'event_id'>;

function invalidRequest(code: string | null, message: string, param: string | null = null): Body {
  return { type: 'invalid_request_error', code, message, param };
}

const SUPPORTED_TYPES = Object.keys(clientEventSchemas)
  .map((type) => `'${type}'`)
  .join(', ');

type Issue = z.core.$ZodIssue;

function depth(issue: Issue): number {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return issue.path.length + Math.max(0, ...issue.errors.flatMap((branch) => branch.map(depth)));
  }
  return issue.path.length;
}

/** The issue that explains a failure best: inside unions, the branch that got furthest. */
function deepestIssue(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): { issue: Issue; path: PropertyKey[] } | undefined {
  const first = issues[0];
  if (!first) return undefined;
  const path = [...prefix, ...first.path];
  if (first.code === 'invalid_union' && first.errors.length > 0) {
    let best: readonly Issue[] | undefined;
    let bestScore = -Infinity;
    for (const branch of first.errors) {
      if (branch.length === 0) continue;
      const score = Math.max(...branch.map(depth)) * 1000 - branch.length;
      if (score > bestScore) {
        best = branch;
        bestScore = score;
      }
    }
    if (best) return deepestIssue(best, path);
  }
  return { issue: first, path };
}

/**
 * Maps a client event that failed our schemas to the API's error: `unknown_parameter`,
 * `missing_required_parameter`, `invalid_type` or `invalid_value`, with `param` naming the
 * field. The message starts as the API's does and ends with the SDK's explanation (which
 * names the GA replacement of a beta field).
 */
export function validationError(event: Record<string, unknown>, failure: RealtimeError): Body {
  const type = typeof event.type === 'string' ? event.type : '';
  const schema = (clientEventSchemas as Record<string, z.core.$ZodType | undefined>)[type];
  const explanation = failure.message.replace(/^invalid \S+ client event: /, '');
  const result = schema && Object.hasOwn(clientEventSchemas, type) ? z.safeParse(schema, event, { reportInput: true }) : undefined;
  const found = result && !result.success ? deepestIssue(result.error.issues) : undefined;
  if (!found) return invalidRequest('invalid_value', `Invalid event: ${explanation}`, failure.path ?? null);
  const { issue } = found;
  if (issue.code === 'unrecognized_keys') {
    const param = formatPath([...found.path, issue.keys[0] ?? '']);
    return invalidRequest('unknown_parameter', `Unknown parameter: '${param}'. (${explanation})`, param);
  }
  if (issue.code === 'invalid_union' && issue.errors.length === 0 && typeof issue.discriminator === 'string') {
    // A discriminated union whose tag is absent or unknown: name the tag itself.
    const endsWithTag = found.path[found.path.length - 1] === issue.discriminator;
    const param = formatPath(endsWithTag ? found.path : [...found.path, issue.discriminator]);
    // zod reports the union's input (the object) even when the path already names the tag.
    const tag = isRecord(issue.input) ? issue.input[issue.discriminator] : endsWithTag ? issue.input : undefined;
    if (tag === undefined) return invalidRequest('missing_required_parameter', `Missing required parameter: '${param}'.`, param);
    return invalidRequest('invalid_value', `Invalid value for '${param}': ${explanation}`, param);
  }
  const param = formatPath(found.path);
  const missing =
    ((issue.code === 'invalid_type' || issue.code === 'invalid_value') && issue.input === undefined) ||
    (issue.code === 'invalid_union' && issue.input === undefined);
  if (missing) return invalidRequest('missing_required_parameter', `Missing required parameter: '${param}'.`, param);
  if (issue.code === 'invalid_type') {
    return invalidRequest('invalid_type', `Invalid type for '${param}': ${explanation}`, param);
  }
  return invalidRequest('invalid_value', `Invalid value for '${param}': ${explanation}`, param);
}

/** Errors the mock sends, by situation. */
export const mockErrors = {
  /** A text frame that is not JSON, or JSON that is not an object. */
  invalidJson: (detail: string): Body =>
    invalidRequest('invalid_json', `We could not parse the JSON body of your request: ${detail}`),
  /** A binary frame: the Realtime API speaks JSON text frames. */
  binaryFrame: (): Body =>
    invalidRequest('invalid_event', 'Binary WebSocket frames are not supported; send each event as a JSON text frame.'),
  /** A frame larger than the cap. */
  frameTooLarge: (bytes: number, maxBytes: number): Body =>
    invalidRequest('payload_too_large', `The event is ${bytes} bytes, larger than the maximum of ${maxBytes} bytes; send audio in smaller chunks.`),
  /** An object without a string `type`. */
  missingType: (): Body => invalidRequest('invalid_event', "The 'type' field is missing."),
  /** An unknown event type. */
  unknownType: (type: string): Body =>
    invalidRequest('invalid_value', `Invalid value: '${type}'. Supported values are: ${SUPPORTED_TYPES}.`, 'type'),
  /** `response.create` while a response is in progress. */
  activeResponse: (responseId: string): Body =>
    invalidRequest(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${responseId}. Wait until the response is finished before creating a new one.`,
    ),
  /** `response.cancel` with nothing to cancel. */
  cancelNotActive: (): Body => invalidRequest('response_cancel_not_active', 'Cancellation failed: no active response found'),
  /** A voice change after the model has spoken. */
  voiceLocked: (): Body =>
    invalidRequest('cannot_update_voice', "Cannot update a conversation's voice if assistant audio is present.", 'session.audio.output.voice'),
  /** A `session.update` switching between realtime and transcription. */
  sessionTypeChange: (from: string, to: string): Body =>
    invalidRequest('invalid_value', `Cannot change the session type from '${from}' to '${to}' in an existing session.`, 'session.type'),
  /** A response event in a transcription session, which never answers. */
  notInTranscriptionSession: (type: string): Body =>
    invalidRequest('invalid_value', `Invalid value: '${type}'. A transcription session transcribes input audio and creates no responses.`, 'type'),
  /** A client that speaks the retired beta interface (`OpenAI-Beta: realtime=v1`); the API's wording. */
  /** No key, or a key the server does not accept (the HTTP 401 body, or the `error` event of `rejectWith: { closeCode }`). */
  invalidApiKey: (apiKey: string | undefined): Body =>
    invalidRequest('invalid_api_key', apiKey === undefined ? "You didn't provide an API key." : `Incorrect API key provided: ${redact(apiKey)}.`),
  betaShapeDisabled: (): Body =>
    invalidRequest('beta_api_shape_disabled', 'The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.'),
  /** Truncation past the audio the server sent. */
  truncateBeyondAudio: (sentMs: number, requestedMs: number): Body =>
    invalidRequest('invalid_value', `Audio content of ${sentMs}ms is already shorter than ${requestedMs}ms`, 'audio_end_ms'),
  /** Truncation of an item that has no model audio. */
  truncateNotAudio: (): Body =>
    invalidRequest('unsupported_content_type', 'Only model output audio messages can be truncated', 'item_id'),
  /** A content index the item does not have. */
  noSuchContent: (itemId: string, contentIndex: number): Body =>
    invalidRequest('invalid_value', `Item '${itemId}' has no content at index ${contentIndex}.`, 'content_index'),
  /** An item id the conversation does not hold. */
  itemNotFound: (itemId: string, param = 'item_id'): Body =>
    invalidRequest('item_not_found', `Item with item_id not found: ${itemId}`, param),
  /** A `previous_item_id` the conversation does not hold. */
  previousItemNotFound: (itemId: string): Body =>
    invalidRequest('item_not_found', `Previous item with id not found: ${itemId}`, 'previous_item_id'),
  /** A client-chosen item id that is taken. */
  duplicateItemId: (itemId: string): Body =>
    invalidRequest('duplicate_item_id', `Item with id '${itemId}' already exists in the conversation.`, 'item.id'),
  /** `input_audio_buffer.commit` with less than 100 ms buffered. */
  commitEmpty: (bufferedMs: number): Body =>
    invalidRequest(
      'input_audio_buffer_commit_empty',
      `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${bufferedMs.toFixed(2)}ms of audio.`,
    ),
  /** Audio that is not valid base64 (or not whole samples) in the session's input format. */
  invalidAudio: (detail: string): Body => invalidRequest('invalid_value', `Invalid audio data: ${detail}`, 'audio'),
  /** `output_audio_buffer.clear` on a WebSocket session. */
  outputBufferWebRTCOnly: (): Body =>
    invalidRequest(
      'invalid_value',
      "Invalid value: 'output_audio_buffer.clear'. The output audio buffer exists only in WebRTC and SIP sessions; " +
        'on a WebSocket send response.cancel and truncate instead.',
      'type',
    ),
  /** The session reached its maximum duration. */
  sessionExpired: (maxDurationMs: number): Body =>
    invalidRequest('session_expired', `Your session hit the maximum duration of ${describeDuration(maxDurationMs)}.`),
  /** A scenario marked strict ran out of turns. */
  scenarioExhausted: (name: string | undefined, turns: number): Body =>
    invalidRequest(
      'scenario_exhausted',
      `voxwire mock: the scenario${name ? ` '${name}'` : ''} has no turn left for this response (all ${turns} used).`,
    ),
} as const;

/** "60 minutes", "1.5 seconds", "250 ms". */
export function describeDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(3))} seconds`;
  return `${ms} ms`;
}

/** Whether a client asks for the retired beta interface: `OpenAI-Beta: realtime=v1` or the `openai-beta.realtime-v1` subprotocol. */
export function speaksBeta(header: string | string[] | undefined, protocols: readonly string[]): boolean {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.some((value) => /(^|[\s,])realtime=v1\b/.test(value)) || protocols.includes('openai-beta.realtime-v1');
}

/** The `error` body of an HTTP answer, as the API words it. */
export function apiError(message: string, code: string | null): Record<string, unknown> {
  return { message, type: 'invalid_request_error', param: null, code };
}

/** A key as the API prints it in an error: its first 3 and last 4 characters. */
export function redact(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}****${key.slice(-4)}`;
}
