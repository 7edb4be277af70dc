/**
 * The relay's options (shared by the runtime-agnostic core and the Node adapter) and their
 * resolution, once, into a fully-required internal form. Misconfiguration throws here, before
 * any socket opens.
 */
import { systemClock, type Clock } from '../../base/clock';
import {
  DEFAULT_AUDIO_OUTPUT_TOKENS_PER_SECOND,
  DEFAULT_PRICES,
  DEFAULT_RELAY_BACKPRESSURE_POLL_MS,
  DEFAULT_RELAY_CHARGE_INTERVAL_MS,
  DEFAULT_RELAY_CONCURRENCY_GRACE_MS,
  DEFAULT_RELAY_ENDING_WARNING_MS,
  DEFAULT_RELAY_HIGH_WATER_MARK_BYTES,
  DEFAULT_RELAY_IDLE_TIMEOUT_MS,
  DEFAULT_RELAY_LOW_WATER_MARK_BYTES,
  DEFAULT_RELAY_MAX_CLIENT_FRAME_BYTES,
  DEFAULT_RELAY_MAX_REJECTED_FRAMES,
  DEFAULT_RELAY_BETA_CLIENTS,
  DEFAULT_STRICT_CLIENT_EVENTS,
  DEFAULT_RELAY_MAX_SESSION_MS,
  DEFAULT_RELAY_MAX_SESSIONS_PER_USER,
  DEFAULT_RELAY_REDIS_PREFIX,
  DEFAULT_RELAY_SLOT_TTL_MS,
  DEFAULT_RELAY_STORE_TIMEOUT_MS,
  type ModelPrices,
} from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { CLIENT_EVENT_TYPES, normalizeSessionConfig, type ClientEventType, type SessionConfigInput } from '../../events';
import { parseTranslationClientEvent, type TranslationSessionUpdate } from '../../events/translation';
import { consoleLogger, type Logger } from '../../base/logger';
import type { AnyTool } from '../../tools/define-tool';
import type { SessionFunctionTool } from '../../tools/registry';
import type { BudgetStore } from '../stores/budget-store';
import type { BetaClientsMode } from './legacy-bridge';
import { randomId } from './ids';
import { MemoryBudgetStore } from '../stores/memory-budget-store';
import { RelayMetrics } from '../metrics';
import type { RelayLockedSession, RelaySessionType, ResolvedSessionPolicy } from './policy';
import type { BudgetUnit, SessionBus } from '../stores/session-bus';

/**
 * Who a session belongs to, as `authenticate` returns it: a `userId` (budgets and
 * concurrency are per user) and anything else the app wants to carry (plan, tenant, roles).
 */
export interface RelayIdentity {
  /** The user the session is charged to. */
  userId: string;
  [key: string]: unknown;
}

/** What the relay knows about a connection besides its HTTP request. */
export interface RelayConnectionInfo {
  /** The peer's IP address, when the runtime exposes it (behind a proxy: the proxy's). */
  remoteAddress: string | undefined;
}

/**
 * Authenticates a connection **before** the WebSocket upgrade. Return the identity to accept;
 * `null` / `undefined` to refuse with 401; a `Response` to refuse with its status and body
 * (403 for "known but not allowed"). No socket is opened for a refused request. A throw is
 * logged and refused with 500.
 */
export type RelayAuthenticate<Identity extends RelayIdentity> = (
  request: Request,
  info: RelayConnectionInfo,
) => Identity | Response | null | undefined | Promise<Identity | Response | null | undefined>;

/** A value fixed for the relay, or decided per identity (a plan's limits). */
export type PerIdentity<Value, Identity extends RelayIdentity> = Value | ((identity: Identity) => Value);

