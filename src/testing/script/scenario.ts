/**
 * Scenarios: what the mock Realtime server says, turn by turn. A scenario is plain data (write
 * the objects yourself, or use {@link createScenario}'s builder), so it can be stored as JSON,
 * shared between tests and run over any transport the mock speaks.
 *
 * How turns are consumed: every response the server starts (a `response.create`, or server VAD
 * committing speech with `create_response` on, or an idle timeout) takes the next unused turn.
 * The cursor belongs to the server, not to a connection, so a client that reconnects continues
 * with the next turn. When the turns run out the server falls back to its default reply (a short
 * spoken answer), unless {@link Scenario.whenExhausted} says `'error'`.
 */

import { RealtimeError } from '../../base/errors';
import { isRecord } from '../../base/is-record';

/**
 * Reply audio: the name of a fixture clip (see `loadFixtureAudio`, e.g. `'reply-weather'`), raw
 * PCM16 at 24 kHz, or PCM16 at another rate (resampled to the session's output format).
 */
export type ScenarioAudio =
  | string
  | Int16Array
  | {
      /** PCM16 mono samples. */
      pcm: Int16Array;
      /** Their sample rate, in Hz. */
      sampleRate: number;
    };

/** One function call the model makes. */
export interface ScenarioFunctionCall {
  /** The tool name (not checked against the session's tools: a test may call an unknown one). */
  name: string;
  /**
   * The arguments. An object is sent as its JSON; a string is sent verbatim, so it may be
   * malformed JSON for bad-argument tests.
   * @default {}
   */
  arguments?: string | Record<string, unknown>;
  /**
   * The `call_id`.
   * @default a generated `call_...` id
   */
  callId?: string;
}

/** Usage numbers to report instead of the estimated ones; fields left out are estimated. */
export interface ScenarioUsage {
  /** `usage.input_token_details.text_tokens`. */
  inputTextTokens?: number;
  /** `usage.input_token_details.audio_tokens`. */
  inputAudioTokens?: number;
  /** `usage.input_token_details.cached_tokens`. */
  cachedTokens?: number;
  /** `usage.output_token_details.text_tokens`. */
  outputTextTokens?: number;
  /** `usage.output_token_details.audio_tokens`. */
  outputAudioTokens?: number;
}

/** What the assistant answers in a turn. Message output comes first, then the function calls. */
export interface ScenarioReply {
  /**
   * What the assistant says: the audio transcript (audio modality) or the text (text modality).
   * @default the audio fixture's transcript, or the default reply's
   */
  text?: string;
  /**
   * The spoken audio. Left out while `text` is given, the default reply clip is played under
   * that text; left out with neither, the default reply (clip and transcript) is used.
   */
  audio?: ScenarioAudio;
  /** Function calls in this response; several make parallel calls. */
  functionCalls?: ScenarioFunctionCall[];
  /**
   * Ends the response as `incomplete` (reason `max_output_tokens`) after the message, like a
   * capped reply.
   * @default false
   */
  incomplete?: boolean;
  /** Usage to report instead of the estimate. */
  usage?: ScenarioUsage;
  /**
   * Plays a reasoning model (`gpt-realtime-2` and later): a `reasoning` item with this summary
   * comes first in the response's output, and its tokens are reported as
   * `usage.output_token_details.reasoning_tokens`.
   * @default undefined (no reasoning item)
   */
  reasoning?: string;
}

/** An `error` event to send instead of a response (no `response.created` follows). */
export interface ScenarioError {
  /** `error.type`. @default 'invalid_request_error' */
  type?: string;
  /** `error.code`, e.g. `'rate_limit_exceeded'`. */
  code?: string | null;
  /** `error.message`. */
  message: string;
  /** `error.param`. @default null */
  param?: string | null;
}

/**
 * Where in a turn the connection drops. Event counting starts when the turn is triggered and
 * covers every server event of the turn (including the `conversation.item.*` ones).
 * - `{ after: type, count }`: right after the `count`-th event of that type has been sent.
 * - `{ before: type, count }`: instead of sending the `count`-th event of that type.
 * A drop whose event never comes in the turn does not happen.
 */
export type ScenarioDrop = (
  | {
      /** Drop right after sending the `count`-th event of this type. */
      after: string;
      /** Not with `after`. */
      before?: never;
    }
  | {
      /** Drop instead of sending the `count`-th event of this type. */
      before: string;
      /** Not with `before`. */
      after?: never;
    }
) & {
  /**
   * Which occurrence (1-based).
   * @default 1
   */
  count?: number;
  /**
   * Close code. `1006` (the default) terminates the TCP connection without a close frame, as a
   * network failure does; any other code is sent in a close frame.
   * @default 1006
   */
  code?: number;
  /** Close reason for codes other than 1006. @default '' */
  reason?: string;
};

