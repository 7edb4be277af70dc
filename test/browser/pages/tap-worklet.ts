/**
 * The test pages' recorder worklet, as source for a Blob URL: it keeps every frame reaching
 * its input, the context frame the first block was rendered at, and the first and last
 * non-zero frames, and posts them all when sent any message.
 */

/** The name the processor registers under. */
export const TAP_PROCESSOR = 'voxwire-test-tap';

/** A test-only recorder: every frame reaching its input, with the context frame it was rendered at. */
export const TAP_SOURCE = `
class VoxwireTestTap extends AudioWorkletProcessor {
  constructor() {
    super();
    this.blocks = [];
    this.startFrame = -1;
    this.first = -1;
    this.last = -1;
    this.port.onmessage = () => {
      const total = this.blocks.reduce((n, b) => n + b.length, 0);
      const samples = new Float32Array(total);
      let offset = 0;
      for (const block of this.blocks) { samples.set(block, offset); offset += block.length; }
      this.port.postMessage({ startFrame: this.startFrame, first: this.first, last: this.last, samples }, [samples.buffer]);
    };
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (this.startFrame < 0) this.startFrame = currentFrame;
    this.blocks.push(channel.slice());
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
