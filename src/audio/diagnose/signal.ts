/**
 * The analysis behind `checkAudio()`, pure and DOM-free (so it is tested in Node with
 * synthetic signals): is a microphone recording silent or stuck at one value, and where (and
 * how loud) does a played probe come back in a recording.
 */

import {
  CONSTANT_MICROPHONE_AC_RMS,
  ECHO_DETECTION_CORRELATION,
  ECHO_ERL_DUCKING_DB,
  ECHO_ERL_NO_MITIGATION_DB,
  MAX_REPORTED_ERL_DB,
  SILENT_MICROPHONE_PEAK,
} from '../defaults';

/** What a stretch of microphone audio looked like. */
export interface InputSignalStats {
  /** Samples analysed. */
  samples: number;
  /** Largest absolute sample, 0..1. */
  peak: number;
  /** Root mean square, 0..1. */
  rms: number;
  /** The mean (DC offset), -1..1. */
  dcOffset: number;
  /** Root mean square around the mean: what varies. Near 0 for a stuck input. */
  acRms: number;
  /** Digital silence: no sample above about -80 dBFS. */
  silent: boolean;
  /** Not silent, but every sample (nearly) the same value: a stuck driver or a DC-only signal. */
  constant: boolean;
}

/**
 * Measures a microphone recording: peak, RMS, DC offset and whether it is silent or constant.
 *
 * @example
 * ```ts
 * import { analyzeInputSignal } from 'voxwire/audio';
 *
 * const stats = analyzeInputSignal(new Float32Array(2400).fill(0.5));
 * stats.constant; // true
 * ```
 */
export function analyzeInputSignal(samples: Float32Array): InputSignalStats {
  let peak = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const sample of samples) {
    const magnitude = Math.abs(sample);
    if (magnitude > peak) peak = magnitude;
    sum += sample;
    sumSquares += sample * sample;
  }
  const count = samples.length;
  const dcOffset = count === 0 ? 0 : sum / count;
  const rms = count === 0 ? 0 : Math.sqrt(sumSquares / count);
  let deviation = 0;
  for (const sample of samples) deviation += (sample - dcOffset) ** 2;
  const acRms = count === 0 ? 0 : Math.sqrt(deviation / count);
  const silent = peak < SILENT_MICROPHONE_PEAK;
  return { samples: count, peak, rms, dcOffset, acRms, silent, constant: !silent && acRms < CONSTANT_MICROPHONE_AC_RMS };
}

/**
 * The echo probe: a linear chirp from 300 Hz to 3 kHz (the speech band every microphone path
 * keeps, with a sharp autocorrelation so its delay is found to the sample), faded in and out
 * over 10 ms so it does not click.
 *
 * @param sampleRate - Samples per second.
 * @param durationMs - Its length. @default 400
 * @param amplitude - Its peak, 0..1. @default 0.25 (-12 dBFS)
 */
export function createEchoProbe(sampleRate: number, durationMs = 400, amplitude = 0.25): Float32Array {
  const length = Math.round((sampleRate * durationMs) / 1000);
  const probe = new Float32Array(length);
  const fromHz = 300;
  const toHz = 3000;
  const seconds = length / sampleRate;
  const fade = Math.max(1, Math.round(sampleRate * 0.01));
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    const phase = 2 * Math.PI * (fromHz * t + ((toHz - fromHz) * t * t) / (2 * seconds));
    const edge = Math.min(1, i / fade, (length - 1 - i) / fade);
    const envelope = 0.5 - 0.5 * Math.cos(Math.PI * Math.max(0, edge));
    probe[i] = amplitude * envelope * Math.sin(phase);
  }
  return probe;
}

/** Where a probe was found in a recording. */
export interface EchoMeasurement {
  /** True when the probe was found (normalised correlation at or above the detection threshold). */
  detected: boolean;
  /** The normalised correlation at the best delay, 0..1. */
  correlation: number;
  /** The delay from the probe's start to its echo in the recording, in samples. */
  delaySamples: number;
  /**
   * Echo return loss in dB: how much weaker the probe is in the recording than when played
   * (0 dB: as loud; 20 dB: a tenth of the amplitude). When the probe was not detected, the
   * lowest ERL the recording allows (the echo is at least this weak), capped at 100.
   */
  erlDb: number;
}

/** Options of {@link measureEcho}. */
export interface MeasureEchoOptions {
  /** The longest delay to search, in samples. */
  maxDelaySamples: number;
  /**
   * Coarse search step: the signals are averaged over this many samples first, then the best
   * coarse delay is refined sample by sample.
   * @default 3
   */
  decimation?: number;
}

function boxDecimate(signal: Float32Array, factor: number): Float32Array {
  const out = new Float32Array(Math.floor(signal.length / factor));
  for (let i = 0; i < out.length; i++) {
    let sum = 0;
    for (let j = 0; j < factor; j++) sum += signal[i * factor + j]!;
    out[i] = sum / factor;
  }
  return out;
}

