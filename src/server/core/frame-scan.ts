/**
 * Cheap looks at a frame without `JSON.parse`, for the two kinds of frame that make up almost
 * all relay traffic: `input_audio_buffer.append` from the client and audio/transcript deltas
 * from the upstream. Both functions only ever answer "certainly" or "not decided here"; on
 * "not decided" the relay parses the frame fully, so an odd but valid frame is never lost.
 */
import { isPlainBody } from './plain-body';
import type { RelayFrame } from './socket';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const EQUALS = 0x3d;

/** 1 for a byte allowed as is in a plain JSON string here: printable ASCII but `"` and `\`. */
const PLAIN = new Uint8Array(256);
for (let code = 0x20; code <= 0x7e; code += 1) PLAIN[code] = code === QUOTE || code === BACKSLASH ? 0 : 1;

const encoder = new TextEncoder();
let scratch = new Uint8Array(0);

/** The UTF-8 bytes of a text frame, in a reused buffer (valid until the next call). */
function bytesOf(text: string): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (scratch.length < text.length * 3) scratch = new Uint8Array(Math.max(text.length * 3, 4096));
  const { written } = encoder.encodeInto(text, scratch);
  return scratch.subarray(0, written);
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

function skipWhitespace(bytes: Uint8Array, index: number): number {
  while (index < bytes.length && isWhitespace(bytes[index] as number)) index += 1;
  return index;
}

/** True when `bytes[start..end)` spells the ASCII `literal`. */
function spells(bytes: Uint8Array, start: number, end: number, literal: string): boolean {
  if (end - start !== literal.length) return false;
  for (let offset = 0; offset < literal.length; offset += 1) {
    if (bytes[start + offset] !== literal.charCodeAt(offset)) return false;
  }
  return true;
}

/**
 * End (index of the closing quote) of a plain JSON string whose body starts at `start`:
 * printable ASCII only, no escapes. -1 when the string is anything else.
 */
function plainStringEnd(bytes: Uint8Array, start: number): number {
  let index = start;
  while (index < bytes.length && PLAIN[bytes[index] as number] === 1) index += 1;
  return bytes[index] === QUOTE ? index : -1;
}

/**
 * Index of the closing quote of the audio string whose body starts at `start`, or -1 unless the
 * body is plain ({@link isPlainBody}: printable ASCII without escapes, so its bytes are the
 * characters `JSON.parse` would read). Base64 holds no quote: the first one ends it. Which
 * characters the string holds is not the relay's concern: the full parse accepts any string as
 * `audio` and charges it by its length too, so the fast path answers what the full path would.
 */
function audioStringEnd(bytes: Uint8Array, start: number): number {
  const end = bytes.indexOf(QUOTE, start);
  return end >= 0 && isPlainBody(bytes, start, end) ? end : -1;
}

/**
 * Decoded bytes of `length` characters of base64 ending in `padding` `=` signs, as the relay
 * charges an `audio` string (its length alone; never decoded).
 */
export function paddedBase64Bytes(length: number, padding: number): number {
  return Math.max(0, Math.floor((length * 3) / 4) - padding);
}

const APPEND_TYPE = 'input_audio_buffer.append';

/**
 * The fast path for `input_audio_buffer.append`. Answers the audio byte count the full parse
 * would charge (the padded base64 byte count of the `audio` string) when `frame` is certainly a
 * valid append: one JSON object whose only fields are `type` (exactly
 * `input_audio_buffer.append`), `audio` and optionally `event_id` (both printable ASCII
 * without escapes), in any order, each once. Anything else (another type, escapes,
 * non-ASCII, an extra field) answers -1: the caller runs the full parse.
 *
 * The frame is read, never copied or decoded (a text frame is encoded into a scratch buffer),
 * so the relay forwards its original bytes. `appendType` names another protocol's append
 * (GPT-Live's `session.input_audio.append`, which has the same shape).
 */
export function scanAudioAppend(frame: RelayFrame, appendType: string = APPEND_TYPE): number {
  const bytes = typeof frame === 'string' ? bytesOf(frame) : frame;
  const written = scanWrittenAppend(bytes, appendPrefix(appendType));
  return written === NOT_AS_WRITTEN ? scanAnyAppend(bytes, appendType) : written;
}

