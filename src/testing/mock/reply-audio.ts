/**
 * Where reply audio comes from: fixture clips by name (loaded once and cached), or PCM16 a
 * scenario passes in directly.
 */

import { loadFixtureAudio } from '../fixtures';
import type { ScenarioAudio } from '../script/scenario';

/** Reply audio ready to stream, with the transcript a fixture clip carries. */
export interface ReplyClip {
  pcm: Int16Array;
  sampleRate: number;
  /** The clip's transcript (fixtures only). */
  transcript?: string;
}

/** Resolves {@link ScenarioAudio} to samples. */
export interface ReplyAudioSource {
  /** The samples (and fixture transcript) of `audio`. */
  load(audio: ScenarioAudio): Promise<ReplyClip>;
}

/** The fixture clip the mock speaks when nothing else is said: "Hi! I'm your voice assistant...". */
export const DEFAULT_REPLY_CLIP = 'reply-greeting';

/**
 * Loads fixture clips through `loadFixtureAudio` and keeps them: a scenario plays the same
 * clip many times and each load reads a file.
 */
export class FixtureReplyAudio implements ReplyAudioSource {
  readonly #dir: string | undefined;
  readonly #cache = new Map<string, Promise<ReplyClip>>();

  /** @param dir - the fixture directory, when not the one `loadFixtureAudio` finds itself. */
  constructor(dir?: string) {
    this.#dir = dir;
  }

  /** Resolves a fixture name (cached) or PCM16 to samples. Rejects for an unknown fixture name. */
  load(audio: ScenarioAudio): Promise<ReplyClip> {
    if (audio instanceof Int16Array) return Promise.resolve({ pcm: audio, sampleRate: 24000 });
    if (typeof audio !== 'string') return Promise.resolve({ pcm: audio.pcm, sampleRate: audio.sampleRate });
    let clip = this.#cache.get(audio);
    if (clip === undefined) {
      clip = loadFixtureAudio(audio, this.#dir === undefined ? {} : { dir: this.#dir }).then((fixture) => ({
        pcm: fixture.pcm,
        sampleRate: fixture.sampleRate,
        transcript: fixture.transcript,
      }));
      // A failed load is not cached: the next attempt reports the problem again.
      clip.catch(() => this.#cache.delete(audio));
      this.#cache.set(audio, clip);
    }
    return clip;
  }
}
