// The Chromium half of bench/audio, bundled into a page by browser.bench.ts: the same
// candidates as codec.bench.ts and resampler.bench.ts (same names, same inputs, same timing
// method: warm-up, a calibrated batch of at least 150 ms, rounds in rotating order, median),
// run by Chromium's V8 with Chromium's native `Uint8Array.prototype.toBase64`.
import { Resampler } from '../../src/codec/resampler';
import { base64ToPcm16, decodeBase64Fallback, encodeBase64Fallback, pcm16ToBase64 } from '../../src/codec/base64';
import { floatToPcm16, pcm16ToFloat } from '../../src/codec/pcm16';
import {
  DECODE_REFERENCE,
  ENCODE_REFERENCE,
  SAMPLE_RATE,
  agentsDecode,
  agentsEncode,
  speechLikeSignal,
  tutorialDecode,
  tutorialEncode,
  voxwireDecode,
  voxwireEncode,
} from './peers';
import { measure, sink } from './timer';
import type { Measured } from './timer';

export { DECODE_REFERENCE, ENCODE_REFERENCE } from './peers';

/** What the page reports per candidate. */
export type BrowserMeasured = Measured;

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
      { rounds: 5, minRoundMs: 200, warmupMs: 200 },
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
