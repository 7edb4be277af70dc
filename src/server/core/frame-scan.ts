/**
 * Cheap looks at a frame without `JSON.parse`, for the two kinds of frame that make up almost
 * all relay traffic: `input_audio_buffer.append` from the client and audio/transcript deltas
 * from the upstream. Both functions only ever answer "certainly" or "not decided here"; on
 * "not decided" the relay parses the frame fully, so an odd but valid frame is never lost.
 */
import type { RelayFrame } from './socket';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const EQUALS = 0x3d;

/** 1 for the 64 characters of standard base64, 0 for every other byte. */
const BASE64 = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64[char.charCodeAt(0)] = 1;

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

/** Index of the closing quote of a canonical (padded) base64 string body, or -1. */
function base64End(bytes: Uint8Array, start: number): number {
  let index = start;
  // Four at a time: this loop is most of the cost of the fast path.
  const last = bytes.length - 4;
  while (index <= last && (BASE64[bytes[index] as number]! & BASE64[bytes[index + 1] as number]! & BASE64[bytes[index + 2] as number]! & BASE64[bytes[index + 3] as number]!) === 1) index += 4;
  while (index < bytes.length && BASE64[bytes[index] as number] === 1) index += 1;
  if (bytes[index] === EQUALS) index += 1;
  if (bytes[index] === EQUALS) index += 1;
  if (bytes[index] !== QUOTE || (index - start) % 4 !== 0) return -1;
  return index;
}

const APPEND_TYPE = 'input_audio_buffer.append';

/**
 * The fast path for `input_audio_buffer.append`. Answers the decoded audio byte count when
 * `frame` is certainly a valid append: one JSON object whose only fields are `type` (exactly
 * `input_audio_buffer.append`), `audio` (canonical padded base64) and optionally `event_id`
 * (printable ASCII), in any order, each once. Anything else (another type, escapes,
 * non-ASCII, an extra field, unpadded base64) answers -1: the caller runs the full parse.
 *
 * The frame is read, never copied or decoded (a text frame is encoded into a scratch buffer),
 * so the relay forwards its original bytes. `appendType` names another protocol's append
 * (GPT-Live's `session.input_audio.append`, which has the same shape).
 */
export function scanAudioAppend(frame: RelayFrame, appendType: string = APPEND_TYPE): number {
  const bytes = typeof frame === 'string' ? bytesOf(frame) : frame;
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
      const valueEnd = base64End(bytes, valueStart);
      if (valueEnd < 0) return -1;
      let padding = 0;
      if (valueEnd > valueStart && bytes[valueEnd - 1] === EQUALS) padding += 1;
      if (valueEnd - 1 > valueStart && bytes[valueEnd - 2] === EQUALS) padding += 1;
      audioBytes = ((valueEnd - valueStart) / 4) * 3 - padding;
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
  const end = plainStringEnd(frame, TYPE_PREFIX_LENGTH);
  if (end < 0 || end - TYPE_PREFIX_LENGTH > MAX_TYPE_LENGTH) return undefined;
  // The frequent types are answered with a constant: no string is made per frame.
  for (const type of FREQUENT_TYPES) if (spells(frame, TYPE_PREFIX_LENGTH, end, type)) return type;
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
  const closing = frame.lastIndexOf(QUOTE);
  if (closing > 0) {
    const opening = frame.lastIndexOf(QUOTE, closing - 1);
    if (opening >= 0 && deltaKeyEndsAt(frame, opening + 1)) return closing - opening - 1;
  }
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
