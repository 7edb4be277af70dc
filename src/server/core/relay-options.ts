/**
 * The relay's options, shared by the runtime-agnostic core and the Node adapter. They are
 * resolved once into a fully-required form by `resolveRelaySettings` (./relay-settings.ts).
 */
import type { Clock } from '../../base/clock';
import type { LiveModelPrices, ModelPrices } from '../../base/defaults';
import type { LiveClientEventType } from '../../events/live/client-events';
import type { ClientEventType } from '../../events/client-events';
import type { SessionConfigInput } from '../../events/session-input';
import type { TranslationSessionUpdate } from '../../events/translation';
import type { Logger } from '../../base/logger';
import type { AnyTool } from '../../tools/define-tool';
import type { BudgetStore } from '../stores/budget-store';
import type { BetaClientsMode } from './legacy-bridge';
import type { RelayMetrics } from '../metrics';
import type { RelayLiveLockedSession } from './live-policy';
import type { RelayLockedSession, RelaySessionType } from './policy';
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

/**
 * Relay GPT-Live sessions (`wss://api.openai.com/v1/live/sessions`) instead of Realtime
 * conversations: the relay speaks the Live protocol both ways, locks the config in the client's
 * `session.start`, budgets seconds of session, and runs `policy.serverTools` through
 * Responses delegation. `policy.voices`, `clientTools`, `serverTools`, `allowSystemMessages`,
 * `maxClientFrameBytes`, `maxRejectedFrames` and `strict` apply; `policy.session`,
 * `allowedClientEvents`, `maxOutputTokens`, `sessionTypes` and `betaClients` are Realtime's.
 */
export interface RelayLiveOptions<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * Live session fields the operator owns: they replace the client's in `session.start` (`model`
   * defaults to the relay's model). A function decides per identity.
   * @default undefined (only the model is locked)
   */
  session?: PerIdentity<RelayLiveLockedSession | undefined, Identity>;
  /**
   * Live client event types a client may send; others are refused with an `error` event.
   * @default every Live client event type but the sideband's `transport.dtmf.send`
   */
  allowedClientEvents?: readonly LiveClientEventType[];
  /**
   * Live prices (US dollars per minute of active session, by model name prefix) for a
   * `'costUsd'` budget: a second of session costs `activePerMinute / 60`.
   * @default DEFAULT_LIVE_PRICES (gpt-live-1 and gpt-live-1.1 at $0.05 a minute, as of DEFAULT_LIVE_PRICES_AS_OF)
   */
  prices?: Readonly<Record<string, LiveModelPrices>>;
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
  /**
   * Relay **GPT-Live** sessions (`/v1/live/sessions`) instead of Realtime conversations; see
   * {@link RelayLiveOptions}. One relay speaks one API: serve both from one HTTP server with two
   * relays on two paths (`relay.attach(server, { path })`).
   * @default undefined (Realtime sessions)
   */
  live?: RelayLiveOptions<Identity>;
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
  /**
   * How long a drain (`relay.drain()`, `relay.close()`, SIGTERM on Node) lets live sessions
   * finish after warning them with `voxwire.session.ending`; the rest are then closed with 4000
   * and reconnect to another node. Keep it below the platform's grace period (Kubernetes'
   * `terminationGracePeriodSeconds`, 30 s by default) minus a few seconds.
   * @default DEFAULT_RELAY_DRAIN_MS (25 s)
   */
  drainMs?: number;
}
