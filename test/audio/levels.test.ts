import { describe, expect, it } from 'vitest';
import { amplitudeToDb, LEVEL_FLOOR_DB, toAudioLevel } from '../../src/audio/levels';

describe('levels', () => {
  it('converts amplitudes to dBFS with a floor', () => {
    expect(amplitudeToDb(1)).toBe(0);
    expect(amplitudeToDb(0.5)).toBeCloseTo(-6.0206, 4);
    expect(amplitudeToDb(0)).toBe(LEVEL_FLOOR_DB);
    expect(amplitudeToDb(1e-9)).toBe(LEVEL_FLOOR_DB);
    expect(amplitudeToDb(Number.NaN)).toBe(LEVEL_FLOOR_DB);
  });

  it('builds a level report', () => {
    expect(toAudioLevel(0.1, 0.5, 2)).toEqual({ rms: 0.1, peak: 0.5, rmsDb: -20, peakDb: amplitudeToDb(0.5), contextTime: 2 });
  });
});
