/**
 * Audio as it travels in Realtime events: base64 of PCM16 little-endian (`audio/pcm`) or of
 * G.711 codes (`audio/pcmu`, `audio/pcma`). Decoding and encoding by format are written here
 * once, for the client, the mock and the recording tools alike.
 */

import { base64ToPcm16, decodeBase64, encodeBase64, pcm16ToBase64 } from './base64';
import { type AudioFormatInfo, type AudioFormatLike, describeAudioFormat } from './audio-format';
import { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from './g711';

/** PCM16 samples with their rate. */
export interface PcmAudio {
  /** Mono PCM16 samples. */
  pcm: Int16Array;
  /** Samples per second. */
  sampleRate: number;
}

/**
 * One format's decoder, described once (for a session's whole stream) instead of on every
 * chunk. Decoding and encoding are separate so a bundle that only plays audio carries no encoder.
 */
export interface WireAudioDecoder {
  /** The format's sample layout. */
  readonly info: AudioFormatInfo;
  /** Decodes a base64 payload into PCM16 at `info.sampleRate`. Throws `RealtimeError` on bad input. */
  decode(base64: string): Int16Array;
}

/** One format's encoder (see {@link WireAudioDecoder}). */
export interface WireAudioEncoder {
  /** The format's sample layout. */
  readonly info: AudioFormatInfo;
  /** Encodes PCM16 at `info.sampleRate` as a base64 payload. */
  encode(pcm: Int16Array): string;
}

/**
 * The decoder of one wire format.
 *
 * @param format - A GA audio format object (`session.audio.output.format`).
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` for an unknown `type`.
 *
 * @example
 * ```ts
 * const decoder = wireAudioDecoder({ type: 'audio/pcmu' });
 * client.on('response.output_audio.delta', (event) => {
 *   const samples = decoder.decode(event.delta); // 8 kHz PCM16
 * });
 * ```
 */
export function wireAudioDecoder(format: AudioFormatLike): WireAudioDecoder {
  const info = describeAudioFormat(format);
  if (info.encoding === 'pcm16') return { info, decode: base64ToPcm16 };
  const decodeCodes = info.encoding === 'mulaw' ? decodeMulaw : decodeAlaw;
  return { info, decode: (base64) => decodeCodes(decodeBase64(base64)) };
}

/**
 * The encoder of one wire format.
 *
 * @param format - A GA audio format object (`session.audio.input.format`).
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` for an unknown `type`.
 */
export function wireAudioEncoder(format: AudioFormatLike): WireAudioEncoder {
  const info = describeAudioFormat(format);
  if (info.encoding === 'pcm16') return { info, encode: pcm16ToBase64 };
  const encodeCodes = info.encoding === 'mulaw' ? encodeMulaw : encodeAlaw;
  return { info, encode: (pcm) => encodeBase64(encodeCodes(pcm)) };
}

/**
 * Decodes a base64 audio payload in `format` into PCM16 at the format's rate.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when the base64 is malformed or PCM16
 *   bytes are not whole samples; `VOXWIRE_AUDIO_UNSUPPORTED` for an unknown format.
 */
export function decodeWireAudio(base64: string, format: AudioFormatLike): PcmAudio {
  const decoder = wireAudioDecoder(format);
  return { pcm: decoder.decode(base64), sampleRate: decoder.info.sampleRate };
}

/** Encodes PCM16 (at the format's rate) as the base64 payload of `format`. */
export function encodeWireAudio(pcm: Int16Array, format: AudioFormatLike): string {
  return wireAudioEncoder(format).encode(pcm);
}

/** PCM16 chunks joined into one array (the one chunk itself when there is only one). */
export function concatPcm16(chunks: readonly Int16Array[]): Int16Array {
  if (chunks.length === 1) return chunks[0] as Int16Array;
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
