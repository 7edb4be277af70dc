/**
 * Every error the SDK raises or emits is a {@link RealtimeError} with a stable string `code`.
 * Codes are a contract: apps branch on them, docs/errors.md lists them all, and tests
 * assert them. Messages are for people and may improve between versions.
 */

/**
 * Every error code, as an object so that `ERROR_CODES.VOXWIRE_TIMEOUT` reads like an enum and
 * `code in ERROR_CODES` checks a code. What each means is in docs/errors.md (written from
 * `src/base/error-descriptions.ts`, which the library never loads) and in each key's doc comment.
 */
export const ERROR_CODES = {
  /** An incoming frame was not valid JSON (or not a JSON object). */
  VOXWIRE_INVALID_JSON: 'VOXWIRE_INVALID_JSON',
  /**
   * An incoming frame was JSON but did not match the schema of its event type (or had no
   * `type`).
   */
  VOXWIRE_INVALID_EVENT: 'VOXWIRE_INVALID_EVENT',
  /** A frame exceeded the configured size cap for its direction. */
  VOXWIRE_FRAME_TOO_LARGE: 'VOXWIRE_FRAME_TOO_LARGE',
  /** An outgoing client event failed validation before it was sent; nothing was sent. */
  VOXWIRE_INVALID_CLIENT_EVENT: 'VOXWIRE_INVALID_CLIENT_EVENT',
  /** A session config could not be translated to a valid GA config; nothing was sent. */
  VOXWIRE_INVALID_SESSION_CONFIG: 'VOXWIRE_INVALID_SESSION_CONFIG',
  /** A method or constructor received an argument of the wrong type or value. */
  VOXWIRE_INVALID_ARGUMENT: 'VOXWIRE_INVALID_ARGUMENT',
  /** The Realtime server sent an `error` event; `serverError` holds it. */
  VOXWIRE_SERVER_ERROR: 'VOXWIRE_SERVER_ERROR',
  /** The connection could not be opened (network, DNS, refused upgrade). */
  VOXWIRE_CONNECTION_FAILED: 'VOXWIRE_CONNECTION_FAILED',
  /** The connection closed while an operation was waiting on it. */
  VOXWIRE_CONNECTION_CLOSED: 'VOXWIRE_CONNECTION_CLOSED',
  /** An operation needs a connected session and there is none. */
  VOXWIRE_NOT_CONNECTED: 'VOXWIRE_NOT_CONNECTED',
  /** The server refused the credentials (HTTP 401/403 or close code 4003). */
  VOXWIRE_AUTHENTICATION_FAILED: 'VOXWIRE_AUTHENTICATION_FAILED',
  /**
   * A standard API key was about to be used in a browser page; use an ephemeral key or opt in
   * explicitly.
   */
  VOXWIRE_INSECURE_KEY: 'VOXWIRE_INSECURE_KEY',
  /**
   * A connection to the OpenAI API was about to open with no key (no `apiKey`, and no custom
   * URL, `createWebSocket`, header or subprotocol that could carry one); refused before any
   * network call.
   */
  VOXWIRE_MISSING_API_KEY: 'VOXWIRE_MISSING_API_KEY',
  /** No WebSocket implementation was found (install `ws` or pass `createWebSocket`). */
  VOXWIRE_NO_WEBSOCKET: 'VOXWIRE_NO_WEBSOCKET',
  /** The session reached its time limit or budget and ended; start a new one. */
  VOXWIRE_SESSION_EXPIRED: 'VOXWIRE_SESSION_EXPIRED',
  /** A relay refused an event or session under its policy (close code 4004). */
  VOXWIRE_POLICY_VIOLATION: 'VOXWIRE_POLICY_VIOLATION',
  /** The voice cannot change once the model has spoken in a session. */
  VOXWIRE_VOICE_LOCKED: 'VOXWIRE_VOICE_LOCKED',
  /** An operation did not finish within its time limit. */
  VOXWIRE_TIMEOUT: 'VOXWIRE_TIMEOUT',
  /** An operation was aborted through its AbortSignal or by disconnect(). */
  VOXWIRE_ABORTED: 'VOXWIRE_ABORTED',
  /** Reconnection gave up after the reconnect policy returned no further delay. */
  VOXWIRE_RECONNECT_FAILED: 'VOXWIRE_RECONNECT_FAILED',
  /** The model called a tool that is not registered. */
  VOXWIRE_TOOL_NOT_FOUND: 'VOXWIRE_TOOL_NOT_FOUND',
  /** A tool call carried arguments that are not JSON or fail the tool schema. */
  VOXWIRE_TOOL_INVALID_ARGUMENTS: 'VOXWIRE_TOOL_INVALID_ARGUMENTS',
  /** A tool threw or rejected; the model received the error as the output. */
  VOXWIRE_TOOL_FAILED: 'VOXWIRE_TOOL_FAILED',
  /** A tool did not finish within its `timeoutMs`. */
  VOXWIRE_TOOL_TIMEOUT: 'VOXWIRE_TOOL_TIMEOUT',
  /** A tool call that needed approval was rejected. */
  VOXWIRE_TOOL_REJECTED: 'VOXWIRE_TOOL_REJECTED',
  /** The audio format or device is not supported here. */
  VOXWIRE_AUDIO_UNSUPPORTED: 'VOXWIRE_AUDIO_UNSUPPORTED',
  /** The microphone or output device could not be opened or was lost. */
  VOXWIRE_AUDIO_DEVICE: 'VOXWIRE_AUDIO_DEVICE',
  /** A per-user budget was used up (close code 4002). */
  VOXWIRE_BUDGET_EXHAUSTED: 'VOXWIRE_BUDGET_EXHAUSTED',
  /** A per-user concurrent-session limit was reached. */
  VOXWIRE_CONCURRENCY_LIMIT: 'VOXWIRE_CONCURRENCY_LIMIT',
  /**
   * The upstream API answered an HTTP call with an error (the body is kept), or a relay lost
   * its upstream connection.
   */
  VOXWIRE_UPSTREAM_ERROR: 'VOXWIRE_UPSTREAM_ERROR',
  /** A voxwire/testing assertion (`expectEvent`, `expectNoEvent`) did not hold. */
  VOXWIRE_EXPECTATION_FAILED: 'VOXWIRE_EXPECTATION_FAILED',
  /**
   * The session's model is past its announced shutdown date; the message names the
   * replacement. Refused before any network call (client) or before the session opens (relay).
   */
  VOXWIRE_MODEL_SHUT_DOWN: 'VOXWIRE_MODEL_SHUT_DOWN',
  /**
   * GPT-Live: the app's delegate handler threw, or the server refused a commentary or thinking
   * append of a delegation (`serverError` holds why).
   */
  VOXWIRE_DELEGATION_FAILED: 'VOXWIRE_DELEGATION_FAILED',
  /**
   * GPT-Live: a delegation's result came after the session that delegated it ended (its id is
   * valid only there); it was not sent as that delegation's answer.
   */
  VOXWIRE_DELEGATION_ORPHANED: 'VOXWIRE_DELEGATION_ORPHANED',
  /**
   * A webhook delivery failed verification: a missing `webhook-*` header, a timestamp outside
   * the replay window, or no signature that matches the body under the secret.
   */
  VOXWIRE_WEBHOOK_INVALID: 'VOXWIRE_WEBHOOK_INVALID',
} as const;

