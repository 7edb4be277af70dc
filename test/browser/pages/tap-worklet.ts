/**
 * The test pages' recorder worklet, as source for a Blob URL (or a served file): it keeps every
 * frame reaching its input, each block at the context frame it was rendered at, and posts them
 * all when sent any message.
 *
 * Chromium does not call a recorder's `process()` for every render quantum: with the context
 * just started (the recorder's first block at frame 0, a loaded machine), the next call came
 * 2304-2688 frames later. Concatenating the blocks then shifted every later frame by the gap
 * (the e2e test found 25-55 ms of the reply "missing"). So the blocks are placed by their
 * `currentFrame`, a frame never seen reads 0, and `gaps` lists those frames: a test measuring a
 * span checks with {@link assertRecorded} that the recorder heard all of it.
 */

/** The name the processor registers under. */
export const TAP_PROCESSOR = 'voxwire-test-tap';

/** What the recorder posts. */
export interface TapDump {
  /** The context frame of `samples[0]`. */
  startFrame: number;
  /** The first and last non-zero frames (context frames), or -1. */
  first: number;
  last: number;
  /** Every frame from `startFrame` on; frames the recorder never saw read 0 (see `gaps`). */
  samples: Float32Array;
  /** Context frames `[from, to)` between `startFrame` and the last block that the recorder never saw. */
  gaps: Array<[number, number]>;
}

/** A test-only recorder: every frame reaching its input, placed at the context frame it was rendered at. */
export const TAP_SOURCE = `
class VoxwireTestTap extends AudioWorkletProcessor {
  constructor() {
    super();
    this.blocks = [];
    this.frames = [];
    this.startFrame = -1;
    this.endFrame = -1;
    this.first = -1;
    this.last = -1;
    this.gaps = [];
    this.port.onmessage = () => {
      const total = this.startFrame < 0 ? 0 : this.endFrame - this.startFrame;
      const samples = new Float32Array(total);
      for (let b = 0; b < this.blocks.length; b++) samples.set(this.blocks[b], this.frames[b] - this.startFrame);
      this.port.postMessage({ startFrame: this.startFrame, first: this.first, last: this.last, samples, gaps: this.gaps }, [samples.buffer]);
    };
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (this.startFrame < 0) this.startFrame = currentFrame;
    else if (currentFrame !== this.endFrame) this.gaps.push([this.endFrame, currentFrame]);
    this.endFrame = currentFrame + channel.length;
    this.blocks.push(channel.slice());
    this.frames.push(currentFrame);
    for (let i = 0; i < channel.length; i++) {
      if (channel[i] !== 0) {
        if (this.first < 0) this.first = currentFrame + i;
        this.last = currentFrame + i;
      }
    }
    return true;
  }
}
registerProcessor('voxwire-test-tap', VoxwireTestTap);
`;

/**
 * Throws unless the recorder heard every frame of `[fromFrame, toFrame)` (context frames): a
 * comparison over frames it never saw would measure the recorder, not the player.
 */
export function assertRecorded(tap: Pick<TapDump, 'startFrame' | 'gaps'> & { length: number }, fromFrame: number, toFrame: number): void {
  const end = tap.startFrame + tap.length;
  const missing = tap.gaps.filter(([from, to]) => from < toFrame && to > fromFrame);
  if (fromFrame < tap.startFrame || toFrame > end || missing.length > 0) {
    throw new Error(`the recorder did not hear frames ${fromFrame}-${toFrame}: it recorded ${tap.startFrame}-${end}, missing ${JSON.stringify(missing)}`);
  }
}
