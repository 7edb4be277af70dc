/**
 * One response of the mock server, from `response.created` to `response.done`: the message
 * (audio with its transcript, or text) and the function calls a scenario turn asks for,
 * streamed as the GA API streams them, cancellable at any point (barge-in or
 * `response.cancel`), with the turn's latency and drop rules applied to every event.
 *
 * Event order for an audio message (the GA order):
 * `response.output_item.added`, `conversation.item.added`, `response.content_part.added`,
 * then `response.output_audio_transcript.delta`s interleaved with `response.output_audio.delta`s
 * (each transcript delta is sent just before the audio it describes), then
 * `response.output_audio.done`, `response.output_audio_transcript.done`,
 * `response.content_part.done`, `response.output_item.done`, `conversation.item.done`; after
 * `response.done`, `rate_limits.updated` (as the API sends it). Text and transcript deltas carry
 * an `obfuscation` string, as the API's do.
 * A function call: `response.output_item.added`, `conversation.item.added`,
 * `response.function_call_arguments.delta`s, `response.function_call_arguments.done`,
 * `response.output_item.done`, `conversation.item.done`. Out-of-band responses
 * (`conversation: 'none'`) skip the `conversation.item.*` events.
 *
 * A cancelled response closes the item in progress (its `.done` events carry what was sent so
 * far and `status: 'incomplete'`), starts no further items, and ends with `response.done`
 * `status: 'cancelled'` and `status_details.reason` `turn_detected` or `client_cancelled`.
 */

import type { AudioPace } from './audio-pace';
import { paceSpeed } from './audio-pace';
import type { WireEvent } from '../recording/event-log';
import { encodeWireAudio } from '../../codec/wire-audio';
import type { MockConversation, MockItem, StoredItem } from './conversation';
import type { MockErrorBody } from './errors';
import type { MockIdPrefix } from './ids';
import type { MockAudioFormat } from './session-config';
import type { ScenarioDrop, ScenarioTurn, ScenarioUsage } from '../script/scenario';
import { rateLimitsEvent, responseUsage } from './usage';
import type { InputUsage } from './usage';

export type { InputUsage } from './usage';

/** A reply ready to stream: text, audio at the output rate, function calls. */
export interface ResolvedReply {
  /** The transcript (audio) or the text (text modality). */
  text: string;
  /** PCM16 at the output format's rate; absent for a text-only response. */
  audio?: Int16Array;
  /** Function calls, arguments already as the exact string to send. */
  functionCalls: Array<{ name: string; arguments: string; callId?: string }>;
  /** End as `incomplete` (`max_output_tokens`) after the message. */
  incomplete: boolean;
  /** Usage overrides. */
  usage?: ScenarioUsage;
  /** The summary of a reasoning item sent before the reply (a reasoning model). */
  reasoning?: string;
}

/** What a response needs from its session. */
export interface ResponseHost {
  /** Sends a server event (the session adds `event_id`); false once the connection is gone. */
  emit(event: WireEvent): boolean;
  /** Ends the connection for a scenario drop: 1006 terminates, other codes close. */
  drop(code: number, reason: string): void;
  /** Resolves true after `ms`, or false as soon as `signal` aborts or the session closes. */
  sleep(ms: number, signal: AbortSignal): Promise<boolean>;
  /** The session clock, in ms. */
  now(): number;
  /** A new id. */
  newId(prefix: MockIdPrefix): string;
  /** The `obfuscation` padding of a streamed text delta. */
  obfuscate(delta: string): string;
  /** The session's conversation. */
  readonly conversation: MockConversation;
  /**
   * Media transports (WebRTC) play reply audio on a track instead of sending
   * `response.output_audio.delta`; the session passes the track writer here.
   */
  readonly writeOutputAudio: ((pcm: Int16Array, sampleRate: number) => void) | undefined;
  /** Media transports: calls back when the audio written so far has played out (see `MockSessionLink.drainOutputAudio`). */
  readonly drainOutputAudio?: ((onPlayed: () => void) => void) | undefined;
  /** Called before the first audio of an assistant item goes out (the voice is locked from then on). */
  onAssistantAudio(itemId: string): void;
  /** Called once when the response has ended, however it ended. */
  onResponseDone(response: MockResponse): void;
}

