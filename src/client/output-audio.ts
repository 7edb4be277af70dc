/**
 * The assistant's audio on its way to the user: wire audio decoded by the session's output
 * format, counted into the conversation, handed to the app (`audio`) and to an attached sink;
 * and, when the user cuts in, the sink flushed and the item truncated to what was really heard.
 * Over WebRTC and SIP the server plays it instead, and reports its playback buffer
 * (`output_audio_buffer.*`).
 */

import type { AudioFormat } from '../events/audio';
import type { ServerEventMap } from '../events/server-events';
import type { RealtimeError } from '../base/errors';
import { wireAudioDecoder } from '../codec/wire-audio';
import type { WireAudioDecoder } from '../codec/wire-audio';
import type { AudioOutputSink } from './audio-io';
import type { AudioChunkInfo, InterruptionInfo, SpeakingInfo } from './client-events';
import type { SafeEmit } from './connection';
import type { Conversation } from './conversation';
import { toRealtimeError } from './session-errors';

type AudioDelta = ServerEventMap['response.output_audio.delta'];

/** What {@link OutputAudio} needs from the client. */
export interface OutputAudioHost {
  readonly conversation: Conversation;
  /** Emits `audio` (true when a listener received it: it may keep the samples) and `error` (reported without breaking the connection). */
  readonly emit: SafeEmit<{ audio: [chunk: AudioChunkInfo]; error: [error: RealtimeError]; speaking: [info: SpeakingInfo]; interrupted: [info: InterruptionInfo] }>;
}

/** Sends `conversation.item.truncate` and cuts the transcript; false when not connected (`RealtimeClient.truncate`). */
export interface Truncator {
  truncate(itemId: string, contentIndex: number, audioEndMs: number): boolean;
}

/** An interruption with nothing measured yet. */
export function interruption(reason: InterruptionInfo['reason'], cancelled: boolean): InterruptionInfo {
  return { reason, itemId: undefined, contentIndex: undefined, playedMs: undefined, receivedMs: undefined, truncated: false, cancelled };
}

/** Decodes, routes and, on interruption, flushes and truncates the assistant's audio. */
export class OutputAudio {
  readonly #host: OutputAudioHost;
  readonly #client: Truncator;
  #sink: AudioOutputSink | undefined;
  /** Items flushed by an interruption: their remaining audio is not played. */
  readonly #flushedItems = new Set<string>();
  /** Server-owned playback (WebRTC, SIP): true between `output_audio_buffer.started` and its stop or clear. */
  #serverPlaying = false;
  /** Set while our own `output_audio_buffer.clear` is in flight, so its `cleared` echo is not a second interruption. */
  clearing = false;
  /** The decoder of the current output format (described once per format, not per delta). */
  #decoder: { format: AudioFormat; decoder: WireAudioDecoder } | undefined;

  constructor(host: OutputAudioHost, client: Truncator) {
    this.#host = host;
    this.#client = client;
  }