/** The operator's session policy. */
export interface RelayPolicy<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * Session fields the operator owns (instructions, tools, voice, turn detection...): sent
   * upstream when the session opens and merged over every client `session.update` (the
   * operator's fields win; nested objects merge field by field). Per-response overrides of
   * locked `instructions`, `prompt` and voice in `response.create` are replaced too. A legacy
   * (beta) shape is translated once, with a warning. Invalid fields throw at creation.
   * @default undefined (nothing locked)
   */
  session?: PerIdentity<RelayLockedSession | SessionConfigInput | undefined, Identity>;
  /**
   * Voices a client may choose (by name, or custom voice id). A `session.update` or
   * `response.create` asking for another is refused with an `error` event.
   * @default undefined (any voice)
   */
  voices?: readonly string[];
  /**
   * Cap on `max_output_tokens`: larger values and `'inf'` become the cap, and the session
   * starts with it.
   * @default undefined (no cap)
   */
  maxOutputTokens?: number;
  /**
   * Client event types a client may send; others are refused with an `error` event.
   * @default every GA client event type
   */
  allowedClientEvents?: readonly ClientEventType[];
  /**
   * Largest client frame, in bytes; a larger one is refused with an `error` event
   * (`VOXWIRE_FRAME_TOO_LARGE`). Frames over twice this size close the socket (1009).
   * @default DEFAULT_RELAY_MAX_CLIENT_FRAME_BYTES (1 MiB)
   */
  maxClientFrameBytes?: number;
  /**
   * The client's own tools: `'passthrough'` (any), `'none'`, or an allowlist of function
   * names (and MCP server labels). A declaration outside it is refused with an `error` event.
   * @default 'passthrough'
   */
  clientTools?: 'passthrough' | 'none' | readonly string[];
  /**
   * Tools the relay runs itself (made with `defineTool`): declared in the session, executed
   * on the server, answered upstream; the browser never sees their calls.
   * @default []
   */
  serverTools?: readonly AnyTool[];
  /**
   * Whether the client may add `system` messages to the conversation (they act as
   * instructions).
   * @default true, or false when `session.instructions` is locked
   */
  allowSystemMessages?: boolean;
  /**
   * Session types a client may configure with `session.update` (`session.type`): a
   * conversation (`'realtime'`) and input transcription only (`'transcription'`, budgeted by the
   * input audio appended; response fields and events are refused; the locked `audio.input` and
   * `include` apply).
   * @default ['realtime', 'transcription']
   */
  sessionTypes?: readonly RelaySessionType[];
  /**
   * Refused client frames after which the relay ends the session (close 4004). Refusals of
   * beta-shaped events (see `betaClients`) do not count.
   * @default DEFAULT_RELAY_MAX_REJECTED_FRAMES (20)
   */
  maxRejectedFrames?: number;
  /**
   * Clients that speak the retired beta interface (`OpenAI-Beta: realtime=v1`, the
   * `openai-beta.realtime-v1` subprotocol, or a flat `session.update` with `modalities`,
   * `voice`, `input_audio_format`, ...): `'refuse'` answers each beta-shaped event with an
   * `error` naming every beta field and its GA name; `'translate'` speaks beta to the client
   * and GA upstream (config and response parameters through `normalizeSessionConfig`, GA
   * server events back under their beta names) and sends it one `voxwire.warning` saying what
   * to migrate. The policy (locked fields, voices, caps, tools) applies to the translated events.
   * @default DEFAULT_RELAY_BETA_CLIENTS ('refuse')
   */
  betaClients?: BetaClientsMode;
  /**
   * Refuse client events that carry a field, enum value or item shape the SDK's schemas do not
   * know. Off, such an event is forwarded as given, with one `warn` through the relay's logger
   * per field and session; the policy applies to the fields the relay knows either way.
   * @default DEFAULT_STRICT_CLIENT_EVENTS (false)
   */
  strict?: boolean;
}

