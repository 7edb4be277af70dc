/**
 * The playback processor's logic, free of AudioWorklet globals so Node tests can drive it
 * quantum by quantum: the ring buffer, the adaptive prebuffer, resampling to the context rate,
 * per-part sample accounting, the flush fade and its acknowledgement. Internal.
 *
 * Accounting rule: output frame `k` of a part is the part's audio at time `k / outputRate`
 * (the resampler is centred, not delayed), so after `k` rendered frames exactly
 * `floor(k × partRate / outputRate)` source samples have been heard. Frames count when they
 * are rendered into the quantum, fade frames included; silence inserted by an underrun never
 * counts, and nothing resets a part's count.
 */

import { pcm16ToFloat } from '../../codec/pcm16';
import { Resampler } from '../../codec/resampler';
import { FloatRing } from './float-ring';
import type { PlaybackProcessorMessage, PlayedPosition } from './messages';

/** Construction options of {@link PlaybackEngine}. */
export interface PlaybackEngineOptions {
  /** The context's rate, in Hz. */
  outputRate: number;
  /** Initial (and smallest) prebuffer, in ms. */
  prebufferMs: number;
  /** Largest prebuffer the adaptation may grow to, in ms. */
  maxPrebufferMs: number;
  /** Flush fade duration, in ms. */
  fadeMs: number;
  /** Output frames per status report. */
  statusIntervalFrames: number;
  /** Receives the engine's reports. */
  post: (message: PlaybackProcessorMessage) => void;
}

/** Each underrun grows the prebuffer by this much (up to the maximum). */
const PREBUFFER_STEP_MS = 20;
/** After this long without an underrun, the prebuffer shrinks one step (down to the initial). */
const PREBUFFER_RELAX_SECONDS = 10;
/** Per write, the remembered largest chunk shrinks by this factor (forgets in ~100 writes). */
const LARGEST_CHUNK_DECAY = 0.98;
/** Part records kept for late look-ups once they are done. */
const PART_HISTORY = 64;

interface Part {
  readonly key: string;
  readonly itemId: string;
  readonly contentIndex: number;
  sampleRate: number;
  receivedSamples: number;
  /** Output frames rendered. */
  playedFrames: number;
  started: boolean;
}

interface Segment {
  readonly part: Part;
  /** Frames of this segment still in the ring. */
  frames: number;
}

interface OpenStream {
  readonly part: Part;
  readonly sampleRate: number;
  readonly resampler: Resampler;
}

/** Streaming playback queue with sample-accurate accounting. */
export class PlaybackEngine {
  readonly #options: PlaybackEngineOptions;
  readonly #rate: number;
  readonly #ring: FloatRing;
  readonly #parts = new Map<string, Part>();
  readonly #resamplers = new Map<number, Resampler>();
  #segments: Segment[] = [];
  #segmentHead = 0;
  #stream: OpenStream | undefined;
  #floatScratch = new Float32Array(4096);
  #resampledScratch = new Float32Array(8192);

  #playing = false;
  /** Context time at which audio was first queued while not playing. */
  #waitingSince: number | undefined;
  /** The part that was playing when the queue ran dry (an underrun if it continues). */
  #dryPart: Part | undefined;
  #lastPlayedPart: Part | undefined;
  readonly #minPrebufferFrames: number;
  readonly #maxPrebufferFrames: number;
  #prebufferFrames: number;
  #framesSinceUnderrun = 0;
  #underrunCount = 0;
  /** The largest recent write, in output frames (decays slowly; see {@link startThreshold}). */
  #largestChunkFrames = 0;

  readonly #fadeFrames: number;
  #fadeRemaining = 0;
  #fadeStartedAt = 0;
  #pendingFlushIds: number[] = [];

  #statusFrames = 0;
  #statusSumSquares = 0;
  #statusPeak = 0;
  #reportedPlaying = false;
  /** The last acknowledgement, until the next write (see `repeat` of {@link flush}). */
  #previousFlush: { position: PlayedPosition | null; silentAt: number; fadeStartedAt: number } | undefined;

  constructor(options: PlaybackEngineOptions) {
    this.#options = options;
    this.#rate = options.outputRate;
    this.#ring = new FloatRing(this.#rate * 10);
    this.#minPrebufferFrames = Math.round((options.prebufferMs / 1000) * this.#rate);
    this.#maxPrebufferFrames = Math.max(this.#minPrebufferFrames, Math.round((options.maxPrebufferMs / 1000) * this.#rate));
    this.#prebufferFrames = this.#minPrebufferFrames;
    this.#fadeFrames = Math.max(1, Math.round((options.fadeMs / 1000) * this.#rate));
  }

  /** Underruns so far. */
  get underruns(): number {
    return this.#underrunCount;
  }

