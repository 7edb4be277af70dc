// The latency bench's tap (an AudioWorklet processor, bundled on its own by latency.bench.ts):
// it watches the audio reaching its input for marker onsets (see markers.ts) and, in the very
// quantum that carries one, posts the onset's context frame to the port it was given, which
// belongs to the page's stamping Worker: the Worker reads the wall clock when the message
// arrives, so "the marker was processed by the audio graph" is stamped without the page's
// main thread. Every few quanta it also posts a clock reading (see latency-page.ts for how the
// page bounds a late stamp with them). Every onset is also kept and posted back on request.
import { registerProcessorOnce, workletScope, type ProcessorConstructionOptions } from '../../src/audio/worklets/worklet-scope';
import { CLOCK_EVERY_QUANTA, LATENCY_TAP, type LatencyTapOptions, type TapOnset } from './latency-protocol';
import { OnsetDetector } from './markers';

class LatencyTap extends workletScope.AudioWorkletProcessor {
  readonly #detector: OnsetDetector;
  readonly #name: string;
  #stamps: MessagePort | undefined;
  /** Context frame of the first quantum seen. */
  #first = -1;
  #quanta = 0;
  readonly #onsets: TapOnset[] = [];

  constructor(options: ProcessorConstructionOptions) {
    super(options);
    const settings = options.processorOptions as LatencyTapOptions;
    this.#name = settings.name;
    this.#detector = new OnsetDetector(settings);
    this.port.onmessage = (event) => {
      const data = event.data as { stamps?: MessagePort } | string;
      if (typeof data === 'object' && data.stamps !== undefined) this.#stamps = data.stamps;
      else this.port.postMessage({ first: this.#first, onsets: this.#onsets });
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (channel === undefined) return true;
    const quantumFrame = workletScope.currentFrame;
    const contextMs = workletScope.currentTime * 1000;
    if (this.#first < 0) this.#first = quantumFrame;
    const pushed = this.#detector.position;
    for (const index of this.#detector.push(channel)) {
      const onset: TapOnset = { name: this.#name, kind: 'onset', frame: quantumFrame + index - pushed, contextMs };
      this.#stamps?.postMessage(onset);
      this.#onsets.push(onset);
    }
    if (++this.#quanta % CLOCK_EVERY_QUANTA === 0) this.#stamps?.postMessage({ name: this.#name, kind: 'clock', frame: quantumFrame, contextMs } satisfies TapOnset);
    return true;
  }
}

registerProcessorOnce(LATENCY_TAP, LatencyTap);
