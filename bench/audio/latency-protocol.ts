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

/** An onset, as posted to the stamping port. */
export interface TapOnset {
  name: string;
  /** Context frame of the onset sample. */
  frame: number;
  /** Context frame of the quantum that carried it. */
  quantumFrame: number;
}
