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

  it('pairs the markers two points saw, when either missed some', () => {
    // Markers 500 ms apart; positions in seconds in each side's own stream.
    const seen = (positions: number[], at: number[]) => positions.map((position, index) => ({ position, at: at[index]! }));
    const sent = seen([1, 1.5, 2, 2.5], [1000, 1500, 2000, 2500]);
    expect(pairLatencies(sent, seen([0.2, 0.7, 1.2, 1.7], [1020, 1530, 2010, 2540]), 500)).toEqual([20, 30, 10, 40]);
    // The later point missed the first marker.
    expect(pairLatencies(sent, seen([0.7, 1.2, 1.7], [1530, 2010, 2540]), 500)).toEqual([30, 10, 40]);
    // The earlier point missed the first marker.
    expect(pairLatencies(sent.slice(1), seen([0.2, 0.7, 1.2, 1.7], [1020, 1530, 2010, 2540]), 500)).toEqual([30, 10, 40]);
    // The later point lost the second marker (and its stream the 170 ms buffer that held it): no pair slips.
    expect(pairLatencies(sent, seen([0.2, 1.03, 1.53], [1020, 2010, 2540]), 500)).toEqual([20, 10, 40]);
    expect(pairLatencies(sent, [], 500)).toEqual([]);
    expect(pairLatencies(seen([0], [2000]), seen([0], [1000]), 500)).toEqual([]);
    // One pair a little negative (clock alignment): within the tolerance the right shift still wins.
    expect(pairLatencies(sent, seen([0, 0.5, 1], [1020, 1499, 2010]), 500, 2)).toEqual([20, -1, 10]);
    // Without it, the pairing slips by a marker.
    expect(pairLatencies(sent, seen([0, 0.5, 1], [1020, 1499, 2010]), 500)).toEqual([499, 510]);
  });

  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 20 }, (_, index) => 20 - index);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile([], 50)).toBeNaN();
  });
});
