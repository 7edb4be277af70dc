/**
 * A phone earpiece on the mock's clock: audio queued for the caller plays out in real time,
 * marks placed between chunks are reached when the audio before them has played, and a clear
 * drops what has not. It counts what was heard, so tests can check a truncation against it.
 * Shared by the mock's SIP calls and the Twilio simulator.
 */

type Entry = { samples: number } | { mark: string };

/** What a clear dropped. */
export interface PlayoutClear {
  /** Ms of the current reply heard before the clear. */
  playedMs: number;
  /** Ms of queued audio dropped unheard. */
  discardedMs: number;
  /** Marks that were still queued, in order (Twilio echoes them after a clear). */
  marks: string[];
}

/** Real-time playout of queued audio, counted in samples. */
export class Playout {
  #queue: Entry[] = [];
  #queuedSamples = 0;
  #sampleRate: number;
  #playedSinceStartMs = 0;
  #heardMs = 0;
  #drained: Array<() => void> = [];

  constructor(sampleRate: number) {
    this.#sampleRate = sampleRate;
  }

  /** Ms of audio queued and not yet played. */
  get queuedMs(): number {
    return (this.#queuedSamples / this.#sampleRate) * 1000;
  }

  /** Ms heard since the audio started after the last silence or clear. */
  get playedSinceStartMs(): number {
    return this.#playedSinceStartMs;
  }

  /** Ms heard over the whole call. */
  get heardMs(): number {
    return this.#heardMs;
  }

  /** Queues `samples` samples (at `sampleRate`, which may change only while nothing is queued). */
  write(samples: number, sampleRate = this.#sampleRate): void {
    if (samples <= 0) return;
    if (this.#queuedSamples === 0) {
      this.#sampleRate = sampleRate;
      if (this.#drained.length === 0) this.#playedSinceStartMs = 0;
    }
    this.#queue.push({ samples });
    this.#queuedSamples += samples;
  }

  /** Queues a mark after the audio queued so far. */
  mark(name: string): void {
    this.#queue.push({ mark: name });
  }

  /** Calls `callback` once everything queued has played (at once when nothing is). */
  onDrained(callback: () => void): void {
    if (this.#queuedSamples === 0) callback();
    else this.#drained.push(callback);
  }

  /** Drops everything queued. */
  clear(): PlayoutClear {
    const cleared: PlayoutClear = {
      playedMs: this.#playedSinceStartMs,
      discardedMs: this.queuedMs,
      marks: this.#queue.flatMap((entry) => ('mark' in entry ? [entry.mark] : [])),
    };
    this.#queue = [];
    this.#queuedSamples = 0;
    this.#drained = [];
    this.#playedSinceStartMs = 0;
    return cleared;
  }

  /** Plays `ms` of audio; returns the marks reached, in order. */
  play(ms: number): string[] {
    let wanted = Math.round((this.#sampleRate * ms) / 1000);
    const reached: string[] = [];
    let played = 0;
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if ('mark' in head) {
        reached.push(head.mark);
        this.#queue.shift();
        continue;
      }
      if (wanted === 0) break;
      const take = Math.min(wanted, head.samples);
      head.samples -= take;
      wanted -= take;
      played += take;
      if (head.samples === 0) this.#queue.shift();
    }
    if (played > 0) {
      this.#queuedSamples -= played;
      const playedMs = (played / this.#sampleRate) * 1000;
      this.#playedSinceStartMs += playedMs;
      this.#heardMs += playedMs;
      if (this.#queuedSamples === 0) {
        const callbacks = this.#drained;
        this.#drained = [];
        for (const callback of callbacks) callback();
      }
    }
    return reached;
  }
}
