/**
 * Feeds a `LiveClient` audio as a microphone would: `pcm` in 100 ms chunks, then silence,
 * until stopped or the bound is reached (GPT-Live takes a continuous input stream); and the
 * same speech as the base64 chunks a raw Live client appends.
 */
import { pcm16ToBase64 } from '../../src/codec/base64';
import type { LiveClient } from '../../src/live/live-client';
import { loadFixtureAudio } from '../../src/testing/fixtures';

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

/** The `question` fixture followed by a second of silence, as 100 ms base64 chunks of 24 kHz PCM16 (`session.input_audio.append` payloads). */
export async function spokenQuestionChunks(): Promise<string[]> {
  const { pcm } = await loadFixtureAudio('question');
  const audio = new Int16Array(pcm.length + 24000);
  audio.set(pcm);
  const chunks: string[] = [];
  for (let offset = 0; offset < audio.length; offset += 2400) chunks.push(pcm16ToBase64(audio.subarray(offset, offset + 2400)));
  return chunks;
}
