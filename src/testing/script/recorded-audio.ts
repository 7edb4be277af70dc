/**
 * Recorded reply audio, as the scenario builders read it from a log: base64 deltas in the
 * session's format (PCM16, or G.711 at 8 kHz) decoded to PCM16 samples, and joined.
 */
import { base64ToPcm16, decodeBase64 } from '../../codec/base64';
import { decodeAlaw, decodeMulaw } from '../../codec/g711';

/** How a session's audio deltas are encoded. */
export type Encoding = 'pcm16' | 'mulaw' | 'alaw';

/** One base64 audio delta as PCM16 samples. */
export function decodeAudio(delta: string, encoding: Encoding): Int16Array {
  if (encoding === 'pcm16') return base64ToPcm16(delta);
  const bytes = decodeBase64(delta);
  return encoding === 'mulaw' ? decodeMulaw(bytes) : decodeAlaw(bytes);
}

/** The parts, `length` samples in all, joined. */
export function concat(parts: Int16Array[], length: number): Int16Array {
  const out = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
