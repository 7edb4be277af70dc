/**
 * One relayed session: a client socket, an upstream socket, and the policy point between
 * them. Runtime-agnostic: it sees only {@link RelaySocket}s and frames, so the same logic runs
 * behind the Node adapter and any other.
 *
 * Hot path (about 50 frames a second each way per session): an `input_audio_buffer.append`
 * is checked by a scan of the frame ({@link scanAudioAppend}: type, a base64 string within
 * the cap, no other fields) and forwarded as the original bytes; an output audio delta is
 * recognised from its two ends ({@link audioDeltaLength}), charged by its length and forwarded;
 * any other upstream frame whose `type` needs nothing from the relay (transcript deltas) is
 * recognised from its first bytes ({@link peekEventType}) and forwarded as is. Everything else
 * is parsed with the SDK's schemas and passes the policy. With hundreds of sessions streaming,
 * a frame's code and session are rarely in cache, so these paths are kept short: few calls,
 * few objects, no lookups they can do without (bench/README.md, "Relay").
 */
import { DEFAULT_RELAY_MAX_JSON_DEPTH } from '../../base/defaults';
import { CLOSE_CODES, messageOf, SESSION_END_REASONS, type RealtimeErrorCode, type SessionEndingReason } from '../../base/errors';
import { parseClientEvent, type ParseOptions } from '../../events/parse';
import { exceedsUtf8Bytes } from '../../events/frame';
import { checkModel } from '../../base/models';
import { closeCodeFor, type RelayEndReason } from './end-reason';
import { audioDeltaLength, peekEventType, scanAudioAppend, scanEventId } from './frame-scan';
import { nestsDeeperThan } from './json-depth';
import { LiveFrames, liveRelayErrorFrame } from './live-frames';
import { betaFieldsOf, betaRefusalMessage, LegacyBridge, parseTypedObject } from './legacy-bridge';
import type { FrameRejectReason } from '../metrics';
import { applyPolicy, initialSessionConfig, type ResolvedSessionPolicy } from './policy';
import type { RelayIdentity } from './relay-options';
import { newSessionRare, sessionParseOptions, type RelaySessionHooks, type RelaySessionInit, type SessionRare } from './relay-session-init';
import type { ResolvedRelaySettings } from './relay-settings';
import { RelayToolRunner } from './server-tools';
import { SessionCharges } from './session-charges';
import { arrival, base64Bytes, CLOSE_MESSAGES, frameLength, MAX_HELD_CLIENT_FRAMES, modelsNamedBy, now, parseRefusal, type Json } from './session-frames';
import { DeadlineQueue, SessionDeadline } from './session-deadlines';
import { SessionPipe, type SessionBuffered } from './session-pipe';
import { UpstreamFrames } from './session-upstream';
import { translationClientVerdict } from './translation-frames';
import type { RelayFrame } from './socket';
import { modelDeprecatedFrame, relayErrorFrame, sessionEndingFrame } from './wire-events';

export type { RelaySessionHooks, RelaySessionInit } from './relay-session-init';

/**
 * One relayed session. Created by the relay core once both sockets are open; the adapter
 * feeds it frames and closes ({@link RelaySession.handleClientFrame} and friends).
 */
export class RelaySession<Identity extends RelayIdentity = RelayIdentity> {
  /** The session id (`vxs_...`). */
  readonly id: string;
  /** Who the session belongs to. */
  readonly identity: Identity;
  /** When the session opened, on the relay's clock. */
  readonly startedAt: number;

  readonly #pipe: SessionPipe;
  readonly #charges: SessionCharges;
  readonly #policy: ResolvedSessionPolicy;
  readonly #settings: ResolvedRelaySettings<Identity>;
  readonly #hooks: RelaySessionHooks;
  readonly #appendAllowed: boolean;
  readonly #tools: RelayToolRunner | undefined;
  /** The GPT-Live side of the session, on a relay with `live` (live-frames.ts). */
  readonly #live: LiveFrames | undefined;
  /** Translates a beta client both ways (`policy.betaClients: 'translate'`). */
  readonly #bridge: LegacyBridge | undefined;
  /** What few sessions need (a refused frame, a warning, held frames): made when first needed. */
  #rare: SessionRare | undefined;

