/**
 * Payload types renamed to the `Info` suffix (ARCHITECTURE.md "Names") keep their old names for
 * one release as deprecated aliases of the same type, so code written against them still
 * compiles. Each alias is imported from its public entry, as a user imports it.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type {
  AudioHealthEvent,
  AudioHealthInfo,
  MicrophoneCaptureEvents,
  MicrophoneSilence,
  MicrophoneSilenceInfo,
  AudioPlayerEvents,
  PlaybackStart,
  PlaybackStartInfo,
  PlaybackUnderrun,
  PlaybackUnderrunInfo,
} from 'voxwire/audio';
import type { LiveClientEvents, LiveInterruption, LiveInterruptionInfo } from 'voxwire/live';
import type {
  IncomingSipCallEvents,
  MediaStreamCallEvents,
  MediaStreamInterruption,
  MediaStreamInterruptionInfo,
  MediaStreamStart,
  MediaStreamStartInfo,
  SipDtmf,
  SipDtmfInfo,
} from 'voxwire/server';

describe('deprecated payload names', () => {
  it('are the renamed types, which the events carry', () => {
    expectTypeOf<AudioHealthEvent>().toEqualTypeOf<AudioHealthInfo>();
    expectTypeOf<MicrophoneCaptureEvents['health']>().toEqualTypeOf<[event: AudioHealthInfo]>();
    expectTypeOf<AudioPlayerEvents['health']>().toEqualTypeOf<[event: AudioHealthInfo]>();
    expectTypeOf<MicrophoneSilence>().toEqualTypeOf<MicrophoneSilenceInfo>();
    expectTypeOf<MicrophoneCaptureEvents['silence']>().toEqualTypeOf<[info: MicrophoneSilenceInfo]>();
    expectTypeOf<PlaybackStart>().toEqualTypeOf<PlaybackStartInfo>();
    expectTypeOf<AudioPlayerEvents['started']>().toEqualTypeOf<[start: PlaybackStartInfo]>();
    expectTypeOf<PlaybackUnderrun>().toEqualTypeOf<PlaybackUnderrunInfo>();
    expectTypeOf<AudioPlayerEvents['underrun']>().toEqualTypeOf<[underrun: PlaybackUnderrunInfo]>();
    expectTypeOf<LiveInterruption>().toEqualTypeOf<LiveInterruptionInfo>();
    expectTypeOf<LiveClientEvents['interrupted']>().toEqualTypeOf<[info: LiveInterruptionInfo]>();
    expectTypeOf<MediaStreamStart>().toEqualTypeOf<MediaStreamStartInfo>();
    expectTypeOf<MediaStreamCallEvents['started']>().toEqualTypeOf<[start: MediaStreamStartInfo]>();
    expectTypeOf<MediaStreamInterruption>().toEqualTypeOf<MediaStreamInterruptionInfo>();
    expectTypeOf<MediaStreamCallEvents['interrupted']>().toEqualTypeOf<[interruption: MediaStreamInterruptionInfo]>();
    expectTypeOf<SipDtmf>().toEqualTypeOf<SipDtmfInfo>();
    expectTypeOf<IncomingSipCallEvents['dtmf']>().toEqualTypeOf<[dtmf: SipDtmfInfo]>();
  });
});
