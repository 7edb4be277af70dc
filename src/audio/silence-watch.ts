/**
 * Watches the microphone's level reports for digital silence (a muted headset, a dead device,
 * a missing OS permission) and says when it starts and ends.
 */

import { SILENT_MICROPHONE_PEAK } from './defaults';
import type { MicrophoneSilenceInfo } from './capture-types';

/** Turns level reports into `silence` changes. */
export class SilenceWatch {
  readonly #timeoutMs: number;
  #silentSince: number | undefined;
  #reportedSilent = false;

  /** @param timeoutMs - How long the input must stay silent before it is reported; 0 never reports. */
  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** Forgets the past (a new pipeline). */
  reset(): void {
    this.#silentSince = undefined;
    this.#reportedSilent = false;
  }

  /** One level report; returns a change to announce, or undefined. */
  observe(peak: number, contextTime: number): MicrophoneSilenceInfo | undefined {
    if (this.#timeoutMs === 0) return undefined;
    if (peak < SILENT_MICROPHONE_PEAK) {
      this.#silentSince ??= contextTime;
      const durationMs = (contextTime - this.#silentSince) * 1000;
      if (this.#reportedSilent || durationMs < this.#timeoutMs) return undefined;
      this.#reportedSilent = true;
      return { silent: true, durationMs };
    }
    const since = this.#silentSince;
    this.#silentSince = undefined;
    if (!this.#reportedSilent) return undefined;
    this.#reportedSilent = false;
    return { silent: false, durationMs: since === undefined ? 0 : (contextTime - since) * 1000 };
  }
}
