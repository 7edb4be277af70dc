/**
 * One relayed session: a client socket, an upstream socket, and the policy point between
 * them. Runtime-agnostic: it sees only {@link RelaySocket}s and frames, so the same logic runs
 * behind the Node adapter and any other.
 *
 * Hot path (about 50 frames a second each way per session): an `input_audio_buffer.append`
 * is checked by a scan of the frame ({@link scanAudioAppend}: type, a base64 string within
 * the cap, no other fields) and forwarded as the original bytes; an upstream frame whose
 * `type` needs nothing from the relay (audio and transcript deltas) is recognised from its
 * first bytes ({@link peekEventType}) and forwarded as is. Everything else is parsed with the
 * SDK's schemas and passes the policy.
 */
import type { Clock } from '../../base/clock';
import type { ModelPrices } from '../../base/defaults';
import { DEFAULT_AUDIO_INPUT_TOKENS_PER_SECOND, DEFAULT_RELAY_MAX_JSON_DEPTH, DEFAULT_TEXT_CHARS_PER_TOKEN } from '../../base/defaults';
import { SESSION_ACTIVITY_EVENT_TYPES, SessionLimits } from '../../base/session-limits';
import { CLOSE_CODES, SESSION_END_REASONS, type RealtimeErrorCode, type SessionEndingReason } from '../../base/errors';
import { describeAudioFormat } from '../../codec/audio-format';
import { parseClientEvent, parseServerEvent, type ParseOptions } from '../../events/parse';
import type { ClientEventInput } from '../../events/client-events';
import type { ClientEventWarning } from '../../events/issues';
import type { ResponseCreateParams, Usage } from '../../events/response';
import { exceedsUtf8Bytes } from '../../events/frame';
import { parseTranslationClientEvent, parseTranslationServerEvent } from '../../events/translation-parse';
import type { Logger } from '../../base/logger';
import { checkModel, type ModelWarning } from '../../base/models';
import { UsageMeter } from '../../base/usage';
import type { ToolEventMap, ToolEventName } from '../../tools/tool-events';
import { closeCodeFor, type RelayEndReason } from './end-reason';
import { base64ByteLength, deltaLength, peekEventType, scanAudioAppend, scanEventId } from './frame-scan';
import { nestsDeeperThan } from './json-depth';
import { betaFieldsOf, betaRefusalMessage, LegacyBridge, parseTypedObject } from './legacy-bridge';
import { RELAY_EVENT_ID_PREFIX, relayEventId } from './ids';
import type { FrameRejectReason, RelayMetrics } from '../metrics';
import { applyPolicy, initialSessionConfig, type RelaySessionType, type ResolvedSessionPolicy } from './policy';
import type { RelayIdentity } from './relay-options';
import type { ResolvedRelaySettings } from './relay-settings';
import { RelayToolRunner } from './server-tools';
import type { RelayFrame, RelaySocket } from './socket';
import { modelDeprecatedFrame, relayErrorFrame, sessionEndingFrame } from './wire-events';

type Json = Record<string, unknown>;

/** What a session reports to the relay that owns it. */
export interface RelaySessionHooks {
  /** The session ended (called once, synchronously inside {@link RelaySession.end}). */
  onEnded(session: RelaySession, reason: RelayEndReason): void;
  /** A final transcript of a user or assistant item. */
  onTranscript(session: RelaySession, role: 'user' | 'assistant', itemId: string, text: string): void;
  /** A response finished with this usage; `charged` is what it added to the budget. */
  onUsage(session: RelaySession, responseId: string | undefined, usage: Usage | null | undefined, charged: number): void;
  /** The session's model shuts down soon; the client was told, the relay logs it (once per model). */
  onModelWarning?(session: RelaySession, warning: ModelWarning, message: string): void;
  /** A server-side tool event; returns whether anyone listened. */
  onToolEvent<Name extends ToolEventName>(session: RelaySession, name: Name, event: ToolEventMap[Name]): boolean;
}

/** Everything a session is made from. */
export interface RelaySessionInit<Identity extends RelayIdentity = RelayIdentity> {
  /** The session id. */
  id: string;
  /** Who the session belongs to. */
  identity: Identity;
  /** The socket toward the client. */
  client: RelaySocket;
  /** The socket toward the upstream API (already open). */
  upstream: RelaySocket;
  /** The session's policy. */
  policy: ResolvedSessionPolicy;
  /** The relay-wide settings. */
  settings: ResolvedRelaySettings<Identity>;
  /** The session's time limit (`Infinity` for none). */
  maxDurationMs: number;
  /** The user's budget for today (`undefined` for none). */
  budgetLimit: number | undefined;
  /** The user's spend when the session was admitted. */
  budgetSpent: number;
  /** The kind of session when known before it opens (a WebRTC call). @default 'realtime' */
  sessionType?: RelaySessionType;
  /** The models the session names and where from, warned about when they shut down soon. @default [] */
  models?: ReadonlyArray<readonly [model: string, path: string]>;
  /** Where the session reports. */
  hooks: RelaySessionHooks;
  /**
   * Whether the audio travels in the frames (WebSocket: appends and deltas); false for a
   * WebRTC call seen through its sideband, whose audio flows as media tracks.
   * @default true
   */
  audioInFrames?: boolean;
  /** The connection declared the retired beta interface (header or subprotocol). */
  betaClient?: boolean;
}

/** Upstream event types the relay parses; every other type is forwarded untouched. */
const INSPECTED_TYPES: ReadonlySet<string> = new Set([
  'error',
  'session.created',
  'session.updated',
  'response.created',
  'response.done',
  'conversation.item.input_audio_transcription.completed',
  'response.output_audio_transcript.done',
  'response.output_text.done',
]);

/** With server-side tools, the events that may concern a server call are parsed too. */
const INSPECTED_TYPES_WITH_TOOLS: ReadonlySet<string> = new Set([
  ...INSPECTED_TYPES,
  'response.output_item.added',
  'response.output_item.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'conversation.item.added',
  'conversation.item.done',
  'conversation.item.created',
  'conversation.item.retrieved',
  'conversation.item.truncated',
  'conversation.item.deleted',
  'input_audio_buffer.committed',
]);

/**
 * What a sideband sees of a WebRTC call's audio, which flows as media tracks: the speech the
 * server detected (its start and end in the input audio) and when the output audio buffer
 * started and stopped playing.
 */
