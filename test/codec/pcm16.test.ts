import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../../src/base/errors';
import { floatToPcm16, pcm16ToFloat } from '../../src/codec/pcm16';

describe('floatToPcm16', () => {
  it('scales by 32768, rounds to nearest and clamps to the int16 range', () => {
    const input = new Float32Array([
      0,
      -0,
      0.5,
      -0.5,
      1,
      -1,
      1.5,
      -1.5,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      32767 / 32768,
      -32767 / 32768,
      1 / 32768,
      0.4 / 32768,
      0.6 / 32768,
      -0.6 / 32768,
      100.25 / 32768,
    ]);
    const expected = [0, 0, 16384, -16384, 32767, -32768, 32767, -32768, 32767, -32768, 32767, -32767, 1, 0, 1, -1, 100];
    expect(Array.from(floatToPcm16(input))).toEqual(expected);
  });

  it('rounds exactly like Math.round for every float32 input, including halves', () => {
    const input = new Float32Array(200_000);
    let seed = 99;
    for (let i = 0; i < input.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      // Alternate random values in [-1.05, 1.05) and exact half-steps k/32768 + 0.5/32768.
      input[i] = i % 2 === 0 ? (seed / 2 ** 32) * 2.1 - 1.05 : ((seed % 65536) - 32768 + 0.5) / 32768;
    }
    const output = floatToPcm16(input);
    for (let i = 0; i < input.length; i++) {
      const expected = Math.max(-32768, Math.min(32767, Math.round(input[i]! * 32768)));
      if (output[i] !== expected) expect(`${input[i]} → ${output[i]}`).toBe(`${input[i]} → ${expected}`);
    }
  });

  it('maps NaN to 0', () => {
    expect(Array.from(floatToPcm16(new Float32Array([Number.NaN, 0.25, Number.NaN])))).toEqual([0, 8192, 0]);
  });

  it('writes into a caller buffer of exactly the right length and returns that buffer', () => {
    const output = new Int16Array(3);
    const result = floatToPcm16(new Float32Array([0.25, -0.25, 0]), output);
    expect(result).toBe(output);
    expect(Array.from(output)).toEqual([8192, -8192, 0]);
  });

  it('returns a view of the first input.length samples of a longer caller buffer', () => {
    const output = new Int16Array(5).fill(7);
    const result = floatToPcm16(new Float32Array([0.5, -0.5]), output);
    expect(result.buffer).toBe(output.buffer);
    expect(Array.from(result)).toEqual([16384, -16384]);
    expect(Array.from(output)).toEqual([16384, -16384, 7, 7, 7]);
  });

  it('rejects a caller buffer shorter than the input', () => {
    let error: unknown;
    try {
      floatToPcm16(new Float32Array(4), new Int16Array(3));
    } catch (caught) {
      error = caught;
    }
    expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/holds 3 samples but the input has 4/);
  });

  it('handles empty input', () => {
    expect(floatToPcm16(new Float32Array(0))).toHaveLength(0);
  });
});

describe('pcm16ToFloat', () => {
  it('divides by 32768', () => {
    expect(Array.from(pcm16ToFloat(new Int16Array([-32768, -16384, 0, 16384, 32767])))).toEqual([
      -1,
      -0.5,
      0,
      0.5,
      32767 / 32768,
    ]);
  });

  it('round-trips every int16 value exactly through float', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    const back = floatToPcm16(pcm16ToFloat(all));
    expect(back).toEqual(all);
  });

  it('quantizes float → int16 → float with an error of at most half a step', () => {
    const input = new Float32Array(10000);
    let seed = 12345;
    for (let i = 0; i < input.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      input[i] = (seed / 2 ** 32) * 2 - 1; // [-1, 1)
    }
    const back = pcm16ToFloat(floatToPcm16(input));
    let maxError = 0;
    for (let i = 0; i < input.length; i++) maxError = Math.max(maxError, Math.abs(back[i]! - input[i]!));
    expect(maxError).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
    expect(maxError).toBeGreaterThan(0);
  });

  it('writes into a caller buffer and rejects a short one', () => {
    const output = new Float32Array(2);
    expect(pcm16ToFloat(new Int16Array([16384, -8192]), output)).toBe(output);
    expect(Array.from(output)).toEqual([0.5, -0.25]);
    expect(() => pcm16ToFloat(new Int16Array(3), new Float32Array(2))).toThrow(/holds 2 samples but the input has 3/);
  });
});
