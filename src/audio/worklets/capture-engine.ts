/**
 * The capture processor's logic, free of AudioWorklet globals so Node tests can drive it:
 * downmix, ducking/mute gain, resampling to the wire rate, PCM16 (or G.711) chunking and
 * input levels. Internal.
 */

import { floatToPcm16 } from '../../codec/pcm16';
import { encodeAlaw, encodeMulaw } from '../../codec/g711';
import { Resampler } from '../../codec/resampler';
import type { CaptureEncoding } from './messages';

/** Construction options of {@link CaptureEngine}. */
export interface CaptureEngineOptions {
  /** The context's rate (the input rate), in Hz. */
  inputRate: number;
  /** The wire rate, in Hz. */
  targetRate: number;
  /** Samples per emitted chunk at `targetRate`. */
  chunkSamples: number;
  encoding: CaptureEncoding;
  /** Input frames per level report. */
  levelIntervalFrames: number;
  muted: boolean;
  gain: number;
  /** Receives each chunk; the engine never touches it again (safe to transfer). */
  onChunk: (data: Int16Array | Uint8Array, sequence: number) => void;
  /** Receives each level report. */
  onLevel: (rms: number, peak: number) => void;
}

/**
 * Gain changes (mute, ducking) glide over about 10 ms, so switching never clicks in the audio
 * the server hears. The factor is per input sample at 48 kHz-ish rates; recomputed per rate.
 */
const GAIN_GLIDE_SECONDS = 0.01;

/** Streaming capture pipeline: feed render quanta, receive fixed-size chunks. */
export class CaptureEngine {
  readonly #options: CaptureEngineOptions;
  readonly #resampler: Resampler;
  readonly #glideFactor: number;
  #mono = new Float32Array(128);
  #resampled = new Float32Array(256);
  #chunk: Int16Array;
  #chunkFill = 0;
  #sequence = 0;
  #gainTarget: number;
  #gainCurrent: number;
  #muted: boolean;
  #duckGain: number;
  #levelFrames = 0;
  #levelSumSquares = 0;
  #levelPeak = 0;
  #finished = false;

  constructor(options: CaptureEngineOptions) {
    this.#options = options;
    this.#resampler = new Resampler({ inputRate: options.inputRate, outputRate: options.targetRate });
    this.#chunk = new Int16Array(options.chunkSamples);
    this.#muted = options.muted;
    this.#duckGain = options.gain;
    this.#gainTarget = this.#muted ? 0 : this.#duckGain;
    this.#gainCurrent = this.#gainTarget;
    // One-pole glide reaching ~63% of the way in GAIN_GLIDE_SECONDS / 3.
    this.#glideFactor = 1 - Math.exp(-3 / (GAIN_GLIDE_SECONDS * options.inputRate));
  }

  /** Chunks emitted so far. */
  get chunkCount(): number {
    return this.#sequence;
  }

  /** Mutes (chunks carry digital silence, timing unchanged) or unmutes. */
  setMuted(muted: boolean): void {
    this.#muted = muted;
    this.#gainTarget = muted ? 0 : this.#duckGain;
  }

  /** Sets the input gain (1 normally, below 1 while ducked). */
  setGain(gain: number): void {
    this.#duckGain = gain;
    this.#gainTarget = this.#muted ? 0 : gain;
  }

  /**
   * Consumes one quantum of input. `channels` may be empty (no source connected), which
   * produces nothing: a gap in the input is not filled with invented silence.
   */
  process(channels: readonly Float32Array[]): void {
    if (this.#finished || channels.length === 0) return;
    const frames = channels[0]!.length;
    if (frames === 0) return;
    if (this.#mono.length < frames) this.#mono = new Float32Array(frames);
    const mono = this.#mono.length === frames ? this.#mono : this.#mono.subarray(0, frames);
    this.#downmix(channels, mono);
    this.#measure(mono);
    this.#applyGain(mono);
    const needed = this.#resampler.outputLengthFor(frames);
    if (this.#resampled.length < needed) this.#resampled = new Float32Array(needed * 2);
    const out = this.#resampler.process(mono, this.#resampled.subarray(0, needed));
    this.#append(out);
  }

  /**
   * Ends the stream: releases the resampler's held-back tail and emits the last, possibly
   * shorter, chunk. Further input is ignored.
   */
  finish(): void {
    if (this.#finished) return;
    const tail = this.#resampler.flush();
    for (let i = 0; i < tail.length; i++) tail[i] = tail[i]! * this.#gainCurrent;
    this.#append(tail);
    if (this.#chunkFill > 0) this.#emit(this.#chunk.slice(0, this.#chunkFill));
    this.#chunkFill = 0;
    this.#finished = true;
  }

  #downmix(channels: readonly Float32Array[], mono: Float32Array): void {
    const first = channels[0]!;
    const count = channels.length;
    if (count === 1) {
      mono.set(first.length === mono.length ? first : first.subarray(0, mono.length));
      return;
    }
    const scale = 1 / count;
    for (let i = 0; i < mono.length; i++) {
      let sum = 0;
      for (let c = 0; c < count; c++) sum += channels[c]![i] ?? 0;
      mono[i] = sum * scale;
    }
  }

  #measure(mono: Float32Array): void {
    const interval = this.#options.levelIntervalFrames;
    for (let i = 0; i < mono.length; i++) {
      const sample = mono[i]!;
      this.#levelSumSquares += sample * sample;
      const magnitude = sample < 0 ? -sample : sample;
      if (magnitude > this.#levelPeak) this.#levelPeak = magnitude;
      this.#levelFrames += 1;
      if (this.#levelFrames >= interval) {
        this.#options.onLevel(Math.sqrt(this.#levelSumSquares / this.#levelFrames), this.#levelPeak);
        this.#levelFrames = 0;
        this.#levelSumSquares = 0;
        this.#levelPeak = 0;
      }
    }
  }

  #applyGain(mono: Float32Array): void {
    const target = this.#gainTarget;
    let gain = this.#gainCurrent;
    if (gain === target) {
      if (gain !== 1) for (let i = 0; i < mono.length; i++) mono[i] = mono[i]! * gain;
      return;
    }
    const factor = this.#glideFactor;
    for (let i = 0; i < mono.length; i++) {
      gain += (target - gain) * factor;
      mono[i] = mono[i]! * gain;
    }
    // Snap once inaudibly close, so the steady state takes the cheap path above.
    if (Math.abs(target - gain) < 1e-4) gain = target;
    this.#gainCurrent = gain;
  }

  #append(samples: Float32Array): void {
    let offset = 0;
    const size = this.#options.chunkSamples;
    while (offset < samples.length) {
      const take = Math.min(size - this.#chunkFill, samples.length - offset);
      floatToPcm16(samples.subarray(offset, offset + take), this.#chunk.subarray(this.#chunkFill, this.#chunkFill + take));
      this.#chunkFill += take;
      offset += take;
      if (this.#chunkFill === size) {
        this.#emit(this.#chunk);
        // A PCM16 chunk was handed over (and will be transferred); G.711 copied it out.
        if (this.#options.encoding === 'pcm16') this.#chunk = new Int16Array(size);
        this.#chunkFill = 0;
      }
    }
  }

  /** Hands `pcm` over (encoding G.711 into a fresh buffer first when asked). */
  #emit(pcm: Int16Array): void {
    const encoding = this.#options.encoding;
    const data = encoding === 'mulaw' ? encodeMulaw(pcm) : encoding === 'alaw' ? encodeAlaw(pcm) : pcm;
    this.#options.onChunk(data, this.#sequence);
    this.#sequence += 1;
  }
}
