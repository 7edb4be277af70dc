import { describe, expect, it } from 'vitest';
import { RealtimeError } from '../../src/base/errors';
import { decodeWireAudio, encodeWireAudio, wireAudioDecoder, wireAudioEncoder } from '../../src/codec/wire-audio';

const pcm = Int16Array.from({ length: 160 }, (_, index) => Math.round(8000 * Math.sin(index / 5)));

describe('wire audio', () => {
  it('round-trips PCM16 and G.711 through the wire formats', () => {
    expect(decodeWireAudio(encodeWireAudio(pcm, { type: 'audio/pcm', rate: 24000 }), { type: 'audio/pcm' })).toEqual({ pcm, sampleRate: 24000 });
    for (const type of ['audio/pcmu', 'audio/pcma'] as const) {
      const decoded = decodeWireAudio(encodeWireAudio(pcm, { type }), { type });
      expect(decoded.sampleRate).toBe(8000);
      decoded.pcm.forEach((sample, index) => expect(Math.abs(sample - pcm[index]!)).toBeLessThan(400));
    }
  });

  it('describes the format once: a codec decodes every chunk of a stream at its rate', () => {
    const decoder = wireAudioDecoder({ type: 'audio/pcm', rate: 16000 });
    const encoder = wireAudioEncoder({ type: 'audio/pcm', rate: 16000 });
    expect(decoder.info).toEqual({ encoding: 'pcm16', sampleRate: 16000, bytesPerSample: 2 });
    expect(Array.from(decoder.decode(encoder.encode(pcm)))).toEqual(Array.from(pcm));
    const mulaw = wireAudioEncoder({ type: 'audio/pcmu' });
    expect(mulaw.encode(pcm)).toBe(encodeWireAudio(pcm, { type: 'audio/pcmu' }));
    expect(wireAudioDecoder({ type: 'audio/pcmu' }).decode(mulaw.encode(pcm))).toEqual(decodeWireAudio(mulaw.encode(pcm), { type: 'audio/pcmu' }).pcm);
  });

  it('refuses an unknown format and malformed payloads with typed errors', () => {
    expect(() => wireAudioDecoder({ type: 'audio/opus' })).toThrow(expect.objectContaining({ code: 'VOXWIRE_AUDIO_UNSUPPORTED' }));
    expect(() => wireAudioEncoder({ type: 'audio/opus' })).toThrow(expect.objectContaining({ code: 'VOXWIRE_AUDIO_UNSUPPORTED' }));
    const codec = wireAudioDecoder({ type: 'audio/pcm' });
    expect(() => codec.decode('A!AA')).toThrow(RealtimeError);
    // 3 bytes: not whole 16-bit samples.
    expect(() => codec.decode('AAAA')).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
  });
});
