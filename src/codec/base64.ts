/**
 * Base64 (RFC 4648, standard alphabet) for audio on the wire: `input_audio_buffer.append`
 * and `response.output_audio.delta` carry PCM16 or G.711 bytes as base64 strings.
 *
 * Each call picks the fastest implementation present at that moment: the native
 * `Uint8Array.prototype.toBase64` / `Uint8Array.fromBase64` (Chromium, Firefox, Safari, Deno,
 * recent Node), else `Buffer` when the runtime has one (Node, Bun; looked up on `globalThis`,
 * never imported), else a portable table-driven implementation that works in chunks (no
 * spreading of huge arrays, no per-character string concatenation).
 *
 * Every path accepts the same input: the standard alphabet, padding optional, ASCII whitespace
 * ignored (as `Uint8Array.fromBase64` does). Anything else (the URL-safe alphabet, misplaced
 * `=`, a length that cannot be base64, non-ASCII characters) is rejected with
 * `VOXWIRE_INVALID_ARGUMENT`, never decoded into garbage.
 */

import { RealtimeError } from '../errors.js';
import { asBytes, describe, IS_LITTLE_ENDIAN } from './bytes.js';

/** The slice of Node's `Buffer` this module uses. */
interface BufferView {
  toString(encoding: 'base64'): string;
  write(text: string, offset: number, length: number, encoding: 'base64'): number;
}
interface BufferConstructorLike {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): BufferView;
}

type NativeToBase64 = (this: Uint8Array) => string;
type NativeFromBase64 = (this: typeof Uint8Array, text: string) => Uint8Array;

function nativeToBase64(): NativeToBase64 | undefined {
  const method = (Uint8Array.prototype as { toBase64?: unknown }).toBase64;
  return typeof method === 'function' ? (method as NativeToBase64) : undefined;
}

function nativeFromBase64(): NativeFromBase64 | undefined {
  const method = (Uint8Array as { fromBase64?: unknown }).fromBase64;
  return typeof method === 'function' ? (method as NativeFromBase64) : undefined;
}

