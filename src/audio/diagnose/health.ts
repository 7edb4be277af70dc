/**
 * Runtime health of the capture and the player: the problems `checkAudio()` names before a
 * call, watched during one and announced as `health` events (`active: true` when one begins,
 * `active: false` with the same code when it ends). Derived from what the objects already
 * emit (state, silence, levels, device changes), so the engines stay unaware of it.
 */

import type { RealtimeError } from '../../base/errors';
import { SILENT_MICROPHONE_PEAK } from '../defaults';
import type { AudioLevel } from '../levels';
import { audioProblem, DEAD_MICROPHONE_FIX, type AudioHealthInfo, type AudioProblem, type AudioProblemCode } from './problems';

/** A level report's peak and RMS this close (relative) count as one unchanging value. */
const CONSTANT_RMS_TO_PEAK = 0.99;

/** The active problems of one object, announced on change. @internal */
export class HealthTracker {
  readonly #active = new Map<AudioProblemCode, AudioProblem>();
  readonly #emit: (event: AudioHealthInfo) => void;

  constructor(emit: (event: AudioHealthInfo) => void) {
    this.#emit = emit;
  }

  /** The problems active now, in the order they began. */
  get active(): AudioProblem[] {
    return [...this.#active.values()];
  }

  /** Announces a problem unless it is already active. */
  begin(problem: AudioProblem): void {
    if (this.#active.has(problem.code)) return;
    this.#active.set(problem.code, problem);
    this.#emit({ ...problem, active: true });
  }

  /** Announces the end of a problem if it is active. */
  end(code: AudioProblemCode, reason: string): void {
    const problem = this.#active.get(code);
    if (problem === undefined) return;
    this.#active.delete(code);
    this.#emit({ ...problem, reason, active: false });
  }

  /** Ends every active problem (the object stopped). */
  endAll(reason: string): void {
    for (const code of [...this.#active.keys()]) this.end(code, reason);
  }
}

/**
 * Watches level reports for a microphone stuck at one value: not silent, and every report's
 * RMS equal to its peak (a constant signal; speech, noise and tones all have RMS well under
 * their peak) for `timeoutMs` of audio.
 *
 * @internal
 */
export class ConstantWatch {
  readonly #timeoutMs: number;
  #since: number | undefined;
  #reported = false;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** One level report; returns true when the input became stuck, false when it recovered, undefined otherwise. */
  observe(level: AudioLevel): boolean | undefined {
    if (this.#timeoutMs === 0) return undefined;
    const stuck = level.peak >= SILENT_MICROPHONE_PEAK && level.rms >= level.peak * CONSTANT_RMS_TO_PEAK;
    if (stuck) {
      this.#since ??= level.contextTime;
      if (this.#reported || (level.contextTime - this.#since) * 1000 < this.#timeoutMs) return undefined;
      this.#reported = true;
      return true;
    }
    this.#since = undefined;
    if (!this.#reported) return undefined;
    this.#reported = false;
    return false;
  }
}

const GESTURE_FIX = 'Call resume() from a click or key handler (the next click anywhere on the page also resumes audio).';
const INTERRUPTED_FIX = 'End the other call or app that took the audio device, or bring the tab to the front; audio resumes by itself (unless autoResume is off: then call resume()).';

/** Maps a capture's or player's state to the context problems. @internal */
export function trackContextState(health: HealthTracker, status: string, who: string): void {
  if (status === 'needsUserGesture') {
    health.end('AUDIO_CONTEXT_INTERRUPTED', 'Audio is waiting for a gesture instead.');
    health.begin(audioProblem('AUDIO_CONTEXT_NEEDS_GESTURE', `The ${who}'s AudioContext waits for a click or key press (the browser's autoplay policy).`, GESTURE_FIX));
  } else if (status === 'interrupted') {
    health.end('AUDIO_CONTEXT_NEEDS_GESTURE', 'The context is now interrupted instead.');
    health.begin(audioProblem('AUDIO_CONTEXT_INTERRUPTED', `The system suspended the ${who}'s AudioContext (another app, a call, a background tab).`, INTERRUPTED_FIX));
  } else if (status === 'capturing' || status === 'ready') {
    health.end('AUDIO_CONTEXT_NEEDS_GESTURE', 'Audio runs.');
    health.end('AUDIO_CONTEXT_INTERRUPTED', 'Audio runs.');
  } else if (status === 'stopped' || status === 'closed') {
    health.endAll(`The ${who} ${status === 'stopped' ? 'stopped' : 'closed'}.`);
  }
}

/** The slice of `MicrophoneCapture` its health watch listens to. @internal */
export interface WatchedCapture {
  readonly stream: MediaStream | undefined;
  on(event: 'state', listener: (state: { status: string }) => void): unknown;
  on(event: 'silence', listener: (info: { silent: boolean; durationMs: number }) => void): unknown;
  on(event: 'level', listener: (level: AudioLevel) => void): unknown;
  on(event: 'device', listener: (device: { deviceId: string | undefined; label: string }) => void): unknown;
}

/**
 * Derives a capture's health from its events: a silent or stuck microphone, a lost device, a
 * suspended or gesture-bound context.
 *
 * @internal
 */
export function watchCaptureHealth(capture: WatchedCapture, health: HealthTracker, timeoutMs: number): void {
  const constant = new ConstantWatch(timeoutMs);
  let watched: MediaStreamTrack | undefined;
  const onEnded = (): void => {
    health.begin(
      audioProblem('MICROPHONE_LOST', 'The microphone in use was unplugged or stopped; switching to the default microphone.', 'Reconnect the microphone, or choose another one (capture.setDevice()).'),
    );
  };
  const watchTrack = (): void => {
    const track = capture.stream?.getAudioTracks()[0];
    if (track === watched) return;
    watched?.removeEventListener('ended', onEnded);
    watched = track;
    track?.addEventListener('ended', onEnded);
  };
  capture.on('state', (state) => {
    trackContextState(health, state.status, 'microphone capture');
    if (state.status === 'capturing') watchTrack();
    if (state.status === 'stopped') {
      watched?.removeEventListener('ended', onEnded);
      watched = undefined;
    }
  });
  capture.on('device', (device) => {
    watchTrack();
    health.end('MICROPHONE_LOST', `Capturing from ${device.label === '' ? 'another microphone' : JSON.stringify(device.label)} now.`);
  });
  capture.on('silence', (info) => {
    if (info.silent) {
      health.begin(audioProblem('MICROPHONE_SILENT', `The microphone has delivered digital silence for ${Math.round(info.durationMs)} ms.`, DEAD_MICROPHONE_FIX));
    } else {
      health.end('MICROPHONE_SILENT', `Sound came back after ${Math.round(info.durationMs)} ms.`);
    }
  });
  capture.on('level', (level) => {
    const change = constant.observe(level);
    if (change === true) {
      health.begin(
        audioProblem(
          'MICROPHONE_CONSTANT',
          `The microphone has delivered one constant value (about ${level.peak.toFixed(3)}) for ${timeoutMs} ms: the driver or device is stuck.`,
          `Unplug and reconnect the microphone or restart the browser. ${DEAD_MICROPHONE_FIX}`,
        ),
      );
    } else if (change === false) {
      health.end('MICROPHONE_CONSTANT', 'The microphone varies again.');
    }
  });
}

/** The slice of `AudioPlayer` its health watch listens to. @internal */
export interface WatchedPlayer {
  readonly context: AudioContext | undefined;
  on(event: 'state', listener: (state: { status: string }) => void): unknown;
  on(event: 'error', listener: (error: RealtimeError) => void): unknown;
}

/**
 * Derives a player's health from its events: a suspended or gesture-bound context, and an
 * output device that failed (the `error` event). It does not listen to the AudioContext's own
 * `error` event: in Chromium a listener there made real-time playback underrun
 * (test/browser/playback.browser.test.ts, paced writes).
 *
 * @internal
 */
export function watchPlayerHealth(player: WatchedPlayer, health: HealthTracker): void {
  let playing: AudioContext | undefined;
  player.on('state', (state) => {
    trackContextState(health, state.status, 'player');
    const context = player.context;
    if (state.status === 'ready' && context !== playing) {
      playing = context;
      health.end('OUTPUT_DEVICE_FAILED', 'Audio plays again.');
    }
  });
  player.on('error', (error) => {
    if (error.code !== 'VOXWIRE_AUDIO_DEVICE') return;
    health.begin(
      audioProblem('OUTPUT_DEVICE_FAILED', `The audio output failed: ${error.message}`, 'Reconnect the speakers or headset, or choose another output (player.setOutputDevice()).'),
    );
  });
}
