import { describe, expect, it } from 'vitest';
import { decodeWireAudio, encodeWireAudio, resamplePcm16 } from '../../../src/testing/mock/audio';

describe('mock audio helpers', () => {
  it('round-trips PCM16 and G.711 through the wire formats', () => {
    const pcm = Int16Array.from({ length: 160 }, (_, index) => Math.round(8000 * Math.sin(index / 5)));
    expect(decodeWireAudio(encodeWireAudio(pcm, { type: 'audio/pcm', rate: 24000 }), { type: 'audio/pcm' })).toEqual({ pcm, sampleRate: 24000 });
    for (const type of ['audio/pcmu', 'audio/pcma'] as const) {
      const decoded = decodeWireAudio(encodeWireAudio(pcm, { type }), { type });
      expect(decoded.sampleRate).toBe(8000);
      decoded.pcm.forEach((sample, index) => expect(Math.abs(sample - pcm[index]!)).toBeLessThan(400));
    }
  });

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
