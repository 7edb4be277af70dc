/**
 * Recorded reply audio, as the scenario builders read it from a log: the decoder of the
 * session's output format (`codec/wire-audio`) and the samples of each delta.
 */
import { isRecord } from '../../base/is-record';
import { wireAudioDecoder, type WireAudioDecoder } from '../../codec/wire-audio';

/** Reply audio before the log names a format: PCM16 at 24 kHz, the API's default. */
export const DEFAULT_RECORDED_AUDIO: WireAudioDecoder = wireAudioDecoder({ type: 'audio/pcm' });

/**
 * The decoder of a session's output `format` as the log recorded it (undefined when it is not a
 * format object): G.711 for `audio/pcmu` and `audio/pcma`, else PCM16 at its `rate` (24 kHz
 * when absent or not a positive integer), so a format this reader does not know still yields audio.
 */
export function recordedAudioDecoder(format: unknown): WireAudioDecoder | undefined {
  if (!isRecord(format)) return undefined;
  if (format.type === 'audio/pcmu' || format.type === 'audio/pcma') return wireAudioDecoder({ type: format.type });
  const rate = typeof format.rate === 'number' && Number.isInteger(format.rate) && format.rate > 0 ? format.rate : undefined;
  return wireAudioDecoder({ type: 'audio/pcm', rate });
}

/** The samples of one recorded audio delta: decoded, or silence of its length when the log left the audio out. */
export function deltaSamples(entry: { audioOmitted?: boolean | undefined; audioBytes?: number | undefined }, delta: unknown, decoder: WireAudioDecoder): Int16Array {
  if (entry.audioOmitted === true) return new Int16Array(Math.floor((entry.audioBytes ?? 0) / decoder.info.bytesPerSample));
  return decoder.decode(typeof delta === 'string' ? delta : '');
}
