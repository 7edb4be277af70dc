/**
 * Streaming sample-rate conversion with a windowed-sinc (Kaiser) polyphase filter.
 *
 * Pure and self-contained (its only import is the dependency-free error class), so the same
 * code runs in Node, in a page and inside an AudioWorklet.
 */

import { RealtimeError } from '../base/errors';

/** Options for {@link Resampler}. */
export interface ResamplerOptions {
  /** Sample rate of the input in Hz (a positive integer, e.g. `48000` or `44100`). */
  inputRate: number;
  /** Sample rate of the output in Hz (a positive integer, e.g. `24000`). */
  outputRate: number;
  /**
   * Channel count. Only mono is supported: the Realtime API is mono; downmix first.
   * @default 1
   */
  channels?: 1;
}

/**
 * Filter design. The stopband (about -80 dB; -79.6 dB at worst across the device rates,
 * measured on the designed filters) starts at the Nyquist frequency of the lower of the two
 * rates, so nothing above it folds back; the passband is flat (±0.001 dB) to 80% of that
 * Nyquist, -3 dB at 88% (10.6 kHz at 24 kHz, 3.5 kHz for 8 kHz telephony), past where speech
 * carries energy. Output is float32, whose own noise floor is far lower.
 */
const STOPBAND_ATTENUATION_DB = 80;
const PASSBAND_FRACTION = 0.8;
/** Exact polyphase tables up to this many coefficients (2 MiB of float64); beyond, interpolate. */
const MAX_EXACT_COEFFICIENTS = 1 << 18;
/** Phase rows of the interpolated table, used only for unusual rate pairs (see above). */
const INTERPOLATED_PHASES = 512;
/** Largest rate accepted, far above any audio device (and keeps phase arithmetic exact). */
const MAX_RATE = 1_536_000;
/**
 * Input is filtered this many samples at a time, so the history buffer has a fixed size
 * however long a single `process()` input is (an hour-long file would otherwise be copied
 * whole into it).
 */
const SLICE_SAMPLES = 4096;

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast here). */
function besselI0(x: number): number {
  const quarterSquare = (x * x) / 4;
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 64; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Builds `rows` rows of `2 × halfWidth` coefficients. Row `r` holds the kernel for an output
 * at input time `base + r / phases`, applied to inputs `base - halfWidth + 1 .. base + halfWidth`.
 * Each row is normalised to unit sum, so every phase passes DC with gain exactly 1.
 */
function buildFilterBank(rows: number, phases: number, halfWidth: number, cutoff: number, beta: number): Float64Array {
  const taps = 2 * halfWidth;
  const bank = new Float64Array(rows * taps);
  const windowNorm = 1 / besselI0(beta);
  for (let row = 0; row < rows; row++) {
    const fraction = row / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      // Distance in input samples from the output instant to input `base - halfWidth + 1 + j`.
      const distance = fraction + halfWidth - 1 - j;
      const ratio = distance / halfWidth;
      let value = 0;
      if (ratio > -1 && ratio < 1) {
        const x = cutoff * distance;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        value = cutoff * sinc * besselI0(beta * Math.sqrt(1 - ratio * ratio)) * windowNorm;
      }
      bank[row * taps + j] = value;
      sum += value;
    }
    for (let j = 0; j < taps; j++) bank[row * taps + j]! /= sum;
  }
  return bank;
}

function checkRate(name: string, rate: unknown): number {
  if (typeof rate !== 'number' || !Number.isInteger(rate) || rate <= 0 || rate > MAX_RATE) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `Resampler: ${name} must be an integer number of Hz from 1 to ${MAX_RATE}, got ${String(rate)}.`,
    );
  }
  return rate;
}

/**
 * A streaming resampler for mono float audio: 48 000, 44 100, 16 000 or 8 000 Hz to and from
 * 24 000 Hz, and any other pair of integer rates.
 *
 * It filters with a Kaiser-windowed sinc (about 80 dB stopband from the lower Nyquist
 * frequency, flat passband to 80% of it, -3 dB at 88%) in polyphase form, with the filter
 * bank precomputed once, so a 15 kHz tone resampled from 48 kHz to 24 kHz leaves no audible
 * 9 kHz alias (linear interpolation leaves it at full strength). It
 * keeps its history across calls, so feeding a stream in any chunking gives bit-for-bit the
 * same output as feeding it in one piece: no clicks at chunk borders.
 *
 * Timing: output sample `n` is the input signal at time `n / outputRate` (the filter is
 * centred, not delayed). To compute it the resampler needs input up to
 * `halfWidth` samples later, so {@link Resampler.process} returns its output
 * {@link Resampler.latencySamples} output samples behind the input, and
 * {@link Resampler.flush} returns the rest at the end of the stream. Over a whole stream,
 * `process` + `flush` return exactly `ceil(inputLength × outputRate / inputRate)` samples.
 *
 * @example
 * ```ts
 * const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
 * const out = resampler.process(micChunk); // Float32Array at 24 kHz
 * const tail = resampler.flush();          // at the end of the stream
 * ```
 */
