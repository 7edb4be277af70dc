/**
 * The mock server's voice activity detector: an energy VAD over PCM16, standing in for the
 * Realtime API's `server_vad` (and approximating `semantic_vad`, see {@link semanticVadSettings}).
 *
 * How it decides, in 10 ms frames:
 * - Each frame's level is the RMS of the last 30 ms in dBFS (a 0 dBFS full-scale square wave is
 *   the top; digital silence reads as -100 dBFS). The 30 ms smoothing keeps steady noise from
 *   flickering across the threshold.
 * - The noise floor is the lowest level of the last {@link VAD_NOISE_WINDOW_MS} of audio, so a
 *   steady background (fan, room, the pink noise of the `question-noisy` fixture) is learnt
 *   within its first frames and never counts as speech, and a floor that jumps up (a noise
 *   source switching on) is re-learnt within that window.
 * - A frame is voiced when its level is at least {@link vadLevels}`(threshold).marginDb` above
 *   the floor and above `minSpeechDbfs`. Speech starts after {@link VAD_ONSET_MS} of voiced
 *   frames; while speaking, the margin is relaxed by {@link VAD_HANGOVER_DB} so word endings
 *   stay inside the utterance. Speech stops after `silenceDurationMs` without a voiced frame.
 *
 * Reported times follow the API's definitions (see the `openai` package's docs of
 * `input_audio_buffer.speech_started|stopped`): `audioStartMs` is the first voiced frame minus
 * `prefixPaddingMs` (the start of the audio the model will hear), `audioEndMs` is the end of the
 * last voiced frame plus `silenceDurationMs` (the moment the stop was decided). Both count
 * milliseconds of audio pushed since the detector was created, not wall-clock time.
 *
 * Pure and synchronous: no timers, no I/O, so it runs the same under a WebSocket, a WebRTC
 * data channel or a unit test.
 */

/** Length of one analysis frame. */
export const VAD_FRAME_MS = 10;
/** Window over which the level of a frame is measured (RMS), ending at the frame. */
export const VAD_LEVEL_WINDOW_MS = 30;
/** Window over which the noise floor is the minimum level. */
export const VAD_NOISE_WINDOW_MS = 2000;
/** Voiced audio needed before speech is declared started. */
export const VAD_ONSET_MS = 30;
/** How much the margin relaxes once speech has started (hysteresis). */
export const VAD_HANGOVER_DB = 4;
/** The level digital silence is reported at. */
export const VAD_SILENCE_DBFS = -100;

/** Settings of {@link EnergyVad}, named as in the session's `turn_detection`. */
export interface EnergyVadOptions {
  /** Sample rate of the PCM16 pushed into the detector (24000 for `audio/pcm`, 8000 for G.711). */
  sampleRate: number;
  /**
   * Activation threshold, 0..1, as `turn_detection.threshold`; higher needs louder speech
   * relative to the background. Mapped to decibels by {@link vadLevels}.
   * @default 0.5
   */
  threshold?: number;
  /**
   * Audio before the detected onset that belongs to the utterance.
   * @default 300
   */
  prefixPaddingMs?: number;
  /**
   * Silence that ends an utterance.
   * @default 500
   */
  silenceDurationMs?: number;
}

/** What {@link EnergyVad.push} reports. Times are milliseconds of audio since the detector started. */
export type VadEvent =
  | {
      /** Speech began. */
      type: 'speech_started';
      /** Start of the utterance's audio: the first voiced frame minus the prefix padding (not below 0). */
      audioStartMs: number;
      /** Start of the first voiced frame. */
      onsetMs: number;
    }
  | {
      /** Speech ended. */
      type: 'speech_stopped';
      /** End of the utterance's audio: the last voiced frame's end plus the silence duration. */
      audioEndMs: number;
      /** End of the last voiced frame. */
      speechEndMs: number;
    };

/** The decibel levels a `threshold` maps to. */
export interface VadLevels {
  /** How far above the noise floor a frame must be to count as voiced. */
  marginDb: number;
  /** The quietest level that may count as voiced at all, in dBFS. */
  minSpeechDbfs: number;
}

/**
 * Maps the API's 0..1 `threshold` to decibels, linearly: `marginDb = 4 + 16 * threshold` above
 * the noise floor and `minSpeechDbfs = -70 + 40 * threshold`. The default 0.5 asks for 12 dB
 * over the background and -50 dBFS absolute, which keeps the 15 dB SNR noisy fixture's noise out
 * and its speech in; 0 accepts anything 4 dB over the floor, 1 needs 20 dB and -30 dBFS.
 * Values outside 0..1 are clamped.
 */
export function vadLevels(threshold: number): VadLevels {
  const clamped = Number.isFinite(threshold) ? Math.min(1, Math.max(0, threshold)) : 0.5;
  return { marginDb: 4 + 16 * clamped, minSpeechDbfs: -70 + 40 * clamped };
}

