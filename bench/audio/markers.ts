// Markers for the latency bench (latency.bench.ts): a train of short tone bursts after silence,
// a streaming onset detector that finds them again (in the page's tap worklet, and in Node in
// the audio the mock server received or sent), the pairing of the same markers seen at two
// points, and percentiles. Pure: no Node, DOM or worklet globals, so the worklet bundles it.

/** How a marker train is laid out. */
export interface MarkerTrainOptions {
  sampleRate: number;
  /** Markers in the train. */
  count: number;
  /** Silence before the first marker, ms. */
  leadMs: number;
  /** From one marker's first sample to the next one's, ms. */
  periodMs: number;
  /** Length of each burst, ms. */
  burstMs: number;
  /** Silence after the last burst, ms. */
  tailMs: number;
  /** @default 1000 */
  frequencyHz?: number;
  /** @default 0.5 */
  amplitude?: number;
}

/** The sample index of marker `index`'s first sample in a train laid out by `options`. */
export function markerStart(options: MarkerTrainOptions, index: number): number {
  return Math.round(((options.leadMs + index * options.periodMs) * options.sampleRate) / 1000);
}

/**
 * Digital silence with `count` bursts of a sine that starts at its peak, so the marker's first
 * sample is already at full amplitude (a resampler's ramp moves the detected onset by well
 * under a millisecond).
 */
export function markerTrain(options: MarkerTrainOptions): Float32Array {
  const { sampleRate, count, burstMs, tailMs } = options;
  const frequency = options.frequencyHz ?? 1000;
  const amplitude = options.amplitude ?? 0.5;
  const burst = Math.round((burstMs * sampleRate) / 1000);
  const signal = new Float32Array(markerStart(options, count - 1) + burst + Math.round((tailMs * sampleRate) / 1000));
  for (let marker = 0; marker < count; marker++) {
    const start = markerStart(options, marker);
    for (let i = 0; i < burst; i++) signal[start + i] = amplitude * Math.cos((2 * Math.PI * frequency * i) / sampleRate);
  }
  return signal;
}

/** What counts as a marker's onset. */
export interface OnsetOptions {
  /** Absolute amplitude (of a signal in [-1, 1]) from which a sample is loud. */
  threshold: number;
  /** Loud samples count as an onset only after at least this many quiet ones. */
  minQuietSamples: number;
}

/**
 * Finds onsets in a stream fed block by block: the index (from the first sample ever pushed) of
 * every loud sample that follows at least `minQuietSamples` quiet ones. The stream's start does
 * not count as quiet, so audio that is already loud when the stream begins is no onset.
 */
export class OnsetDetector {
  readonly #threshold: number;
  readonly #minQuiet: number;
  #quiet = 0;
  #position = 0;

  constructor(options: OnsetOptions) {
    this.#threshold = options.threshold;
    this.#minQuiet = options.minQuietSamples;
  }

  /** Samples pushed so far. */
  get position(): number {
    return this.#position;
  }

  /** Feeds `samples` (times `scale`: 1 / 32768 for PCM16) and returns the onsets among them. */
  push(samples: ArrayLike<number>, scale = 1): number[] {
    const onsets: number[] = [];
    const limit = this.#threshold / scale;
    for (let i = 0; i < samples.length; i++) {
      if (Math.abs(samples[i]!) < limit) {
        this.#quiet += 1;
        continue;
      }
      if (this.#quiet >= this.#minQuiet) onsets.push(this.#position + i);
      this.#quiet = 0;
    }
    this.#position += samples.length;
    return onsets;
  }
}

/** A marker seen at one point: where it is in that point's audio stream, and when it was seen. */
export interface SeenMarker {
  /** Seconds from the stream's start (its frame or sample index over the rate). */
  position: number;
  /** Wall clock, ms. */
  at: number;
}

/**
 * The same train of markers, `periodMs` apart, seen first at one point (`earlier`) and then at
 * a later one (`later`), either of which may lack some (a socket not live yet, a tap attached
 * late, a buffer the page dropped). Each side numbers its markers by their distance in its own
 * stream from its first one, so a gap costs no pairs; the two numberings differ by one shift,
 * the largest for which no marker arrives before it left, within `toleranceMs` (the clocks'
 * alignment error). Returns `later.at - earlier.at` per pair, in `later`'s order.
 */
export function pairLatencies(earlier: readonly SeenMarker[], later: readonly SeenMarker[], periodMs: number, toleranceMs = 0): number[] {
  const numbered = (markers: readonly SeenMarker[]): Map<number, number> =>
    new Map(markers.map((marker) => [Math.round(((marker.position - markers[0]!.position) * 1000) / periodMs), marker.at]));
  if (earlier.length === 0 || later.length === 0) return [];
  const left = numbered(earlier);
  const right = numbered(later);
  const lastLeft = Math.max(...left.keys());
  const lastRight = Math.max(...right.keys());
  for (let shift = lastLeft; shift >= -lastRight; shift--) {
    const latencies: number[] = [];
    for (const [index, at] of right) {
      const sent = left.get(index + shift);
      if (sent !== undefined) latencies.push(at - sent);
    }
    if (latencies.length > 0 && latencies.every((latency) => latency >= -toleranceMs)) return latencies;
  }
  return [];
}

/** The nearest-rank percentile `p` (0-100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
