/**
 * What the HTTP handlers a browser calls have in common (`createClientSecretHandler`,
 * `createSdpHandler`): CORS with an origin allowlist, the `authenticate` hook, the operator's
 * session policy applied to what the browser asks for (the relay's own policy code, so a
 * locked field means the same over WebSocket and WebRTC), and JSON error answers whose
 * `error.code` is a voxwire code the transports turn into a typed error.
 */
import { DEFAULT_MODEL, DEFAULT_TRANSCRIPTION_MODEL } from '../../base/defaults';
import { RealtimeError, type RealtimeErrorCode } from '../../base/errors';
import { normalizeSessionConfig } from '../../events/legacy-session';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from '../../events/session';
import type { SessionConfigInput, TranscriptionSessionConfigInput } from '../../events/session-input';
import { consoleLogger, type Logger } from '../../base/logger';
import { applyPolicy, type RelayLockedSession, type ResolvedSessionPolicy } from '../core/policy';
import type { PerIdentity, RelayAuthenticate, RelayIdentity } from '../core/relay-options';
import { resolveLockedSession } from '../core/relay-settings';

/** The operator's session policy for sessions a browser starts through a handler. */
export interface BrowserSessionPolicy<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * Session fields the operator owns (instructions, tools, turn detection, a fixed voice...):
   * merged over what the browser asks for, the operator's fields winning. GA or legacy shape.
   * A function decides per identity (a plan's instructions).
   * @default undefined (nothing locked)
   */
  session?: PerIdentity<RelayLockedSession | SessionConfigInput | undefined, Identity>;
  /**
   * Voices the browser may choose; asking for another is refused with 403
   * (`VOXWIRE_POLICY_VIOLATION`). Ignored when `session` locks the voice.
   * @default undefined (any voice)
   */
  voices?: readonly string[];
  /** Cap on `max_output_tokens` (`'inf'` and larger values become the cap). @default undefined (no cap) */
  maxOutputTokens?: number;
  /**
   * The browser's own tools: `'passthrough'`, `'none'`, or an allowlist of function names.
   * @default 'passthrough'
   */
  clientTools?: 'passthrough' | 'none' | readonly string[];
  /**
   * The kind of session opened when the browser does not ask for one (`session.type`): a
   * conversation, or `'transcription'` for an endpoint that only transcribes.
   * @default 'realtime'
   */
  sessionType?: 'realtime' | 'transcription';
}

/** Options every browser-facing handler takes. */
export interface BrowserHandlerOptions<Identity extends RelayIdentity = RelayIdentity> extends BrowserSessionPolicy<Identity> {
  /**
   * Authenticates the request (your session cookie, a bearer token of your app): return the
   * identity to accept, `null`/`undefined` for 401, or a `Response` to answer with. Required:
   * return `{ userId: 'anonymous' }` to accept everyone knowingly.
   */
  authenticate: RelayAuthenticate<Identity>;
  /**
   * Browser origins allowed to call the handler cross-origin (exact strings or patterns);
   * their requests get CORS headers, others 403. Requests without `Origin` (same-origin
   * fetches in some browsers, servers) go on to `authenticate`.
   * @default undefined (no CORS: same-origin callers only)
   */
  origins?: readonly (string | RegExp)[];
  /** Where refusals and upstream failures are logged. @default consoleLogger */
  logger?: Logger;
}

/** A request that passed origin and authentication checks. */
export interface AcceptedBrowserRequest<Identity extends RelayIdentity> {
  identity: Identity;
  /** CORS headers to add to the answer (empty for same-origin requests). */
  cors: Record<string, string>;
}

/** Headers that let an allowed origin read the answer (and the `Location` of an SDP answer). */
export function corsHeadersFor(origin: string | null, origins: readonly (string | RegExp)[] | undefined): Record<string, string> | undefined {
  if (origin === null) return {};
  if (origins === undefined) return {};
  const allowed = origins.some((candidate) => {
    if (typeof candidate === 'string') return candidate === origin;
    candidate.lastIndex = 0;
    return candidate.test(origin);
  });
  if (!allowed) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'Location',
    vary: 'Origin',
  };
}

