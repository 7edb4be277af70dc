/** The public types of {@link AudioPlayer}: its options, state, events and reports. */

import type { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';
import type { PlaybackPosition } from '../client/audio-io';
import type { MediaDevicesLike } from './devices';
import type { CreatePeerConnection } from './echo-loopback';
import type { AudioHealthInfo } from './diagnose/problems';
import type { AudioLevel } from './levels';
import type { AudioPlayer } from './playback';

/** Options for {@link AudioPlayer}. */
export interface AudioPlayerOptions {
  /**
   * The AudioContext to play in. Yours stays yours: voxwire never closes it.
   * @default a new AudioContext at the platform's rate, closed by `close()`
   */
  context?: AudioContext;
  /**
   * The jitter buffer, in ms: new audio waits up to this long before it plays, unless enough
   * is queued to start at once (this much, and at least the largest recent chunk plus half of
   * this, so audio paced in real time in large chunks does not drain between them). Each
   * underrun grows it by 20 ms up to `maxPrebufferMs`; ten seconds without one shrinks it back
   * a step.
   * @default 40
   */
  prebufferMs?: number;
  /**
   * The largest prebuffer the adaptation may reach, in ms.
   * @default 300
   */
  maxPrebufferMs?: number;
  /**
   * Duration of the fade-out on `flush()`, in ms, from 0.1 to 5. It starts in the first
   * render quantum after the flush reaches the worklet.
   * @default 5
   */
  fadeMs?: number;
  /**
   * Output volume, 0..1 (a gain after the worklet; levels are measured before it).
   * @default 1
   */
  volume?: number;
  /**
   * The output device (see `listAudioOutputDevices()`). Uses `AudioContext.setSinkId` where
   * the browser has it, otherwise routes through a media element.
   * @default the system default output
   */
  outputDeviceId?: string;
  /**
   * `'loopback'` routes playback through a loopback RTCPeerConnection into a media element,
   * so Chromium's echo canceller hears it and the assistant does not interrupt itself on
   * speakers. Costs tens of ms of latency and some CPU; see docs/audio.md.
   * @default 'none'
   */
  echoMitigation?: 'none' | 'loopback';
  /**
   * Where the output goes instead of the speakers (a node of the same context: an analyser,
   * a recorder). Not combinable with `outputDeviceId` or `echoMitigation`.
   * @default context.destination
   */
  destination?: AudioNode;
  /**
   * Status and output level reports per second, from 1 to 100.
   * @default 30
   */
  levelHz?: number;
  /**
   * How long `flush()` waits for the worklet's acknowledgement before it settles for the
   * last periodic report (marked `stale`).
   * @default 500
   */
  flushTimeoutMs?: number;
  /**
   * URL of `voxwire/audio/worklets/playback-processor.js` served by your app. Needed under a
   * Content-Security-Policy that does not allow `blob:` scripts.
   * @default the bundled copy, loaded from a Blob URL
   */
  workletUrl?: string | URL;
  /**
   * In a browser, open the WebSocket of a `RealtimeClient` in a dedicated Worker linked to this
   * player's worklet, so output audio and barge-in never wait for the page's main thread (see
   * docs/audio.md). Off, or where the Worker cannot start, audio goes through the main thread.
   * @default true
   */
  offThread?: boolean;
  /**
   * URL of `voxwire/audio/worklets/socket-worker.js` served by your app. Needed for `offThread`
   * under a Content-Security-Policy that does not allow `blob:` workers.
   * @default the bundled copy, loaded from a Blob URL
   */
  workerUrl?: string | URL;
  /**
   * Resume a context that the system suspends or interrupts once it may run again.
   * @default true
   */
  autoResume?: boolean;
  /**
   * How long `start()` waits for the context to run before reporting `needsUserGesture`.
   * @default 400
   */
  resumeTimeoutMs?: number;
  /**
   * Creates the loopback's peer connections (inject in tests).
   * @default (configuration) => new RTCPeerConnection(configuration)
   */
  createPeerConnection?: CreatePeerConnection;
  /**
   * Where to find output devices.
   * @default navigator.mediaDevices
   */
  mediaDevices?: MediaDevicesLike;
  /**
   * Where warnings go.
   * @default consoleLogger
   */
  logger?: Logger;
}

/** The player's state. */
export type AudioPlayerState =
  | {
      /** Not started: `start()` (or the first `write`) starts it. */
      status: 'idle';
    }
  | {
      /** Creating the AudioContext and loading the worklet. */
      status: 'starting';
    }
  | {
      /** Ready to play. */
      status: 'ready';
      /** The AudioContext's rate; audio is resampled to it in the worklet. */
      contextSampleRate: number;
    }
  | {
      /** The browser waits for a click or key press before it plays audio: call `resume()` from one. */
      status: 'needsUserGesture';
    }
  | {
      /** The system suspended audio (Safari `interrupted`, the device taken); it resumes by itself. */
      status: 'interrupted';
    }
  | {
      /** Closed for good. */
      status: 'closed';
    };

/** What `flush()` resolves with: where playback stood when output went silent. */
export interface AudioPlayerFlushResult extends PlaybackPosition {
  /** Samples of the part the player had received. */
  receivedSamples: number;
  /** AudioContext time (s) of the first silent frame after the fade. */
  silentAt: number;
  /** AudioContext time (s) at which the fade began. */
  fadeStartedAt: number;
  /**
   * True when the worklet did not acknowledge within `flushTimeoutMs` (the context stopped
   * rendering mid-fade) and the figures come from its last periodic report.
   */
  stale: boolean;
}

/** A part that began to play (the `started` event). */
export interface PlaybackStartInfo {
  /** The item the audio belongs to. */
  itemId: string;
  /** The content part index within the item. */
  contentIndex: number;
  /** AudioContext time (s) of its first rendered frame. */
  contextTime: number;
}

/** @deprecated Renamed {@link PlaybackStartInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type PlaybackStart = PlaybackStartInfo;

/** An underrun (the `underrun` event). */
export interface PlaybackUnderrunInfo {
  /** The item whose part ran dry mid-stream. */
  itemId: string;
  /** The content part index within the item. */
  contentIndex: number;
  /** Underruns since the player started. */
  underruns: number;
  /** The prebuffer after adapting, in ms. */
  prebufferMs: number;
}

/** @deprecated Renamed {@link PlaybackUnderrunInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type PlaybackUnderrun = PlaybackUnderrunInfo;

/** Counters of {@link AudioPlayer.stats}. */
export interface PlaybackStats {
  /** True while audio is rendering. */
  playing: boolean;
  /** Times the queue ran dry in the middle of a part (network or generation too slow). */
  underruns: number;
  /**
   * Interarrival jitter of written chunks, in ms (the RFC 3550 estimator: smoothed difference
   * between arrival spacing and audio duration).
   */
  jitterMs: number;
  /** Audio queued in the worklet at its last report, in ms. */
  bufferedMs: number;
  /** The prebuffer in use, in ms. */
  prebufferMs: number;
  /** Chunks written. */
  chunksWritten: number;
  /** The context's reported output latency (base + output), in ms; 0 where unknown. */
  outputLatencyMs: number;
}

/** Events of {@link AudioPlayer}. */
export interface AudioPlayerEvents {
  /** The state changed. */
  state: [state: AudioPlayerState, previous: AudioPlayerState];
  /** Playback started (true) or stopped: ran out of audio or was flushed (false). */
  playing: [playing: boolean];
  /** A part's first frame was rendered. */
  started: [start: PlaybackStartInfo];
  /** The output level, about `levelHz` times a second while playing. */
  level: [level: AudioLevel];
  /** The queue ran dry in the middle of a part. */
  underrun: [underrun: PlaybackUnderrunInfo];
  /** A flush completed. */
  flushed: [result: AudioPlayerFlushResult | null];
  /** Something failed in the background (the lazy start from `write`, an output device). */
  error: [error: RealtimeError];
  /**
   * A problem began (`active: true`) or ended (`active: false`) during playback: a suspended or
   * gesture-bound context, a failed output device. The codes are `checkAudio()`'s;
   * `player.health` lists the active ones.
   */
  health: [event: AudioHealthInfo];
}
