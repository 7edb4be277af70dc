/**
 * G.711 μ-law and A-law (the GA Realtime formats `audio/pcmu` and `audio/pcma`: 8 kHz, one
 * byte per sample), table-driven and bit-exact with the ITU-T G.191 reference implementation
 * (`ulaw_compress` / `ulaw_expand` / `alaw_compress` / `alaw_expand` in the STL's g711.c).
 *
 * The reference encoders read only the top 14 bits (μ-law) or 13 bits (A-law) of a 16-bit
 * sample and take the one's complement of negative values, so each encoder is a lookup on the
 * shifted sample. Tables are built on first use (16 KiB + 4 KiB + 1 KiB), not at import.
 */

import { RealtimeError } from '../base/errors';

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 0x1fff;
const ALAW_TOGGLE = 0x55;
const SIGN_BIT = 0x80;

let mulawEncodeTable: Uint8Array | undefined;
let alawEncodeTable: Uint8Array | undefined;
let mulawDecodeTable: Int16Array | undefined;
let alawDecodeTable: Int16Array | undefined;

/** Number of significant bits of a non-negative integer (0 for 0). */
function bitLength(value: number): number {
  return 32 - Math.clz32(value);
}

/** Indexed by `(sample >> 2) & 0x3fff`: the μ-law code of every 14-bit value. */
function getMulawEncodeTable(): Uint8Array {
  if (mulawEncodeTable === undefined) {
    mulawEncodeTable = new Uint8Array(1 << 14);
    for (let index = 0; index < 1 << 14; index++) {
      const value = index >= 1 << 13 ? index - (1 << 14) : index; // sign-extend 14 bits
      // The reference adds 33 (the μ-law bias at this scale) to the magnitude, taking ~value
      // (not -value) for negatives, and clips to 13 bits.
      const magnitude = Math.min((value < 0 ? ~value : value) + 33, MULAW_CLIP);
      const segment = bitLength(magnitude >> 6) + 1;
      const code = ((8 - segment) << 4) | (15 - ((magnitude >> segment) & 15));
      mulawEncodeTable[index] = value >= 0 ? code | SIGN_BIT : code;
    }
  }
  return mulawEncodeTable;
}

/** Indexed by `(sample >> 4) & 0xfff`: the A-law code of every 12-bit value. */
function getAlawEncodeTable(): Uint8Array {
  if (alawEncodeTable === undefined) {
    alawEncodeTable = new Uint8Array(1 << 12);
    for (let index = 0; index < 1 << 12; index++) {
      const value = index >= 1 << 11 ? index - (1 << 12) : index; // sign-extend 12 bits
      const magnitude = value < 0 ? ~value : value;
      let code: number;
      if (magnitude < 16) {
        code = magnitude;
      } else {
        const exponent = bitLength(magnitude) - 4;
        code = (exponent << 4) | ((magnitude >> (exponent - 1)) - 16);
      }
      alawEncodeTable[index] = (value >= 0 ? code | SIGN_BIT : code) ^ ALAW_TOGGLE;
    }
  }
  return alawEncodeTable;
}

function getMulawDecodeTable(): Int16Array {
  if (mulawDecodeTable === undefined) {
    mulawDecodeTable = new Int16Array(256);
    for (let code = 0; code < 256; code++) {
      const inverted = ~code & 0xff;
      const exponent = (inverted >> 4) & 7;
      const magnitude = ((((inverted & 15) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
      mulawDecodeTable[code] = code & SIGN_BIT ? magnitude : -magnitude;
    }
  }
  return mulawDecodeTable;
}

function getAlawDecodeTable(): Int16Array {
  if (alawDecodeTable === undefined) {
    alawDecodeTable = new Int16Array(256);
    for (let code = 0; code < 256; code++) {
      const toggled = code ^ ALAW_TOGGLE;
      const exponent = (toggled >> 4) & 7;
      const mantissa = exponent > 0 ? (toggled & 15) + 16 : toggled & 15;
      const magnitude = ((mantissa << 4) + 8) << (exponent > 1 ? exponent - 1 : 0);
      alawDecodeTable[code] = code & SIGN_BIT ? magnitude : -magnitude;
    }
  }
  return alawDecodeTable;
}

function target<T extends Uint8Array | Int16Array>(
  name: string,
  length: number,
  output: T | undefined,
  create: (length: number) => T,
): T {
  if (output === undefined) return create(length);
  if (output.length < length) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${name}: the output buffer holds ${output.length} samples but the input has ${length}; pass a buffer at least as long (or none).`,
    );
  }
  return output.length === length ? output : (output.subarray(0, length) as T);
}

/**
 * Encodes PCM16 samples as G.711 μ-law (`audio/pcmu`), one byte per sample.
 *
 * @param samples - PCM16 samples (8 kHz for the Realtime API; resample first otherwise).
 * @param output - Optional buffer of at least `samples.length` bytes to write into.
 * @returns The μ-law bytes (`output`, a view of it, or a new array).
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `output` is too short.
 *
 * @example
 * ```ts
 * const payload = encodeBase64(encodeMulaw(pcm8k));
 * ```
 */
export function encodeMulaw(samples: Int16Array, output?: Uint8Array): Uint8Array {
  const table = getMulawEncodeTable();
  const length = samples.length;
  const codes = target('encodeMulaw', length, output, (n) => new Uint8Array(n));
  for (let i = 0; i < length; i++) codes[i] = table[(samples[i]! >> 2) & 0x3fff]!;
  return codes;
}

/**
 * Decodes G.711 μ-law bytes (`audio/pcmu`) to PCM16 samples (range ±32124).
 *
 * @param codes - μ-law bytes.
 * @param output - Optional buffer of at least `codes.length` samples to write into.
 * @returns The samples (`output`, a view of it, or a new array).
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `output` is too short.
 */
export function decodeMulaw(codes: Uint8Array, output?: Int16Array): Int16Array {
  const table = getMulawDecodeTable();
  const length = codes.length;
  const samples = target('decodeMulaw', length, output, (n) => new Int16Array(n));
  for (let i = 0; i < length; i++) samples[i] = table[codes[i]!]!;
  return samples;
}

/**
 * Encodes PCM16 samples as G.711 A-law (`audio/pcma`), one byte per sample.
 *
 * @param samples - PCM16 samples (8 kHz for the Realtime API; resample first otherwise).
 * @param output - Optional buffer of at least `samples.length` bytes to write into.
 * @returns The A-law bytes (`output`, a view of it, or a new array).
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `output` is too short.
 */
export function encodeAlaw(samples: Int16Array, output?: Uint8Array): Uint8Array {
  const table = getAlawEncodeTable();
  const length = samples.length;
  const codes = target('encodeAlaw', length, output, (n) => new Uint8Array(n));
  for (let i = 0; i < length; i++) codes[i] = table[(samples[i]! >> 4) & 0xfff]!;
  return codes;
}

/**
 * Decodes G.711 A-law bytes (`audio/pcma`) to PCM16 samples (range ±32256).
 *
 * @param codes - A-law bytes.
 * @param output - Optional buffer of at least `codes.length` samples to write into.
 * @returns The samples (`output`, a view of it, or a new array).
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `output` is too short.
 */
export function decodeAlaw(codes: Uint8Array, output?: Int16Array): Int16Array {
  const table = getAlawDecodeTable();
  const length = codes.length;
  const samples = target('decodeAlaw', length, output, (n) => new Int16Array(n));
  for (let i = 0; i < length; i++) samples[i] = table[codes[i]!]!;
  return samples;
}
