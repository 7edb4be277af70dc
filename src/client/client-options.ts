/**
 * The options of `RealtimeClient` and its methods, and their resolution: every default applied
 * once, at construction, into one fully-required object the client reads.
 */

import type { Clock } from '../base/clock';
import { systemClock } from '../base/clock';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MODEL,
  DEFAULT_REPLAY_BUDGET_CHARS,
  DEFAULT_SESSION_ENDING_WARNING_MS,
  DEFAULT_STRICT_CLIENT_EVENTS,
} from '../base/defaults';
import type { ModelPrices } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import { consoleLogger } from '../base/logger';
import type { Logger } from '../base/logger';
import type { SessionConfigInput, TranscriptionSessionConfigInput } from '../events/session-input';
import type { AnyTool } from '../tools/define-tool';
import type { ApiKeyProvider, Transport } from '../transport/transport';
import { exponentialBackoff, neverReconnect } from './reconnect';
import type { ExponentialBackoffOptions, ReconnectPolicy } from './reconnect';

/** Options of {@link RealtimeClient}. */
export interface RealtimeClientOptions {
  /** The transport. When left out, a {@link WebSocketTransport} is built from `url`, `apiKey` and `model`. */
  transport?: Transport;
  /** Where the default WebSocket transport connects. @default 'wss://api.openai.com/v1/realtime' */
  url?: string;
  /**
   * API key, ephemeral key, or a provider called on every (re)connect (default transport only).
   * Required for the OpenAI API itself: without it `connect()` rejects with
   * `VOXWIRE_MISSING_API_KEY` before any network call; a relay `url` may leave it out.
   */
  apiKey?: ApiKeyProvider;
  /** The model (default transport only; also selects the price table). @default 'gpt-realtime-2.1' */
  model?: string;
  /**
   * The session config, GA shape (or the legacy flat shape, translated once with a warning).
   * Applied on connect and re-applied after every reconnect. A `type: 'transcription'` session
   * transcribes input audio only: no responses, no tools. @default { type: 'realtime' }
   */
  session?: SessionConfigInput | TranscriptionSessionConfigInput;
  /** Tools the model may call; more can be added later with `client.tools.add()`. @default [] */
  tools?: AnyTool[];
  /**
   * After the outputs of a response's tool calls are sent, ask for one follow-up response.
   * With false the app decides (listen to `toolOutputs`). @default true
   */
  autoRespond?: boolean;
  /** Time limit for tools that set no `timeoutMs`. @default 30000 */
  toolTimeoutMs?: number;
  /**
   * How to reconnect after an unexpected close: a policy, options for the default
   * exponential backoff, or `false` to never reconnect. @default exponentialBackoff()
   */
  reconnect?: ReconnectPolicy | ExponentialBackoffOptions | false;
  /** Characters of transcript replayed into a new session after a reconnect. @default 32000 */
  replayBudgetChars?: number;
  /** How long `connect()` waits for the server to confirm the session. @default 15000 */
  connectTimeoutMs?: number;
  /** End the session cleanly after this long (off when undefined). @default undefined */
  maxDurationMs?: number;
  /** End the session after this long without speech or text either way (off when undefined). @default undefined */
  endAfterIdleMs?: number;
  /** How long before those limits `sessionEnding` is emitted. @default 30000 */
  sessionEndingWarningMs?: number;
  /**
   * Before the upstream session cap (60 minutes), open a new session this long ahead and
   * restore context, so a conversation continues past the cap (off when undefined).
   * @default undefined
   */
  rotateBeforeMs?: number;
  /** Price table for the cost estimate, by model name prefix. @default DEFAULT_PRICES */
  prices?: Readonly<Record<string, ModelPrices>>;
  /** Where warnings go. @default consoleLogger (warnings and errors only) */
  logger?: Logger;
  /**
   * Refuse an outgoing event that carries a field, enum value or `type` voxwire does not know.
   * Off, such a field (a newer API feature) is sent as given with one warning through `logger`,
   * so it needs no voxwire release; beta names and known misspellings are refused either way.
   * Applies to the default WebSocket transport (a transport you pass has its own `strict`) and
   * to the checks the client makes before holding a request.
   * @default false (DEFAULT_STRICT_CLIENT_EVENTS)
   */
  strict?: boolean;
  /** Time source for backoff, limits and timeouts. @default systemClock */
  clock?: Clock;
  /** Random source in [0, 1) for jitter and ids. @default Math.random */
  random?: () => number;
}

/** Options of {@link RealtimeClient.sendText}. */
export interface SendTextOptions {
  /** Ask the model to respond after adding the message. @default true */
  respond?: boolean;
  /** The role of the message. @default 'user' */
  role?: 'user' | 'system';
}

/** Options of {@link RealtimeClient.connect}. */
export interface ConnectOptions {
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/** {@link RealtimeClientOptions} with every default applied (what the client reads). */
export interface ResolvedClientOptions {
  readonly options: RealtimeClientOptions;
  readonly model: string;
  readonly logger: Logger;
  readonly strict: boolean;
  readonly clock: Clock;
  readonly random: () => number;
  readonly policy: ReconnectPolicy;
  readonly replayBudgetChars: number;
  readonly connectTimeoutMs: number;
  readonly sessionEndingWarningMs: number;
}

/**
 * Checks and resolves the client's options once. Throws `VOXWIRE_INVALID_ARGUMENT` for options
 * that are not an object or a limit that is not a number ≥ 0, before any network call.
 */
export function resolveClientOptions(options: RealtimeClientOptions): ResolvedClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `RealtimeClient: options must be an object, got ${options === null ? 'null' : typeof options}.`);
  }
  for (const name of ['maxDurationMs', 'endAfterIdleMs', 'rotateBeforeMs', 'connectTimeoutMs', 'replayBudgetChars'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `RealtimeClient: \`${name}\` must be a number ≥ 0, got ${String(value)}.`);
    }
  }
  const { reconnect } = options;
  return {
    options,
    model: options.model ?? DEFAULT_MODEL,
    logger: options.logger ?? consoleLogger,
    strict: options.strict ?? DEFAULT_STRICT_CLIENT_EVENTS,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    policy: reconnect === false ? neverReconnect : typeof reconnect === 'function' ? reconnect : exponentialBackoff(reconnect),
    replayBudgetChars: options.replayBudgetChars ?? DEFAULT_REPLAY_BUDGET_CHARS,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    sessionEndingWarningMs: options.sessionEndingWarningMs ?? DEFAULT_SESSION_ENDING_WARNING_MS,
  };
}
