/**
 * The capture AudioWorklet processor (`voxwire-capture`). Built as its own file
 * (`voxwire/audio/worklets/capture-processor.js`); the Blob URL fallback inlines it together
 * with the playback processor.
 *
 * It runs on the audio rendering thread: each 128-frame quantum of microphone input is
 * downmixed, resampled to the wire rate with the shared {@link Resampler} and cut into
 * fixed-size chunks whose buffers are transferred (not copied) to the main thread, or, while
 * the socket worker streams them to a live session, straight to that worker (and a copy to the
 * main thread only while the page listens to `chunk`).
 */

import { CaptureEngine } from './capture-engine';
import {
  CAPTURE_PROCESSOR_NAME,
  type CaptureControlMessage,
  type CaptureProcessorMessage,
  type CaptureProcessorOptions,
  type CaptureRouteMessage,
} from './messages';
import { registerProcessorOnce, workletScope, type ProcessorConstructionOptions } from './worklet-scope';

class CaptureProcessor extends workletScope.AudioWorkletProcessor {
  readonly #engine: CaptureEngine;
  #stopped = false;
  /** The socket worker's port, and whether chunks go there (it streams them) or to the main thread. */
  #link: MessagePort | undefined;
  #toLink = false;
  /** True while the page listens to `chunk`: streamed chunks are copied to it. */
  #tap = false;

  constructor(options: ProcessorConstructionOptions) {
    super(options);
    const settings = options.processorOptions as CaptureProcessorOptions;
    this.#engine = new CaptureEngine({
      inputRate: workletScope.sampleRate,
      targetRate: settings.targetRate,
      chunkSamples: settings.chunkSamples,
      encoding: settings.encoding,
      levelIntervalFrames: settings.levelIntervalFrames,
      muted: settings.muted,
      gain: settings.gain,
      onChunk: (data, sequence) => {
        const chunk: CaptureProcessorMessage = { type: 'chunk', data, sequence, contextTime: this.#now() };
        const transfer = [data.buffer as ArrayBuffer];
        if (this.#toLink && this.#link !== undefined) {
          if (this.#tap) {
            const copy = data.slice();
            this.#send({ ...chunk, data: copy, streamed: true }, [copy.buffer as ArrayBuffer]);
          }
          this.#link.postMessage(chunk, transfer);
        } else {
          this.#send(chunk, transfer);
        }
      },
      onLevel: (rms, peak) => this.#send({ type: 'level', rms, peak, contextTime: this.#now() }),
    });
    this.port.onmessage = (event) => this.#receive(event.data as CaptureControlMessage);
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.#stopped) return false;
    this.#engine.process(inputs[0] ?? []);
    return true;
  }

  #receive(message: CaptureControlMessage): void {
    switch (message.type) {
      case 'mute':
        this.#engine.setMuted(message.muted);
        return;
      case 'gain':
        this.#engine.setGain(message.gain);
        return;
      case 'stop':
        if (this.#stopped) return;
        this.#engine.finish();
        this.#stopped = true;
        this.#send({ type: 'stopped', chunks: this.#engine.chunkCount });
        return;
      case 'tap':
        this.#tap = message.enabled;
        return;
      case 'link':
        this.#link = message.port;
        this.#toLink = message.toLink === true;
        message.port.onmessage = (event) => {
          const route = event.data as CaptureRouteMessage;
          if (route.type === 'route') this.#toLink = route.toLink;
        };
        return;
    }
  }

  /** Context time at the end of the current quantum. */
  #now(): number {
    return workletScope.currentTime + 128 / workletScope.sampleRate;
  }

  #send(message: CaptureProcessorMessage, transfer?: ArrayBuffer[]): void {
    this.port.postMessage(message, transfer);
  }
}

registerProcessorOnce(CAPTURE_PROCESSOR_NAME, CaptureProcessor);
