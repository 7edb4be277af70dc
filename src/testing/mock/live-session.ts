/**
 * One GPT-Live session of {@link MockLiveServer}: `session.start` checked with the server's
 * strictness, continuous input audio on a session timeline, the energy VAD deciding when the
 * user spoke, a full-duplex speaker that keeps talking unless its policy yields to user speech,
 * transcript fragments placed on the audio timeline, the three delegation modes with scripted
 * backend results, cumulative usage and `session.closed` reasons.
 *
 * Scenario turns map onto Live in the simplest way: each detected user utterance takes the next
 * turn; `turn.user` is heard (input transcript fragments over the utterance), `turn.reply` is
 * spoken (output transcript fragments over the clip). A reply with `functionCalls` delegates
 * instead: the delegation's answer (function outputs + `response.create`, a commentary append,
 * or a decision) takes the next turn, which is spoken as the result.
 */
import type { Clock } from '../../base/clock';
import { wireAudioDecoder, wireAudioEncoder } from '../../codec/wire-audio';
import type { WireAudioDecoder, WireAudioEncoder } from '../../codec/wire-audio';
import { checkLiveSessionConfig, parseLiveClientEvent, parseLiveForkClientEvent } from '../../events/live/parse';
import type { LiveClientEvent, LiveClientEventMap } from '../../events/live/client-events';
import type { LiveCloseReason } from '../../events/live/server-events';
import type { LiveForkSessionConfig, LiveSessionConfig, LiveSessionUpdate } from '../../events/live/session';
import type { WireEvent } from '../recording/event-log';
import type { ScenarioCursor } from '../script/scenario-cursor';
import type { ScenarioReply, ScenarioTurn } from '../script/scenario';
import { resamplePcm16 } from './audio';
import { LiveDelegations } from './live-delegation';
import { forkedConfig, updatedDelegation } from './live-config';
import type { ReplyAudioSource } from './reply-audio';
import { DEFAULT_REPLY_CLIP } from './reply-audio';
import { EnergyVad } from './vad';

/** What the session needs from its server and connection. */
export interface MockLiveSessionLink {
  /** Sends one server event (already complete, `event_id` included). */
  send(event: WireEvent): void;
  /** Closes the connection. */
  close(code: number, reason: string): void;
  /** A fresh id with a prefix (`event`, `call`, ...). */
  newId(prefix: string): string;
  /** Records a received client frame in the log. */
  record(event: WireEvent, details: { valid: boolean; bytes: number; errorCode?: string }, connection?: number): void;
  /** Media transports (WebRTC): plays reply audio on the track instead of sending deltas. */
  writeOutputAudio?(pcm: Int16Array, sampleRate: number): void;
}

/** Settings shared by every session of a server. */
export interface MockLiveSessionSettings {
  clock: Clock;
  cursor: ScenarioCursor;
  audio: ReplyAudioSource;
  /** Speed-up of the reply audio (`Infinity`: as fast as possible). */
  speed: number;
  outputChunkMs: number;
  expireAfterMs: number;
  usageIntervalMs: number;
  /** `yield`: the speaker stops when the VAD hears the user; `ignore`: it keeps talking. */
  bargeIn: 'yield' | 'ignore';
  userTranscript: string;
  defaultReply: ScenarioReply;
  /** Set for a WebRTC session: started by the HTTP request, no `session.start`. */
  startedWith?: LiveSessionConfig;
  /** The session id, when the server gave it out before the session started (WebRTC). */
  id?: string;
  /** A fork's session: the stored session it inherits from (its `session.start` carries overrides). */
  forkOf?: { id: string; config: LiveSessionConfig };
}

/** Milliseconds a transcript fragment covers (Live fragments sit on 200 ms frames). */
const FRAGMENT_MS = 200;
/** The longest fixture a client may play, in ms. */
const MAX_FIXTURE_MS = 30_000;

/** The Live models the mock accepts (the API refuses Realtime models on `/v1/live/sessions`). */
const LIVE_MODEL = /^gpt-live-/;

