/**
 * Every default of `voxwire/audio`, in one place (the root's defaults live in src/base/defaults.ts;
 * these stay behind the audio subpath so the root never carries them). Options types document
 * them with `@default`.
 */

/** Capture chunk duration: 20 ms, the size real-time voice stacks send. */
export const DEFAULT_CAPTURE_CHUNK_MS = 20;
/** Smallest and largest accepted capture chunk durations, in ms. */
export const MIN_CAPTURE_CHUNK_MS = 10;
export const MAX_CAPTURE_CHUNK_MS = 100;

/** Level reports per second (capture and playback meters). */
export const DEFAULT_LEVEL_HZ = 30;

/** A microphone whose peak stays below this (about -80 dBFS) is considered silent. */
export const SILENT_MICROPHONE_PEAK = 1e-4;
/** How long the input must stay that quiet before the capture reports a silent microphone. */
export const DEFAULT_SILENCE_TIMEOUT_MS = 3000;

/** Input gain while ducked (-12 dB): the user can still barge in, echo is weaker. */
export const DEFAULT_DUCKING_GAIN = 0.25;

/** Audio the player waits for before it starts (grown on underruns). */
export const DEFAULT_PREBUFFER_MS = 40;
/** Largest prebuffer the player adapts up to. */
export const DEFAULT_MAX_PREBUFFER_MS = 300;
/** Flush fade-out duration (the bound is 5 ms: short, but long enough not to click). */
export const DEFAULT_FADE_MS = 5;
export const MAX_FADE_MS = 5;
/** How long `flush()` waits for the worklet's acknowledgement before using the last report. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 500;

/** How long `start()` waits for a context to reach `running` before asking for a gesture. */
export const DEFAULT_RESUME_TIMEOUT_MS = 400;

/** The rate of `audio/pcm` the Realtime API uses. */
export const WIRE_PCM_RATE = 24000;

/** A microphone varying less than this (RMS around its mean) while not silent is stuck at one value. */
export const CONSTANT_MICROPHONE_AC_RMS = 1e-4;
/** `checkAudio()` listens to the microphone this long (ms) to judge it silent or constant. */
export const DEFAULT_CHECK_LISTEN_MS = 1200;
/** Below this capture rate (Hz) speech loses the consonants recognisers need (a headset in hands-free mode runs at 8 or 16 kHz). */
export const LOW_CAPTURE_RATE_HZ = 16000;
/** Normalised correlation from which the echo check counts its probe as found in the microphone. */
export const ECHO_DETECTION_CORRELATION = 0.3;
/** Echo return loss (dB) from which no echo mitigation is recommended (headphones, a good canceller). */
export const ECHO_ERL_NO_MITIGATION_DB = 30;
/** Echo return loss (dB) below which ducking is recommended on top of the loopback. */
export const ECHO_ERL_DUCKING_DB = 10;
/** The largest echo return loss the echo check reports, in dB (an echo it cannot tell from nothing). */
export const MAX_REPORTED_ERL_DB = 100;
/** The echo probe's length, in ms. */
export const ECHO_PROBE_MS = 400;
/** The longest echo delay the echo check searches, in ms (Bluetooth output adds 150-300 ms). */
export const ECHO_MAX_DELAY_MS = 1500;
/** A microphone that stays at one value (while not silent) this long, in ms, is reported stuck during a call. */
export const DEFAULT_CONSTANT_TIMEOUT_MS = 2000;
/** Audio `checkAudio()` drops before it analyses (ms): the capture's start-up (filter ramp, first empty buffers). */
export const CHECK_SETTLE_MS = 200;