const MEDIA_TRACK_TYPES: readonly string[] = [
  'input_audio_buffer.speech_started',
  'input_audio_buffer.speech_stopped',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
];

const PCM_24K_BYTES_PER_SECOND = 48_000;

const OUTPUT_AUDIO_DELTA = 'response.output_audio.delta';
/** A translation session's audio and transcript deltas: forwarded (and charged) without parsing. */
const TRANSLATION_AUDIO_DELTA = 'session.output_audio.delta';
const TRANSLATION_DELTAS: ReadonlySet<string> = new Set([TRANSLATION_AUDIO_DELTA, 'session.output_transcript.delta', 'session.input_transcript.delta']);
const OUTPUT_TEXT_DELTAS: ReadonlySet<string> = new Set(['response.output_audio_transcript.delta', 'response.output_text.delta']);

/**
 * Upstream `error` codes and types that are about the relay's own key or account, never the
 * client's doing: the client gets a relay error without the upstream's text (which quotes a
 * masked key), and a close code that stops it retrying.
 */
const SERVER_KEY_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_api_key',
  'insufficient_quota',
  'billing_hard_limit_reached',
  'account_deactivated',
  'organization_deactivated',
  'invalid_organization',
  'unauthorized',
]);
const SERVER_KEY_ERROR_TYPES: ReadonlySet<string> = new Set(['authentication_error', 'insufficient_quota', 'permission_error']);
/** Key material an upstream message may quote, masked or not (`sk-proj-****LEAK`). */
const KEY_FRAGMENT = /\b(?:sk|ek|rk)-[A-Za-z0-9_*.-]{3,}/;

/** US dollars per token, for the running estimate of a `'costUsd'` budget. */
interface TokenRates {
  audioInput: number;
  audioOutput: number;
  textOutput: number;
}

/** The price of one token of each kind streamed, read from the same price table as `usage`. */
function tokenRates(prices: Readonly<Record<string, ModelPrices>>, model: string): TokenRates {
  const costOf = (usage: Usage): number => new UsageMeter(prices).add(usage, model).estimatedCostUsd / 1_000_000;
  const million = 1_000_000;
  return {
    audioInput: costOf({ input_token_details: { audio_tokens: million } } as Usage),
    audioOutput: costOf({ output_token_details: { audio_tokens: million } } as Usage),
    textOutput: costOf({ output_token_details: { text_tokens: million } } as Usage),
  };
}

/** Client events (other than audio) held at most while a mixed turn's server tools finish. */
const MAX_HELD_CLIENT_FRAMES = 256;

/** How long the client's `session.created` waits for the upstream to confirm the operator's config. */
const INIT_TIMEOUT_MS = 5000;

const clockSource = globalThis.performance;
const now = (): number => clockSource.now();

/**
 * One frame in this many is timed for the relay-added latency histogram: the distribution is
 * the same, and the other frames skip two clock reads. Must be a power of two.
 */
const LATENCY_SAMPLE_EVERY = 8;
let frameSerial = 0;