/** Session limits. */
export interface RelayLimits<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * Longest session. The client gets `voxwire.session.ending` `endingWarningMs` before, then
   * the relay closes with 4001. `Infinity` for none.
   * @default DEFAULT_RELAY_MAX_SESSION_MS (10 minutes)
   */
  maxDurationMs?: PerIdentity<number, Identity>;
  /**
   * How long before a time-limit end the client is warned.
   * @default DEFAULT_RELAY_ENDING_WARNING_MS (30 s)
   */
  endingWarningMs?: number;
  /**
   * A session without activity (speech detected, a committed buffer, text, a response, any
   * client event other than an audio append) for this long is closed with 4001. `Infinity`
   * for none.
   * @default DEFAULT_RELAY_IDLE_TIMEOUT_MS (5 minutes)
   */
  idleTimeoutMs?: number;
  /**
   * Concurrent sessions per user (across every node sharing the budget store). `Infinity`
   * for none. A connect over the cap gets an `error` event and close 4004.
   * @default DEFAULT_RELAY_MAX_SESSIONS_PER_USER (3)
   */
  maxSessionsPerUser?: PerIdentity<number, Identity>;
  /**
   * How long a connect that finds its user at the cap waits for a slot to free before it is
   * refused: a client's own reconnect often arrives before its old socket's close.
   * @default DEFAULT_RELAY_CONCURRENCY_GRACE_MS (2 s)
   */
  concurrencyGraceMs?: number;
  /**
   * Life of a concurrency slot its node stops refreshing (the node died).
   * @default DEFAULT_RELAY_SLOT_TTL_MS (30 s)
   */
  slotTtlMs?: number;
  /**
   * Bytes queued toward one side past which the relay stops reading from the other side.
   * @default DEFAULT_RELAY_HIGH_WATER_MARK_BYTES (1 MiB)
   */
  highWaterMarkBytes?: number;
  /**
   * Bytes queued below which reading resumes.
   * @default DEFAULT_RELAY_LOW_WATER_MARK_BYTES (256 KiB)
   */
  lowWaterMarkBytes?: number;
}

/** The per-user daily budget. */
export interface RelayBudget<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * Where spend and concurrency slots live. Share one Redis store between nodes.
   * @default new MemoryBudgetStore()
   */
  store?: BudgetStore;
  /**
   * What the budget counts: `'audioSeconds'` (appended input audio and output audio, measured
   * from the audio as it passes, output reconciled with `usage` in `response.done`) or
   * `'costUsd'` (a running estimate of streamed audio and text, replaced by the cost of
   * `usage` from the price table at each `response.done`).
   * @default 'audioSeconds'
   */
  unit?: BudgetUnit;
  /**
   * Budget per user per UTC day, in `unit`; `undefined` or `Infinity` for none. Checked at
   * connect (refused: error event, close 4002) and enforced mid-session (close 4002).
   * @default undefined (no budget; the store still holds concurrency slots)
   */
  dailyLimit?: PerIdentity<number | undefined, Identity>;
  /**
   * How often accrued usage is charged to the store. Sessions sharing a budget overshoot it
   * by at most one interval each.
   * @default DEFAULT_RELAY_CHARGE_INTERVAL_MS (5 s)
   */
  chargeIntervalMs?: number;
  /**
   * Prices for `'costUsd'`, by model name prefix.
   * @default DEFAULT_PRICES
   */
  prices?: Readonly<Record<string, ModelPrices>>;
  /**
   * Output audio tokens per second, to turn `usage` into audio seconds.
   * @default DEFAULT_AUDIO_OUTPUT_TOKENS_PER_SECOND (20)
   */
  outputAudioTokensPerSecond?: number;
  /**
   * What a **new** connection gets while the store is unreachable (Redis down): `false`
   * refuses it with 503 (and `retry-after`); `true` admits it, held to the user's last known
   * budget and to this node's count of the user's sessions. Live sessions are not decided
   * by it: they always go on, charged to a local ledger against the last known budget, and
   * the ledger is written back when the store returns (docs/server.md, "Store outages").
   * @default false
   */
  failOpen?: boolean;
  /**
   * How long one store operation may take before the store counts as unreachable; a connect
   * during an outage is answered within about this long.
   * @default DEFAULT_RELAY_STORE_TIMEOUT_MS (2 s)
   */
  storeTimeoutMs?: number;
}

