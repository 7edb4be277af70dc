// What the latency bench's tap worklet (latency-tap.ts) and its page (latency-page.ts) say to
// each other: kept apart from the processor, whose module only runs inside an AudioWorklet.
import type { OnsetOptions } from './markers';

/** The name the tap registers under. */
export const LATENCY_TAP = 'voxwire-bench-latency-tap';

/** What the tap is constructed with. */
export interface LatencyTapOptions extends OnsetOptions {
  /** Which tap this is, in the onsets it posts. */
  name: string;
}

/** The tap posts a `clock` message every this many quanta, besides its onsets. */
export const CLOCK_EVERY_QUANTA = 4;

/**
 * What the tap posts to the stamping port: an onset, in the quantum that carries it, or a
 * `clock` reading (a quantum's context time, for relating the context's clock to the wall clock).
 */
export interface TapOnset {
  name: string;
  kind: 'onset' | 'clock';
  /** Context frame of the onset sample (of the quantum's first frame for `clock`). */
  frame: number;
  /** Context time of the quantum that carried it, in ms. */
  contextMs: number;
}
