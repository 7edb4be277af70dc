/**
 * `scenarioFromRecording`: turns a recorded session (any log in the one log format, or an older
 * shape `toEventLog` reads) into a {@link Scenario}, the one scenario format, for the mock
 * server. Where {@link ReplayTransport} plays the recorded server events verbatim, a scenario
 * makes the mock *behave* like the recorded server: the same replies, tool calls, errors, drops
 * and expiry, produced by the mock's own protocol state machine, so the app under test may do
 * things slightly differently (other ids, other timing) and still get a faithful conversation.
 */

import { concatPcm16, type WireAudioDecoder } from '../../codec/wire-audio';
import { DEFAULT_RECORDED_AUDIO, deltaSamples, recordedAudioDecoder } from './recorded-audio';
import { isLiveLog, liveScenarioFromLog } from './from-live-recording';
import type { WireEvent } from '../recording/event-log';
import { toEventLog } from '../recording/read-log';
import type { RecordingSource } from '../recording/read-log';
import { defineScenario, isUsableCloseCode } from './scenario';
import type { Scenario, ScenarioDrop, ScenarioFunctionCall, ScenarioTurn, ScenarioUsage } from './scenario';
import { isRecord } from '../../base/is-record';

/** Options of {@link scenarioFromRecording}. */
export interface ScenarioFromRecordingOptions {
  /**
   * The scenario's name.
   * @default 'recording of <startedAt>'
   */
  name?: string;
  /**
   * The `outputChunkMs` of the mock server that will play the scenario: a drop recorded in the
   * middle of reply audio is placed after as many audio deltas as cover the audio received.
   * @default 50 (the mock server's default)
   */
  outputChunkMs?: number;
}

/** Codes of errors the mock raises by itself in the same situation (they are not scripted). */
const SELF_RAISED_ERRORS = new Set(['conversation_already_has_active_response', 'response_cancel_not_active']);

interface ConnectionState {
  openedAt: number | undefined;
  /** The session's output audio format, as the last session event gave it. */
  audio: WireAudioDecoder;
  lastCommittedItem: string | undefined;
  active: ResponseBuilder | undefined;
  /** `event_id`s of the app's `response.create` events still unanswered. */
  pendingCreates: Set<string>;
}

interface ResponseBuilder {
  turn: ScenarioTurn;
  userItem: string | undefined;
  texts: Map<string, string>;
  finalTexts: Map<string, string>;
  audio: Int16Array[];
  audioSamples: number;
  sampleRate: number;
  calls: ScenarioFunctionCall[];
  /** Server events of this turn by type, for placing a drop. */
  counts: Map<string, number>;
  lastStructural: { type: string; count: number } | undefined;
  lastWasAudio: boolean;
}

/** The output audio format a Realtime session event names. */
function outputFormatOf(session: unknown): unknown {
  return isRecord(session) && isRecord(session.audio) && isRecord(session.audio.output) ? session.audio.output.format : undefined;
}

