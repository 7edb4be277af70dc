/**
 * The playback AudioWorklet processor (`voxwire-playback`). Built as its own file
 * (`voxwire/audio/worklets/playback-processor.js`); the Blob URL fallback inlines it together
 * with the capture processor.
 *
 * One persistent node per player: PCM16 arrives over the MessagePort (buffers transferred),
 * is resampled to the context rate into a ring buffer, and is rendered after a small adaptive
 * prebuffer. A flush fades out within the first quantum after the message arrives and is
 * acknowledged from the quantum in which output went silent, with the exact count of samples
 * of the part that were played. With off-main-thread audio, the socket worker writes and
 * flushes over a linked port the same way and hears every acknowledgement.
 */

import {
  PLAYBACK_PROCESSOR_NAME,
  type PlaybackControlMessage,
  type PlaybackProcessorMessage,
  type PlaybackProcessorOptions,
} from './messages';
import { PlaybackEngine } from './playback-engine';
import { registerProcessorOnce, workletScope, type ProcessorConstructionOptions } from './worklet-scope';

class PlaybackProcessor extends workletScope.AudioWorkletProcessor {
  readonly #engine: PlaybackEngine;
  /** The socket worker's port, when audio arrives off the main thread. */
  #link: MessagePort | undefined;

  constructor(options: ProcessorConstructionOptions) {
    super(options);
    const settings = options.processorOptions as PlaybackProcessorOptions;
    this.#engine = new PlaybackEngine({
      outputRate: workletScope.sampleRate,
      prebufferMs: settings.prebufferMs,
      maxPrebufferMs: settings.maxPrebufferMs,
      fadeMs: settings.fadeMs,
      statusIntervalFrames: settings.statusIntervalFrames,
      post: (message: PlaybackProcessorMessage) => {
        this.port.postMessage(message);
        if (message.type === 'flushed') this.#link?.postMessage(message);
      },
    });
    this.port.onmessage = (event) => this.#receive(event.data as PlaybackControlMessage);
  }

  process(_inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const channels = outputs[0];
    const first = channels?.[0];
    if (channels === undefined || first === undefined) return true;
    this.#engine.render(first, workletScope.currentTime);
    for (let c = 1; c < channels.length; c++) channels[c]!.set(first);
    return true;
  }

  #receive(message: PlaybackControlMessage): void {
    switch (message.type) {
      case 'write':
        this.#engine.write(message.itemId, message.contentIndex, message.samples, message.sampleRate, workletScope.currentTime);
        return;
      case 'flush':
        this.#engine.flush(message.id, message.immediate, workletScope.currentTime, message.repeat === true);
        return;
      case 'link':
        this.#link = message.port;
        message.port.onmessage = (event) => this.#receive(event.data as PlaybackControlMessage);
        return;
    }
  }
}

registerProcessorOnce(PLAYBACK_PROCESSOR_NAME, PlaybackProcessor);
