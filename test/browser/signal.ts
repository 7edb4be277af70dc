/** Signal helpers for the browser tests' assertions (run in Node). */

/** In-place iterative radix-2 FFT of (re, im); length must be a power of two. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / size;
    const stepRe = Math.cos(angle);
    const stepIm = Math.sin(angle);
    for (let start = 0; start < n; start += size) {
      let wRe = 1;
      let wIm = 0;
      for (let k = 0; k < size / 2; k++) {
        const a = start + k;
        const b = a + size / 2;
        const tRe = re[b]! * wRe - im[b]! * wIm;
        const tIm = re[b]! * wIm + im[b]! * wRe;
        re[b] = re[a]! - tRe;
        im[b] = im[a]! - tIm;
        re[a] = re[a]! + tRe;
        im[a] = im[a]! + tIm;
        const nextRe = wRe * stepRe - wIm * stepIm;
        wIm = wRe * stepIm + wIm * stepRe;
        wRe = nextRe;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! / n;
      im[i] = im[i]! / n;
    }
  }
}

/**
 * The lag (in samples) at which `signal` best matches `reference`: `signal[i + lag]` lines up
 * with `reference[i]`. Searches lags from `-maxLag` to `+maxLag` by FFT cross-correlation.
 */
export function bestLag(signal: ArrayLike<number>, reference: ArrayLike<number>, maxLag: number): number {
  let size = 1;
  while (size < signal.length + reference.length) size <<= 1;
  const aRe = new Float64Array(size);
  const aIm = new Float64Array(size);
  const bRe = new Float64Array(size);
  const bIm = new Float64Array(size);
  for (let i = 0; i < signal.length; i++) aRe[i] = signal[i]!;
  for (let i = 0; i < reference.length; i++) bRe[i] = reference[i]!;
  fft(aRe, aIm, false);
  fft(bRe, bIm, false);
  // signal ⋆ reference: A · conj(B)
  for (let i = 0; i < size; i++) {
    const re = aRe[i]! * bRe[i]! + aIm[i]! * bIm[i]!;
    const im = aIm[i]! * bRe[i]! - aRe[i]! * bIm[i]!;
    aRe[i] = re;
    aIm[i] = im;
  }
  fft(aRe, aIm, true);
  let best = 0;
  let bestValue = -Infinity;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const value = aRe[(lag + size) % size]!;
    if (value > bestValue) {
      bestValue = value;
      best = lag;
    }
  }
  return best;
}

/** Pearson correlation of `signal[i + lag]` with `reference[i]` over their overlap. */
export function correlationAt(signal: ArrayLike<number>, reference: ArrayLike<number>, lag: number): { correlation: number; overlap: number } {
  const start = Math.max(0, -lag);
  const end = Math.min(reference.length, signal.length - lag);
  let sumA = 0;
  let sumB = 0;
  const count = end - start;
  for (let i = start; i < end; i++) {
    sumA += signal[i + lag]!;
    sumB += reference[i]!;
  }
  const meanA = sumA / count;
  const meanB = sumB / count;
  let covariance = 0;
  let varianceA = 0;
  let varianceB = 0;
  for (let i = start; i < end; i++) {
    const a = signal[i + lag]! - meanA;
    const b = reference[i]! - meanB;
    covariance += a * b;
    varianceA += a * a;
    varianceB += b * b;
  }
  return { correlation: covariance / Math.sqrt(varianceA * varianceB), overlap: count };
}

/** Decodes base64 (Node) to a typed array of the given kind. */
export function base64ToInt16(base64: string): Int16Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
}

/** Decodes base64 of Float32 samples. */
export function base64ToFloat32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const copy = new Uint8Array(bytes);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}
