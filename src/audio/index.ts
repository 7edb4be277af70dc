/**
 * `voxwire/audio`: the browser audio engine (AudioWorklet capture and playback, level meters,
 * devices) and the one home of the codecs it is built on: PCM16, base64, G.711, WAV, audio
 * format arithmetic and the resampler. The codecs are pure (no DOM) and load in Node too.
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
export { MicrophoneCapture } from './capture';
export type {
  DuckingSource,
  MicrophoneCaptureEvents,
  MicrophoneCaptureOptions,
  MicrophoneCaptureState,
  MicrophoneSilenceInfo,
  MicrophoneSilence,
} from './capture-types';
export type { CaptureEncoding } from './worklets/messages';
export type { MediaStreamListener } from './capture-media';

// Playback
export { AudioPlayer } from './playback';
export type {
  AudioPlayerEvents,
  AudioPlayerFlushResult,
  AudioPlayerOptions,
  AudioPlayerState,
  PlaybackStartInfo,
  PlaybackStart,
  PlaybackStats,
  PlaybackUnderrunInfo,
  PlaybackUnderrun,
} from './playback-types';
export type { CreatePeerConnection } from './echo-loopback';

// Context, devices, levels
export type { AudioContextStatus } from './context-lifecycle';
export { listAudioInputDevices, listAudioOutputDevices } from './devices';
export type { AudioDevice, MediaDevicesLike } from './devices';
export { amplitudeToDb, LEVEL_FLOOR_DB } from './levels';
export type { AudioLevel } from './levels';

// Diagnostics: what stops a call from hearing or being heard, before and during it
export { checkAudio } from './diagnose/check-audio';
export type { AudioCheckReport, CaptureCheck, CheckAudioOptions, MicrophonePermission, PermissionsLike } from './diagnose/check-audio';
export { AUDIO_PROBLEM_CODES } from './diagnose/problems';
export type { AudioHealthInfo, AudioHealthEvent, AudioProblem, AudioProblemCode, AudioProblemSeverity } from './diagnose/problems';
export type { WorkletCheck, WorkletLoadResult, WorkletUrls } from './diagnose/worklet-check';
export type { EchoCheckResult } from './diagnose/echo-check';
export { analyzeInputSignal, createEchoProbe, measureEcho, recommendEchoMitigation } from './diagnose/signal';
export type { EchoMeasurement, EchoRecommendation, InputSignalStats, MeasureEchoOptions } from './diagnose/signal';

// The client's audio interfaces, implemented above
export type { AudioInputSource, AudioOutputChunk, AudioOutputSink, PlaybackPosition } from '../client/audio-io';

// Wire formats
export { describeAudioFormat, bytesToMs, msToBytes, samplesToMs, msToSamples } from '../codec/audio-format';
export type { AudioFormatLike, AudioFormatInfo } from '../codec/audio-format';

// PCM, base64, WAV and resampling
export { floatToPcm16, pcm16ToFloat } from '../codec/pcm16';
export { decodeBase64, encodeBase64, base64ToPcm16, pcm16ToBase64 } from '../codec/base64';
export { decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw } from '../codec/g711';
export { readWav, writeWav } from '../codec/wav';
export type { WavData } from '../codec/wav';
export { Resampler } from '../codec/resampler';
export type { ResamplerOptions } from '../codec/resampler';