  #endedReason: RelayEndReason | undefined;
  /** The time and idle limits, when either is finite (armed by {@link start}, due on the relay's one timer). */
  readonly #limits: SessionDeadline | undefined;
  readonly #upstreamFrames: UpstreamFrames;
  /** Whether output audio deltas take their own path ({@link UpstreamFrames.handleAudioDelta}). */
  readonly #audioDeltas: boolean;
  /** The models the session names, checked by {@link start} (then let go). */
  #models: ReadonlyArray<readonly [model: string, path: string]> | undefined;

  constructor(init: RelaySessionInit<Identity>) {
    this.id = init.id;
    this.identity = init.identity;
    this.#policy = init.policy;
    this.#settings = init.settings;
    this.#hooks = init.hooks;
    this.#models = init.models ?? [];
    this.#appendAllowed = init.settings.allowedClientEvents.has('input_audio_buffer.append');
    this.#charges = new SessionCharges(init.settings, init.budgetLimit !== undefined && Number.isFinite(init.budgetLimit) ? init.budgetLimit : undefined, init.budgetSpent);
    this.startedAt = this.#settings.clock.now();
    this.#bridge = init.settings.betaClients === 'translate' ? new LegacyBridge(init.betaClient === true) : undefined;
    this.#pipe = new SessionPipe(init.client, init.upstream, init.settings, this.#bridge);
    if (init.settings.serverTools.length > 0 && init.settings.live === undefined) {
      this.#tools = new RelayToolRunner(
        init.settings.serverTools,
        {
          sendUpstream: (event) => this.#upstreamFrames.sendRelayEvent(event),
          requestResponse: (params) => this.#upstreamFrames.requestRelayResponse(params),
          releaseHeldClientFrames: () => this.#releaseHeldClientFrames(),
          emit: (name, event) => this.#hooks.onToolEvent(this, name, event),
        },
        this.#settings.clock,
      );
    } else {
      this.#tools = undefined;
    }
    const maxDurationMs = init.maxDurationMs;
    const idleMs = init.settings.idleTimeoutMs;
    // The relay announces its time limit ahead; an idle end is announced as it happens
    // (activity would make an early idle warning a false alarm for a relayed client).
    this.#limits =
      Number.isFinite(maxDurationMs) || Number.isFinite(idleMs)
        ? new SessionDeadline(this, init.deadlines ?? new DeadlineQueue(this.#settings.clock), Number.isFinite(maxDurationMs) ? maxDurationMs : Infinity, Number.isFinite(idleMs) ? idleMs : Infinity, init.settings.endingWarningMs)
        : undefined;
    this.#upstreamFrames = new UpstreamFrames({
      session: this,
      hooks: init.hooks,
      pipe: this.#pipe,
      limits: this.#limits,
      settings: init.settings,
      charges: this.#charges,
      tools: this.#tools,
      audioInFrames: init.audioInFrames ?? true,
      sessionType: init.sessionType ?? 'realtime',
    });
    this.#live =
      init.settings.live === undefined
        ? undefined
        : new LiveFrames({
            session: this,
            identity: init.identity,
            policy: init.policy,
            settings: init.settings,
            pipe: this.#pipe,
            charges: this.#charges,
            limits: this.#limits,
            hooks: init.hooks,
            parseOptions: () => this.#clientParseOptions(),
            reject: (reason, code, message, details) => this.#reject(reason, code, message, details),
            // A Live session seen through its sideband (audio outside the frames) is running already.
            running: init.audioInFrames === false,
          });
    this.#audioDeltas = this.#live === undefined && this.#upstreamFrames.takesAudioDeltas;
  }

  /** The session's user. */
  get userId(): string {
    return this.identity.userId;
  }

  /** The user's budget for today, or undefined for none. */
  get budgetLimit(): number | undefined {
    return this.#charges.limit;
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
  get buffered(): SessionBuffered {
    return this.#pipe.buffered;
  }

  /** The user's spend today as this session last learned it, plus what it has not charged yet. */
  get budgetSpent(): number {
    return this.#charges.spent;
  }

  /**
   * Starts the session: arms the time and idle limits and sends the operator's session
   * config upstream (the client's `session.created` waits until it is in force).
   */
  start(): void {
    this.#limits?.start();
    // Refusals were answered at admission: here the session only warns.
    for (const named of this.#models ?? []) this.#checkModels([named]);
    this.#models = undefined;
    // A Live session is configured by the client's session.start, which the relay locks.
    if (this.#live !== undefined) return;
    const initial = this.#settings.translation ? this.#settings.translation.session : initialSessionConfig(this.#policy, this.#upstreamFrames.sessionType);
    if (initial !== undefined) this.#upstreamFrames.configure(initial);
  }

  /**
   * Feeds one frame the client sent. Never throws: a throw here is a relay bug, and it costs
   * this session (closed with `upstream_failed`, logged), never the caller.
   */
  handleClientFrame(frame: RelayFrame): void {
    if (this.#endedReason !== undefined) return;
    try {
      const startedAt = arrival();
      const max = this.#settings.maxClientFrameBytes;
      if (typeof frame === 'string' ? exceedsUtf8Bytes(frame, max) : frame.byteLength > max) {
        this.#reject('too_large', 'VOXWIRE_FRAME_TOO_LARGE', `client frame of ${frameLength(frame)} bytes exceeds this relay's limit of ${max} bytes`, { eventId: scanEventId(frame) });
        return;
      }
      if (this.#live !== undefined) {
        this.#live.handleClient(frame, startedAt);
        this.#endIfExhausted();
        return;
      }
      if (this.#settings.translation) {
        const verdict = translationClientVerdict(frame, this.#settings);
        // Input audio is charged in seconds; any other known event is activity.
        if (verdict.ok && verdict.audioBytes >= 0) this.#charges.chargeInputAudio(verdict.audioBytes);
        else if (verdict.ok || verdict.activity === true) this.#limits?.touch();
        if (verdict.ok) this.#pipe.toUpstream(frame, startedAt);
        else this.#reject(verdict.reason, verdict.code, verdict.message, verdict.details);
        this.#endIfExhausted();
        return;
      }
      const audioBytes = scanAudioAppend(frame);
      if (audioBytes >= 0) {
        if (!this.#appendAllowed) {
          this.#reject('not_allowed', 'VOXWIRE_POLICY_VIOLATION', 'client event type input_audio_buffer.append is not allowed on this relay', { eventId: scanEventId(frame) });
          return;
        }
        this.#charges.chargeInputAudio(audioBytes);
        this.#pipe.toUpstream(frame, startedAt);
        this.#endIfExhausted();
        return;
      }
      this.#handleParsedClientFrame(frame, startedAt);
      // A client that declared the beta interface is warned after its first event (so the warning can name what to migrate).
      if (this.#bridge?.active === true) this.#sendBetaWarning();
      this.#endIfExhausted();
    } catch (error) {
      this.#failInternally(error);
    }
  }

  /** Feeds one frame the upstream sent. Never throws (see {@link handleClientFrame}). */
  handleUpstreamFrame(frame: RelayFrame): void {
    if (this.#endedReason !== undefined) return;
    try {
      const startedAt = arrival();
      const deltaChars = this.#audioDeltas ? audioDeltaLength(frame) : -1;
      if (deltaChars >= 0) this.#upstreamFrames.handleAudioDelta(frame, deltaChars, startedAt);
      else if (this.#live !== undefined) this.#live.handleUpstream(frame, startedAt);
      else this.#upstreamFrames.handle(frame, peekEventType(frame), startedAt);
      this.#endIfExhausted();
    } catch (error) {
      this.#failInternally(error);
    }
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
    if (code === CLOSE_CODES.normal || this.#upstreamFrames.expired || this.#live?.expired === true) {
      this.end('upstream_closed', { code: code === CLOSE_CODES.normal ? CLOSE_CODES.normal : CLOSE_CODES.goingAway, message: 'upstream session ended' });
      return;
    }
    const detail = reason === '' ? `code ${code}` : `code ${code}: ${reason}`;
    this.#pipe.sendToClient(relayErrorFrame('VOXWIRE_UPSTREAM_ERROR', `the upstream Realtime connection closed unexpectedly (${detail}); reconnect to continue`));
    this.end('upstream_failed', { message: 'upstream connection lost' });
  }

  /** Tells the client the session ends in `secondsLeft` seconds (`voxwire.session.ending`). */
  warnEnding(secondsLeft: number, reason: SessionEndingReason): void {
    if (this.#endedReason !== undefined) return;
    this.#rareState().lastWarning = reason;
    this.#pipe.sendToClient(sessionEndingFrame(secondsLeft, reason));
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
    this.#pipe.stop();
    this.#upstreamFrames.stop();
    this.#tools?.dispose();
    this.#live?.stop(reason);
    if (this.#rare !== undefined) this.#rare.heldClientFrames = undefined;
    // A client already warned for this reason knows; anyone else learns why right before the close.
    if (SESSION_END_REASONS[reason].announced && this.#rare?.lastWarning !== reason) this.#pipe.sendToClient(sessionEndingFrame(0, reason as SessionEndingReason));
    if (reason !== 'client_closed') this.#pipe.client.close(options.code ?? closeCodeFor(reason), options.message ?? CLOSE_MESSAGES[reason]);
    // Always (closing a closed socket does nothing): an upstream that is still open after an
    // internal error or a refused key must not outlive its session.
    this.#pipe.upstream.close(CLOSE_CODES.normal, 'relay session ended');
    this.#hooks.onEnded(this, reason);
  }

  /**
   * Takes the usage accrued since the last charge, for the relay to charge to the store. Until
   * {@link settleCharge} it still counts in the session's view of the budget.
   */
  takePendingCharge(): number {
    this.#live?.accrue();
    return this.#charges.take();
  }

  /**
   * A charge taken by {@link takePendingCharge} is settled: stored, or (store unreachable) on
   * the relay's local ledger; either way the total passed to {@link applyBudgetTotal} next
   * counts it.
   */
  settleCharge(amount: number): void {
    this.#charges.settle(amount);
  }

  /**
   * The user's total spend today, as the store answered a charge. Ends the session with
   * `budget_exhausted` when it reaches the budget. Returns whether it did.
   */
  applyBudgetTotal(total: number): boolean {
    this.#charges.setTotal(total);
    if (this.budgetLimit === undefined || this.#endedReason !== undefined) return false;
    if (this.budgetSpent < this.budgetLimit) return false;
    this.end('budget_exhausted');
    return true;
  }

  /**
   * OpenAI's announced shutdowns, for the models the session names: the first refused past the
   * date (the caller answers), each warned about once within 60 days (`voxwire.model.deprecated`).
   */
  #checkModels(models: Iterable<readonly [model: string, path: string]>): { message: string; path: string } | undefined {
    for (const [model, path] of models) {
      const check = checkModel(model, this.#settings.clock.now(), 'relay', path);
      if (check.action === 'refuse') return { message: check.error.message, path };
      if (check.action === 'warn' && this.#rare?.warnedModels?.has(model) !== true) {
        (this.#rareState().warnedModels ??= new Set()).add(model);
        this.#pipe.sendToClient(modelDeprecatedFrame(check.warning, check.message));
        this.#hooks.onModelWarning?.(this, check.warning, check.message);
      }
    }
    return undefined;
  }

  #handleParsedClientFrame(original: RelayFrame, startedAt: number): void {
    let frame = original;
    let result = parseClientEvent(frame, this.#clientParseOptions());
    if (!result.ok && result.error.code === 'VOXWIRE_INVALID_EVENT') {
      const beta = this.#handleBetaFrame(frame);
      if (beta === 'refused') return;
      if (beta !== undefined) {
        frame = beta;
        result = parseClientEvent(frame, this.#clientParseOptions());
      }
    }
    if (!result.ok) {
      this.#reject(...parseRefusal(result.error, frame));
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
      this.#charges.chargeInputAudio(base64Bytes(known.audio));
      this.#pipe.toUpstream(frame, startedAt);
      return;
    }
    this.#limits?.touch();
    if (known.type === 'conversation.item.create') this.#charges.chargeItemAudio(known.item);
    if (known.type === 'session.update') {
      const refusal = this.#checkModels(modelsNamedBy(known.session as Json));
      if (refusal !== undefined) {
        this.#reject('policy', 'VOXWIRE_MODEL_SHUT_DOWN', refusal.message, { param: refusal.path, eventId });
        return;
      }
    }
    // With server-side tools, the client answers only client-tool calls the relay has seen.
    const tools = this.#tools;
    const decision = applyPolicy(this.#policy, known, tools === undefined ? () => false : (callId) => !tools.isClientCall(callId), this.#upstreamFrames.sessionType);
    if (!decision.ok) {
      this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', decision.message, { param: decision.param, eventId });
      return;
    }
    // From the update on, response events are refused here; the upstream's session.updated confirms it.
    if (known.type === 'session.update' && known.session.type === 'transcription') this.#upstreamFrames.sessionType = 'transcription';
    // Always the checked view, re-serialised: the original text may hold a duplicated key whose
    // first copy the policy never saw (JSON.parse keeps the last), and an upstream may obey it.
    const outgoing = JSON.stringify(decision.event ?? known);
    if (known.type === 'conversation.item.create') tools?.noteClientCall(known.item);
    if (this.#tools?.holdingClientFrames === true) {
      // A mixed turn: the relay's tool outputs go first, so the client's follow-up sees them.
      const held = (this.#rareState().heldClientFrames ??= []);
      if (held.length >= MAX_HELD_CLIENT_FRAMES) {
        this.#reject('policy', 'VOXWIRE_POLICY_VIOLATION', 'too many events while the relay finishes its tool calls; wait for them', { eventId });
        return;
      }
      held.push(outgoing);
      return;
    }
    this.#pipe.toUpstream(outgoing, startedAt);
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

  #clientParseOptions(): ParseOptions {
    const rare = this.#rareState();
    rare.parseOptions ??= sessionParseOptions(this.#settings, this.id, rare);
    return rare.parseOptions;
  }

  /** Tells a beta client, once, that it is translated and what to migrate. */
  #sendBetaWarning(): void {
    const warning = this.#bridge?.takeWarning();
    if (warning === undefined) return;
    this.#settings.logger.warn(`relay: ${warning.message}`, { sessionId: this.id });
    this.#pipe.sendToClient(warning.frame);
  }

  /** A relay bug met while handling a frame: logged, and the session (only) is closed. */
  #failInternally(error: unknown): void {
    this.#settings.logger.error('relay: a session failed on an internal error; it was closed', { sessionId: this.id, error: messageOf(error) });
    this.end('upstream_failed', { message: 'relay error' });
  }

  #rareState(): SessionRare {
    this.#rare ??= newSessionRare();
    return this.#rare;
  }

  /** Ends the session when a charge used up the budget (after the frame that did it went on). */
  #endIfExhausted(): void {
    if (this.#charges.exhausted) this.end('budget_exhausted');
  }

  #reject(
    reason: FrameRejectReason,
    code: RealtimeErrorCode,
    message: string,
    details: { param?: string | undefined; eventId?: string | undefined; counted?: boolean } = {},
  ): void {
    this.#settings.metrics.recordFrameRejected(this.id, reason);
    this.#pipe.sendToClient(this.#live === undefined ? relayErrorFrame(code, message, details) : liveRelayErrorFrame(code, message, details));
    if (details.counted === false) return;
    const rare = this.#rareState();
    rare.rejectedFrames += 1;
    if (rare.rejectedFrames > this.#settings.maxRejectedFrames) {
      this.end('policy_violation', { message: 'too many refused frames' });
    }
  }

  #releaseHeldClientFrames(): void {
    const held = this.#rare?.heldClientFrames ?? [];
    if (this.#rare !== undefined) this.#rare.heldClientFrames = undefined;
    for (const frame of held) this.#pipe.toUpstream(frame, now());
  }
}
