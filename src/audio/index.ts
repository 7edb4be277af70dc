/**
 * `voxwire/audio`: the browser audio engine. AudioWorklet capture and playback, level
 * meters, devices, and the PCM/base64/WAV helpers and resampler it is built on.
 *
 * @example
 * ```ts
 * import { RealtimeClient } from 'voxwire';
 * import { AudioPlayer, MicrophoneCapture } from 'voxwire/audio';
 *
 * const capture = new MicrophoneCapture();
 * const player = new AudioPlayer();
 * client.attachInput(capture);
 * client.attachOutput(player);
 * startButton.onclick = () => Promise.all([capture.start(), player.start()]);
 * ```
 *
 * @packageDocumentation
 */

// Capture
export { MicrophoneCapture } from './capture.js';
export type {
  DuckingSource,
  MicrophoneCaptureEvents,
  MicrophoneCaptureOptions,
  MicrophoneCaptureState,
  MicrophoneSilence,
} from './capture.js';
export type { CaptureEncoding } from './worklets/messages.js';

// Playback
export { AudioPlayer } from './playback.js';
export type {
  AudioPlayerEvents,
  AudioPlayerFlushResult,
  AudioPlayerOptions,
  AudioPlayerState,
  PlaybackStart,
  PlaybackStats,
  PlaybackUnderrun,
} from './playback.js';
export type { CreatePeerConnection } from './echo-loopback.js';

// Context, devices, levels
export type { AudioContextStatus } from './context-lifecycle.js';
export { listAudioInputDevices, listAudioOutputDevices } from './devices.js';
export type { AudioDevice, MediaDevicesLike } from './devices.js';
export { amplitudeToDb, LEVEL_FLOOR_DB } from './levels.js';
export type { AudioLevel } from './levels.js';

// The client's audio interfaces, implemented above
export type { AudioInputSource, AudioOutputChunk, AudioOutputSink, PlaybackPosition } from '../client/audio-io.js';

// Wire formats
export type { AudioFormatLike } from '../codec/audio-format.js';

// PCM, base64, WAV and resampling
export { floatToPcm16, pcm16ToFloat } from '../codec/pcm16.js';
export { decodeBase64, encodeBase64, base64ToPcm16, pcm16ToBase64 } from '../codec/base64.js';
export { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../codec/g711.js';
export { readWav, writeWav } from '../codec/wav.js';
export type { WavData } from '../codec/wav.js';
export { Resampler } from '../codec/resampler.js';
export type { ResamplerOptions } from '../codec/resampler.js';
