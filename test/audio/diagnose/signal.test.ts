/**
 * The analysis behind checkAudio(), on synthetic signals: silence and stuck-input detection,
 * the echo probe, and finding the probe in a recording with its delay and echo return loss.
 */
import { describe, expect, it } from 'vitest';
import { analyzeInputSignal, createEchoProbe, measureEcho, recommendEchoMitigation } from '../../../src/audio/diagnose/signal';

/** A deterministic pseudo-random source (xorshift), so the noise is the same on every run. */
function noise(length: number, amplitude: number, seed = 12345): Float32Array {
  let state = seed;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = (((state >>> 0) / 0xffffffff) * 2 - 1) * amplitude;
  }
  return out;
}

function tone(length: number, frequency: number, sampleRate: number, amplitude: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
}

/** The probe at `gain` after `delay` samples, in `length` samples of background noise. */
function echoRecording(probe: Float32Array, delay: number, gain: number, length: number, noiseAmplitude: number): Float32Array {
  const recording = noise(length, noiseAmplitude);
  for (let i = 0; i < probe.length && i + delay < length; i++) recording[i + delay]! += probe[i]! * gain;
  return recording;
}

describe('analyzeInputSignal', () => {
  it('calls digital zeros silent and not constant', () => {
    const stats = analyzeInputSignal(new Float32Array(24000));
    expect(stats).toMatchObject({ samples: 24000, peak: 0, rms: 0, silent: true, constant: false });
  });

  it('calls a signal under -80 dBFS silent (a muted device that dithers)', () => {
    expect(analyzeInputSignal(noise(24000, 5e-5)).silent).toBe(true);
  });

  it('calls a stuck value constant, with its DC offset', () => {
    const stats = analyzeInputSignal(new Float32Array(24000).fill(-0.25));
    expect(stats.silent).toBe(false);
    expect(stats.constant).toBe(true);
    expect(stats.dcOffset).toBeCloseTo(-0.25, 6);
    expect(stats.acRms).toBeLessThan(1e-6);
    expect(stats.peak).toBeCloseTo(0.25, 6);
  });

  it('calls a stuck value with a last-bit flicker constant too', () => {
    const stuck = Float32Array.from({ length: 24000 }, (_, i) => 0.5 + (i % 2 === 0 ? 3e-5 : -3e-5));
    expect(analyzeInputSignal(stuck).constant).toBe(true);
  });

  it('calls speech-like noise and a tone neither silent nor constant, with their RMS', () => {
    const speech = analyzeInputSignal(noise(24000, 0.3));
    expect(speech).toMatchObject({ silent: false, constant: false });
    // Uniform noise of amplitude a has RMS a/sqrt(3).
    expect(speech.rms).toBeCloseTo(0.3 / Math.sqrt(3), 2);
    const beep = analyzeInputSignal(tone(24000, 1000, 24000, 0.5));
    expect(beep).toMatchObject({ silent: false, constant: false });
    expect(beep.rms).toBeCloseTo(0.5 / Math.SQRT2, 3);
    expect(Math.abs(beep.dcOffset)).toBeLessThan(1e-3);
  });

  it('does not call a tone riding on a DC offset constant', () => {
    const offset = tone(24000, 440, 24000, 0.01).map((sample) => sample + 0.3);
    const stats = analyzeInputSignal(offset);
    expect(stats.constant).toBe(false);
    expect(stats.dcOffset).toBeCloseTo(0.3, 3);
  });

  it('handles an empty recording as silent', () => {
    expect(analyzeInputSignal(new Float32Array(0))).toMatchObject({ samples: 0, silent: true, constant: false });
  });
});

describe('createEchoProbe', () => {
  it('is a 400 ms chirp at -12 dBFS peak that starts and ends at zero (no click)', () => {
    const probe = createEchoProbe(24000);
    expect(probe.length).toBe(9600);
    expect(probe[0]).toBe(0);
    expect(Math.abs(probe[probe.length - 1]!)).toBeLessThan(1e-3);
    const peak = probe.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0);
    expect(peak).toBeGreaterThan(0.24);
    expect(peak).toBeLessThanOrEqual(0.25);
  });

  it('has a sharp autocorrelation: shifted by one period of its top frequency it no longer matches', () => {
    const probe = createEchoProbe(24000);
    const self = measureEcho(probe, echoRecording(probe, 0, 1, probe.length + 100, 0), { maxDelaySamples: 100 });
    expect(self.delaySamples).toBe(0);
    expect(self.correlation).toBeGreaterThan(0.999);
  });
});

