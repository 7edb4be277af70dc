import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../../src/base/errors';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../../src/codec/g711';

/*
 * The ITU-T reference: ulaw_compress / ulaw_expand / alaw_compress / alaw_expand from the
 * G.191 Software Tools Library (g711.c), transcribed loop for loop. C `short` arithmetic is
 * reproduced with `<< 16 >> 16` where a value could leave the 16-bit range (it never does here,
 * but the transcription stays literal).
 */
const toShort = (value: number): number => (value << 16) >> 16;

function referenceUlawCompress(linear: number): number {
  let absno = linear < 0 ? (~linear >> 2) + 33 : (linear >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const highNibble = 0x0008 - segno;
  let lowNibble = (absno >> segno) & 0x000f;
  lowNibble = 0x000f - lowNibble;
  let log = (highNibble << 4) | lowNibble;
  if (linear >= 0) log = log | 0x0080;
  return log;
}

function referenceUlawExpand(log: number): number {
  const sign = log < 0x0080 ? -1 : 1;
  let mantissa = ~log;
  const exponent = (mantissa >> 4) & 0x0007;
  const segment = exponent + 1;
  mantissa = mantissa & 0x000f;
  const step = 4 << segment;
  return toShort(sign * ((0x0080 << exponent) + step * mantissa + step / 2 - 4 * 33));
}

function referenceAlawCompress(linear: number): number {
  let ix = linear < 0 ? ~linear >> 4 : linear >> 4;
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix -= 16;
    ix += iexp << 4;
  }
  if (linear >= 0) ix |= 0x0080;
  return ix ^ 0x0055;
}

function referenceAlawExpand(log: number): number {
  let ix = log ^ 0x0055;
  ix &= 0x007f;
  const iexp = ix >> 4;
  let mant = ix & 0x000f;
  if (iexp > 0) mant = mant + 16;
  mant = (mant << 4) + 0x0008;
  if (iexp > 1) mant = mant << (iexp - 1);
  return log > 127 ? mant : -mant;
}

const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('μ-law (audio/pcmu)', () => {
  it('encodes all 65536 inputs exactly as the G.191 reference', () => {
    const codes = encodeMulaw(ALL_SAMPLES);
    const mismatches: string[] = [];
    for (let i = 0; i < 65536; i++) {
      const expected = referenceUlawCompress(ALL_SAMPLES[i]!);
      if (codes[i] !== expected) mismatches.push(`${ALL_SAMPLES[i]} → ${codes[i]} (reference ${expected})`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('decodes all 256 codes exactly as the G.191 reference', () => {
    expect(Array.from(decodeMulaw(ALL_CODES))).toEqual(Array.from(ALL_CODES, referenceUlawExpand));
  });

  it('has the well-known anchor values', () => {
    expect(Array.from(encodeMulaw(new Int16Array([0, -1, 32767, -32768])))).toEqual([0xff, 0x7f, 0x80, 0x00]);
    expect(Array.from(decodeMulaw(new Uint8Array([0xff, 0x7f, 0x80, 0x00])))).toEqual([0, 0, 32124, -32124]);
  });

  it('is idempotent: decode(encode(decode(c))) = decode(c) for every code', () => {
    const decoded = decodeMulaw(ALL_CODES);
    expect(decodeMulaw(encodeMulaw(decoded))).toEqual(decoded);
  });

  it('keeps every sample within half a quantization step of its segment (after clipping at ±32124)', () => {
    const codes = encodeMulaw(ALL_SAMPLES);
    const roundTrip = decodeMulaw(codes);
    for (let i = 0; i < 65536; i++) {
      const exponent = (~codes[i]! >> 4) & 7;
      const halfStep = 4 << exponent; // μ-law steps are 8, 16, ..., 1024
      const clipped = Math.max(-32124, Math.min(32124, ALL_SAMPLES[i]!));
      // + 4: the reference drops the 2 low bits and uses the one's complement for negatives.
      expect(Math.abs(roundTrip[i]! - clipped)).toBeLessThanOrEqual(halfStep + 4);
    }
  });
});

describe('A-law (audio/pcma)', () => {
  it('encodes all 65536 inputs exactly as the G.191 reference', () => {
    const codes = encodeAlaw(ALL_SAMPLES);
    const mismatches: string[] = [];
    for (let i = 0; i < 65536; i++) {
      const expected = referenceAlawCompress(ALL_SAMPLES[i]!);
      if (codes[i] !== expected) mismatches.push(`${ALL_SAMPLES[i]} → ${codes[i]} (reference ${expected})`);
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('decodes all 256 codes exactly as the G.191 reference', () => {
    expect(Array.from(decodeAlaw(ALL_CODES))).toEqual(Array.from(ALL_CODES, referenceAlawExpand));
  });

  it('has the well-known anchor values', () => {
    expect(Array.from(encodeAlaw(new Int16Array([0, -1, 32767, -32768])))).toEqual([0xd5, 0x55, 0xaa, 0x2a]);
    expect(Array.from(decodeAlaw(new Uint8Array([0xd5, 0x55, 0xaa, 0x2a])))).toEqual([8, -8, 32256, -32256]);
  });

  it('is idempotent: decode(encode(decode(c))) = decode(c) for every code', () => {
    const decoded = decodeAlaw(ALL_CODES);
    expect(decodeAlaw(encodeAlaw(decoded))).toEqual(decoded);
  });

  it('keeps every sample within half a quantization step of its segment (after clipping at ±32256)', () => {
    const codes = encodeAlaw(ALL_SAMPLES);
    const roundTrip = decodeAlaw(codes);
    for (let i = 0; i < 65536; i++) {
      const exponent = ((codes[i]! ^ 0x55) >> 4) & 7;
      const halfStep = exponent <= 1 ? 8 : 8 << (exponent - 1); // A-law steps are 16, 16, 32, ..., 1024
      const clipped = Math.max(-32256, Math.min(32256, ALL_SAMPLES[i]!));
      // + 1: the reference uses the one's complement for negatives.
      expect(Math.abs(roundTrip[i]! - clipped)).toBeLessThanOrEqual(halfStep + 1);
    }
  });
});

describe('output buffers', () => {
  it('write into caller buffers, return views of longer ones and reject short ones', () => {
    const samples = new Int16Array([0, 1000, -1000]);
    const codes = new Uint8Array(3);
    expect(encodeMulaw(samples, codes)).toBe(codes);
    expect(decodeMulaw(codes, new Int16Array(5))).toHaveLength(3);
    const alaw = encodeAlaw(samples, new Uint8Array(4));
    expect(alaw).toHaveLength(3);
    expect(alaw.buffer.byteLength).toBe(4);
    for (const action of [
      () => encodeMulaw(samples, new Uint8Array(2)),
      () => encodeAlaw(samples, new Uint8Array(2)),
      () => decodeMulaw(codes, new Int16Array(2)),
      () => decodeAlaw(codes, new Int16Array(2)),
    ]) {
      let error: unknown;
      try {
        action();
      } catch (caught) {
        error = caught;
      }
      expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toMatch(/holds 2 samples but the input has 3/);
    }
  });
});