function usageOf(usage: unknown): ScenarioUsage | undefined {
  if (!isRecord(usage)) return undefined;
  const input = isRecord(usage.input_token_details) ? usage.input_token_details : {};
  const output = isRecord(usage.output_token_details) ? usage.output_token_details : {};
  const out: ScenarioUsage = {};
  if (typeof input.text_tokens === 'number') out.inputTextTokens = input.text_tokens;
  if (typeof input.audio_tokens === 'number') out.inputAudioTokens = input.audio_tokens;
  if (typeof input.cached_tokens === 'number') out.cachedTokens = input.cached_tokens;
  if (typeof output.text_tokens === 'number') out.outputTextTokens = output.text_tokens;
  if (typeof output.audio_tokens === 'number') out.outputAudioTokens = output.audio_tokens;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** Which response a server event belongs to (by `response_id`, else the connection's active one). */
function responseIdOf(event: WireEvent): string | undefined {
  if (typeof event.response_id === 'string') return event.response_id;
  if (isRecord(event.response) && typeof event.response.id === 'string') return event.response.id;
  return undefined;
}

/**
 * Builds a mock-server scenario from a recording: one turn per recorded response, in order.
 * Each turn gets the reply's transcript (or text), its audio (the recorded samples when the
 * recording kept audio, silence of the same length otherwise), its function calls with their
 * arguments and call ids, its usage and whether it ended incomplete; the user's words come from
 * the input transcription of the audio committed before it. A `response.create` the server
 * answered with an `error` becomes an error turn, a connection that dropped in the middle of a
 * response becomes a `drop` at about the same point, and a `session_expired` sets
 * `expireAfterMs`.
 *
 * Not represented (a scenario has no way to say them): drops while no response was running,
 * server events the mock produces by itself (rate limits, VAD events, errors about the app's own
 * mistakes, which the mock raises again if the app repeats them).
 *
 * @param recording - Any log of wire events `toEventLog` reads: a recorder's file (its JSONL text
 *   or lines) or `log`, a mock server or its `EventLog`, fixture lines, an older recording.
 * @param options - See {@link ScenarioFromRecordingOptions}.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for a malformed recording.
 *
 * @example
 * ```ts
 * const scenario = scenarioFromRecording(await readFile('fixtures/bug-1234.jsonl', 'utf8'));
 * const server = new MockRealtimeServer({ scenario, audioPace: 'instant' });
 * ```
 */
export function scenarioFromRecording(recording: RecordingSource, options: ScenarioFromRecordingOptions = {}): Scenario {
  const log = toEventLog(recording);
  // A GPT-Live session (for MockLiveServer) reads differently: see from-live-recording.ts.
  if (isLiveLog(log)) return liveScenarioFromLog(log, options.name);
  const chunkMs = options.outputChunkMs ?? 50;
  const turns: ScenarioTurn[] = [];
  const transcriptions = new Map<string, string>();
  const builders: ResponseBuilder[] = [];
  const connections = new Map<number, ConnectionState>();
  let expireAfterMs: number | undefined;

  const stateOf = (connection: number): ConnectionState => {
    let state = connections.get(connection);
    if (state === undefined) {
      state = { openedAt: undefined, audio: DEFAULT_RECORDED_AUDIO, lastCommittedItem: undefined, active: undefined, pendingCreates: new Set() };
      connections.set(connection, state);
    }
    return state;
  };
  const byResponse = new Map<string, ResponseBuilder>();

  const count = (builder: ResponseBuilder, type: string, isDelta: boolean): void => {
    const seen = (builder.counts.get(type) ?? 0) + 1;
    builder.counts.set(type, seen);
    if (!isDelta) builder.lastStructural = { type, count: seen };
  };

  for (const entry of log.timeline()) {
    const state = stateOf(entry.connection);
    // A log without lifecycle lines (a mock's, fixture lines): the connection opened where it first speaks.
    state.openedAt ??= 'lifecycle' in entry ? undefined : entry.at;
    if ('lifecycle' in entry && entry.lifecycle === 'open') {
      state.openedAt = entry.at;
      continue;
    }
    if (!('lifecycle' in entry) && entry.direction === 'received') {
      const eventId = entry.event.event_id;
      if (entry.event.type === 'response.create' && typeof eventId === 'string') state.pendingCreates.add(eventId);
      continue;
    }
    if ('lifecycle' in entry && entry.lifecycle === 'close') {
      const active = state.active;
      if (active && !entry.initiatedLocally) {
        const drop: ScenarioDrop = active.lastWasAudio
          ? { after: 'response.output_audio.delta', count: Math.max(1, Math.ceil(((active.audioSamples / active.sampleRate) * 1000) / chunkMs)) }
          : { after: active.lastStructural?.type ?? 'response.created', count: active.lastStructural?.count ?? 1 };
        if (entry.code !== 1006 && isUsableCloseCode(entry.code)) {
          drop.code = entry.code;
          if (entry.reason !== '') drop.reason = entry.reason;
        }
        active.turn.drop = drop;
      }
      state.active = undefined;
      continue;
    }
    if ('lifecycle' in entry) continue;

    const event = entry.event;
    switch (event.type) {
      case 'session.created':
      case 'session.updated': {
        state.audio = recordedAudioDecoder(outputFormatOf(event.session)) ?? state.audio;
        continue;
      }
      case 'input_audio_buffer.committed':
        if (typeof event.item_id === 'string') state.lastCommittedItem = event.item_id;
        continue;
      case 'conversation.item.input_audio_transcription.completed':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string') transcriptions.set(event.item_id, event.transcript);
        continue;
      case 'error': {
        const error = isRecord(event.error) ? event.error : {};
        if (error.code === 'session_expired' && state.openedAt !== undefined) {
          const after = Math.round(entry.at - state.openedAt);
          expireAfterMs = expireAfterMs === undefined ? after : Math.min(expireAfterMs, after);
          continue;
        }
        const answers = typeof error.event_id === 'string' && state.pendingCreates.has(error.event_id);
        if (answers && !SELF_RAISED_ERRORS.has(String(error.code))) {
          state.pendingCreates.delete(error.event_id as string);
          turns.push({
            error: {
              type: typeof error.type === 'string' ? error.type : 'invalid_request_error',
              code: typeof error.code === 'string' ? error.code : null,
              message: typeof error.message === 'string' ? error.message : 'error',
              param: typeof error.param === 'string' ? error.param : null,
            },
          });
        }
        continue;
      }
      case 'response.created': {
        const turn: ScenarioTurn = { reply: {} };
        const builder: ResponseBuilder = {
          turn,
          userItem: state.lastCommittedItem,
          texts: new Map(),
          finalTexts: new Map(),
          audio: [],
          audioSamples: 0,
          sampleRate: state.audio.info.sampleRate,
          calls: [],
          counts: new Map(),
          lastStructural: undefined,
          lastWasAudio: false,
        };
        count(builder, event.type, false);
        state.lastCommittedItem = undefined;
        state.pendingCreates.clear();
        state.active = builder;
        const id = responseIdOf(event);
        if (id !== undefined) byResponse.set(id, builder);
        builders.push(builder);
        turns.push(turn);
        continue;
      }
      default:
    }

    const id = responseIdOf(event);
    const builder = (id === undefined ? undefined : byResponse.get(id)) ?? state.active;
    if (builder === undefined) continue;
    const isDelta = event.type.endsWith('.delta');
    count(builder, event.type, isDelta);
    builder.lastWasAudio = event.type === 'response.output_audio.delta';
    const itemKey = `${String(event.item_id)}:${String(event.content_index)}`;
    switch (event.type) {
      case 'response.output_audio.delta': {
        const samples = deltaSamples(entry, event.delta, state.audio);
        builder.audio.push(samples);
        builder.audioSamples += samples.length;
        break;
      }
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta':
        if (typeof event.delta === 'string') builder.texts.set(itemKey, (builder.texts.get(itemKey) ?? '') + event.delta);
        break;
      case 'response.output_audio_transcript.done':
        if (typeof event.transcript === 'string') builder.finalTexts.set(itemKey, event.transcript);
        break;
      case 'response.output_text.done':
        if (typeof event.text === 'string') builder.finalTexts.set(itemKey, event.text);
        break;
      case 'response.output_item.done': {
        const item = isRecord(event.item) ? event.item : {};
        if (item.type === 'function_call' && typeof item.name === 'string' && item.name !== '') {
          const call: ScenarioFunctionCall = { name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '{}' };
          if (typeof item.call_id === 'string' && item.call_id !== '') call.callId = item.call_id;
          builder.calls.push(call);
        }
        break;
      }
      case 'response.done': {
        const response = isRecord(event.response) ? event.response : {};
        const details = isRecord(response.status_details) ? response.status_details : {};
        if (response.status === 'incomplete' && details.reason === 'max_output_tokens') builder.turn.reply!.incomplete = true;
        const usage = usageOf(response.usage);
        if (usage) builder.turn.reply!.usage = usage;
        if (state.active === builder) state.active = undefined;
        break;
      }
      default:
    }
  }

  for (const builder of builders) {
    const reply = builder.turn.reply!;
    const keys = new Set([...builder.texts.keys(), ...builder.finalTexts.keys()]);
    const text = [...keys].map((key) => builder.finalTexts.get(key) ?? builder.texts.get(key) ?? '').join(' ').trim();
    if (builder.audioSamples > 0) {
      reply.audio = { pcm: concatPcm16(builder.audio), sampleRate: builder.sampleRate };
      reply.text = text;
    } else if (text !== '' || builder.calls.length === 0) {
      reply.text = text;
    }
    if (builder.calls.length > 0) reply.functionCalls = builder.calls;
    const heard = builder.userItem === undefined ? undefined : transcriptions.get(builder.userItem);
    if (heard !== undefined) builder.turn.user = heard;
  }

  const scenario: Scenario = { name: options.name ?? `recording of ${log.header.startedAt || 'a session'}`, turns };
  if (expireAfterMs !== undefined) scenario.expireAfterMs = expireAfterMs;
  return defineScenario(scenario);
}
