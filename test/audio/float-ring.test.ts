import { describe, expect, it } from 'vitest';
import { FloatRing } from '../../src/audio/worklets/float-ring';

describe('FloatRing', () => {
  it('is first in, first out across wrap-around and growth', () => {
    const ring = new FloatRing(16);
    const expected: number[] = [];
    let next = 0;
    for (let round = 0; round < 50; round++) {
      const count = (round * 7) % 23;
      const block = Float32Array.from({ length: count }, () => next++);
      ring.push(block);
      expected.push(...block);
      const take = (round * 5) % 17;
      for (let i = 0; i < take && expected.length > 0; i++) expect(ring.shift()).toBe(expected.shift());
      expect(ring.size).toBe(expected.length);
    }
    while (expected.length > 0) expect(ring.shift()).toBe(expected.shift());
    expect(ring.shift()).toBe(0);
    expect(ring.size).toBe(0);
  });

  it('clears', () => {
    const ring = new FloatRing(16);
    ring.push(new Float32Array([1, 2, 3]));
    ring.clear();
    expect(ring.size).toBe(0);
    ring.push(new Float32Array([4]));
    expect(ring.shift()).toBe(4);
  });
});