/** Options of the runtime-agnostic relay core ({@link RelayCore}). */
export interface RelayCoreOptions<Identity extends RelayIdentity = RelayIdentity> {
  /** The upstream model (fixed per relay; also prices the `'costUsd'` budget). */
  model: string;
  /** Authenticates each connection before the upgrade; see {@link RelayAuthenticate}. */
  authenticate: RelayAuthenticate<Identity>;
  /**
   * Allowed browser origins (exact strings or patterns). A request whose `Origin` is not
   * listed is refused with 403 before authentication. Requests without `Origin` (servers,
   * native apps) are not browsers and are let through to `authenticate`.
   * @default undefined (any origin)
   */
  origins?: readonly (string | RegExp)[];
  /** Session policy. @default {} */
  policy?: RelayPolicy<Identity>;
  /**
   * Relay **translation** sessions (`/v1/realtime/translations`) instead of conversations: the
   * relay speaks the translation protocol both ways (its client events only; `policy` and
   * `allowedClientEvents` do not apply), budgets input and output audio seconds, and sends the
   * operator's `session` settings upstream before the client's `session.created`, refusing a
   * client `session.update` that changes one of them.
   * @default undefined (conversation sessions)
   */
  translation?: {
    /** Translation settings the operator owns (a fixed target language...). @default undefined */
    session?: TranslationSessionUpdate;
  };
  /** Session limits. @default {} */
  limits?: RelayLimits<Identity>;
  /** Per-user budget and the store for budgets and concurrency. @default {} */
  budget?: RelayBudget<Identity>;
  /** Metrics sink. @default a new RelayMetrics */
  metrics?: RelayMetrics;
  /** Where the relay logs. @default consoleLogger */
  logger?: Logger;
  /** Time source for limits and budgets. @default systemClock */
  clock?: Clock;
  /**
   * Cross-node pub/sub: orders to end a session reach every node, and (with
   * `publishSessionEvents`) session events reach observers on every node.
   * @default undefined (this node only)
   */
  bus?: SessionBus;
  /**
   * Publish session starts and ends, transcripts and usage on the bus for observers.
   * Transcripts are personal data: turn this on knowingly.
   * @default false
   */
  publishSessionEvents?: boolean;
  /**
   * Prefix of the bus channels (`<prefix>control`, `<prefix>events`).
   * @default DEFAULT_RELAY_REDIS_PREFIX ('voxwire:')
   */
  busPrefix?: string;
  /** This node's name in published events. @default a random id */
  nodeId?: string;
}

/**
 * The relay-wide settings, resolved once from {@link RelayCoreOptions}: defaults filled in,
 * values validated. {@link RelayCore.settings} exposes them to adapters; read them, do not
 * build them (the relay resolves its own).
 */
