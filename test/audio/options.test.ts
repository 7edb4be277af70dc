/**
 * Misconfiguration throws from the constructors, before any device or network is touched
 * (a RealtimeError with a stable code), with the code and a message that names the value.
 */
import { describe, expect, it } from 'vitest';
import { AudioPlayer, MicrophoneCapture } from '../../src/audio/index';
import { RealtimeError } from '../../src/base/errors';
import { thrown } from '../helpers/index';

describe('MicrophoneCapture options', () => {
  it('derives chunk size and rate from the format', () => {
    expect(new MicrophoneCapture()).toMatchObject({ sampleRate: 24000, encoding: 'pcm16', chunkSamples: 480 });
    expect(new MicrophoneCapture({ format: { type: 'audio/pcmu' }, chunkMs: 40 })).toMatchObject({ sampleRate: 8000, encoding: 'mulaw', chunkSamples: 320 });
    expect(new MicrophoneCapture({ format: { type: 'audio/pcma' } })).toMatchObject({ encoding: 'alaw', chunkSamples: 160 });
  });

  it('rejects a chunk size outside 10–100 ms', () => {
    for (const chunkMs of [5, 101, 20.5]) {
      const error = thrown(() => new MicrophoneCapture({ chunkMs }));
      expect(error.code).toBe('VOXWIRE_INVALID_ARGUMENT');
      expect(error.message).toContain(`got ${chunkMs}`);
    }
  });

  it('rejects an unknown format, a bad level rate and a bad ducking gain', () => {
    expect(thrown(() => new MicrophoneCapture({ format: { type: 'audio/opus' } })).code).toBe('VOXWIRE_AUDIO_UNSUPPORTED');
    expect(thrown(() => new MicrophoneCapture({ levelHz: 0 })).message).toContain('levelHz');
    expect(thrown(() => new MicrophoneCapture({ duckingGain: 2 })).message).toContain('duckingGain');
    expect(thrown(() => new MicrophoneCapture({ silenceTimeoutMs: -1 })).message).toContain('silenceTimeoutMs');
  });

  it('reports a missing Web Audio clearly when started outside a browser, and stop() then does nothing', async () => {
    const capture = new MicrophoneCapture();
    const starting = capture.start();
    const stopping = capture.stop();
    await expect(starting).rejects.toMatchObject({ code: 'VOXWIRE_AUDIO_UNSUPPORTED' });
    await expect(stopping).resolves.toBeUndefined();
    expect(capture.state).toEqual({ status: 'idle' });
  });
});

describe('AudioPlayer options', () => {
  it('rejects a fade longer than 5 ms, a bad prebuffer and a bad volume', () => {
    expect(thrown(() => new AudioPlayer({ fadeMs: 6 })).message).toContain('fadeMs');
    expect(thrown(() => new AudioPlayer({ prebufferMs: 100, maxPrebufferMs: 50 })).message).toContain('maxPrebufferMs');
    expect(thrown(() => new AudioPlayer({ volume: 1.5 })).message).toContain('volume');
    expect(thrown(() => new AudioPlayer().setVolume(-1)).code).toBe('VOXWIRE_INVALID_ARGUMENT');
    const destination = {} as AudioNode;
    expect(thrown(() => new AudioPlayer({ destination, outputDeviceId: 'x' })).message).toContain('custom destination');
    expect(thrown(() => new AudioPlayer({ destination, echoMitigation: 'loopback' })).code).toBe('VOXWIRE_INVALID_ARGUMENT');
  });

  it('refuses to start after close', async () => {
    const player = new AudioPlayer();
    await player.close();
    expect(player.state).toEqual({ status: 'closed' });
    await expect(player.start()).rejects.toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT' });
  });

  it('validates written chunks', () => {
    const player = new AudioPlayer();
    expect(thrown(() => player.write({ itemId: 'a', contentIndex: 0, samples: new Float32Array(4) as unknown as Int16Array, sampleRate: 24000 })).message).toContain('Int16Array');
    expect(thrown(() => player.write({ itemId: 'a', contentIndex: -1, samples: new Int16Array(4), sampleRate: 24000 })).code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(thrown(() => player.write({ itemId: 'a', contentIndex: 0, samples: new Int16Array(4), sampleRate: 0 })).message).toContain('sampleRate');
  });

  it('flushes queued audio before start with a zero count, and emits one error for a failed lazy start', async () => {
    const player = new AudioPlayer();
    const errors: RealtimeError[] = [];
    player.on('error', (error) => errors.push(error));
    player.write({ itemId: 'item_1', contentIndex: 0, samples: new Int16Array(480), sampleRate: 24000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors.map((error) => error.code)).toEqual(['VOXWIRE_AUDIO_UNSUPPORTED']);
    player.write({ itemId: 'item_1', contentIndex: 0, samples: new Int16Array(480), sampleRate: 24000 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(errors).toHaveLength(1);
    expect(await player.flush()).toBeNull();
  });
});