export class Resampler {
  /** Input sample rate in Hz. */
  readonly inputRate: number;
  /** Output sample rate in Hz. */
  readonly outputRate: number;
  /** Channel count (always 1). */
  readonly channels: 1 = 1;
  /**
   * How many output samples {@link Resampler.process} holds back while it waits for the
   * lookahead the filter needs (at most this many; {@link Resampler.flush} releases them).
   * 0 when the rates are equal.
   */
  readonly latencySamples: number;

  /** outputRate / inputRate reduced: `upFactor / downFactor`. */
  readonly #upFactor: number;
  readonly #downFactor: number;
  /** Half the filter length, in input samples. */
  readonly #halfWidth: number;
  readonly #taps: number;
  readonly #bank: Float64Array;
  /** Rows of the bank; equals `upFactor` in exact mode. */
  readonly #rows: number;
  readonly #interpolated: boolean;
  readonly #passthrough: boolean;

  /**
   * Input history, oldest first: the samples the next outputs need (at the start of a stream,
   * zeros standing in for the time before it), then input not yet used.
   */
  #buffer: Float64Array;
  #bufferLength = 0;
  /** Index in `buffer` of the input at or before the next output instant. */
  #base = 0;
  /** Position of the next output between `base` and `base + 1`, in units of 1 / upFactor. */
  #phase = 0;
  #inputCount = 0;
  #outputCount = 0;

