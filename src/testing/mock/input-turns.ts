/**
 * The input side of a mock Realtime session: the input audio buffer, server VAD on the real
 * samples ({@link EnergyVad}), commits (by the client, by the VAD, by the idle timeout) that
 * turn audio into user items, and their input transcriptions, which the API sends after the
 * turn's `response.created` (or on the next tick when no response starts).
 */

import { decodeWireAudio } from '../../codec/wire-audio';
import type { ClientEventInputMap } from '../../events/client-events';
import type { ScenarioCursor } from '../script/scenario-cursor';
import type { MockConversation, MockItem, StoredItem } from './conversation';
import { mockErrors } from './errors';
import type { MockIdPrefix } from './ids';
import { InputAudioBuffer } from './input-audio-buffer';
import { splitTextDeltas } from './response';
import type { MockChannel } from './session-channel';
import type { MockSessionKind, MockSessionObject } from './session-config';
import { formatRate } from './session-items';
import { transcriptionUsage } from './usage';
import { EnergyVad, semanticVadSettings } from './vad';
import type { VadEvent } from './vad';

type ClientEventOf<Type extends keyof ClientEventInputMap> = ClientEventInputMap[Type];

const MIN_COMMIT_MS = 100;

/** What the input side needs from its session. */
export interface InputTurnsHost {
  readonly channel: MockChannel;
  readonly conversation: MockConversation;
  readonly turns: ScenarioCursor;
  /** The input transcription reported when no scenario turn gives one. */
  readonly userTranscript: string;
  newId(prefix: MockIdPrefix): string;
  obfuscate(delta: string): string;
  yieldToEventLoop(callback: () => void): () => void;
  /** The session as it is now. */
  session(): MockSessionObject;
  kind(): MockSessionKind;
  /** The VAD heard the user start: `interrupt` when turn detection interrupts the response. */
  onSpeechStarted(interrupt: boolean): void;
  /** The VAD committed a turn: start a response when turn detection says so. */
  onSpeechCommitted(createResponse: boolean): void;
}

/** The input audio buffer, VAD and transcriptions of one session. */
export class InputTurns {
  readonly #host: InputTurnsHost;
  readonly #buffer: InputAudioBuffer;
  #vad: EnergyVad | undefined;
  /** Session audio clock (ms) at the VAD's position 0. */
  #vadOriginMs = 0;
  #speech: { itemId: string; audioStartMs: number } | undefined;
  /** Input transcriptions waiting to be sent: the API sends them after the turn's `response.created`. */
  #pendingTranscriptions: Array<() => void> = [];
  /** The in-band response whose `response.created` releases the pending transcriptions. */
  #transcriptionsWaitFor: { readonly active: boolean } | undefined;

  constructor(host: InputTurnsHost, maxInputBufferMs: number) {
    this.#host = host;
    this.#buffer = new InputAudioBuffer(maxInputBufferMs);
  }

  /** Milliseconds of input audio received so far (the session's audio clock). */
  get clockMs(): number {
    return this.#buffer.clockMs;
  }

  /** True while the VAD hears the user. */
  get speaking(): boolean {
    return this.#speech !== undefined;
  }

  /** Brings the VAD in line with the session's turn detection and input rate. */
  configure(): void {
    const input = this.#host.session().audio.input;
    const detection = input.turn_detection;
    if (detection === null) {
      this.#vad = undefined;
      this.#speech = undefined;
      return;
    }
    const settings =
      detection.type === 'semantic_vad'
        ? semanticVadSettings(detection.eagerness)
        : {
            threshold: detection.threshold ?? 0.5,
            prefixPaddingMs: detection.prefix_padding_ms ?? 300,
            silenceDurationMs: detection.silence_duration_ms ?? 500,
          };
    const rate = formatRate(input.format);
    if (this.#vad && this.#vad.sampleRate === rate) {
      this.#vad.configure(settings);
      return;
    }
    this.#vad = new EnergyVad({ sampleRate: rate, ...settings });
    this.#vadOriginMs = this.#buffer.clockMs;
    this.#speech = undefined;
  }

