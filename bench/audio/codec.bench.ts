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
import { base64ToPcm16, decodeBase64Fallback, encodeBase64Fallback, pcm16ToBase64 } from '../../src/codec/base64';
import { floatToPcm16, pcm16ToFloat } from '../../src/codec/pcm16';
import { machine, measure, printRatioTable } from './measure';
import {
  DECODE_REFERENCE,
  ENCODE_REFERENCE,
  SAMPLE_RATE,
  agentsDecode,
  agentsEncode,
  speechLikeSignal,
  tutorialDecode,
  tutorialEncode,
  tutorialFloatTo16BitPcm,
  voxwireDecode,
  voxwireEncode,
} from './peers';

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
    { name: ENCODE_REFERENCE, run: () => voxwireEncode(input) },
    { name: 'voxwire, reusing the PCM16 buffer', run: () => pcm16ToBase64(floatToPcm16(input, scratchPcm)) },
    {
      name: 'voxwire portable fallback (no native base64, no Buffer)',
      run: () => encodeBase64Fallback(new Uint8Array(floatToPcm16(input, scratchPcm).buffer)),
    },
    { name: '(a) tutorial: DataView loop + `btoa(String.fromCharCode(...bytes))`', run: () => tutorialEncode(input) },
    { name: '(b) @openai/agents-realtime `arrayBufferToBase64` + tutorial loop', run: () => agentsEncode(input) },
  ]),
  ENCODE_REFERENCE,
);

printRatioTable(
  'Decode: base64 → PCM16 → Float32',
  measure([
    { name: DECODE_REFERENCE, run: () => voxwireDecode(wire) },
    { name: 'voxwire, reusing the Float32 buffer', run: () => pcm16ToFloat(base64ToPcm16(wire), scratchFloat) },
    {
      name: 'voxwire portable fallback (no native base64, no Buffer)',
      run: () => pcm16ToFloat(new Int16Array(decodeBase64Fallback(wire).buffer), scratchFloat),
    },
    { name: '(a) tutorial: `atob` + charCodeAt loop + Int16 → Float32 loop', run: () => tutorialDecode(wire) },
    { name: '(b) @openai/agents-realtime `base64ToArrayBuffer` + tutorial loop', run: () => agentsDecode(wire) },
  ]),
  DECODE_REFERENCE,
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
