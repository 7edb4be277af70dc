/**
 * `scenarioFromRecording` for a GPT-Live session's log, for `MockLiveServer`: a Live session has
 * no items or responses, so the turns are read from its timeline. Each stretch of the user's
 * transcript fragments followed by the assistant's speech becomes a turn (`user`, then the reply
 * with its transcript and audio: the recorded samples, or silence of the same length when the
 * log left audio out); a delegation becomes a turn whose reply has `functionCalls` (the
 * Responses backend's function calls with their arguments and call ids, a decision's answers,
 * or one `delegation` placeholder for a client delegation), and the speech after it the next
 * turn, as the mock plays the result; a session that closed `expired` sets `expireAfterMs`.
 */
import { isRecord, parseRecord } from '../../base/is-record';
import type { EventLog, SentEntry, WireEvent } from '../recording/event-log';
import { defineScenario } from './scenario';
import type { Scenario, ScenarioFunctionCall, ScenarioTurn } from './scenario';
import { concatPcm16, type WireAudioDecoder } from '../../codec/wire-audio';
import { DEFAULT_RECORDED_AUDIO, deltaSamples, recordedAudioDecoder } from './recorded-audio';

/** Server events only a Live session sends. */
const LIVE_EVENTS: ReadonlySet<string> = new Set(['session.started', 'session.input_transcript.delta', 'session.output_transcript.delta', 'session.output_audio.delta', 'session.delegation.created', 'session.closed']);

/** The name of the call that stands for a client delegation (the mock delegates a turn with calls). */
const CLIENT_DELEGATION_CALL = 'delegation';

/** True when the log is a GPT-Live session's (its server sent a Live-only event). */
export function isLiveLog(log: EventLog): boolean {
  return log.sent.some((entry) => LIVE_EVENTS.has(entry.event.type));
}

interface Speech {
  turn: ScenarioTurn;
  text: string;
  audio: Int16Array[];
  samples: number;
  sampleRate: number;
}

interface LiveConnection {
  openedAt: number | undefined;
  /** The session's output audio format, as its `session.started` gave it. */
  audio: WireAudioDecoder;
  /** What the user said since the last turn. */
  heard: string;
  /** The assistant's speech being recorded. */
  speech: Speech | undefined;
}

function argumentsOf(value: unknown): ScenarioFunctionCall['arguments'] {
  if (isRecord(value)) return value;
  return typeof value === 'string' ? value : {};
}

/** The scenario of a Live log (see the module's comment). */
export function liveScenarioFromLog(log: EventLog, name: string | undefined): Scenario {
  const turns: ScenarioTurn[] = [];
  const speeches: Speech[] = [];
  const delegations = new Map<string, ScenarioFunctionCall[]>();
  const connections = new Map<number, LiveConnection>();
  let expireAfterMs: number | undefined;

  /** A turn for what was heard since the last one. */
  const turnOf = (state: LiveConnection): ScenarioTurn => {
    const turn: ScenarioTurn = {};
    const heard = state.heard.trim();
    if (heard !== '') turn.user = heard;
    state.heard = '';
    state.speech = undefined;
    turns.push(turn);
    return turn;
  };

  for (const line of log.timeline()) {
    let state = connections.get(line.connection);
    if (state === undefined) connections.set(line.connection, (state = { openedAt: undefined, audio: DEFAULT_RECORDED_AUDIO, heard: '', speech: undefined }));
    if ('lifecycle' in line) {
      if (line.lifecycle === 'open') state.openedAt = line.at;
      continue;
    }
    state.openedAt ??= line.at;
    if (line.direction !== 'sent') continue;
    const event: WireEvent = line.event;
    switch (event.type) {
      case 'session.started':
        state.audio = recordedAudioDecoder(isRecord(event.session) && isRecord(event.session.audio) ? event.session.audio.format : undefined) ?? state.audio;
        break;
      case 'session.input_transcript.delta':
        // The user speaks: the assistant's speech so far is a turn of its own.
        state.speech = undefined;
        if (typeof event.delta === 'string') state.heard += event.delta;
        break;
      case 'session.output_transcript.delta':
      case 'session.output_audio.delta': {
        if (state.speech === undefined) {
          const turn = turnOf(state);
          turn.reply = {};
          state.speech = { turn, text: '', audio: [], samples: 0, sampleRate: state.audio.info.sampleRate };
          speeches.push(state.speech);
        }
        const speech = state.speech;
        if (event.type === 'session.output_transcript.delta') {
          if (typeof event.delta === 'string') speech.text += event.delta;
          break;
        }
        const entry = line as SentEntry;
        const samples = deltaSamples(entry, event.delta, state.audio);
        speech.audio.push(samples);
        speech.samples += samples.length;
        break;
      }
      case 'session.delegation.created': {
        const delegation = isRecord(event.delegation) ? event.delegation : {};
        const calls: ScenarioFunctionCall[] = [];
        turnOf(state).reply = { functionCalls: calls };
        delegations.set(typeof delegation.id === 'string' ? delegation.id : `(delegation ${delegations.size + 1})`, calls);
        break;
      }
      case 'response.event':
      case 'decision.event': {
        const calls = typeof event.delegation_id === 'string' ? delegations.get(event.delegation_id) : undefined;
        const nested = isRecord(event.event) ? event.event : {};
        if (calls === undefined) break;
        const item = isRecord(nested.item) ? nested.item : undefined;
        if (nested.type === 'response.output_item.done' && item?.type === 'function_call' && typeof item.name === 'string' && !calls.some((call) => call.callId === item.call_id)) {
          calls.push({ name: item.name, arguments: argumentsOf(typeof item.arguments === 'string' ? (parseRecord(item.arguments) ?? item.arguments) : item.arguments), ...(typeof item.call_id === 'string' ? { callId: item.call_id } : {}) });
        }
        const decision = isRecord(nested.decision) ? nested.decision : undefined;
        if (nested.type === 'decision.completed' && Array.isArray(decision?.answers)) {
          for (const answer of decision.answers) if (isRecord(answer) && typeof answer.name === 'string') calls.push({ name: answer.name, arguments: argumentsOf(answer.value) });
        }
        break;
      }
      case 'session.closed':
        state.speech = undefined;
        if (event.reason === 'expired' && state.openedAt !== undefined) {
          const after = Math.max(1, Math.round(line.at - state.openedAt));
          expireAfterMs = expireAfterMs === undefined ? after : Math.min(expireAfterMs, after);
        }
        break;
      default:
    }
  }

  for (const speech of speeches) {
    const reply = speech.turn.reply!;
    reply.text = speech.text.trim();
    if (speech.samples > 0) reply.audio = { pcm: concatPcm16(speech.audio), sampleRate: speech.sampleRate };
  }
  for (const calls of delegations.values()) if (calls.length === 0) calls.push({ name: CLIENT_DELEGATION_CALL, arguments: {} });
  const scenario: Scenario = { name: name ?? `recording of ${log.header.startedAt || 'a GPT-Live session'}`, turns };
  if (expireAfterMs !== undefined) scenario.expireAfterMs = expireAfterMs;
  return defineScenario(scenario);
}