/** `semantic_vad` eagerness levels. */
export type SemanticVadEagerness = 'low' | 'medium' | 'high' | 'auto';

/**
 * How `semantic_vad` is approximated: the same energy detector, with the silence that ends a
 * turn chosen by eagerness (`high` 300 ms, `medium`/`auto` 600 ms, `low` 1200 ms; the real model
 * judges whether the sentence is finished, which an energy detector cannot), threshold 0.5 and
 * 300 ms of prefix padding.
 */
export function semanticVadSettings(eagerness: SemanticVadEagerness | undefined): Required<Omit<EnergyVadOptions, 'sampleRate'>> {
  const silenceDurationMs = eagerness === 'high' ? 300 : eagerness === 'low' ? 1200 : 600;
  return { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs };
}

const DEFAULTS = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 } as const;

/**
 * Streaming energy VAD. Push PCM16 in chunks of any size; it reports onsets and ends as they
 * are decided.
 *
 * @example
 * ```ts
 * const vad = new EnergyVad({ sampleRate: 24000, threshold: 0.5 });
 * for (const event of vad.push(chunk)) console.log(event.type, event);
 * ```
 */
export class EnergyVad {
  readonly #sampleRate: number;
  readonly #frameSamples: number;
  #settings: Required<Omit<EnergyVadOptions, 'sampleRate'>>;
  #levels: VadLevels;

  /** Samples of the frame being filled. */
  readonly #pending: Int16Array;
  #pendingLength = 0;
  /** Frames completed since creation. */
  #frames = 0;
  /** Mean-square power of the last three frames, for the 30 ms level. */
  readonly #recentPower: number[] = [];
  /** Monotonic deque of [frameIndex, levelDb] for the sliding-window minimum. */
  readonly #floorDeque: Array<[number, number]> = [];
  #speaking = false;
  #voicedRun = 0;
  #firstVoicedFrame = -1;
  #lastVoicedFrame = -1;

  constructor(options: EnergyVadOptions) {
    if (!Number.isFinite(options.sampleRate) || options.sampleRate < 1000) {
      throw new RangeError(`EnergyVad: sampleRate must be a number >= 1000, got ${String(options.sampleRate)}.`);
    }
    this.#sampleRate = options.sampleRate;
    this.#frameSamples = Math.round((options.sampleRate * VAD_FRAME_MS) / 1000);
    this.#pending = new Int16Array(this.#frameSamples);
    this.#settings = { ...DEFAULTS };
    this.#levels = vadLevels(DEFAULTS.threshold);
    this.configure(options);
  }

  /** The sample rate the detector was created for. */
  get sampleRate(): number {
    return this.#sampleRate;
  }

