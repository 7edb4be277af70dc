/**
 * The GPT-Live side of a relayed session (a relay with `live`): what the relay checks in the
 * client's frames (the first must be `session.start`, which the operator's policy locks;
 * `session.update` changes only delegation and triggers; what the policy forbids is refused
 * with a Live-shaped `error` event), what it reads from the upstream's (the session starting
 * and closing, cumulative usage, errors about its own key, server tools' calls nested in
 * `response.event`), and the seconds of session it charges. Audio appends and output deltas
 * pass on the fast path as their original bytes, as in a Realtime session.
 */
import type { Clock } from '../../base/clock';
import { CLOSE_CODES, type RealtimeErrorCode } from '../../base/errors';
import type { Logger } from '../../base/logger';
import { DEFAULT_RELAY_MAX_JSON_DEPTH } from '../../base/defaults';
import { parseLiveClientEvent, parseLiveServerEvent } from '../../events/live/parse';
import type { ParseOptions } from '../../events/parse';
import type { FrameRejectReason, RelayMetrics } from '../metrics';
import { peekEventType, scanAudioAppend, scanEventId } from './frame-scan';
import { RELAY_EVENT_ID_PREFIX, relayEventId } from './ids';
import { nestsDeeperThan } from './json-depth';
import { parseTypedObject } from './legacy-bridge';
import { LiveSeconds } from './live-charges';
import { applyLiveEvent, type LivePolicyInput } from './live-policy';
import { LiveRelayTools } from './live-tools';
import type { ResolvedSessionPolicy } from './policy';
import type { RelayEndReason } from './end-reason';
import type { RelayIdentity } from './relay-options';
import type { RelaySession } from './relay-session';
import type { RelaySessionHooks } from './relay-session-init';
import type { ResolvedRelaySettings } from './relay-settings';
import type { SessionCharges } from './session-charges';
import { isServerKeyError, MAX_HELD_CLIENT_FRAMES, parseRefusal, type Json } from './session-frames';
import type { SessionPipe } from './session-pipe';
import type { RelayFrame } from './socket';
import type { RelayErrorDetails } from './wire-events';
import type { SessionDeadline } from './session-deadlines';
import { isRecord } from '../../base/is-record';

const LIVE_APPEND = 'session.input_audio.append';

/** Upstream Live event types the relay parses; every other type is forwarded untouched. */
const INSPECTED: ReadonlySet<string> = new Set(['error', 'session.started', 'session.usage.updated', 'session.closed']);
const INSPECTED_WITH_TOOLS: ReadonlySet<string> = new Set([...INSPECTED, 'response.event']);

/**
 * Upstream Live events that show the conversation is alive (for the idle limit): speech heard
 * or said, a delegation, backend work, context accepted. Audio deltas alone are not: a model
 * may keep a stream of silence going.
 */
const LIVE_ACTIVITY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'session.started',
  'session.input_transcript.delta',
  'session.output_transcript.delta',
  'session.delegation.created',
  'response.event',
  'decision.event',
  'session.instructions.appended',
  'session.thinking.appended',
  'session.commentary.appended',
]);

/**
 * The text of an `error` event from the relay in the Live shape (`error.client_event_id` names
 * the refused event), with a voxwire code (`VOXWIRE_POLICY_VIOLATION`, ...).
 */
export function liveRelayErrorFrame(code: RealtimeErrorCode, message: string, details: RelayErrorDetails = {}): string {
  return JSON.stringify({
    type: 'error',
    event_id: relayEventId(),
    error: { type: 'invalid_request_error', code, message, param: details.param ?? null, client_event_id: details.eventId ?? null },
  });
}

/** The settings the Live side reads. */
type LiveFrameSettings = Pick<ResolvedRelaySettings<RelayIdentity>, 'live' | 'model' | 'clock' | 'logger' | 'metrics' | 'serverTools' | 'budgetUnit'>;

