// The Chromium half of bench/audio, bundled into a page by browser.bench.ts: the same
// candidates as codec.bench.ts and resampler.bench.ts (same names, same inputs, same timing
// method: warm-up, a calibrated batch of at least 150 ms, rounds in rotating order, median),
// run by Chromium's V8 with Chromium's native `Uint8Array.prototype.toBase64`.
import { utils as agentsUtils } from '@openai/agents-realtime';
import { Resampler } from '../../src/audio/resampler';
import { base64ToPcm16, decodeBase64Fallback, encodeBase64Fallback, pcm16ToBase64 } from '../../src/codec/base64';
import { floatToPcm16, pcm16ToFloat } from '../../src/codec/pcm16';

const SAMPLE_RATE = 24000;

interface Candidate {
  name: string;
  run: () => unknown;
}

/** What the page reports per candidate. */
export interface BrowserMeasured {
  name: string;
  opsPerSecond: number;
  min: number;
  max: number;
}

let sink: unknown;
const gc = (globalThis as { gc?: () => void }).gc;

function timeBatch(run: () => unknown, iterations: number): number {
  const start = performance.now();
  let last: unknown;
  for (let i = 0; i < iterations; i++) last = run();
  const elapsed = performance.now() - start;
  sink = last;
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function measure(candidates: Candidate[], rounds = 7, minRoundMs = 150, warmupMs = 300): BrowserMeasured[] {
  const batches = candidates.map((candidate) => {
    let iterations = 1;
    const warmupEnd = performance.now() + warmupMs;
    while (performance.now() < warmupEnd) timeBatch(candidate.run, iterations);
    for (;;) {
      const elapsed = timeBatch(candidate.run, iterations);
      if (elapsed >= minRoundMs) break;
      iterations = Math.ceil(iterations * Math.min(10, Math.max(1.5, (minRoundMs * 1.2) / Math.max(elapsed, 0.01))));
    }
    return iterations;
  });
  const samples: number[][] = candidates.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const index = (k + round) % candidates.length;
      gc?.();
      const elapsed = timeBatch(candidates[index]!.run, batches[index]!);
      samples[index]!.push((batches[index]! * 1000) / elapsed);
    }
  }
  return candidates.map((candidate, index) => ({
    name: candidate.name,
    opsPerSecond: median(samples[index]!),
    min: Math.min(...samples[index]!),
    max: Math.max(...samples[index]!),
  }));
}

function speechLikeSignal(samples: number): Float32Array {
  const signal = new Float32Array(samples);
  let seed = 7;
  for (let i = 0; i < samples; i++) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const t = i / SAMPLE_RATE;
    const envelope = 0.5 + 0.4 * Math.sin(2 * Math.PI * 3 * t);
    signal[i] =
      envelope * (0.5 * Math.sin(2 * Math.PI * 180 * t) + 0.25 * Math.sin(2 * Math.PI * 360 * t) + 0.1 * Math.sin(2 * Math.PI * 2500 * t)) +
      (seed / 2 ** 32 - 0.5) * 0.02;
  }
  return signal;
}

// (a) the tutorial code
function tutorialFloatTo16BitPcm(input: Float32Array): ArrayBuffer {
  const buffer = new ArrayBuffer(input.length * 2);
  const view = new DataView(buffer);
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]!));
    view.setInt16(i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return buffer;
}
const tutorialEncode = (input: Float32Array): string => btoa(String.fromCharCode(...new Uint8Array(tutorialFloatTo16BitPcm(input))));
function tutorialInt16ToFloat(buffer: ArrayBuffer): Float32Array {
  const int16 = new Int16Array(buffer);
  const float32 = new Float32Array(int16.length);
  for (let i = 0; i < int16.length; i++) float32[i] = int16[i]! / 0x8000;
  return float32;
}
function tutorialDecode(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return tutorialInt16ToFloat(bytes.buffer);
}

// (b) @openai/agents-realtime's helpers, with the tutorial's conversion loops
const agentsEncode = (input: Float32Array): string => agentsUtils.arrayBufferToBase64(tutorialFloatTo16BitPcm(input));
const agentsDecode = (base64: string): Float32Array => tutorialInt16ToFloat(agentsUtils.base64ToArrayBuffer(base64));

// voxwire
const voxwireEncode = (input: Float32Array): string => pcm16ToBase64(floatToPcm16(input));
const voxwireDecode = (base64: string): Float32Array => pcm16ToFloat(base64ToPcm16(base64));

/** The names the Node bench uses, so the two tables line up. */
export const ENCODE_REFERENCE = 'voxwire `pcm16ToBase64(floatToPcm16(x))`';
export const DECODE_REFERENCE = 'voxwire `pcm16ToFloat(base64ToPcm16(s))`';

