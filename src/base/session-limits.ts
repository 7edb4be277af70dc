import type { Clock } from './clock';

/**
 * Which limit ended (or is about to end) a session: its maximum duration, or a stretch without
 * activity. The same words as the end reasons of `SESSION_END_REASONS` (src/base/errors.ts),
 * whether the client's own limit or the relay's fired.
 */
export type SessionLimitKind = 'time_limit' | 'idle';

/**
 * The server events that count as activity for the idle limit, in the client and the relay
 * alike: the user speaking (speech detected, a buffer committed, their transcript streaming)
 * and the assistant answering (a response starting, its audio, transcript or text streaming,
 * its playback starting or stopping, the response finishing). A user listening to a long
 * answer is not idle. Streamed input audio is not activity (a microphone streams silence
 * too); every other client event is (the owner touches for those).
 */
export const SESSION_ACTIVITY_EVENT_TYPES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  'input_audio_buffer.speech_started',
  'input_audio_buffer.committed',
  'conversation.item.input_audio_transcription.delta',
  'response.created',
  'response.output_audio.delta',
  'response.output_audio_transcript.delta',
  'response.output_text.delta',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'response.done',
]);

/** Options of {@link SessionLimits}. */
export interface SessionLimitsOptions {
  /** Time source for the timers. */
  clock: Clock;
  /** End the session this long after the first {@link SessionLimits.start} (off when undefined or not finite). */
  maxDurationMs?: number | undefined;
  /** End the session after this long without {@link SessionLimits.touch} (off when undefined or not finite). */
  idleMs?: number | undefined;
  /** How long before a limit `onWarning` is called (0: at the limit itself, just before `onEnd`). */
  warningMs: number;
  /** Called once per limit, `warningMs` before it (never for idle stretches that activity ended). */
  onWarning(kind: SessionLimitKind, remainingMs: number): void;
  /** Called once when a limit is reached; the limits are stopped by then. */
  onEnd(kind: SessionLimitKind): void;
}

/** Options of {@link SessionLimits.start}. */
export interface SessionLimitsStartOptions {
  /**
   * A restored connection of the same session: the maximum duration keeps counting from the
   * first start (what is left of it is armed), instead of starting over. @default false
   */
  resume?: boolean;
}

/**
 * The time limits of one session: a maximum duration and an idle timeout, each with a warning
 * ahead of it. The owner says what counts as activity by calling {@link SessionLimits.touch};
 * the timers run on the injected clock, so tests drive them with a fake one.
 */
export class SessionLimits {
  readonly #options: SessionLimitsOptions;
  readonly #timers = new Set<unknown>();
  #lastActivityAt = 0;
  #running = false;
  /** When the maximum duration started counting (the first start, not a resume). */
  #durationStartedAt = 0;
  #durationWarned = false;

  constructor(options: SessionLimitsOptions) {
    this.#options = options;
  }

  /** Arms the limits from now (stopping any armed before). */
  start(options: SessionLimitsStartOptions = {}): void {
    this.stop();
    this.#running = true;
    const { maxDurationMs, idleMs, warningMs, clock } = this.#options;
    if (!options.resume) {
      this.#durationStartedAt = clock.now();
      this.#durationWarned = false;
    }
    if (isLimit(maxDurationMs)) {
      const remainingMs = Math.max(0, maxDurationMs - (clock.now() - this.#durationStartedAt));
      const warnIn = Math.max(0, remainingMs - warningMs);
      if (!this.#durationWarned) {
        this.#schedule(() => {
          this.#durationWarned = true;
          this.#options.onWarning('time_limit', remainingMs - warnIn);
        }, warnIn);
      }
      this.#schedule(() => this.#reach('time_limit'), remainingMs);
    }
    if (isLimit(idleMs)) {
      this.#lastActivityAt = this.#options.clock.now();
      this.#checkIdle(idleMs, warningMs, false);
    }
  }

  /** Records activity: the idle limit counts from now. */
  touch(): void {
    this.#lastActivityAt = this.#options.clock.now();
  }

  /** Disarms every limit. Safe to call in any state. */
  stop(): void {
    this.#running = false;
    for (const handle of this.#timers) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
  }

  #reach(kind: SessionLimitKind): void {
    this.stop();
    this.#options.onEnd(kind);
  }

  #checkIdle(idleMs: number, warningMs: number, warned: boolean): void {
    const idleFor = this.#options.clock.now() - this.#lastActivityAt;
    const warnAt = Math.max(0, idleMs - warningMs);
    if (idleFor >= idleMs) {
      this.#reach('idle');
      return;
    }
    if (!warned && idleFor >= warnAt) {
      this.#options.onWarning('idle', idleMs - idleFor);
      // The warning's listener may have stopped the limits.
      if (this.#running) this.#schedule(() => this.#checkIdle(idleMs, warningMs, true), idleMs - idleFor);
      return;
    }
    // Activity since the warning resets it.
    const next = idleFor < warnAt ? warnAt - idleFor : idleMs - idleFor;
    this.#schedule(() => this.#checkIdle(idleMs, warningMs, warned && idleFor >= warnAt), next);
  }

  #schedule(callback: () => void, delayMs: number): void {
    const handle = this.#options.clock.setTimeout(() => {
      this.#timers.delete(handle);
      callback();
    }, delayMs);
    this.#timers.add(handle);
  }
}

function isLimit(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value);
}
