/** The public types of {@link MicrophoneCapture}: its options, state and events. */

import type { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';
import type { AudioFormatLike } from '../codec/audio-format';
import type { MicrophoneCapture } from './capture';
import type { AudioDevice, MediaDevicesLike } from './devices';
import type { AudioHealthInfo } from './diagnose/problems';
import type { AudioLevel } from './levels';

/** Something whose playback ducks the microphone (an `AudioPlayer`). */
export interface DuckingSource {
  /** True while it is playing. */
  readonly isPlaying: boolean;
  /** Emits `playing` with true when playback starts and false when it stops. */
  on(event: 'playing', listener: (playing: boolean) => void): unknown;
  /** Removes a listener added with `on`. */
  off(event: 'playing', listener: (playing: boolean) => void): unknown;
}

/** Options for {@link MicrophoneCapture}. */
export interface MicrophoneCaptureOptions {
  /**
   * The AudioContext to capture in. Yours stays yours: voxwire never closes it. Give the
   * capture and the player the same context to save resources. Firefox refuses to connect a
   * microphone to a context created with a different `sampleRate`, so create it without one.
   * @default a new AudioContext at the platform's rate, closed by `stop()`
   */
  context?: AudioContext;
  /**
   * A microphone stream you acquired yourself. voxwire never stops its tracks; the audio
   * processing options below are then yours to set.
   * @default a stream from getUserMedia with the options below
   */
  stream?: MediaStream;
  /**
   * The microphone to open (see `listAudioInputDevices()`).
   * @default the system default microphone
   */
  deviceId?: string;
  /**
   * Ask the browser to cancel echo from the speakers. Note: Chromium's canceller does not
   * hear Web Audio output; see `AudioPlayer`'s `echoMitigation`.
   * @default true
   */
  echoCancellation?: boolean;
  /**
   * Ask the browser to suppress steady background noise.
   * @default true
   */
  noiseSuppression?: boolean;
  /**
   * Ask the browser to normalise the input level.
   * @default true
   */
  autoGainControl?: boolean;
  /**
   * The wire format of the chunks: `{ type: 'audio/pcm', rate: 24000 }` gives PCM16 `Int16Array`
   * chunks at 24 kHz; `audio/pcmu` / `audio/pcma` give G.711 `Uint8Array` chunks at 8 kHz. Match
   * the session's `audio.input.format`.
   * @default { type: 'audio/pcm', rate: 24000 }
   */
  format?: AudioFormatLike;
  /**
   * Duration of each chunk, in whole ms from 10 to 100. Shorter is lower latency; longer is
   * fewer events on the wire.
   * @default 20
   */
  chunkMs?: number;
  /**
   * Level reports per second (the `level` event), from 1 to 100.
   * @default 30
   */
  levelHz?: number;
  /**
   * After this many ms of digital silence (peak under -80 dBFS) the capture emits
   * `silence` with `silent: true` (a muted headset, a dead device, a missing OS permission),
   * and after this long at one unchanging value a `health` event `MICROPHONE_CONSTANT` (a
   * stuck driver). 0 turns both off.
   * @default 3000
   */
  silenceTimeoutMs?: number;
  /**
   * Start muted.
   * @default false
   */
  muted?: boolean;
  /**
   * Lower the microphone while this player is playing (input ducking): less of the
   * assistant's own voice reaches the server from speakers, at the cost of a quieter user
   * during barge-in. See docs/audio.md.
   * @default no ducking
   */
  duckDuring?: DuckingSource;
  /**
   * The input gain while ducked, 0..1.
   * @default 0.25 (-12 dB)
   */
  duckingGain?: number;
  /**
   * URL of `voxwire/audio/worklets/capture-processor.js` served by your app. Needed under a
   * Content-Security-Policy that does not allow `blob:` scripts.
   * @default the bundled copy, loaded from a Blob URL
   */
  workletUrl?: string | URL;
  /**
   * In a browser, stream the chunks to a `RealtimeClient`'s WebSocket from a dedicated Worker
   * linked to this capture's worklet, so they never wait for the page's main thread (see
   * docs/audio.md). While they do, `chunk` events are not emitted on the page. Off, or where the
   * Worker cannot start, chunks go through the main thread.
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
   * Resume a context that the system suspends or interrupts once it may run again. Turn off
   * if your app suspends the context itself on purpose.
   * @default true
   */
  autoResume?: boolean;
  /**
   * How long `start()` waits for the context to run before reporting `needsUserGesture`.
   * @default 400
   */
  resumeTimeoutMs?: number;
  /**
   * Where to find microphones (inject a fake in tests).
   * @default navigator.mediaDevices
   */
  mediaDevices?: MediaDevicesLike;
  /**
   * Where warnings go.
   * @default consoleLogger
   */
  logger?: Logger;
}

/** The capture's state. */
export type MicrophoneCaptureState =
  | {
      /** Not started: call `start()`. */
      status: 'idle';
    }
  | {
      /** Asking for the microphone and loading the worklet. */
      status: 'starting';
    }
  | {
      /** Capturing and delivering chunks. */
      status: 'capturing';
      /** The device in use (undefined when you passed the stream). */
      deviceId: string | undefined;
      /** Its label. */
      label: string;
      /** The AudioContext's rate, resampled to the wire rate in the worklet. */
      contextSampleRate: number;
    }
  | {
      /** The browser waits for a click or key press before it runs audio: call `resume()` from one. */
      status: 'needsUserGesture';
    }
  | {
      /** The system suspended audio (Safari `interrupted`, the device taken); it resumes by itself. */
      status: 'interrupted';
    }
  | {
      /** Stopped: the microphone is released. */
      status: 'stopped';
    };

/** Reported by the `silence` event. */
export interface MicrophoneSilenceInfo {
  /** True when the input has been digitally silent for `silenceTimeoutMs`; false when sound returns. */
  silent: boolean;
  /** How long the input had been silent, in ms. */
  durationMs: number;
}

/** @deprecated Renamed {@link MicrophoneSilenceInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type MicrophoneSilence = MicrophoneSilenceInfo;

/** Events of {@link MicrophoneCapture}. */
export interface MicrophoneCaptureEvents {
  /** The state changed. */
  state: [state: MicrophoneCaptureState, previous: MicrophoneCaptureState];
  /** One chunk in the wire format (also delivered to `subscribe` callbacks). */
  chunk: [chunk: Int16Array | Uint8Array];
  /** The input level, about `levelHz` times a second (measured before mute and ducking). */
  level: [level: AudioLevel];
  /** The microphone went digitally silent, or came back. */
  silence: [info: MicrophoneSilenceInfo];
  /** The list of microphones changed (a device was plugged in or out). */
  devices: [devices: AudioDevice[]];
  /** The capture switched to another microphone (by `setDevice` or after a device was lost). */
  device: [
    device: {
      /** The device now in use (undefined when you passed the stream). */
      deviceId: string | undefined;
      /** Its label. */
      label: string;
    },
  ];
  /** Something failed after `start()` resolved (a lost device that could not be replaced). */
  error: [error: RealtimeError];
  /**
   * A problem began (`active: true`) or ended (`active: false`) during capture: a silent or
   * stuck microphone, a lost device, a suspended or gesture-bound context. The codes are
   * `checkAudio()`'s; `capture.health` lists the active ones.
   */
  health: [event: AudioHealthInfo];
}
