/**
 * Every error the SDK raises or emits is a {@link RealtimeError} with a stable string `code`.
 * Codes are a contract: apps branch on them, docs/errors.md lists them all, and tests
 * assert them. Messages are for people and may improve between versions.
 */

/**
 * Every error code, as an object so that `ERROR_CODES.VOXWIRE_TIMEOUT` reads like an enum and
 * `code in ERROR_CODES` checks a code. What each means is in docs/errors.md (written from
 * `src/error-descriptions.ts`, which the library never loads).
 */
export const ERROR_CODES = {
  VOXWIRE_INVALID_JSON: 'VOXWIRE_INVALID_JSON',
  VOXWIRE_INVALID_EVENT: 'VOXWIRE_INVALID_EVENT',
  VOXWIRE_FRAME_TOO_LARGE: 'VOXWIRE_FRAME_TOO_LARGE',
  VOXWIRE_INVALID_CLIENT_EVENT: 'VOXWIRE_INVALID_CLIENT_EVENT',
  VOXWIRE_INVALID_SESSION_CONFIG: 'VOXWIRE_INVALID_SESSION_CONFIG',
  VOXWIRE_INVALID_ARGUMENT: 'VOXWIRE_INVALID_ARGUMENT',
  VOXWIRE_SERVER_ERROR: 'VOXWIRE_SERVER_ERROR',
  VOXWIRE_CONNECTION_FAILED: 'VOXWIRE_CONNECTION_FAILED',
  VOXWIRE_CONNECTION_CLOSED: 'VOXWIRE_CONNECTION_CLOSED',
  VOXWIRE_NOT_CONNECTED: 'VOXWIRE_NOT_CONNECTED',
  VOXWIRE_AUTHENTICATION_FAILED: 'VOXWIRE_AUTHENTICATION_FAILED',
  VOXWIRE_INSECURE_KEY: 'VOXWIRE_INSECURE_KEY',
  VOXWIRE_NO_WEBSOCKET: 'VOXWIRE_NO_WEBSOCKET',
  VOXWIRE_SESSION_EXPIRED: 'VOXWIRE_SESSION_EXPIRED',
  VOXWIRE_POLICY_VIOLATION: 'VOXWIRE_POLICY_VIOLATION',
  VOXWIRE_VOICE_LOCKED: 'VOXWIRE_VOICE_LOCKED',
  VOXWIRE_TIMEOUT: 'VOXWIRE_TIMEOUT',
  VOXWIRE_ABORTED: 'VOXWIRE_ABORTED',
  VOXWIRE_RECONNECT_FAILED: 'VOXWIRE_RECONNECT_FAILED',
  VOXWIRE_TOOL_NOT_FOUND: 'VOXWIRE_TOOL_NOT_FOUND',
  VOXWIRE_TOOL_INVALID_ARGUMENTS: 'VOXWIRE_TOOL_INVALID_ARGUMENTS',
  VOXWIRE_TOOL_FAILED: 'VOXWIRE_TOOL_FAILED',
  VOXWIRE_TOOL_TIMEOUT: 'VOXWIRE_TOOL_TIMEOUT',
  VOXWIRE_TOOL_REJECTED: 'VOXWIRE_TOOL_REJECTED',
  VOXWIRE_AUDIO_UNSUPPORTED: 'VOXWIRE_AUDIO_UNSUPPORTED',
  VOXWIRE_AUDIO_DEVICE: 'VOXWIRE_AUDIO_DEVICE',
  VOXWIRE_BUDGET_EXHAUSTED: 'VOXWIRE_BUDGET_EXHAUSTED',
  VOXWIRE_CONCURRENCY_LIMIT: 'VOXWIRE_CONCURRENCY_LIMIT',
  VOXWIRE_UPSTREAM_ERROR: 'VOXWIRE_UPSTREAM_ERROR',
  VOXWIRE_EXPECTATION_FAILED: 'VOXWIRE_EXPECTATION_FAILED',
} as const;

/** A stable error code; see {@link ERROR_CODES}. */
export type RealtimeErrorCode = keyof typeof ERROR_CODES;

/** The `error` object of a Realtime server `error` event, as far as the SDK relies on it. */
export interface ServerErrorDetails {
  type: string;
  code?: string | null | undefined;
  message: string;
  param?: string | null | undefined;
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
} as const;

/** What a client does after a close, decided only by the close code (and a preceding expiry). */
export type CloseDisposition = 'reconnect' | 'expired' | 'closed';

/**
 * Classifies a close the server (or relay) initiated, per the shared table: 4000 and abnormal
 * closes reconnect; 1000, 4001, 4002 (and any code after a `session_expired` error) end the
 * session as expired; 4003/4004 end it as closed.
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
      return 'closed';
    default:
      return 'reconnect';
  }
}