  /** `input_audio_buffer.append`. */
  append(event: ClientEventOf<'input_audio_buffer.append'>): void {
    let decoded: { pcm: Int16Array; sampleRate: number };
    try {
      decoded = decodeWireAudio(event.audio, this.#host.session().audio.input.format);
    } catch (error) {
      this.#host.channel.sendError(mockErrors.invalidAudio(error instanceof Error ? error.message : String(error)), event.event_id ?? null);
      return;
    }
    this.appendPcm(decoded.pcm, decoded.sampleRate);
  }

  /** Input audio at the input rate, from `append` or from media (WebRTC). */
  appendPcm(pcm: Int16Array, sampleRate: number): void {
    if (this.#vad && this.#vad.sampleRate !== sampleRate) this.configure();
    this.#buffer.append(pcm, sampleRate);
    if (!this.#vad) return;
    for (const vadEvent of this.#vad.push(pcm)) {
      if (this.#host.channel.closed) return;
      this.#onVad(vadEvent);
    }
  }

  #onVad(event: VadEvent): void {
    const host = this.#host;
    const detection = host.session().audio.input.turn_detection;
    if (!detection) return;
    if (event.type === 'speech_started') {
      const audioStartMs = Math.round(Math.max(this.#buffer.startMs, this.#vadOriginMs + event.audioStartMs));
      const itemId = host.newId('item');
      this.#speech = { itemId, audioStartMs };
      host.channel.emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: audioStartMs, item_id: itemId });
      host.onSpeechStarted(detection.interrupt_response !== false);
      return;
    }
    const speech = this.#speech;
    if (!speech) return;
    this.#speech = undefined;
    const audioEndMs = Math.round(Math.min(this.#buffer.clockMs, this.#vadOriginMs + event.audioEndMs));
    host.channel.emit({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: audioEndMs, item_id: speech.itemId });
    const pcm = this.#buffer.take(speech.audioStartMs, audioEndMs);
    this.#commitAudio(pcm, this.#buffer.sampleRate, speech.itemId, undefined);
    host.onSpeechCommitted(detection.create_response !== false);
  }

  /** `input_audio_buffer.commit`. */
  commit(event: ClientEventOf<'input_audio_buffer.commit'>): void {
    const bufferedMs = this.#buffer.bufferedMs;
    if (bufferedMs < MIN_COMMIT_MS) {
      this.#host.channel.sendError(mockErrors.commitEmpty(bufferedMs), event.event_id ?? null);
      return;
    }
    const itemId = this.#speech?.itemId ?? this.#host.newId('item');
    this.#speech = undefined;
    this.#vad?.resetSpeech();
    const sampleRate = this.#buffer.sampleRate;
    this.#commitAudio(this.#buffer.takeAll(), sampleRate, itemId, undefined);
  }

  /** `input_audio_buffer.clear`. */
  clear(): void {
    this.#buffer.clear();
    this.#vad?.resetSpeech();
    this.#speech = undefined;
    this.#host.channel.emit({ type: 'input_audio_buffer.cleared' });
  }

  /** The idle timeout fired: commits the last `idleMs` of input (silence) as an empty user turn. */
  commitIdle(idleMs: number): void {
    const audioEndMs = Math.round(this.#buffer.clockMs);
    const audioStartMs = Math.round(Math.max(this.#buffer.startMs, audioEndMs - idleMs));
    const itemId = this.#host.newId('item');
    this.#host.channel.emit({ type: 'input_audio_buffer.timeout_triggered', audio_start_ms: audioStartMs, audio_end_ms: audioEndMs, item_id: itemId });
    const sampleRate = this.#buffer.sampleRate;
    const pcm = this.#buffer.take(audioStartMs, audioEndMs);
    this.#buffer.clear();
    this.#vad?.resetSpeech();
    this.#commitAudio(pcm, sampleRate, itemId, '');
  }

  /** An in-band response started: pending transcriptions wait for its `response.created`. */
  responseStarted(response: { readonly active: boolean }): void {
    if (this.#pendingTranscriptions.length > 0) this.#transcriptionsWaitFor = response;
  }

  /** The session sent `response.created`. */
  responseCreated(): void {
    if (this.#transcriptionsWaitFor !== undefined) this.#flushTranscriptions();
  }

  /** A response ended; one that failed before it was announced must not hold the transcriptions back. */
  responseDone(response: { readonly active: boolean }): void {
    if (this.#transcriptionsWaitFor === response) this.#flushTranscriptions();
  }

  /** Turns committed audio into a user item, with its transcription when the session asks for one. */
  #commitAudio(pcm: Int16Array, sampleRate: number, itemId: string, transcript: string | undefined): void {
    const host = this.#host;
    const channel = host.channel;
    const item: MockItem = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    const stored: StoredItem = { item, audioMs: sampleRate > 0 ? (pcm.length * 1000) / sampleRate : 0 };
    if (pcm.length > 0 && sampleRate > 0) stored.audio = { pcm, sampleRate };
    const previous = host.conversation.insert(stored, 'end');
    if (!channel.emit({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId })) return;
    if (!channel.emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) })) return;
    if (!channel.emit({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(item) })) return;
    if (host.session().audio.input.transcription === null) return;
    const text = transcript ?? host.turns.peek()?.user ?? host.userTranscript;
    if (host.kind() === 'transcription') host.turns.take();
    this.#pendingTranscriptions.push(() => this.#sendTranscription(item, stored, text));
    // Sent once the turn's response has been announced, or on the next tick when none starts.
    host.yieldToEventLoop(() => {
      if (this.#transcriptionsWaitFor?.active !== true) this.#flushTranscriptions();
    });
  }

  #flushTranscriptions(): void {
    this.#transcriptionsWaitFor = undefined;
    const pending = this.#pendingTranscriptions;
    this.#pendingTranscriptions = [];
    for (const send of pending) send();
  }

  #sendTranscription(item: MockItem, stored: StoredItem, text: string): void {
    const channel = this.#host.channel;
    const itemId = item.id;
    for (const delta of splitTextDeltas(text)) {
      const event = { type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta, obfuscation: this.#host.obfuscate(delta) };
      if (!channel.emit(event)) return;
    }
    (item.content as Array<Record<string, unknown>>)[0]!.transcript = text;
    channel.emit({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript: text,
      usage: transcriptionUsage(stored.audioMs ?? 0, text),
    });
  }
}
