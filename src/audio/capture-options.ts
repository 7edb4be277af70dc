/** The checked, resolved settings of a {@link MicrophoneCapture}: its options with defaults applied. */

import { RealtimeError } from '../base/errors';
import { describeAudioFormat } from '../codec/audio-format';
import type { MicrophoneCapture } from './capture';
import type { MicrophoneCaptureOptions } from './capture-types';
import type { MicrophoneConstraints } from './devices';
import {
  DEFAULT_CAPTURE_CHUNK_MS,
  DEFAULT_DUCKING_GAIN,
  DEFAULT_LEVEL_HZ,
  DEFAULT_SILENCE_TIMEOUT_MS,
  MAX_CAPTURE_CHUNK_MS,
  MIN_CAPTURE_CHUNK_MS,
  WIRE_PCM_RATE,
} from './defaults';
import type { CaptureEncoding } from './worklets/messages';

/** What {@link resolveCaptureSettings} gives {@link MicrophoneCapture}. */
export interface CaptureSettings {
  sampleRate: number;
  encoding: CaptureEncoding;
  chunkSamples: number;
  levelHz: number;
  duckingGain: number;
  silenceTimeoutMs: number;
}

/**
 * Checks the options that have a range and applies their defaults.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for a chunk size, level rate, gain or
 *   timeout out of range; `VOXWIRE_AUDIO_UNSUPPORTED` for an unknown format.
 */
export function resolveCaptureSettings(options: MicrophoneCaptureOptions): CaptureSettings {
  const format = describeAudioFormat(options.format ?? { type: 'audio/pcm', rate: WIRE_PCM_RATE });
  const chunkMs = options.chunkMs ?? DEFAULT_CAPTURE_CHUNK_MS;
  if (!Number.isInteger(chunkMs) || chunkMs < MIN_CAPTURE_CHUNK_MS || chunkMs > MAX_CAPTURE_CHUNK_MS) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `MicrophoneCapture: chunkMs must be a whole number of ms from ${MIN_CAPTURE_CHUNK_MS} to ${MAX_CAPTURE_CHUNK_MS}, got ${String(chunkMs)}.`,
    );
  }
  const chunkSamples = (format.sampleRate * chunkMs) / 1000;
  if (!Number.isInteger(chunkSamples)) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `MicrophoneCapture: ${chunkMs} ms at ${format.sampleRate} Hz is not a whole number of samples; pick another chunkMs.`,
    );
  }
  const levelHz = options.levelHz ?? DEFAULT_LEVEL_HZ;
  if (!(levelHz >= 1 && levelHz <= 100)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MicrophoneCapture: levelHz must be from 1 to 100, got ${String(levelHz)}.`);
  }
  const duckingGain = options.duckingGain ?? DEFAULT_DUCKING_GAIN;
  if (!(duckingGain >= 0 && duckingGain <= 1)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MicrophoneCapture: duckingGain must be from 0 to 1, got ${String(duckingGain)}.`);
  }
  const silenceTimeoutMs = options.silenceTimeoutMs ?? DEFAULT_SILENCE_TIMEOUT_MS;
  if (!(silenceTimeoutMs >= 0)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MicrophoneCapture: silenceTimeoutMs must be >= 0, got ${String(silenceTimeoutMs)}.`);
  }
  return { sampleRate: format.sampleRate, encoding: format.encoding, chunkSamples, levelHz, duckingGain, silenceTimeoutMs };
}

/** The processing the microphone is opened with: each option, `true` unless set. */
export function microphoneConstraints(options: MicrophoneCaptureOptions): MicrophoneConstraints {
  return {
    echoCancellation: options.echoCancellation ?? true,
    noiseSuppression: options.noiseSuppression ?? true,
    autoGainControl: options.autoGainControl ?? true,
  };
}