/** What the Live side of a session is made from. */
export interface LiveFramesInit {
  /** The session (its id, whether it ended, and how to end it). */
  session: RelaySession<RelayIdentity>;
  /** Who the session belongs to (for a locked session decided per identity). */
  identity: RelayIdentity;
  /** The relay-wide policy of this session. */
  policy: ResolvedSessionPolicy;
  /** The relay's settings (with `live` set). */
  settings: LiveFrameSettings;
  /** The session's sockets. */
  pipe: SessionPipe;
  /** The session's charges. */
  charges: SessionCharges;
  /** The time and idle limits (touched on activity), when the session has any. */
  limits: SessionDeadline | undefined;
  /** Where tool events and usage are reported. */
  hooks: RelaySessionHooks;
  /** How client frames are parsed (the session's frame cap, strictness and unknown-field warnings). */
  parseOptions(): ParseOptions;
  /** Refuses a client frame the session's way (metrics, the `error` event, the 4004 count). */
  reject(reason: FrameRejectReason, code: RealtimeErrorCode, message: string, details?: { param?: string | undefined; eventId?: string | undefined }): void;
  /**
   * The session runs already (a sideband attached to it, which sees no `session.started`): its
   * seconds accrue from now.
   * @default false
   */
  running?: boolean;
}

/** The Live protocol of one relayed session. */
export class LiveFrames {
  readonly #session: RelaySession<RelayIdentity>;
  readonly #pipe: SessionPipe;
  readonly #charges: SessionCharges;
  readonly #limits: SessionDeadline | undefined;
  readonly #hooks: RelaySessionHooks;
  readonly #reject: LiveFramesInit['reject'];
  readonly #settings: LiveFrameSettings;
  readonly #allowed: ReadonlySet<string>;
  readonly #metrics: RelayMetrics;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #seconds: LiveSeconds;
  readonly #tools: LiveRelayTools | undefined;
  readonly #inspected: ReadonlySet<string>;
  /** The policy inputs, or the reason the operator's locked session could not be decided. */
  readonly #policy: LivePolicyInput | { error: string };
  readonly #parseOptions: () => ParseOptions;
  #started = false;
  #expired = false;
  #held: string[] | undefined;

  constructor(init: LiveFramesInit) {
    this.#session = init.session;
    this.#pipe = init.pipe;
    this.#charges = init.charges;
    this.#limits = init.limits;
    this.#hooks = init.hooks;
    this.#reject = init.reject;
    this.#parseOptions = init.parseOptions;
    this.#settings = init.settings;
    const live = init.settings.live!;
    this.#allowed = live.allowedClientEvents;
    this.#metrics = init.settings.metrics;
    this.#clock = init.settings.clock;
    this.#logger = init.settings.logger;
    let policy: LivePolicyInput | { error: string };
    try {
      const locked = live.lockedSession(init.identity);
      const allowDeveloperContext = live.allowSystemMessages ?? (locked?.instructions === undefined || locked.instructions === null);
      policy = { policy: init.policy, locked, model: init.settings.model, allowDeveloperContext };
    } catch (error) {
      policy = { error: error instanceof Error ? error.message : String(error) };
    }
    this.#policy = policy;
    const model = 'locked' in policy && typeof policy.locked?.model === 'string' ? policy.locked.model : init.settings.model;
    this.#seconds = new LiveSeconds(init.settings.budgetUnit, live.prices, model);
    if (init.running === true) this.#seconds.start(this.#clock.now());
    this.#tools =
      init.settings.serverTools.length === 0
        ? undefined
        : new LiveRelayTools(
            init.settings.serverTools,
            {
              sendUpstream: (event) => this.#sendRelayEvent(event),
              emit: (name, event) => this.#hooks.onToolEvent(this.#session, name, event),
              releaseHeldClientFrames: () => this.#releaseHeld(),
            },
            this.#clock,
          );
    this.#inspected = this.#tools === undefined ? INSPECTED : INSPECTED_WITH_TOOLS;
    this.#metrics.recordLiveSessionStarted();
  }

  /** True once the upstream said the session expired (its close then ends the session normally). */
  get expired(): boolean {
    return this.#expired;
  }

  /** Charges the seconds of session since the last charge (called at each charge tick). */
  accrue(): void {
    this.#charges.charge(this.#seconds.accrue(this.#clock.now()));
  }

  /** The session ended: the last seconds are charged, server tools stop. */
  stop(reason: RelayEndReason): void {
    this.#charges.charge(this.#seconds.stop(this.#clock.now()));
    this.#tools?.dispose();
    this.#held = undefined;
    this.#metrics.recordLiveSessionEnded(reason);
  }

