/**
 * How fast the mock server streams reply audio. The real API generates audio somewhat faster
 * than it plays; tests usually want it much faster, demos want it at the speed it is heard.
 */

import { RealtimeError } from '../../base/errors';

/**
 * Pace of `response.output_audio.delta` events:
 * - `'realtime'`: each chunk when the previous one would have finished playing;
 * - a number `n > 0`: `n` times faster than real time (`2` sends a 4 s reply in 2 s);
 * - `'instant'`: as fast as possible, yielding to the event loop between chunks so a
 *   `response.cancel` or barge-in can still land mid-response.
 */
export type AudioPace = 'realtime' | 'instant' | number;

/** The speed-up factor of a pace (`Infinity` for `'instant'`). */
export function paceSpeed(pace: AudioPace): number {
  if (pace === 'realtime') return 1;
  if (pace === 'instant') return Number.POSITIVE_INFINITY;
  if (typeof pace === 'number' && Number.isFinite(pace) && pace > 0) return pace;
  throw new RealtimeError(
    'VOXWIRE_INVALID_ARGUMENT',
    `audioPace must be 'realtime', 'instant' or a speed-up factor > 0, got ${JSON.stringify(pace)}.`,
  );
}