describe('measureEcho', () => {
  const rate = 24000;
  const probe = createEchoProbe(rate);
  const maxDelaySamples = (rate * 1500) / 1000;
  const length = probe.length + maxDelaySamples;

  it.each([
    { delay: 1234, gain: 0.1, erl: 20 },
    { delay: 4801, gain: 0.5, erl: 6.02 },
    { delay: 17, gain: 1, erl: 0 },
    { delay: 30000, gain: 0.02, erl: 33.98 },
  ])('finds the probe after $delay samples at gain $gain: ERL $erl dB', ({ delay, gain, erl }) => {
    const measurement = measureEcho(probe, echoRecording(probe, delay, gain, length + 3000, 0.001), { maxDelaySamples: maxDelaySamples + 3000 });
    expect(measurement.detected).toBe(true);
    expect(measurement.delaySamples).toBe(delay);
    expect(measurement.erlDb).toBeCloseTo(erl, 0);
    expect(measurement.correlation).toBeGreaterThan(0.5);
  });

  it('finds an inverted echo (a speaker wired out of phase) with the same ERL', () => {
    const measurement = measureEcho(probe, echoRecording(probe, 2000, -0.1, length, 0.001), { maxDelaySamples });
    expect(measurement).toMatchObject({ detected: true, delaySamples: 2000 });
    expect(measurement.erlDb).toBeCloseTo(20, 0);
  });

  it('finds a probe about as loud as the room noise (echo at 26 dB ERL, noise at -39 dBFS RMS)', () => {
    const measurement = measureEcho(probe, echoRecording(probe, 9000, 0.05, length, 0.02), { maxDelaySamples });
    expect(measurement.detected).toBe(true);
    expect(Math.abs(measurement.delaySamples - 9000)).toBeLessThanOrEqual(1);
    expect(measurement.erlDb).toBeGreaterThan(23);
    expect(measurement.erlDb).toBeLessThan(29);
  });

  it('does not find a probe that is not there, and bounds the ERL from the noise', () => {
    const measurement = measureEcho(probe, noise(length, 0.01), { maxDelaySamples });
    expect(measurement.detected).toBe(false);
    expect(measurement.correlation).toBeLessThan(0.3);
    // Noise of 0.01 amplitude (RMS 0.0058) against a probe of RMS ~0.15: any hidden echo is
    // at least ~18 dB down (the threshold's 10.5 dB plus the 28 dB level difference, minus margin).
    expect(measurement.erlDb).toBeGreaterThan(30);
  });

  it('does not find a probe in a different tone, nor in silence (ERL capped at 100 dB)', () => {
    expect(measureEcho(probe, tone(length, 5000, rate, 0.5), { maxDelaySamples }).detected).toBe(false);
    const silent = measureEcho(probe, new Float32Array(length), { maxDelaySamples });
    expect(silent).toMatchObject({ detected: false, erlDb: 100 });
  });

  it('searches no further than maxDelaySamples', () => {
    const measurement = measureEcho(probe, echoRecording(probe, 20000, 0.5, 20000 + probe.length, 0), { maxDelaySamples: 10000 });
    expect(measurement.detected).toBe(false);
    expect(measurement.delaySamples).toBeLessThanOrEqual(10000);
  });
});

describe('recommendEchoMitigation', () => {
  const at = (detected: boolean, erlDb: number) => recommendEchoMitigation({ detected, erlDb, correlation: detected ? 0.9 : 0.1, delaySamples: 0 });

  it('recommends nothing for no echo or a weak one (headphones), the loopback for a moderate one, ducking as well for a strong one', () => {
    expect(at(false, 12)).toBe('none');
    expect(at(true, 45)).toBe('none');
    expect(at(true, 30)).toBe('none');
    expect(at(true, 20)).toBe('loopback');
    expect(at(true, 10)).toBe('loopback');
    expect(at(true, 6)).toBe('loopback-and-ducking');
    expect(at(true, -3)).toBe('loopback-and-ducking');
  });
});
