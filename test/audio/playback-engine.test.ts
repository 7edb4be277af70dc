import { describe, expect, it } from 'vitest';
import { PlaybackEngine, type PlaybackEngineOptions } from '../../src/audio/worklets/playback-engine';
import type { PlaybackProcessorMessage } from '../../src/audio/worklets/messages';

const QUANTUM = 128;

function makeEngine(overrides: Partial<PlaybackEngineOptions> = {}) {
  const messages: PlaybackProcessorMessage[] = [];
  const options: PlaybackEngineOptions = {
    outputRate: 48000,
    prebufferMs: 0,
    maxPrebufferMs: 300,
    fadeMs: 5,
    statusIntervalFrames: 1600,
    post: (message) => messages.push(message),
    ...overrides,
  };
  const engine = new PlaybackEngine(options);
  let frame = 0;
  const rendered: number[] = [];
  /** Renders `quanta` quanta, returning the concatenated output. */
  const render = (quanta: number): Float32Array => {
    const out = new Float32Array(quanta * QUANTUM);
    for (let q = 0; q < quanta; q++) {
      const block = new Float32Array(QUANTUM);
      engine.render(block, frame / options.outputRate);
      out.set(block, q * QUANTUM);
      for (const value of block) rendered.push(value);
      frame += QUANTUM;
    }
    return out;
  };
  const now = () => frame / options.outputRate;
  return { engine, messages, render, now, rendered, options };
}

function constant(length: number, value: number): Int16Array {
  return new Int16Array(length).fill(value);
}

function ofType<T extends PlaybackProcessorMessage['type']>(messages: PlaybackProcessorMessage[], type: T) {
  return messages.filter((message): message is Extract<PlaybackProcessorMessage, { type: T }> => message.type === type);
}