/** A Live mock session; see the file comment. */
export class MockLiveSession {
  /** The connection index in the server's log. */
  readonly connection: number;
  /** The session id (`live_…`). */
  readonly id: string;
  /** The stored session this one is a fork of. */
  readonly forkedFrom: string | undefined;
  readonly #link: MockLiveSessionLink;
  readonly #settings: MockLiveSessionSettings;
  readonly #openedAt: number;
  #config: LiveSessionConfig | undefined;
  #decoder: WireAudioDecoder | undefined;
  #encoder: WireAudioEncoder | undefined;
  #vad: EnergyVad | undefined;
  /** Input audio received, in ms: the session timeline. */
  #timelineMs = 0;
  #muted = false;
  /** Where the current utterance began on the timeline. */
  #utteranceStartMs = 0;
  #speaking: { stop: () => void } | undefined;
  /** The speech playing or queued last (the `ignore` policy queues answers behind it). */
  #speech: Promise<void> = Promise.resolve();
  readonly #delegations: LiveDelegations;
  #closed = false;
  #timers: unknown[] = [];

  constructor(connection: number, link: MockLiveSessionLink, settings: MockLiveSessionSettings) {
    this.connection = connection;
    this.#link = link;
    this.#settings = settings;
    this.id = settings.id ?? `live_${link.newId('sess').replace(/^sess_/, '')}`;
    this.forkedFrom = settings.forkOf?.id;
    this.#openedAt = settings.clock.now();
    this.#delegations = new LiveDelegations({
      emit: (fields, clientId) => this.#emit(fields, clientId),
      error: (type, code, message, param, clientId) => this.error(type, code, message, param, clientId),
      newId: (prefix) => link.newId(prefix),
      config: () => this.#config!,
      timelineMs: () => this.#timelineMs,
      take: () => settings.cursor.take(),
      defaultReply: settings.defaultReply,
      play: (turn) => this.#play(turn),
    });
    if (settings.startedWith !== undefined) this.#begin(settings.startedWith, undefined);
  }

  /** Function outputs received per call id, for inspection. */
  get functionOutputs(): Map<string, unknown> {
    return this.#delegations.functionOutputs;
  }

  /** The config the session started with (after `session.update`s), once started. */
  get config(): LiveSessionConfig | undefined {
    return this.#config;
  }

  /** Whether the model is speaking now. */
  get speaking(): boolean {
    return this.#speaking !== undefined;
  }

  /** The session timeline: ms of input audio received. */
  get timelineMs(): number {
    return this.#timelineMs;
  }

  /** Whether `session.closed` was sent or the connection went away. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * One client frame, parsed with the server's strictness (an unknown field is refused with
   * `unknown_parameter`, an unknown type with `invalid_value`); a sideband may not start the
   * session nor send audio.
   */
  receive(data: string | Uint8Array, isBinary = false, sideband = false, connection?: number): void {
    const bytes = typeof data === 'string' ? data.length : data.byteLength;
    const result = (this.#settings.forkOf === undefined ? parseLiveClientEvent : parseLiveForkClientEvent)(data, { strict: true });
    if (!result.ok) {
      const parsed = readLoosely(data);
      const clientId = typeof parsed?.event_id === 'string' ? parsed.event_id : undefined;
      this.#link.record({ type: typeof parsed?.type === 'string' ? parsed.type : '(invalid)' }, { valid: false, bytes, errorCode: result.error.code }, connection);
      const code = parsed === undefined ? 'invalid_json' : /unknown field/.test(result.error.message) ? 'unknown_parameter' : 'invalid_value';
      return this.error('invalid_request_error', code, result.error.message, result.error.path ?? null, clientId);
    }
    const event = result.event as WireEvent;
    const clientId = typeof event.event_id === 'string' ? event.event_id : undefined;
    this.#link.record(event, { valid: result.known, bytes }, connection);
    if (!result.known) {
      return this.error('invalid_request_error', 'invalid_value', `Invalid value: '${event.type}'. Supported client events: session.start, session.update, session.input_audio.append, ...`, 'type', clientId);
    }
    // A WebRTC frontend may send only what `client.data_channel.allowed_client_events` allows (sidebands are trusted).
    const allowed = sideband ? undefined : this.#settings.startedWith?.client?.data_channel.allowed_client_events;
    if (allowed !== undefined && allowed !== 'all' && !allowed.includes(event.type)) {
      return this.error('invalid_request_error', 'event_not_allowed', `The data channel may not send ${event.type} (client.data_channel.allowed_client_events).`, 'type', clientId);
    }
    if ((sideband || this.#settings.startedWith !== undefined) && event.type === 'session.start') {
      return this.error('invalid_request_error', 'invalid_value', 'session.start is not accepted here: the session already started.', 'type', clientId);
    }
    if ((sideband || this.#settings.startedWith !== undefined) && event.type === 'session.input_audio.append') {
      return this.error('invalid_request_error', 'invalid_value', 'session.input_audio.append is for the primary WebSocket only; WebRTC audio travels on the media track.', 'type', clientId);
    }
    this.handle(result.event as LiveClientEvent);
  }

  /** Microphone audio from a media track (WebRTC). */
  appendAudio(pcm: Int16Array, sampleRate: number): void {
    if (this.#closed || this.#config === undefined) return;
    this.#hear(resamplePcm16(pcm, sampleRate, this.#decoder!.info.sampleRate));
  }

  /** The call ended. */
  handleClose(): void {
    this.dispose();
  }

  /** Handles one valid client event. */
  handle(event: LiveClientEvent): void {
    if (this.#closed) return;
    const clientId = typeof event.event_id === 'string' ? event.event_id : undefined;
    if (this.#config === undefined) {
      if (event.type === 'session.start') return this.#start(event, clientId);
      return this.error('invalid_request_error', 'session_not_started', `The first message must be session.start, got ${event.type}.`, null, clientId);
    }
    switch (event.type) {
      case 'session.start':
        return this.error('invalid_request_error', 'session_already_started', 'The session has already started.', null, clientId);
      case 'session.update':
        return this.#update(event, clientId);
      case 'session.input_audio.append':
        return this.#append(event.audio, clientId);
      case 'session.input_audio.mute':
        this.#muted = true;
        return this.#emit({ type: 'session.input_audio.muted' }, clientId);
      case 'session.input_audio.unmute':
        this.#muted = false;
        return this.#emit({ type: 'session.input_audio.unmuted' }, clientId);
      case 'session.output_audio.fixture.play':
        return this.#fixture(event.audio, clientId);
      case 'session.instructions.append':
      case 'session.thinking.append':
      case 'session.commentary.append':
        return this.#delegations.context(event, clientId);
      case 'response.item.create':
        return this.#delegations.responseItem(event, clientId);
      case 'response.create':
        return this.#delegations.responseCreate(clientId);
      case 'decision.create':
      case 'decision.item.create':
      case 'decision.item.delete':
        return this.#delegations.decision(event, clientId);
      case 'session.close':
        return this.close('close_requested', clientId);
      case 'transport.dtmf.send':
        return this.error('invalid_request_error', 'invalid_transport', 'transport.dtmf.send is only available on the sideband of a SIP session.', 'type', clientId);
    }
  }

  /** Sends an `error` event; the session goes on. */
  error(type: string, code: string, message: string, param: string | null, clientId: string | undefined): void {
    const error: Record<string, unknown> = { type, code, message };
    if (param !== null) error.param = param;
    if (clientId !== undefined) error.client_event_id = clientId;
    this.#emit({ type: 'error', error }, undefined);
  }

  /** Ends the session: stops speaking, sends `session.closed` with the final usage, closes. */
  close(reason: LiveCloseReason, clientId?: string): void {
    if (this.#closed) return;
    this.#speaking?.stop();
    this.#emit({ type: 'session.closed', reason, session: this.#resource(), usage: { seconds: this.#seconds() } }, clientId);
    this.#closed = true;
    this.#clearTimers();
    this.#link.close(1000, reason);
  }

  /** The connection went away without `session.close`: stop every timer. */
  dispose(): void {
    this.#closed = true;
    this.#speaking?.stop();
    this.#clearTimers();
  }

  #clearTimers(): void {
    for (const timer of this.#timers) this.#settings.clock.clearTimeout(timer as ReturnType<Clock['setTimeout']>);
    this.#timers = [];
  }

  #emit(fields: Record<string, unknown> & { type: string }, clientId: string | undefined): void {
    if (this.#closed) return;
    const event: WireEvent = { event_id: this.#link.newId('event'), ...fields };
    if (clientId !== undefined) event.client_event_id = clientId;
    this.#link.send(event);
  }

  #seconds(): number {
    return Math.round((this.#settings.clock.now() - this.#openedAt) / 10) / 100;
  }

  #resource(): Record<string, unknown> {
    const config = this.#config ?? { model: 'gpt-live-1' };
    return {
      ...config,
      id: this.id,
      status: 'active',
      expires_at: Math.floor((this.#openedAt + this.#settings.expireAfterMs) / 1000),
      audio: { ...config.audio, output: { voice: 'marin', ...config.audio?.output } },
      delegation: config.delegation ?? { type: 'client', acknowledgement_delay_ms: 0 },
    };
  }

  #start(event: LiveClientEventMap['session.start'], clientId: string | undefined): void {
    const fork = this.#settings.forkOf;
    if (fork !== undefined) {
      const forked = forkedConfig(fork.config, event.session as LiveForkSessionConfig);
      if ('refusal' in forked) return this.error('invalid_request_error', forked.refusal.code, forked.refusal.message, forked.refusal.param, clientId);
      return this.#begin(forked.config, clientId);
    }
    const problem = checkLiveSessionConfig(event.session);
    if (problem !== undefined) {
      const unknown = /^unknown field/.test(problem.message);
      const param = `session.${problem.path}`;
      const message = unknown ? `Unknown parameter: '${param}'.` : `Invalid value for '${param}': ${problem.message}.`;
      this.error('invalid_request_error', unknown ? 'unknown_parameter' : 'invalid_value', message, param, clientId);
      return;
    }
    this.#begin(event.session, clientId);
  }

  #begin(config: LiveSessionConfig, clientId: string | undefined): void {
    if (!LIVE_MODEL.test(config.model)) {
      this.error('invalid_request_error', 'invalid_model', `Model '${config.model}' is not supported on /v1/live/sessions.`, 'session.model', clientId);
      return;
    }
    this.#config = structuredClone(config);
    const format = config.audio?.format ?? { type: 'audio/pcm' as const, rate: 24000 as const };
    this.#decoder = wireAudioDecoder(format);
    this.#encoder = wireAudioEncoder(format);
    this.#vad = new EnergyVad({ sampleRate: this.#decoder.info.sampleRate });
    this.#emit({ type: 'session.started', session: this.#resource() }, clientId);
    const data = config.client?.data_channel;
    if (data !== undefined) {
      const list = (value: unknown) => (value === undefined || value === 'all' ? 'all' : JSON.stringify(value));
      this.#emit({ type: 'info', code: 'data_channel_permissions', message: `allowed_client_events=${list(data.allowed_client_events)}; allowed_server_events=${list(data.allowed_server_events)}` }, undefined);
    }
    this.#every(this.#settings.usageIntervalMs, () => this.#emit({ type: 'session.usage.updated', usage: { seconds: this.#seconds() }, context_window: { usage_ratio: Math.min(1, this.#timelineMs / 3_600_000) } }, undefined));
    this.#timers.push(this.#settings.clock.setTimeout(() => this.close('expired'), this.#settings.expireAfterMs));
  }

  #every(ms: number, run: () => void): void {
    const tick = () => {
      if (this.#closed) return;
      run();
      this.#timers.push(this.#settings.clock.setTimeout(tick, ms));
    };
    this.#timers.push(this.#settings.clock.setTimeout(tick, ms));
  }

  #update(event: LiveClientEventMap['session.update'], clientId: string | undefined): void {
    const config = this.#config!;
    const update: LiveSessionUpdate = event.session;
    const current = config.delegation?.type ?? 'client';
    if (update.delegation != null && update.delegation.type !== current) {
      this.error('invalid_request_error', 'invalid_value', `The delegation type cannot change (the session delegates to '${current}').`, 'session.delegation.type', clientId);
      return;
    }
    if (update.delegation != null) config.delegation = updatedDelegation(config.delegation, update.delegation);
    if (update.triggers !== undefined) config.triggers = update.triggers;
    this.#emit({ type: 'session.updated', session: this.#resource() }, clientId);
  }

  #append(audio: string, clientId: string | undefined): void {
    let pcm: Int16Array;
    try {
      pcm = this.#decoder!.decode(audio);
    } catch {
      return this.error('invalid_request_error', 'invalid_audio', 'Audio must be base64 raw audio in the session format with an even number of bytes for PCM.', 'audio', clientId);
    }
    this.#hear(pcm);
  }

  /** Input on the timeline, through the VAD. */
  #hear(pcm: Int16Array): void {
    const rate = this.#decoder!.info.sampleRate;
    this.#timelineMs += (pcm.length * 1000) / rate;
    // Muted input reaches the model as silence.
    for (const vadEvent of this.#vad!.push(this.#muted ? new Int16Array(pcm.length) : pcm)) {
      if (vadEvent.type === 'speech_started') {
        this.#utteranceStartMs = vadEvent.onsetMs;
        if (this.#speaking !== undefined && this.#settings.bargeIn === 'yield') this.#speaking.stop();
        continue;
      }
      this.#heard(this.#utteranceStartMs, vadEvent.speechEndMs);
    }
  }

  /** An utterance ended: report what was heard on the timeline, then answer with the next turn. */
  #heard(startMs: number, endMs: number): void {
    if (this.#delegations.waiting) return;
    const taken = this.#settings.cursor.take();
    if (taken.exhaustedStrict) {
      this.error('invalid_request_error', 'scenario_exhausted', 'MockLiveServer: the scenario has no turn left.', null, undefined);
      return;
    }
    const turn: ScenarioTurn = taken.turn ?? { reply: this.#settings.defaultReply };
    this.#fragments('session.input_transcript.delta', turn.user ?? this.#settings.userTranscript, Math.max(0, startMs), Math.max(startMs + FRAGMENT_MS, endMs));
    this.#play(turn);
  }

  /** Plays a turn: an error, a delegation, or speech. */
  #play(turn: ScenarioTurn): void {
    if (turn.error !== undefined) {
      this.error(turn.error.type ?? 'invalid_request_error', turn.error.code ?? 'server_error', turn.error.message, turn.error.param ?? null, undefined);
      return;
    }
    const reply = turn.reply ?? this.#settings.defaultReply;
    if (reply.functionCalls !== undefined && reply.functionCalls.length > 0) {
      this.#delegations.delegate(reply.functionCalls);
      return;
    }
    void this.#speak(reply);
  }

  /** Transcript fragments of `text` spread over [startMs, endMs] in 200 ms frames. */
  #fragments(type: 'session.input_transcript.delta' | 'session.output_transcript.delta', text: string, startMs: number, endMs: number): void {
    for (const fragment of fragmentsOf(text, startMs, endMs)) this.#emit({ type, delta: fragment.text, start_ms: fragment.startMs, end_ms: fragment.endMs }, undefined);
  }

  /** Speaks a reply: output audio in chunks, each chunk's transcript fragment with it. Stops on barge-in when the policy yields. */
  #speak(reply: ScenarioReply, from?: Int16Array): Promise<void> {
    // Full duplex without yielding: a new answer waits for the current one to end. A fixture
    // (and the yielding policy) interrupts.
    const after = from === undefined && this.#settings.bargeIn === 'ignore' ? this.#speech : Promise.resolve();
    const speech = after.then(() => this.#speakNow(reply, from));
    this.#speech = speech;
    return speech;
  }

  async #speakNow(reply: ScenarioReply, from?: Int16Array): Promise<void> {
    this.#speaking?.stop();
    let stopped = false;
    const speaking = { stop: () => (stopped = true) };
    this.#speaking = speaking;
    try {
      const clip = from !== undefined ? { pcm: from, sampleRate: 24000, transcript: '' } : await this.#settings.audio.load(reply.audio ?? (reply.text === undefined ? (this.#settings.defaultReply.audio ?? DEFAULT_REPLY_CLIP) : DEFAULT_REPLY_CLIP));
      const text = from !== undefined ? '' : (reply.text ?? (reply.audio === undefined && this.#settings.defaultReply.text !== undefined ? this.#settings.defaultReply.text : (clip.transcript ?? '')));
      const rate = this.#encoder!.info.sampleRate;
      const pcm = resamplePcm16(clip.pcm, clip.sampleRate, rate);
      const startMs = this.#timelineMs;
      const totalMs = (pcm.length * 1000) / rate;
      const fragments = fragmentsOf(text, startMs, startMs + totalMs);
      const chunk = Math.max(1, Math.round((rate * this.#settings.outputChunkMs) / 1000));
      for (let offset = 0; offset < pcm.length; offset += chunk) {
        if (stopped || this.#closed) return;
        const chunkEndMs = startMs + ((offset + chunk) * 1000) / rate;
        while (fragments.length > 0 && fragments[0]!.startMs < chunkEndMs) {
          const fragment = fragments.shift()!;
          this.#emit({ type: 'session.output_transcript.delta', delta: fragment.text, start_ms: fragment.startMs, end_ms: fragment.endMs }, undefined);
        }
        // Primary WebSocket output audio carries no event_id and no timestamps; WebRTC plays it as media.
        const samples = pcm.subarray(offset, offset + chunk);
        if (this.#link.writeOutputAudio !== undefined) this.#link.writeOutputAudio(samples, rate);
        else if (!this.#closed) this.#link.send({ type: 'session.output_audio.delta', delta: this.#encoder!.encode(samples) });
        await this.#pace(this.#settings.outputChunkMs);
      }
    } catch (cause) {
      this.error('server_error', 'server_error', `MockLiveServer could not load the reply audio: ${String(cause)}`, null, undefined);
    } finally {
      if (this.#speaking === speaking) this.#speaking = undefined;
    }
  }

  #pace(ms: number): Promise<void> {
    const wait = Number.isFinite(this.#settings.speed) ? ms / this.#settings.speed : 0;
    return new Promise((resolve) => {
      if (wait === 0) {
        setImmediate(resolve);
        return;
      }
      this.#timers.push(this.#settings.clock.setTimeout(resolve, wait));
    });
  }

  #fixture(audio: string, clientId: string | undefined): void {
    let pcm: Int16Array;
    try {
      pcm = wireAudioDecoder({ type: 'audio/pcm', rate: 24000 }).decode(audio);
    } catch {
      return this.error('invalid_request_error', 'invalid_audio', 'Fixture audio must be base64 mono PCM16 at 24 kHz.', 'audio', clientId);
    }
    if ((pcm.length * 1000) / 24000 > MAX_FIXTURE_MS) {
      return this.error('invalid_request_error', 'invalid_value', 'Fixture audio is limited to 30 seconds.', 'audio', clientId);
    }
    this.#emit({ type: 'session.output_audio.fixture.playing' }, clientId);
    void this.#speak({}, pcm).then(() => this.#emit({ type: 'session.output_audio.fixture.played' }, clientId));
  }
}

/** Splits text into word groups spread evenly over [startMs, endMs], one per 200 ms frame at most. */
export function fragmentsOf(text: string, startMs: number, endMs: number): Array<{ text: string; startMs: number; endMs: number }> {
  const words = text.split(/(?<=\s)/).filter((word) => word !== '');
  if (words.length === 0) return [];
  const frames = Math.max(1, Math.min(words.length, Math.floor((endMs - startMs) / FRAGMENT_MS)));
  const span = (endMs - startMs) / frames;
  const out: Array<{ text: string; startMs: number; endMs: number }> = [];
  for (let frame = 0; frame < frames; frame++) {
    const from = Math.floor((frame * words.length) / frames);
    const to = Math.floor(((frame + 1) * words.length) / frames);
    out.push({ text: words.slice(from, to).join(''), startMs: Math.round(startMs + frame * span), endMs: Math.round(startMs + (frame + 1) * span) });
  }
  return out;
}

/** The `type` and `event_id` of a frame that failed to parse, when it is JSON at all. */
function readLoosely(data: string | Uint8Array): { type?: unknown; event_id?: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
    return typeof value === 'object' && value !== null ? (value as { type?: unknown; event_id?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}
