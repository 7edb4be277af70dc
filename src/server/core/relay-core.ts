/**
 * The runtime-agnostic relay: admission (origin, authentication, budget, concurrency), the
 * registry of live sessions, budget charging, cross-node control and graceful draining. An
 * adapter (the Node one in `voxwire/server/node`) owns the sockets and calls into it; a
 * Workers or Durable Objects adapter can reuse it unchanged.
 */
import { EventEmitter } from '../../base/emitter';
import { CLOSE_CODES, RealtimeError, type RealtimeErrorCode } from '../../base/errors';
import type { Usage } from '../../events/response';
import { checkModel } from '../../base/models';
import type { ToolApprovalRequest, ToolCallInfo, ToolErrorInfo, ToolResultInfo } from '../../tools/tool-events';
import { healthOf, RelayDrain, type RelayDrainOptions, type RelayDrainState, type RelayHealth } from './drain';
import type { RelayEndReason } from './end-reason';
import { randomId } from './ids';
import { requestSpeaksBeta } from './legacy-bridge';
import type { ConnectionRejectReason, RelayMetrics } from '../metrics';
import type { RelaySessionType, ResolvedSessionPolicy } from './policy';
import type { RelayConnectionInfo, RelayCoreOptions, RelayIdentity } from './relay-options';
import { resolveRelaySettings, type ResolvedRelaySettings } from './relay-settings';
import { RelaySession, type RelaySessionHooks } from './relay-session';
import type { BudgetUnit, RelayControlMessage, RelaySessionEvent } from '../stores/session-bus';
import type { RelaySocket } from './socket';
import { relayErrorFrame } from './wire-events';

/** Fields every relay event about a session carries. */
export interface RelaySessionRef<Identity extends RelayIdentity = RelayIdentity> {
  /** The session id. */
  sessionId: string;
  /** The session's user. */
  userId: string;
  /** The identity `authenticate` returned. */
  identity: Identity;
}

/** The events of a relay (local to this node; use `observe()` for every node). */
export interface RelayEvents<Identity extends RelayIdentity = RelayIdentity> {
  /** A session opened on this node. */
  sessionStarted: [event: RelaySessionRef<Identity>];
  /** A session on this node ended. */
  sessionEnded: [
    event: RelaySessionRef<Identity> & {
      /** Why it ended. */
      reason: RelayEndReason;
      /** How long it lasted, from its start to its end, in milliseconds of the relay's clock. */
      durationMs: number;
    },
  ];
  /** A final user transcript or assistant transcript/text. */
  transcript: [
    event: RelaySessionRef<Identity> & {
      /** `user` for a transcribed input, `assistant` for the model's audio transcript or text. */
      role: 'user' | 'assistant';
      /** The conversation item the text belongs to. */
      itemId: string;
      /** The final transcript or text. */
      text: string;
    },
  ];
  /** A response finished; `charged` is what it added to the user's budget, in `unit`. */
  usage: [
    event: RelaySessionRef<Identity> & {
      /** The finished response's id, when `response.done` carried one. */
      responseId: string | undefined;
      /** The response's token usage, or null when `response.done` carried none. */
      usage: Usage | null | undefined;
      /** What the response added to the user's budget, in `unit` (0 without usage). */
      charged: number;
      /** The unit the relay's budget counts in. */
      unit: BudgetUnit;
    },
  ];
  /** A server-side tool call started. */
  toolCall: [event: RelaySessionRef<Identity> & ToolCallInfo];
  /** A server-side tool call returned. */
  toolResult: [event: RelaySessionRef<Identity> & ToolResultInfo];
  /** A server-side tool call failed (the model got the error as its output). */
  toolError: [event: RelaySessionRef<Identity> & ToolErrorInfo];
  /** The relay began draining, hastened its deadline, or finished draining (see {@link RelayCore.drain}). */
  drain: [state: RelayDrainState];
  /** A server-side tool call needs approval: call `approve()` or `reject()`. Unheard, it is rejected. */
  toolApproval: [event: RelaySessionRef<Identity> & ToolApprovalRequest];
}