function codecs(): { encode: BrowserMeasured[]; decode: BrowserMeasured[]; nativeBase64: boolean } {
  const input = speechLikeSignal(SAMPLE_RATE);
  const scratchPcm = new Int16Array(input.length);
  const scratchFloat = new Float32Array(input.length);
  const wire = voxwireEncode(input);
  // Sanity: every candidate computes the same audio (within the tutorial's rounding).
  const reference = base64ToPcm16(wire);
  for (const encoded of [tutorialEncode(input), agentsEncode(input)]) {
    const pcm = base64ToPcm16(encoded);
    if (pcm.length !== reference.length || pcm.some((value, i) => Math.abs(value - reference[i]!) > 2)) throw new Error('an encoder disagrees');
  }
  const encode = measure([
    { name: ENCODE_REFERENCE, run: () => voxwireEncode(input) },
    { name: 'voxwire, reusing the PCM16 buffer', run: () => pcm16ToBase64(floatToPcm16(input, scratchPcm)) },
    { name: 'voxwire portable fallback (no native base64, no Buffer)', run: () => encodeBase64Fallback(new Uint8Array(floatToPcm16(input, scratchPcm).buffer)) },
    { name: '(a) tutorial: DataView loop + `btoa(String.fromCharCode(...bytes))`', run: () => tutorialEncode(input) },
    { name: '(b) @openai/agents-realtime `arrayBufferToBase64` + tutorial loop', run: () => agentsEncode(input) },
  ]);
  const decode = measure([
    { name: DECODE_REFERENCE, run: () => voxwireDecode(wire) },
    { name: 'voxwire, reusing the Float32 buffer', run: () => pcm16ToFloat(base64ToPcm16(wire), scratchFloat) },
    { name: 'voxwire portable fallback (no native base64, no Buffer)', run: () => pcm16ToFloat(new Int16Array(decodeBase64Fallback(wire).buffer), scratchFloat) },
    { name: '(a) tutorial: `atob` + charCodeAt loop + Int16 → Float32 loop', run: () => tutorialDecode(wire) },
    { name: '(b) @openai/agents-realtime `base64ToArrayBuffer` + tutorial loop', run: () => agentsDecode(wire) },
  ]);
  return { encode, decode, nativeBase64: typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64 === 'function' };
}

const STREAM_SECONDS = 2;
const RESAMPLER_CASES = [
  { inputRate: 48000, outputRate: 24000, chunk: 128, label: '128-frame quanta' },
  { inputRate: 48000, outputRate: 24000, chunk: 960, label: '20 ms chunks' },
  { inputRate: 44100, outputRate: 24000, chunk: 128, label: '128-frame quanta' },
  { inputRate: 24000, outputRate: 48000, chunk: 480, label: '20 ms chunks' },
  { inputRate: 24000, outputRate: 44100, chunk: 480, label: '20 ms chunks' },
  { inputRate: 8000, outputRate: 48000, chunk: 160, label: '20 ms chunks' },
];

/** One resampler case: × real time (median and best round). */
export interface ResamplerFigure {
  conversion: string;
  label: string;
  realTime: number;
  bestRealTime: number;
}

function resampler(): ResamplerFigure[] {
  return RESAMPLER_CASES.map(({ inputRate, outputRate, chunk, label }) => {
    const input = new Float32Array(inputRate * STREAM_SECONDS);
    let seed = 3;
    for (let i = 0; i < input.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      input[i] = 0.4 * Math.sin((2 * Math.PI * 220 * i) / inputRate) + (seed / 2 ** 32 - 0.5) * 0.1;
    }
    const instance = new Resampler({ inputRate, outputRate });
    const [result] = measure(
      [
        {
          name: 'voxwire',
          run: () => {
            let produced = 0;
            for (let offset = 0; offset < input.length; offset += chunk) produced += instance.process(input.subarray(offset, offset + chunk)).length;
            instance.reset();
            return produced;
          },
        },
      ],
      5,
      200,
      200,
    );
    return {
      conversion: `${inputRate / 1000} kHz → ${outputRate / 1000} kHz`,
      label,
      realTime: result!.opsPerSecond * STREAM_SECONDS,
      bestRealTime: result!.max * STREAM_SECONDS,
    };
  });
}

const api = { codecs, resampler, sink: () => typeof sink };
/** The bench page's API, as `window.bench`. */
export type BenchPageApi = typeof api;
(window as unknown as { bench: BenchPageApi }).bench = api;
document.title = 'ready';