  /** True between a `speech_started` and the following `speech_stopped`. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Milliseconds of audio pushed so far (whole and partial frames). */
  get positionMs(): number {
    return ((this.#frames * this.#frameSamples + this.#pendingLength) * 1000) / this.#sampleRate;
  }

  /** The current settings, defaults filled in. */
  get settings(): Readonly<Required<Omit<EnergyVadOptions, 'sampleRate'>>> {
    return this.#settings;
  }

  /** Changes threshold, padding or silence duration mid-stream (a `session.update`). */
  configure(options: Partial<Omit<EnergyVadOptions, 'sampleRate'>>): void {
    const next = { ...this.#settings };
    if (options.threshold !== undefined) next.threshold = options.threshold;
    if (options.prefixPaddingMs !== undefined) next.prefixPaddingMs = Math.max(0, options.prefixPaddingMs);
    if (options.silenceDurationMs !== undefined) next.silenceDurationMs = Math.max(0, options.silenceDurationMs);
    this.#settings = next;
    this.#levels = vadLevels(next.threshold);
  }

  /**
   * Ends the current utterance without a `speech_stopped` (the API does this when the client
   * commits or clears the buffer while speech is active). The noise floor is kept.
   */
  resetSpeech(): void {
    this.#speaking = false;
    this.#voicedRun = 0;
    this.#firstVoicedFrame = -1;
    this.#lastVoicedFrame = -1;
  }

  /** Feeds samples; returns the onsets and ends decided within them, in order. */
  push(samples: Int16Array): VadEvent[] {
    const events: VadEvent[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.#frameSamples - this.#pendingLength, samples.length - offset);
      this.#pending.set(samples.subarray(offset, offset + take), this.#pendingLength);
      this.#pendingLength += take;
      offset += take;
      if (this.#pendingLength === this.#frameSamples) {
        this.#pendingLength = 0;
        const event = this.#frame(this.#pending);
        if (event) events.push(event);
      }
    }
    return events;
  }

  #frameStartMs(frame: number): number {
    return frame * VAD_FRAME_MS;
  }

  #frame(frame: Int16Array): VadEvent | undefined {
    const index = this.#frames++;
    let sum = 0;
    for (let i = 0; i < frame.length; i++) {
      const sample = frame[i]!;
      sum += sample * sample;
    }
    this.#recentPower.push(sum / frame.length);
    if (this.#recentPower.length > VAD_LEVEL_WINDOW_MS / VAD_FRAME_MS) this.#recentPower.shift();
    const meanPower = this.#recentPower.reduce((a, b) => a + b, 0) / this.#recentPower.length;
    const levelDb = meanPower > 0 ? Math.max(VAD_SILENCE_DBFS, 10 * Math.log10(meanPower / (32768 * 32768))) : VAD_SILENCE_DBFS;

    const deque = this.#floorDeque;
    while (deque.length > 0 && deque[deque.length - 1]![1] >= levelDb) deque.pop();
    deque.push([index, levelDb]);
    const windowFrames = VAD_NOISE_WINDOW_MS / VAD_FRAME_MS;
    while (deque[0]![0] <= index - windowFrames) deque.shift();
    const floorDb = deque[0]![1];

    const margin = this.#levels.marginDb - (this.#speaking ? VAD_HANGOVER_DB : 0);
    const voiced = levelDb >= this.#levels.minSpeechDbfs && levelDb - floorDb >= margin;

    if (voiced) {
      this.#voicedRun += 1;
      if (this.#voicedRun === 1) this.#firstVoicedFrame = index;
      this.#lastVoicedFrame = index;
    } else {
      this.#voicedRun = 0;
    }

    if (!this.#speaking) {
      if (this.#voicedRun * VAD_FRAME_MS >= VAD_ONSET_MS) {
        this.#speaking = true;
        // The level is a 30 ms window ending at the frame, so the sound began up to two frames
        // before the first frame that crossed the line.
        const onsetFrame = Math.max(0, this.#firstVoicedFrame - (VAD_LEVEL_WINDOW_MS / VAD_FRAME_MS - 1));
        const onsetMs = this.#frameStartMs(onsetFrame);
        return {
          type: 'speech_started',
          onsetMs,
          audioStartMs: Math.max(0, onsetMs - this.#settings.prefixPaddingMs),
        };
      }
      return undefined;
    }

    const silentMs = (index - this.#lastVoicedFrame) * VAD_FRAME_MS;
    if (silentMs >= this.#settings.silenceDurationMs) {
      this.#speaking = false;
      this.#voicedRun = 0;
      // Same 30 ms window as at the onset: the level stays up for two frames after the sound.
      const lastSoundFrame = Math.max(this.#firstVoicedFrame, this.#lastVoicedFrame - (VAD_LEVEL_WINDOW_MS / VAD_FRAME_MS - 1));
      const speechEndMs = this.#frameStartMs(lastSoundFrame + 1);
      return {
        type: 'speech_stopped',
        speechEndMs,
        audioEndMs: speechEndMs + this.#settings.silenceDurationMs,
      };
    }
    return undefined;
  }
}

/** A span of speech found by {@link detectSpeech}. */
export interface SpeechSegment {
  /** Start of the utterance's audio, prefix padding included. */
  audioStartMs: number;
  /** End of the utterance's audio, silence duration included (or the end of the input). */
  audioEndMs: number;
  /** First voiced frame. */
  onsetMs: number;
  /** End of the last voiced frame (or the end of the input while still speaking). */
  speechEndMs: number;
}

/**
 * Runs {@link EnergyVad} over a whole clip and returns its utterances; an utterance still open
 * at the end of the clip ends there. Handy for checking a clip before using it in a scenario.
 *
 * @example
 * ```ts
 * const { pcm } = await loadFixtureAudio('question');
 * detectSpeech(pcm, { sampleRate: 24000 }); // [{ onsetMs: 300, speechEndMs: 2370, ... }]
 * ```
 */
export function detectSpeech(pcm: Int16Array, options: EnergyVadOptions): SpeechSegment[] {
  const vad = new EnergyVad(options);
  const segments: SpeechSegment[] = [];
  let open: { audioStartMs: number; onsetMs: number } | undefined;
  for (const event of vad.push(pcm)) {
    if (event.type === 'speech_started') {
      open = { audioStartMs: event.audioStartMs, onsetMs: event.onsetMs };
    } else if (open) {
      segments.push({ ...open, audioEndMs: event.audioEndMs, speechEndMs: event.speechEndMs });
      open = undefined;
    }
  }
  if (open) {
    const endMs = vad.positionMs;
    segments.push({ ...open, audioEndMs: endMs, speechEndMs: endMs });
  }
  return segments;
}
