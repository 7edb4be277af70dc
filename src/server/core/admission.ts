/**
 * What admission decides about a connection ({@link RelayAdmission}) and the ticket an
 * accepted one carries to the session it opens ({@link RelayTicket}).
 */
import type { RealtimeErrorCode } from '../../base/errors';
import type { ConnectionRejectReason } from '../metrics';
import type { RelaySessionType, ResolvedSessionPolicy } from './policy';
import type { RelayIdentity } from './relay-options';

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

/** The content type of the relay's plain-text HTTP refusals. */
export const HTTP_TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** The close frame's reason text for each refusal after the upgrade. */
export const REFUSAL_CLOSE_REASONS: Partial<Record<RealtimeErrorCode, string>> = {
  VOXWIRE_BUDGET_EXHAUSTED: 'budget exhausted',
  VOXWIRE_CONCURRENCY_LIMIT: 'concurrency limit',
  VOXWIRE_MODEL_SHUT_DOWN: 'model shut down',
};

/** The models a session names: the relay's upstream model, the client's `?model=`, the locked transcription model. */
export function sessionModels(upstreamModel: string, request: Request | undefined, policy: ResolvedSessionPolicy): Array<[model: string, path: string]> {
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

/** True when a request with this `Origin` header may connect (no list, or no header: yes). */
export function originAllowed(origins: ReadonlyArray<string | RegExp> | undefined, origin: string | null | undefined): boolean {
  if (origins === undefined || origin === null || origin === undefined) return true;
  return origins.some((allowed) => {
    if (typeof allowed === 'string') return allowed === origin;
    allowed.lastIndex = 0;
    return allowed.test(origin);
  });
}