  /** Feeds one client frame (the session has not ended; its size was checked). */
  handleClient(frame: RelayFrame, startedAt: number): void {
    const audioBytes = scanAudioAppend(frame, LIVE_APPEND);
    if (audioBytes >= 0) {
      if (!this.#started) {
        this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', 'the first client event of a Live session must be session.start', { param: 'type', eventId: scanEventId(frame) });
        return;
      }
      if (!this.#allowed.has(LIVE_APPEND)) {
        this.#reject('not_allowed', 'VOXWIRE_POLICY_VIOLATION', `client event type ${LIVE_APPEND} is not allowed on this relay`, { param: 'type', eventId: scanEventId(frame) });
        return;
      }
      this.#toUpstream(frame, startedAt);
      return;
    }
    let result = parseLiveClientEvent(frame, this.#parseOptions());
    // The model is the relay's (locked in session.start): a client may leave it out.
    if (!result.ok && !this.#started && result.error.path === 'session.model') result = this.#parseWithModel(frame) ?? result;
    if (!result.ok) {
      this.#reject(...parseRefusal(result.error, frame));
      return;
    }
    const event = result.event as Json;
    const eventId = typeof event.event_id === 'string' ? event.event_id : undefined;
    if (nestsDeeperThan(event, DEFAULT_RELAY_MAX_JSON_DEPTH)) {
      this.#reject('invalid', 'VOXWIRE_INVALID_EVENT', `client event nests objects or arrays more than ${DEFAULT_RELAY_MAX_JSON_DEPTH} levels deep; flatten it`, { eventId });
      return;
    }
    const type = event.type as string;
    if (!result.known || !this.#allowed.has(type)) {
      this.#reject('not_allowed', 'VOXWIRE_POLICY_VIOLATION', `client event type ${JSON.stringify(type)} is not allowed on this relay`, { param: 'type', eventId });
      return;
    }
    if (!this.#started && type !== 'session.start') {
      this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', `the first client event of a Live session must be session.start, got ${type}`, { param: 'type', eventId });
      return;
    }
    if (this.#started && type === 'session.start') {
      this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', 'session.start was already sent: a Live session starts once (start a new connection for a new session)', { param: 'type', eventId });
      return;
    }
    const policy = this.#policy;
    if ('error' in policy) {
      this.#logger.error("relay: the operator's locked Live session for this identity is invalid; the session was closed", { sessionId: this.#session.id, error: policy.error });
      this.#pipe.sendToClient(liveRelayErrorFrame('VOXWIRE_UPSTREAM_ERROR', 'the relay could not configure the session (its own configuration is invalid); this is not your fault'));
      this.#session.end('policy_violation', { code: CLOSE_CODES.relayMisconfigured, message: 'relay misconfigured' });
      return;
    }
    this.#limits?.touch();
    const tools = this.#tools;
    const decision = applyLiveEvent(policy, event, tools === undefined ? () => false : (callId) => tools.isServerCall(callId));
    if (!decision.ok) {
      if (decision.invalid === true) this.#reject('invalid', 'VOXWIRE_INVALID_EVENT', decision.message, { param: decision.param, eventId });
      else this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', decision.message, { param: decision.param, eventId });
      return;
    }
    if (type === 'session.start') this.#started = true;
    if (tools !== undefined && (type === 'session.start' || type === 'session.update')) {
      const session = (decision.event ?? event).session;
      const delegation = isRecord(session) && isRecord(session.delegation) ? session.delegation : undefined;
      const declared = isRecord(delegation?.responses) ? delegation.responses.tools : undefined;
      if (Array.isArray(declared)) tools.noteDeclaredTools(declared);
    }
    // Always the checked event, re-serialised: the original text may hold a duplicated key
    // whose first copy the policy never saw (JSON.parse keeps the last).
    const outgoing = JSON.stringify(decision.event ?? event);
    if (type === 'response.create' && tools?.holdingClientFrames === true) {
      this.#held ??= [];
      if (this.#held.length >= MAX_HELD_CLIENT_FRAMES) {
        this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', 'too many events while the relay finishes its tool calls; wait for them', { eventId });
        return;
      }
      this.#held.push(outgoing);
      return;
    }
    this.#toUpstream(outgoing, startedAt);
  }

  /** Feeds one upstream frame (the session has not ended). */
  handleUpstream(frame: RelayFrame, startedAt: number): void {
    const peeked = peekEventType(frame);
    if (peeked !== undefined && !this.#inspected.has(peeked)) {
      if (LIVE_ACTIVITY_EVENT_TYPES.has(peeked)) this.#limits?.touch();
      this.#toClient(frame, startedAt);
      return;
    }
    const result = parseLiveServerEvent(frame);
    if (!result.ok) {
      // The upstream is the authority on its own protocol: pass the frame on, the client decides.
      this.#logger.debug('relay: upstream Live frame did not parse; forwarded as is', { sessionId: this.#session.id, error: result.error.message });
      this.#toClient(frame, startedAt);
      return;
    }
    const event = result.event as Json;
    const type = event.type as string;
    if (LIVE_ACTIVITY_EVENT_TYPES.has(type)) this.#limits?.touch();
    switch (type) {
      case 'error':
        if (this.#onUpstreamError(isRecord(event.error) ? event.error : {})) return;
        break;
      case 'session.started':
        this.#seconds.start(this.#clock.now());
        break;
      case 'session.usage.updated':
        this.#onUsage(isRecord(event.usage) ? event.usage : {});
        break;
      case 'session.closed':
        if (event.reason === 'expired') this.#expired = true;
        if (isRecord(event.usage)) this.#onUsage(event.usage);
        this.#charges.charge(this.#seconds.stop(this.#clock.now()));
        break;
      case 'response.event':
        if (this.#tools?.handle(event) === 'hide') return;
        break;
      default:
    }
    if (this.#session.ended) return;
    this.#toClient(frame, startedAt);
  }

  /** A `session.start` without a model, parsed with the relay's model filled in (undefined when it is not one). */
  #parseWithModel(frame: RelayFrame): ReturnType<typeof parseLiveClientEvent> | undefined {
    const event = parseTypedObject(frame);
    if (event?.type !== 'session.start' || !isRecord(event.session) || event.session.model !== undefined) return undefined;
    return parseLiveClientEvent(JSON.stringify({ ...event, session: { ...event.session, model: this.#settings.model } }), this.#parseOptions());
  }

  #onUsage(usage: Json): void {
    if (typeof usage.seconds !== 'number') return;
    const { amount, newSeconds } = this.#seconds.report(usage.seconds, this.#clock.now());
    this.#metrics.recordLiveSeconds(newSeconds);
    this.#charges.charge(amount);
    this.#hooks.onUsage(this.#session, undefined, null, amount);
  }

  /** Handles an upstream `error`; returns true when it must not reach the client. */
  #onUpstreamError(error: Json): boolean {
    if (isServerKeyError(error)) {
      this.#logger.error("relay: the Live API refused the relay's own API key or account; the client was closed with 4005 (fix the key or the quota)", { sessionId: this.#session.id, error });
      this.#pipe.sendToClient(liveRelayErrorFrame('VOXWIRE_UPSTREAM_ERROR', 'the relay cannot use the Live API right now (its own credentials or quota were refused); this is not your fault, and reconnecting will not help until the operator fixes it'));
      this.#session.end('upstream_failed', { code: CLOSE_CODES.relayMisconfigured, message: 'relay misconfigured' });
      return true;
    }
    const about = typeof error.client_event_id === 'string' ? error.client_event_id : typeof error.event_id === 'string' ? error.event_id : undefined;
    if (about === undefined || !about.startsWith(RELAY_EVENT_ID_PREFIX)) return false;
    // An answer to the relay's own event (a tool output, a follow-up response): not the client's business.
    this.#logger.warn('relay: the Live API refused an event the relay sent', { sessionId: this.#session.id, error: typeof error.message === 'string' ? error.message : 'unknown error' });
    return true;
  }

  #sendRelayEvent(event: Json): void {
    if (this.#session.ended) return;
    this.#pipe.upstream.send(JSON.stringify({ ...event, event_id: relayEventId() }));
  }

  #toUpstream(frame: RelayFrame, startedAt: number): void {
    this.#metrics.liveClientFrames += 1;
    this.#pipe.toUpstream(frame, startedAt);
  }

  #toClient(frame: RelayFrame, startedAt: number): void {
    this.#metrics.liveUpstreamFrames += 1;
    this.#pipe.toClient(frame, startedAt);
  }

  #releaseHeld(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const frame of held) this.#toUpstream(frame, -1);
  }
}