/** Latency injected into a turn, on top of the audio pacing. */
export interface ScenarioLatency {
  /** Delay between the trigger and `response.created`. @default 0 */
  beforeResponseMs?: number;
  /** Delay before each delta (audio, transcript, text and argument deltas). @default 0 */
  perDeltaMs?: number;
}

/** One turn: the user's side as the server reports it, and the assistant's answer. */
export interface ScenarioTurn {
  /**
   * What the user said, reported as the input audio transcription of the audio committed for
   * this turn (when the session has `audio.input.transcription` on).
   * @default the server's `userTranscript` option ('(speech)')
   */
  user?: string;
  /** The assistant's answer. @default the server's default reply */
  reply?: ScenarioReply;
  /** Send this `error` event instead of a response. */
  error?: ScenarioError;
  /** Drop the connection at a chosen point of this turn. */
  drop?: ScenarioDrop;
  /** Latency injected into this turn. */
  latency?: ScenarioLatency;
}

/** A scripted conversation for the mock server. */
export interface Scenario {
  /** A name for logs and failure messages. */
  name?: string;
  /** The turns, in order. */
  turns: ScenarioTurn[];
  /**
   * Each connection's session expires this many ms after it connected: an `error` with code
   * `session_expired`, then a close with 1001, as the real API does at 60 minutes.
   * @default the server's `expireAfterMs` option
   */
  expireAfterMs?: number;
  /**
   * What a response gets once every turn is used: the default spoken reply, or an `error`
   * event saying the scenario is exhausted (to catch unexpected `response.create`s).
   * @default 'default-reply'
   */
  whenExhausted?: 'default-reply' | 'error';
}

function invalid(message: string): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_ARGUMENT', message);
}

function checkNonNegative(value: unknown, where: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    throw invalid(`${where} must be a non-negative number of milliseconds, got ${JSON.stringify(value)}.`);
  }
}

function checkAudio(audio: unknown, where: string): void {
  if (audio === undefined || typeof audio === 'string' || audio instanceof Int16Array) return;
  if (isRecord(audio) && audio.pcm instanceof Int16Array && typeof audio.sampleRate === 'number' && audio.sampleRate >= 1000) {
    return;
  }
  throw invalid(`${where} must be a fixture name, an Int16Array or { pcm: Int16Array, sampleRate }.`);
}

function checkTurn(turn: unknown, index: number): void {
  const where = `scenario.turns[${index}]`;
  if (!isRecord(turn)) throw invalid(`${where} must be an object, got ${JSON.stringify(turn)}.`);
  if (turn.user !== undefined && typeof turn.user !== 'string') throw invalid(`${where}.user must be a string.`);
  if (turn.reply !== undefined) {
    const reply = turn.reply;
    if (!isRecord(reply)) throw invalid(`${where}.reply must be an object.`);
    if (reply.text !== undefined && typeof reply.text !== 'string') throw invalid(`${where}.reply.text must be a string.`);
    checkAudio(reply.audio, `${where}.reply.audio`);
    if (reply.functionCalls !== undefined) {
      if (!Array.isArray(reply.functionCalls)) throw invalid(`${where}.reply.functionCalls must be an array.`);
      reply.functionCalls.forEach((call: unknown, callIndex) => {
        const callWhere = `${where}.reply.functionCalls[${callIndex}]`;
        if (!isRecord(call) || typeof call.name !== 'string' || call.name === '') {
          throw invalid(`${callWhere} needs a non-empty string name.`);
        }
        if (call.arguments !== undefined && typeof call.arguments !== 'string' && !isRecord(call.arguments)) {
          throw invalid(`${callWhere}.arguments must be an object or a (possibly malformed) JSON string.`);
        }
        if (call.callId !== undefined && (typeof call.callId !== 'string' || call.callId === '')) {
          throw invalid(`${callWhere}.callId must be a non-empty string.`);
        }
      });
    }
  }
  if (turn.error !== undefined && (!isRecord(turn.error) || typeof turn.error.message !== 'string')) {
    throw invalid(`${where}.error needs a string message.`);
  }
  if (turn.error !== undefined && turn.reply !== undefined) {
    throw invalid(`${where} has both reply and error; a turn answers with one of them.`);
  }
  if (turn.drop !== undefined) {
    const drop = turn.drop;
    if (!isRecord(drop)) throw invalid(`${where}.drop must be an object.`);
    const hasAfter = typeof drop.after === 'string' && drop.after !== '';
    const hasBefore = typeof drop.before === 'string' && drop.before !== '';
    if (hasAfter === hasBefore) {
      throw invalid(`${where}.drop needs exactly one of { after: eventType } or { before: eventType }.`);
    }
    if (drop.count !== undefined && (!Number.isInteger(drop.count) || (drop.count as number) < 1)) {
      throw invalid(`${where}.drop.count must be a whole number >= 1, got ${JSON.stringify(drop.count)}.`);
    }
    if (drop.code !== undefined && (!Number.isInteger(drop.code) || !isUsableCloseCode(drop.code as number))) {
      throw invalid(`${where}.drop.code must be 1006 or a close code a server may send (1000-1003, 1007-1014, 3000-4999).`);
    }
  }
  if (turn.latency !== undefined) {
    if (!isRecord(turn.latency)) throw invalid(`${where}.latency must be an object.`);
    checkNonNegative(turn.latency.beforeResponseMs, `${where}.latency.beforeResponseMs`);
    checkNonNegative(turn.latency.perDeltaMs, `${where}.latency.perDeltaMs`);
  }
}

