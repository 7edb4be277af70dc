import { describe, expect, it } from 'vitest';
import { CaptureEngine, type CaptureEngineOptions } from '../../src/audio/worklets/capture-engine';
import { Resampler } from '../../src/codec/resampler';
import { floatToPcm16 } from '../../src/codec/pcm16';
import { decodeMulaw } from '../../src/codec/g711';

function makeEngine(overrides: Partial<CaptureEngineOptions> = {}) {
  const chunks: Array<Int16Array | Uint8Array> = [];
  const sequences: number[] = [];
  const levels: Array<{ rms: number; peak: number }> = [];
  const engine = new CaptureEngine({
    inputRate: 48000,
    targetRate: 24000,
    chunkSamples: 480,
    encoding: 'pcm16',
    levelIntervalFrames: 1600,
    muted: false,
    gain: 1,
    onChunk: (data, sequence) => {
      chunks.push(data);
      sequences.push(sequence);
    },
    onLevel: (rms, peak) => levels.push({ rms, peak }),
    ...overrides,
  });
  return { engine, chunks, sequences, levels };
}

function tone(length: number, frequency: number, rate: number, amplitude: number): Float32Array {
  return new Float32Array(length).map((_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / rate));
}

function feed(engine: CaptureEngine, signal: Float32Array, channels = 1): void {
  for (let offset = 0; offset < signal.length; offset += 128) {
    const block = signal.subarray(offset, Math.min(offset + 128, signal.length));
    engine.process(Array.from({ length: channels }, () => block.slice()));
  }
}

function concat(chunks: Array<Int16Array | Uint8Array>): Int16Array {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const out = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk as Int16Array, offset);
    offset += chunk.length;
  }
  return out;
}

describe('CaptureEngine', () => {
  it('emits 20 ms PCM16 chunks identical to resampling the whole signal offline', () => {
    const signal = tone(48000, 440, 48000, 0.6); // 1 s
    const { engine, chunks, sequences } = makeEngine();
    feed(engine, signal);
    engine.finish();
    const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const parts = [resampler.process(signal), resampler.flush()];
    const offline = floatToPcm16(Float32Array.from([...parts[0]!, ...parts[1]!]));
    expect(offline.length).toBe(24000);
    expect(chunks).toHaveLength(50);
    for (const chunk of chunks) {
      expect(chunk).toBeInstanceOf(Int16Array);
      expect(chunk.length).toBe(480);
      // Each chunk owns its buffer, so transferring it hands over exactly this chunk.
      expect(chunk.byteOffset).toBe(0);
      expect(chunk.buffer.byteLength).toBe(960);
    }
    expect(sequences).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(concat(chunks)).toEqual(offline);
  });

  it('ends with a shorter chunk holding the remainder', () => {
    const { engine, chunks } = makeEngine();
    feed(engine, tone(48000 + 2000, 300, 48000, 0.3));
    expect(chunks.every((chunk) => chunk.length === 480)).toBe(true);
    engine.finish();
    const last = chunks[chunks.length - 1]!;
    expect(chunks.length).toBe(53);
    expect(last.length).toBe(25000 - 52 * 480);
    expect(last.buffer.byteLength).toBe(last.length * 2);
    // Input after the end is ignored.
    feed(engine, tone(4800, 300, 48000, 0.3));
    expect(chunks.length).toBe(53);
  });

  it('downmixes channels to mono', () => {
    const mono = makeEngine();
    const stereo = makeEngine();
    const signal = tone(9600, 500, 48000, 0.4);
    feed(mono.engine, signal, 1);
    feed(stereo.engine, signal, 2);
    expect(concat(stereo.chunks)).toEqual(concat(mono.chunks));
  });

  it('produces nothing while no source is connected', () => {
    const { engine, chunks, levels } = makeEngine();
    for (let i = 0; i < 100; i++) engine.process([]);
    expect(chunks).toHaveLength(0);
    expect(levels).toHaveLength(0);
  });

  it('reports RMS and peak every levelIntervalFrames input frames', () => {
    const { engine, levels } = makeEngine();
    feed(engine, tone(48000, 1500, 48000, 0.5)); // 50 whole periods per report
    expect(levels).toHaveLength(30);
    for (const level of levels) {
      expect(level.rms).toBeCloseTo(0.5 / Math.SQRT2, 3);
      expect(level.peak).toBeCloseTo(0.5, 3);
    }
  });

  it('mutes to digital silence without changing the chunk cadence, and measures levels before the mute', () => {
    const { engine, chunks, levels } = makeEngine({ muted: true });
    feed(engine, tone(48000, 700, 48000, 0.5));
    // One chunk's worth minus the resampler's lookahead is still held back.
    expect(chunks).toHaveLength(49);
    expect(chunks.every((chunk) => chunk.every((sample) => sample === 0))).toBe(true);
    expect(levels[5]!.peak).toBeCloseTo(0.5, 3);
    engine.setMuted(false);
    feed(engine, tone(48000, 700, 48000, 0.5));
    const later = concat(chunks.slice(70));
    expect(Math.max(...Array.from(later, Math.abs))).toBeGreaterThan(16000);
  });

  it('glides to the ducking gain without a step', () => {
    const { engine, chunks } = makeEngine();
    const signal = new Float32Array(48000).fill(0.5);
    feed(engine, signal.subarray(0, 9600));
    engine.setGain(0.25);
    feed(engine, signal.subarray(9600));
    const pcm = concat(chunks);
    const steady = Math.round(0.5 * 0.25 * 32768);
    expect(Math.abs(pcm[pcm.length - 1]! - steady)).toBeLessThanOrEqual(1);
    // The transition after 200 ms (sample 4800 at 24 kHz) falls gradually: no sample-to-sample
    // jump larger than a 10 ms glide allows.
    let largestStep = 0;
    for (let i = 4800; i < 6000; i++) largestStep = Math.max(largestStep, Math.abs(pcm[i]! - pcm[i - 1]!));
    expect(largestStep).toBeLessThan(400);
  });

  it('encodes G.711 μ-law chunks of 160 bytes at 8 kHz', () => {
    const { engine, chunks } = makeEngine({ targetRate: 8000, chunkSamples: 160, encoding: 'mulaw' });
    feed(engine, tone(48000, 400, 48000, 0.5));
    engine.finish();
    expect(chunks).toHaveLength(50);
    for (const chunk of chunks) {
      expect(chunk).toBeInstanceOf(Uint8Array);
      expect(chunk.length).toBe(160);
    }
    const decoded = decodeMulaw(chunks[25] as Uint8Array);
    const peak = Math.max(...Array.from(decoded, Math.abs));
    expect(peak / 32768).toBeGreaterThan(0.45);
    expect(peak / 32768).toBeLessThan(0.55);
  });

  it('encodes A-law chunks too', () => {
    const { engine, chunks } = makeEngine({ targetRate: 8000, chunkSamples: 80, encoding: 'alaw' });
    feed(engine, tone(4800, 400, 48000, 0.5));
    engine.finish();
    expect(chunks).toHaveLength(10);
    expect(chunks[0]).toBeInstanceOf(Uint8Array);
  });

  it('resamples 44.1 kHz input to exactly 24 kHz', () => {
    const { engine, chunks } = makeEngine({ inputRate: 44100 });
    feed(engine, tone(44100 * 2, 440, 44100, 0.5));
    engine.finish();
    expect(concat(chunks).length).toBe(48000);
  });
});
