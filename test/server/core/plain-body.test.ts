import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainBody, isPlainBodyJs, isPlainBodyWasm } from '../../../src/server/core/plain-body';

/** The definition, byte by byte. */
function reference(bytes: Uint8Array, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const byte = bytes[index] as number;
    if (byte < 0x20 || byte > 0x7f || byte === 0x22 || byte === 0x5c) return false;
  }
  return true;
}

describe('isPlainBody (the audio string check of the append fast path)', () => {
  it('runs in WebAssembly on Node, and in JavaScript for a frame larger than its memory', () => {
    const body = new TextEncoder().encode('x'.repeat(100));
    expect(isPlainBodyWasm(body, 0, body.length)).toBe(true);
    const large = new Uint8Array(65_537).fill(0x41);
    expect(isPlainBodyWasm(large, 0, large.length)).toBeUndefined();
    expect(isPlainBody(large, 0, large.length)).toBe(true);
    large[65_536] = 0x5c;
    expect(isPlainBody(large, 0, large.length)).toBe(false);
  });

  it('gives the same answer in both implementations, at every offset and length', () => {
    // The edges of the range and the two excluded characters, often; any byte now and then.
    const byte = fc.oneof(fc.constantFrom(0x00, 0x1f, 0x20, 0x21, 0x22, 0x41, 0x5c, 0x7e, 0x7f, 0x80, 0xff, 0x2b, 0x2f, 0x3d), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 90 }), fc.nat(7), fc.nat(7), fc.nat(7), (body, before, after, offset) => {
        // The body inside a larger buffer, at an offset into its ArrayBuffer, as a socket read gives it.
        const buffer = new Uint8Array(offset + before + body.length + after).fill(0x5c);
        buffer.set(body, offset + before);
        const bytes = buffer.subarray(offset);
        const start = before;
        const end = before + body.length;
        const expected = reference(bytes, start, end);
        expect(isPlainBodyJs(bytes, start, end)).toBe(expected);
        expect(isPlainBodyWasm(bytes, start, end)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('finds one bad byte anywhere in a chunk-sized body', () => {
    const body = new TextEncoder().encode('QUJD'.repeat(320));
    for (const bad of [0x00, 0x1f, 0x22, 0x5c, 0x80, 0xff]) {
      for (const at of [0, 1, 15, 16, 17, 640, 1263, 1264, 1279]) {
        const copy = body.slice();
        copy[at] = bad;
        expect(isPlainBodyWasm(copy, 0, copy.length), `${bad} at ${at}`).toBe(false);
        expect(isPlainBodyJs(copy, 0, copy.length), `${bad} at ${at}`).toBe(false);
      }
    }
    expect(isPlainBodyWasm(body, 0, body.length)).toBe(true);
  });
});