/** A JSON error answer: `{ error: { type, code, message, param } }` with a voxwire code. */
export function jsonError(status: number, code: RealtimeErrorCode, message: string, headers: Record<string, string> = {}, param?: string): Response {
  return new Response(JSON.stringify({ error: { type: status >= 500 ? 'server_error' : 'invalid_request_error', code, message, param: param ?? null } }), {
    status,
    headers: { ...headers, 'content-type': 'application/json' },
  });
}

/**
 * Answers a CORS preflight, or checks origin and `authenticate`. Returns the identity and the
 * CORS headers, or the `Response` to answer with.
 */
export async function acceptBrowserRequest<Identity extends RelayIdentity>(
  request: Request,
  options: BrowserHandlerOptions<Identity>,
  methods: string,
): Promise<AcceptedBrowserRequest<Identity> | Response> {
  const origin = request.headers.get('origin');
  const cors = corsHeadersFor(origin, options.origins);
  if (cors === undefined) return jsonError(403, 'VOXWIRE_AUTHENTICATION_FAILED', `origin ${origin} is not allowed`);
  if (request.method === 'OPTIONS') {
    return new Response(null, {
      status: 204,
      headers: {
        ...cors,
        'access-control-allow-methods': methods,
        'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? 'authorization, content-type',
        'access-control-max-age': '600',
      },
    });
  }
  if (!methods.split(/,\s*/).includes(request.method)) return jsonError(405, 'VOXWIRE_INVALID_ARGUMENT', `use ${methods.replace(', OPTIONS', '')}`, { ...cors, allow: methods });
  let outcome: Identity | Response | null | undefined;
  try {
    outcome = await options.authenticate(request, { remoteAddress: undefined });
  } catch (error) {
    (options.logger ?? consoleLogger).error('authenticate() threw; the request was refused with 500', { error: error instanceof Error ? error.message : String(error) });
    return jsonError(500, 'VOXWIRE_AUTHENTICATION_FAILED', 'authentication error', cors);
  }
  if (outcome instanceof Response) {
    const headers = new Headers(outcome.headers);
    for (const [name, value] of Object.entries(cors)) headers.set(name, value);
    return new Response(outcome.body, { status: outcome.status, statusText: outcome.statusText, headers });
  }
  if (outcome === null || outcome === undefined || typeof outcome !== 'object' || typeof outcome.userId !== 'string' || outcome.userId === '') {
    return jsonError(401, 'VOXWIRE_AUTHENTICATION_FAILED', 'authentication required', { ...cors, 'www-authenticate': 'Bearer' });
  }
  return { identity: outcome, cors };
}

/** Resolves the policy of one identity (the handler equivalent of the relay's `resolvePolicy`). */
export function resolveBrowserPolicy<Identity extends RelayIdentity>(options: BrowserSessionPolicy<Identity>, identity: Identity, logger: Logger): ResolvedSessionPolicy {
  const lockedInput = typeof options.session === 'function' ? options.session(identity) : options.session;
  const locked = resolveLockedSession(lockedInput, logger);
  const clientTools = options.clientTools ?? 'passthrough';
  return {
    locked,
    voices: options.voices === undefined ? undefined : new Set(options.voices),
    maxOutputTokens: options.maxOutputTokens,
    clientTools: typeof clientTools === 'string' ? clientTools : new Set(clientTools),
    serverToolNames: new Set(),
    serverToolDeclarations: [],
    allowSystemMessages: locked?.instructions === undefined,
  };
}

/** Checks the options shared by the handlers; throws `VOXWIRE_INVALID_ARGUMENT` before any request. */
export function checkBrowserHandlerOptions(name: string, options: BrowserHandlerOptions<RelayIdentity> & { apiKey?: unknown }, logger: Logger): void {
  if (typeof options !== 'object' || options === null) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${name}: options must be an object.`);
  if (typeof options.authenticate !== 'function') {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${name}: \`authenticate\` is required: a function (request) => identity | null. Return { userId: 'anonymous' } to accept everyone knowingly.`,
      { path: 'authenticate' },
    );
  }
  if (typeof options.apiKey !== 'string' && typeof options.apiKey !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${name}: \`apiKey\` (the server's OpenAI key, or a function returning it) is required.`, { path: 'apiKey' });
  }
  if (options.maxOutputTokens !== undefined && !(typeof options.maxOutputTokens === 'number' && options.maxOutputTokens > 0)) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${name}: \`maxOutputTokens\` must be a positive number, got ${String(options.maxOutputTokens)}.`, { path: 'maxOutputTokens' });
  }
  // A fixed locked session is validated now, so a typo fails at startup, not at the first request.
  if (typeof options.session !== 'function') resolveLockedSession(options.session, logger);
}