/** A stable error code; see {@link ERROR_CODES}. */
export type RealtimeErrorCode = keyof typeof ERROR_CODES;

/** The `error` object of a Realtime server `error` event, as far as the SDK relies on it. */
export interface ServerErrorDetails {
  /** The type of error, e.g. `invalid_request_error` or `server_error`. */
  type: string;
  /** The error code, if any. */
  code?: string | null | undefined;
  /** A human-readable error message. */
  message: string;
  /** The parameter the error is about, if any. */
  param?: string | null | undefined;
  /** The `event_id` of the client event that caused the error, if any. */
  event_id?: string | null | undefined;
}

/** Options for {@link RealtimeError}. */
export interface RealtimeErrorOptions {
  /** The underlying error, if any. */
  cause?: unknown;
  /** The raw frame text (truncated to 2 KiB) that caused the error, kept for diagnosis. */
  raw?: string;
  /** The server's `error` object, for {@link RealtimeError.code} `VOXWIRE_SERVER_ERROR`. */
  serverError?: ServerErrorDetails;
  /** Dotted path of the offending field, when one is known (`session.audio.output.voice`). */
  path?: string;
}

const RAW_KEEP_CHARS = 2048;

/**
 * The one error class of the SDK. Branch on {@link RealtimeError.code}, never on the message.
 *
 * @example
 * ```ts
 * client.on('error', (error) => {
 *   if (error.code === 'VOXWIRE_SESSION_EXPIRED') showBanner('Session ended');
 * });
 * ```
 */
