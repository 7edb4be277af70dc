/**
 * Audio as the mock server handles it: client audio decoded from the session's input format
 * into PCM16 (for the VAD and for retrieval), reply audio encoded into the session's output
 * format, and the sample-rate conversion between fixture clips (24 kHz) and G.711 (8 kHz).
 * Encoding and decoding use the shared codec; only the resampler lives here.
 */

import { base64ToPcm16, decodeBase64, encodeBase64, pcm16ToBase64 } from '../../codec/base64';
import { type AudioFormatLike, describeAudioFormat } from '../../codec/audio-format';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../../codec/g711';

/** PCM16 samples with their rate. */
export interface PcmAudio {
  pcm: Int16Array;
  sampleRate: number;
}

/**
 * Decodes an `input_audio_buffer.append` payload in `format` into PCM16 at the format's rate.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when the base64 is malformed or PCM16
 *   bytes are not whole samples; `VOXWIRE_AUDIO_UNSUPPORTED` for an unknown format.
 */
export function decodeWireAudio(base64: string, format: AudioFormatLike): PcmAudio {
  const info = describeAudioFormat(format);
  if (info.encoding === 'pcm16') return { pcm: base64ToPcm16(base64), sampleRate: info.sampleRate };
  const codes = decodeBase64(base64);
  return { pcm: info.encoding === 'mulaw' ? decodeMulaw(codes) : decodeAlaw(codes), sampleRate: info.sampleRate };
}

/** Encodes PCM16 (at the format's rate) as the base64 payload of `format`. */
export function encodeWireAudio(pcm: Int16Array, format: AudioFormatLike): string {
  const info = describeAudioFormat(format);
  if (info.encoding === 'pcm16') return pcm16ToBase64(pcm);
  return encodeBase64(info.encoding === 'mulaw' ? encodeMulaw(pcm) : encodeAlaw(pcm));
}

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

/** Concatenates PCM16 chunks. */
export function concatPcm16(chunks: readonly Int16Array[]): Int16Array {
  if (chunks.length === 1) return chunks[0]!;
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const output = new Int16Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    output.set(chunk, offset);
    offset += chunk.length;
  }
  return output;
}

/** Milliseconds of `samples` samples at `sampleRate`. */
export function durationMs(samples: number, sampleRate: number): number {
  return (samples * 1000) / sampleRate;
}