/** Close codes a server may put in a close frame, plus 1006 (meaning: terminate, no frame). */
export function isUsableCloseCode(code: number): boolean {
  return (
    code === 1006 ||
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}

/** A mock's `dropConnections(code)`: throws `VOXWIRE_INVALID_ARGUMENT` unless {@link isUsableCloseCode}. */
export function checkDropCode(code: number): void {
  if (!isUsableCloseCode(code)) throw invalid(`dropConnections: ${code} is not a close code a server may send; use 1006 (terminate), 1000-1003, 1007-1014 or 3000-4999.`);
}

/**
 * Checks a scenario written as plain objects and returns it unchanged (typed).
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` naming the first malformed field.
 *
 * @example
 * ```ts
 * const weather = defineScenario({
 *   turns: [
 *     { user: "What's the weather like in Paris today?", reply: { functionCalls: [{ name: 'get_weather', arguments: { location: 'Paris' } }] } },
 *     { reply: { audio: 'reply-weather' } },
 *   ],
 * });
 * ```
 */
export function defineScenario(scenario: Scenario): Scenario {
  if (!isRecord(scenario)) throw invalid(`a scenario must be an object with a turns array, got ${JSON.stringify(scenario)}.`);
  if (!Array.isArray(scenario.turns)) throw invalid('scenario.turns must be an array of turns.');
  scenario.turns.forEach(checkTurn);
  checkNonNegative(scenario.expireAfterMs, 'scenario.expireAfterMs');
  if (scenario.whenExhausted !== undefined && scenario.whenExhausted !== 'default-reply' && scenario.whenExhausted !== 'error') {
    throw invalid(`scenario.whenExhausted must be 'default-reply' or 'error', got ${JSON.stringify(scenario.whenExhausted)}.`);
  }
  return scenario;
}

/** Builds one {@link ScenarioTurn}; see {@link ScenarioBuilder.turn}. */
export class ScenarioTurnBuilder {
  readonly #turn: ScenarioTurn = {};

  /** The user's words for this turn (reported as the input audio transcription). */
  hears(transcript: string): this {
    this.#turn.user = transcript;
    return this;
  }

  /**
   * The assistant answers with `text` (spoken, or as text in a text-only response), over
   * `audio` when given (a fixture name or PCM16).
   */
  says(text: string, audio?: ScenarioAudio): this {
    this.#reply().text = text;
    if (audio !== undefined) this.#reply().audio = audio;
    return this;
  }

  /** The assistant plays this audio; the transcript is the fixture's unless `text` is given. */
  plays(audio: ScenarioAudio, text?: string): this {
    this.#reply().audio = audio;
    if (text !== undefined) this.#reply().text = text;
    return this;
  }

  /**
   * The assistant calls a tool. Call it several times for parallel calls in one response.
   * A string `args` is sent verbatim (malformed JSON allowed).
   */
  calls(name: string, args: Record<string, unknown> | string = {}, options: { callId?: string } = {}): this {
    const reply = this.#reply();
    const call: ScenarioFunctionCall = { name, arguments: args };
    if (options.callId !== undefined) call.callId = options.callId;
    reply.functionCalls = [...(reply.functionCalls ?? []), call];
    return this;
  }

  /** Ends the response as `incomplete` with reason `max_output_tokens`. */
  incomplete(): this {
    this.#reply().incomplete = true;
    return this;
  }

  /** The assistant reasons first: a `reasoning` item with this summary precedes the reply (reasoning models). */
  reasons(summary: string): this {
    this.#reply().reasoning = summary;
    return this;
  }

  /** Reports these usage numbers instead of the estimate. */
  usage(usage: ScenarioUsage): this {
    this.#reply().usage = { ...this.#reply().usage, ...usage };
    return this;
  }

  /** Sends this `error` event instead of a response. */
  fails(error: ScenarioError): this {
    this.#turn.error = error;
    return this;
  }

  /** Drops the connection right after the `count`-th event of `eventType` in this turn. */
  dropsAfter(eventType: string, count = 1, close: { code?: number; reason?: string } = {}): this {
    this.#turn.drop = { after: eventType, count, ...close };
    return this;
  }

  /** Drops the connection instead of sending the `count`-th event of `eventType` in this turn. */
  dropsBefore(eventType: string, count = 1, close: { code?: number; reason?: string } = {}): this {
    this.#turn.drop = { before: eventType, count, ...close };
    return this;
  }

  /** Injects latency: before `response.created` and/or before every delta. */
  delays(latency: ScenarioLatency): this {
    this.#turn.latency = { ...this.#turn.latency, ...latency };
    return this;
  }

  /** The turn as plain data. */
  build(): ScenarioTurn {
    return copyTurn(this.#turn);
  }

  #reply(): ScenarioReply {
    this.#turn.reply ??= {};
    return this.#turn.reply;
  }
}

/** Copies a turn, sharing PCM buffers (they are read-only to the server). */
function copyTurn(turn: ScenarioTurn): ScenarioTurn {
  const copy: ScenarioTurn = { ...turn };
  if (turn.reply) {
    copy.reply = { ...turn.reply };
    if (turn.reply.functionCalls) copy.reply.functionCalls = turn.reply.functionCalls.map((call) => ({ ...call }));
    if (turn.reply.usage) copy.reply.usage = { ...turn.reply.usage };
  }
  if (turn.error) copy.error = { ...turn.error };
  if (turn.drop) copy.drop = { ...turn.drop };
  if (turn.latency) copy.latency = { ...turn.latency };
  return copy;
}

/**
 * Fluent builder for a {@link Scenario}; see {@link createScenario}. Sugar only: `build()`
 * returns the plain data every other path produces (`defineScenario`, `scenarioFromRecording`,
 * the flows) and both mocks consume.
 */
export class ScenarioBuilder {
  readonly #scenario: Scenario;

  /** @deprecated Start one with {@link createScenario}: the builder is sugar over the {@link Scenario} data, and that is its one door. */
  constructor(name?: string) {
    this.#scenario = name === undefined ? { turns: [] } : { name, turns: [] };
  }

  /** Adds a turn, described by a callback or given as plain data. */
  turn(turn: ScenarioTurn | ((turn: ScenarioTurnBuilder) => ScenarioTurnBuilder)): this {
    this.#scenario.turns.push(typeof turn === 'function' ? turn(new ScenarioTurnBuilder()).build() : copyTurn(turn));
    return this;
  }

  /** Every session expires `ms` after its connection opened (`session_expired`, then close 1001). */
  expireAfter(ms: number): this {
    this.#scenario.expireAfterMs = ms;
    return this;
  }

  /** Answers responses beyond the last turn with an `error` instead of the default reply. */
  strict(): this {
    this.#scenario.whenExhausted = 'error';
    return this;
  }

  /** The scenario as checked plain data. */
  build(): Scenario {
    return defineScenario({ ...this.#scenario, turns: this.#scenario.turns.map(copyTurn) });
  }
}

/**
 * Starts a scenario with the fluent builder. Every method has a plain-object equivalent
 * ({@link Scenario}).
 *
 * @example
 * ```ts
 * const scenario = createScenario('weather')
 *   .turn((t) => t.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }))
 *   .turn((t) => t.plays('reply-weather').dropsAfter('response.output_audio.delta', 5))
 *   .turn((t) => t.says('Anything else?').delays({ beforeResponseMs: 300 }))
 *   .expireAfter(60_000)
 *   .build();
 * ```
 */
export function createScenario(name?: string): ScenarioBuilder {
  return new ScenarioBuilder(name);
}