  /** The prebuffer now in use, in ms (before the chunk-size floor of {@link startThreshold}). */
  get prebufferMs(): number {
    return (this.#prebufferFrames / this.#rate) * 1000;
  }

  /**
   * Frames whose presence starts playback at once: the prebuffer, but at least the largest
   * recent chunk plus half the initial prebuffer (capped at the maximum). A stream paced in
   * real time in 50 ms chunks would otherwise start with one chunk queued and drain before each
   * next one arrived; the API's usual faster-than-real-time bursts reach it with their second
   * chunk. Below it, playback starts when the first audio has waited the prebuffer's duration.
   */
  get startThreshold(): number {
    const chunkFloor = this.#largestChunkFrames + this.#minPrebufferFrames / 2;
    return Math.min(this.#maxPrebufferFrames, Math.max(this.#prebufferFrames, chunkFloor));
  }

  /** Frames queued and not yet rendered. */
  get bufferedFrames(): number {
    return this.#ring.size;
  }

  /** True while the output is rendering queued audio. */
  get isPlaying(): boolean {
    return this.#playing;
  }

  /** The counts of one part, or undefined when it is unknown (or long forgotten). */
  positionOf(itemId: string, contentIndex: number): PlayedPosition | undefined {
    const part = this.#parts.get(partKey(itemId, contentIndex));
    return part === undefined ? undefined : describe(part, this.#rate);
  }

  /**
   * Queues PCM16 audio of one part.
   *
   * @param now - Context time in seconds (starts the prebuffer clock).
   */
  write(itemId: string, contentIndex: number, samples: Int16Array, sampleRate: number, now: number): void {
    if (samples.length === 0) return;
    this.#previousFlush = undefined;
    const part = this.#partFor(itemId, contentIndex, sampleRate);
    part.receivedSamples += samples.length;
    const stream = this.#stream;
    if (stream !== undefined && (stream.part !== part || stream.sampleRate !== sampleRate)) this.#closeStream();
    if (this.#stream === undefined) {
      this.#stream = { part, sampleRate, resampler: this.#resamplerFor(sampleRate) };
    }
    part.sampleRate = sampleRate;
    const chunkFrames = (samples.length * this.#rate) / sampleRate;
    this.#largestChunkFrames = Math.max(chunkFrames, this.#largestChunkFrames * LARGEST_CHUNK_DECAY);
    if (this.#floatScratch.length < samples.length) this.#floatScratch = new Float32Array(samples.length * 2);
    const floats = pcm16ToFloat(samples, this.#floatScratch.subarray(0, samples.length));
    const resampler = this.#stream.resampler;
    const outputLength = resampler.outputLengthFor(floats.length);
    if (this.#resampledScratch.length < outputLength) this.#resampledScratch = new Float32Array(outputLength * 2);
    this.#append(part, resampler.process(floats, this.#resampledScratch.subarray(0, outputLength)));

    if (this.#dryPart !== undefined && !this.#playing) {
      // More audio of the part that ran dry: the queue starved mid-part. Wait a little longer
      // before resuming, next time too.
      if (this.#dryPart === part) this.#recordUnderrun(part);
      this.#dryPart = undefined;
    }
    if (!this.#playing && this.#waitingSince === undefined) this.#waitingSince = now;
  }

  /**
   * Requests a flush. Unless `immediate`, the fade starts in the next rendered quantum and the
   * acknowledgement is posted from the quantum in which output went silent. `immediate` (the
   * context is not rendering) drops everything now and acknowledges at once. `repeat`: when
   * nothing was written since the last acknowledgement, answer at once with that one.
   */
  flush(id: number, immediate: boolean, now: number, repeat = false): void {
    const previous = this.#previousFlush;
    if (repeat && previous !== undefined && this.#pendingFlushIds.length === 0 && this.#fadeRemaining === 0) {
      this.#options.post({ type: 'flushed', ids: [id], ...previous });
      return;
    }
    this.#pendingFlushIds.push(id);
    if (immediate && this.#fadeRemaining === 0) this.#acknowledge(now, now);
  }

  /**
   * Renders one quantum into `output` (mono).
   *
   * @param now - Context time in seconds of the quantum's first frame.
   */
  render(output: Float32Array, now: number): void {
    const frames = output.length;
    const rate = this.#rate;
    if (this.#pendingFlushIds.length > 0 && this.#fadeRemaining === 0) {
      if (this.#playing && (this.#ring.size > 0 || this.#stream !== undefined)) {
        this.#fadeRemaining = this.#fadeFrames;
        this.#fadeStartedAt = now;
      } else {
        this.#acknowledge(now, now);
      }
    }
    if (!this.#playing) this.#maybeStart(now);

    for (let i = 0; i < frames; i++) {
      if (!this.#playing) {
        output[i] = 0;
        continue;
      }
      if (this.#ring.size === 0) {
        // Release the resampler's held-back tail before declaring the queue empty.
        this.#closeStream();
        if (this.#ring.size === 0) {
          output[i] = 0;
          this.#runDry(now + i / rate);
          continue;
        }
      }
      let sample = this.#ring.shift();
      this.#countFrame(now + i / rate);
      if (this.#fadeRemaining > 0) {
        const step = this.#fadeFrames - this.#fadeRemaining + 1;
        // Raised cosine over fadeFrames + 1 steps: every fade frame is audible, the next one silent.
        sample *= 0.5 * (1 + Math.cos((Math.PI * step) / (this.#fadeFrames + 1)));
        this.#fadeRemaining -= 1;
        if (this.#fadeRemaining === 0) {
          output[i] = sample;
          this.#acknowledge(now + (i + 1) / rate, this.#fadeStartedAt);
          continue;
        }
      }
      output[i] = sample;
    }
    this.#measure(output, now + frames / rate);
  }

  #partFor(itemId: string, contentIndex: number, sampleRate: number): Part {
    const key = partKey(itemId, contentIndex);
    let part = this.#parts.get(key);
    if (part === undefined) {
      part = { key, itemId, contentIndex, sampleRate, receivedSamples: 0, playedFrames: 0, started: false };
      this.#parts.set(key, part);
      if (this.#parts.size > PART_HISTORY) this.#forgetOldParts();
    }
    return part;
  }

  /** Drops the oldest part records no queue entry refers to. */
  #forgetOldParts(): void {
    const live = new Set<Part>();
    for (let i = this.#segmentHead; i < this.#segments.length; i++) live.add(this.#segments[i]!.part);
    if (this.#stream) live.add(this.#stream.part);
    if (this.#lastPlayedPart) live.add(this.#lastPlayedPart);
    for (const [key, part] of this.#parts) {
      if (this.#parts.size <= PART_HISTORY) break;
      if (!live.has(part)) this.#parts.delete(key);
    }
  }

  #resamplerFor(sampleRate: number): Resampler {
    let resampler = this.#resamplers.get(sampleRate);
    if (resampler === undefined) {
      resampler = new Resampler({ inputRate: sampleRate, outputRate: this.#rate });
      this.#resamplers.set(sampleRate, resampler);
    }
    return resampler;
  }

  /** Ends the open resampler stream, queueing its tail (the resampler resets itself). */
  #closeStream(): void {
    const stream = this.#stream;
    if (stream === undefined) return;
    this.#stream = undefined;
    this.#append(stream.part, stream.resampler.flush());
  }

  #append(part: Part, frames: Float32Array): void {
    if (frames.length === 0) return;
    this.#ring.push(frames);
    const last = this.#segments[this.#segments.length - 1];
    if (last !== undefined && this.#segments.length > this.#segmentHead && last.part === part) last.frames += frames.length;
    else this.#segments.push({ part, frames: frames.length });
  }

  #maybeStart(now: number): void {
    if (this.#waitingSince === undefined) return;
    // Start once enough is queued, or once the first audio has waited the prebuffer's duration:
    // the wait bounds the added latency, and against a stream paced in real time it leaves a
    // prebuffer's worth of margin before each next chunk.
    const threshold = this.startThreshold;
    const waitedEnough = now - this.#waitingSince >= this.#prebufferFrames / this.#rate;
    // Count the frames the resampler holds back for its lookahead: they are as good as queued.
    const queued = this.#ring.size + (this.#stream?.resampler.latencySamples ?? 0);
    if (queued < threshold && !waitedEnough) return;
    // A reply shorter than the resampler's lookahead lives entirely in its tail.
    if (this.#ring.size === 0) this.#closeStream();
    if (this.#ring.size === 0) return;
    this.#playing = true;
    this.#waitingSince = undefined;
  }

  /** Accounts the frame just taken from the ring to its part. */
  #countFrame(time: number): void {
    let segment = this.#segments[this.#segmentHead]!;
    while (segment.frames === 0) {
      this.#segmentHead += 1;
      segment = this.#segments[this.#segmentHead]!;
    }
    segment.frames -= 1;
    const part = segment.part;
    part.playedFrames += 1;
    this.#lastPlayedPart = part;
    if (!part.started) {
      part.started = true;
      this.#options.post({ type: 'started', itemId: part.itemId, contentIndex: part.contentIndex, contextTime: time });
    }
    if (segment.frames === 0 && this.#segmentHead < this.#segments.length - 1) this.#segmentHead += 1;
    if (this.#segmentHead > 64 && this.#segmentHead * 2 > this.#segments.length) {
      this.#segments = this.#segments.slice(this.#segmentHead);
      this.#segmentHead = 0;
    }
    this.#framesSinceUnderrun += 1;
    if (this.#framesSinceUnderrun >= PREBUFFER_RELAX_SECONDS * this.#rate) {
      this.#framesSinceUnderrun = 0;
      const step = Math.round((PREBUFFER_STEP_MS / 1000) * this.#rate);
      this.#prebufferFrames = Math.max(this.#minPrebufferFrames, this.#prebufferFrames - step);
    }
  }

  #runDry(time: number): void {
    this.#playing = false;
    this.#dryPart = this.#lastPlayedPart;
    if (this.#fadeRemaining > 0) {
      // The audio ran out during the fade: that is the moment output went silent.
      this.#acknowledge(time, this.#fadeStartedAt);
      return;
    }
    this.#options.post({ type: 'idle', contextTime: time, position: this.#position() });
  }

  #recordUnderrun(part: Part): void {
    this.#underrunCount += 1;
    this.#framesSinceUnderrun = 0;
    const step = Math.round((PREBUFFER_STEP_MS / 1000) * this.#rate);
    this.#prebufferFrames = Math.min(this.#maxPrebufferFrames, this.#prebufferFrames + step);
    this.#options.post({
      type: 'underrun',
      itemId: part.itemId,
      contentIndex: part.contentIndex,
      underruns: this.#underrunCount,
      prebufferMs: this.prebufferMs,
    });
  }

  /**
   * The part a flush cuts: the first part with audio still queued (partly played, or not yet
   * started), else the last part played, else none.
   */
  #position(): PlayedPosition | null {
    for (let i = this.#segmentHead; i < this.#segments.length; i++) {
      const segment = this.#segments[i]!;
      if (segment.frames > 0) return describe(segment.part, this.#rate);
    }
    if (this.#stream !== undefined) return describe(this.#stream.part, this.#rate);
    return this.#lastPlayedPart === undefined ? null : describe(this.#lastPlayedPart, this.#rate);
  }

  /** Posts the acknowledgement of every pending flush and drops all queued audio. */
  #acknowledge(silentAt: number, fadeStartedAt: number): void {
    const position = this.#position();
    const ids = this.#pendingFlushIds;
    this.#pendingFlushIds = [];
    this.#ring.clear();
    this.#segments = [];
    this.#segmentHead = 0;
    if (this.#stream !== undefined) {
      this.#stream.resampler.reset();
      this.#stream = undefined;
    }
    this.#playing = false;
    this.#waitingSince = undefined;
    this.#dryPart = undefined;
    this.#lastPlayedPart = undefined;
    this.#fadeRemaining = 0;
    this.#previousFlush = { position, silentAt, fadeStartedAt };
    this.#options.post({ type: 'flushed', ids, position, silentAt, fadeStartedAt });
  }

  #measure(output: Float32Array, endTime: number): void {
    for (let i = 0; i < output.length; i++) {
      const sample = output[i]!;
      this.#statusSumSquares += sample * sample;
      const magnitude = sample < 0 ? -sample : sample;
      if (magnitude > this.#statusPeak) this.#statusPeak = magnitude;
    }
    this.#statusFrames += output.length;
    if (this.#statusFrames < this.#options.statusIntervalFrames) return;
    // Report while playing, and once more after it stops (so meters fall to zero).
    if (this.#playing || this.#reportedPlaying) {
      this.#options.post({
        type: 'status',
        rms: Math.sqrt(this.#statusSumSquares / this.#statusFrames),
        peak: this.#statusPeak,
        contextTime: endTime,
        position: this.#lastPlayedPart === undefined ? this.#position() : describe(this.#lastPlayedPart, this.#rate),
        bufferedMs: (this.#ring.size / this.#rate) * 1000,
        playing: this.#playing,
        underruns: this.#underrunCount,
        prebufferMs: this.prebufferMs,
      });
    }
    this.#reportedPlaying = this.#playing;
    this.#statusFrames = 0;
    this.#statusSumSquares = 0;
    this.#statusPeak = 0;
  }
}

function partKey(itemId: string, contentIndex: number): string {
  return `${contentIndex}:${itemId}`;
}

function describe(part: Part, outputRate: number): PlayedPosition {
  // The epsilon keeps exact ratios (e.g. 2 frames per sample) from flooring one short.
  const played = Math.floor((part.playedFrames * part.sampleRate) / outputRate + 1e-9);
  return {
    itemId: part.itemId,
    contentIndex: part.contentIndex,
    playedSamples: Math.min(played, part.receivedSamples),
    receivedSamples: part.receivedSamples,
    sampleRate: part.sampleRate,
  };
}