function energy(signal: Float32Array, from = 0, to = signal.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += signal[i]! * signal[i]!;
  return sum;
}

/** Cross-correlation of `probe` with `recording` at `delay` (probe[i] against recording[i + delay]). */
function dotAt(probe: Float32Array, recording: Float32Array, delay: number): number {
  const end = Math.min(probe.length, recording.length - delay);
  let sum = 0;
  for (let i = 0; i < end; i++) sum += probe[i]! * recording[i + delay]!;
  return sum;
}

/** The delay in [from, to] with the largest normalised correlation, and that correlation. */
function bestDelay(probe: Float32Array, recording: Float32Array, from: number, to: number): { delay: number; correlation: number; windowEnergy: number } {
  const probeEnergy = energy(probe);
  let best = { delay: from, correlation: 0, windowEnergy: 0 };
  // A sliding window energy of the recording under the probe.
  let windowEnergy = energy(recording, from, Math.min(recording.length, from + probe.length));
  for (let delay = from; delay <= to && delay < recording.length; delay++) {
    if (delay > from) {
      const leaving = recording[delay - 1]!;
      const entering = delay + probe.length - 1 < recording.length ? recording[delay + probe.length - 1]! : 0;
      windowEnergy += entering * entering - leaving * leaving;
    }
    if (windowEnergy > 0 && probeEnergy > 0) {
      const correlation = Math.abs(dotAt(probe, recording, delay)) / Math.sqrt(probeEnergy * windowEnergy);
      if (correlation > best.correlation) best = { delay, correlation, windowEnergy };
    }
  }
  return best;
}

/**
 * Finds `probe` in `recording` by normalised cross-correlation and measures the echo return
 * loss at the best delay (the least-squares gain of the probe in the recording).
 *
 * @example
 * ```ts
 * import { createEchoProbe, measureEcho } from 'voxwire/audio';
 *
 * const probe = createEchoProbe(24000);
 * const recording = new Float32Array(probe.length + 2400);
 * probe.forEach((sample, i) => (recording[i + 1200] = sample * 0.1));
 * measureEcho(probe, recording, { maxDelaySamples: 2400 }); // { detected: true, delaySamples: 1200, erlDb: 20, ... }
 * ```
 */
export function measureEcho(probe: Float32Array, recording: Float32Array, options: MeasureEchoOptions): EchoMeasurement {
  const factor = Math.max(1, Math.floor(options.decimation ?? 3));
  const maxDelay = Math.max(0, Math.min(options.maxDelaySamples, recording.length - 1));
  const coarse = bestDelay(boxDecimate(probe, factor), boxDecimate(recording, factor), 0, Math.floor(maxDelay / factor));
  const fine = bestDelay(probe, recording, Math.max(0, coarse.delay * factor - factor), Math.min(maxDelay, coarse.delay * factor + factor));
  const probeEnergy = energy(probe);
  const detected = fine.correlation >= ECHO_DETECTION_CORRELATION;
  let erlDb: number;
  if (detected) {
    const gain = Math.abs(dotAt(probe, recording, fine.delay)) / probeEnergy;
    erlDb = -20 * Math.log10(gain);
  } else {
    // Not found: whatever echo there is stays under the detection threshold in the loudest
    // window, so its gain is at most threshold * sqrt(windowEnergy / probeEnergy).
    let loudest = 0;
    for (let start = 0; start <= maxDelay; start += probe.length) loudest = Math.max(loudest, energy(recording, start, Math.min(recording.length, start + probe.length)));
    const bound = loudest === 0 || probeEnergy === 0 ? 0 : ECHO_DETECTION_CORRELATION * Math.sqrt(loudest / probeEnergy);
    erlDb = bound === 0 ? MAX_REPORTED_ERL_DB : -20 * Math.log10(bound);
  }
  return { detected, correlation: fine.correlation, delaySamples: fine.delay, erlDb: Math.min(MAX_REPORTED_ERL_DB, erlDb) };
}

/**
 * What to do about echo: `'none'` (headphones, or the echo is too weak to matter),
 * `'loopback'` (`AudioPlayer`'s `echoMitigation: 'loopback'`, so the browser's canceller hears
 * the assistant), or `'loopback-and-ducking'` (also `MicrophoneCapture`'s `duckDuring`: the
 * echo is so strong the canceller alone may let the assistant interrupt itself).
 */
export type EchoRecommendation = 'none' | 'loopback' | 'loopback-and-ducking';

/** Recommends an echo mode from a measurement (thresholds in src/audio/defaults.ts). */
export function recommendEchoMitigation(measurement: EchoMeasurement): EchoRecommendation {
  if (!measurement.detected || measurement.erlDb >= ECHO_ERL_NO_MITIGATION_DB) return 'none';
  return measurement.erlDb >= ECHO_ERL_DUCKING_DB ? 'loopback' : 'loopback-and-ducking';
}