  /**
   * @param options - Rates in Hz; see {@link ResamplerOptions}.
   * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when a rate is not an integer from 1 to
   *   1 536 000 Hz or `channels` is not 1.
   */
  constructor(options: ResamplerOptions) {
    const inputRate = checkRate('inputRate', options?.inputRate);
    const outputRate = checkRate('outputRate', options?.outputRate);
    const channels = options.channels ?? 1;
    if (channels !== 1) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `Resampler: only mono is supported (channels: 1), got channels ${String(channels)}; downmix before resampling.`,
      );
    }
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    const divisor = greatestCommonDivisor(inputRate, outputRate);
    this.#upFactor = outputRate / divisor;
    this.#downFactor = inputRate / divisor;
    this.#passthrough = inputRate === outputRate;

    // Kaiser's estimate of the length for the attenuation and transition band, measured in
    // input samples (the filter runs at the input rate's time scale).
    const nyquist = Math.min(inputRate, outputRate) / 2;
    const transition = (2 * Math.PI * (1 - PASSBAND_FRACTION) * nyquist) / inputRate;
    const length = (STOPBAND_ATTENUATION_DB - 8) / (2.285 * transition) + 1;
    // An even half-width keeps the tap count a multiple of 4 for the unrolled inner loop.
    this.#halfWidth = this.#passthrough ? 0 : 2 * Math.ceil(length / 4);
    this.#taps = 2 * this.#halfWidth;
    const cutoff = ((1 + PASSBAND_FRACTION) * nyquist) / inputRate; // centre of the transition, × 2 / inputRate
    const beta = 0.1102 * (STOPBAND_ATTENUATION_DB - 8.7);
    this.#interpolated = this.#upFactor * this.#taps > MAX_EXACT_COEFFICIENTS;
    this.#rows = this.#passthrough ? 0 : this.#interpolated ? INTERPOLATED_PHASES : this.#upFactor;
    this.#bank = this.#passthrough
      ? new Float64Array(0)
      : buildFilterBank(this.#interpolated ? this.#rows + 1 : this.#rows, this.#rows, this.#halfWidth, cutoff, beta);
    this.latencySamples = this.#passthrough ? 0 : Math.ceil(((this.#halfWidth + 1) * outputRate) / inputRate);
    this.#buffer = new Float64Array(SLICE_SAMPLES + 2 * this.#taps);
    this.reset();
  }

  /**
   * Clears the history, as if the resampler were new. The next sample starts a new stream.
   */
  reset(): void {
    this.#buffer.fill(0);
    // Zeros stand in for the input before the stream starts, so the first output (at time 0)
    // has the full history it needs.
    this.#bufferLength = this.#passthrough ? 0 : this.#halfWidth - 1;
    this.#base = this.#bufferLength;
    this.#phase = 0;
    this.#inputCount = 0;
    this.#outputCount = 0;
  }

  /**
   * The exact number of samples the next {@link Resampler.process} call returns for an input
   * of `inputLength` samples (use it to size a reusable `output` buffer).
   *
   * @param inputLength - Samples the next call will receive.
   */
  outputLengthFor(inputLength: number): number {
    if (this.#passthrough) return inputLength;
    return this.#countOutputs(this.#bufferLength + inputLength);
  }

  /**
   * Resamples the next chunk of the stream.
   *
   * @param input - Mono float samples at `inputRate` (any length, including 0).
   * @param output - Optional buffer to write into; it must hold at least
   *   {@link Resampler.outputLengthFor}`(input.length)` samples.
   * @returns The samples now ready at `outputRate`: `output` (or a view of its start) when
   *   given, else a new `Float32Array` of exactly the right length.
   * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `input` is not a `Float32Array` or
   *   `output` is too short.
   */
  process(input: Float32Array, output?: Float32Array): Float32Array {
    if (!(input instanceof Float32Array)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'Resampler.process expects a Float32Array of mono samples.');
    }
    if (this.#passthrough) {
      const target = this.#prepareOutput(input.length, output);
      target.set(input);
      return target;
    }
    const target = this.#prepareOutput(this.#countOutputs(this.#bufferLength + input.length), output);
    let written = 0;
    for (let offset = 0; offset < input.length; offset += SLICE_SAMPLES) {
      const slice = input.subarray(offset, Math.min(offset + SLICE_SAMPLES, input.length));
      this.#append(slice, slice.length);
      written += this.#emit(target, written, this.#countOutputs(this.#bufferLength));
    }
    this.#inputCount += input.length;
    return target;
  }

  /**
   * Ends the stream: returns the outputs still held back (see
   * {@link Resampler.latencySamples}), computed as if silence followed, then resets, so the
   * resampler is ready for a new stream.
   *
   * @param output - Optional buffer of at least {@link Resampler.latencySamples} samples.
   * @returns The remaining samples.
   */
  flush(output?: Float32Array): Float32Array {
    if (this.#passthrough) return this.#prepareOutput(0, output);
    const expected = this.#expectedTotalOutputs();
    const count = Math.min(this.#countOutputs(this.#bufferLength + this.#halfWidth), expected - this.#outputCount);
    const target = this.#prepareOutput(count, output);
    this.#append(undefined, this.#halfWidth);
    this.#emit(target, 0, count);
    this.reset();
    return target;
  }

  /** ceil(inputCount × up / down), split so the product never loses integer precision. */
  #expectedTotalOutputs(): number {
    const whole = Math.floor(this.#inputCount / this.#downFactor);
    const rest = this.#inputCount - whole * this.#downFactor;
    return whole * this.#upFactor + Math.ceil((rest * this.#upFactor) / this.#downFactor);
  }

  /** Outputs computable when the buffer holds `available` samples. */
  #countOutputs(available: number): number {
    // Output k (from now) sits at base + floor((phase + k·down) / up) and needs inputs up to
    // that index + halfWidth, so it is ready while that index <= available - 1 - halfWidth.
    const headroom = available - 1 - this.#halfWidth - this.#base;
    if (headroom < 0) return 0;
    return Math.ceil(((headroom + 1) * this.#upFactor - this.#phase) / this.#downFactor);
  }

  #prepareOutput(count: number, output: Float32Array | undefined): Float32Array {
    if (output === undefined) return new Float32Array(count);
    if (!(output instanceof Float32Array) || output.length < count) {
      throw new RealtimeError(
        'VOXWIRE_INVALID_ARGUMENT',
        `Resampler: the output buffer must be a Float32Array of at least ${count} samples, got ${
          output instanceof Float32Array ? `${output.length} samples` : typeof output
        }.`,
      );
    }
    return output.length === count ? output : output.subarray(0, count);
  }

  /** Appends `count` samples of `input` (or zeros when `input` is undefined) to the history. */
  #append(input: Float32Array | undefined, count: number): void {
    const needed = this.#bufferLength + count;
    if (needed > this.#buffer.length) {
      const grown = new Float64Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#bufferLength));
      this.#buffer = grown;
    }
    if (input === undefined) this.#buffer.fill(0, this.#bufferLength, needed);
    else this.#buffer.set(input, this.#bufferLength);
    this.#bufferLength = needed;
  }

  /** Computes `count` outputs into `target` from `offset`, then drops history no longer needed. */
  #emit(target: Float32Array, offset: number, count: number): number {
    if (this.#interpolated) this.#filterInterpolated(target, offset, count);
    else if (this.#upFactor === 1) this.#filterDecimate(target, offset, count);
    else this.#filterExact(target, offset, count);
    this.#outputCount += count;
    const drop = Math.min(this.#base - this.#halfWidth + 1, this.#bufferLength);
    if (drop > 0) {
      this.#buffer.copyWithin(0, drop, this.#bufferLength);
      this.#bufferLength -= drop;
      this.#base -= drop;
    }
    return count;
  }

  #filterExact(target: Float32Array, offset: number, count: number): void {
    const buffer = this.#buffer;
    const bank = this.#bank;
    const taps = this.#taps;
    const up = this.#upFactor;
    const down = this.#downFactor;
    const baseStep = Math.floor(down / up);
    const phaseStep = down - baseStep * up;
    let start = this.#base - this.#halfWidth + 1;
    let phase = this.#phase;
    for (let n = 0; n < count; n++) {
      const row = phase * taps;
      // Four accumulators break the dependency chain of one running sum (about 3× faster);
      // the order is fixed, so results do not depend on how the stream was chunked.
      let sum0 = 0;
      let sum1 = 0;
      let sum2 = 0;
      let sum3 = 0;
      for (let j = 0; j < taps; j += 4) {
        sum0 += bank[row + j]! * buffer[start + j]!;
        sum1 += bank[row + j + 1]! * buffer[start + j + 1]!;
        sum2 += bank[row + j + 2]! * buffer[start + j + 2]!;
        sum3 += bank[row + j + 3]! * buffer[start + j + 3]!;
      }
      target[offset + n] = sum0 + sum1 + (sum2 + sum3);
      start += baseStep;
      phase += phaseStep;
      if (phase >= up) {
        phase -= up;
        start += 1;
      }
    }
    this.#base = start + this.#halfWidth - 1;
    this.#phase = phase;
  }

  /**
   * Integer decimation (48 kHz → 24 kHz, 24 kHz → 8 kHz, ...): a single phase, whose kernel is
   * symmetric about its centre tap, so mirrored inputs are added before multiplying (half the
   * multiplications of {@link Resampler.#filterExact}).
   */
  #filterDecimate(target: Float32Array, offset: number, count: number): void {
    const buffer = this.#buffer;
    const bank = this.#bank;
    const halfWidth = this.#halfWidth;
    const centre = halfWidth - 1;
    const step = this.#downFactor;
    // Taps 0 .. 2·halfWidth - 2 are non-zero and tap j mirrors tap 2·halfWidth - 2 - j; the
    // last tap sits on the window's edge and is exactly 0.
    const mirror = 2 * halfWidth - 2;
    const centreWeight = bank[centre]!;
    let start = this.#base - centre;
    for (let n = 0; n < count; n++) {
      const end = start + mirror;
      let sum0 = centreWeight * buffer[start + centre]!;
      let sum1 = 0;
      let j = 0;
      for (; j + 1 < centre; j += 2) {
        sum0 += bank[j]! * (buffer[start + j]! + buffer[end - j]!);
        sum1 += bank[j + 1]! * (buffer[start + j + 1]! + buffer[end - j - 1]!);
      }
      if (j < centre) sum0 += bank[j]! * (buffer[start + j]! + buffer[end - j]!);
      target[offset + n] = sum0 + sum1;
      start += step;
    }
    this.#base = start + centre;
  }

  /**
   * For rate pairs whose reduced ratio needs more phases than fit in memory: the bank holds
   * {@link INTERPOLATED_PHASES} + 1 rows and each output blends the two rows around its exact
   * phase linearly (two dot products per sample).
   */
  #filterInterpolated(target: Float32Array, offset: number, count: number): void {
    const buffer = this.#buffer;
    const bank = this.#bank;
    const taps = this.#taps;
    const rows = this.#rows;
    const up = this.#upFactor;
    const down = this.#downFactor;
    const baseStep = Math.floor(down / up);
    const phaseStep = down - baseStep * up;
    let start = this.#base - this.#halfWidth + 1;
    let phase = this.#phase;
    for (let n = 0; n < count; n++) {
      const scaled = phase * rows;
      const rowIndex = Math.floor(scaled / up);
      const fraction = (scaled - rowIndex * up) / up;
      const rowA = rowIndex * taps;
      const rowB = rowA + taps;
      let sumA = 0;
      let sumB = 0;
      for (let j = 0; j < taps; j++) {
        const sample = buffer[start + j]!;
        sumA += bank[rowA + j]! * sample;
        sumB += bank[rowB + j]! * sample;
      }
      target[offset + n] = sumA + fraction * (sumB - sumA);
      start += baseStep;
      phase += phaseStep;
      if (phase >= up) {
        phase -= up;
        start += 1;
      }
    }
    this.#base = start + this.#halfWidth - 1;
    this.#phase = phase;
  }
}