export interface ResolvedRelaySettings<Identity extends RelayIdentity> {
  /** The upstream model (`RelayCoreOptions.model`). */
  readonly model: string;
  /** The connection authenticator (`RelayCoreOptions.authenticate`). */
  readonly authenticate: RelayAuthenticate<Identity>;
  /** Allowed browser origins, or undefined for any (`RelayCoreOptions.origins`). */
  readonly origins: readonly (string | RegExp)[] | undefined;
  /** Time source for limits and budgets (`systemClock` unless given). */
  readonly clock: Clock;
  /** Where the relay logs (`consoleLogger` unless given). */
  readonly logger: Logger;
  /** The metrics sink (the one given, or a new {@link RelayMetrics}). */
  readonly metrics: RelayMetrics;
  /** Where spend and concurrency slots live (the one given, or a new `MemoryBudgetStore`). */
  readonly store: BudgetStore;
  /** The cross-node pub/sub, or undefined when this node runs alone. */
  readonly bus: SessionBus | undefined;
  /** Whether session starts and ends, transcripts and usage are published on the bus. */
  readonly publishSessionEvents: boolean;
  /** Prefix of the bus channels (`DEFAULT_RELAY_REDIS_PREFIX` unless given). */
  readonly busPrefix: string;
  /** This node's name in published events (a random `node_` id unless given). */
  readonly nodeId: string;
  /** Client event types a client may send (every GA client event type unless given). */
  readonly allowedClientEvents: ReadonlySet<string>;
  /** Set when the relay carries translation sessions: the operator's locked translation settings. */
  readonly translation:
    | {
        /** The operator's locked translation settings, applied before the client sees `session.created`. */
        readonly session: TranslationSessionUpdate | undefined;
      }
    | undefined;
  /** Largest client frame accepted, in bytes. */
  readonly maxClientFrameBytes: number;
  /** Refused client frames after which the relay ends the session. */
  readonly maxRejectedFrames: number;
  /** What the relay does with beta-shaped clients (`policy.betaClients`). */
  readonly betaClients: BetaClientsMode;
  /** Whether unknown client fields are refused (`policy.strict`). */
  readonly strictClientEvents: boolean;
  /** The tools the relay runs itself (`policy.serverTools`). */
  readonly serverTools: readonly AnyTool[];
  /** How long before a time-limit end the client is warned, in milliseconds. */
  readonly endingWarningMs: number;
  /** Inactivity after which a session is closed, in milliseconds (may be `Infinity`). */
  readonly idleTimeoutMs: number;
  /** How long a connect at the concurrency cap waits for a slot, in milliseconds. */
  readonly concurrencyGraceMs: number;
  /** Life of a concurrency slot its node stops refreshing, in milliseconds. */
  readonly slotTtlMs: number;
  /** Bytes queued toward one side past which the relay stops reading from the other side. */
  readonly highWaterMarkBytes: number;
  /** Bytes queued below which reading resumes (never above `highWaterMarkBytes`). */
  readonly lowWaterMarkBytes: number;
  /** How often a paused direction checks whether the slow side has drained, in milliseconds. */
  readonly backpressurePollMs: number;
  /** What the budget counts (`'audioSeconds'` unless given). */
  readonly budgetUnit: BudgetUnit;
  /** How often accrued usage is charged to the store, in milliseconds. */
  readonly chargeIntervalMs: number;
  /** Prices for the `'costUsd'` budget, by model name prefix. */
  readonly prices: Readonly<Record<string, ModelPrices>>;
  /** Output audio tokens per second, to turn `usage` into audio seconds. */
  readonly outputAudioTokensPerSecond: number;
  /** Whether new connections are admitted when the store fails, instead of refused with 503. */
  readonly failOpen: boolean;
  /** How long one store operation may take before the store counts as unreachable, in milliseconds. */
  readonly storeTimeoutMs: number;
  /**
   * Makes the server tools' declarations ready (a zod mini schema is converted on demand);
   * rejects when one cannot be declared. Policies are resolved only after it resolved.
   */
  prepareServerTools(): Promise<void>;
  /** The session policy for this identity (a locked session decided per identity is validated here). */
  resolvePolicy(identity: Identity): ResolvedSessionPolicy;
  /** The session time limit for this identity, in milliseconds (may be `Infinity`). */
  maxDurationMs(identity: Identity): number;
  /** The concurrent-session cap for this identity (may be `Infinity`). */
  maxSessionsPerUser(identity: Identity): number;
  /** This identity's daily budget in `budgetUnit`, or undefined for none. */
  dailyLimit(identity: Identity): number | undefined;
}

function invalid(message: string, path?: string): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_ARGUMENT', message, path === undefined ? {} : { path });
}