export class RealtimeError extends Error {
  /** Always `RealtimeError`; {@link isRealtimeError} checks it. */
  override readonly name = 'RealtimeError';
  /** Stable code; see {@link ERROR_CODES}. */
  readonly code: RealtimeErrorCode;
  /** Raw frame text (first 2 KiB), when the error came from a frame. */
  readonly raw: string | undefined;
  /** The server's `error` object, when the server sent one. */
  readonly serverError: ServerErrorDetails | undefined;
  /** Dotted path of the offending field, when known. */
  readonly path: string | undefined;

  constructor(code: RealtimeErrorCode, message: string, options: RealtimeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.raw = options.raw === undefined ? undefined : options.raw.slice(0, RAW_KEEP_CHARS);
    this.serverError = options.serverError;
    this.path = options.path;
  }
}

/**
 * What went wrong, in words, whatever was thrown: an `Error`'s message, a string as it is,
 * anything else as JSON (or `String()` when it has none). For logs and for messages that wrap a cause.
 */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** True when `value` is a {@link RealtimeError}, optionally with the given code. */
export function isRealtimeError(value: unknown, code?: RealtimeErrorCode): value is RealtimeError {
  if (!(value instanceof Error) || value.name !== 'RealtimeError') return false;
  const valueCode = (value as { code?: unknown }).code;
  // A prefix test rather than a table lookup keeps the code table out of bundles that never
  // import it; own-property checks are not needed since inherited names lack the prefix.
  if (typeof valueCode !== 'string' || !valueCode.startsWith('VOXWIRE_')) return false;
  return code === undefined || valueCode === code;
}

/**
 * WebSocket close codes shared by client, relay and mock server (docs/errors.md).
 * Codes 4000–4999 are reserved for applications by RFC 6455.
 */
export const CLOSE_CODES = {
  /** Normal closure. */
  normal: 1000,
  /** The server is going away; after a `session_expired` error this means the session ended. */
  goingAway: 1001,
  /** The connection dropped without a close frame. */
  abnormal: 1006,
  /** The relay is draining: back off and reconnect (another node will take the session). */
  draining: 4000,
  /** The session time limit was reached: the session is over, do not reconnect. */
  sessionTimeLimit: 4001,
  /** The user's budget is exhausted: the session is over, do not reconnect. */
  budgetExhausted: 4002,
  /** Authentication failed: do not reconnect with the same credentials. */
  authenticationFailed: 4003,
  /** The relay refused the session under its policy: do not reconnect. */
  policyViolation: 4004,
  /**
   * The relay's own upstream credentials or quota failed (its API key was refused, its quota
   * is used up): not the client's fault, and reconnecting cannot help until an operator fixes
   * it. Do not reconnect.
   */
  relayMisconfigured: 4005,
} as const;

/** What a client does after a close, decided only by the close code (and a preceding expiry). */
export type CloseDisposition = 'reconnect' | 'expired' | 'closed';

/**
 * Classifies a close the server (or relay) initiated, per the shared table: 4000 and abnormal
 * closes reconnect; 1000, 4001, 4002 (and any code after a `session_expired` error) end the
 * session as expired; 4003/4004/4005 end it as closed.
 */
export function classifyClose(code: number, sessionExpired = false): CloseDisposition {
  if (sessionExpired) return 'expired';
  switch (code) {
    // A deliberate close by the server (1000) ends the session like an expiry: reconnecting
    // would only open a new session the server did not ask for.
    case CLOSE_CODES.normal:
    case CLOSE_CODES.sessionTimeLimit:
    case CLOSE_CODES.budgetExhausted:
      return 'expired';
    case CLOSE_CODES.authenticationFailed:
    case CLOSE_CODES.policyViolation:
    case CLOSE_CODES.relayMisconfigured:
      return 'closed';
    default:
      return 'reconnect';
  }
}

