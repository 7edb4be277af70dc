/**
 * The two processors in a simulated AudioWorkletGlobalScope: registration, construction from
 * processorOptions, the message protocol in both directions and transferred buffers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureProcessorMessage, PlaybackProcessorMessage } from '../../src/audio/worklets/messages';

interface Posted {
  message: unknown;
  transfer: Transferable[] | undefined;
}

class FakePort {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  readonly posted: Posted[] = [];
  postMessage(message: unknown, transfer?: Transferable[]): void {
    this.posted.push({ message, transfer });
  }
  deliver(data: unknown): void {
    this.onmessage?.({ data });
  }
}

type ProcessorInstance = {
  port: FakePort;
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean;
};
type ProcessorClass = new (options: { processorOptions: unknown }) => ProcessorInstance;

const registered = new Map<string, ProcessorClass>();
const scope = globalThis as Record<string, unknown>;
const saved = new Map<string, unknown>();

beforeAll(async () => {
  for (const name of ['AudioWorkletProcessor', 'registerProcessor', 'sampleRate', 'currentTime', 'currentFrame']) saved.set(name, scope[name]);
  scope.AudioWorkletProcessor = class {
    readonly port = new FakePort();
  };
  scope.registerProcessor = (name: string, processor: ProcessorClass) => registered.set(name, processor);
  scope.sampleRate = 48000;
  scope.currentTime = 0;
  scope.currentFrame = 0;
  await import('../../src/audio/worklets/capture-processor');
  await import('../../src/audio/worklets/playback-processor');
});

afterAll(() => {
  for (const [name, value] of saved) {
    if (value === undefined) delete scope[name];
    else scope[name] = value;
  }
});

describe('capture processor', () => {
  it('registers as voxwire-capture and posts transferable chunks, levels and a final stop', () => {
    const Capture = registered.get('voxwire-capture')!;
    expect(Capture).toBeDefined();
    const processor = new Capture({
      processorOptions: { targetRate: 24000, chunkSamples: 480, encoding: 'pcm16', levelIntervalFrames: 1600, muted: false, gain: 1 },
    });
    const block = new Float32Array(128).fill(0.25);
    for (let i = 0; i < 40; i++) {
      scope.currentTime = (i * 128) / 48000;
      expect(processor.process([[block]], [])).toBe(true);
    }
    const chunks = processor.port.posted.filter((posted) => (posted.message as CaptureProcessorMessage).type === 'chunk');
    expect(chunks.length).toBe(5); // 40 × 128 / 2 = 2560 samples at 24 kHz, minus the lookahead
    for (const posted of chunks) {
      const message = posted.message as Extract<CaptureProcessorMessage, { type: 'chunk' }>;
      expect(message.data).toBeInstanceOf(Int16Array);
      expect(posted.transfer).toEqual([message.data.buffer]);
    }
    const levels = processor.port.posted.filter((posted) => (posted.message as CaptureProcessorMessage).type === 'level');
    expect(levels).toHaveLength(3);
    expect((levels[0]!.message as { peak: number }).peak).toBeCloseTo(0.25, 6);

    processor.port.deliver({ type: 'mute', muted: true });
    processor.port.deliver({ type: 'gain', gain: 0.5 });
    processor.port.deliver({ type: 'stop' });
    const last = processor.port.posted[processor.port.posted.length - 1]!.message as CaptureProcessorMessage;
    expect(last).toEqual({ type: 'stopped', chunks: 6 });
    expect(processor.process([[block]], [])).toBe(false);
  });

  it('linked with the route already known, sends its first chunk to the socket worker; otherwise to the page until the worker routes it', () => {
    const Capture = registered.get('voxwire-capture')!;
    const options = { processorOptions: { targetRate: 24000, chunkSamples: 480, encoding: 'pcm16', levelIntervalFrames: 1600, muted: false, gain: 1 } };
    const block = new Float32Array(128).fill(0.25);
    const chunksOf = (port: FakePort) => port.posted.filter((posted) => (posted.message as CaptureProcessorMessage).type === 'chunk');
    const run = (processor: ProcessorInstance, quanta: number) => {
      for (let i = 0; i < quanta; i++) processor.process([[block]], []);
    };

    // The page knew the route when it linked: no chunk ever reaches the page.
    const routed = new Capture(options);
    const routedLink = new FakePort();
    routed.port.deliver({ type: 'link', port: routedLink, toLink: true });
    run(routed, 40);
    expect(chunksOf(routed.port)).toHaveLength(0);
    expect(chunksOf(routedLink)).toHaveLength(5);
    // The worker still decides: it routes back to the page.
    routedLink.deliver({ type: 'route', toLink: false });
    run(routed, 20);
    expect(chunksOf(routed.port).length).toBeGreaterThan(0);

    // Linked without a route: chunks go to the page until the worker says otherwise.
    const unrouted = new Capture(options);
    const link = new FakePort();
    unrouted.port.deliver({ type: 'link', port: link });
    run(unrouted, 40);
    expect(chunksOf(unrouted.port)).toHaveLength(5);
    expect(chunksOf(link)).toHaveLength(0);
    link.deliver({ type: 'route', toLink: true });
    run(unrouted, 20);
    expect(chunksOf(unrouted.port)).toHaveLength(5);
    expect(chunksOf(link).length).toBeGreaterThan(0);
  });
});

describe('playback processor', () => {
  it('registers as voxwire-playback, renders writes to every output channel and acknowledges flushes', () => {
    const Playback = registered.get('voxwire-playback')!;
    const processor = new Playback({ processorOptions: { prebufferMs: 0, maxPrebufferMs: 100, fadeMs: 5, statusIntervalFrames: 1600 } });
    processor.port.deliver({ type: 'write', itemId: 'item_1', contentIndex: 0, samples: new Int16Array(2400).fill(8192), sampleRate: 24000 });
    const left = new Float32Array(128);
    const right = new Float32Array(128);
    for (let i = 0; i < 4; i++) {
      scope.currentTime = (i * 128) / 48000;
      expect(processor.process([], [[left, right]])).toBe(true);
    }
    expect(left[64]).toBeCloseTo(0.25, 6);
    expect(right).toEqual(left);
    processor.port.deliver({ type: 'flush', id: 9, immediate: false });
    for (let i = 4; i < 8; i++) {
      scope.currentTime = (i * 128) / 48000;
      processor.process([], [[left, right]]);
    }
    const messages = processor.port.posted.map((posted) => posted.message as PlaybackProcessorMessage);
    const flushed = messages.find((message) => message.type === 'flushed');
    expect(flushed).toMatchObject({ type: 'flushed', ids: [9], position: { itemId: 'item_1', playedSamples: (512 + 240) / 2 } });
    expect(left.every((value) => value === 0)).toBe(true);
    // A processor without outputs connected keeps running.
    expect(processor.process([], [])).toBe(true);
  });
});
