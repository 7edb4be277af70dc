import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../../src/base/errors';
import { Resampler } from '../../src/codec/resampler';
import { readWav } from '../../src/codec/wav';
import { pcm16ToFloat } from '../../src/codec/pcm16';

// ---- signals and measurements (computed, never snapshots) ----

function tone(frequency: number, sampleRate: number, length: number, amplitude = 0.5): Float32Array {
  const signal = new Float32Array(length);
  for (let i = 0; i < length; i++) signal[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return signal;
}

function noise(length: number, seed: number): Float32Array {
  const signal = new Float32Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    signal[i] = (state / 2 ** 32) * 1.6 - 0.8;
  }
  return signal;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The whole stream in one call, plus the tail. */
function resampleAll(inputRate: number, outputRate: number, input: Float32Array): Float32Array {
  const resampler = new Resampler({ inputRate, outputRate });
  return concat([resampler.process(input), resampler.flush()]);
}

/** RMS over the middle of a signal: the first and last `edge` samples hold the onset transients. */
function rms(signal: Float32Array, edge: number): number {
  let sum = 0;
  for (let i = edge; i < signal.length - edge; i++) sum += signal[i]! * signal[i]!;
  return Math.sqrt(sum / (signal.length - 2 * edge));
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

/** Amplitude of the `frequency` component, by projection on sine and cosine over the middle. */
function amplitudeAt(signal: Float32Array, frequency: number, sampleRate: number, edge: number): number {
  let sine = 0;
  let cosine = 0;
  const count = signal.length - 2 * edge;
  for (let i = edge; i < signal.length - edge; i++) {
    const angle = (2 * Math.PI * frequency * i) / sampleRate;
    sine += signal[i]! * Math.sin(angle);
    cosine += signal[i]! * Math.cos(angle);
  }
  return (2 * Math.hypot(sine, cosine)) / count;
}

/** What a tutorial does: linear interpolation between neighbours, no low-pass filter. */
function linearInterpolation(input: Float32Array, inputRate: number, outputRate: number): Float32Array {
  const output = new Float32Array(Math.floor((input.length * outputRate) / inputRate));
  for (let n = 0; n < output.length; n++) {
    const position = (n * inputRate) / outputRate;
    const index = Math.floor(position);
    const fraction = position - index;
    output[n] = input[index]! * (1 - fraction) + (input[Math.min(index + 1, input.length - 1)] ?? 0) * fraction;
  }
  return output;
}

/** Deterministic chunk sizes 1..maxChunk. */
function* chunkSizes(seed: number, maxChunk: number): Generator<number> {
  let state = seed >>> 0 || 1;
  for (;;) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    yield 1 + ((state >>> 0) % maxChunk);
  }
}

function resampleChunked(inputRate: number, outputRate: number, input: Float32Array, seed: number, maxChunk = 4096): Float32Array {
  const resampler = new Resampler({ inputRate, outputRate });
  const parts: Float32Array[] = [];
  const sizes = chunkSizes(seed, maxChunk);
  for (let offset = 0; offset < input.length; ) {
    const size = Math.min(sizes.next().value as number, input.length - offset);
    parts.push(resampler.process(input.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(resampler.flush());
  return concat(parts);
}

// ---- the rate pairs devices use, and two unusual ones ----

interface Pair {
  inputRate: number;
  outputRate: number;
}

const PAIRS: Pair[] = [
  { inputRate: 48000, outputRate: 24000 },
  { inputRate: 44100, outputRate: 24000 },
  { inputRate: 16000, outputRate: 24000 },
  { inputRate: 8000, outputRate: 24000 },
  { inputRate: 24000, outputRate: 48000 },
  { inputRate: 24000, outputRate: 44100 },
  { inputRate: 24000, outputRate: 16000 },
  { inputRate: 24000, outputRate: 8000 },
  { inputRate: 48000, outputRate: 8000 },
  { inputRate: 44100, outputRate: 48000 },
  // Extreme ratios (studio rate to and from telephony).
  { inputRate: 192000, outputRate: 8000 },
  { inputRate: 8000, outputRate: 192000 },
  // Coprime rates: 23 999 phases do not fit in an exact table, so this runs the interpolated path.
  { inputRate: 44100, outputRate: 23999 },
];

const name = ({ inputRate, outputRate }: Pair): string => `${inputRate} → ${outputRate}`;
const nyquistLow = ({ inputRate, outputRate }: Pair): number => Math.min(inputRate, outputRate) / 2;

describe('Resampler quality', () => {
  it('attenuates a 15 kHz tone at 48 kHz → 24 kHz by at least 60 dB', () => {
    const input = tone(15000, 48000, 48000);
    const output = resampleAll(48000, 24000, input);
    const attenuation = db(rms(output, 200) / rms(input, 400));
    expect(attenuation).toBeLessThan(-60);
  });

  it('control: linear interpolation lets the same 15 kHz tone through as a 9 kHz alias (fails the 60 dB bar)', () => {
    const input = tone(15000, 48000, 48000);
    const output = linearInterpolation(input, 48000, 24000);
    const attenuation = db(rms(output, 200) / rms(input, 400));
    expect(attenuation).toBeGreaterThan(-60);
    // Decimating by 2 keeps every other sample: the alias is at full strength, at 24 - 15 = 9 kHz.
    expect(amplitudeAt(output, 9000, 24000, 200)).toBeGreaterThan(0.45);
  });

  it('keeps a 1 kHz tone at 48 kHz → 24 kHz within 0.5 dB', () => {
    const output = resampleAll(48000, 24000, tone(1000, 48000, 48000));
    expect(Math.abs(db(amplitudeAt(output, 1000, 24000, 200) / 0.5))).toBeLessThan(0.5);
  });

  describe.each(PAIRS)('$inputRate → $outputRate', (pair) => {
    const { inputRate, outputRate } = pair;
    // Output samples skipped at each end: the onset transients of the filter last about its
    // length, which is a few latencies.
    const edge = Math.max(400, 4 * new Resampler(pair).latencySamples);

    it('keeps in-band tones within 0.5 dB, in place: output n is the input at time n / outputRate', () => {
      for (const frequency of [440, 1000, Math.round(0.7 * nyquistLow(pair))]) {
        const output = resampleAll(inputRate, outputRate, tone(frequency, inputRate, inputRate));
        expect(Math.abs(db(amplitudeAt(output, frequency, outputRate, edge) / 0.5)), `${frequency} Hz`).toBeLessThan(0.5);
        // No delay and nothing else: the output is the ideal tone at the new rate, to within
        // -60 dB (aliases, images and passband ripple together).
        const ideal = tone(frequency, outputRate, output.length);
        const residual = output.map((value, i) => value - ideal[i]!);
        expect(db(rms(residual, edge) / rms(ideal, edge)), `${frequency} Hz residual`).toBeLessThan(-60);
      }
    });

    if (outputRate < inputRate) {
      it('attenuates tones above the output Nyquist frequency by at least 60 dB', () => {
        for (const factor of [1.05, 1.25, 1.6]) {
          const frequency = Math.min(factor * nyquistLow(pair), 0.48 * inputRate);
          const input = tone(frequency, inputRate, inputRate);
          const output = resampleAll(inputRate, outputRate, input);
          expect(db(rms(output, edge) / rms(input, edge)), `${frequency.toFixed(0)} Hz`).toBeLessThan(-60);
        }
      });
    } else {
      it('suppresses the spectral images of an upsampled tone by at least 60 dB', () => {
        const frequency = Math.round(0.78 * nyquistLow(pair));
        const output = resampleAll(inputRate, outputRate, tone(frequency, inputRate, inputRate));
        // Images sit at k·inputRate ± f, folded into the output band.
        const fold = (hz: number): number => Math.abs((((hz + outputRate / 2) % outputRate) + outputRate) % outputRate - outputRate / 2);
        const images = [inputRate - frequency, inputRate + frequency, 2 * inputRate - frequency, 2 * inputRate + frequency]
          .map(fold)
          .filter((hz) => Math.abs(hz - frequency) > 50);
        expect(images.length).toBeGreaterThan(0);
        for (const image of images) {
          expect(db(amplitudeAt(output, image, outputRate, edge) / 0.5), `image at ${image.toFixed(0)} Hz`).toBeLessThan(-60);
        }
      });
    }

    it('passes DC with gain 1 in every phase', () => {
      const output = resampleAll(inputRate, outputRate, new Float32Array(inputRate / 4).fill(0.25));
      let worst = 0;
      for (let i = edge; i < output.length - edge; i++) worst = Math.max(worst, Math.abs(output[i]! - 0.25));
      expect(worst).toBeLessThan(1e-6);
    });

    it('gives the same output for random chunk sizes 1..4096 as for one call', () => {
      const input = concat([noise(inputRate / 2, 7), tone(3000, inputRate, inputRate / 2)]);
      const oneShot = resampleAll(inputRate, outputRate, input);
      for (const seed of [1, 2, 3]) {
        const chunked = resampleChunked(inputRate, outputRate, input, seed);
        expect(chunked.length).toBe(oneShot.length);
        let worst = 0;
        for (let i = 0; i < oneShot.length; i++) worst = Math.max(worst, Math.abs(chunked[i]! - oneShot[i]!));
        expect(worst, `seed ${seed}`).toBe(0); // bit-exact
      }
    });
  });

  it('gives the same output sample by sample (chunks of 1) and in render quanta of 128', () => {
    const input = noise(6000, 3);
    const oneShot = resampleAll(44100, 24000, input);
    expect(resampleChunked(44100, 24000, input, 9, 1)).toEqual(oneShot);
    const quanta = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const parts: Float32Array[] = [];
    const input48 = noise(48000, 5);
    for (let offset = 0; offset < input48.length; offset += 128) parts.push(quanta.process(input48.subarray(offset, offset + 128)));
    parts.push(quanta.flush());
    expect(concat(parts)).toEqual(resampleAll(48000, 24000, input48));
  });
});

describe('Resampler on real speech', () => {
  it('turns the 48 kHz fixture into the 24 kHz one sox made from the same speech (correlation > 0.9999, no lag)', () => {
    // fixtures/audio/question-48k.wav and question.wav are the same espeak-ng utterance,
    // resampled by sox (scripts/make-fixtures): an independent reference resampler.
    const load = (file: string) => readWav(readFileSync(fileURLToPath(new URL(`../../fixtures/audio/${file}`, import.meta.url))));
    const source = load('question-48k.wav');
    const reference = load('question.wav');
    expect([source.sampleRate, reference.sampleRate]).toEqual([48000, 24000]);
    const ours = resampleAll(48000, 24000, pcm16ToFloat(source.samples));
    const theirs = pcm16ToFloat(reference.samples);
    expect(ours.length).toBe(theirs.length);
    const correlationAt = (lag: number): number => {
      let cross = 0;
      let energyOurs = 0;
      let energyTheirs = 0;
      for (let i = Math.max(0, -lag); i < Math.min(ours.length, theirs.length - lag); i++) {
        cross += ours[i]! * theirs[i + lag]!;
        energyOurs += ours[i]! * ours[i]!;
        energyTheirs += theirs[i + lag]! * theirs[i + lag]!;
      }
      return cross / Math.sqrt(energyOurs * energyTheirs);
    };
    expect(correlationAt(0)).toBeGreaterThan(0.9999);
    expect(correlationAt(0)).toBeGreaterThan(correlationAt(1));
    expect(correlationAt(0)).toBeGreaterThan(correlationAt(-1));
  });
});

describe('Resampler stream length and latency', () => {
  it.each(PAIRS)('returns ceil(inputLength × ratio) samples over process + flush ($inputRate → $outputRate)', (pair) => {
    const { inputRate, outputRate } = pair;
    for (const length of [0, 1, 2, 3, 7, 127, 128, 1000, 4801, 44100, 100_003]) {
      const resampler = new Resampler(pair);
      const processed = resampler.process(new Float32Array(length));
      const tail = resampler.flush();
      const expected = Math.ceil((length * outputRate) / inputRate);
      expect(processed.length + tail.length, `length ${length}`).toBe(expected);
      expect(tail.length, `tail of length ${length}`).toBeLessThanOrEqual(resampler.latencySamples);
    }
  });

  it('lags a long chunked stream by at most latencySamples at every step', () => {
    for (const pair of PAIRS) {
      const resampler = new Resampler(pair);
      const sizes = chunkSizes(17, 4096);
      let consumed = 0;
      let produced = 0;
      for (let call = 0; call < 300; call++) {
        const size = sizes.next().value as number;
        produced += resampler.process(new Float32Array(size)).length;
        consumed += size;
        const ideal = (consumed * pair.outputRate) / pair.inputRate;
        expect(ideal - produced, name(pair)).toBeLessThanOrEqual(resampler.latencySamples);
        expect(produced, name(pair)).toBeLessThanOrEqual(Math.ceil(ideal));
      }
      produced += resampler.flush().length;
      expect(produced, name(pair)).toBe(Math.ceil((consumed * pair.outputRate) / pair.inputRate));
    }
  });

  it('predicts the next output length exactly with outputLengthFor', () => {
    const resampler = new Resampler({ inputRate: 44100, outputRate: 24000 });
    const sizes = chunkSizes(5, 2000);
    for (let call = 0; call < 200; call++) {
      const size = sizes.next().value as number;
      const predicted = resampler.outputLengthFor(size);
      expect(resampler.process(new Float32Array(size)).length).toBe(predicted);
    }
  });

  it('documents a small latency: about 1 ms between 24 kHz and the device rates, under 4 ms for 8 kHz', () => {
    for (const pair of PAIRS) {
      const resampler = new Resampler(pair);
      const latencyMs = (resampler.latencySamples / pair.outputRate) * 1000;
      expect(resampler.latencySamples, name(pair)).toBeGreaterThan(0);
      // The filter length in time is inversely proportional to its transition band, which
      // scales with the lower rate.
      expect(latencyMs, name(pair)).toBeLessThan(nyquistLow(pair) >= 12000 ? 1.5 : 4);
    }
  });
});

describe('Resampler state', () => {
  it('starts a fresh stream after flush() and after reset()', () => {
    const input = noise(5000, 11);
    const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const first = concat([resampler.process(input), resampler.flush()]);
    const second = concat([resampler.process(input), resampler.flush()]);
    expect(second).toEqual(first);
    resampler.process(noise(3333, 2));
    resampler.reset();
    expect(concat([resampler.process(input), resampler.flush()])).toEqual(first);
  });

  it('writes into a caller buffer, returns a view of a longer one, and rejects a short one', () => {
    const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const input = noise(4800, 4);
    const expected = resampleAll(48000, 24000, input).subarray(0, resampler.outputLengthFor(4800));
    const buffer = new Float32Array(4096);
    const out = resampler.process(input, buffer);
    expect(out.buffer).toBe(buffer.buffer);
    expect(out).toEqual(expected);
    let error: unknown;
    try {
      resampler.process(input, new Float32Array(10));
    } catch (caught) {
      error = caught;
    }
    expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/at least 2400 samples, got 10 samples/);
  });

  it('leaves its state untouched when a call is rejected', () => {
    const input = noise(9600, 6);
    const reference = resampleAll(48000, 24000, input);
    const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const first = resampler.process(input.subarray(0, 4800));
    expect(() => resampler.process(input.subarray(4800), new Float32Array(1))).toThrow(/at least/);
    const second = resampler.process(input.subarray(4800));
    expect(() => resampler.flush(new Float32Array(1))).toThrow(/at least/);
    expect(concat([first, second, resampler.flush()])).toEqual(reference);
  });

  it('passes audio through unchanged when the rates are equal', () => {
    const resampler = new Resampler({ inputRate: 24000, outputRate: 24000 });
    const input = noise(1000, 8);
    const out = resampler.process(input);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(resampler.flush()).toHaveLength(0);
    expect(resampler.latencySamples).toBe(0);
  });

  it('exposes its rates', () => {
    const resampler = new Resampler({ inputRate: 44100, outputRate: 24000 });
    expect([resampler.inputRate, resampler.outputRate, resampler.channels]).toEqual([44100, 24000, 1]);
  });

  it.each<[string, unknown, RegExp]>([
    ['a zero rate', { inputRate: 0, outputRate: 24000 }, /inputRate must be an integer number of Hz from 1 to 1536000, got 0/],
    ['a fractional rate', { inputRate: 48000, outputRate: 22050.5 }, /outputRate must be an integer .* got 22050.5/],
    ['a string rate', { inputRate: '48000', outputRate: 24000 }, /inputRate must be an integer .* got 48000/],
    ['NaN', { inputRate: Number.NaN, outputRate: 24000 }, /got NaN/],
    ['stereo', { inputRate: 48000, outputRate: 24000, channels: 2 }, /only mono is supported \(channels: 1\), got channels 2/],
  ])('rejects %s with VOXWIRE_INVALID_ARGUMENT', (_name, options, pattern) => {
    let error: unknown;
    try {
      new Resampler(options as ConstructorParameters<typeof Resampler>[0]);
    } catch (caught) {
      error = caught;
    }
    expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(pattern);
  });

  it('rejects input that is not a Float32Array', () => {
    const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
    expect(() => resampler.process(new Int16Array(4) as unknown as Float32Array)).toThrow(/expects a Float32Array/);
  });
});

describe('Resampler source', () => {
  it('imports nothing an AudioWorklet lacks: no node:*, no DOM, nothing outside src/codec and the error class', () => {
    const source = readFileSync(fileURLToPath(new URL('../../src/codec/resampler.ts', import.meta.url)), 'utf8');
    const imports = [...source.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]);
    for (const specifier of imports) {
      expect(specifier, specifier).toMatch(/^\.\.\/base\/errors$|^\.\//);
    }
    expect(source).not.toMatch(/\b(window|document|navigator|Buffer|require)\b[.(]|\bprocess\.\w/);
  });
});