/** Everything a response is created with. */
export interface MockResponseInit {
  id: string;
  /** The conversation id for in-band responses, `null` for out-of-band ones (`conversation: 'none'`). */
  conversationId: string | null;
  outputModalities: Array<'text' | 'audio'>;
  outputFormat: MockAudioFormat;
  voice: unknown;
  maxOutputTokens: number | 'inf';
  metadata: Record<string, string> | null;
  /** The scenario turn this response plays (drop, latency), if any. */
  turn: ScenarioTurn | undefined;
  /** Loads the reply (fixture audio is read lazily), or an error to send instead of a response. */
  resolve: () => Promise<ResolvedReply | { error: Omit<MockErrorBody, 'event_id'> }>;
  inputUsage: InputUsage;
  pace: AudioPace;
  /** Length of each `response.output_audio.delta`. */
  outputChunkMs: number;
  /** `event_id` of the client event that caused the response (echoed in an error turn). */
  clientEventId: string | null;
}

/** Why a response was cancelled. */
export type CancelReason = 'turn_detected' | 'client_cancelled';

type FinalStatus = 'completed' | 'cancelled' | 'incomplete' | 'failed';

const ARGUMENT_DELTA_CHARS = 24;

/** Splits text into word deltas (`"It's"`, `" 18"`, `" degrees"`). */
export function splitTextDeltas(text: string): string[] {
  const parts: string[] = text.match(/\s*\S+/g) ?? [];
  const rest = text.slice(parts.reduce((length, part) => length + part.length, 0));
  if (rest !== '') {
    if (parts.length > 0) parts[parts.length - 1] += rest;
    else parts.push(rest);
  }
  return parts;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/**
 * A response being streamed. Create it when the response is requested (so a second
 * `response.create` conflicts at once), then {@link MockResponse.run} it.
 */
export class MockResponse {
  /** The response id (`resp_...`). */
  readonly id: string;
  /** False for out-of-band responses (`conversation: 'none'`), whose items stay out of the conversation. */
  readonly inConversation: boolean;
  readonly #init: MockResponseInit;
  readonly #host: ResponseHost;
  readonly #abort = new AbortController();
  readonly #counts = new Map<string, number>();
  readonly #drop: ScenarioDrop | undefined;
  #cancelReason: CancelReason | undefined;
  #finished = false;
  #closed = false;
  #output: MockItem[] = [];
  #outputTextChars = 0;
  #reasoningChars = 0;
  #outputAudioMs = 0;
  #firstAudioAt: number | undefined;
  /** Audio of the items before the one streaming (a response has one message, but keep it exact). */
  #previousItemsAudioMs = 0;
  /** Per-delta latency injected so far: it delays the pacing clock rather than being absorbed by it. */
  #injectedLatencyMs = 0;
  #status: FinalStatus | undefined;

  constructor(init: MockResponseInit, host: ResponseHost) {
    this.id = init.id;
    this.inConversation = init.conversationId !== null;
    this.#init = init;
    this.#host = host;
    this.#drop = init.turn?.drop;
  }

  /** True until `response.done` (or the error that replaced it) has been sent or the connection dropped. */
  get active(): boolean {
    return !this.#finished;
  }

  /** True from a cancel until `response.done`: the response is winding down and starts nothing more. */
  get cancelling(): boolean {
    return this.#cancelled && !this.#finished;
  }

  /** When the client will have finished playing the audio sent so far (session clock), if any was sent. */
  get playbackEndsAt(): number | undefined {
    return this.#firstAudioAt === undefined ? undefined : this.#firstAudioAt + this.#outputAudioMs;
  }

  /** `in_progress` until `response.done`, then the final status. */
  get status(): FinalStatus | 'in_progress' {
    return this.#status ?? 'in_progress';
  }

  /** Cancels the response; false when it had already finished (nothing to cancel). */
  cancel(reason: CancelReason): boolean {
    if (this.#finished || this.#cancelReason !== undefined) return !this.#finished;
    this.#cancelReason = reason;
    this.#abort.abort();
    return true;
  }

  /** Stops without sending anything more (the connection is gone). */
  abandon(): void {
    this.#closed = true;
    this.#finished = true;
    this.#abort.abort();
  }

  /** Streams the response. Resolves when it is done, cancelled or dropped; never rejects. */
  async run(): Promise<void> {
    try {
      await this.#run();
    } catch (error) {
      // A bug in the mock must not become an unhandled rejection in the app's test run: report
      // it on the wire, as a server_error, the way the real API reports its own failures.
      this.#emit({
        type: 'error',
        error: {
          type: 'server_error',
          code: 'server_error',
          message: `voxwire mock failed while streaming the response: ${error instanceof Error ? error.message : String(error)}`,
          param: null,
          event_id: this.#init.clientEventId,
        },
      });
    } finally {
      this.#finished = true;
      this.#host.onResponseDone(this);
    }
  }

  get #cancelled(): boolean {
    return this.#cancelReason !== undefined;
  }

  async #run(): Promise<void> {
    const latency = this.#init.turn?.latency;
    if (latency?.beforeResponseMs) {
      await this.#host.sleep(latency.beforeResponseMs, this.#abort.signal);
      if (this.#closed) return;
    }
    const reply = await this.#init.resolve();
    if (this.#closed) return;
    if ('error' in reply) {
      this.#emit({ type: 'error', error: { ...reply.error, event_id: this.#init.clientEventId } });
      return;
    }
    if (!this.#emit({ type: 'response.created', response: this.#responseObject('in_progress', null, null) })) return;

    let outputIndex = 0;
    if (reply.reasoning !== undefined && !this.#cancelled) {
      const item = this.#reasoningItem(outputIndex++, reply.reasoning);
      if (item === undefined) return;
      this.#output.push(item);
    }
    const speaks = reply.text !== '' || reply.audio !== undefined || reply.functionCalls.length === 0;
    if (speaks && !this.#cancelled) {
      const item = await this.#streamMessage(outputIndex++, reply);
      if (item === undefined) return;
      this.#output.push(item);
    }
    if (!reply.incomplete) {
      for (const call of reply.functionCalls) {
        if (this.#cancelled) break;
        const item = await this.#streamFunctionCall(outputIndex++, call);
        if (item === undefined) return;
        this.#output.push(item);
      }
    }

    const status: FinalStatus = this.#cancelled ? 'cancelled' : reply.incomplete ? 'incomplete' : 'completed';
    const details =
      status === 'cancelled'
        ? { type: 'cancelled', reason: this.#cancelReason }
        : status === 'incomplete'
          ? { type: 'incomplete', reason: 'max_output_tokens' }
          : null;
    this.#status = status;
    // Not active from here on: a response.create the client sends on seeing response.done must not conflict.
    this.#finished = true;
    if (!this.#emit({ type: 'response.done', response: this.#responseObject(status, details, responseUsage(this.#init.inputUsage, { textChars: this.#outputTextChars, reasoningChars: this.#reasoningChars, audioMs: this.#outputAudioMs }, reply.usage)) })) return;
    // The API reports the rate limits once the response is done (captured traffic and fixtures/events/).
    this.#emit(rateLimitsEvent(this.#init.inputUsage, reply.text));
  }

  #responseObject(status: FinalStatus | 'in_progress', statusDetails: unknown, usage: unknown): Record<string, unknown> {
    const audio = this.#init.outputModalities.includes('audio')
      ? { output: { format: clone(this.#init.outputFormat), voice: clone(this.#init.voice) } }
      : undefined;
    return {
      object: 'realtime.response',
      id: this.id,
      status,
      status_details: statusDetails,
      output: clone(this.#output),
      conversation_id: this.#init.conversationId,
      output_modalities: [...this.#init.outputModalities],
      max_output_tokens: this.#init.maxOutputTokens,
      ...(audio ? { audio } : {}),
      usage,
      metadata: this.#init.metadata,
    };
  }

  /** Sends one event of the turn, applying the drop rule. False when the connection is gone. */
  #emit(event: WireEvent): boolean {
    if (this.#closed) return false;
    const count = (this.#counts.get(event.type) ?? 0) + 1;
    this.#counts.set(event.type, count);
    const drop = this.#drop;
    const wanted = drop?.count ?? 1;
    if (drop && drop.before === event.type && count === wanted) {
      this.#dropNow(drop);
      return false;
    }
    if (!this.#host.emit(event)) {
      this.#closed = true;
      return false;
    }
    if (drop && drop.after === event.type && count === wanted) {
      this.#dropNow(drop);
      return false;
    }
    return true;
  }

  #dropNow(drop: ScenarioDrop): void {
    this.#closed = true;
    this.#finished = true;
    this.#host.drop(drop.code ?? 1006, drop.reason ?? '');
  }

  /** Waits the turn's per-delta latency; false when the response ended meanwhile. */
  async #delta(): Promise<boolean> {
    const perDeltaMs = this.#init.turn?.latency?.perDeltaMs ?? 0;
    if (perDeltaMs > 0) {
      await this.#host.sleep(perDeltaMs, this.#abort.signal);
      this.#injectedLatencyMs += perDeltaMs;
    }
    return !this.#closed && !this.#cancelled;
  }

  /** Adds an item to the conversation (in-band responses) and announces it. */
  #addItem(outputIndex: number, item: MockItem, stored: StoredItem): boolean {
    if (!this.#emit({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item: clone(item) })) return false;
    if (!this.inConversation) return true;
    const previous = this.#host.conversation.insert(stored, 'end');
    return this.#emit({ type: 'conversation.item.added', previous_item_id: previous, item: clone(item) });
  }

  #finishItem(outputIndex: number, item: MockItem): boolean {
    if (!this.#emit({ type: 'response.output_item.done', response_id: this.id, output_index: outputIndex, item: clone(item) })) return false;
    if (!this.inConversation || !this.#host.conversation.has(item.id)) return true;
    const order = this.#host.conversation.list();
    const index = order.findIndex((stored) => stored.item.id === item.id);
    const previous = index > 0 ? order[index - 1]!.item.id : null;
    return this.#emit({ type: 'conversation.item.done', previous_item_id: previous, item: clone(item) });
  }

  /**
   * A reasoning model's `reasoning` item, as the API puts it first in the output: added empty,
   * done with its summary (and the encrypted content a later request could pass back).
   */
  #reasoningItem(outputIndex: number, summary: string): MockItem | undefined {
    const item = { id: this.#host.newId('item'), object: 'realtime.item', type: 'reasoning', status: 'in_progress', summary: [], encrypted_content: null } as unknown as MockItem;
    if (!this.#addItem(outputIndex, item, { item })) return undefined;
    const done = item as unknown as { status: string; summary: Array<{ type: string; text: string }> };
    done.status = 'completed';
    done.summary = [{ type: 'summary_text', text: summary }];
    this.#reasoningChars += summary.length;
    return this.#finishItem(outputIndex, item) ? item : undefined;
  }

  async #streamMessage(outputIndex: number, reply: ResolvedReply): Promise<MockItem | undefined> {
    const audioMode = this.#init.outputModalities.includes('audio') && reply.audio !== undefined;
    const item: MockItem = { id: this.#host.newId('item'), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const format = this.#init.outputFormat;
    const sampleRate = format.type === 'audio/pcm' ? (format.rate ?? 24000) : 8000;
    const stored: StoredItem = { item };
    if (audioMode) {
      stored.sentAudioMs = 0;
      stored.plannedAudioMs = ((reply.audio?.length ?? 0) * 1000) / sampleRate;
      stored.plannedTranscript = reply.text;
    }
    if (!this.#addItem(outputIndex, item, stored)) return undefined;
    const base = { response_id: this.id, item_id: item.id, output_index: outputIndex, content_index: 0 };
    const part = audioMode ? { type: 'audio', transcript: '' } : { type: 'text', text: '' };
    if (!this.#emit({ type: 'response.content_part.added', ...base, part })) return undefined;

    const words = splitTextDeltas(reply.text);
    let wordsSent = 0;
    let sentText = '';
    const sendWords = (upTo: number): boolean => {
      while (wordsSent < upTo) {
        const delta = words[wordsSent++]!;
        sentText += delta;
        this.#outputTextChars += delta.length;
        const type = audioMode ? 'response.output_audio_transcript.delta' : 'response.output_text.delta';
        if (!this.#emit({ type, ...base, delta, obfuscation: this.#host.obfuscate(delta) })) return false;
      }
      return true;
    };

    if (audioMode) {
      const audio = reply.audio!;
      const chunkSamples = Math.max(1, Math.round((sampleRate * this.#init.outputChunkMs) / 1000));
      const chunkCount = Math.ceil(audio.length / chunkSamples);
      const speed = paceSpeed(this.#init.pace);
      let clockStart: number | undefined;
      let sentSamples = 0;
      for (let chunk = 0; chunk < chunkCount; chunk++) {
        if (!(await this.#delta())) break;
        const sentMs = (sentSamples * 1000) / sampleRate;
        clockStart ??= this.#host.now() - this.#injectedLatencyMs;
        const due = clockStart + this.#injectedLatencyMs + sentMs / speed;
        const wait = Math.max(0, due - this.#host.now());
        await this.#host.sleep(wait, this.#abort.signal);
        if (this.#closed) return undefined;
        if (this.#cancelled) break;
        // The words this chunk speaks go out just before it, so a cancel never leaves words without audio.
        if (!sendWords(Math.ceil(((chunk + 1) * words.length) / chunkCount))) return undefined;
        const pcm = audio.subarray(chunk * chunkSamples, Math.min(audio.length, (chunk + 1) * chunkSamples));
        if (this.#firstAudioAt === undefined) {
          this.#host.onAssistantAudio(item.id);
          this.#firstAudioAt = this.#host.now();
          if (this.#host.writeOutputAudio && !this.#emit({ type: 'output_audio_buffer.started', response_id: this.id })) return undefined;
        }
        if (this.#host.writeOutputAudio) {
          this.#host.writeOutputAudio(pcm, sampleRate);
        } else if (!this.#emit({ type: 'response.output_audio.delta', ...base, delta: encodeWireAudio(pcm, format) })) {
          return undefined;
        }
        sentSamples += pcm.length;
        this.#outputAudioMs = (sentSamples * 1000) / sampleRate + this.#previousItemsAudioMs;
        stored.sentAudioMs = (sentSamples * 1000) / sampleRate;
        stored.audioMs = stored.sentAudioMs;
        this.#host.conversation.setAudio(item.id, { pcm: audio.subarray(0, sentSamples), sampleRate });
      }
      this.#previousItemsAudioMs = this.#outputAudioMs;
      if (!this.#cancelled && !sendWords(words.length)) return undefined;
      const transcript = typeof stored.truncatedTranscript === 'string' ? stored.truncatedTranscript : sentText;
      if (!this.#emit({ type: 'response.output_audio.done', ...base })) return undefined;
      if (!this.#emit({ type: 'response.output_audio_transcript.done', ...base, transcript })) return undefined;
      if (!this.#emit({ type: 'response.content_part.done', ...base, part: { type: 'audio', transcript } })) return undefined;
      item.status = this.#cancelled ? 'incomplete' : 'completed';
      item.content = [{ type: 'output_audio', transcript }];
      if (this.#host.writeOutputAudio && !this.#cancelled) {
        const stopped: WireEvent = { type: 'output_audio_buffer.stopped', response_id: this.id };
        // The buffer stops when the audio has played out on the track, not when the last chunk was written.
        if (this.#host.drainOutputAudio) this.#host.drainOutputAudio(() => void this.#host.emit(stopped));
        else if (!this.#emit(stopped)) return undefined;
      }
    } else {
      for (let index = 0; index < words.length; index++) {
        if (!(await this.#delta())) break;
        await this.#host.sleep(0, this.#abort.signal);
        if (this.#closed) return undefined;
        if (this.#cancelled) break;
        if (!sendWords(index + 1)) return undefined;
      }
      if (!this.#emit({ type: 'response.output_text.done', ...base, text: sentText })) return undefined;
      if (!this.#emit({ type: 'response.content_part.done', ...base, part: { type: 'text', text: sentText } })) return undefined;
      item.status = this.#cancelled ? 'incomplete' : 'completed';
      item.content = [{ type: 'output_text', text: sentText }];
    }
    if (!this.#finishItem(outputIndex, item)) return undefined;
    return clone(item);
  }

  async #streamFunctionCall(
    outputIndex: number,
    call: { name: string; arguments: string; callId?: string },
  ): Promise<MockItem | undefined> {
    const callId = call.callId ?? this.#host.newId('call');
    const item: MockItem = {
      id: this.#host.newId('item'),
      object: 'realtime.item',
      type: 'function_call',
      status: 'in_progress',
      name: call.name,
      call_id: callId,
      arguments: '',
    };
    if (!this.#addItem(outputIndex, item, { item })) return undefined;
    const base = { response_id: this.id, item_id: item.id, output_index: outputIndex, call_id: callId };
    let sent = '';
    for (let offset = 0; offset < call.arguments.length; offset += ARGUMENT_DELTA_CHARS) {
      if (!(await this.#delta())) break;
      await this.#host.sleep(0, this.#abort.signal);
      if (this.#closed) return undefined;
      if (this.#cancelled) break;
      const delta = call.arguments.slice(offset, offset + ARGUMENT_DELTA_CHARS);
      sent += delta;
      this.#outputTextChars += delta.length;
      if (!this.#emit({ type: 'response.function_call_arguments.delta', ...base, delta })) return undefined;
    }
    item.arguments = sent;
    if (!this.#cancelled) {
      if (!this.#emit({ type: 'response.function_call_arguments.done', ...base, name: call.name, arguments: sent })) return undefined;
    }
    item.status = this.#cancelled ? 'incomplete' : 'completed';
    if (!this.#finishItem(outputIndex, item)) return undefined;
    return clone(item);
  }
}
