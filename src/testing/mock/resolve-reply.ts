/**
 * What a Realtime mock response says: the scenario turn's reply (or the default one), its
 * error, or the "scenario exhausted" error of a strict scenario, with the fixture audio loaded
 * and resampled to the output rate, the transcript taken from the clip when the turn gives
 * none, and function calls dropped under `tool_choice: 'none'`.
 */

import type { ScenarioReply } from '../script/scenario';
import type { ScenarioCursor, TakenTurn } from '../script/scenario-cursor';
import { resamplePcm16 } from './audio';
import { mockErrors } from './errors';
import type { MockErrorBody } from './errors';
import { DEFAULT_REPLY_CLIP } from './reply-audio';
import type { ReplyAudioSource } from './reply-audio';
import type { ResolvedReply } from './response';
import type { MockAudioFormat } from './session-config';
import { formatRate } from './session-items';

/** Where replies come from. */
export interface ReplySources {
  readonly turns: ScenarioCursor;
  readonly audio: ReplyAudioSource;
  /** What the assistant says when no scenario turn says otherwise. */
  readonly defaultReply: ScenarioReply;
}

/** The reply of a taken turn, ready to stream, or the error to send instead. */
export async function resolveReply(
  sources: ReplySources,
  taken: TakenTurn,
  modalities: ReadonlyArray<'text' | 'audio'>,
  outputFormat: MockAudioFormat,
  toolChoice: unknown,
): Promise<ResolvedReply | { error: Omit<MockErrorBody, 'event_id'> }> {
  const turn = taken.turn;
  if (turn?.error) {
    const error = turn.error;
    return {
      error: { type: error.type ?? 'invalid_request_error', code: error.code ?? null, message: error.message, param: error.param ?? null },
    };
  }
  if (taken.exhaustedStrict) {
    const scenario = sources.turns.scenario;
    return { error: mockErrors.scenarioExhausted(scenario?.name, scenario?.turns.length ?? 0) };
  }
  const fallback = sources.defaultReply;
  const reply = turn?.reply ?? fallback;
  const calls = toolChoice === 'none' ? [] : (reply.functionCalls ?? []);
  const functionCalls = calls.map((call) => {
    const resolved: ResolvedReply['functionCalls'][number] = {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    };
    if (call.callId !== undefined) resolved.callId = call.callId;
    return resolved;
  });
  const resolved: ResolvedReply = { text: '', functionCalls, incomplete: reply.incomplete === true };
  if (reply.usage) resolved.usage = reply.usage;
  if (reply.reasoning !== undefined) resolved.reasoning = reply.reasoning;
  const hasMessage = reply.text !== undefined || reply.audio !== undefined || functionCalls.length === 0;
  if (!hasMessage) return resolved;
  const source = reply === fallback || reply.text !== undefined || reply.audio !== undefined ? reply : fallback;
  const wantsAudio = modalities.includes('audio');
  let text = source.text;
  if (wantsAudio || text === undefined) {
    const clip = await sources.audio.load(source.audio ?? fallback.audio ?? DEFAULT_REPLY_CLIP);
    text ??= (source.audio === undefined ? fallback.text : undefined) ?? clip.transcript ?? '';
    if (wantsAudio) resolved.audio = resamplePcm16(clip.pcm, clip.sampleRate, formatRate(outputFormat));
  }
  resolved.text = text;
  return resolved;
}
