/**
 * Routes Web Audio into an `<audio>` element through a MediaStream. The player uses it when
 * audio must leave through an element: to pick an output device where `AudioContext.setSinkId`
 * is missing (`HTMLMediaElement.setSinkId` is older and wider spread), and as the last hop
 * of the echo-mitigation loopback. Internal.
 */

import { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';

/** An output path that can pick a device and be torn down. @internal */
export interface OutputRoute {
  /** Sends the audio to the output device `deviceId` ('' for the default). */
  setSinkId(deviceId: string): Promise<void>;
  /** Retries playback after an autoplay refusal (call from a user gesture). */
  resume(): Promise<void>;
  /** Disconnects everything the route created. */
  close(): void;
}

/** Plays a MediaStream through a detached `<audio>` element. @internal */
export class MediaElementOutput implements OutputRoute {
  /** The element (not attached to the document). */
  readonly element: HTMLAudioElement;
  readonly #logger: Logger;

  constructor(stream: MediaStream, logger: Logger) {
    const documentLike = (globalThis as { document?: Document }).document;
    if (documentLike === undefined) {
      throw new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', 'Routing audio through a media element needs a document.');
    }
    this.#logger = logger;
    this.element = documentLike.createElement('audio');
    this.element.autoplay = true;
    this.element.srcObject = stream;
    void this.resume();
  }

  async setSinkId(deviceId: string): Promise<void> {
    const element = this.element as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
    if (typeof element.setSinkId !== 'function') {
      throw new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', 'This browser cannot choose an audio output device (no setSinkId).');
    }
    try {
      await element.setSinkId(deviceId);
    } catch (error) {
      throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', `Could not switch the audio output to ${JSON.stringify(deviceId)}.`, { cause: error });
    }
  }

  async resume(): Promise<void> {
    try {
      await this.element.play();
    } catch (error) {
      // Autoplay refused: the player's resume() (from a gesture) calls this again.
      this.#logger.debug('the output media element could not start yet', { error });
    }
  }

  close(): void {
    this.element.pause();
    this.element.srcObject = null;
  }
}
