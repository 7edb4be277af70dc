/**
 * Feeds a `LiveClient` audio as a microphone would: `pcm` in 100 ms chunks, then silence,
 * until stopped or the bound is reached (GPT-Live takes a continuous input stream).
 */
import type { LiveClient } from '../../src/live/live-client';

/** A running stream: stop it, and wait for it to finish. */
export interface LiveAudioStream {
  stop(): void;
  done: Promise<void>;
}

/** Streams `pcm` then up to `silenceChunks` chunks of silence (stopping early once the client is no longer connected). */
export function streamLiveAudio(client: LiveClient, pcm: Int16Array, options: { silenceChunks?: number; pauseMs?: number } = {}): LiveAudioStream {
  let stopped = false;
  const pauseMs = options.pauseMs ?? 5;
  const done = (async () => {
    for (let offset = 0; offset < pcm.length && !stopped; offset += 2400) {
      client.appendInputAudio(pcm.subarray(offset, offset + 2400));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    for (let index = 0; index < (options.silenceChunks ?? 400) && !stopped && client.state.status === 'connected'; index += 1) {
      client.appendInputAudio(new Int16Array(2400));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  return { stop: () => (stopped = true), done };
}
