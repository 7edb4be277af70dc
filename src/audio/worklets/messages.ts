/**
 * The message protocol between the main thread and voxwire's two AudioWorklet processors.
 * Both sides import these types, so a renamed field fails the type check on both ends.
 * Internal: not part of the public API.
 */

/** Registered name of the capture processor. */
export const CAPTURE_PROCESSOR_NAME = 'voxwire-capture';
/** Registered name of the playback processor. */
export const PLAYBACK_PROCESSOR_NAME = 'voxwire-playback';

/** How captured audio leaves the worklet: PCM16 samples, or G.711 µ-law / A-law bytes. */
export type CaptureEncoding = 'pcm16' | 'mulaw' | 'alaw';

/** `processorOptions` of the capture processor. */
export interface CaptureProcessorOptions {
  /** Rate of the chunks the processor emits, in Hz (24000 for PCM, 8000 for G.711). */
  targetRate: number;
  /** Samples per chunk at `targetRate`. */
  chunkSamples: number;
  /** Sample encoding of the chunks. */
  encoding: CaptureEncoding;
  /** Input frames per level report (the context rate divided by the report rate). */
  levelIntervalFrames: number;
  /** Start muted (chunks carry silence). */
  muted: boolean;
  /** Initial input gain (1 unless ducked from the start). */
  gain: number;
}

/** Main thread → capture processor. */
export type CaptureControlMessage =
  | { type: 'mute'; muted: boolean }
  | { type: 'gain'; gain: number }
  /** Ends the stream: the processor releases the resampler's tail and a final partial chunk. */
  | { type: 'stop' }
  /**
   * A port to the socket worker (off-main-thread audio). Chunks go there while the worker says
   * `{ type: 'route', toLink: true }` over that port, and to the main thread otherwise.
   * `toLink` is the route from the start, as the page knows it when it links (a client
   * subscribed, the worker's socket open): the first chunks then do not wait for the worker's
   * first `route`, which a loaded machine delays past a chunk or two.
   */
  | { type: 'link'; port: MessagePort; toLink?: boolean }
  /** While true, a copy of each chunk the socket worker streams comes to the main thread too (for `chunk` listeners). */
  | { type: 'tap'; enabled: boolean };

/** Socket worker → capture processor, over the link port. */
export interface CaptureRouteMessage {
  type: 'route';
  /** True while the worker streams the chunks to a live session itself. */
  toLink: boolean;
}

/** Capture processor → main thread. */
export type CaptureProcessorMessage =
  | {
      type: 'chunk';
      /** PCM16 samples, or G.711 bytes; the buffer is transferred. */
      data: Int16Array | Uint8Array;
      /** 0 for the first chunk of the stream, then +1 per chunk. */
      sequence: number;
      /** Context time in seconds at the end of the input quantum that completed the chunk. */
      contextTime: number;
      /** True for a copy of a chunk the socket worker sends itself: for `chunk` listeners only. */
      streamed?: boolean;
    }
  | {
      type: 'level';
      /** RMS of the input (all channels averaged) over the report interval, 0..1. */
      rms: number;
      /** Largest absolute sample over the interval, 0..1 (may exceed 1 if the input clips). */
      peak: number;
      /** Context time in seconds at the end of the interval. */
      contextTime: number;
    }
  | { type: 'stopped'; chunks: number };

/** `processorOptions` of the playback processor. */
export interface PlaybackProcessorOptions {
  /** Prebuffer to wait for before playing, at first, in ms. */
  prebufferMs: number;
  /** Largest prebuffer the adaptation may grow to, in ms. */
  maxPrebufferMs: number;
  /** Duration of the fade-out on flush, in ms (≤ 5). */
  fadeMs: number;
  /** Output frames per status report. */
  statusIntervalFrames: number;
}

/** Main thread → playback processor. */
export type PlaybackControlMessage =
  | {
      type: 'write';
      itemId: string;
      contentIndex: number;
      /** PCM16 samples at `sampleRate`; the buffer is transferred. */
      samples: Int16Array;
      sampleRate: number;
    }
  | {
      type: 'flush';
      id: number;
      /**
       * Set when the context is not rendering: the processor then drops everything at once
       * (the output is silent already) instead of fading in the next quantum.
       */
      immediate: boolean;
      /**
       * When nothing was written since the last flush, acknowledge with that flush's position
       * instead of null: the main thread's flush after a barge-in the socket worker already
       * flushed learns what the worker measured.
       */
      repeat?: boolean;
    }
  /**
   * A port to the socket worker: it writes and flushes over it like the main thread, and
   * receives every `flushed` acknowledgement.
   */
  | { type: 'link'; port: MessagePort };

/** Where playback of one `(itemId, contentIndex)` stands. */
export interface PlayedPosition {
  itemId: string;
  contentIndex: number;
  /** Samples of the part really rendered, at `sampleRate`. */
  playedSamples: number;
  /** Samples of the part received by the processor, at `sampleRate`. */
  receivedSamples: number;
  /** The part's sample rate. */
  sampleRate: number;
}

/** Playback processor → main thread. */
export type PlaybackProcessorMessage =
  | {
      type: 'started';
      itemId: string;
      contentIndex: number;
      /** Context time in seconds of the first rendered frame of this part. */
      contextTime: number;
    }
  | {
      type: 'idle';
      /** Context time in seconds at which the output ran out of audio. */
      contextTime: number;
      position: PlayedPosition | null;
    }
  | {
      type: 'underrun';
      itemId: string;
      contentIndex: number;
      /** Underruns since the processor started. */
      underruns: number;
      /** The prebuffer after adapting to this underrun, in ms. */
      prebufferMs: number;
    }
  | {
      type: 'flushed';
      /** Every flush request this acknowledgement answers. */
      ids: number[];
      /** Where playback stood when output went silent; null when nothing was queued or playing. */
      position: PlayedPosition | null;
      /** Context time in seconds of the first silent frame. */
      silentAt: number;
      /** Context time in seconds at which the fade began (equals `silentAt` when nothing played). */
      fadeStartedAt: number;
    }
  | {
      type: 'status';
      /** RMS of the output over the interval, 0..1 (before the volume control). */
      rms: number;
      /** Peak of the output over the interval. */
      peak: number;
      contextTime: number;
      /** The part playing (or last played), with its counts. */
      position: PlayedPosition | null;
      /** Audio queued and not yet played, in ms. */
      bufferedMs: number;
      playing: boolean;
      underruns: number;
      prebufferMs: number;
    };
