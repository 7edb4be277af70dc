/**
 * The mock's token accounting, in one place: what a response's context costs on the input side
 * (instructions, tools and items, with the previous response's tokens counted as cached), what
 * it produced on the output side, the `rate_limits.updated` that follows `response.done`, and
 * the usage of an input transcription. Estimates with fixed rates (~4 characters per text
 * token, ~10 input / ~20 output audio tokens per second): deterministic, so tests can assert
 * exact figures.
 */

import type { WireEvent } from '../recording/event-log';
import type { ScenarioUsage } from '../script/scenario';
import type { MockConversation, StoredItem } from './conversation';
import { isRecord } from '../../base/is-record';

const TEXT_CHARS_PER_TOKEN = 4;
/** Input audio tokens per second (about 1 per 100 ms). */
const INPUT_AUDIO_TOKENS_PER_SECOND = 10;
/** Output audio tokens per second of audio (about 1 per 50 ms). */
const OUTPUT_AUDIO_TOKENS_PER_SECOND = 20;
/** Cached prompt tokens come in blocks of this size. */
const CACHE_BLOCK_TOKENS = 64;

/** Input-side token counts of a response, estimated by the session from the context. */
export interface InputUsage {
  textTokens: number;
  audioTokens: number;
  cachedTextTokens: number;
  cachedAudioTokens: number;
}

/** What a response produced, for its usage. */
export interface OutputTally {
  /** Characters of text, transcript and function-call arguments sent. */
  textChars: number;
  /** Characters of reasoning summaries (billed as text output). */
  reasoningChars: number;
  /** Milliseconds of audio sent. */
  audioMs: number;
}

/** Tokens of a text at ~4 characters per token. */
export function textTokens(text: string): number {
  return Math.ceil(text.length / TEXT_CHARS_PER_TOKEN);
}

/** Input audio tokens of `audioMs` of audio. */
export function inputAudioTokens(audioMs: number): number {
  return Math.round((audioMs / 1000) * INPUT_AUDIO_TOKENS_PER_SECOND);
}

/** What {@link estimateInputUsage} reads of a `response.create`. */
export interface ResponseContext {
  instructions: string;
  tools: unknown;
  /** `none` for an out-of-band response. */
  conversation?: string | undefined;
  /** The response's own input items, when it has them. */
  input?: readonly unknown[] | undefined;
}

/**
 * Estimates the input side of usage from the context the model would read: instructions,
 * tools and items (text at ~4 characters per token, audio at ~10 tokens per second). Tokens
 * already read by the previous response count as cached, in 64-token blocks.
 *
 * @returns The usage, and the total to pass as `previousTokens` next time.
 */
export function estimateInputUsage(context: ResponseContext, conversation: MockConversation, previousTokens: number): { usage: InputUsage; total: number } {
  let chars = context.instructions.length + JSON.stringify(context.tools).length;
  let audioMs = 0;
  const addItem = (item: Record<string, unknown>, stored: StoredItem | undefined): void => {
    for (const key of ['arguments', 'output', 'name']) if (typeof item[key] === 'string') chars += (item[key] as string).length;
    if (Array.isArray(item.content)) {
      for (const part of item.content) {
        if (!isRecord(part)) continue;
        if (typeof part.text === 'string') chars += part.text.length;
        if (part.type === 'input_audio') audioMs += stored?.audioMs ?? 0;
        else if (typeof part.transcript === 'string') chars += part.transcript.length;
      }
    }
  };
  if (context.conversation === 'none' || context.input !== undefined) {
    for (const entry of context.input ?? []) {
      const input = entry as Record<string, unknown>;
      if (input.type === 'item_reference' && typeof input.id === 'string') {
        const stored = conversation.get(input.id);
        if (stored) addItem(stored.item, stored);
      } else {
        addItem(input, undefined);
      }
    }
  } else {
    for (const stored of conversation.list()) addItem(stored.item, stored);
  }
  const text = Math.ceil(chars / TEXT_CHARS_PER_TOKEN);
  const audio = inputAudioTokens(audioMs);
  const total = text + audio;
  const cached = Math.floor(Math.min(previousTokens, total) / CACHE_BLOCK_TOKENS) * CACHE_BLOCK_TOKENS;
  const cachedAudioTokens = total === 0 ? 0 : Math.min(audio, Math.round((cached * audio) / total));
  return { usage: { textTokens: text, audioTokens: audio, cachedTextTokens: cached - cachedAudioTokens, cachedAudioTokens }, total };
}

/** The `usage` of `response.done`: the estimate, or the scenario's overrides. */
export function responseUsage(input: InputUsage, output: OutputTally, override: ScenarioUsage | undefined): Record<string, unknown> {
  const inputText = override?.inputTextTokens ?? input.textTokens;
  const inputAudio = override?.inputAudioTokens ?? input.audioTokens;
  const cached = Math.min(inputText + inputAudio, override?.cachedTokens ?? input.cachedTextTokens + input.cachedAudioTokens);
  const cachedAudio = Math.min(cached, input.cachedAudioTokens);
  const outputText = override?.outputTextTokens ?? Math.ceil(output.textChars / TEXT_CHARS_PER_TOKEN);
  const outputAudio = override?.outputAudioTokens ?? Math.round((output.audioMs / 1000) * OUTPUT_AUDIO_TOKENS_PER_SECOND);
  // Reasoning tokens count in output_tokens beside text and audio (billed as text output).
  const reasoning = Math.ceil(output.reasoningChars / TEXT_CHARS_PER_TOKEN);
  const inputTokens = inputText + inputAudio;
  const outputTokens = outputText + outputAudio + reasoning;
  return {
    total_tokens: inputTokens + outputTokens,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    input_token_details: {
      text_tokens: inputText,
      audio_tokens: inputAudio,
      image_tokens: 0,
      cached_tokens: cached,
      cached_tokens_details: { text_tokens: cached - cachedAudio, audio_tokens: cachedAudio, image_tokens: 0 },
    },
    output_token_details: { text_tokens: outputText, audio_tokens: outputAudio, ...(reasoning > 0 ? { reasoning_tokens: reasoning } : {}) },
  };
}

/** The `rate_limits.updated` the API sends after `response.done`. */
export function rateLimitsEvent(input: InputUsage, replyText: string): WireEvent {
  const reserved = input.textTokens + input.audioTokens + textTokens(replyText) + 200;
  return {
    type: 'rate_limits.updated',
    rate_limits: [
      { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
      { name: 'tokens', limit: 400_000, remaining: Math.max(0, 400_000 - reserved), reset_seconds: 0.5 },
    ],
  };
}

/** The `usage` of `conversation.item.input_audio_transcription.completed`. */
export function transcriptionUsage(audioMs: number, transcript: string): Record<string, unknown> {
  const audioTokens = inputAudioTokens(audioMs);
  const outputTokens = textTokens(transcript);
  return {
    type: 'tokens',
    total_tokens: audioTokens + outputTokens,
    input_tokens: audioTokens,
    input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
    output_tokens: outputTokens,
  };
}