/**
 * Why a session ended, in the one vocabulary client, relay and mock share (metrics labels,
 * the relay's events, `voxwire.session.ending`, the client's `expired` state):
 * - `client_closed`: the client closed its socket (or it dropped, or missed a heartbeat);
 * - `upstream_closed`: the upstream ended the session normally (including its own expiry);
 * - `upstream_failed`: the upstream connection dropped or errored; the client reconnects;
 * - `time_limit`, `idle`: a session limit (the relay's or the client's own; close 4001);
 * - `budget_exhausted`: the user's budget ran out (close 4002);
 * - `policy_violation`: too many refused frames, or the operator's session config was
 *   refused upstream (close 4004);
 * - `draining`: the relay shut down (close 4000, the client reconnects elsewhere);
 * - `ended_by_operator`: the operator ended the session (`relay.endSession()`).
 */
export type SessionEndReason =
  | 'client_closed'
  | 'upstream_closed'
  | 'upstream_failed'
  | 'time_limit'
  | 'idle'
  | 'budget_exhausted'
  | 'policy_violation'
  | 'draining'
  | 'ended_by_operator';

/** The reasons the relay announces ahead of the close with `voxwire.session.ending`. */
export type SessionEndingReason = 'time_limit' | 'idle' | 'budget_exhausted' | 'draining' | 'ended_by_operator';

/** Why a client session is `expired` (its state's `reason`): a server expiry, a plain server close, or a limit. */
export type SessionExpiredReason = 'session_expired' | 'server_closed' | 'time_limit' | 'idle' | 'budget_exhausted';

/** One row of {@link SESSION_END_REASONS}. */
export interface SessionEndRow {
  /** The close code the client gets. */
  readonly closeCode: number;
  /** True when the relay announces the end with `voxwire.session.ending` first. */
  readonly announced: boolean;
  /** What the client does: reconnect, close for good, or expire with this reason. */
  readonly client: 'reconnect' | 'closed' | SessionExpiredReason;
}

/**
 * The one table: end reason ↔ close code ↔ what the client does (docs/errors.md). The relay
 * closes with `closeCode`; the client classifies the code (`classifyClose`, internal) and, for an
 * announced reason that closed with its own code, expires with that reason (an idle end is
 * `idle`, not `time_limit`, though both close with 4001).
 */
export const SESSION_END_REASONS: Readonly<Record<SessionEndReason, SessionEndRow>> = {
  client_closed: { closeCode: CLOSE_CODES.normal, announced: false, client: 'closed' },
  upstream_closed: { closeCode: CLOSE_CODES.normal, announced: false, client: 'server_closed' },
  // A dropped upstream is not the client's fault: "going away" makes it reconnect (the client
  // only treats 1001 as the end when a session_expired error came first).
  upstream_failed: { closeCode: CLOSE_CODES.goingAway, announced: false, client: 'reconnect' },
  time_limit: { closeCode: CLOSE_CODES.sessionTimeLimit, announced: true, client: 'time_limit' },
  idle: { closeCode: CLOSE_CODES.sessionTimeLimit, announced: true, client: 'idle' },
  budget_exhausted: { closeCode: CLOSE_CODES.budgetExhausted, announced: true, client: 'budget_exhausted' },
  policy_violation: { closeCode: CLOSE_CODES.policyViolation, announced: false, client: 'closed' },
  draining: { closeCode: CLOSE_CODES.draining, announced: true, client: 'reconnect' },
  ended_by_operator: { closeCode: CLOSE_CODES.normal, announced: true, client: 'server_closed' },
};

/**
 * Why a session that closed for good expired: the reason the relay announced when it closed
 * with that reason's own code, else what the close code says.
 */
export function expiryReasonOf(code: number, sessionExpired: boolean, announced?: string): SessionExpiredReason {
  if (sessionExpired) return 'session_expired';
  const row = announced === undefined ? undefined : SESSION_END_REASONS[announced as SessionEndReason];
  if (row !== undefined && row.closeCode === code && row.client !== 'reconnect' && row.client !== 'closed') return row.client;
  if (code === CLOSE_CODES.sessionTimeLimit) return 'time_limit';
  if (code === CLOSE_CODES.budgetExhausted) return 'budget_exhausted';
  return 'server_closed';
}