/** A connection the relay admitted, carried from {@link RelayCore.admit} to {@link RelayCore.open}. */
export interface RelayTicket<Identity extends RelayIdentity = RelayIdentity> {
  /** The id the session will have. */
  readonly sessionId: string;
  /** Who connects. */
  readonly identity: Identity;
  /** The session's policy. */
  readonly policy: ResolvedSessionPolicy;
  /** The session's time limit. */
  readonly maxDurationMs: number;
  /** The user's budget today, or undefined for none. */
  readonly budgetLimit: number | undefined;
  /** The user's spend today at admission. */
  readonly budgetSpent: number;
  /** Whether a concurrency slot was taken (and must be released). */
  readonly slotHeld: boolean;
  /**
   * The models the session names, with where each comes from (the upstream model, the
   * client's `?model=`, the locked transcription model): checked against OpenAI's announced
   * shutdowns when the session opens.
   * @default []
   */
  readonly models?: ReadonlyArray<readonly [model: string, path: string]>;
  /** Whether the request declared the retired beta interface (header or subprotocol). */
  readonly betaClient?: boolean;
  /**
   * The kind of session, when it is known before it opens (a WebRTC call the SDP handler opened
   * as a transcription session): the operator's initial config is then of that kind.
   * @default 'realtime' (a client may still switch with its first `session.update`)
   */
  readonly sessionType?: RelaySessionType;
}

/**
 * What {@link RelayCore.admit} decided:
 * - `rejected`: answer the HTTP request with `httpStatus` and open no socket (origin,
 *   authentication, draining, store failure);
 * - `refused`: complete the upgrade, then {@link RelayCore.refuse} sends an `error` event and
 *   closes with `closeCode` (budget 4002, concurrency 4004), so clients learn why and do not
 *   reconnect in a loop;
 * - `accepted`: connect upstream, complete the upgrade, then {@link RelayCore.open}.
 */
export type RelayAdmission<Identity extends RelayIdentity = RelayIdentity> =
  | {
      /** Refused before the upgrade: answer with an HTTP response. */
      status: 'rejected';
      /** The HTTP status to answer with (401, 403, 500, 503...). */
      httpStatus: number;
      /** The plain-text response body. */
      body: string;
      /**
       * The response headers: `content-type`, plus `www-authenticate`, `retry-after` or the
       * headers of the `Response` that `authenticate` returned, when they apply.
       */
      headers: Record<string, string>;
      /** Why, as metrics label it. */
      reason: ConnectionRejectReason;
    }
  | {
      /** Refused after the upgrade: complete it with `RelayCore.refuse`. */
      status: 'refused';
      /** The close code to close the socket with (4002 budget, 4004 concurrency). */
      closeCode: number;
      /** The code of the `error` event sent before the close. */
      errorCode: RealtimeErrorCode;
      /** The message of the `error` event sent before the close. */
      message: string;
      /** Why, as metrics label it. */
      reason: ConnectionRejectReason;
    }
  | {
      /** Admitted: connect upstream, then pass the ticket to `RelayCore.open`. */
      status: 'accepted';
      /** What the session is opened with. */
      ticket: RelayTicket<Identity>;
    };

/** Options of {@link RelayCore.endSession} and {@link RelayCore.endUserSessions}. */
export interface EndSessionOptions {
  /**
   * The close code: one of `CLOSE_CODES` (not 1006).
   * @default CLOSE_CODES.normal (1000: the client ends the session and does not reconnect)
   */
  code?: number;
  /** Why, for the close frame and logs. @default 'session ended by operator' */
  message?: string;
}

interface SessionEntry<Identity extends RelayIdentity> {
  readonly session: RelaySession<Identity>;
  readonly slotHeld: boolean;
  flushing: Promise<void> | undefined;
  flushAgain: boolean;
}