/** {@link scanWrittenAppend}'s answer for a frame not laid out as clients write appends. */
const NOT_AS_WRITTEN = -2;
const EVENT_ID_FIELD = ascii('event_id":"');
const AUDIO_FIELD = ascii('audio":"');
const AUDIO_AFTER_EVENT_ID = ascii('","audio":"');
/** `{"type":"<append type>","` per append type (two protocols: a tiny cache). */
const appendPrefixes = new Map<string, Uint8Array>();

function ascii(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The append type asked for last and its prefix: a relay asks for the same type frame after frame. */
let lastAppendType = '';
let lastAppendPrefix: Uint8Array = new Uint8Array(0);

function appendPrefix(appendType: string): Uint8Array {
  if (appendType === lastAppendType) return lastAppendPrefix;
  let prefix = appendPrefixes.get(appendType);
  if (prefix === undefined) {
    prefix = ascii(`{"type":"${appendType}","`);
    appendPrefixes.set(appendType, prefix);
  }
  lastAppendType = appendType;
  lastAppendPrefix = prefix;
  return prefix;
}

/** True when `bytes` holds `literal` at `at`. */
function holdsAt(bytes: Uint8Array, at: number, literal: Uint8Array): boolean {
  if (at + literal.length > bytes.length) return false;
  for (let offset = 0; offset < literal.length; offset += 1) {
    if (bytes[at + offset] !== literal[offset]) return false;
  }
  return true;
}

/**
 * The append as every client writes it (voxwire's, `JSON.stringify` of `{type, event_id?,
 * audio}`): `{"type":"<type>","event_id":"<id>","audio":"<base64>"}` or without the event id,
 * no whitespace. Checked by comparing fixed bytes instead of reading keys, the audio string
 * known to end right before the closing `}`; the same answer as {@link scanAnyAppend} for
 * such a frame, or NOT_AS_WRITTEN for any other layout (including a malformed frame), which
 * the general scan then decides. `prefix`: `{"type":"<type>","`.
 */
function scanWrittenAppend(bytes: Uint8Array, prefix: Uint8Array): number {
  const length = bytes.length;
  if (bytes[length - 1] !== CLOSE_BRACE || bytes[length - 2] !== QUOTE || !holdsAt(bytes, 0, prefix)) return NOT_AS_WRITTEN;
  let index = prefix.length;
  if (holdsAt(bytes, index, EVENT_ID_FIELD)) {
    const idEnd = plainStringEnd(bytes, index + EVENT_ID_FIELD.length);
    if (idEnd < 0 || !holdsAt(bytes, idEnd, AUDIO_AFTER_EVENT_ID)) return NOT_AS_WRITTEN;
    index = idEnd + AUDIO_AFTER_EVENT_ID.length;
  } else if (holdsAt(bytes, index, AUDIO_FIELD)) {
    index += AUDIO_FIELD.length;
  } else {
    return NOT_AS_WRITTEN;
  }
  // The audio string ends right before the `}`: its closing quote is the first one after its opening.
  const end = length - 2;
  if (index > end || !isPlainBody(bytes, index, end)) return NOT_AS_WRITTEN;
  return audioBytesOf(bytes, index, end);
}

/** The padded base64 byte count of the audio string `bytes[start..end)`. */
function audioBytesOf(bytes: Uint8Array, start: number, end: number): number {
  let padding = 0;
  if (end > start && bytes[end - 1] === EQUALS) padding = end - 1 > start && bytes[end - 2] === EQUALS ? 2 : 1;
  return paddedBase64Bytes(end - start, padding);
}

/** The general scan of {@link scanAudioAppend}: any field order, whitespace between tokens. */
function scanAnyAppend(bytes: Uint8Array, appendType: string): number {
  let index = skipWhitespace(bytes, 0);
  if (bytes[index] !== OPEN_BRACE) return -1;
  index += 1;
  let sawType = false;
  let sawEventId = false;
  let audioBytes = -1;
  for (;;) {
    index = skipWhitespace(bytes, index);
    if (bytes[index] !== QUOTE) return -1;
    const keyStart = index + 1;
    const keyEnd = plainStringEnd(bytes, keyStart);
    if (keyEnd < 0) return -1;
    index = skipWhitespace(bytes, keyEnd + 1);
    if (bytes[index] !== COLON) return -1;
    index = skipWhitespace(bytes, index + 1);
    if (bytes[index] !== QUOTE) return -1;
    const valueStart = index + 1;
    if (spells(bytes, keyStart, keyEnd, 'audio')) {
      if (audioBytes >= 0) return -1;
      const valueEnd = audioStringEnd(bytes, valueStart);
      if (valueEnd < 0) return -1;
      audioBytes = audioBytesOf(bytes, valueStart, valueEnd);
      index = valueEnd + 1;
    } else if (spells(bytes, keyStart, keyEnd, 'type')) {
      if (sawType) return -1;
      const valueEnd = plainStringEnd(bytes, valueStart);
      if (valueEnd < 0 || !spells(bytes, valueStart, valueEnd, appendType)) return -1;
      sawType = true;
      index = valueEnd + 1;
    } else if (spells(bytes, keyStart, keyEnd, 'event_id')) {
      if (sawEventId) return -1;
      const valueEnd = plainStringEnd(bytes, valueStart);
      if (valueEnd < 0) return -1;
      sawEventId = true;
      index = valueEnd + 1;
    } else {
      return -1;
    }
    index = skipWhitespace(bytes, index);
    const separator = bytes[index];
    index += 1;
    if (separator === COMMA) continue;
    if (separator !== CLOSE_BRACE) return -1;
    break;
  }
  if (skipWhitespace(bytes, index) !== bytes.length) return -1;
  return sawType ? audioBytes : -1;
}

const TYPE_PREFIX = '{"type":"';
const TYPE_PREFIX_LENGTH = TYPE_PREFIX.length;
const MAX_TYPE_LENGTH = 96;

/** Server event types that make up most frames of a spoken turn. */
const FREQUENT_TYPES: readonly string[] = [
  'response.output_audio.delta',
  'response.output_audio_transcript.delta',
  'response.output_text.delta',
  'conversation.item.input_audio_transcription.delta',
];

/**
 * The event `type` of a frame that starts exactly with `{"type":"` (as the Realtime API and
 * `JSON.stringify` of a type-first object write them), read without parsing. `undefined`
 * when the frame starts otherwise or the type holds anything but printable ASCII: parse it.
 * The answer is only the first field's value; the frame may still be malformed further on.
 */
export function peekEventType(frame: RelayFrame): string | undefined {
  if (typeof frame === 'string') {
    if (!frame.startsWith(TYPE_PREFIX)) return undefined;
    const end = frame.indexOf('"', TYPE_PREFIX_LENGTH);
    if (end < 0 || end - TYPE_PREFIX_LENGTH > MAX_TYPE_LENGTH) return undefined;
    const type = frame.slice(TYPE_PREFIX_LENGTH, end);
    for (let index = 0; index < type.length; index += 1) if (PLAIN[type.charCodeAt(index)] !== 1) return undefined;
    return type;
  }
  if (frame.length <= TYPE_PREFIX_LENGTH) return undefined;
  for (let offset = 0; offset < TYPE_PREFIX_LENGTH; offset += 1) {
    if (frame[offset] !== TYPE_PREFIX.charCodeAt(offset)) return undefined;
  }
  // A frequent type is matched where its closing quote must be, without scanning for it first.
  for (const type of FREQUENT_TYPES) {
    const typeEnd = TYPE_PREFIX_LENGTH + type.length;
    if (frame[typeEnd] === QUOTE && spells(frame, TYPE_PREFIX_LENGTH, typeEnd, type)) return type;
  }
  const end = plainStringEnd(frame, TYPE_PREFIX_LENGTH);
  if (end < 0 || end - TYPE_PREFIX_LENGTH > MAX_TYPE_LENGTH) return undefined;
  return String.fromCharCode.apply(null, frame.subarray(TYPE_PREFIX_LENGTH, end) as unknown as number[]);
}

const DELTA_KEY = '"delta":"';
const DELTA_KEY_BYTES = encoder.encode(DELTA_KEY);

/** True when the bytes right before `end` spell `"delta":"` (so a string value starts at `end`). */
function deltaKeyEndsAt(frame: Uint8Array, end: number): boolean {
  const start = end - DELTA_KEY_BYTES.length;
  if (start < 0) return false;
  for (let offset = 0; offset < DELTA_KEY_BYTES.length; offset += 1) if (frame[start + offset] !== DELTA_KEY_BYTES[offset]) return false;
  return true;
}

/**
 * The length of the string whose closing quote is at `closing`, when it is the value of a
 * `"delta":"` key (one native `lastIndexOf` back to its opening quote); -1 otherwise.
 */
function deltaEndingAt(frame: Uint8Array, closing: number): number {
  if (closing <= 0) return -1;
  const opening = frame.lastIndexOf(QUOTE, closing - 1);
  return opening >= 0 && deltaKeyEndsAt(frame, opening + 1) ? closing - opening - 1 : -1;
}

/**
 * The length, in characters, of the `delta` string of an upstream delta event, found without
 * parsing. The API writes `delta` last (`...,"delta":"<base64>"}`): two native `lastIndexOf`
 * calls find it from the end. Otherwise `indexOf` hops from quote to quote to the `"delta":"`
 * key (which cannot occur inside a JSON string, where quotes are escaped), then to its closing
 * quote. Base64 holds no quote, so for an audio delta the answer is exact. -1 when the frame
 * holds no such key (the caller then counts the whole frame).
 */
export function deltaLength(frame: RelayFrame): number {
  if (typeof frame === 'string') {
    const at = frame.indexOf(DELTA_KEY);
    if (at < 0) return -1;
    const end = frame.indexOf('"', at + DELTA_KEY.length);
    return end < 0 ? -1 : end - at - DELTA_KEY.length;
  }
  const last = deltaEndingAt(frame, frame.lastIndexOf(QUOTE));
  if (last >= 0) return last;
  let quote = frame.indexOf(QUOTE, TYPE_PREFIX_LENGTH);
  while (quote >= 0) {
    const start = quote + DELTA_KEY_BYTES.length;
    if (deltaKeyEndsAt(frame, start)) {
      const end = frame.indexOf(QUOTE, start);
      return end < 0 ? -1 : end - start;
    }
    quote = frame.indexOf(QUOTE, quote + 1);
  }
  return -1;
}

const AUDIO_DELTA_PREFIX = ascii('{"type":"response.output_audio.delta",');

/**
 * The length, in characters, of the `delta` string of a `response.output_audio.delta` frame
 * as the API writes it, type first and `delta` last (`{"type":"response.output_audio.delta",
 * ...,"delta":"<base64>"}`): the bulk of a spoken reply, recognised from its two ends with one
 * native `lastIndexOf`. The same length {@link deltaLength} reads, for the same frame; -1 for
 * any other frame (and for text frames), which the caller then peeks at and charges the
 * general way. Like {@link peekEventType}, it vouches only for what it reads.
 */
export function audioDeltaLength(frame: RelayFrame): number {
  if (typeof frame === 'string') return -1;
  const length = frame.length;
  if (frame[length - 1] !== CLOSE_BRACE || frame[length - 2] !== QUOTE || !holdsAt(frame, 0, AUDIO_DELTA_PREFIX)) return -1;
  return deltaEndingAt(frame, length - 2);
}

/** Decoded bytes of `length` characters of canonical base64 (padding assumed absent: at most 2 bytes over). */
export function base64ByteLength(length: number): number {
  return Math.floor((length * 3) / 4);
}

const EVENT_ID_PATTERN = /"event_id"\s*:\s*"((?:[^"\\]|\\.){1,512})"/;
/** How far into a refused frame its `event_id` is looked for. */
const EVENT_ID_SEARCH_CHARS = 8192;

/**
 * The top-level `event_id` of a client frame the relay refuses, read without parsing it whole
 * (the frame may be too large, malformed or nested too deep to parse). Only for refusals: it
 * is never on the hot path. Undefined when none is found.
 */
export function scanEventId(frame: RelayFrame): string | undefined {
  const head = typeof frame === 'string' ? frame.slice(0, EVENT_ID_SEARCH_CHARS) : new TextDecoder().decode(frame.subarray(0, EVENT_ID_SEARCH_CHARS));
  const match = EVENT_ID_PATTERN.exec(head);
  if (match === null) return undefined;
  try {
    return JSON.parse(`"${match[1] as string}"`) as string;
  } catch {
    return undefined;
  }
}
