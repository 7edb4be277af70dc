import { describe, expectTypeOf, it } from 'vitest';
import type { AudioInputSource, AudioOutputSink, PlaybackPosition } from '../../src/client/audio-io';
import {
  AudioPlayer,
  MicrophoneCapture,
  type AudioLevel,
  type AudioPlayerFlushResult,
  type AudioPlayerState,
  type MicrophoneCaptureState,
} from '../../src/audio/index';

describe('voxwire/audio public types', () => {
  it('implements the client audio interfaces', () => {
    expectTypeOf<MicrophoneCapture>().toMatchTypeOf<AudioInputSource>();
    expectTypeOf<AudioPlayer>().toMatchTypeOf<AudioOutputSink>();
    expectTypeOf<AudioPlayerFlushResult>().toMatchTypeOf<PlaybackPosition>();
    expectTypeOf<AudioPlayer['flush']>().returns.resolves.toEqualTypeOf<AudioPlayerFlushResult | null>();
  });

  it('delivers PCM16 or G.711 chunks', () => {
    expectTypeOf<Parameters<Parameters<MicrophoneCapture['subscribe']>[0]>[0]>().toEqualTypeOf<Int16Array | Uint8Array>();
  });

  it('types states as discriminated unions', () => {
    expectTypeOf<MicrophoneCaptureState['status']>().toEqualTypeOf<'idle' | 'starting' | 'capturing' | 'needsUserGesture' | 'interrupted' | 'stopped'>();
    expectTypeOf<AudioPlayerState['status']>().toEqualTypeOf<'idle' | 'starting' | 'ready' | 'needsUserGesture' | 'interrupted' | 'closed'>();
    expectTypeOf<Extract<MicrophoneCaptureState, { status: 'capturing' }>['contextSampleRate']>().toEqualTypeOf<number>();
  });

  it('types the events', () => {
    const capture = new MicrophoneCapture();
    capture.on('level', (level) => expectTypeOf(level).toEqualTypeOf<AudioLevel>());
    const player = new AudioPlayer();
    player.on('flushed', (result) => expectTypeOf(result).toEqualTypeOf<AudioPlayerFlushResult | null>());
    player.on('playing', (playing) => expectTypeOf(playing).toEqualTypeOf<boolean>());
  });
});
