// What the audio benchmarks compare, shared by the Node bench (codec.bench.ts) and the page
// bundled for Chromium (browser-page.ts): the test signal, (a) the popular tutorial code,
// (b) @openai/agents-realtime's base64 helpers, and voxwire. No Node or DOM imports.
import { utils as agentsUtils } from '@openai/agents-realtime';
import { base64ToPcm16, pcm16ToBase64 } from '../../src/codec/base64';
import { floatToPcm16, pcm16ToFloat } from '../../src/codec/pcm16';

/** The GA wire rate. */
export const SAMPLE_RATE = 24000;

/** The row names of voxwire's reference paths, so the Node and Chromium tables line up. */
export const ENCODE_REFERENCE = 'voxwire `pcm16ToBase64(floatToPcm16(x))`';
export const DECODE_REFERENCE = 'voxwire `pcm16ToFloat(base64ToPcm16(s))`';

/**
 * A few harmonics with a slow envelope and a little noise: every sample differs, nothing is
 * silent, values stay inside [-1, 1] like real microphone data.
 */
export function speechLikeSignal(samples: number): Float32Array {
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

export function tutorialFloatTo16BitPcm(input: Float32Array): ArrayBuffer {
  const buffer = new ArrayBuffer(input.length * 2);
  const view = new DataView(buffer);
  for (let i = 0; i < input.length; i++) {
    const s = Math.max(-1, Math.min(1, input[i]!));
    view.setInt16(i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return buffer;
}

export function tutorialEncode(input: Float32Array): string {
  return btoa(String.fromCharCode(...new Uint8Array(tutorialFloatTo16BitPcm(input))));
}

export function tutorialInt16ToFloat(buffer: ArrayBuffer): Float32Array {
  const int16 = new Int16Array(buffer);
  const float32 = new Float32Array(int16.length);
  for (let i = 0; i < int16.length; i++) float32[i] = int16[i]! / 0x8000;
  return float32;
}

export function tutorialDecode(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return tutorialInt16ToFloat(bytes.buffer);
}

// ---- (b) @openai/agents-realtime's helpers: it exports no Float32 ⇄ PCM16 conversion, so its
// base64 is paired with the tutorial's conversion loops ----

export const agentsEncode = (input: Float32Array): string => agentsUtils.arrayBufferToBase64(tutorialFloatTo16BitPcm(input));
export const agentsDecode = (base64: string): Float32Array => tutorialInt16ToFloat(agentsUtils.base64ToArrayBuffer(base64));

// ---- voxwire ----

export const voxwireEncode = (input: Float32Array): string => pcm16ToBase64(floatToPcm16(input));
export const voxwireDecode = (base64: string): Float32Array => pcm16ToFloat(base64ToPcm16(base64));
