/**
 * The runtime-agnostic relay: admission (origin, authentication, budget, concurrency), the
 * registry of live sessions, budget charging, cross-node control and graceful draining. An
 * adapter (the Node one in `voxwire/server/node`) owns the sockets and calls into it; a
 * Workers or Durable Objects adapter can reuse it unchanged.
 */
import { EventEmitter } from '../../base/emitter';
import { CLOSE_CODES, RealtimeError, type RealtimeErrorCode, messageOf } from '../../base/errors';
import { checkModel } from '../../base/models';
import type { ToolErrorInfo, ToolResultInfo } from '../../tools/tool-events';
import { healthOf, RelayDrain, type RelayDrainOptions, type RelayDrainState, type RelayHealth } from './drain';
import type { RelayEndReason } from './end-reason';
import { randomId } from './ids';
import { requestSpeaksBeta } from './legacy-bridge';
import type { ConnectionRejectReason, RelayMetrics } from '../metrics';
import type { ResolvedSessionPolicy } from './policy';
import type { RelayConnectionInfo, RelayCoreOptions, RelayIdentity } from './relay-options';
import { resolveRelaySettings, type ResolvedRelaySettings } from './relay-settings';
import { RelaySession, type RelaySessionHooks } from './relay-session';
import { DeadlineQueue } from './session-deadlines';
import type { RelaySessionEvent } from '../stores/session-bus';
import { endOrderOf, RelayBusLink, type EndSessionOptions } from './relay-bus-link';
import type { RelaySocket } from './socket';
import { relayErrorFrame } from './wire-events';
import { RelayBudgets, type SessionEntry } from './relay-budgets';
import { UserIndex } from './user-index';
import { HTTP_TEXT, originAllowed, REFUSAL_CLOSE_REASONS, sessionModels, type RelayAdmission, type RelayTicket } from './admission';
import type { RelayEvents, RelaySessionRef } from './relay-events';

export type { RelayAdmission, RelayTicket } from './admission';
export type { RelayEvents, RelaySessionRef } from './relay-events';
export type { EndSessionOptions } from './relay-bus-link';

/**
 * The relay core. Most apps use `createRelay` from `voxwire/server/node`, which wraps it;
 * use the core directly to write an adapter for another runtime.
 *
 * @example
 * ```ts
 * const core = new RelayCore({ model: 'gpt-realtime-2.1', authenticate });
 * await core.start();
 * const admission = await core.admit(request, { remoteAddress });
 * if (admission.status === 'accepted') {
 *   const upstream = await connectUpstream();              // your runtime's WebSocket
 *   const session = core.open(admission.ticket, clientSocket, upstream);
 *   clientSocket.onmessage = (m) => session.handleClientFrame(m.data);
 *   upstream.onmessage = (m) => session.handleUpstreamFrame(m.data); // neither throws
 * }
 * ```
 */
export class RelayCore<Identity extends RelayIdentity = RelayIdentity> extends EventEmitter<RelayEvents<Identity>> {
  /** The relay's metrics. */
  readonly metrics: RelayMetrics;
  /** This node's id in published events. */
  readonly nodeId: string;
  /** The resolved settings (for adapters). */
  readonly settings: ResolvedRelaySettings<Identity>;

  readonly #entries = new Map<string, SessionEntry<Identity>>();
  /** The same entries by user: the charge tick and admission look up a user's sessions. */
  readonly #entriesByUser = new UserIndex<SessionEntry<Identity>>();
  readonly #settling = new Set<Promise<void>>();
  readonly #warnedModels = new Set<string>();
  readonly #drain: RelayDrain;
  #started = false;
  readonly #budgets: RelayBudgets<Identity>;
  readonly #bus: RelayBusLink<Identity>;
  /** The one timer every session's time and idle limits come due on. */
  readonly #deadlines: DeadlineQueue;