function positive(value: number | undefined, fallback: number, name: string, allowInfinity = false): number {
  const resolved = value ?? fallback;
  if (typeof resolved !== 'number' || Number.isNaN(resolved) || resolved <= 0 || (!allowInfinity && !Number.isFinite(resolved))) {
    throw invalid(`relay: \`${name}\` must be a positive number${allowInfinity ? ' (or Infinity)' : ''}, got ${String(value)}.`, name);
  }
  return resolved;
}

function perIdentity<Value, Identity extends RelayIdentity>(value: PerIdentity<Value, Identity>, identity: Identity): Value {
  return typeof value === 'function' ? (value as (identity: Identity) => Value)(identity) : value;
}

/** Validates and normalises a locked session (GA or legacy shape) into locked GA fields. */
export function resolveLockedSession(locked: RelayLockedSession | SessionConfigInput | undefined, logger: Logger): RelayLockedSession | undefined {
  if (locked === undefined) return undefined;
  if (typeof locked !== 'object' || locked === null) throw invalid(`relay: \`policy.session\` must be an object, got ${String(locked)}.`, 'policy.session');
  let normalized;
  try {
    normalized = normalizeSessionConfig({ ...(locked as SessionConfigInput), type: 'realtime' });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new RealtimeError('VOXWIRE_INVALID_SESSION_CONFIG', `relay: \`policy.session\` is not a valid session config: ${message}`, { cause, path: 'policy.session' });
  }
  if (normalized.warning !== undefined) logger.warn(normalized.warning);
  const { type: _type, model, ...fields } = normalized.session;
  if (model !== undefined) logger.warn('relay: `policy.session.model` is ignored; the model is `upstream.model`.');
  return fields;
}

function toolDeclarations(tools: readonly AnyTool[]): SessionFunctionTool[] {
  return tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters }));
}

/** Resolves the relay's options once; throws `VOXWIRE_INVALID_ARGUMENT` on a mistake. */
function resolveBetaClients(mode: BetaClientsMode | undefined): BetaClientsMode {
  if (mode === undefined) return DEFAULT_RELAY_BETA_CLIENTS;
  if (mode !== 'refuse' && mode !== 'translate') {
    throw invalid(`relay: \`policy.betaClients\` must be 'refuse' or 'translate', got ${JSON.stringify(mode)}.`, 'policy.betaClients');
  }
  return mode;
}

