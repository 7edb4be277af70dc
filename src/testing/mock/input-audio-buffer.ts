/**
 * The mock's input audio buffer: the client's uncommitted audio, decoded to PCM16, on the
 * session's audio clock (milliseconds of audio appended since the session began, the clock the
 * API's `audio_start_ms` / `audio_end_ms` use).
 */

import { concatPcm16 } from '../../codec/wire-audio';

interface Chunk {
  /** Absolute sample index (at the current rate) of the chunk's first sample. */
  start: number;
  pcm: Int16Array;
}

/**
 * Uncommitted input audio with absolute positions. Bounded: beyond `maxBufferedMs` the oldest
 * audio is forgotten (a client streaming for an hour with no turn detection would otherwise
 * hold the whole hour).
 */
export class InputAudioBuffer {
  readonly #maxBufferedMs: number;
  #sampleRate = 0;
  /** Session audio clock (ms) at sample 0 of the current rate. */
  #originMs = 0;
  /** Samples appended at the current rate. */
  #appended = 0;
  #chunks: Chunk[] = [];
  #bufferedSamples = 0;

  constructor(maxBufferedMs: number) {
    this.#maxBufferedMs = maxBufferedMs;
  }

  /** Milliseconds of audio appended since the session began (the session's audio clock). */
  get clockMs(): number {
    return this.#sampleRate === 0 ? this.#originMs : this.#originMs + (this.#appended * 1000) / this.#sampleRate;
  }

  /** Where the uncommitted audio starts on the audio clock. */
  get startMs(): number {
    const first = this.#chunks[0];
    return first === undefined ? this.clockMs : this.#toMs(first.start);
  }

  /** Milliseconds of uncommitted audio. */
  get bufferedMs(): number {
    return this.#sampleRate === 0 ? 0 : (this.#bufferedSamples * 1000) / this.#sampleRate;
  }

  /** Sample rate of the buffered audio (0 before any audio). */
  get sampleRate(): number {
    return this.#sampleRate;
  }

  /** Appends decoded audio. A change of sample rate (a new input format) drops what was buffered. */
  append(pcm: Int16Array, sampleRate: number): void {
    if (sampleRate !== this.#sampleRate) {
      this.#originMs = this.clockMs;
      this.#sampleRate = sampleRate;
      this.#appended = 0;
      this.#chunks = [];
      this.#bufferedSamples = 0;
    }
    if (pcm.length === 0) return;
    this.#chunks.push({ start: this.#appended, pcm: pcm.slice() });
    this.#appended += pcm.length;
    this.#bufferedSamples += pcm.length;
    const maxSamples = Math.ceil((this.#maxBufferedMs * sampleRate) / 1000);
    while (this.#bufferedSamples - (this.#chunks[0]?.pcm.length ?? 0) >= maxSamples && this.#chunks.length > 1) {
      this.#bufferedSamples -= this.#chunks.shift()!.pcm.length;
    }
  }

  /**
   * Removes and returns the audio between `fromMs` and `toMs` on the audio clock (clamped to
   * what is buffered). Audio before `toMs` is consumed; audio after it stays buffered.
   */
  take(fromMs: number, toMs: number): Int16Array {
    if (this.#sampleRate === 0) return new Int16Array(0);
    const from = Math.max(this.#toSample(fromMs), this.#chunks[0]?.start ?? this.#appended);
    const to = Math.min(Math.max(from, this.#toSample(toMs)), this.#appended);
    const pieces: Int16Array[] = [];
    const kept: Chunk[] = [];
    for (const chunk of this.#chunks) {
      const chunkEnd = chunk.start + chunk.pcm.length;
      if (chunkEnd > from && chunk.start < to) {
        pieces.push(chunk.pcm.subarray(Math.max(0, from - chunk.start), Math.min(chunk.pcm.length, to - chunk.start)));
      }
      if (chunkEnd > to) {
        const offset = Math.max(0, to - chunk.start);
        kept.push({ start: chunk.start + offset, pcm: chunk.pcm.subarray(offset) });
      }
    }
    this.#chunks = kept;
    this.#bufferedSamples = kept.reduce((sum, chunk) => sum + chunk.pcm.length, 0);
    return pieces.length === 0 ? new Int16Array(0) : concatPcm16(pieces).slice();
  }

  /** Removes and returns everything buffered. */
  takeAll(): Int16Array {
    return this.take(this.startMs, this.clockMs);
  }

  /** Drops everything buffered (the clock keeps its time). */
  clear(): void {
    this.#chunks = [];
    this.#bufferedSamples = 0;
  }

  #toMs(sample: number): number {
    return this.#originMs + (sample * 1000) / this.#sampleRate;
  }

  #toSample(ms: number): number {
    return Math.round(((ms - this.#originMs) * this.#sampleRate) / 1000);
  }
}
