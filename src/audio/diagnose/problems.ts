/**
 * The audio problems voxwire can name, each with a stable code, a severity, a reason and a
 * fix. `checkAudio()` reports them before a call; `MicrophoneCapture` and `AudioPlayer` emit
 * the ones that can arise during a call as `health` events, with the same codes.
 */

/**
 * Every audio problem code. Codes are a contract (apps branch on them and docs/audio.md lists
 * them); reasons and fixes are for people and may improve between versions.
 */
export const AUDIO_PROBLEM_CODES = {
  /** `navigator.mediaDevices` is missing: the page is not a secure context, or not a browser. */
  MEDIA_DEVICES_UNAVAILABLE: 'MEDIA_DEVICES_UNAVAILABLE',
  /** The user or the browser's settings denied the microphone. */
  MICROPHONE_PERMISSION_DENIED: 'MICROPHONE_PERMISSION_DENIED',
  /** The browser will ask for the microphone when the call starts. */
  MICROPHONE_PERMISSION_PROMPT: 'MICROPHONE_PERMISSION_PROMPT',
  /** No microphone is connected (or the requested one is gone). */
  NO_MICROPHONE: 'NO_MICROPHONE',
  /** The microphone exists but could not be opened (another application holds it, or it failed). */
  MICROPHONE_UNREADABLE: 'MICROPHONE_UNREADABLE',
  /** The browser lists no output device (Firefox hides them; or none is connected). */
  NO_OUTPUT_DEVICE: 'NO_OUTPUT_DEVICE',
  /** The microphone delivers audio at a rate too low for speech recognition (a headset in hands-free mode). */
  LOW_CAPTURE_RATE: 'LOW_CAPTURE_RATE',
  /** Web Audio (AudioContext) is missing. */
  AUDIO_CONTEXT_UNAVAILABLE: 'AUDIO_CONTEXT_UNAVAILABLE',
  /** The browser waits for a click or key press before it runs audio. */
  AUDIO_CONTEXT_NEEDS_GESTURE: 'AUDIO_CONTEXT_NEEDS_GESTURE',
  /** The system suspended or interrupted audio (a phone call, another app, a background tab). */
  AUDIO_CONTEXT_INTERRUPTED: 'AUDIO_CONTEXT_INTERRUPTED',
  /** The microphone delivers digital silence (muted, a dead device, an OS privacy switch). */
  MICROPHONE_SILENT: 'MICROPHONE_SILENT',
  /** The microphone delivers one constant value (a stuck driver or a DC-only signal). */
  MICROPHONE_CONSTANT: 'MICROPHONE_CONSTANT',
  /** The microphone in use was unplugged or stopped; the capture moved to the default one. */
  MICROPHONE_LOST: 'MICROPHONE_LOST',
  /** The inline (blob:) worklet is blocked by the page's Content-Security-Policy; the served files work. */
  WORKLET_INLINE_BLOCKED: 'WORKLET_INLINE_BLOCKED',
  /** The worklet could not be loaded from the `workletUrl` given. */
  WORKLET_URL_FAILED: 'WORKLET_URL_FAILED',
  /** No way to load the worklet works here: capture and playback cannot start. */
  WORKLET_BLOCKED: 'WORKLET_BLOCKED',
  /** The browser cannot choose the output device (no `setSinkId`). */
  OUTPUT_SELECTION_UNSUPPORTED: 'OUTPUT_SELECTION_UNSUPPORTED',
  /** The microphone hears the speakers (the echo check found its probe). */
  ECHO_DETECTED: 'ECHO_DETECTED',
  /** The echo check could not run (no output, the probe could not play). */
  ECHO_CHECK_FAILED: 'ECHO_CHECK_FAILED',
  /** An output device failed or could not be selected during the call. */
  OUTPUT_DEVICE_FAILED: 'OUTPUT_DEVICE_FAILED',
} as const;

/** One of {@link AUDIO_PROBLEM_CODES}. */
export type AudioProblemCode = keyof typeof AUDIO_PROBLEM_CODES;

/**
 * How much a problem matters: `error` stops a voice call from working, `warning` degrades it,
 * `info` is worth knowing (what the user will see, a setup choice to make).
 */
export type AudioProblemSeverity = 'error' | 'warning' | 'info';

/** One problem found by `checkAudio()` or reported by a `health` event. */
export interface AudioProblem {
  /** Stable code. */
  code: AudioProblemCode;
  /** How much it matters. */
  severity: AudioProblemSeverity;
  /** What was observed, with the values measured. */
  reason: string;
  /** What fixes it (for the user or the developer). */
  fix: string;
}

/**
 * A `health` event of `MicrophoneCapture` or `AudioPlayer`: a problem that began during a call
 * (`active: true`) or ended (`active: false`, the same code again).
 */
export interface AudioHealthInfo extends AudioProblem {
  /** True when the problem begins, false when it is over. */
  active: boolean;
}

/** @deprecated Renamed {@link AudioHealthInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type AudioHealthEvent = AudioHealthInfo;

const SEVERITY: Record<AudioProblemCode, AudioProblemSeverity> = {
  MEDIA_DEVICES_UNAVAILABLE: 'error',
  MICROPHONE_PERMISSION_DENIED: 'error',
  MICROPHONE_PERMISSION_PROMPT: 'info',
  NO_MICROPHONE: 'error',
  MICROPHONE_UNREADABLE: 'error',
  NO_OUTPUT_DEVICE: 'info',
  LOW_CAPTURE_RATE: 'warning',
  AUDIO_CONTEXT_UNAVAILABLE: 'error',
  AUDIO_CONTEXT_NEEDS_GESTURE: 'warning',
  AUDIO_CONTEXT_INTERRUPTED: 'warning',
  MICROPHONE_SILENT: 'error',
  MICROPHONE_CONSTANT: 'error',
  MICROPHONE_LOST: 'warning',
  WORKLET_INLINE_BLOCKED: 'info',
  WORKLET_URL_FAILED: 'warning',
  WORKLET_BLOCKED: 'error',
  OUTPUT_SELECTION_UNSUPPORTED: 'info',
  ECHO_DETECTED: 'warning',
  ECHO_CHECK_FAILED: 'warning',
  OUTPUT_DEVICE_FAILED: 'warning',
};

/** Builds a problem with its code's severity (a check may lower it with `severity`). */
export function audioProblem(code: AudioProblemCode, reason: string, fix: string, severity: AudioProblemSeverity = SEVERITY[code]): AudioProblem {
  return { code, severity, reason, fix };
}

/** The fix for a permission that is denied, shared by the check and the capture's errors. */
export const PERMISSION_FIX =
  'Allow the microphone for this site (the camera/microphone icon in the address bar, or the browser\'s site settings) and, on macOS or Windows, for the browser in the system privacy settings; then reload.';

/** The fix for a microphone that delivers nothing usable, shared by the check and the health events. */
export const DEAD_MICROPHONE_FIX =
  'Check the microphone\'s mute switch and the system input volume, allow the browser in the system privacy settings, or choose another microphone (listAudioInputDevices() / capture.setDevice()).';
