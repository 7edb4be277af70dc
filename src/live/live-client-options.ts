/**
 * What a `LiveClient` is made with: its options, the session it starts, and the options of its
 * close and append methods; and the check that refuses a wrong option before any network call.
 */
import type { Clock } from '../base/clock';
import type { LiveModelPrices } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { Logger } from '../base/logger';
import type { ExponentialBackoffOptions, ReconnectPolicy } from '../client/reconnect';
import type { LiveSessionConfig } from '../events/live';
import type { AnyTool } from '../tools/define-tool';
import type { ApiKeyProvider, Transport } from '../transport/transport';
import type { LiveDelegateHandler, LiveOrphanedResults } from './live-delegate';
import type { LiveClient } from './live-client';

/** The session a `LiveClient` starts: a Live startup config whose `model` may be left out. */
export type LiveClientSession = Omit<LiveSessionConfig, 'model'> & {
  /** The Live model. @default 'gpt-live-1' */
  model?: LiveSessionConfig['model'];
};

/** Options of {@link LiveClient}. */
export interface LiveClientOptions {
  /**
   * The transport, built with `protocol: liveProtocol`: a `WebRTCTransport` whose `sdpUrl` is
   * your server (it creates the session with its key; GPT-Live has no ephemeral keys). When left
   * out, a `WebSocketTransport` speaking Live is built from `url` and `apiKey`.
   */
  transport?: Transport;
  /** Where the default WebSocket transport connects: the API or your relay. @default 'wss://api.openai.com/v1/live/sessions' */
  url?: string;
  /** API key, or a provider called on every (re)connect (default transport only; Node or a relay). */
  apiKey?: ApiKeyProvider;
  /**
   * The startup config, fixed for the session's life (`session.start` on a WebSocket; over
   * WebRTC your server sends it). Only `delegation` and `triggers` can change later
   * ({@link LiveClient.updateDelegation}). @default { model: 'gpt-live-1' }
   */
  session?: LiveClientSession;
  /**
   * Function tools for Responses delegation (made with `defineTool`, as for `RealtimeClient`):
   * declared in `session.delegation.responses.tools`, run here when the Responses model calls
   * them. Needs `session.delegation: { type: 'responses', responses: { model } }`. @default []
   */
  tools?: AnyTool[];
  /** Works out client delegations (`delegation` omitted or `{ type: 'client' }`): returns text to speak or to think. */
  delegate?: LiveDelegateHandler;
  /**
   * A client delegation's answer that arrives after its session ended (a reconnect happened
   * meanwhile): `drop` it, or append it to the new session as `thinking` (no delegation id).
   * @default 'drop'
   */
  orphanedResults?: LiveOrphanedResults;
  /**
   * How a reconnect continues the conversation (GPT-Live has no resume): `history` starts a new
   * session seeded with the transcript as `input`; `fork` forks the stored session (needs
   * `session.store: true`; falls back to `history` when the fork is refused).
   * @default 'fork' with `session.store: true`, else 'history'
   */
  resume?: 'history' | 'fork';
  /** Characters of transcript a `history` reconnect seeds the new session with. @default 24000 */
  historyBudgetChars?: number;
  /**
   * How to reconnect after an unexpected close: a policy, options for the default exponential
   * backoff, or `false`. @default exponentialBackoff()
   */
  reconnect?: ReconnectPolicy | ExponentialBackoffOptions | false;
  /**
   * Stop local playback when the user speaks over the assistant (a user transcript fragment
   * while its audio still plays). GPT-Live decides itself whether to yield; this only drops what
   * the client still had queued. @default true
   */
  stopPlaybackOnSpeech?: boolean;
  /** A timeline gap between fragments of one speaker that starts a new turn. @default 800 */
  turnSilenceGapMs?: number;
  /** With no transcript fragment for this long, open turns end. @default 2000 */
  turnInactivityMs?: number;
  /** How long `connect()` waits for `session.started`. @default 15000 */
  connectTimeoutMs?: number;
  /** How long `close()` waits for `session.closed`. @default 10000 */
  closeTimeoutMs?: number;
  /** How long an append waits for its acknowledgement. @default 10000 */
  appendTimeoutMs?: number;
  /** Time limit for tools that set no `timeoutMs`. @default 30000 */
  toolTimeoutMs?: number;
  /** Per-minute price table for the cost estimate, by model name prefix. @default DEFAULT_LIVE_PRICES */
  prices?: Readonly<Record<string, LiveModelPrices>>;
  /**
   * Refuse an outgoing event with a field or `type` voxwire does not know (default transport).
   * Off, it is sent with one warning. @default false
   */
  strict?: boolean;
  /** Where warnings go. @default consoleLogger */
  logger?: Logger;
  /** Time source for backoff, timeouts and turn inactivity. @default systemClock */
  clock?: Clock;
  /** Random source in [0, 1) for jitter and event ids. @default Math.random */
  random?: () => number;
}

/** Options of {@link LiveClient.close}. */
export interface LiveCloseOptions {
  /** How long to wait for `session.closed`. @default the client's `closeTimeoutMs` */
  timeoutMs?: number;
}

/** Options of the append methods. */
export interface LiveAppendOptions {
  /** The delegation the text answers (required by the server for commentary and thinking). @default null */
  delegationId?: string | null;
}

/** Throws `VOXWIRE_INVALID_ARGUMENT` for options of the wrong type (misconfiguration fails before any network call). */
export function checkLiveOptions(options: LiveClientOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `LiveClient: options must be an object, got ${options === null ? 'null' : typeof options}.`);
  }
  for (const name of ['connectTimeoutMs', 'closeTimeoutMs', 'appendTimeoutMs', 'historyBudgetChars', 'turnSilenceGapMs', 'turnInactivityMs'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value) || value < 0)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `LiveClient: \`${name}\` must be a number ≥ 0, got ${String(value)}.`);
    }
  }
  if (options.delegate !== undefined && typeof options.delegate !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `LiveClient: \`delegate\` must be a function, got ${typeof options.delegate}.`);
  }
}

/** Throws when tools are given without Responses delegation (they have no other channel); warns when `delegate` will never be called. */
export function checkLiveDelegation(delegationType: string, hasTools: boolean, hasDelegate: boolean, logger: Logger): void {
  if (hasTools && delegationType !== 'responses') {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `LiveClient: tools run under Responses delegation; set \`session.delegation: { type: 'responses', responses: { model } }\` (this session delegates to ${JSON.stringify(delegationType)}, which has no tool channel: run tools in your \`delegate\` handler).`,
      { path: 'session.delegation' },
    );
  }
  if (hasDelegate && delegationType !== 'client') {
    logger.warn(`LiveClient: \`delegate\` is only called for client delegations; this session delegates to ${JSON.stringify(delegationType)}.`);
  }
}
