import { describe, expect, it } from 'vitest';
import { isRealtimeError } from '../../src/base/errors';
import {
  bytesToMs,
  describeAudioFormat,
  msToBytes,
  msToSamples,
  samplesPerMs,
  samplesToMs,
} from '../../src/codec/audio-format';

const PCM = { type: 'audio/pcm', rate: 24000 } as const;
const PCMU = { type: 'audio/pcmu' } as const;
const PCMA = { type: 'audio/pcma' } as const;

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    return isRealtimeError(error) ? error.code : `not a RealtimeError: ${String(error)}`;
  }
  return undefined;
}

describe('describeAudioFormat', () => {
  it('knows the three GA formats', () => {
    expect(describeAudioFormat(PCM)).toEqual({ encoding: 'pcm16', sampleRate: 24000, bytesPerSample: 2 });
    expect(describeAudioFormat(PCMU)).toEqual({ encoding: 'mulaw', sampleRate: 8000, bytesPerSample: 1 });
    expect(describeAudioFormat(PCMA)).toEqual({ encoding: 'alaw', sampleRate: 8000, bytesPerSample: 1 });
  });

  it('defaults the PCM rate to 24000 and uses another rate when given', () => {
    expect(describeAudioFormat({ type: 'audio/pcm' }).sampleRate).toBe(24000);
    expect(describeAudioFormat({ type: 'audio/pcm', rate: 16000 }).sampleRate).toBe(16000);
  });

  it('rejects unknown types (including the retired beta names) and bad rates', () => {
    expect(codeOf(() => describeAudioFormat({ type: 'pcm16' }))).toBe('VOXWIRE_AUDIO_UNSUPPORTED');
    expect(() => describeAudioFormat({ type: 'g711_ulaw' })).toThrow(/Unknown audio format type "g711_ulaw"/);
    expect(codeOf(() => describeAudioFormat({ type: 'audio/pcm', rate: 0 }))).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(codeOf(() => describeAudioFormat({ type: 'audio/pcm', rate: 22050.5 }))).toBe('VOXWIRE_INVALID_ARGUMENT');
  });
});

describe('durations and sizes', () => {
  it('converts bytes to milliseconds', () => {
    expect(bytesToMs(PCM, 48000)).toBe(1000);
    expect(bytesToMs(PCM, 960)).toBe(20);
    expect(bytesToMs(PCMU, 8000)).toBe(1000);
    expect(bytesToMs(PCMA, 160)).toBe(20);
    expect(bytesToMs(PCM, 0)).toBe(0);
    expect(bytesToMs(PCM, 1)).toBeCloseTo(1 / 48, 12);
  });

  it('converts milliseconds to bytes of whole samples', () => {
    expect(msToBytes(PCM, 20)).toBe(960);
    expect(msToBytes(PCM, 1000)).toBe(48000);
    expect(msToBytes(PCMU, 20)).toBe(160);
    expect(msToBytes(PCM, 0.05)).toBe(2); // 1.2 samples → 1 sample → 2 bytes
    expect(msToBytes(PCM, 70)).toBe(3360); // 0.07 × 24000 is 1679.9999999999998 in floating point
    expect(msToBytes(PCM, 0.01)).toBe(0);
  });

  it('converts between samples and milliseconds', () => {
    expect(samplesPerMs(PCM)).toBe(24);
    expect(samplesPerMs(PCMU)).toBe(8);
    expect(samplesToMs(PCM, 24000)).toBe(1000);
    expect(samplesToMs(PCMA, 12)).toBe(1.5);
    expect(msToSamples(PCM, 20)).toBe(480);
    expect(msToSamples(PCMU, 20.9)).toBe(167);
  });

  it('inverts: msToBytes(bytesToMs(n)) = n for whole samples', () => {
    for (let bytes = 0; bytes <= 96000; bytes += 2 * 37) expect(msToBytes(PCM, bytesToMs(PCM, bytes))).toBe(bytes);
    for (let bytes = 0; bytes <= 16000; bytes += 41) expect(msToBytes(PCMU, bytesToMs(PCMU, bytes))).toBe(bytes);
  });

  it('rejects negative and non-finite amounts', () => {
    expect(codeOf(() => msToBytes(PCM, -1))).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(codeOf(() => msToSamples(PCM, Number.NaN))).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(codeOf(() => bytesToMs(PCM, -2))).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(codeOf(() => samplesToMs(PCM, Number.POSITIVE_INFINITY))).toBe('VOXWIRE_INVALID_ARGUMENT');
  });
});
