/**
 * Audio as the mock server handles it: the sample-rate conversion between fixture clips
 * (24 kHz) and G.711 (8 kHz). Decoding and encoding by format live in `codec/wire-audio`.
 */

/**
 * Converts PCM16 between sample rates. Downsampling averages the source samples each output
 * sample covers (a box filter: crude, but it keeps speech intelligible and free of the worst
 * aliasing, which is all a mock's reply audio needs); upsampling interpolates linearly.
 */
export function resamplePcm16(pcm: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || pcm.length === 0) return pcm;
  const outputLength = Math.max(1, Math.floor((pcm.length * toRate) / fromRate));
  const output = new Int16Array(outputLength);
  const step = fromRate / toRate;
  if (step > 1) {
    for (let i = 0; i < outputLength; i++) {
      const start = Math.floor(i * step);
      const end = Math.min(pcm.length, Math.max(start + 1, Math.floor((i + 1) * step)));
      let sum = 0;
      for (let j = start; j < end; j++) sum += pcm[j]!;
      output[i] = Math.round(sum / (end - start));
    }
    return output;
  }
  for (let i = 0; i < outputLength; i++) {
    const position = i * step;
    const index = Math.floor(position);
    const fraction = position - index;
    const a = pcm[Math.min(index, pcm.length - 1)]!;
    const b = pcm[Math.min(index + 1, pcm.length - 1)]!;
    output[i] = Math.round(a + (b - a) * fraction);
  }
  return output;
}

/** Milliseconds of `samples` samples at `sampleRate`. */
export function durationMs(samples: number, sampleRate: number): number {
  return (samples * 1000) / sampleRate;
}
