import { describe, expect, it } from 'vitest';
import { resamplePcm16 } from '../../../src/testing/mock/audio';

describe('mock audio helpers', () => {
  it('resamples down by averaging and up by interpolation, keeping duration', () => {
    const pcm = Int16Array.from({ length: 24000 }, (_, index) => (index % 3) * 300);
    const down = resamplePcm16(pcm, 24000, 8000);
    expect(down.length).toBe(8000);
    expect(down.every((sample) => sample === 300)).toBe(true);
    const up = resamplePcm16(Int16Array.from([0, 300]), 8000, 24000);
    expect(Array.from(up)).toEqual([0, 100, 200, 300, 300, 300]);
    expect(resamplePcm16(pcm, 24000, 24000)).toBe(pcm);
  });
});