const BUDGET_KEY_TTL_MS = 48 * 60 * 60 * 1000;
const SLOT_POLL_MS = 100;
const HTTP_TEXT = { 'content-type': 'text/plain; charset=utf-8' };
const ALLOWED_END_CODES = new Set<number>(Object.values(CLOSE_CODES).filter((code) => code !== CLOSE_CODES.abnormal));

const REFUSAL_CLOSE_REASONS: Partial<Record<RealtimeErrorCode, string>> = {
  VOXWIRE_BUDGET_EXHAUSTED: 'budget exhausted',
  VOXWIRE_CONCURRENCY_LIMIT: 'concurrency limit',
  VOXWIRE_MODEL_SHUT_DOWN: 'model shut down',
};

/** The models a session names: the relay's upstream model, the client's `?model=`, the locked transcription model. */
function sessionModels(upstreamModel: string, request: Request | undefined, policy: ResolvedSessionPolicy): Array<[model: string, path: string]> {
  const models: Array<[string, string]> = [[upstreamModel, 'upstream.model']];
  let asked: string | null = null;
  try {
    if (request !== undefined) asked = new URL(request.url).searchParams.get('model');
  } catch {
    // A request URL that does not parse names no model.
  }
  if (asked !== null && asked !== upstreamModel) models.push([asked, 'model']);
  const transcription = (policy.locked?.audio?.input as { transcription?: { model?: unknown } | null } | undefined)?.transcription;
  if (typeof transcription?.model === 'string') models.push([transcription.model, 'session.audio.input.transcription.model']);
  return models;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

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
 *   upstream.onmessage = (m) => session.handleUpstreamFrame(m.data);
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
  readonly #settling = new Set<Promise<void>>();
  readonly #warnedModels = new Set<string>();
  readonly #drain: RelayDrain;
  #started = false;
  #tickTimer: unknown;
  #unsubscribeControl: (() => Promise<void>) | undefined;
  /** Budget key → what this node charged while the store was unreachable, not yet written back. */
  readonly #ledger = new Map<string, { userId: string; amount: number }>();
  /** Budget key → the store's last answer for it. */
  readonly #lastTotals = new Map<string, number>();
  #writingBack: Promise<void> | undefined;
  #storeReachable = true;
  #busReachable = true;

  constructor(options: RelayCoreOptions<Identity>) {
    super();
    this.settings = resolveRelaySettings(options);
    this.metrics = this.settings.metrics;
    this.nodeId = this.settings.nodeId;
    this.#drain = new RelayDrain({
      clock: this.settings.clock,
      openSessions: () => [...this.#entries.values()].map((entry) => entry.session),
      settle: () => Promise.allSettled([...this.#settling]).then(() => undefined),
      onState: (state) => {
        this.metrics.setDraining(state.status !== 'serving');
        this.#safeEmit('drain', state);
      },
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
    this.#scheduleTick();
    const bus = this.settings.bus;
    if (bus !== undefined) {
      this.#unsubscribeControl = await bus.subscribe(`${this.settings.busPrefix}control`, (message) => this.#onControlMessage(message));
    }
  }

  /**
   * Stops the loop and unsubscribes; waits for charges in flight. Sessions are not touched:
   * {@link drain} first. The store and bus are the caller's to close.
   */
  async stop(): Promise<void> {
    this.#started = false;
    this.settings.clock.clearTimeout(this.#tickTimer);
    const unsubscribe = this.#unsubscribeControl;
    this.#unsubscribeControl = undefined;
    await unsubscribe?.();
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
    const origins = this.settings.origins;
    if (origins === undefined || origin === null || origin === undefined) return true;
    return origins.some((allowed) => {
      if (typeof allowed === 'string') return allowed === origin;
      allowed.lastIndex = 0;
      return allowed.test(origin);
    });
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
      const key = this.#budgetKey(userId);
      try {
        const stored = await this.#storeCall(() => settings.store.charge(key, 0, BUDGET_KEY_TTL_MS));
        this.#lastTotals.set(key, stored);
        budgetSpent = stored + this.#unsynced(key);
      } catch {
        // The outage was logged once; failOpen decides new connections only.
        if (!settings.failOpen) return this.#reject('error', 503, 'budget store unavailable', { 'retry-after': '5' });
        budgetSpent = (this.#lastTotals.get(key) ?? 0) + this.#unsynced(key);
      }
      if (budgetSpent >= budgetLimit) {
        metrics.recordBudgetRejection(userId, 'connect');
        return this.#refusal('budget', CLOSE_CODES.budgetExhausted, 'VOXWIRE_BUDGET_EXHAUSTED', `the daily budget of user ${userId} is used up (${budgetSpent.toFixed(2)} of ${budgetLimit} ${settings.budgetUnit})`);
      }
    }

    const sessionId = randomId('vxs_');
    let slotHeld = false;
    if (Number.isFinite(maxSessions)) {
      try {
        slotHeld = await this.#acquireSlot(userId, sessionId, maxSessions);
      } catch {
        if (!settings.failOpen) return this.#reject('error', 503, 'budget store unavailable', { 'retry-after': '5' });
        // Held to this node's own count; the slot is registered by the first refresh that reaches the store.
        slotHeld = this.#sessionsOf(userId).length < maxSessions;
      }
      if (!slotHeld) {
        return this.#refusal('concurrency', CLOSE_CODES.policyViolation, 'VOXWIRE_CONCURRENCY_LIMIT', `user ${userId} already has ${maxSessions} open session(s), the most this relay allows; close one first`);
      }
    }
    if (this.#drain.draining) {
      if (slotHeld) void this.#releaseSlot(userId, sessionId);
      return this.#reject('draining', 503, 'relay is draining; connect to another node', { 'retry-after': '1' });
    }
    return { status: 'accepted', ticket: { sessionId, identity, policy, maxDurationMs, budgetLimit, budgetSpent, slotHeld, models, betaClient: request !== undefined && requestSpeaksBeta(request.headers) } };
  }

  /** Gives back what an accepted admission took when the connection never became a session. */
  abandon(ticket: RelayTicket<Identity>): void {
    if (ticket.slotHeld) void this.#releaseSlot(ticket.identity.userId, ticket.sessionId);
  }

  /**
   * Charges a session the relay cannot watch (a WebRTC translation call: the API offers no
   * sideband for it) its whole time limit up front: `amount` (in the budget's unit) is taken
   * only when it fits in what is left of the user's budget today; otherwise nothing is charged
   * and the answer is `'exhausted'`. When charged, the concurrency slot the admission took is
   * held for the time limit, since the relay never sees the call end. Without a daily limit
   * nothing is charged. `'unavailable'`: the store failed and `failOpen` is off.
   */
  async chargeUpfront(ticket: RelayTicket<Identity>, amount: number): Promise<'charged' | 'exhausted' | 'unavailable'> {
    const { store, failOpen } = this.settings;
    const userId = ticket.identity.userId;
    if (ticket.budgetLimit !== undefined) {
      const key = this.#budgetKey(userId);
      try {
        const total = await this.#storeCall(() => store.charge(key, amount, BUDGET_KEY_TTL_MS));
        this.#lastTotals.set(key, total);
        if (total + this.#unsynced(key) > ticket.budgetLimit + 1e-9) {
          // Given back at once: a concurrent call of the same user must not be refused for it.
          this.#lastTotals.set(key, await this.#storeCall(() => store.charge(key, -amount, BUDGET_KEY_TTL_MS)).catch(() => total - amount));
          this.metrics.recordBudgetRejection(userId, 'connect');
          return 'exhausted';
        }
      } catch {
        if (!failOpen) return 'unavailable';
        this.#addToLedger(key, userId, amount);
      }
    }
    if (ticket.slotHeld && Number.isFinite(ticket.maxDurationMs)) {
      // A lost slot lapses after slotTtlMs: the concurrency cap then errs on the user's side.
      await this.#storeCall(() => store.refreshSlots([{ userId, sessionId: ticket.sessionId }], ticket.maxDurationMs)).catch(() => undefined);
    }
    return 'charged';
  }

  /** Gives back what `chargeUpfront` took (the call could not be created) and the admission's slot. */
  refundUpfront(ticket: RelayTicket<Identity>, amount: number): void {
    this.abandon(ticket);
    if (ticket.budgetLimit === undefined) return;
    const key = this.#budgetKey(ticket.identity.userId);
    this.#track(this.#storeCall(() => this.settings.store.charge(key, -amount, BUDGET_KEY_TTL_MS)).then((total) => void this.#lastTotals.set(key, total), () => this.#addToLedger(key, ticket.identity.userId, -amount)));
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
      betaClient: ticket.betaClient === true,
      audioInFrames: options.audioInFrames ?? true,
      sessionType: ticket.sessionType ?? 'realtime',
    });
    this.#entries.set(session.id, { session, slotHeld: ticket.slotHeld, flushing: undefined, flushAgain: false });
    this.metrics.recordSessionStarted(session.id, session.userId);
    this.#safeEmit('sessionStarted', this.#ref(session));
    this.#publish({ type: 'session.started', ...this.#eventBase(session) });
    session.start();
    if (this.#drain.draining) session.end('draining');
    return session;
  }

  /**
   * Ends a session on whichever node holds it: here at once, elsewhere through the bus.
   * Resolves to true when it ran here.
   */
  async endSession(sessionId: string, options: EndSessionOptions = {}): Promise<boolean> {
    const { code, message } = this.#checkEndOptions(options);
    const entry = this.#entries.get(sessionId);
    if (entry !== undefined) {
      entry.session.end('ended_by_operator', { code, message });
      return true;
    }
    await this.#sendControl({ type: 'end', sessionId, code, message });
    return false;
  }

  /** Ends every session of a user, on every node. Resolves to the number ended here. */
  async endUserSessions(userId: string, options: EndSessionOptions = {}): Promise<number> {
    const { code, message } = this.#checkEndOptions(options);
    const ended = this.#endLocalUserSessions(userId, code, message);
    await this.#sendControl({ type: 'end', userId, code, message });
    return ended;
  }

  /**
   * Listens to the session events every node publishes on the bus (needs `bus` and, on the
   * publishing nodes, `publishSessionEvents`). Resolves to a function that stops listening.
   */
  async observe(listener: (event: RelaySessionEvent) => void): Promise<() => Promise<void>> {
    const bus = this.settings.bus;
    if (bus === undefined) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'relay.observe() needs a `bus` (a RedisSessionBus to observe every node).');
    return bus.subscribe(`${this.settings.busPrefix}events`, (message) => {
      let event: RelaySessionEvent;
      try {
        event = JSON.parse(message) as RelaySessionEvent;
      } catch {
        return;
      }
      try {
        listener(event);
      } catch (error) {
        this.settings.logger.error('relay: an observe() listener threw', { error: messageOf(error) });
      }
    });
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
      this.#publish({ type: 'transcript', ...this.#eventBase(session), role, itemId, text });
    },
    onUsage: (session, responseId, usage, charged) => {
      const unit = this.settings.budgetUnit;
      this.#safeEmit('usage', { ...this.#ref(session as RelaySession<Identity>), responseId, usage, charged, unit });
      this.#publish({ type: 'usage', ...this.#eventBase(session), responseId, usage, charged, unit });
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
    const durationMs = this.settings.clock.now() - session.startedAt;
    this.metrics.recordSessionEnded(session.id, session.userId, reason, durationMs);
    if (reason === 'budget_exhausted') this.metrics.recordBudgetRejection(session.userId, 'session');
    this.#safeEmit('sessionEnded', { ...this.#ref(session), reason, durationMs });
    this.#publish({ type: 'session.ended', ...this.#eventBase(session), reason, durationMs });
    const settle = (async () => {
      await this.#flushCharge(entry);
      await entry.flushing;
      if (entry.slotHeld) await this.#releaseSlot(session.userId, session.id);
    })();
    this.#track(settle);
    this.#drain.sessionEnded(this.#entries.size);
  }

  #flushCharge(entry: SessionEntry<Identity>): Promise<void> {
    const { session } = entry;
    if (session.budgetLimit === undefined) return Promise.resolve();
    if (entry.flushing !== undefined) {
      entry.flushAgain = true;
      return entry.flushing;
    }
    const amount = session.takePendingCharge();
    // A reconciliation can be negative (a running estimate above the exact usage).
    if (amount === 0) return Promise.resolve();
    const key = this.#budgetKey(session.userId);
    const flushing = (async () => {
      try {
        const total = await this.#storeCall(() => this.settings.store.charge(key, amount, BUDGET_KEY_TTL_MS));
        session.settleCharge(amount);
        this.#applyTotal(key, session.userId, total);
      } catch {
        // Unreachable store: the charge goes on the local ledger, written back when it returns,
        // and the user's sessions here are held to the last known total plus the ledger.
        session.settleCharge(amount);
        this.#addToLedger(key, session.userId, amount);
        this.#applyTotal(key, session.userId, undefined);
      } finally {
        entry.flushing = undefined;
        if (entry.flushAgain) {
          entry.flushAgain = false;
          void this.#flushCharge(entry);
        }
      }
    })();
    entry.flushing = flushing;
    this.#track(flushing);
    return flushing;
  }

  #scheduleTick(): void {
    this.#tickTimer = this.settings.clock.setTimeout(() => {
      if (!this.#started) return;
      this.#tick();
      this.#scheduleTick();
    }, this.settings.chargeIntervalMs);
    // The loop alone must not keep a process alive (Node timers have unref; others need not).
    (this.#tickTimer as { unref?: () => void } | undefined)?.unref?.();
  }

  #tick(): void {
    for (const entry of this.#entries.values()) void this.#flushCharge(entry);
    this.#refreshSlots();
    if (this.#ledger.size > 0 && this.#writingBack === undefined) {
      const writing = this.#writeBackLedger().finally(() => {
        this.#writingBack = undefined;
      });
      this.#writingBack = writing;
      this.#track(writing);
    }
    this.#forgetOldTotals();
  }

  /** Extends the slots of live sessions, and re-registers those a restarted store lost. */
  #refreshSlots(): void {
    const slots: Array<{ userId: string; sessionId: string }> = [];
    for (const entry of this.#entries.values()) if (entry.slotHeld) slots.push({ userId: entry.session.userId, sessionId: entry.session.id });
    if (slots.length === 0) return;
    this.#track(this.#storeCall(() => this.settings.store.refreshSlots(slots, this.settings.slotTtlMs)).then(() => undefined, () => undefined));
  }

  /** Writes what was charged during an outage back to the store, key by key. */
  async #writeBackLedger(): Promise<void> {
    for (const [key, { userId, amount }] of [...this.#ledger]) {
      this.#ledger.delete(key);
      try {
        const total = await this.#storeCall(() => this.settings.store.charge(key, amount, BUDGET_KEY_TTL_MS));
        this.#applyTotal(key, userId, total);
      } catch {
        this.#addToLedger(key, userId, amount);
        return;
      }
    }
  }

  #addToLedger(key: string, userId: string, amount: number): void {
    const line = this.#ledger.get(key);
    if (line === undefined) this.#ledger.set(key, { userId, amount });
    else line.amount += amount;
  }

  /** What this node charged to `key` that the store has not taken yet. */
  #unsynced(key: string): number {
    return this.#ledger.get(key)?.amount ?? 0;
  }

  /**
   * Records the store's total for `key` (when it answered) and gives every session of the user
   * on this node the total as this node knows it: the store's last answer plus the ledger.
   */
  #applyTotal(key: string, userId: string, stored: number | undefined): void {
    if (stored !== undefined) this.#lastTotals.set(key, stored);
    const sessions = this.#sessionsOf(userId);
    if (sessions.length === 0) return;
    let total = (this.#lastTotals.get(key) ?? 0) + this.#unsynced(key);
    if (!this.#storeReachable) total += this.#outageReserve(sessions, total - this.#unsynced(key));
    for (const session of sessions) session.applyBudgetTotal(total);
  }

  /**
   * While the store is unreachable, the user's sessions on other nodes spend too, unseen. With
   * a finite concurrency limit `m` (each session held a slot), this node keeps to its share of
   * what was left at the last known total: `k/m` of it for its `k` sessions; the rest is
   * reserved for the others, so all nodes together stay within the budget. Without a limit
   * each node may spend what was left (docs/server.md says so).
   */
  #outageReserve(sessions: readonly RelaySession<Identity>[], lastKnown: number): number {
    const first = sessions[0] as RelaySession<Identity>;
    const limit = first.budgetLimit;
    if (limit === undefined) return 0;
    let maxSessions: number;
    try {
      maxSessions = this.settings.maxSessionsPerUser(first.identity);
    } catch {
      return 0;
    }
    if (!Number.isFinite(maxSessions) || maxSessions <= sessions.length) return 0;
    return Math.max(0, limit - lastKnown) * (1 - sessions.length / maxSessions);
  }

  /** The sessions of a user on this node. */
  #sessionsOf(userId: string): RelaySession<Identity>[] {
    const found: RelaySession<Identity>[] = [];
    for (const { session } of this.#entries.values()) if (session.userId === userId && !session.ended) found.push(session);
    return found;
  }

  /** Totals of past days are of no use (budgets are per day). */
  #forgetOldTotals(): void {
    if (this.#lastTotals.size === 0) return;
    const today = this.#budgetKey('').slice('budget::'.length);
    for (const key of this.#lastTotals.keys()) if (!key.endsWith(today) && !this.#ledger.has(key)) this.#lastTotals.delete(key);
  }

  /**
   * One store operation, bounded by `storeTimeoutMs`. Notes whether the store is reachable:
   * the first failure of an outage is logged (once), and so is the first success after it.
   */
  async #storeCall<Value>(operation: () => Promise<Value>): Promise<Value> {
    const { clock, storeTimeoutMs, logger, failOpen } = this.settings;
    let timer: unknown;
    try {
      const value = await Promise.race([
        operation(),
        new Promise<never>((_, reject) => {
          timer = clock.setTimeout(() => reject(new RealtimeError('VOXWIRE_TIMEOUT', `the budget store did not answer within ${storeTimeoutMs} ms`)), storeTimeoutMs);
        }),
      ]);
      if (!this.#storeReachable) {
        this.#storeReachable = true;
        logger.warn('relay: the budget store is reachable again; what was charged during the outage is written back', { ledgerUsers: this.#ledger.size });
        // At once, not at the next tick: a store that restarted empty must not admit a
        // connect into a slot a live session holds.
        this.#refreshSlots();
      }
      return value;
    } catch (error) {
      if (this.#storeReachable) {
        this.#storeReachable = false;
        logger.error(
          `relay: the budget store is unreachable; live sessions go on, charged to a local ledger and held to their last known budget; new connections are ${failOpen ? 'admitted (failOpen)' : 'refused with 503'} until it returns`,
          { error: messageOf(error) },
        );
      }
      throw error;
    } finally {
      clock.clearTimeout(timer);
    }
  }

  async #acquireSlot(userId: string, sessionId: string, limit: number): Promise<boolean> {
    const { store, clock, concurrencyGraceMs, slotTtlMs } = this.settings;
    const deadline = clock.now() + concurrencyGraceMs;
    for (;;) {
      if (await this.#storeCall(() => store.acquireSlot(userId, sessionId, limit, slotTtlMs))) return true;
      const left = deadline - clock.now();
      if (left <= 0 || this.#drain.draining) return false;
      await new Promise<void>((resolve) => clock.setTimeout(resolve, Math.min(SLOT_POLL_MS, left)));
    }
  }

  async #releaseSlot(userId: string, sessionId: string): Promise<void> {
    try {
      await this.#storeCall(() => this.settings.store.releaseSlot(userId, sessionId));
    } catch {
      // The outage is logged once; an unreleased slot lapses after slotTtlMs.
    }
  }

  #budgetKey(userId: string): string {
    const day = new Date(this.settings.clock.now()).toISOString().slice(0, 10);
    return `budget:${userId}:${day}`;
  }

  #reject(reason: ConnectionRejectReason, httpStatus: number, body: string, headers: Record<string, string> = {}): RelayAdmission<Identity> {
    this.metrics.recordConnectionRejected(reason, httpStatus);
    return { status: 'rejected', httpStatus, body, headers: { ...HTTP_TEXT, ...headers }, reason };
  }

  #refusal(reason: ConnectionRejectReason, closeCode: number, errorCode: RealtimeErrorCode, message: string): RelayAdmission<Identity> {
    return { status: 'refused', closeCode, errorCode, message, reason };
  }

  #checkEndOptions(options: EndSessionOptions): { code: number; message: string } {
    const code = options.code ?? CLOSE_CODES.normal;
    if (!ALLOWED_END_CODES.has(code)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `endSession(): \`code\` must be one of CLOSE_CODES (${[...ALLOWED_END_CODES].join(', ')}), got ${String(code)}.`);
    }
    return { code, message: options.message ?? 'session ended by operator' };
  }

  #endLocalUserSessions(userId: string, code: number, message: string): number {
    let ended = 0;
    for (const { session } of [...this.#entries.values()]) {
      if (session.userId !== userId) continue;
      session.end('ended_by_operator', { code, message });
      ended += 1;
    }
    return ended;
  }

  async #sendControl(message: RelayControlMessage): Promise<void> {
    const bus = this.settings.bus;
    if (bus === undefined) return;
    await bus.publish(`${this.settings.busPrefix}control`, JSON.stringify(message));
  }

  #onControlMessage(text: string): void {
    let message: Partial<RelayControlMessage>;
    try {
      message = JSON.parse(text) as Partial<RelayControlMessage>;
    } catch {
      return;
    }
    if (message?.type !== 'end') return;
    const code = typeof message.code === 'number' && ALLOWED_END_CODES.has(message.code) ? message.code : CLOSE_CODES.normal;
    const reason = typeof message.message === 'string' ? message.message.slice(0, 100) : 'session ended by operator';
    if (typeof message.sessionId === 'string') this.#entries.get(message.sessionId)?.session.end('ended_by_operator', { code, message: reason });
    if (typeof message.userId === 'string') this.#endLocalUserSessions(message.userId, code, reason);
  }

  #publish(event: RelaySessionEvent): void {
    const bus = this.settings.bus;
    if (bus === undefined || !this.settings.publishSessionEvents) return;
    this.#track(
      bus.publish(`${this.settings.busPrefix}events`, JSON.stringify(event)).then(
        () => {
          if (!this.#busReachable) this.settings.logger.warn('relay: the session bus is reachable again');
          this.#busReachable = true;
        },
        (error: unknown) => {
          // Once per outage, not once per event.
          if (this.#busReachable) this.settings.logger.warn('relay: publishing session events failed; they are dropped until the bus returns', { error: messageOf(error) });
          this.#busReachable = false;
        },
      ),
    );
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
