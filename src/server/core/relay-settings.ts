/**
 * The relay's options resolved once into a fully-required internal form: defaults filled in,
 * values validated. Misconfiguration throws here, before any socket opens.
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
  DEFAULT_RELAY_DRAIN_MS,
  type ModelPrices,
} from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { CLIENT_EVENT_TYPES, type ClientEventType } from '../../events/client-events';
import { normalizeSessionConfig } from '../../events/legacy-session';
import type { SessionConfigInput } from '../../events/session-input';
import { parseTranslationClientEvent } from '../../events/translation-parse';
import type { TranslationSessionUpdate } from '../../events/translation';
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

import type { PerIdentity, RelayAuthenticate, RelayCoreOptions, RelayIdentity } from './relay-options';
import { resolveLiveSettings, type ResolvedLiveSettings } from './live-settings';

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
  /** How long a drain lets live sessions finish before closing them with 4000, in milliseconds. */
  readonly drainMs: number;
  /** Client event types a client may send (every GA client event type unless given). */
  readonly allowedClientEvents: ReadonlySet<string>;
  /** Set when the relay carries translation sessions: the operator's locked translation settings. */
  readonly translation:
    | {
        /** The operator's locked translation settings, applied before the client sees `session.created`. */
        readonly session: TranslationSessionUpdate | undefined;
      }
    | undefined;
  /** Set when the relay carries GPT-Live sessions (`RelayCoreOptions.live`). */
  readonly live: ResolvedLiveSettings<Identity> | undefined;
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
  if (options.live !== undefined && options.translation !== undefined) throw invalid('relay: `live` and `translation` exclude each other (one relay speaks one API).', 'live');
  const live = options.live === undefined ? undefined : resolveLiveSettings(options.live, options.model, policy.allowSystemMessages);
  if (typeof limits.maxDurationMs === 'number') positive(limits.maxDurationMs, 1, 'limits.maxDurationMs', true);
  if (typeof limits.maxSessionsPerUser === 'number') positive(limits.maxSessionsPerUser, 1, 'limits.maxSessionsPerUser', true);
  const maxRejectedFrames = policy.maxRejectedFrames ?? DEFAULT_RELAY_MAX_REJECTED_FRAMES;
  if (!(maxRejectedFrames >= 0)) throw invalid('relay: `policy.maxRejectedFrames` must be a number >= 0.', 'policy.maxRejectedFrames');
  const endingWarningMs = limits.endingWarningMs ?? DEFAULT_RELAY_ENDING_WARNING_MS;
  if (!(endingWarningMs >= 0)) throw invalid('relay: `limits.endingWarningMs` must be a number >= 0.', 'limits.endingWarningMs');
  const drainMs = options.drainMs ?? DEFAULT_RELAY_DRAIN_MS;
  if (!(drainMs >= 0)) throw invalid('relay: `drainMs` must be a number >= 0.', 'drainMs');
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
    drainMs,
    allowedClientEvents,
    translation: options.translation === undefined ? undefined : { session: translationSession },
    live,
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
