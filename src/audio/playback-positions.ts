/**
 * What `AudioPlayer` remembers of the worklet's reports: the played position of recent parts,
 * the flush results built from them, and the arrival jitter of written chunks.
 */

import type { PlayedPosition } from './worklets/messages';
import type { AudioPlayerFlushResult } from './playback-types';

/** How many parts' positions are kept (oldest forgotten first). */
const REMEMBERED_PARTS = 64;

/** The last reported position of recent parts, and the very last report. */
export class PlayedPositions {
  /** The last position reported, cleared by a flush. */
  last: PlayedPosition | null = null;
  readonly #byPart = new Map<string, PlayedPosition>();

  /** Keeps a reported position (null reports nothing). */
  remember(position: PlayedPosition | null): void {
    if (position === null) return;
    this.last = position;
    const key = partKey(position.itemId, position.contentIndex);
    this.#byPart.delete(key);
    this.#byPart.set(key, position);
    if (this.#byPart.size > REMEMBERED_PARTS) this.#byPart.delete(this.#byPart.keys().next().value as string);
  }

  /** The last reported position of a part, if it was seen recently. */
  get(itemId: string, contentIndex: number): PlayedPosition | undefined {
    return this.#byPart.get(partKey(itemId, contentIndex));
  }
}

/** A flush result from a position (null when nothing was queued or played). */
export function flushResultOf(position: PlayedPosition | null, silentAt: number, fadeStartedAt: number, stale: boolean): AudioPlayerFlushResult | null {
  if (position === null) return null;
  return {
    itemId: position.itemId,
    contentIndex: position.contentIndex,
    playedSamples: position.playedSamples,
    receivedSamples: position.receivedSamples,
    sampleRate: position.sampleRate,
    silentAt,
    fadeStartedAt,
    stale,
  };
}

/**
 * Interarrival jitter of written chunks, in ms: the RFC 3550 estimator (smoothed difference
 * between arrival spacing and audio duration), restarted for each part.
 */
export class ArrivalJitter {
  /** The current estimate, in ms. */
  estimateMs = 0;
  #lastTransitMs: number | undefined;
  #partKey = '';
  #mediaMs = 0;
  #firstArrivalMs = 0;

  /** Records a chunk of `durationMs` of a part arriving now. */
  update(itemId: string, contentIndex: number, durationMs: number): void {
    const now = (globalThis as { performance?: { now(): number } }).performance?.now() ?? Date.now();
    const key = partKey(itemId, contentIndex);
    if (key !== this.#partKey) {
      this.#partKey = key;
      this.#mediaMs = 0;
      this.#firstArrivalMs = now;
      this.#lastTransitMs = undefined;
    }
    const transit = now - this.#firstArrivalMs - this.#mediaMs;
    if (this.#lastTransitMs !== undefined) {
      const difference = Math.abs(transit - this.#lastTransitMs);
      this.estimateMs += (difference - this.estimateMs) / 16;
    }
    this.#lastTransitMs = transit;
    this.#mediaMs += durationMs;
  }
}

function partKey(itemId: string, contentIndex: number): string {
  return `${contentIndex}:${itemId}`;
}