export function resolveRelaySettings<Identity extends RelayIdentity>(options: RelayCoreOptions<Identity>): ResolvedRelaySettings<Identity> {
  if (typeof options !== 'object' || options === null) throw invalid('relay: options must be an object.');
  if (typeof options.authenticate !== 'function') {
    throw invalid('relay: `authenticate` is required: a function (request) => identity | null that runs before the upgrade. Return { userId: "anonymous" } to accept everyone knowingly.', 'authenticate');
  }
  if (typeof options.model !== 'string' || options.model === '') throw invalid('relay: `upstream.model` must be a non-empty string.', 'upstream.model');
  const policy = options.policy ?? {};
  const limits = options.limits ?? {};
  const budget = options.budget ?? {};
  const logger = options.logger ?? consoleLogger;

  const allowedClientEvents = new Set<string>(policy.allowedClientEvents ?? CLIENT_EVENT_TYPES);
  for (const type of allowedClientEvents) {
    if (!(CLIENT_EVENT_TYPES as readonly string[]).includes(type)) {
      throw invalid(`relay: \`policy.allowedClientEvents\` lists ${JSON.stringify(type)}, which is not a GA client event (${CLIENT_EVENT_TYPES.join(', ')}).`, 'policy.allowedClientEvents');
    }
  }
  const serverTools = [...(policy.serverTools ?? [])];
  const serverToolNames = new Set<string>();
  for (const tool of serverTools) {
    if (typeof tool?.name !== 'string' || typeof tool.execute !== 'function' || typeof tool.parseArguments !== 'function') {
      throw invalid('relay: `policy.serverTools` must hold tools made with defineTool().', 'policy.serverTools');
    }
    if (serverToolNames.has(tool.name)) throw invalid(`relay: two server tools are named ${JSON.stringify(tool.name)}.`, 'policy.serverTools');
    serverToolNames.add(tool.name);
  }
  // Declarations are read once the tools are prepared: a zod mini schema is converted on demand.
  let declarations: SessionFunctionTool[] = [];
  const preparing = Promise.all(serverTools.map((tool) => tool.prepare?.())).then(() => {
    declarations = toolDeclarations(serverTools);
  });
  // Reported by prepareServerTools(); never an unhandled rejection.
  preparing.catch(() => undefined);
  const clientTools = policy.clientTools ?? 'passthrough';
  if (clientTools !== 'passthrough' && clientTools !== 'none' && !Array.isArray(clientTools)) {
    throw invalid("relay: `policy.clientTools` must be 'passthrough', 'none' or an array of tool names.", 'policy.clientTools');
  }
  const resolvedClientTools = typeof clientTools === 'string' ? clientTools : new Set<string>(clientTools);
  const voices = policy.voices === undefined ? undefined : new Set(policy.voices);
  const maxOutputTokens = policy.maxOutputTokens === undefined ? undefined : positive(policy.maxOutputTokens, 1, 'policy.maxOutputTokens');

  // A fixed locked session is validated now; one decided per identity, at each connect.
  const staticLocked = typeof policy.session === 'function' ? undefined : resolveLockedSession(policy.session, logger);
  const sessionTypes = policy.sessionTypes === undefined ? undefined : new Set<RelaySessionType>(policy.sessionTypes);
  for (const type of sessionTypes ?? []) {
    if (type !== 'realtime' && type !== 'transcription') throw invalid(`relay: \`policy.sessionTypes\` lists 'realtime' and 'transcription' only, got ${JSON.stringify(type)}.`, 'policy.sessionTypes');
  }
  const makePolicy = (locked: RelayLockedSession | undefined): ResolvedSessionPolicy => ({
    locked,
    voices,
    maxOutputTokens,
    clientTools: resolvedClientTools,
    serverToolNames,
    serverToolDeclarations: declarations,
    allowSystemMessages: policy.allowSystemMessages ?? locked?.instructions === undefined,
    sessionTypes,
  });
  let staticPolicy: ResolvedSessionPolicy | undefined;

  const highWaterMarkBytes = positive(limits.highWaterMarkBytes, DEFAULT_RELAY_HIGH_WATER_MARK_BYTES, 'limits.highWaterMarkBytes');
  const lowWaterMarkBytes = Math.min(positive(limits.lowWaterMarkBytes, Math.min(DEFAULT_RELAY_LOW_WATER_MARK_BYTES, highWaterMarkBytes / 4), 'limits.lowWaterMarkBytes'), highWaterMarkBytes);
  const unit = budget.unit ?? 'audioSeconds';
  if (unit !== 'audioSeconds' && unit !== 'costUsd') throw invalid(`relay: \`budget.unit\` must be 'audioSeconds' or 'costUsd', got ${JSON.stringify(unit)}.`, 'budget.unit');
  // Translation sessions report no token usage: their budget counts the audio itself.
  if (options.translation !== undefined && unit !== 'audioSeconds') throw invalid("relay: translation sessions are budgeted in 'audioSeconds' (they report no usage to price).", 'budget.unit');
  const translationSession = options.translation?.session;
  if (translationSession !== undefined) {
    const checked = parseTranslationClientEvent({ type: 'session.update', session: translationSession });
    if (!checked.ok) throw invalid(`relay: \`translation.session\`: ${checked.error.message}`, 'translation.session');
  }
  if (typeof limits.maxDurationMs === 'number') positive(limits.maxDurationMs, 1, 'limits.maxDurationMs', true);
  if (typeof limits.maxSessionsPerUser === 'number') positive(limits.maxSessionsPerUser, 1, 'limits.maxSessionsPerUser', true);
  const maxRejectedFrames = policy.maxRejectedFrames ?? DEFAULT_RELAY_MAX_REJECTED_FRAMES;
  if (!(maxRejectedFrames >= 0)) throw invalid('relay: `policy.maxRejectedFrames` must be a number >= 0.', 'policy.maxRejectedFrames');
  const endingWarningMs = limits.endingWarningMs ?? DEFAULT_RELAY_ENDING_WARNING_MS;
  if (!(endingWarningMs >= 0)) throw invalid('relay: `limits.endingWarningMs` must be a number >= 0.', 'limits.endingWarningMs');
  const concurrencyGraceMs = limits.concurrencyGraceMs ?? DEFAULT_RELAY_CONCURRENCY_GRACE_MS;
  if (!(concurrencyGraceMs >= 0)) throw invalid('relay: `limits.concurrencyGraceMs` must be a number >= 0.', 'limits.concurrencyGraceMs');

  return {
    model: options.model,
    authenticate: options.authenticate,
    origins: options.origins,
    clock: options.clock ?? systemClock,
    logger,
    metrics: options.metrics ?? new RelayMetrics({ logger }),
    store: budget.store ?? new MemoryBudgetStore({ clock: options.clock ?? systemClock }),
    bus: options.bus,
    publishSessionEvents: options.publishSessionEvents ?? false,
    busPrefix: options.busPrefix ?? DEFAULT_RELAY_REDIS_PREFIX,
    nodeId: options.nodeId ?? randomId('node_', 8),
    allowedClientEvents,
    translation: options.translation === undefined ? undefined : { session: translationSession },
    maxClientFrameBytes: positive(policy.maxClientFrameBytes, DEFAULT_RELAY_MAX_CLIENT_FRAME_BYTES, 'policy.maxClientFrameBytes'),
    maxRejectedFrames,
    betaClients: resolveBetaClients(policy.betaClients),
    strictClientEvents: policy.strict ?? DEFAULT_STRICT_CLIENT_EVENTS,
    serverTools,
    endingWarningMs,
    idleTimeoutMs: positive(limits.idleTimeoutMs, DEFAULT_RELAY_IDLE_TIMEOUT_MS, 'limits.idleTimeoutMs', true),
    concurrencyGraceMs,
    slotTtlMs: positive(limits.slotTtlMs, DEFAULT_RELAY_SLOT_TTL_MS, 'limits.slotTtlMs'),
    highWaterMarkBytes,
    lowWaterMarkBytes,
    backpressurePollMs: DEFAULT_RELAY_BACKPRESSURE_POLL_MS,
    budgetUnit: unit,
    chargeIntervalMs: positive(budget.chargeIntervalMs, DEFAULT_RELAY_CHARGE_INTERVAL_MS, 'budget.chargeIntervalMs'),
    prices: budget.prices ?? DEFAULT_PRICES,
    outputAudioTokensPerSecond: positive(budget.outputAudioTokensPerSecond, DEFAULT_AUDIO_OUTPUT_TOKENS_PER_SECOND, 'budget.outputAudioTokensPerSecond'),
    failOpen: budget.failOpen ?? false,
    storeTimeoutMs: positive(budget.storeTimeoutMs, DEFAULT_RELAY_STORE_TIMEOUT_MS, 'budget.storeTimeoutMs'),
    prepareServerTools: () => preparing,
    resolvePolicy: (identity) => {
      if (typeof policy.session === 'function') return makePolicy(resolveLockedSession(policy.session(identity), logger));
      staticPolicy ??= makePolicy(staticLocked);
      return staticPolicy;
    },
    maxDurationMs: (identity) => perIdentity(limits.maxDurationMs ?? DEFAULT_RELAY_MAX_SESSION_MS, identity),
    maxSessionsPerUser: (identity) => perIdentity(limits.maxSessionsPerUser ?? DEFAULT_RELAY_MAX_SESSIONS_PER_USER, identity),
    dailyLimit: (identity) => perIdentity(budget.dailyLimit, identity),
  };
}