/** The arrival time of a frame that is timed, or -1 for one that is not. */
function arrival(): number {
  frameSerial = (frameSerial + 1) & (LATENCY_SAMPLE_EVERY - 1);
  return frameSerial === 0 ? now() : -1;
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function frameLength(frame: RelayFrame): number {
  return typeof frame === 'string' ? frame.length : frame.byteLength;
}

/** Decoded bytes of a base64 string (its length alone; padding counted off). */
function base64Bytes(base64: string): number {
  let padding = 0;
  if (base64.endsWith('==')) padding = 2;
  else if (base64.endsWith('=')) padding = 1;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

/**
 * One relayed session. Created by the relay core once both sockets are open; the adapter
 * feeds it frames and closes ({@link RelaySession.handleClientFrame} and friends).
 */
export class RelaySession<Identity extends RelayIdentity = RelayIdentity> {
  /** The session id (`vxs_...`). */
  readonly id: string;
  /** Who the session belongs to. */
  readonly identity: Identity;
  /** The session's user. */
  readonly userId: string;
  /** When the session opened, on the relay's clock. */
  readonly startedAt: number;
  /** The user's budget for today, or undefined for none. */
  readonly budgetLimit: number | undefined;

  readonly #client: RelaySocket;
  readonly #upstream: RelaySocket;
  readonly #policy: ResolvedSessionPolicy;
  readonly #settings: ResolvedRelaySettings<Identity>;
  readonly #hooks: RelaySessionHooks;
  readonly #metrics: RelayMetrics;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #maxDurationMs: number;
  readonly #inspected: ReadonlySet<string>;
  readonly #appendAllowed: boolean;
  readonly #tools: RelayToolRunner | undefined;
  readonly #usageMeter: UsageMeter | undefined;
  /** Translates a beta client both ways (`policy.betaClients: 'translate'`). */
  readonly #bridge: LegacyBridge | undefined;
  /** How client frames are parsed: the frame cap, strict or not, and where unknown fields are reported. */
  readonly #parseOptions: ParseOptions;
  /** Unknown client fields already warned about (once per field and session). */
  readonly #warnedFields = new Set<string>();

  #endedReason: RelayEndReason | undefined;
  /** The time and idle limits, when either is finite (armed by {@link start}). */
  #limits: SessionLimits | undefined;
  #pollTimer: unknown;
  #lastWarning: SessionEndingReason | undefined;
  #upstreamPaused = false;
  #clientPaused = false;
  #rejectedFrames = 0;
  #inputBytesPerSecond = PCM_24K_BYTES_PER_SECOND;
  #outputBytesPerSecond = PCM_24K_BYTES_PER_SECOND;
  /** Whether deltas are charged as they pass (only when the session has a budget). */
  readonly #chargesStream: boolean;
  readonly #rates: TokenRates | undefined;
  /** What was charged from streamed deltas since the last `response.done` reconciled them. */
  #streamedSinceDone = 0;
  #exhausted = false;
  readonly #audioInFrames: boolean;
  /** Where the current detected speech began in the input audio (media-track sessions). */
  #speechStartMs: number | undefined;
  /** Since when (relay clock) output audio has played and not yet been charged (media-track sessions). */
  #playingSince: number | undefined;
  #pendingCharge = 0;
  #inFlightCharge = 0;
  #spent: number;
  #initEventId: string | undefined;
  #initTimer: unknown;
  #heldSessionCreated: Json | undefined;
  #upstreamExpired = false;
  #activeResponse = false;
  #queuedResponse: { params: ResponseCreateParams | undefined } | undefined;
  #relayResponseEventId: string | undefined;
  #heldClientFrames: RelayFrame[] = [];
  readonly #models: ReadonlyArray<readonly [model: string, path: string]>;
  readonly #warnedModels = new Set<string>();
  /** A conversation, or input transcription only (then response events are refused). */
  #sessionType: RelaySessionType = 'realtime';

  constructor(init: RelaySessionInit<Identity>) {
    this.id = init.id;
    this.identity = init.identity;
    this.userId = init.identity.userId;
    this.#client = init.client;
    this.#upstream = init.upstream;
    this.#policy = init.policy;
    this.#settings = init.settings;
    this.#hooks = init.hooks;
    this.#metrics = init.settings.metrics;
    this.#clock = init.settings.clock;
    this.#logger = init.settings.logger;
    this.#maxDurationMs = init.maxDurationMs;
    this.#models = init.models ?? [];
    this.#sessionType = init.sessionType ?? 'realtime';
    this.#appendAllowed = init.settings.allowedClientEvents.has('input_audio_buffer.append');
    this.budgetLimit = init.budgetLimit !== undefined && Number.isFinite(init.budgetLimit) ? init.budgetLimit : undefined;
    this.#spent = init.budgetSpent;
    this.startedAt = this.#clock.now();
    this.#usageMeter = init.settings.budgetUnit === 'costUsd' ? new UsageMeter(init.settings.prices) : undefined;
    this.#chargesStream = this.budgetLimit !== undefined;
    this.#rates = this.#usageMeter !== undefined && this.#chargesStream ? tokenRates(init.settings.prices, init.settings.model) : undefined;
    this.#bridge = init.settings.betaClients === 'translate' ? new LegacyBridge(init.betaClient === true) : undefined;
    this.#parseOptions = {
      maxFrameBytes: init.settings.maxClientFrameBytes,
      strict: init.settings.strictClientEvents,
      onWarning: (warning) => this.#warnUnknownField(warning),
    };
    if (init.settings.serverTools.length > 0) {
      this.#tools = new RelayToolRunner(
        init.settings.serverTools,
        {
          sendUpstream: (event) => this.#sendRelayEvent(event),
          requestResponse: (params) => this.#requestRelayResponse(params),
          releaseHeldClientFrames: () => this.#releaseHeldClientFrames(),
          emit: (name, event) => this.#hooks.onToolEvent(this, name, event),
        },
        this.#clock,
      );
      this.#inspected = INSPECTED_TYPES_WITH_TOOLS;
    } else {
      this.#tools = undefined;
      this.#inspected = INSPECTED_TYPES;
    }
    this.#audioInFrames = init.audioInFrames ?? true;
    if (!this.#audioInFrames && this.#chargesStream) this.#inspected = new Set([...this.#inspected, ...MEDIA_TRACK_TYPES]);
  }

  /** Why the session ended, or undefined while it runs. */
  get endReason(): RelayEndReason | undefined {
    return this.#endedReason;
  }

  /** True once the session has ended. */
  get ended(): boolean {
    return this.#endedReason !== undefined;
  }

  /**
   * Bytes queued in each direction and not yet on the network, and whether reading from the
   * other side is paused because of them (backpressure).
   */
  get buffered(): {
    /** Bytes queued on the client socket (its `bufferedAmount`). */
    toClient: number;
    /** Bytes queued on the upstream socket (its `bufferedAmount`). */
    toUpstream: number;
    /** Whether reading from the upstream is paused because the client socket is backed up. */
    upstreamPaused: boolean;
    /** Whether reading from the client is paused because the upstream socket is backed up. */
    clientPaused: boolean;
  } {
    return { toClient: this.#client.bufferedAmount, toUpstream: this.#upstream.bufferedAmount, upstreamPaused: this.#upstreamPaused, clientPaused: this.#clientPaused };
  }

  /** The user's spend today as this session last learned it, plus what it has not charged yet. */
  get budgetSpent(): number {
    return this.#spent + this.#pendingCharge + this.#inFlightCharge;
  }

  /**
   * Starts the session: arms the time and idle limits and sends the operator's session
   * config upstream (the client's `session.created` waits until it is in force).
   */
  start(): void {
    if (Number.isFinite(this.#maxDurationMs) || Number.isFinite(this.#settings.idleTimeoutMs)) {
      this.#limits = new SessionLimits({
        clock: this.#clock,
        maxDurationMs: this.#maxDurationMs,
        idleMs: this.#settings.idleTimeoutMs,
        warningMs: this.#settings.endingWarningMs,
        // The relay announces its time limit ahead; an idle end is announced as it happens
        // (activity would make an early idle warning a false alarm for a relayed client).
        onWarning: (kind, remainingMs) => {
          if (kind === 'time_limit') this.warnEnding(remainingMs / 1000, kind);
        },
        onEnd: (kind) => this.end(kind),
      });
      this.#limits.start();
    }
    for (const [model, path] of this.#models) this.#checkSessionModel(model, path);
    const initial = this.#settings.translation ? this.#settings.translation.session : initialSessionConfig(this.#policy, this.#sessionType);
    if (initial !== undefined) {
      this.#initEventId = relayEventId();
      this.#sendRelayEvent({ type: 'session.update', event_id: this.#initEventId, session: initial } as ClientEventInput);
      // An upstream that never answers must not keep the client from its session.created.
      this.#initTimer = this.#clock.setTimeout(() => this.#onInitTimeout(), INIT_TIMEOUT_MS);
    }
  }

  /** Feeds one frame the client sent. */
  handleClientFrame(frame: RelayFrame): void {
    if (this.#endedReason !== undefined) return;
    const startedAt = arrival();
    const max = this.#settings.maxClientFrameBytes;
    if (typeof frame === 'string' ? exceedsUtf8Bytes(frame, max) : frame.byteLength > max) {
      this.#reject('too_large', 'VOXWIRE_FRAME_TOO_LARGE', `client frame of ${frameLength(frame)} bytes exceeds this relay's limit of ${max} bytes`, { eventId: scanEventId(frame) });
      return;
    }
    if (this.#settings.translation) {
      this.#handleTranslationClientFrame(frame, startedAt);
      this.#endIfExhausted();
      return;
    }
    const audioBytes = scanAudioAppend(frame);
    if (audioBytes >= 0) {
      if (!this.#appendAllowed) {
        this.#reject('not_allowed', 'VOXWIRE_POLICY_VIOLATION', 'client event type input_audio_buffer.append is not allowed on this relay', { eventId: scanEventId(frame) });
        return;
      }
      this.#chargeInputAudio(audioBytes);
      this.#toUpstream(frame, startedAt);
      this.#endIfExhausted();
      return;
    }
    this.#handleParsedClientFrame(frame, startedAt);
    // A client that declared the beta interface is warned after its first event (so the warning can name what to migrate).
    if (this.#bridge?.active === true) this.#sendBetaWarning();
    this.#endIfExhausted();
  }

  /** Feeds one frame the upstream sent. */
  handleUpstreamFrame(frame: RelayFrame): void {
    if (this.#endedReason !== undefined) return;
    const startedAt = arrival();
    const type = peekEventType(frame);
    if (this.#settings.translation) {
      this.#handleTranslationUpstreamFrame(type, frame, startedAt);
      this.#endIfExhausted();
      return;
    }
    if (type !== undefined && !this.#inspected.has(type)) {
      if (SESSION_ACTIVITY_EVENT_TYPES.has(type)) this.#markActivity();
      // Charged before it is forwarded: a client that leaves right after got only what was charged.
      if (this.#chargesStream) {
        this.#chargeStreamed(type, frame);
        this.#toClient(frame, startedAt);
        this.#endIfExhausted();
        return;
      }
      this.#toClient(frame, startedAt);
      return;
    }
    this.#handleParsedUpstreamFrame(frame, startedAt);
    this.#endIfExhausted();
  }

  /** The client's socket closed. */
  handleClientClose(_code: number, _reason: string): void {
    this.end('client_closed');
  }

  /**
   * The upstream socket closed. A normal close (or one after the upstream's own
   * `session_expired`) ends the session with the same code; anything else tells the client
   * that the upstream failed, and closes with "going away" so it reconnects.
   */
  handleUpstreamClose(code: number, reason: string): void {
    if (this.#endedReason !== undefined) return;
    if (code === CLOSE_CODES.normal || this.#upstreamExpired) {
      this.end('upstream_closed', { code: code === CLOSE_CODES.normal ? CLOSE_CODES.normal : CLOSE_CODES.goingAway, message: 'upstream session ended' });
      return;
    }
    const detail = reason === '' ? `code ${code}` : `code ${code}: ${reason}`;
    this.#sendToClient(relayErrorFrame('VOXWIRE_UPSTREAM_ERROR', `the upstream Realtime connection closed unexpectedly (${detail}); reconnect to continue`));
    this.end('upstream_failed', { message: 'upstream connection lost' });
  }

  /** Tells the client the session ends in `secondsLeft` seconds (`voxwire.session.ending`). */
  warnEnding(secondsLeft: number, reason: SessionEndingReason): void {
    if (this.#endedReason !== undefined) return;
    this.#lastWarning = reason;
    this.#sendToClient(sessionEndingFrame(secondsLeft, reason));
  }

  /**
   * Ends the session: tells the client why (`voxwire.session.ending` for relay limits),
   * closes both sockets (the client's with the close code of `reason`, or `options.code`),
   * stops server-side tools and reports to the relay. Idempotent.
   */
  end(reason: RelayEndReason, options: { code?: number; message?: string } = {}): void {
    if (this.#endedReason !== undefined) return;
    this.#endedReason = reason;
    this.#limits?.stop();
    this.#clock.clearTimeout(this.#pollTimer);
    this.#clock.clearTimeout(this.#initTimer);
    this.#tools?.dispose();
    this.#heldClientFrames = [];
    // A client already warned for this reason knows; anyone else learns why right before the close.
    if (SESSION_END_REASONS[reason].announced && this.#lastWarning !== reason) this.#sendToClient(sessionEndingFrame(0, reason as SessionEndingReason));
    if (reason !== 'client_closed') this.#client.close(options.code ?? closeCodeFor(reason), options.message ?? CLOSE_MESSAGES[reason]);
    // Always (closing a closed socket does nothing): an upstream that is still open after an
    // internal error or a refused key must not outlive its session.
    this.#upstream.close(CLOSE_CODES.normal, 'relay session ended');
    this.#hooks.onEnded(this, reason);
  }

  /**
   * Takes the usage accrued since the last charge, for the relay to charge to the store. Until
   * {@link settleCharge} it still counts in the session's view of the budget.
   */
  takePendingCharge(): number {
    this.#accruePlayback();
    const amount = this.#pendingCharge;
    this.#pendingCharge = 0;
    this.#inFlightCharge += amount;
    return amount;
  }

  /**
   * A charge taken by {@link takePendingCharge} is settled: stored, or (store unreachable) on
   * the relay's local ledger; either way the total passed to {@link applyBudgetTotal} next
   * counts it.
   */
  settleCharge(amount: number): void {
    this.#inFlightCharge -= amount;
  }

  /**
   * The user's total spend today, as the store answered a charge. Ends the session with
   * `budget_exhausted` when it reaches the budget. Returns whether it did.
   */
  applyBudgetTotal(total: number): boolean {
    this.#spent = total;
    if (this.budgetLimit === undefined || this.#endedReason !== undefined) return false;
    if (this.budgetSpent < this.budgetLimit) return false;
    this.end('budget_exhausted');
    return true;
  }

  /**
   * OpenAI's announced shutdowns, for a model the session names: refused past the date (the
   * caller answers), warned about once per model within 60 days (`voxwire.model.deprecated`).
   */
  #checkSessionModel(model: string, path: string): { message: string; path: string } | undefined {
    const check = checkModel(model, this.#clock.now(), 'relay', path);
    if (check.action === 'refuse') return { message: check.error.message, path };
    if (check.action === 'warn' && !this.#warnedModels.has(model)) {
      this.#warnedModels.add(model);
      this.#sendToClient(modelDeprecatedFrame(check.warning, check.message));
      this.#hooks.onModelWarning?.(this, check.warning, check.message);
    }
    return undefined;
  }

  /** The models a client's `session.update` names (`session.model`, the transcription model). */
  #checkUpdateModels(session: Json): { message: string; path: string } | undefined {
    const audio = isJson(session.audio) ? session.audio : undefined;
    const input = isJson(audio?.input) ? audio.input : undefined;
    const transcription = isJson(input?.transcription) ? input.transcription : undefined;
    const named: Array<[unknown, string]> = [
      [session.model, 'session.model'],
      [transcription?.model, 'session.audio.input.transcription.model'],
    ];
    for (const [model, path] of named) {
      if (typeof model !== 'string') continue;
      const refusal = this.#checkSessionModel(model, path);
      if (refusal !== undefined) return refusal;
    }
    return undefined;
  }

  #onInitTimeout(): void {
    if (this.#initEventId === undefined || this.#endedReason !== undefined) return;
    this.#initEventId = undefined;
    this.#logger.warn("relay: the upstream did not confirm the operator's session config in time; the session goes on", { sessionId: this.id });
    const held = this.#heldSessionCreated;
    this.#heldSessionCreated = undefined;
    if (held !== undefined) this.#forwardEvent('session.created', held, now());
  }

  #markActivity(): void {
    this.#limits?.touch();
  }

  #handleParsedClientFrame(original: RelayFrame, startedAt: number): void {
    let frame = original;
    let result = parseClientEvent(frame, this.#parseOptions);
    if (!result.ok && result.error.code === 'VOXWIRE_INVALID_EVENT') {
      const beta = this.#handleBetaFrame(frame);
      if (beta === 'refused') return;
      if (beta !== undefined) {
        frame = beta;
        result = parseClientEvent(frame, this.#parseOptions);
      }
    }
    if (!result.ok) {
      const code = result.error.code;
      this.#reject(code === 'VOXWIRE_FRAME_TOO_LARGE' ? 'too_large' : 'invalid', code, result.error.message, { param: result.error.path, eventId: scanEventId(frame) });
      return;
    }
    const event = result.event as Json;
    const eventId = typeof event.event_id === 'string' ? event.event_id : undefined;
    // Everything after this walks the event recursively (the policy, JSON.stringify).
    if (nestsDeeperThan(event, DEFAULT_RELAY_MAX_JSON_DEPTH)) {
      this.#reject('invalid', 'VOXWIRE_INVALID_EVENT', `client event nests objects or arrays more than ${DEFAULT_RELAY_MAX_JSON_DEPTH} levels deep (a tool's \`parameters\` schema?); flatten it`, { eventId });
      return;
    }
    if (!result.known || !this.#settings.allowedClientEvents.has(event.type as string)) {
      this.#reject('not_allowed', 'VOXWIRE_POLICY_VIOLATION', `client event type ${JSON.stringify(event.type)} is not allowed on this relay`, { param: 'type', eventId });
      return;
    }
    const known = result.event;
    if (known.type === 'input_audio_buffer.append') {
      this.#chargeInputAudio(base64Bytes(known.audio));
      this.#toUpstream(frame, startedAt);
      return;
    }
    this.#markActivity();
    if (known.type === 'conversation.item.create') this.#chargeItemAudio(known.item);
    if (known.type === 'session.update') {
      const refusal = this.#checkUpdateModels(known.session as Json);
      if (refusal !== undefined) {
        this.#reject('policy', 'VOXWIRE_MODEL_SHUT_DOWN', refusal.message, { param: refusal.path, eventId });
        return;
      }
    }
    // With server-side tools, the client answers only client-tool calls the relay has seen.
    const tools = this.#tools;
    const decision = applyPolicy(this.#policy, known, tools === undefined ? () => false : (callId) => !tools.isClientCall(callId), this.#sessionType);
    if (!decision.ok) {
      this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', decision.message, { param: decision.param, eventId });
      return;
    }
    // From the update on, response events are refused here; the upstream's session.updated confirms it.
    if (known.type === 'session.update' && known.session.type === 'transcription') this.#sessionType = 'transcription';
    // Always the checked view, re-serialised: the original text may hold a duplicated key whose
    // first copy the policy never saw (JSON.parse keeps the last), and an upstream may obey it.
    const outgoing = JSON.stringify(decision.event ?? known);
    if (known.type === 'conversation.item.create') tools?.noteClientCall(known.item);
    if (this.#tools?.holdingClientFrames === true) {
      // A mixed turn: the relay's tool outputs go first, so the client's follow-up sees them.
      if (this.#heldClientFrames.length >= MAX_HELD_CLIENT_FRAMES) {
        this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', 'too many events while the relay finishes its tool calls; wait for them', { eventId });
        return;
      }
      this.#heldClientFrames.push(outgoing);
      return;
    }
    this.#toUpstream(outgoing, startedAt);
  }

  /**
   * A client frame that is not valid GA may be in the beta shape: translated (the GA frame to
   * go on with), refused naming every beta field (`'refused'`, not counted toward the 4004
   * close: the client is outdated, not hostile), or not beta at all (undefined).
   */
  #handleBetaFrame(frame: RelayFrame): RelayFrame | 'refused' | undefined {
    const event = parseTypedObject(frame);
    if (event === undefined) return undefined;
    const eventId = typeof event.event_id === 'string' ? event.event_id : undefined;
    if (this.#bridge === undefined) {
      const fields = betaFieldsOf(event);
      if (fields.length === 0) return undefined;
      this.#reject('invalid', 'VOXWIRE_INVALID_EVENT', betaRefusalMessage(event.type, fields), { param: fields[0]?.path, eventId, counted: false });
      return 'refused';
    }
    const translated = this.#bridge.toUpstream(frame, event);
    if (!translated.ok) {
      this.#reject('invalid', 'VOXWIRE_INVALID_EVENT', translated.message, { param: translated.param, eventId, counted: false });
      return 'refused';
    }
    this.#sendBetaWarning();
    return translated.frame === frame ? undefined : translated.frame;
  }

  /** A field newer than the schemas, forwarded as given: said once per field and session. */
  #warnUnknownField(warning: ClientEventWarning): void {
    const key = `${warning.eventType} ${warning.path}`;
    if (this.#warnedFields.has(key)) return;
    this.#warnedFields.add(key);
    this.#logger.warn(`relay: ${warning.message}`, { sessionId: this.id, eventType: warning.eventType, path: warning.path });
  }

  /** Tells a beta client, once, that it is translated and what to migrate. */
  #sendBetaWarning(): void {
    const warning = this.#bridge?.takeWarning();
    if (warning === undefined) return;
    this.#logger.warn(`relay: ${warning.message}`, { sessionId: this.id });
    this.#sendToClient(warning.frame);
  }

  #handleParsedUpstreamFrame(frame: RelayFrame, startedAt: number): void {
    const result = parseServerEvent(frame);
    if (!result.ok) {
      // The upstream is the authority on its own protocol: pass the frame on, the client decides.
      this.#logger.debug('relay: upstream frame did not parse; forwarded as is', { sessionId: this.id, error: result.error.message });
      this.#toClient(frame, startedAt);
      return;
    }
    const event = result.event as Json;
    const type = event.type as string;
    if (SESSION_ACTIVITY_EVENT_TYPES.has(type)) this.#markActivity();

    switch (type) {
      case 'error':
        if (this.#onUpstreamError(event)) return;
        break;
      case 'session.created':
        this.#trackInputFormat(event.session);
        this.#trackSessionType(event.session);
        if (this.#initEventId !== undefined) {
          this.#heldSessionCreated = event;
          return;
        }
        break;
      case 'session.updated':
        this.#trackInputFormat(event.session);
        this.#trackSessionType(event.session);
        if (this.#releaseHeldSessionCreated(event, startedAt)) return;
        break;
      case 'response.created':
        this.#activeResponse = true;
        break;
      case 'input_audio_buffer.speech_started':
      case 'input_audio_buffer.speech_stopped':
      case 'output_audio_buffer.started':
      case 'output_audio_buffer.stopped':
      case 'output_audio_buffer.cleared':
        if (!this.#audioInFrames) this.#chargeMediaEvent(type, event);
        break;
      case 'response.done':
        this.#activeResponse = false;
        this.#onResponseDone(event);
        break;
      case 'conversation.item.input_audio_transcription.completed':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string') this.#hooks.onTranscript(this, 'user', event.item_id, event.transcript);
        break;
      case 'response.output_audio_transcript.done':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string') this.#hooks.onTranscript(this, 'assistant', event.item_id, event.transcript);
        break;
      case 'response.output_text.done':
        if (typeof event.item_id === 'string' && typeof event.text === 'string') this.#hooks.onTranscript(this, 'assistant', event.item_id, event.text);
        break;
      default:
    }
    if (this.#endedReason !== undefined) return;
    this.#forwardEvent(type, event, startedAt, frame);
    if (type === 'response.done' && this.#queuedResponse !== undefined && !this.#activeResponse) {
      const queued = this.#queuedResponse;
      this.#queuedResponse = undefined;
      this.#requestRelayResponse(queued.params);
    }
  }

  /**
   * The operator's config is in force (`session.updated` answering the relay's own update): the
   * client sees one `session.created` that already carries it. False when nothing was held.
   */
  #releaseHeldSessionCreated(event: Json, startedAt: number): boolean {
    if (this.#initEventId === undefined) return false;
    this.#initEventId = undefined;
    this.#clock.clearTimeout(this.#initTimer);
    const held = this.#heldSessionCreated;
    this.#heldSessionCreated = undefined;
    if (held !== undefined) this.#forwardEvent('session.created', { ...held, session: event.session }, startedAt);
    return true;
  }

  /**
   * A translation session's client frame: its own protocol (`session.update`,
   * `session.input_audio_buffer.append`, `session.close`), input audio charged in seconds, the
   * operator's locked settings kept.
   */
  #handleTranslationClientFrame(frame: RelayFrame, startedAt: number): void {
    const result = parseTranslationClientEvent(frame, { maxFrameBytes: this.#settings.maxClientFrameBytes });
    if (!result.ok) {
      const code = result.error.code;
      this.#reject(code === 'VOXWIRE_FRAME_TOO_LARGE' ? 'too_large' : 'invalid', code, result.error.message, { param: result.error.path, eventId: scanEventId(frame) });
      return;
    }
    const eventId = typeof result.event.event_id === 'string' ? result.event.event_id : undefined;
    if (!result.known) {
      this.#reject('not_allowed', 'VOXWIRE_POLICY_VIOLATION', `client event type ${JSON.stringify(result.event.type)} is not part of a translation session`, { param: 'type', eventId });
      return;
    }
    const event = result.event;
    if (event.type === 'session.input_audio_buffer.append') {
      this.#chargeInputAudio(base64Bytes(event.audio));
      this.#toUpstream(frame, startedAt);
      return;
    }
    this.#markActivity();
    const locked = this.#settings.translation?.session?.audio;
    const asked = event.type === 'session.update' ? event.session.audio : undefined;
    for (const [section, field] of [['output', 'language'], ['input', 'transcription'], ['input', 'noise_reduction']] as const) {
      const fixed = (locked?.[section] as Json | undefined)?.[field];
      const wanted = (asked?.[section] as Json | undefined)?.[field];
      if (fixed !== undefined && wanted !== undefined && JSON.stringify(fixed) !== JSON.stringify(wanted)) {
        this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', `session.audio.${section}.${field} is set by this relay and cannot be changed`, { param: `session.audio.${section}.${field}`, eventId });
        return;
      }
    }
    this.#toUpstream(frame, startedAt);
  }

  /** A translation session's upstream frame: deltas pass at once (audio charged), the rest as in a conversation. */
  #handleTranslationUpstreamFrame(type: string | undefined, frame: RelayFrame, startedAt: number): void {
    if (type !== undefined && TRANSLATION_DELTAS.has(type)) {
      this.#markActivity();
      if (this.#chargesStream && type === TRANSLATION_AUDIO_DELTA) this.#chargeStreamed(OUTPUT_AUDIO_DELTA, frame);
      this.#toClient(frame, startedAt);
      return;
    }
    const result = parseTranslationServerEvent(frame);
    if (result.ok && result.known) {
      const event = result.event as Json;
      if (event.type === 'error' && this.#onUpstreamError(event)) return;
      if (event.type === 'session.created' && this.#initEventId !== undefined) {
        this.#heldSessionCreated = event;
        return;
      }
      if (event.type === 'session.updated' && this.#releaseHeldSessionCreated(event, startedAt)) return;
    }
    this.#toClient(frame, startedAt);
  }

  /** Sends an upstream event to the client after the tool filter; `original` is sent when unchanged. */
  #forwardEvent(type: string, event: Json, startedAt: number, original?: RelayFrame): void {
    const decision = this.#tools?.filter(type, event) ?? 'forward';
    if (decision === 'hide') return;
    if (decision === 'forward') {
      this.#toClient(original ?? JSON.stringify(event), startedAt);
      return;
    }
    this.#toClient(JSON.stringify(decision.rewritten), startedAt);
  }

  /** Handles an upstream `error`; returns true when it must not reach the client. */
  #onUpstreamError(event: Json): boolean {
    const error = isJson(event.error) ? event.error : {};
    if (error.code === 'session_expired') this.#upstreamExpired = true;
    if (isServerKeyError(error)) {
      this.#logger.error("relay: the upstream refused the relay's own API key or account; the client was closed with 4005 (fix the key or the quota)", { sessionId: this.id, error });
      this.#sendToClient(relayErrorFrame('VOXWIRE_UPSTREAM_ERROR', 'the relay cannot use the Realtime API right now (its own credentials or quota were refused); this is not your fault, and reconnecting will not help until the operator fixes it'));
      this.end('upstream_failed', { code: CLOSE_CODES.relayMisconfigured, message: 'relay misconfigured' });
      return true;
    }
    const about = typeof error.event_id === 'string' ? error.event_id : undefined;
    if (about === undefined || !about.startsWith(RELAY_EVENT_ID_PREFIX)) return false;
    const message = typeof error.message === 'string' ? error.message : 'unknown error';
    if (about === this.#initEventId) {
      this.#initEventId = undefined;
      this.#clock.clearTimeout(this.#initTimer);
      this.#logger.error("relay: the upstream refused the operator's session config (policy.session / serverTools)", { sessionId: this.id, error: message });
      this.#sendToClient(relayErrorFrame('VOXWIRE_UPSTREAM_ERROR', `the relay could not configure the session: ${message}`));
      this.end('policy_violation', { message: 'relay session config refused upstream' });
      return true;
    }
    if (about === this.#relayResponseEventId) this.#activeResponse = false;
    // An answer to the relay's own event (a tool output, a follow-up response): not the client's business.
    this.#logger.warn('relay: the upstream refused an event the relay sent', { sessionId: this.id, error: message });
    return true;
  }

  #onResponseDone(event: Json): void {
    const response = isJson(event.response) ? event.response : undefined;
    const usage = (isJson(response?.usage) ? response.usage : undefined) as Usage | undefined;
    let charged = 0;
    if (usage !== undefined) {
      if (this.#usageMeter !== undefined) {
        const before = this.#usageMeter.snapshot().estimatedCostUsd;
        charged = this.#usageMeter.add(usage, this.#settings.model).estimatedCostUsd - before;
      } else {
        const audioTokens = usage.output_token_details?.audio_tokens ?? 0;
        charged = audioTokens / this.#settings.outputAudioTokensPerSecond;
      }
      // The exact usage replaces the running estimate of what streamed since the last one.
      this.#addCharge(charged - this.#streamedSinceDone);
      this.#streamedSinceDone = 0;
    }
    const responseId = typeof response?.id === 'string' ? response.id : undefined;
    this.#hooks.onUsage(this, responseId, usage ?? null, charged);
  }

  #trackSessionType(session: unknown): void {
    const type = isJson(session) ? session.type : undefined;
    if (type === 'realtime' || type === 'transcription') this.#sessionType = type;
  }

  #trackInputFormat(session: unknown): void {
    const audio = isJson(session) && isJson(session.audio) ? session.audio : undefined;
    this.#inputBytesPerSecond = bytesPerSecondOf(isJson(audio?.input) ? audio.input.format : undefined, this.#inputBytesPerSecond);
    this.#outputBytesPerSecond = bytesPerSecondOf(isJson(audio?.output) ? audio.output.format : undefined, this.#outputBytesPerSecond);
  }

  #chargeInputAudio(bytes: number): void {
    const rates = this.#rates;
    if (rates === undefined) {
      if (this.#usageMeter === undefined) this.#addCharge(bytes / this.#inputBytesPerSecond);
      return;
    }
    // A 'costUsd' budget: an estimate now, replaced by the exact usage at the next response.done.
    this.#addStreamed((bytes / this.#inputBytesPerSecond) * DEFAULT_AUDIO_INPUT_TOKENS_PER_SECOND * rates.audioInput);
  }

  /**
   * Charges an upstream delta as it passes, from the length of its `delta` string alone (the
   * payload is never decoded): output audio in seconds (or their price), and for a
   * `'costUsd'` budget the text too, estimated at four characters a token.
   */
  #chargeStreamed(type: string, frame: RelayFrame): void {
    if (type === OUTPUT_AUDIO_DELTA) {
      const length = deltaLength(frame);
      const seconds = base64ByteLength(length < 0 ? frameLength(frame) : length) / this.#outputBytesPerSecond;
      const rates = this.#rates;
      this.#addStreamed(rates === undefined ? seconds : seconds * this.#settings.outputAudioTokensPerSecond * rates.audioOutput);
      return;
    }
    const rates = this.#rates;
    if (rates === undefined || !OUTPUT_TEXT_DELTAS.has(type)) return;
    const length = deltaLength(frame);
    this.#addStreamed(((length < 0 ? frameLength(frame) : length) / DEFAULT_TEXT_CHARS_PER_TOKEN) * rates.textOutput);
  }

  /**
   * A WebRTC call's audio, from what its sideband sees: input speech from the detected start
   * to end (`audio_start_ms`/`audio_end_ms`), output from when its buffer started playing to
   * when it stopped or was cleared (charged at each charge tick while it plays). Reconciled
   * with `response.done` like streamed deltas.
   */
  #chargeMediaEvent(type: string, event: Json): void {
    switch (type) {
      case 'input_audio_buffer.speech_started':
        this.#speechStartMs = typeof event.audio_start_ms === 'number' ? event.audio_start_ms : undefined;
        return;
      case 'input_audio_buffer.speech_stopped': {
        const start = this.#speechStartMs;
        this.#speechStartMs = undefined;
        if (start !== undefined && typeof event.audio_end_ms === 'number' && event.audio_end_ms > start) {
          this.#chargeInputAudio(((event.audio_end_ms - start) / 1000) * this.#inputBytesPerSecond);
        }
        return;
      }
      case 'output_audio_buffer.started':
        this.#accruePlayback();
        this.#playingSince = this.#clock.now();
        return;
      default:
        this.#accruePlayback();
        this.#playingSince = undefined;
    }
  }

  /** Charges the output audio played since the last accrual (media-track sessions). */
  #accruePlayback(): void {
    if (this.#playingSince === undefined) return;
    const now = this.#clock.now();
    const seconds = (now - this.#playingSince) / 1000;
    this.#playingSince = now;
    const rates = this.#rates;
    this.#addStreamed(rates === undefined ? seconds : seconds * this.#settings.outputAudioTokensPerSecond * rates.audioOutput);
  }

  #addStreamed(amount: number): void {
    this.#streamedSinceDone += amount;
    this.#addCharge(amount);
  }

  #chargeItemAudio(item: unknown): void {
    if (!isJson(item) || !Array.isArray(item.content)) return;
    for (const part of item.content) {
      if (isJson(part) && part.type === 'input_audio' && typeof part.audio === 'string') this.#chargeInputAudio(base64Bytes(part.audio));
    }
  }

  /** Adds to what the next charge stores; a reconciliation may be negative (the estimate was high). */
  #addCharge(amount: number): void {
    if (amount === 0 || Number.isNaN(amount)) return;
    this.#pendingCharge += amount;
    if (this.budgetLimit === undefined || this.budgetSpent < this.budgetLimit) return;
    // The local view suffices: totals only grow, so the store's total is at least this. The
    // session ends once the frame at hand is forwarded (the relay then stores the final
    // charge), not after a store round trip during which more audio would pass, nor never
    // while the store is unreachable.
    this.#exhausted = true;
  }

  /** Ends the session when a charge used up the budget (after the frame that did it went on). */
  #endIfExhausted(): void {
    if (this.#exhausted) this.end('budget_exhausted');
  }

  #reject(
    reason: FrameRejectReason,
    code: RealtimeErrorCode,
    message: string,
    details: { param?: string | undefined; eventId?: string | undefined; counted?: boolean } = {},
  ): void {
    this.#metrics.recordFrameRejected(this.id, reason);
    this.#sendToClient(relayErrorFrame(code, message, details));
    if (details.counted === false) return;
    this.#rejectedFrames += 1;
    if (this.#rejectedFrames > this.#settings.maxRejectedFrames) {
      this.end('policy_violation', { message: 'too many refused frames' });
    }
  }

  /** Sends an event the relay originates upstream (tool outputs, follow-ups, the session config). */
  #sendRelayEvent(event: ClientEventInput): boolean {
    if (this.#endedReason !== undefined) return false;
    const withId = event.event_id === undefined ? { ...event, event_id: relayEventId() } : event;
    this.#upstream.send(JSON.stringify(withId));
    return true;
  }

  /** A follow-up response for server tools: sent now, or after the active response is done. */
  #requestRelayResponse(params: ResponseCreateParams | undefined): void {
    if (this.#activeResponse) {
      this.#queuedResponse = { params };
      return;
    }
    // Counted as active from now on, so a second follow-up waits for this one's response.done.
    this.#activeResponse = true;
    this.#relayResponseEventId = relayEventId();
    const event_id = this.#relayResponseEventId;
    this.#sendRelayEvent(params === undefined ? { type: 'response.create', event_id } : { type: 'response.create', event_id, response: params });
  }

  #releaseHeldClientFrames(): void {
    const held = this.#heldClientFrames;
    this.#heldClientFrames = [];
    for (const frame of held) this.#toUpstream(frame, now());
  }

  #sendToClient(frame: string): void {
    this.#client.send(frame);
    this.#metrics.upstreamFrames += 1;
    this.#metrics.upstreamBytes += frame.length;
  }

  #toClient(upstreamFrame: RelayFrame, startedAt: number): void {
    const frame = this.#bridge?.active === true ? this.#bridge.toClient(upstreamFrame) : upstreamFrame;
    const client = this.#client;
    client.send(frame);
    const metrics = this.#metrics;
    metrics.upstreamFrames += 1;
    metrics.upstreamBytes += frameLength(frame);
    if (startedAt >= 0) metrics.observeLatency((now() - startedAt) / 1000);
    if (!this.#upstreamPaused && client.bufferedAmount > this.#settings.highWaterMarkBytes) {
      this.#upstreamPaused = true;
      this.#upstream.pause();
      this.#schedulePoll();
    }
  }

  #toUpstream(frame: RelayFrame, startedAt: number): void {
    const upstream = this.#upstream;
    upstream.send(frame);
    const metrics = this.#metrics;
    metrics.clientFrames += 1;
    metrics.clientBytes += frameLength(frame);
    if (startedAt >= 0) metrics.observeLatency((now() - startedAt) / 1000);
    if (!this.#clientPaused && upstream.bufferedAmount > this.#settings.highWaterMarkBytes) {
      this.#clientPaused = true;
      this.#client.pause();
      this.#schedulePoll();
    }
  }

  /** While a direction is paused, checks now and then whether the slow side has drained. */
  #schedulePoll(): void {
    this.#clock.clearTimeout(this.#pollTimer);
    this.#pollTimer = this.#clock.setTimeout(() => {
      if (this.#endedReason !== undefined) return;
      const low = this.#settings.lowWaterMarkBytes;
      if (this.#upstreamPaused && this.#client.bufferedAmount <= low) {
        this.#upstreamPaused = false;
        this.#upstream.resume();
      }
      if (this.#clientPaused && this.#upstream.bufferedAmount <= low) {
        this.#clientPaused = false;
        this.#client.resume();
      }
      if (this.#upstreamPaused || this.#clientPaused) this.#schedulePoll();
    }, this.#settings.backpressurePollMs);
  }
}

