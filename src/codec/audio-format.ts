/**
 * Sizes and durations of audio in the GA Realtime formats: `{ type: 'audio/pcm', rate: 24000 }`
 * (PCM16, 2 bytes per sample) and `audio/pcmu` / `audio/pcma` (G.711, 8 kHz, 1 byte per
 * sample). All audio on the wire is mono. Pure arithmetic, no state.
 */

import { RealtimeError } from '../base/errors';

/**
 * An audio format as it appears in `session.audio.input.format` / `output.format`. Only `type`
 * and (for `audio/pcm`) `rate` are read, so the session schema's own type fits.
 */
export interface AudioFormatLike {
  /** `'audio/pcm'`, `'audio/pcmu'` or `'audio/pcma'`. */
  type: string;
  /**
   * Sample rate of `audio/pcm` in Hz; ignored for G.711, which is always 8000.
   * @default 24000
   */
  rate?: number | undefined;
}

/** What a format means in samples and bytes (see {@link describeAudioFormat}). */
export interface AudioFormatInfo {
  /** The sample encoding: PCM16 little-endian, G.711 μ-law or G.711 A-law. */
  encoding: 'pcm16' | 'mulaw' | 'alaw';
  /** Samples per second (the audio is mono). */
  sampleRate: number;
  /** Bytes per sample on the wire (after base64 decoding). */
  bytesPerSample: number;
}

/** The rate the GA API uses for `audio/pcm` (and the only one it accepts today). */
export const PCM_DEFAULT_SAMPLE_RATE = 24000;
/** The fixed rate of G.711 (`audio/pcmu`, `audio/pcma`). */
export const G711_SAMPLE_RATE = 8000;

/**
 * Resolves a format to its encoding, sample rate and bytes per sample.
 *
 * @param format - A GA audio format object.
 * @returns The format's sample layout.
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` for an unknown `type`;
 *   `VOXWIRE_INVALID_ARGUMENT` for an `audio/pcm` rate that is not a positive integer.
 *
 * @example
 * ```ts
 * describeAudioFormat({ type: 'audio/pcmu' }); // { encoding: 'mulaw', sampleRate: 8000, bytesPerSample: 1 }
 * ```
 */
export function describeAudioFormat(format: AudioFormatLike): AudioFormatInfo {
  switch (format?.type) {
    case 'audio/pcm': {
      const rate = format.rate ?? PCM_DEFAULT_SAMPLE_RATE;
      if (!Number.isInteger(rate) || rate <= 0) {
        throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `audio/pcm rate must be a positive integer in Hz, got ${String(rate)}.`);
      }
      return { encoding: 'pcm16', sampleRate: rate, bytesPerSample: 2 };
    }
    case 'audio/pcmu':
      return { encoding: 'mulaw', sampleRate: G711_SAMPLE_RATE, bytesPerSample: 1 };
    case 'audio/pcma':
      return { encoding: 'alaw', sampleRate: G711_SAMPLE_RATE, bytesPerSample: 1 };
    default:
      throw new RealtimeError(
        'VOXWIRE_AUDIO_UNSUPPORTED',
        `Unknown audio format type ${JSON.stringify(format?.type)}; the GA API uses 'audio/pcm', 'audio/pcmu' or 'audio/pcma'.`,
      );
  }
}

/**
 * Samples per millisecond of a format (24 for 24 kHz PCM, 8 for G.711).
 *
 * @param format - A GA audio format object.
 */
export function samplesPerMs(format: AudioFormatLike): number {
  return describeAudioFormat(format).sampleRate / 1000;
}

/**
 * Duration in milliseconds of `bytes` of audio in `format`, unrounded (partial samples count
 * as the fraction of a sample they are). Floor it for `audio_end_ms`, which must not exceed
 * the audio sent.
 *
 * @param format - A GA audio format object.
 * @param bytes - Decoded byte count (not base64 characters).
 *
 * @example
 * ```ts
 * bytesToMs({ type: 'audio/pcm', rate: 24000 }, 48000); // 1000
 * ```
 */
export function bytesToMs(format: AudioFormatLike, bytes: number): number {
  const { sampleRate, bytesPerSample } = describeAudioFormat(format);
  checkCount('bytes', bytes);
  return (bytes / bytesPerSample / sampleRate) * 1000;
}

/**
 * Bytes of whole samples that fit in `ms` milliseconds of `format` (rounded down to a whole
 * sample, so the result is always a valid PCM16 length).
 *
 * @param format - A GA audio format object.
 * @param ms - Duration in milliseconds.
 *
 * @example
 * ```ts
 * msToBytes({ type: 'audio/pcm', rate: 24000 }, 20); // 960
 * ```
 */
export function msToBytes(format: AudioFormatLike, ms: number): number {
  const { sampleRate, bytesPerSample } = describeAudioFormat(format);
  return wholeSamples(sampleRate, ms) * bytesPerSample;
}

/**
 * Duration in milliseconds of `samples` samples of `format`, unrounded.
 *
 * @param format - A GA audio format object.
 * @param samples - Sample count (mono, so also the frame count).
 */
export function samplesToMs(format: AudioFormatLike, samples: number): number {
  checkCount('samples', samples);
  return (samples / describeAudioFormat(format).sampleRate) * 1000;
}

/**
 * Whole samples in `ms` milliseconds of `format` (rounded down).
 *
 * @param format - A GA audio format object.
 * @param ms - Duration in milliseconds.
 */
export function msToSamples(format: AudioFormatLike, ms: number): number {
  return wholeSamples(describeAudioFormat(format).sampleRate, ms);
}

function checkCount(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `A count of ${name} must be a finite number >= 0, got ${String(value)}.`);
  }
}

function wholeSamples(sampleRate: number, ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `A duration must be a finite number of milliseconds >= 0, got ${String(ms)}.`);
  }
  // The small epsilon keeps products like 0.07 × 24000 = 1679.9999999999998 at 1680.
  return Math.floor((ms * sampleRate) / 1000 + 1e-9);
}
