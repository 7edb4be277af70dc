import { describe, expect, it } from 'vitest';
import { listFixtureAudio, loadFixtureAudio } from '../../../src/testing/fixtures';
import { detectSpeech, EnergyVad, semanticVadSettings, vadLevels } from '../../../src/testing/mock/vad';
import type { VadEvent } from '../../../src/testing/mock/vad';

const RATE = 24000;

/** A 220 Hz tone at `dbfs` RMS, `ms` long. */
function tone(ms: number, dbfs: number): Int16Array {
  const amplitude = 32768 * Math.SQRT2 * 10 ** (dbfs / 20);
  const out = new Int16Array((RATE * ms) / 1000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 220 * i) / RATE));
  return out;
}

/** Seeded white noise at `dbfs` RMS. */
function noise(ms: number, dbfs: number, seed = 1): Int16Array {
  const amplitude = 32768 * 10 ** (dbfs / 20) * Math.sqrt(3);
  let state = seed;
  const out = new Int16Array((RATE * ms) / 1000);
  for (let i = 0; i < out.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    out[i] = Math.round(amplitude * ((state / 0x7fffffff) * 2 - 1));
  }
  return out;
}

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function mix(a: Int16Array, b: Int16Array): Int16Array {
  return a.map((value, index) => Math.max(-32768, Math.min(32767, value + (b[index] ?? 0))));
}

describe('EnergyVad', () => {
  it('finds a tone burst with padding and silence applied as the API defines them', () => {
    const pcm = concat(new Int16Array(RATE), tone(800, -20), new Int16Array(RATE));
    const events = new EnergyVad({ sampleRate: RATE, prefixPaddingMs: 300, silenceDurationMs: 500 }).push(pcm);
    expect(events).toHaveLength(2);
    const [started, stopped] = events as [Extract<VadEvent, { type: 'speech_started' }>, Extract<VadEvent, { type: 'speech_stopped' }>];
    expect(started.type).toBe('speech_started');
    expect(Math.abs(started.onsetMs - 1000)).toBeLessThanOrEqual(20);
    expect(started.audioStartMs).toBe(started.onsetMs - 300);
    expect(stopped.type).toBe('speech_stopped');
    expect(Math.abs(stopped.speechEndMs - 1800)).toBeLessThanOrEqual(20);
    expect(stopped.audioEndMs).toBe(stopped.speechEndMs + 500);
  });

  it('decides the same whatever the chunk size', () => {
    const pcm = concat(noise(700, -45), mix(tone(900, -20), noise(900, -45, 2)), noise(1200, -45, 3));
    const whole = new EnergyVad({ sampleRate: RATE }).push(pcm);
    for (const chunkSamples of [1, 37, 480, 4801]) {
      const vad = new EnergyVad({ sampleRate: RATE });
      const events: VadEvent[] = [];
      for (let offset = 0; offset < pcm.length; offset += chunkSamples) events.push(...vad.push(pcm.subarray(offset, offset + chunkSamples)));
      expect(events).toEqual(whole);
    }
    expect(whole.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
  });

  it('learns steady noise at any level, even from the first frame', () => {
    for (const level of [-60, -40, -25]) {
      expect(detectSpeech(noise(3000, level), { sampleRate: RATE })).toEqual([]);
    }
  });

  it('does not end an utterance on pauses shorter than silenceDurationMs', () => {
    const pcm = concat(new Int16Array(RATE / 2), tone(400, -20), new Int16Array((RATE * 300) / 1000), tone(400, -20), new Int16Array(RATE));
    expect(detectSpeech(pcm, { sampleRate: RATE, silenceDurationMs: 500 })).toHaveLength(1);
    expect(detectSpeech(pcm, { sampleRate: RATE, silenceDurationMs: 200 })).toHaveLength(2);
  });

  it('maps threshold to a margin over the noise floor: 12 dB over noise passes at 0.5, not at 1', () => {
    const pcm = concat(noise(1500, -40), mix(tone(800, -26), noise(800, -40, 5)), noise(1500, -40, 6));
    expect(detectSpeech(pcm, { sampleRate: RATE, threshold: 0.5 })).toHaveLength(1);
    expect(detectSpeech(pcm, { sampleRate: RATE, threshold: 1 })).toHaveLength(0);
    expect(vadLevels(0.5)).toEqual({ marginDb: 12, minSpeechDbfs: -50 });
    expect(vadLevels(7)).toEqual(vadLevels(1));
    expect(vadLevels(Number.NaN)).toEqual(vadLevels(0.5));
  });

  it('never starts below the absolute floor (a whisper in digital silence at a high threshold)', () => {
    const pcm = concat(new Int16Array(RATE), tone(500, -55), new Int16Array(RATE));
    expect(detectSpeech(pcm, { sampleRate: RATE, threshold: 0.5 })).toHaveLength(0);
    expect(detectSpeech(pcm, { sampleRate: RATE, threshold: 0.1 })).toHaveLength(1);
  });

  it('resetSpeech ends an utterance silently; configure changes the silence duration mid-stream', () => {
    const vad = new EnergyVad({ sampleRate: RATE });
    expect(vad.push(concat(new Int16Array(RATE / 2), tone(300, -20))).map((event) => event.type)).toEqual(['speech_started']);
    expect(vad.speaking).toBe(true);
    vad.resetSpeech();
    expect(vad.speaking).toBe(false);
    expect(vad.push(new Int16Array(RATE))).toEqual([]);
    vad.configure({ silenceDurationMs: 100 });
    const events = vad.push(concat(tone(300, -20), new Int16Array(RATE / 5)));
    expect(events.map((event) => event.type)).toEqual(['speech_started', 'speech_stopped']);
    expect(vad.positionMs).toBe(500 + 300 + 1000 + 300 + 200);
  });

  it('approximates semantic_vad eagerness with silence durations', () => {
    expect(semanticVadSettings('high').silenceDurationMs).toBeLessThan(semanticVadSettings('auto').silenceDurationMs);
    expect(semanticVadSettings('auto')).toEqual(semanticVadSettings('medium'));
    expect(semanticVadSettings('low').silenceDurationMs).toBeGreaterThan(semanticVadSettings(undefined).silenceDurationMs);
  });

  it('rejects a nonsense sample rate', () => {
    expect(() => new EnergyVad({ sampleRate: 0 })).toThrow(RangeError);
  });
});

describe('EnergyVad on the fixture library', () => {
  it('matches every speech clip to its manifest timing within 100 ms, as one utterance, and hears nothing in the silent ones', async () => {
    const clips = (await listFixtureAudio()).filter((clip) => clip.speaker !== 'assistant');
    expect(clips.length).toBeGreaterThan(5);
    for (const entry of clips) {
      const clip = await loadFixtureAudio(entry.name);
      const segments = detectSpeech(clip.pcm, { sampleRate: clip.sampleRate, silenceDurationMs: 500 });
      if (entry.kind === 'silence') {
        expect(segments, entry.name).toEqual([]);
        continue;
      }
      expect(segments, entry.name).toHaveLength(1);
      const [segment] = segments;
      expect(Math.abs(segment!.onsetMs - entry.speechStartMs!), `${entry.name} onset`).toBeLessThanOrEqual(100);
      expect(Math.abs(segment!.speechEndMs - entry.speechEndMs!), `${entry.name} end`).toBeLessThanOrEqual(100);
      if (entry.noiseOnlyUntilMs !== undefined) expect(segment!.onsetMs).toBeGreaterThanOrEqual(entry.noiseOnlyUntilMs - 100);
    }
  });
});
