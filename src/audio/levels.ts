/** Audio levels for meters, as linear values and in dBFS. */

/** One level report of an input or output (about 30 per second). */
export interface AudioLevel {
  /** Root mean square over the report interval, 0..1 (1 = a full-scale square wave). */
  rms: number;
  /** Largest absolute sample over the interval, 0..1 (above 1 only when the signal clips). */
  peak: number;
  /** `rms` in dBFS, floored at {@link LEVEL_FLOOR_DB}. */
  rmsDb: number;
  /** `peak` in dBFS, floored at {@link LEVEL_FLOOR_DB}. */
  peakDb: number;
  /** AudioContext time in seconds at the end of the interval. */
  contextTime: number;
}

/** The lowest dBFS value a level reports (digital silence). */
export const LEVEL_FLOOR_DB = -100;

/** Converts a linear amplitude to dBFS, floored at {@link LEVEL_FLOOR_DB}. */
export function amplitudeToDb(amplitude: number): number {
  if (!(amplitude > 0)) return LEVEL_FLOOR_DB;
  return Math.max(LEVEL_FLOOR_DB, 20 * Math.log10(amplitude));
}

/** Builds an {@link AudioLevel} from a worklet's report. @internal */
export function toAudioLevel(rms: number, peak: number, contextTime: number): AudioLevel {
  return { rms, peak, rmsDb: amplitudeToDb(rms), peakDb: amplitudeToDb(peak), contextTime };
}
