/**
 * AudioContext ownership and lifecycle, shared by the capture and the player:
 * - a context the app passes in is used as is and never closed;
 * - a context voxwire creates has no `sampleRate` (the platform's own: Firefox throws when a
 *   MediaStream meets a context of another rate) and is closed by `dispose()`;
 * - a context the autoplay policy keeps suspended is reported as `needsUserGesture`, and the
 *   next click, key or touch on the page resumes it;
 * - a context the system suspends (another app took the audio device, a tab in the
 *   background) or Safari `interrupted` (a phone call, Siri) is resumed once it may run again.
 */

import { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';

/**
 * Where an AudioContext stands, as voxwire sees it. `needsUserGesture`: the browser will not
 * start audio until the user interacts with the page; call `resume()` from a click handler
 * (or let the next click anywhere do it).
 */
export type AudioContextStatus = 'running' | 'needsUserGesture' | 'suspended' | 'interrupted' | 'closed';

/** Options of {@link AudioContextLifecycle}. @internal */
export interface AudioContextLifecycleOptions {
  context: AudioContext | undefined;
  createContext: (() => AudioContext) | undefined;
  resumeTimeoutMs: number;
  autoResume: boolean;
  logger: Logger;
}

const GESTURE_EVENTS = ['pointerdown', 'keydown', 'touchend', 'click'] as const;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Owns (or borrows) one AudioContext and keeps it running. @internal */
export class AudioContextLifecycle {
  /** The context. */
  readonly context: AudioContext;
  /** True when voxwire created the context (and so may close it). */
  readonly owned: boolean;
  readonly #options: AudioContextLifecycleOptions;
  readonly #listeners = new Set<(status: AudioContextStatus) => void>();
  #currentStatus: AudioContextStatus;
  #gestureArmed = false;
  #disposed = false;
  #resuming: Promise<boolean> | undefined;

  readonly #onStateChange = (): void => {
    void this.#handleStateChange();
  };
  readonly #onGesture = (): void => {
    void this.resume();
  };
  readonly #onVisibility = (): void => {
    const documentLike = (globalThis as { document?: { visibilityState?: string } }).document;
    if (documentLike?.visibilityState === 'visible' && this.context.state !== 'running') void this.#tryResume();
  };

  constructor(options: AudioContextLifecycleOptions) {
    this.#options = options;
    if (options.context !== undefined) {
      this.context = options.context;
      this.owned = false;
    } else {
      this.context = createDefaultContext(options.createContext);
      this.owned = true;
    }
    this.#currentStatus = this.#statusFromState();
    this.context.addEventListener('statechange', this.#onStateChange);
    const documentLike = (globalThis as { document?: EventTarget }).document;
    documentLike?.addEventListener('visibilitychange', this.#onVisibility);
  }

  /** The current status. */
  get status(): AudioContextStatus {
    return this.#currentStatus;
  }

  /** Registers a status listener; returns a function that removes it. */
  onStatus(listener: (status: AudioContextStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Tries to get the context running. Resolves true when it runs; false when the browser wants
   * a user gesture first (the status is then `needsUserGesture` and the next gesture on the
   * page resumes it).
   */
  async ensureRunning(): Promise<boolean> {
    if (this.context.state === 'running') {
      this.#setStatus('running');
      return true;
    }
    const running = await this.#tryResume();
    if (!running && this.context.state !== 'closed') {
      this.#setStatus('needsUserGesture');
      this.#armGesture();
    }
    return running;
  }

  /** Resumes the context; call it from a user gesture handler when the status asks for one. */
  async resume(): Promise<boolean> {
    const running = await this.#tryResume();
    if (!running && this.context.state !== 'closed') {
      this.#setStatus(this.context.state === 'interrupted' ? 'interrupted' : 'needsUserGesture');
      this.#armGesture();
    }
    return running;
  }

  /** Removes every listener; closes the context only if voxwire created it. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#disarmGesture();
    this.context.removeEventListener('statechange', this.#onStateChange);
    const documentLike = (globalThis as { document?: EventTarget }).document;
    documentLike?.removeEventListener('visibilitychange', this.#onVisibility);
    this.#listeners.clear();
    if (this.owned && this.context.state !== 'closed') {
      try {
        await this.context.close();
      } catch (error) {
        this.#options.logger.debug('closing the AudioContext failed', { error });
      }
    }
  }

  async #tryResume(): Promise<boolean> {
    if (this.#disposed || this.context.state === 'closed') return false;
    if (this.context.state === 'running') return true;
    this.#resuming ??= (async () => {
      try {
        // Chromium leaves resume() pending (not rejected) until the page is allowed to play.
        const resumed = this.context.resume().then(
          () => true,
          (error: unknown) => {
            this.#options.logger.debug('AudioContext.resume() rejected', { error });
            return false;
          },
        );
        await Promise.race([resumed, sleep(this.#options.resumeTimeoutMs)]);
      } finally {
        this.#resuming = undefined;
      }
      return this.context.state === 'running';
    })();
    return this.#resuming;
  }

  async #handleStateChange(): Promise<void> {
    if (this.#disposed) return;
    const state = this.context.state as AudioContextState | 'interrupted';
    if (state === 'running') {
      this.#disarmGesture();
      this.#setStatus('running');
      return;
    }
    if (state === 'closed') {
      this.#disarmGesture();
      this.#setStatus('closed');
      return;
    }
    if (state === 'interrupted') {
      // Safari: nothing can resume until the interruption ends (the state then returns to
      // `suspended`, handled below); a gesture or returning to the tab retries.
      this.#setStatus('interrupted');
      this.#armGesture();
      return;
    }
    this.#setStatus('suspended');
    if (!this.#options.autoResume) return;
    const running = await this.#tryResume();
    if (!running && this.context.state !== 'closed' && !this.#disposed) {
      this.#setStatus((this.context.state as string) === 'interrupted' ? 'interrupted' : 'needsUserGesture');
      this.#armGesture();
    }
  }

  #statusFromState(): AudioContextStatus {
    const state = this.context.state as AudioContextState | 'interrupted';
    return state === 'running' ? 'running' : state === 'closed' ? 'closed' : state === 'interrupted' ? 'interrupted' : 'suspended';
  }

  #setStatus(status: AudioContextStatus): void {
    if (status === this.#currentStatus) return;
    this.#currentStatus = status;
    for (const listener of [...this.#listeners]) {
      try {
        listener(status);
      } catch (error) {
        this.#options.logger.error('an AudioContext status listener threw', { error });
      }
    }
  }

  #armGesture(): void {
    if (this.#gestureArmed || this.#disposed) return;
    const target = (globalThis as { document?: EventTarget }).document;
    if (target === undefined) return;
    this.#gestureArmed = true;
    for (const type of GESTURE_EVENTS) target.addEventListener(type, this.#onGesture, { capture: true, passive: true });
  }

  #disarmGesture(): void {
    if (!this.#gestureArmed) return;
    this.#gestureArmed = false;
    const target = (globalThis as { document?: EventTarget }).document;
    for (const type of GESTURE_EVENTS) target?.removeEventListener(type, this.#onGesture, { capture: true });
  }
}

function createDefaultContext(createContext: (() => AudioContext) | undefined): AudioContext {
  if (createContext !== undefined) return createContext();
  const AudioContextClass =
    (globalThis as { AudioContext?: typeof AudioContext }).AudioContext ??
    (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (AudioContextClass === undefined) {
    throw new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', 'Web Audio is not available here: voxwire/audio needs a browser with AudioContext.');
  }
  // No sampleRate: the platform's own rate, which every MediaStream source accepts.
  return new AudioContextClass({ latencyHint: 'interactive' });
}