/**
 * The session to start: what the browser asked for (validated; GA or legacy shape), checked
 * against the policy (voice allowlist, client tools) and with the operator's locked fields
 * merged over it. Returns the session (with `type` and `model`), or the refusal.
 */
export function browserSession(
  policy: ResolvedSessionPolicy,
  requested: unknown,
  model: string | undefined,
  defaultType: 'realtime' | 'transcription' = 'realtime',
): { ok: true; session: RealtimeSessionConfig | TranscriptionSessionConfig } | { ok: false; status: number; code: RealtimeErrorCode; message: string; param?: string } {
  let normalized: RealtimeSessionConfig | TranscriptionSessionConfig;
  // A transcription session is asked for by its type; anything else is a conversation.
  const asked = typeof requested === 'object' && requested !== null ? (requested as { type?: unknown }).type : undefined;
  const transcription = asked === 'transcription' || (asked === undefined && defaultType === 'transcription');
  try {
    const input = { ...(typeof requested === 'object' && requested !== null ? requested : {}), type: transcription ? 'transcription' : 'realtime' };
    // Strict, as the relay: a field the key handler cannot check must never pass its policy.
    normalized = transcription
      ? normalizeSessionConfig(input as TranscriptionSessionConfigInput, { strict: true }).session
      : normalizeSessionConfig(input as SessionConfigInput, { strict: true }).session;
  } catch (error) {
    const failure = error instanceof RealtimeError ? error : undefined;
    return {
      ok: false,
      status: 400,
      code: 'VOXWIRE_INVALID_SESSION_CONFIG',
      message: `the requested session is not valid: ${error instanceof Error ? error.message : String(error)}`,
      ...(failure?.path ? { param: failure.path } : {}),
    };
  }
  const decision = applyPolicy(policy, { type: 'session.update', session: normalized }, () => false);
  if (!decision.ok) return { ok: false, status: 403, code: 'VOXWIRE_POLICY_VIOLATION', message: decision.message, ...(decision.param ? { param: decision.param } : {}) };
  if (normalized.type === 'transcription') return { ok: true, session: withTranscriptionModel(decision.event?.type === 'session.update' ? (decision.event.session as TranscriptionSessionConfig) : normalized) };
  const applied = decision.event?.type === 'session.update' ? (decision.event.session as RealtimeSessionConfig) : normalized;
  const session: RealtimeSessionConfig = { ...applied, type: 'realtime', model: model ?? normalized.model ?? DEFAULT_MODEL };
  if (policy.maxOutputTokens !== undefined && session.max_output_tokens === undefined) session.max_output_tokens = policy.maxOutputTokens;
  return { ok: true, session };
}

/**
 * A transcription session names its model, so the API never falls back to one of its own
 * defaults (which may be a model with a shutdown date): `DEFAULT_TRANSCRIPTION_MODEL` unless set.
 */
export function withTranscriptionModel(session: TranscriptionSessionConfig): TranscriptionSessionConfig {
  const input = session.audio?.input;
  if (input?.transcription === null || typeof input?.transcription?.model === 'string') return session;
  return { ...session, audio: { ...session.audio, input: { ...input, transcription: { ...input?.transcription, model: DEFAULT_TRANSCRIPTION_MODEL } } } };
}

/** Reads the browser's JSON body (`{ session }`), tolerating an empty body. */
export async function readJsonBody(request: Request): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false }> {
  const text = await request.text().catch(() => '');
  if (text.trim() === '') return { ok: true, body: {} };
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false };
    return { ok: true, body: body as Record<string, unknown> };
  } catch {
    return { ok: false };
  }
}

/** The text of an upstream error answer, for messages and the `raw` of typed errors. */
export async function upstreamErrorText(response: Response): Promise<{ body: string; message: string }> {
  const body = await response.text().catch(() => '');
  let message = body.trim().slice(0, 500);
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } } | null;
    if (typeof parsed?.error?.message === 'string') message = parsed.error.message;
  } catch {
    // The text is the message.
  }
  return { body, message };
}