  /** Attaches a sink (replacing the previous one); returns a function that detaches it. */
  attach(sink: AudioOutputSink): () => void {
    this.#sink = sink;
    return () => {
      if (this.#sink === sink) this.#sink = undefined;
    };
  }

  /** One `response.output_audio.delta` in `format`. Decoding errors are reported, never thrown. */
  receive(event: AudioDelta, format: AudioFormat): void {
    if (this.#decoder?.format !== format) {
      try {
        this.#decoder = { format, decoder: wireAudioDecoder(format) };
      } catch (error) {
        this.#host.emit('error', toRealtimeError(error, 'VOXWIRE_INVALID_EVENT'));
        return;
      }
    }
    this.#play(event, this.#decoder.decoder);
  }

  /**
   * Stops playback and truncates the playing item to what the user heard. With
   * `onlyIfUnplayed`, returns without a truncate when everything received was already played.
   */
  async flushAndTruncate(info: InterruptionInfo, onlyIfUnplayed = false): Promise<InterruptionInfo> {
    if (!this.#sink) {
      this.#host.emit('interrupted', info);
      return info;
    }
    let position;
    try {
      position = await this.#sink.flush();
    } catch (error) {
      this.#host.emit('error', toRealtimeError(error, 'VOXWIRE_AUDIO_DEVICE'));
      position = null;
    }
    if (position) {
      const part = this.#host.conversation.get(position.itemId)?.content[position.contentIndex];
      const receivedMs = part?.audioMs ?? 0;
      const playedMs = Math.floor(Math.min((position.playedSamples / position.sampleRate) * 1000, receivedMs));
      this.#flushedItems.add(position.itemId);
      info.itemId = position.itemId;
      info.contentIndex = position.contentIndex;
      info.playedMs = playedMs;
      info.receivedMs = receivedMs;
      // Only cut when something unheard would remain; a fully played item needs no truncate.
      if (playedMs < Math.floor(receivedMs)) info.truncated = this.#client.truncate(position.itemId, position.contentIndex, playedMs);
    }
    // Nothing was playing and nothing was being generated: the user simply took their turn.
    if (onlyIfUnplayed && !info.truncated) return info;
    this.#host.emit('interrupted', info);
    return info;
  }

  /**
   * Server-owned playback (WebRTC, SIP): one `output_audio_buffer.started|stopped|cleared`,
   * tracked and emitted as `speaking`. True when the server cut playback because the user spoke:
   * a clear we did not ask for (ours was reported by `interrupt()`) while audio played or the
   * client's response was being generated (`responseActive`, read last).
   */
  serverBuffer(event: { type: string; response_id: string }, client: { readonly responseActive: boolean }): boolean {
    const wasPlaying = this.#serverPlaying;
    this.#serverPlaying = event.type === 'output_audio_buffer.started';
    this.#host.emit('speaking', { speaking: this.#serverPlaying, responseId: event.response_id });
    if (event.type !== 'output_audio_buffer.cleared') return false;
    if (this.clearing) return (this.clearing = false);
    return wasPlaying || client.responseActive;
  }

  /**
   * The user started speaking (audio over events). It interrupts only when a response was in
   * progress (`responding`) or audio was still playing: a first turn, or a turn after the reply
   * finished playing, is not an interruption. When the server interrupts (`interrupt_response`)
   * a running response's tool calls stop (`stopTools`); otherwise `cancel` cancels it.
   */
  async speechStarted(responding: boolean, serverInterrupts: boolean, stopTools: () => void, cancel: () => boolean): Promise<void> {
    if (!responding && !this.#sink) return;
    if (serverInterrupts && responding) stopTools();
    await this.flushAndTruncate(interruption('speech', serverInterrupts ? false : cancel()), !responding);
  }

  /** The connection dropped or ended: what is queued is dropped (nothing measures it any more). */
  drop(): void {
    if (this.#sink) void this.#sink.flush().catch(() => undefined);
  }

  #play(event: AudioDelta, decoder: WireAudioDecoder): void {
    const { sampleRate } = decoder.info;
    // voxwire/audio's socket worker played this delta itself and sent only its length.
    const playedOffThread = (event as { voxwire_samples?: number }).voxwire_samples;
    let samples: Int16Array | undefined;
    try {
      if (playedOffThread === undefined) samples = decoder.decode(event.delta);
    } catch (error) {
      this.#host.emit('error', toRealtimeError(error, 'VOXWIRE_INVALID_EVENT'));
      return;
    }
    this.#host.conversation.addAudio(event.item_id, event.content_index, ((samples?.length ?? playedOffThread!) / sampleRate) * 1000);
    if (!samples) return;
    const chunk: AudioChunkInfo = { responseId: event.response_id, itemId: event.item_id, contentIndex: event.content_index, samples, sampleRate };
    const listened = this.#host.emit('audio', chunk);
    if (this.#sink && !this.#flushedItems.has(chunk.itemId)) {
      try {
        // Freshly decoded: unless an app listener may hold them, the sink keeps them uncopied.
        this.#sink.write({ ...chunk, transfer: !listened });
      } catch (error) {
        this.#host.emit('error', toRealtimeError(error, 'VOXWIRE_AUDIO_DEVICE'));
      }
    }
  }
}

