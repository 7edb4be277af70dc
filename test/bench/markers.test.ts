import { describe, expect, it } from 'vitest';
import { OnsetDetector, markerStart, markerTrain, pairLatencies, percentile, type MarkerTrainOptions } from '../../bench/audio/markers';
import { floatToPcm16 } from '../../src/codec/pcm16';

const train: MarkerTrainOptions = { sampleRate: 24000, count: 5, leadMs: 500, periodMs: 300, burstMs: 10, tailMs: 100 };

describe('latency bench markers', () => {
  it('finds every marker of a train at its first sample, fed in any block size', () => {
    const signal = markerTrain(train);
    const expected = Array.from({ length: train.count }, (_, index) => markerStart(train, index));
    expect(expected[1]).toBe(12000 + 7200);
    for (const block of [1, 128, 480, 4096, signal.length]) {
      const detector = new OnsetDetector({ threshold: 0.1, minQuietSamples: 2400 });
      const found: number[] = [];
      for (let offset = 0; offset < signal.length; offset += block) found.push(...detector.push(signal.subarray(offset, offset + block)));
      expect(found).toEqual(expected);
      expect(detector.position).toBe(signal.length);
    }
  });

  it('reads PCM16 with a scale, and ignores a stream that starts loud or bursts closer than the quiet gap', () => {
    const pcm = floatToPcm16(markerTrain(train));
    expect(new OnsetDetector({ threshold: 0.1, minQuietSamples: 2400 }).push(pcm, 1 / 32768)).toHaveLength(train.count);
    const loud = new Float32Array(100).fill(0.5);
    expect(new OnsetDetector({ threshold: 0.1, minQuietSamples: 10 }).push(loud)).toEqual([]);
    const close = Float32Array.from([0, 0, 0, 0.5, 0, 0, 0.5, 0, 0, 0, 0, 0.5]);
    expect(new OnsetDetector({ threshold: 0.1, minQuietSamples: 3 }).push(close)).toEqual([3, 11]);
  });

  it('pairs the markers two points saw, when either missed the first ones', () => {
    const sent = [1000, 1500, 2000, 2500];
    expect(pairLatencies(sent, [1020, 1530, 2010, 2540])).toEqual([20, 30, 10, 40]);
    // The later point missed the first marker.
    expect(pairLatencies(sent, [1530, 2010, 2540])).toEqual([30, 10, 40]);
    // The earlier point missed the first marker.
    expect(pairLatencies(sent.slice(1), [1020, 1530, 2010, 2540])).toEqual([30, 10, 40]);
    expect(pairLatencies(sent, [])).toEqual([]);
    expect(pairLatencies([2000], [1000])).toEqual([]);
    // One pair a little negative (clock alignment): within the tolerance the right shift still wins.
    expect(pairLatencies(sent, [1020, 1499, 2010], 2)).toEqual([20, -1, 10]);
    // Without it, the pairing slips by a marker.
    expect(pairLatencies(sent, [1020, 1499, 2010])).toEqual([499, 510]);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 20 }, (_, index) => 20 - index);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([], 50)).toBeNaN();
  });
});