/** The bytes a second of an audio `format` object, or `fallback` when it is absent or unknown. */
function bytesPerSecondOf(format: unknown, fallback: number): number {
  if (!isJson(format) || typeof format.type !== 'string') return fallback;
  try {
    const info = describeAudioFormat({ type: format.type, rate: typeof format.rate === 'number' ? format.rate : undefined });
    return info.sampleRate * info.bytesPerSample;
  } catch {
    // An unknown format keeps the last known rate: budgets stay approximate, nothing breaks.
    return fallback;
  }
}

/** True when an upstream `error` is about the relay's own key, account or quota. */
function isServerKeyError(error: Json): boolean {
  if (typeof error.code === 'string' && SERVER_KEY_ERROR_CODES.has(error.code)) return true;
  if (typeof error.type === 'string' && SERVER_KEY_ERROR_TYPES.has(error.type)) return true;
  return typeof error.message === 'string' && KEY_FRAGMENT.test(error.message);
}

/** The close frame's reason text for each end reason. */
const CLOSE_MESSAGES: Record<RelayEndReason, string> = {
  client_closed: 'client closed',
  upstream_closed: 'upstream session ended',
  upstream_failed: 'upstream connection lost',
  time_limit: 'session time limit reached',
  idle: 'session idle',
  budget_exhausted: 'budget exhausted',
  policy_violation: 'policy violation',
  draining: 'relay draining, reconnect',
  ended_by_operator: 'session ended by operator',
};
