// The audio wire path, side by side in one run, for 1 s of 24 kHz mono audio (24 000 samples,
// 48 000 bytes of PCM16, 64 000 characters of base64):
//   encode: Float32 → PCM16 → base64 (what `input_audio_buffer.append` carries)
//   decode: base64 → PCM16 → Float32 (what `response.output_audio.delta` carries)
// against
//   (a) the popular tutorial code: a per-sample DataView loop, then
//       `btoa(String.fromCharCode(...new Uint8Array(buffer)))`; `atob` + a charCodeAt loop back;
//   (b) @openai/agents-realtime's exported `utils.arrayBufferToBase64` / `base64ToArrayBuffer`.
//       It exports no Float32 ⇄ PCM16 conversion, so its base64 is paired with the same
//       per-sample conversion loops as (a).
// Also shown: voxwire's portable fallback (what browsers without native base64 run), and what
// happens to the tutorial's spread at longer buffers.
// Run: npx tsx bench/audio/codec.bench.ts  (or npm run bench -- audio)
import { utils as agentsUtils } from '@openai/agents-realtime';
import { base64ToPcm16, decodeBase64Fallback, encodeBase64Fallback, pcm16ToBase64 } from '../../src/codec/base64';
import { floatToPcm16, pcm16ToFloat } from '../../src/codec/pcm16';
import { machine, measure, printRatioTable } from './measure';

const SAMPLE_RATE = 24000;

function speechLikeSignal(samples: number): Float32Array {
  // A few harmonics with a slow envelope and a little noise: every sample differs, nothing is
  // silent, values stay inside [-1, 1] like real microphone data.
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

// ---- (a) the tutorial code ----

function tutorialFloatTo16BitPcm(input: Float32Array): ArrayBuffer {
  const buffer = new ArrayBuffer(input.length * 2);
  const view = new DataView(buffer);
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]!));
    view.setInt16(i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return buffer;
}

function tutorialEncode(input: Float32Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(tutorialFloatTo16BitPcm(input))));
}

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

// ---- (b) @openai/agents-realtime's helpers (with the tutorial's conversion loops) ----

const agentsEncode = (input: Float32Array): string => agentsUtils.arrayBufferToBase64(tutorialFloatTo16BitPcm(input));
const agentsDecode = (base64: string): Float32Array => tutorialInt16ToFloat(agentsUtils.base64ToArrayBuffer(base64));

// ---- voxwire ----

const voxwireEncode = (input: Float32Array): string => pcm16ToBase64(floatToPcm16(input));
const voxwireDecode = (base64: string): Float32Array => pcm16ToFloat(base64ToPcm16(base64));

// ---- sanity: every candidate computes the same thing ----

const input = speechLikeSignal(SAMPLE_RATE);
const scratchPcm = new Int16Array(input.length);
const scratchFloat = new Float32Array(input.length);
const wire = voxwireEncode(input);

function checkEncoders(): void {
  const reference = base64ToPcm16(wire);
  for (const [name, encoded] of [
    ['tutorial', tutorialEncode(input)],
    ['agents-realtime', agentsEncode(input)],
    ['fallback', encodeBase64Fallback(new Uint8Array(floatToPcm16(input).buffer))],
  ] as const) {
    const pcm = base64ToPcm16(encoded);
    if (pcm.length !== reference.length) throw new Error(`${name}: ${pcm.length} samples, expected ${reference.length}`);
    // The tutorial truncates and scales positives by 32767; voxwire rounds and scales by 32768:
    // up to one step for the scale and one for the rounding.
    for (let i = 0; i < pcm.length; i++) {
      if (Math.abs(pcm[i]! - reference[i]!) > 2) throw new Error(`${name}: sample ${i} is ${pcm[i]}, voxwire has ${reference[i]}`);
    }
  }
}

function checkDecoders(): void {
  const reference = voxwireDecode(wire);
  for (const [name, decoded] of [
    ['tutorial', tutorialDecode(wire)],
    ['agents-realtime', agentsDecode(wire)],
    ['fallback', pcm16ToFloat(new Int16Array(decodeBase64Fallback(wire).buffer))],
  ] as const) {
    if (decoded.length !== reference.length || decoded.some((value, i) => value !== reference[i])) {
      throw new Error(`${name} decodes differently from voxwire`);
    }
  }
}

checkEncoders();
checkDecoders();

console.log(`Audio codec path, 1 s of 24 kHz mono (24,000 samples; 64,000 base64 characters). ${machine()}.`);

printRatioTable(
  'Encode: Float32 → PCM16 → base64',
  measure([
    { name: 'voxwire `pcm16ToBase64(floatToPcm16(x))`', run: () => voxwireEncode(input) },
    { name: 'voxwire, reusing the PCM16 buffer', run: () => pcm16ToBase64(floatToPcm16(input, scratchPcm)) },
    {
      name: 'voxwire portable fallback (no native base64, no Buffer)',
      run: () => encodeBase64Fallback(new Uint8Array(floatToPcm16(input, scratchPcm).buffer)),
    },
    { name: '(a) tutorial: DataView loop + `btoa(String.fromCharCode(...bytes))`', run: () => tutorialEncode(input) },
    { name: '(b) @openai/agents-realtime `arrayBufferToBase64` + tutorial loop', run: () => agentsEncode(input) },
  ]),
  'voxwire `pcm16ToBase64(floatToPcm16(x))`',
);

printRatioTable(
  'Decode: base64 → PCM16 → Float32',
  measure([
    { name: 'voxwire `pcm16ToFloat(base64ToPcm16(s))`', run: () => voxwireDecode(wire) },
    { name: 'voxwire, reusing the Float32 buffer', run: () => pcm16ToFloat(base64ToPcm16(wire), scratchFloat) },
    {
      name: 'voxwire portable fallback (no native base64, no Buffer)',
      run: () => pcm16ToFloat(new Int16Array(decodeBase64Fallback(wire).buffer), scratchFloat),
    },
    { name: '(a) tutorial: `atob` + charCodeAt loop + Int16 → Float32 loop', run: () => tutorialDecode(wire) },
    { name: '(b) @openai/agents-realtime `base64ToArrayBuffer` + tutorial loop', run: () => agentsDecode(wire) },
  ]),
  'voxwire `pcm16ToFloat(base64ToPcm16(s))`',
);

console.log('\nLonger buffers (one call each): the tutorial spreads every byte into one function call.\n');
console.log('| audio | PCM16 bytes | (a) tutorial encode | voxwire encode |');
console.log('|---|---:|---|---|');
for (const seconds of [1, 2, 5, 10, 60]) {
  const long = speechLikeSignal(seconds * SAMPLE_RATE);
  let tutorial: string;
  try {
    tutorialEncode(long);
    tutorial = 'ok';
  } catch (error) {
    tutorial = `throws ${(error as Error).name}: ${(error as Error).message}`;
  }
  const ours = voxwireEncode(long).length === Math.ceil((seconds * SAMPLE_RATE * 2) / 3) * 4 ? 'ok' : 'WRONG LENGTH';
  console.log(`| ${seconds} s | ${(seconds * SAMPLE_RATE * 2).toLocaleString('en-US')} | ${tutorial} | ${ours} |`);
}
