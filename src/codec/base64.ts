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

import { RealtimeError } from '../base/errors';
import { asBytes, describe, IS_LITTLE_ENDIAN } from './bytes';

/** The slice of Node's `Buffer` this module uses. */
interface BufferView {
  toString(encoding: 'base64', start?: number): string;
  write(text: string, offset: number, length: number, encoding: 'base64'): number;
}
interface BufferConstructorLike {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): BufferView;
  /** Absent from some `Buffer` polyfills: the input then takes the portable decoder. */
  byteLength?(text: string): number;
}

type NativeToBase64 = (this: Uint8Array) => string;
type NativeFromBase64 = (this: typeof Uint8Array, text: string) => Uint8Array;

function runtimeBuffer(): BufferConstructorLike | undefined {
  const candidate = (globalThis as { Buffer?: unknown }).Buffer;
  return typeof candidate === 'function' && typeof (candidate as { from?: unknown }).from === 'function' ? (candidate as unknown as BufferConstructorLike) : undefined;
}

function invalidBase64(detail: string, cause: unknown): RealtimeError {
  return new RealtimeError(
    'VOXWIRE_INVALID_ARGUMENT',
    `decodeBase64: the input is not valid base64 (${detail}); expected the standard alphabet A-Z a-z 0-9 + / with optional = padding.`,
    { cause },
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
  const toBase64 = (Uint8Array.prototype as { toBase64?: NativeToBase64 }).toBase64;
  if (typeof toBase64 === 'function') return toBase64.call(view);
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
  const fromBase64 = (Uint8Array as { fromBase64?: NativeFromBase64 }).fromBase64;
  if (typeof fromBase64 === 'function') {
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
 * `Buffer` is lenient: it skips characters outside the alphabet (stopping at a misplaced `=`),
 * accepts the URL-safe alphabet, reads only the low byte of characters above U+00FF (so
 * `"QUJŁ"` would decode as if it were `"QUJB"`), and drops the bits after the last byte. The
 * decode is exact only for canonical input, the only form real traffic uses, and this proves
 * it without re-encoding the whole text (issue 19: that cost about as much as the decode): ASCII
 * only, neither `-` nor `_` (the only letters Buffer maps instead of skipping), every expected
 * byte written (a skipped character or an early `=` writes fewer), and a padded last group
 * that re-encodes to itself (no bits after the last byte).
 */
function decodeCanonicalWithBuffer(buffer: BufferConstructorLike, base64: string): Uint8Array | undefined {
  const length = base64.length;
  if (length % 4 !== 0) return undefined;
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  const byteLength = (length / 4) * 3 - padding;
  const bytes = new Uint8Array(byteLength);
  if (buffer.byteLength?.(base64) !== length || base64.includes('-') || base64.includes('_')) return undefined;
  const view = buffer.from(bytes.buffer, 0, byteLength);
  if (view.write(base64, 0, byteLength, 'base64') !== byteLength) return undefined;
  return padding === 0 || view.toString('base64', byteLength + padding - 3) === base64.slice(-4) ? bytes : undefined;
}

/**
 * The portable encoder, for runtimes with neither `Uint8Array.prototype.toBase64` nor
 * `Buffer` (older Safari and Firefox): `btoa` over a binary string built 32 KiB at a time,
 * so no call spreads a huge array onto the stack. Every main-thread runtime has `btoa`;
 * AudioWorklet scopes do not, and the worklets never need base64.
 *
 * @param bytes - The bytes to encode.
 * @returns The base64 text.
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when the runtime has no `btoa`.
 */
export function encodeBase64Fallback(bytes: Uint8Array): string {
  let binary = '';
  for (let offset = 0; offset < bytes.length; offset += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(offset, offset + 0x8000) as unknown as number[]);
  }
  return binaryCodec('btoa')(binary);
}

/**
 * The portable decoder: `atob`, whose forgiving-base64 grammar is the one `fromBase64`
 * applies by default (standard alphabet, optional padding, ASCII whitespace ignored). On
 * failure the message names the offending character and its index.
 *
 * @param base64 - The base64 text.
 * @returns The bytes, owning their whole buffer.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for invalid base64;
 *   `VOXWIRE_AUDIO_UNSUPPORTED` when the runtime has no `atob`.
 */
export function decodeBase64Fallback(base64: string): Uint8Array {
  const atob = binaryCodec('atob');
  let binary: string;
  try {
    binary = atob(base64);
  } catch (error) {
    throw invalidBase64(describeInvalid(base64), error);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function binaryCodec(name: 'atob' | 'btoa'): (text: string) => string {
  const codec = (globalThis as { atob?: (text: string) => string; btoa?: (text: string) => string })[name];
  if (typeof codec !== 'function') {
    throw new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', `base64 needs Uint8Array.fromBase64/toBase64, Buffer or ${name}; this runtime has none.`);
  }
  return codec;
}

/** Says why `atob` refused the text: the first character outside the grammar, or the padding. */
function describeInvalid(text: string): string {
  const bad = /[^A-Za-z0-9+/=\t\n\f\r ]/.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0);
    return `${JSON.stringify(bad[0])} (U+${code.toString(16).toUpperCase().padStart(4, '0')}) at index ${bad.index}`;
  }
  const early = /=(?=[\t\n\f\r =]*[^\t\n\f\r =])/.exec(text);
  if (early) return `"=" before the end at index ${early.index}`;
  const data = text.replace(/[\t\n\f\r =]/g, '').length;
  return `${data} data characters and ${text.split('=').length - 1} "=": base64 needs groups of 2, 3 or 4 characters, padded to a multiple of 4`;
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
 * import { AudioPlayer, base64ToPcm16 } from 'voxwire/audio';
 *
 * const player = new AudioPlayer();
 * client.on('response.output_audio.delta', (event) => {
 *   player.write({ samples: base64ToPcm16(event.delta), sampleRate: 24000, itemId: event.item_id, contentIndex: event.content_index });
 * });
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