  constructor(options: RelayCoreOptions<Identity>) {
    super();
    this.settings = resolveRelaySettings(options);
    this.metrics = this.settings.metrics;
    this.nodeId = this.settings.nodeId;
    this.#deadlines = new DeadlineQueue(this.settings.clock);
    this.#drain = new RelayDrain({
      clock: this.settings.clock,
      openSessions: () => [...this.#entries.values()].map((entry) => entry.session),
      settle: () => Promise.allSettled([...this.#settling]).then(() => undefined),
      onState: (state) => {
        this.metrics.setDraining(state.status !== 'serving');
        this.#safeEmit('drain', state);
      },
    });
    this.#bus = new RelayBusLink(this.settings, (promise) => this.#track(promise));
    this.#budgets = new RelayBudgets(this.settings, {
      entries: () => this.#entries.values(),
      entriesOf: (userId) => this.#entriesByUser.of(userId),
      track: (promise) => this.#track(promise),
      draining: () => this.#drain.draining,
    });
  }

  /** True once {@link drain} has begun: new connections are refused with 503. */
  get draining(): boolean {
    return this.#drain.draining;
  }

  /** Where the relay is in its drain: serving, draining (with the deadline), or drained. */
  get drainState(): RelayDrainState {
    return this.#drain.state;
  }

  /**
   * What a load balancer's health check should get: 200 `ok` while serving, 503 `draining`
   * (with `retry-after`) once a drain has begun, so the balancer sends new sessions elsewhere.
   */
  health(): RelayHealth {
    return healthOf(this.#drain.state);
  }

  /** {@link health} as a Web-standard handler: mount it on the path your balancer checks. */
  readonly healthHandler = (_request?: Request): Response => {
    const { status, body, headers } = this.health();
    return new Response(body, { status, headers });
  };

  /** Sessions open on this node. */
  get sessionCount(): number {
    return this.#entries.size;
  }

  /** The sessions open on this node. */
  sessions(): RelaySession<Identity>[] {
    return [...this.#entries.values()].map((entry) => entry.session);
  }

  /** The session with this id, when it runs on this node. */
  getSession(sessionId: string): RelaySession<Identity> | undefined {
    return this.#entries.get(sessionId)?.session;
  }

  /** Starts the charge/refresh loop and subscribes to cross-node orders. Idempotent. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#budgets.startTicking();
    await this.#bus.listen(({ sessionId, userId, code, message }) => {
      if (sessionId !== undefined) this.#entries.get(sessionId)?.session.end('ended_by_operator', { code, message });
      if (userId !== undefined) this.#endLocalUserSessions(userId, code, message);
    });
  }

  /**
   * Stops the loop and unsubscribes; waits for charges in flight. Sessions are not touched:
   * {@link drain} first. The store and bus are the caller's to close.
   */
  async stop(): Promise<void> {
    this.#started = false;
    this.#budgets.stopTicking();
    await this.#bus.stop();
    await Promise.allSettled([...this.#settling]);
  }

  /**
   * Resolves once the relay can serve: its server tools' declarations are ready (a zod mini
   * schema is converted on demand). Rejects with the error of a tool that cannot be declared.
   */
  ready(): Promise<void> {
    return this.settings.prepareServerTools();
  }

  /** True when a request with this `Origin` header may connect. */
  checkOrigin(origin: string | null | undefined): boolean {
    return originAllowed(this.settings.origins, origin);
  }

  /**
   * Decides whether a connection may open: draining, origin, `authenticate`, the user's
   * budget, then a concurrency slot (waiting up to `concurrencyGraceMs` for one). Runs before
   * the upgrade.
   */
  async admit(request: Request, info: RelayConnectionInfo): Promise<RelayAdmission<Identity>> {
    const { settings } = this;
    if (this.#drain.draining) return this.#reject('draining', 503, 'relay is draining; connect to another node', { 'retry-after': '1' });
    if (!this.checkOrigin(request.headers.get('origin'))) return this.#reject('origin', 403, 'origin not allowed');

    let outcome: Identity | Response | null | undefined;
    try {
      outcome = await settings.authenticate(request, info);
    } catch (error) {
      settings.logger.error('relay: authenticate() threw; the connection was refused with 500', { error: messageOf(error) });
      return this.#reject('error', 500, 'authentication error');
    }
    if (outcome instanceof Response) {
      const headers: Record<string, string> = {};
      outcome.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = await outcome.text().catch(() => '');
      return this.#reject('authentication', outcome.status >= 400 ? outcome.status : 403, body || 'forbidden', headers);
    }
    if (outcome === null || outcome === undefined || (outcome as unknown) === false) {
      return this.#reject('authentication', 401, 'authentication required', { 'www-authenticate': 'Bearer' });
    }
    return this.admitIdentity(outcome, request);
  }

  /**
   * Admission of a user the server identified itself (a phone call from a verified webhook):
   * the same draining, budget, concurrency and model checks as {@link admit}, without an HTTP
   * request to authenticate. `request`, when given, is read for `?model=` and beta headers.
   */
  async admitIdentity(identity: Identity, request?: Request): Promise<RelayAdmission<Identity>> {
    const { settings, metrics } = this;
    if (typeof identity !== 'object' || identity === null || typeof identity.userId !== 'string' || identity.userId === '') {
      settings.logger.error('relay: authenticate() must return an object with a non-empty string `userId`', { got: typeof identity });
      return this.#reject('error', 500, 'authentication error');
    }
    if (this.#drain.draining) return this.#reject('draining', 503, 'relay is draining; connect to another node', { 'retry-after': '1' });

    try {
      await settings.prepareServerTools();
    } catch (error) {
      settings.logger.error('relay: a server tool cannot be declared; connections are refused', { error: messageOf(error) });
      return this.#reject('error', 500, 'relay configuration error');
    }
    let policy: ResolvedSessionPolicy;
    let maxDurationMs: number;
    let maxSessions: number;
    let budgetLimit: number | undefined;
    try {
      policy = settings.resolvePolicy(identity);
      maxDurationMs = settings.maxDurationMs(identity);
      maxSessions = settings.maxSessionsPerUser(identity);
      budgetLimit = settings.dailyLimit(identity);
    } catch (error) {
      settings.logger.error('relay: resolving the policy or limits for this identity failed', { userId: identity.userId, error: messageOf(error) });
      return this.#reject('error', 500, 'relay configuration error');
    }
    if (budgetLimit !== undefined && !Number.isFinite(budgetLimit)) budgetLimit = undefined;
    const userId = identity.userId;
    const models = sessionModels(settings.model, request, policy);
    for (const [model, path] of models) {
      const check = checkModel(model, settings.clock.now(), 'relay', path);
      if (check.action === 'refuse') {
        settings.logger.warn(`relay: refused a session: ${check.error.message}`, { userId, model });
        return this.#refusal('model', CLOSE_CODES.policyViolation, 'VOXWIRE_MODEL_SHUT_DOWN', check.error.message);
      }
    }

    let budgetSpent = 0;
    if (budgetLimit !== undefined) {
      const spent = await this.#budgets.spentToday(userId);
      if (spent === undefined) return this.#reject('error', 503, 'budget store unavailable', { 'retry-after': '5' });
      budgetSpent = spent;
      if (budgetSpent >= budgetLimit) {
        metrics.recordBudgetRejection(userId, 'connect');
        return this.#refusal('budget', CLOSE_CODES.budgetExhausted, 'VOXWIRE_BUDGET_EXHAUSTED', `the daily budget of user ${userId} is used up (${budgetSpent.toFixed(2)} of ${budgetLimit} ${settings.budgetUnit})`);
      }
    }

    const sessionId = randomId('vxs_');
    let slotHeld = false;
    if (Number.isFinite(maxSessions)) {
      try {
        slotHeld = await this.#budgets.acquireSlot(userId, sessionId, maxSessions);
      } catch {
        if (!settings.failOpen) return this.#reject('error', 503, 'budget store unavailable', { 'retry-after': '5' });
        // Held to this node's own count; the slot is registered by the first refresh that reaches the store.
        slotHeld = this.#budgets.sessionsOf(userId).length < maxSessions;
      }
      if (!slotHeld) {
        return this.#refusal('concurrency', CLOSE_CODES.policyViolation, 'VOXWIRE_CONCURRENCY_LIMIT', `user ${userId} already has ${maxSessions} open session(s), the most this relay allows; close one first`);
      }
    }
    if (this.#drain.draining) {
      if (slotHeld) void this.#budgets.releaseSlot(userId, sessionId);
      return this.#reject('draining', 503, 'relay is draining; connect to another node', { 'retry-after': '1' });
    }
    return { status: 'accepted', ticket: { sessionId, identity, policy, maxDurationMs, budgetLimit, budgetSpent, slotHeld, models, betaClient: request !== undefined && requestSpeaksBeta(request.headers) } };
  }

  /** Gives back what an accepted admission took when the connection never became a session. */
  abandon(ticket: RelayTicket<Identity>): void {
    if (ticket.slotHeld) void this.#budgets.releaseSlot(ticket.identity.userId, ticket.sessionId);
  }

  /**
   * Charges a session the relay cannot watch (a WebRTC translation call: the API offers no
   * sideband for it) its whole time limit up front: `amount` (in the budget's unit) is taken
   * only when it fits in what is left of the user's budget today; otherwise nothing is charged
   * and the answer is `'exhausted'`. When charged, the concurrency slot the admission took is
   * held for the time limit, since the relay never sees the call end. Without a daily limit
   * nothing is charged. `'unavailable'`: the store failed and `failOpen` is off.
   */
  chargeUpfront(ticket: RelayTicket<Identity>, amount: number): Promise<'charged' | 'exhausted' | 'unavailable'> {
    return this.#budgets.chargeUpfront({ ...ticket, userId: ticket.identity.userId }, amount);
  }

  /** Gives back what `chargeUpfront` took (the call could not be created) and the admission's slot. */
  refundUpfront(ticket: RelayTicket<Identity>, amount: number): void {
    this.abandon(ticket);
    if (ticket.budgetLimit === undefined) return;
    this.#budgets.refund(ticket.identity.userId, amount);
  }

  /**
   * Completes a `refused` admission on an upgraded socket: an `error` event saying why, then
   * the close code (4002 or 4004).
   */
  refuse(admission: Extract<RelayAdmission<Identity>, { status: 'refused' }>, client: RelaySocket): void {
    // 101: the upgrade completed; the refusal is the close code.
    this.metrics.recordConnectionRejected(admission.reason, 101);
    client.send(relayErrorFrame(admission.errorCode, admission.message));
    client.close(admission.closeCode, REFUSAL_CLOSE_REASONS[admission.errorCode] ?? 'concurrency limit');
  }

  /**
   * Opens a session on two open sockets. Feed it frames and closes afterwards. If the relay
   * started draining meanwhile, the session is warned and ended like the others.
   * `options.audioInFrames: false` says the audio flows outside the frames (a WebRTC call
   * seen through its sideband): budgets are then charged from the speech and playback events.
   */
  open(ticket: RelayTicket<Identity>, client: RelaySocket, upstream: RelaySocket, options: { audioInFrames?: boolean } = {}): RelaySession<Identity> {
    const session = new RelaySession<Identity>({
      id: ticket.sessionId,
      identity: ticket.identity,
      client,
      upstream,
      policy: ticket.policy,
      settings: this.settings,
      maxDurationMs: ticket.maxDurationMs,
      budgetLimit: ticket.budgetLimit,
      budgetSpent: ticket.budgetSpent,
      models: ticket.models ?? [],
      hooks: this.#hooks,
      deadlines: this.#deadlines,
      betaClient: ticket.betaClient === true,
      audioInFrames: options.audioInFrames ?? true,
      sessionType: ticket.sessionType ?? 'realtime',
    });
    const entry: SessionEntry<Identity> = { session, slotHeld: ticket.slotHeld, flushing: undefined, flushAgain: false };
    this.#entries.set(session.id, entry);
    this.#entriesByUser.add(session.userId, entry);
    this.metrics.recordSessionStarted(session.id, session.userId);
    this.#safeEmit('sessionStarted', this.#ref(session));
    this.#bus.publish({ type: 'session.started', ...this.#eventBase(session) });
    session.start();
    if (this.#drain.draining) session.end('draining');
    return session;
  }

  /**
   * Ends a session on whichever node holds it: here at once, elsewhere through the bus.
   * Resolves to true when it ran here.
   */
  async endSession(sessionId: string, options: EndSessionOptions = {}): Promise<boolean> {
    const { code, message } = endOrderOf(options);
    const entry = this.#entries.get(sessionId);
    if (entry !== undefined) {
      entry.session.end('ended_by_operator', { code, message });
      return true;
    }
    await this.#bus.sendControl({ type: 'end', sessionId, code, message });
    return false;
  }

  /** Ends every session of a user, on every node. Resolves to the number ended here. */
  async endUserSessions(userId: string, options: EndSessionOptions = {}): Promise<number> {
    const { code, message } = endOrderOf(options);
    const ended = this.#endLocalUserSessions(userId, code, message);
    await this.#bus.sendControl({ type: 'end', userId, code, message });
    return ended;
  }

  /**
   * Listens to the session events every node publishes on the bus (needs `bus` and, on the
   * publishing nodes, `publishSessionEvents`). Resolves to a function that stops listening.
   */
  observe(listener: (event: RelaySessionEvent) => void): Promise<() => Promise<void>> {
    return this.#bus.observe(listener);
  }

  /**
   * Graceful drain: new connections get 503 (and {@link health} 503), every client gets
   * `voxwire.session.ending` with the seconds left, sessions may finish for up to `drainMs`,
   * then the rest are closed with 4000 (clients back off and reconnect to another node).
   * Resolves when all have ended and their final charges are stored. Calling it again only
   * hastens it: an earlier deadline warns again and closes sooner, a later one changes nothing.
   */
  drain(options: RelayDrainOptions = {}): Promise<void> {
    const drainMs = options.drainMs ?? this.settings.drainMs;
    if (!(drainMs >= 0)) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `relay.drain(): \`drainMs\` must be a number >= 0, got ${String(drainMs)}.`, { path: 'drainMs' });
    return this.#drain.begin(drainMs);
  }

  readonly #hooks: RelaySessionHooks = {
    onEnded: (session, reason) => this.#onSessionEnded(session as RelaySession<Identity>, reason),
    onModelWarning: (session, warning, message) => {
      // Every client is told (voxwire.model.deprecated); the operator's log hears it once per model.
      if (this.#warnedModels.has(warning.model)) return;
      this.#warnedModels.add(warning.model);
      this.settings.logger.warn(`relay: ${message}`, { sessionId: session.id, model: warning.model, shutdownDate: warning.shutdownDate });
    },
    onTranscript: (session, role, itemId, text) => {
      this.#safeEmit('transcript', { ...this.#ref(session as RelaySession<Identity>), role, itemId, text });
      this.#bus.publish({ type: 'transcript', ...this.#eventBase(session), role, itemId, text });
    },
    onUsage: (session, responseId, usage, charged) => {
      const unit = this.settings.budgetUnit;
      this.#safeEmit('usage', { ...this.#ref(session as RelaySession<Identity>), responseId, usage, charged, unit });
      this.#bus.publish({ type: 'usage', ...this.#eventBase(session), responseId, usage, charged, unit });
    },
    onToolEvent: (session, name, event) => {
      const ref = this.#ref(session as RelaySession<Identity>);
      if (name === 'toolResult' || name === 'toolError') {
        const { durationMs } = event as ToolResultInfo | ToolErrorInfo;
        this.metrics.recordToolCall(session.id, (event as ToolResultInfo).name, name === 'toolResult' ? 'ok' : 'error', durationMs);
      }
      if (name === 'toolApproval' && this.listenerCount('toolApproval') === 0) return false;
      if (name === 'toolOutputs') return true;
      // The tool events share their names with the relay's events.
      return (this.emit as (name: string, event: unknown) => boolean)(name, { ...ref, ...event });
    },
  };

  /** Emits to the app's listeners; one that throws is logged and never breaks a session. */
  #safeEmit<Name extends keyof RelayEvents<Identity>>(name: Name, ...args: RelayEvents<Identity>[Name]): void {
    try {
      (this.emit as (name: string, ...args: unknown[]) => boolean)(name, ...args);
    } catch (error) {
      this.settings.logger.error(`relay: a ${String(name)} listener threw`, { error: messageOf(error) });
    }
  }

  #onSessionEnded(session: RelaySession<Identity>, reason: RelayEndReason): void {
    const entry = this.#entries.get(session.id);
    if (entry === undefined) return;
    this.#entries.delete(session.id);
    this.#entriesByUser.delete(session.userId, entry);
    const durationMs = this.settings.clock.now() - session.startedAt;
    this.metrics.recordSessionEnded(session.id, session.userId, reason, durationMs);
    if (reason === 'budget_exhausted') this.metrics.recordBudgetRejection(session.userId, 'session');
    this.#safeEmit('sessionEnded', { ...this.#ref(session), reason, durationMs });
    this.#bus.publish({ type: 'session.ended', ...this.#eventBase(session), reason, durationMs });
    const settle = (async () => {
      await this.#budgets.flush(entry);
      await entry.flushing;
      if (entry.slotHeld) await this.#budgets.releaseSlot(session.userId, session.id);
    })();
    this.#track(settle);
    this.#drain.sessionEnded(this.#entries.size);
  }

  #reject(reason: ConnectionRejectReason, httpStatus: number, body: string, headers: Record<string, string> = {}): RelayAdmission<Identity> {
    this.metrics.recordConnectionRejected(reason, httpStatus);
    return { status: 'rejected', httpStatus, body, headers: { ...HTTP_TEXT, ...headers }, reason };
  }

  #refusal(reason: ConnectionRejectReason, closeCode: number, errorCode: RealtimeErrorCode, message: string): RelayAdmission<Identity> {
    return { status: 'refused', closeCode, errorCode, message, reason };
  }

  #endLocalUserSessions(userId: string, code: number, message: string): number {
    let ended = 0;
    for (const { session } of this.#entriesByUser.of(userId)) {
      session.end('ended_by_operator', { code, message });
      ended += 1;
    }
    return ended;
  }

  #eventBase(session: { readonly id: string; readonly userId: string }): { sessionId: string; userId: string; nodeId: string; at: number } {
    return { sessionId: session.id, userId: session.userId, nodeId: this.nodeId, at: Date.now() };
  }

  #ref(session: RelaySession<Identity>): RelaySessionRef<Identity> {
    return { sessionId: session.id, userId: session.userId, identity: session.identity };
  }

  #track(promise: Promise<void>): void {
    this.#settling.add(promise);
    void promise.finally(() => this.#settling.delete(promise));
  }
}
