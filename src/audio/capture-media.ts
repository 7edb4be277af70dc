/**
 * The microphone as a media stream, for transports that carry audio as media (WebRTC): the
 * capture's source also feeds a gain (mute and ducking) and a `MediaStreamAudioDestinationNode`
 * whose track the peer connection sends. So a WebRTC call gets the same device choice, mute,
 * ducking, levels and silence detection as a WebSocket one: the worklet still measures the
 * same source. The branch is built only once something subscribes, one per started capture;
 * a device switch swaps the source under the same track, so the call never renegotiates.
 */

/** Receives the stream to send: a new one after each start, `undefined` while stopped. */
export type MediaStreamListener = (stream: MediaStream | undefined) => void;

interface Branch {
  context: BaseAudioContext;
  source: AudioNode;
  gain: GainNode | undefined;
  destination: MediaStreamAudioDestinationNode | undefined;
}

/** Time constant of the mute and ducking ramp: short enough to feel instant, long enough not to click. */
const RAMP_SECONDS = 0.005;

export class CaptureMediaOutput {
  readonly #listeners = new Set<MediaStreamListener>();
  #branch: Branch | undefined;
  #gain = 1;

  /** The stream subscribers get now, or undefined while the capture is stopped or unsubscribed. */
  get stream(): MediaStream | undefined {
    return this.#branch?.destination?.stream;
  }

  /** Calls `listener` with the current stream now and whenever it changes; returns an unsubscribe. */
  subscribe(listener: MediaStreamListener): () => void {
    this.#listeners.add(listener);
    this.#build();
    listener(this.stream);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** A capture started: its context and source node. */
  attach(context: BaseAudioContext, source: AudioNode, gain: number): void {
    this.#gain = gain;
    this.#branch = { context, source, gain: undefined, destination: undefined };
    if (this.#build()) this.#notify();
  }

  /** The device changed under a running capture: the new source feeds the same track. */
  swapSource(source: AudioNode): void {
    const branch = this.#branch;
    if (branch === undefined) return;
    branch.source = source;
    if (branch.gain !== undefined) source.connect(branch.gain);
  }

  /** Mute (0), ducking (`duckingGain`) or full level (1), ramped. */
  setGain(value: number): void {
    this.#gain = value;
    const branch = this.#branch;
    if (branch?.gain === undefined) return;
    branch.gain.gain.setTargetAtTime(value, branch.context.currentTime, RAMP_SECONDS);
  }

  /** The capture stopped: its track ends with its context; subscribers hear `undefined`. */
  detach(): void {
    const branch = this.#branch;
    this.#branch = undefined;
    if (branch?.gain === undefined) return;
    branch.gain.disconnect();
    this.#notify();
  }

  /** Builds the gain and destination when both a started capture and a subscriber exist. */
  #build(): boolean {
    const branch = this.#branch;
    if (branch === undefined || branch.gain !== undefined || this.#listeners.size === 0) return false;
    const context = branch.context as AudioContext;
    if (typeof context.createMediaStreamDestination !== 'function') return false;
    const gain = context.createGain();
    gain.gain.value = this.#gain;
    const destination = context.createMediaStreamDestination();
    destination.channelCount = 1;
    branch.source.connect(gain);
    gain.connect(destination);
    branch.gain = gain;
    branch.destination = destination;
    return true;
  }

  #notify(): void {
    const stream = this.stream;
    for (const listener of [...this.#listeners]) listener(stream);
  }
}