function runtimeBuffer(): BufferConstructorLike | undefined {
  const candidate = (globalThis as { Buffer?: unknown }).Buffer;
  if (typeof candidate !== 'function') return undefined;
  return typeof (candidate as { from?: unknown }).from === 'function' ? (candidate as unknown as BufferConstructorLike) : undefined;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INVALID = 255;
const PAD = 61; // '='

let pairCodes: Uint16Array | undefined;
let pairStrings: string[] | undefined;
let decodeTable: Uint8Array | undefined;
let textDecoder: { decode(input: Uint8Array): string } | undefined;

/** The two base64 characters of every 12-bit value, as two ASCII bytes in memory order. */
function getPairCodes(): Uint16Array {
  if (pairCodes === undefined) {
    pairCodes = new Uint16Array(4096);
    for (let i = 0; i < 4096; i++) {
      const high = ALPHABET.charCodeAt(i >>> 6);
      const low = ALPHABET.charCodeAt(i & 63);
      pairCodes[i] = IS_LITTLE_ENDIAN ? high | (low << 8) : (high << 8) | low;
    }
  }
  return pairCodes;
}

/** The two base64 characters of every 12-bit value, as strings. */
function getPairStrings(): string[] {
  if (pairStrings === undefined) {
    pairStrings = new Array<string>(4096);
    for (let i = 0; i < 4096; i++) pairStrings[i] = ALPHABET.charAt(i >>> 6) + ALPHABET.charAt(i & 63);
  }
  return pairStrings;
}

function getDecodeTable(): Uint8Array {
  if (decodeTable === undefined) {
    decodeTable = new Uint8Array(128).fill(INVALID);
    for (let i = 0; i < 64; i++) decodeTable[ALPHABET.charCodeAt(i)] = i;
  }
  return decodeTable;
}

function invalidBase64(detail: string, cause?: unknown): RealtimeError {
  return new RealtimeError(
    'VOXWIRE_INVALID_ARGUMENT',
    `decodeBase64: the input is not valid base64 (${detail}); expected the standard alphabet A-Z a-z 0-9 + / with optional = padding.`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Encodes bytes as base64.
 *
 * @param bytes - The bytes; any `ArrayBufferView` (e.g. an `Int16Array`) is encoded as the
 *   bytes it views, in memory order.
 * @returns The base64 text, padded.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `bytes` is not a byte container.
 *
 * @example
 * ```ts
 * encodeBase64(new Uint8Array([104, 105])); // 'aGk='
 * ```
 */
export function encodeBase64(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): string {
  const view = asBytes(bytes, 'encodeBase64');
  const toBase64 = nativeToBase64();
  if (toBase64 !== undefined) return toBase64.call(view);
  const buffer = runtimeBuffer();
  if (buffer !== undefined) return buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
  return encodeBase64Fallback(view);
}

/**
 * Decodes base64 into a new `Uint8Array` that owns its whole `ArrayBuffer` (safe to transfer
 * to a worker or worklet).
 *
 * @param base64 - Standard-alphabet base64; padding optional, ASCII whitespace ignored.
 * @returns The decoded bytes.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `base64` is not a string or not
 *   valid base64.
 *
 * @example
 * ```ts
 * decodeBase64('aGk='); // Uint8Array [104, 105]
 * ```
 */
export function decodeBase64(base64: string): Uint8Array {
  if (typeof base64 !== 'string') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `decodeBase64 expects a string, got ${describe(base64)}.`);
  }
  const fromBase64 = nativeFromBase64();
  if (fromBase64 !== undefined) {
    try {
      return fromBase64.call(Uint8Array, base64);
    } catch (error) {
      throw invalidBase64(error instanceof Error ? error.message : String(error), error);
    }
  }
  const buffer = runtimeBuffer();
  if (buffer !== undefined) {
    const decoded = decodeCanonicalWithBuffer(buffer, base64);
    if (decoded !== undefined) return decoded;
  }
  return decodeBase64Fallback(base64);
}

/**
 * Decodes canonical (padded, whitespace-free) base64 with `Buffer`, or returns `undefined` so
 * the caller falls back to the strict portable decoder.
 *
 * `Buffer` is lenient: it skips characters outside the alphabet, accepts the URL-safe
 * alphabet, and reads only the low byte of characters above U+00FF, so `"QUJŁ"` would decode
 * as if it were `"QUJB"`. Re-encoding the result and comparing it with the input proves the
 * decode exact for the only form real traffic uses, at the cost of one native encode.
 */
function decodeCanonicalWithBuffer(buffer: BufferConstructorLike, base64: string): Uint8Array | undefined {
  const length = base64.length;
  if (length % 4 !== 0) return undefined;
  let padding = 0;
  if (length > 0 && base64.charCodeAt(length - 1) === PAD) padding = base64.charCodeAt(length - 2) === PAD ? 2 : 1;
  const byteLength = (length / 4) * 3 - padding;
  const bytes = new Uint8Array(byteLength);
  if (byteLength === 0) return length === 0 ? bytes : undefined;
  const view = buffer.from(bytes.buffer, 0, byteLength);
  const written = view.write(base64, 0, byteLength, 'base64');
  if (written !== byteLength || view.toString('base64') !== base64) return undefined;
  return bytes;
}

/**
 * Portable base64 encoder used when the runtime has neither native base64 nor `Buffer`.
 * Exported for tests, which must exercise it even where a faster path exists.
 *
 * It looks up 12 bits at a time in a table of character pairs. With `TextDecoder` (browsers,
 * workers, Deno) the pairs go into one `Uint16Array` decoded as ASCII in a single call;
 * without it (an AudioWorklet scope) the pair strings are concatenated, which engines build
 * as ropes, never as quadratic copies.
 *
 * @internal
 */
export function encodeBase64Fallback(bytes: Uint8Array): string {
  const length = bytes.length;
  const fullLength = length - (length % 3);
  const TextDecoderClass = (globalThis as { TextDecoder?: new () => { decode(input: Uint8Array): string } }).TextDecoder;
  let head: string;
  if (typeof TextDecoderClass === 'function') {
    const pairs = getPairCodes();
    const codes = new Uint16Array((fullLength / 3) * 2);
    let out = 0;
    for (let i = 0; i < fullLength; i += 3) {
      const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      codes[out] = pairs[triple >>> 12]!;
      codes[out + 1] = pairs[triple & 4095]!;
      out += 2;
    }
    textDecoder ??= new TextDecoderClass();
    head = textDecoder.decode(new Uint8Array(codes.buffer));
  } else {
    const pairs = getPairStrings();
    head = '';
    for (let i = 0; i < fullLength; i += 3) {
      const triple = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
      head += pairs[triple >>> 12]! + pairs[triple & 4095]!;
    }
  }
  const remaining = length - fullLength;
  if (remaining === 0) return head;
  const first = bytes[fullLength]!;
  const second = remaining === 2 ? bytes[fullLength + 1]! : 0;
  return (
    head +
    ALPHABET.charAt(first >>> 2) +
    ALPHABET.charAt(((first & 3) << 4) | (second >>> 4)) +
    (remaining === 2 ? ALPHABET.charAt((second & 15) << 2) : '=') +
    '='
  );
}

const WHITESPACE = /[\t\n\f\r ]+/g;

/**
 * Portable strict base64 decoder (the grammar of `Uint8Array.fromBase64` with its defaults).
 * Exported for tests, which must exercise it even where a faster path exists.
 *
 * @internal
 */
export function decodeBase64Fallback(base64: string): Uint8Array {
  const decoded = decodeStrict(base64);
  if (typeof decoded !== 'string') return decoded;
  const compact = base64.replace(WHITESPACE, '');
  if (compact.length === base64.length) throw invalidBase64(decoded);
  const retried = decodeStrict(compact);
  if (typeof retried !== 'string') return retried;
  throw invalidBase64(retried);
}

/** Decodes whitespace-free base64, or returns why it is invalid. */
function decodeStrict(text: string): Uint8Array | string {
  const table = getDecodeTable();
  const length = text.length;
  let padding = 0;
  if (length > 0 && text.charCodeAt(length - 1) === PAD) padding = length > 1 && text.charCodeAt(length - 2) === PAD ? 2 : 1;
  if (padding > 0 && length % 4 !== 0) return `${length} characters with "=" padding, not a multiple of 4`;
  const dataLength = length - padding;
  const tail = dataLength % 4;
  if (tail === 1) return `the last group holds a single character (${dataLength} data characters; base64 needs 2, 3 or 4 per group)`;
  const fullLength = dataLength - tail;
  const bytes = new Uint8Array((fullLength / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  let out = 0;
  for (let i = 0; i < fullLength; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) > 127) return badCharacter(text, i);
    const v0 = table[c0]!;
    const v1 = table[c1]!;
    const v2 = table[c2]!;
    const v3 = table[c3]!;
    if ((v0 | v1 | v2 | v3) > 63) return badCharacter(text, i);
    const triple = (v0 << 18) | (v1 << 12) | (v2 << 6) | v3;
    bytes[out] = triple >>> 16;
    bytes[out + 1] = (triple >>> 8) & 255;
    bytes[out + 2] = triple & 255;
    out += 3;
  }
  if (tail > 0) {
    const c0 = text.charCodeAt(fullLength);
    const c1 = text.charCodeAt(fullLength + 1);
    const c2 = tail === 3 ? text.charCodeAt(fullLength + 2) : 65; // 'A' stands in for absent
    if ((c0 | c1 | c2) > 127) return badCharacter(text, fullLength);
    const v0 = table[c0]!;
    const v1 = table[c1]!;
    const v2 = table[c2]!;
    if ((v0 | v1 | v2) > 63) return badCharacter(text, fullLength);
    bytes[out] = (v0 << 2) | (v1 >>> 4);
    if (tail === 3) bytes[out + 1] = ((v1 & 15) << 4) | (v2 >>> 2);
  }
  return bytes;
}

function badCharacter(text: string, from: number): string {
  const table = getDecodeTable();
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127 || table[code] === INVALID) {
      const shown = code === PAD ? '"=" before the end' : `${JSON.stringify(text.charAt(i))} (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
      return `${shown} at index ${i}`;
    }
  }
  return `a bad character after index ${from}`;
}

/**
 * Encodes PCM16 samples as base64 of their little-endian bytes (the `audio/pcm` wire form of
 * `input_audio_buffer.append`).
 *
 * @param samples - PCM16 samples (any view; offset and length are respected).
 * @returns The base64 text.
 *
 * @example
 * ```ts
 * client.send({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(floatToPcm16(chunk)) });
 * ```
 */
export function pcm16ToBase64(samples: Int16Array): string {
  if (!(samples instanceof Int16Array)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `pcm16ToBase64 expects an Int16Array, got ${describe(samples)}.`);
  }
  if (IS_LITTLE_ENDIAN) return encodeBase64(samples);
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(2 * i, samples[i]!, true);
  return encodeBase64(bytes);
}

/**
 * Decodes base64 of little-endian PCM16 bytes (`response.output_audio.delta`) into samples.
 * The result owns its whole `ArrayBuffer`, so it can be transferred to an AudioWorklet.
 *
 * @param base64 - The base64 text.
 * @returns The samples.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when the text is not valid base64 or
 *   decodes to an odd number of bytes (not whole 16-bit samples).
 *
 * @example
 * ```ts
 * player.enqueue(base64ToPcm16(event.delta));
 * ```
 */
export function base64ToPcm16(base64: string): Int16Array {
  const bytes = decodeBase64(base64);
  if (bytes.length % 2 !== 0) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `base64ToPcm16: the input decodes to ${bytes.length} bytes, not a whole number of 16-bit samples.`,
    );
  }
  if (IS_LITTLE_ENDIAN && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Int16Array(bytes.buffer, 0, bytes.length / 2);
  }
  const samples = new Int16Array(bytes.length / 2);
  if (IS_LITTLE_ENDIAN) {
    new Uint8Array(samples.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(2 * i, true);
  }
  return samples;
}