describe('PlaybackEngine', () => {
  it('plays audio at the context rate bit-exactly when the rates match', () => {
    const { engine, render, now } = makeEngine({ outputRate: 24000 });
    const samples = new Int16Array(1000).map((_, i) => (i * 37) % 20000 - 10000);
    engine.write('item_1', 0, samples, 24000, now());
    const out = render(10);
    for (let i = 0; i < samples.length; i++) expect(out[i]).toBe(samples[i]! / 32768);
    for (let i = samples.length; i < out.length; i++) expect(out[i]).toBe(0);
  });

  it('counts every sample of a fully played part, and reports started and idle', () => {
    const { engine, messages, render, now } = makeEngine();
    engine.write('item_1', 0, constant(2400, 1000), 24000, now());
    engine.write('item_1', 0, constant(2400, 1000), 24000, now());
    render(100); // 12 800 frames > the 9 600 this part yields at 48 kHz
    const started = ofType(messages, 'started');
    expect(started).toEqual([{ type: 'started', itemId: 'item_1', contentIndex: 0, contextTime: 0 }]);
    const idle = ofType(messages, 'idle');
    expect(idle).toHaveLength(1);
    expect(idle[0]!.position).toEqual({ itemId: 'item_1', contentIndex: 0, playedSamples: 4800, receivedSamples: 4800, sampleRate: 24000 });
    // 4800 samples at 24 kHz = 0.2 s: the output ran dry at exactly 9600 frames.
    expect(idle[0]!.contextTime).toBeCloseTo(9600 / 48000, 9);
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(4800);
  });

  it('maps rendered frames to source samples exactly at 44.1 kHz', () => {
    const { engine, render, now } = makeEngine({ outputRate: 44100 });
    engine.write('item_1', 0, constant(24000, 500), 24000, now());
    for (let quanta = 1; quanta <= 40; quanta++) {
      render(1);
      const frames = quanta * QUANTUM;
      expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(Math.floor((frames * 24000) / 44100));
    }
    render(400);
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(24000);
  });

  it('resamples a 1 kHz tone from 24 kHz to 48 kHz without changing it', () => {
    const { engine, render, now } = makeEngine();
    const tone = new Int16Array(4800).map((_, i) => Math.round(16000 * Math.sin((2 * Math.PI * 1000 * i) / 24000)));
    engine.write('item_1', 0, tone, 24000, now());
    const out = render(80);
    // The resampler is centred: output frame k is the tone at time k / 48000 (away from the edges).
    let worst = 0;
    for (let k = 400; k < 9000; k++) {
      const ideal = (16000 / 32768) * Math.sin((2 * Math.PI * 1000 * k) / 48000);
      worst = Math.max(worst, Math.abs(out[k]! - ideal));
    }
    expect(worst).toBeLessThan(2e-3);
  });

  it('waits for the prebuffer, or for prebufferMs of waiting, before it plays', () => {
    const { engine, render, now, messages } = makeEngine({ prebufferMs: 40 });
    engine.write('item_1', 0, constant(240, 2000), 24000, now()); // 10 ms
    render(10); // 26.7 ms: still waiting
    expect(ofType(messages, 'started')).toHaveLength(0);
    render(6); // past 40 ms of waiting: plays what it has
    expect(ofType(messages, 'started')).toHaveLength(1);

    // Two 100 ms chunks (a faster-than-real-time burst) start at once.
    const second = makeEngine({ prebufferMs: 40 });
    second.engine.write('item_2', 0, constant(2400, 2000), 24000, second.now());
    second.engine.write('item_2', 0, constant(2400, 2000), 24000, second.now());
    second.render(1);
    expect(ofType(second.messages, 'started')).toHaveLength(1);
  });

  it('fades out in the first quantum after a flush and acknowledges the exact count when silent', () => {
    const { engine, messages, render, now, rendered } = makeEngine();
    engine.write('item_1', 0, constant(24000, 16384), 24000, now()); // 1 s of a constant 0.5
    render(50); // 6400 frames played
    engine.flush(7, false, now());
    const beforeFlush = rendered.length;
    render(3);
    const flushed = ofType(messages, 'flushed');
    expect(flushed).toHaveLength(1);
    const ack = flushed[0]!;
    const fadeFrames = 240; // 5 ms at 48 kHz
    expect(ack.ids).toEqual([7]);
    expect(ack.fadeStartedAt).toBeCloseTo(beforeFlush / 48000, 9);
    expect(ack.silentAt).toBeCloseTo((beforeFlush + fadeFrames) / 48000, 9);
    expect(ack.position).toEqual({
      itemId: 'item_1',
      contentIndex: 0,
      playedSamples: (6400 + fadeFrames) / 2,
      receivedSamples: 24000,
      sampleRate: 24000,
    });
    // The fade starts at the first frame after the flush, falls monotonically, then silence.
    const tail = rendered.slice(beforeFlush);
    expect(tail[0]).toBeLessThan(0.5);
    expect(tail[0]).toBeGreaterThan(0.49);
    for (let i = 1; i < fadeFrames; i++) expect(tail[i]!).toBeLessThanOrEqual(tail[i - 1]!);
    expect(tail[fadeFrames - 1]).toBeGreaterThan(0);
    expect(tail[fadeFrames - 1]).toBeLessThan(1e-4);
    expect(tail.slice(fadeFrames).every((value) => value === 0)).toBe(true);
    // Nothing is left to play.
    render(10);
    expect(rendered.slice(beforeFlush + fadeFrames).every((value) => value === 0)).toBe(true);
    expect(engine.bufferedFrames).toBe(0);
  });

  it('acknowledges at once with null when nothing was queued', () => {
    const { engine, messages, render, now } = makeEngine();
    engine.flush(1, false, now());
    render(1);
    expect(ofType(messages, 'flushed')).toEqual([{ type: 'flushed', ids: [1], position: null, silentAt: 0, fadeStartedAt: 0 }]);
  });

  it('answers a repeat flush with the previous acknowledgement until audio is written again (the socket worker flushed first)', () => {
    const { engine, messages, render, now } = makeEngine();
    engine.write('item_1', 0, constant(4800, 100), 24000, now());
    render(10);
    engine.flush(1_000_000_001, false, now());
    render(2);
    const first = ofType(messages, 'flushed')[0]!;
    expect(first.ids).toEqual([1_000_000_001]);
    expect(first.position!.playedSamples).toBeGreaterThan(0);
    // The page's flush after the barge-in learns the same figures...
    engine.flush(2, false, now(), true);
    expect(ofType(messages, 'flushed')[1]).toEqual({ ...first, ids: [2] });
    // ...but a plain flush still answers null, and after a write a repeat flush flushes anew.
    engine.flush(3, false, now());
    render(1);
    expect(ofType(messages, 'flushed')[2]!.position).toBeNull();
    engine.write('item_2', 0, constant(4800, 100), 24000, now());
    render(4);
    engine.flush(4, false, now(), true);
    render(2);
    expect(ofType(messages, 'flushed')[3]!.position!.itemId).toBe('item_2');
  });

  it('reports a part that was queued but not yet started as 0 played', () => {
    const { engine, messages, render, now } = makeEngine({ prebufferMs: 100 });
    engine.write('item_1', 0, constant(480, 100), 24000, now());
    render(1);
    engine.flush(2, false, now());
    render(1);
    expect(ofType(messages, 'flushed')[0]!.position).toEqual({
      itemId: 'item_1',
      contentIndex: 0,
      playedSamples: 0,
      receivedSamples: 480,
      sampleRate: 24000,
    });
  });

  it('drops everything at once for an immediate flush (the context is not rendering)', () => {
    const { engine, messages, render, now } = makeEngine();
    engine.write('item_1', 0, constant(4800, 100), 24000, now());
    render(10);
    engine.flush(3, true, 0.5);
    const ack = ofType(messages, 'flushed')[0]!;
    expect(ack.silentAt).toBe(0.5);
    expect(ack.position?.playedSamples).toBe(640);
    expect(engine.bufferedFrames).toBe(0);
  });

  it('answers several flushes during one fade with one acknowledgement', () => {
    const { engine, messages, render, now } = makeEngine();
    engine.write('item_1', 0, constant(4800, 100), 24000, now());
    render(2);
    engine.flush(1, false, now());
    render(1);
    engine.flush(2, false, now());
    render(2);
    const flushed = ofType(messages, 'flushed');
    expect(flushed).toHaveLength(1);
    expect(flushed[0]!.ids).toEqual([1, 2]);
  });

  it('counts an underrun, grows the prebuffer and never resets the played count', () => {
    const { engine, messages, render, now } = makeEngine({ prebufferMs: 20 });
    engine.write('item_1', 0, constant(2400, 100), 24000, now()); // 100 ms
    render(60); // 160 ms: dry after 100 ms
    expect(ofType(messages, 'idle')).toHaveLength(1);
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(2400);
    engine.write('item_1', 0, constant(2400, 100), 24000, now());
    const underruns = ofType(messages, 'underrun');
    expect(underruns).toEqual([{ type: 'underrun', itemId: 'item_1', contentIndex: 0, underruns: 1, prebufferMs: 40 }]);
    expect(engine.underruns).toBe(1);
    render(100);
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(4800);
    // The part started once, however often it starved.
    expect(ofType(messages, 'started')).toHaveLength(1);
  });

  it('does not call the start of a new part an underrun', () => {
    const { engine, messages, render, now } = makeEngine();
    engine.write('item_1', 0, constant(2400, 100), 24000, now());
    render(60);
    engine.write('item_2', 0, constant(2400, 100), 24000, now());
    render(60);
    expect(engine.underruns).toBe(0);
    expect(ofType(messages, 'started').map((message) => message.itemId)).toEqual(['item_1', 'item_2']);
  });

  it('reports the first part with queued audio as the one a flush cuts', () => {
    const { engine, messages, render, now } = makeEngine();
    engine.write('item_1', 0, constant(240, 100), 24000, now()); // 10 ms
    engine.write('item_2', 0, constant(2400, 100), 24000, now()); // 100 ms
    render(10); // 1280 frames: item_1 (480 frames plus its tail) done, item_2 playing
    engine.flush(1, false, now());
    render(3);
    const position = ofType(messages, 'flushed')[0]!.position!;
    expect(position.itemId).toBe('item_2');
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(240);
    // item_2 got every frame after item_1's 480, plus the fade.
    expect(position.playedSamples).toBe((1280 - 480 + 240) / 2);
  });

  it('plays 8 kHz (decoded G.711) audio with counts at 8 kHz', () => {
    const { engine, render, now } = makeEngine();
    engine.write('item_1', 1, constant(800, 3000), 8000, now());
    render(100);
    expect(engine.positionOf('item_1', 1)).toEqual({
      itemId: 'item_1',
      contentIndex: 1,
      playedSamples: 800,
      receivedSamples: 800,
      sampleRate: 8000,
    });
  });

  it('reports status with levels while playing and once after', () => {
    const { engine, messages, render, now } = makeEngine({ statusIntervalFrames: 1280 });
    engine.write('item_1', 0, constant(4800, 16384), 24000, now()); // 200 ms of 0.5
    render(150);
    const statuses = ofType(messages, 'status');
    const playing = statuses.filter((status) => status.playing);
    expect(playing.length).toBeGreaterThan(5);
    expect(playing[2]!.rms).toBeCloseTo(0.5, 3);
    expect(playing[2]!.peak).toBeCloseTo(0.5, 3);
    expect(playing[2]!.position?.itemId).toBe('item_1');
    const last = statuses[statuses.length - 1]!;
    expect(last.playing).toBe(false);
    expect(statuses.filter((status) => !status.playing)).toHaveLength(1);
  });

  it('plays a stream paced in real time in 50 ms chunks without draining between them', () => {
    const { engine, messages, render, now } = makeEngine({ prebufferMs: 40 });
    // 3 s of audio, one 50 ms chunk every 50 ms of render time, arriving 0–3 ms late.
    let written = 0;
    for (let quantum = 0; quantum < 1300; quantum++) {
      const due = Math.floor((quantum * QUANTUM) / 2400 - ((quantum * 7) % 4) / 50);
      while (written <= due && written < 60) {
        engine.write('item_1', 0, constant(1200, 300), 24000, now());
        written += 1;
      }
      render(1);
    }
    expect(engine.underruns).toBe(0);
    expect(ofType(messages, 'idle')).toHaveLength(1);
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(72000);
    // One chunk is less than a chunk plus half the prebuffer: it waited the prebuffer's 40 ms.
    expect(ofType(messages, 'started')[0]!.contextTime).toBeCloseTo(0.04, 2);
  });

  it('plays a stream of 40 ms chunks each up to 20 ms behind its real-time schedule without an underrun', () => {
    // The browser test (test/browser/playback.browser.test.ts) relies on this margin: a write
    // more than 20 ms late there is the page's lateness, not the player's.
    const { engine, render, now } = makeEngine({ outputRate: 44100, prebufferMs: 40 });
    const lateMs = (chunk: number): number => [0, 20, 20, 5, 20, 0, 13, 20, 20, 20][chunk % 10]!;
    let written = 0;
    for (let quantum = 0; quantum < 600 && written < 38; quantum++) {
      const timeMs = (quantum * QUANTUM * 1000) / 44100;
      while (written < 38 && timeMs >= written * 40 + lateMs(written)) {
        engine.write('item_1', 0, constant(960, 300), 24000, now());
        written += 1;
      }
      render(1);
    }
    render(200);
    expect(written).toBe(38);
    expect(engine.underruns).toBe(0);
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(38 * 960);
  });

  it('holds a whole reply that arrives faster than real time', () => {
    const { engine, render, now } = makeEngine();
    for (let i = 0; i < 300; i++) engine.write('item_1', 0, constant(2400, 50), 24000, now()); // 30 s
    expect(engine.bufferedFrames).toBeGreaterThan(30 * 48000 - 200);
    render(10);
    expect(engine.positionOf('item_1', 0)?.playedSamples).toBe(640);
  });
});
