import { describe, expect, it } from 'vitest';
import { InputAudioBuffer } from '../../../src/testing/mock/input-audio-buffer';

function ramp(length: number, start = 0): Int16Array {
  return Int16Array.from({ length }, (_, index) => (start + index) % 30000);
}

describe('InputAudioBuffer', () => {
  it('keeps the session audio clock across takes and clears', () => {
    const buffer = new InputAudioBuffer(60_000);
    buffer.append(ramp(2400), 24000);
    buffer.append(ramp(2400, 2400), 24000);
    expect(buffer.clockMs).toBe(200);
    const middle = buffer.take(50, 150);
    expect(middle).toEqual(ramp(2400, 1200));
    expect(buffer.startMs).toBe(150);
    expect(buffer.bufferedMs).toBe(50);
    buffer.clear();
    expect(buffer.bufferedMs).toBe(0);
    expect(buffer.clockMs).toBe(200);
    expect(buffer.startMs).toBe(200);
  });

  it('takes everything, clamps ranges to what is buffered', () => {
    const buffer = new InputAudioBuffer(60_000);
    buffer.append(ramp(480), 24000);
    expect(buffer.take(-100, 1000)).toEqual(ramp(480));
    expect(buffer.takeAll()).toEqual(new Int16Array(0));
  });

  it('restarts on a new sample rate without losing the clock', () => {
    const buffer = new InputAudioBuffer(60_000);
    buffer.append(ramp(2400), 24000);
    buffer.append(ramp(800), 8000);
    expect(buffer.clockMs).toBe(200);
    expect(buffer.startMs).toBe(100);
    expect(buffer.sampleRate).toBe(8000);
    expect(buffer.takeAll()).toEqual(ramp(800));
  });

  it('forgets the oldest audio beyond its bound', () => {
    const buffer = new InputAudioBuffer(100);
    for (let i = 0; i < 50; i++) buffer.append(ramp(480), 24000);
    expect(buffer.bufferedMs).toBeLessThanOrEqual(100);
    expect(buffer.clockMs).toBe(1000);
    expect(buffer.startMs).toBeGreaterThanOrEqual(900);
  });
});
