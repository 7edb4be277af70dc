/**
 * A growable FIFO ring of float samples: the playback processor's queue. It grows (outside the
 * render path, when audio is written) instead of dropping audio, because the Realtime API
 * streams replies faster than real time and a whole reply may sit queued. Internal.
 */
export class FloatRing {
  #buffer: Float32Array;
  #readIndex = 0;
  #count = 0;

  /** @param capacity - Initial capacity in samples. */
  constructor(capacity: number) {
    this.#buffer = new Float32Array(Math.max(16, capacity));
  }

  /** Samples queued. */
  get size(): number {
    return this.#count;
  }

  /** Appends `samples`, growing the ring when they do not fit. */
  push(samples: Float32Array): void {
    const length = samples.length;
    if (length === 0) return;
    if (this.#count + length > this.#buffer.length) this.#grow(this.#count + length);
    const capacity = this.#buffer.length;
    const writeIndex = (this.#readIndex + this.#count) % capacity;
    const firstPart = Math.min(length, capacity - writeIndex);
    this.#buffer.set(firstPart === length ? samples : samples.subarray(0, firstPart), writeIndex);
    if (firstPart < length) this.#buffer.set(samples.subarray(firstPart), 0);
    this.#count += length;
  }

  /** Removes and returns the oldest sample; 0 when empty. */
  shift(): number {
    if (this.#count === 0) return 0;
    const value = this.#buffer[this.#readIndex]!;
    this.#readIndex += 1;
    if (this.#readIndex === this.#buffer.length) this.#readIndex = 0;
    this.#count -= 1;
    return value;
  }

  /** Drops everything queued. */
  clear(): void {
    this.#readIndex = 0;
    this.#count = 0;
  }

  #grow(needed: number): void {
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Float32Array(capacity);
    const firstPart = Math.min(this.#count, this.#buffer.length - this.#readIndex);
    grown.set(this.#buffer.subarray(this.#readIndex, this.#readIndex + firstPart), 0);
    if (firstPart < this.#count) grown.set(this.#buffer.subarray(0, this.#count - firstPart), firstPart);
    this.#buffer = grown;
    this.#readIndex = 0;
  }
}
