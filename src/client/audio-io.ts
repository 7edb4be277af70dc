/**
 * The two small interfaces through which audio plugs into the client. The audio engine
 * (`voxwire/audio`) implements both; so can any app's own source or sink, such as a phone
 * bridge. Samples are PCM16 at the session's format rate (24 kHz for `audio/pcm`, 8 kHz for
 * G.711, which the client decodes to PCM16).
 */

/** A source of input audio: the client subscribes and streams each chunk to the server. */
export interface AudioInputSource {
  /**
   * Registers the function that receives each captured chunk: PCM16 samples at the session's
   * input rate (or already-encoded G.711 bytes for `audio/pcmu`/`audio/pcma`). Returns a
   * function that unregisters it.
   */
  subscribe(onChunk: (chunk: Int16Array | Uint8Array) => void): () => void;
  /**
   * Optional, for transports that send media (WebRTC): registers the function that receives
   * the stream to send, now and whenever it changes (`undefined` while the source is stopped).
   * Without it, a media transport keeps its own microphone. Returns a function that
   * unregisters it.
   */
  subscribeMedia?(onStream: (stream: MediaStream | undefined) => void): () => void;
}

/** One chunk of assistant audio for a sink. */
export interface AudioOutputChunk {
  /** The assistant item the audio belongs to. */
  itemId: string;
  /** The content part index. */
  contentIndex: number;
  /** PCM16 samples. */
  samples: Int16Array;
  /** Their sample rate (24000 for `audio/pcm`, 8000 for G.711). */
  sampleRate: number;
  /**
   * True when the caller hands `samples` over: it will not read or change the array again, so
   * the sink may keep its buffer (transfer it to a worklet) instead of copying it. The client
   * sets it for the samples it decodes when no `audio` listener saw them.
   * @default false (the sink copies what it keeps)
   */
  transfer?: boolean;
}

/** Where playback stood when output went silent. */
export interface PlaybackPosition {
  /** The item that was playing. */
  itemId: string;
  /** Its content part index. */
  contentIndex: number;
  /** Samples of that part really played, at the chunk's sample rate. */
  playedSamples: number;
  /** That sample rate. */
  sampleRate: number;
}

/** A sink for assistant audio that can say how much of it was really played. */
export interface AudioOutputSink {
  /** Queues a chunk for playback. */
  write(chunk: AudioOutputChunk): void;
  /**
   * Stops playback now (a short fade, no click), drops everything queued, and resolves with
   * where playback stood when output went silent, or `null` when nothing was playing.
   */
  flush(): Promise<PlaybackPosition | null>;
  /**
   * Optional, for transports that carry media (WebRTC): plays the remote stream through this
   * sink. Returns a function that stops it. Without it, a media transport plays through its
   * own audio element.
   */
  playMedia?(stream: MediaStream): () => void;
  /**
   * Optional: `client.attachOutput(sink)` calls it with the client, for a sink that may receive
   * the audio another way (voxwire/audio's socket worker) and must know whether the app listens
   * to the client's `audio` event.
   */
  attachedTo?(client: {
    /** How many listeners the client's `audio` event has now. */
    listenerCount(event: 'audio'): number;
  }): void;
}

/**
 * One input attached at a time: `attach(subscribe)` detaches the source attached before, then
 * subscribes the new one; the function it returns detaches that one (only while it is attached).
 */
export function inputSlot(): (subscribe: () => () => void) => () => void {
  let current: (() => void) | undefined;
  return (subscribe) => {
    current?.();
    const unsubscribe = subscribe();
    const detach = (): void => {
      if (current !== detach) return;
      current = undefined;
      unsubscribe();
    };
    current = detach;
    return detach;
  };
}
