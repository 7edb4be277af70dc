/**
 * Ephemeral keys: `createClientSecret` calls `POST /v1/realtime/client_secrets` with the
 * server's key; `createClientSecretHandler` is the Web-standard endpoint a browser calls to get
 * one (authenticated, origin-checked, with the operator's locked session merged over what the
 * browser may choose). The browser then connects with `WebRTCTransport({ apiKey })` or
 * `WebSocketTransport({ apiKey })`: the key works for one session and expires soon.
 */
import { DEFAULT_API_BASE_URL, DEFAULT_MODEL } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import type { RealtimeSessionConfig, TranscriptionSessionConfig } from '../../events/session';
import type { SessionConfigInput, TranscriptionSessionConfigInput } from '../../events/session-input';
import { normalizeSessionConfig } from '../../events/legacy-session';
import { consoleLogger } from '../../base/logger';
import { resolveApiKey, type ApiKeyProvider } from '../../transport/transport';
import {
  acceptBrowserRequest,
  browserSession,
  checkBrowserHandlerOptions,
  jsonError,
  readJsonBody,
  resolveBrowserPolicy,
  upstreamErrorText,
  withTranscriptionModel,
  type BrowserHandlerOptions,
} from './browser-request';
import type { RelayIdentity } from '../core/relay-options';
import { bearerHeaders } from './call-actions';

/** How long an ephemeral key stays valid, in seconds (the API accepts 10 to 7200). */
export const DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS = 600;

/** Options of {@link createClientSecret}. */
export interface CreateClientSecretOptions {
  /** The server's OpenAI API key, or a function returning it. Never sent to a browser. */
  apiKey: ApiKeyProvider;
  /**
   * The session the key opens (GA shape, or the legacy shape translated once). Its `model`
   * wins over `model`. A `type: 'transcription'` session transcribes input audio only; its
   * model is `audio.input.transcription.model` (`DEFAULT_TRANSCRIPTION_MODEL` unless set).
   * @default { type: 'realtime' }
   */
  session?: SessionConfigInput | TranscriptionSessionConfigInput;
  /** The model, when `session` names none. @default 'gpt-realtime-2.1' */
  model?: string;
  /** Seconds until the key expires (10 to 7200). @default 600 */
  expiresAfterSeconds?: number;
  /** The REST base of the API (point it at a mock in tests). @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** The fetch used. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Aborts the request. @default undefined */
  signal?: AbortSignal;
  /**
   * How the key is sent: `Authorization: Bearer` for OpenAI and most compatible servers; Azure
   * OpenAI's API keys go in `api-key` (`azureOpenAI().authHeaders`).
   * @default (key) => ({ Authorization: `Bearer ${key}` })
   */
  authHeaders?: (key: string) => Record<string, string>;
}

/** An ephemeral key. */
export interface ClientSecret {
  /** The key, `ek_...`: give it to one browser for one session. */
  value: string;
  /** When it expires, in Unix seconds. */
  expiresAt: number;
  /** The session it opens, as the API reported it. */
  session: Record<string, unknown>;
}

/**
 * Mints an ephemeral key with the server's key (`POST /v1/realtime/client_secrets`).
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_SESSION_CONFIG` for a bad `session` (before any
 * request), `VOXWIRE_AUTHENTICATION_FAILED` when the API refuses the key, and
 * `VOXWIRE_UPSTREAM_ERROR` for any other refusal (the API's body is kept in `raw`).
 *
 * @example
 * ```ts
 * const { value } = await createClientSecret({ apiKey: process.env.OPENAI_API_KEY!, session: { audio: { output: { voice: 'marin' } } } });
 * ```
 */
export async function createClientSecret(options: CreateClientSecretOptions): Promise<ClientSecret> {
  if (typeof options !== 'object' || options === null) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'createClientSecret: options must be an object.');
  const seconds = options.expiresAfterSeconds ?? DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > 7200) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `createClientSecret: \`expiresAfterSeconds\` must be an integer from 10 to 7200, got ${String(options.expiresAfterSeconds)}.`, {
      path: 'expiresAfterSeconds',
    });
  }
  const requested = options.session ?? {};
  let session: RealtimeSessionConfig | TranscriptionSessionConfig;
  if (requested.type === 'transcription') {
    session = withTranscriptionModel(normalizeSessionConfig(requested as TranscriptionSessionConfigInput).session);
  } else {
    const normalized = normalizeSessionConfig({ ...requested, type: 'realtime' } as SessionConfigInput).session;
    session = { ...normalized, model: normalized.model ?? options.model ?? DEFAULT_MODEL };
  }
  return mintClientSecret('createClientSecret', '/realtime/client_secrets', { expires_after: { anchor: 'created_at', seconds }, session }, options);
}

/**
 * POSTs a client-secret request (`/realtime/client_secrets`, `/realtime/translations/client_secrets`)
 * with the server's key and reads the answer. `label` names the caller in errors.
 */
export async function mintClientSecret(
  label: string,
  path: string,
  body: { expires_after: { anchor: 'created_at'; seconds: number }; session: Record<string, unknown> },
  options: Pick<CreateClientSecretOptions, 'apiKey' | 'baseUrl' | 'fetch' | 'signal' | 'authHeaders'>,
): Promise<ClientSecret> {
  const key = await resolveApiKey(options.apiKey);
  if (typeof key !== 'string' || key === '') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${label}: \`apiKey\` is missing or empty.`, { path: 'apiKey' });
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = `${(options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { ...(options.authHeaders ?? bearerHeaders)(key), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', `${label}: ${url} could not be reached: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  }
  if (!response.ok) {
    const { body: text, message } = await upstreamErrorText(response);
    const code = response.status === 401 || response.status === 403 ? 'VOXWIRE_AUTHENTICATION_FAILED' : 'VOXWIRE_UPSTREAM_ERROR';
    throw new RealtimeError(code, `${label}: the API refused the request (HTTP ${response.status}): ${message}`, { raw: text });
  }
  const json = (await response.json().catch(() => undefined)) as { value?: unknown; expires_at?: unknown; session?: unknown; client_secret?: { value?: unknown; expires_at?: unknown } } | undefined;
  const value = json?.value ?? json?.client_secret?.value;
  const expiresAt = json?.expires_at ?? json?.client_secret?.expires_at;
  if (typeof value !== 'string' || typeof expiresAt !== 'number') {
    throw new RealtimeError('VOXWIRE_UPSTREAM_ERROR', `${label}: the API answered without \`value\` and \`expires_at\`.`, { raw: JSON.stringify(json ?? null).slice(0, 2048) });
  }
  return { value, expiresAt, session: (typeof json?.session === 'object' && json.session !== null ? json.session : body.session) as Record<string, unknown> };
}

/** Options of {@link createClientSecretHandler}. */
export interface ClientSecretHandlerOptions<Identity extends RelayIdentity = RelayIdentity> extends BrowserHandlerOptions<Identity> {
  /** The server's OpenAI API key, or a function returning it. */
  apiKey: ApiKeyProvider;
  /** The model of every session. @default 'gpt-realtime-2.1' */
  model?: string;
  /** Seconds until each key expires (10 to 7200). @default 600 */
  expiresAfterSeconds?: number;
  /** The REST base of the API. @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** The fetch used toward the API. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How the key is sent (Azure: `api-key`). @default (key) => ({ Authorization: `Bearer ${key}` }) */
  authHeaders?: (key: string) => Record<string, string>;
  /** Called with every key handed out (audit logs). @default undefined */
  onSecret?: (event: { identity: Identity; expiresAt: number; session: RealtimeSessionConfig | TranscriptionSessionConfig }) => void | Promise<void>;
}

/**
 * A Web-standard handler (`(request) => Promise<Response>`: a Next.js route, Hono, Bun, Deno,
 * Workers) that hands a browser an ephemeral key. The browser POSTs `{ session? }` (what it
 * would like, e.g. a voice); the handler authenticates the request, checks its origin, merges
 * the operator's locked session over the request (voices from the allowlist only), mints a key
 * and answers `{ value, expires_at, session }`.
 *
 * @example
 * ```ts
 * export const POST = createClientSecretHandler({
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   authenticate: async (request) => (await getUser(request)) ?? null,
 *   session: { instructions: 'You are the support line of ACME.' },
 *   voices: ['marin', 'cedar'],
 * });
 * // Browser: new WebRTCTransport({ apiKey: async () => (await (await fetch('/api/realtime/key', { method: 'POST' })).json()).value })
 * ```
 */
export function createClientSecretHandler<Identity extends RelayIdentity = RelayIdentity>(options: ClientSecretHandlerOptions<Identity>): (request: Request) => Promise<Response> {
  const logger = options?.logger ?? consoleLogger;
  checkBrowserHandlerOptions('createClientSecretHandler', options as unknown as ClientSecretHandlerOptions, logger);
  const seconds = options.expiresAfterSeconds ?? DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > 7200) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `createClientSecretHandler: \`expiresAfterSeconds\` must be an integer from 10 to 7200, got ${String(seconds)}.`, {
      path: 'expiresAfterSeconds',
    });
  }
  return async (request) => {
    const accepted = await acceptBrowserRequest(request, options, 'POST, OPTIONS');
    if (accepted instanceof Response) return accepted;
    const { identity, cors } = accepted;
    const body = await readJsonBody(request);
    if (!body.ok) return jsonError(400, 'VOXWIRE_INVALID_ARGUMENT', 'the body must be a JSON object such as { "session": { ... } }', cors);
    let policy;
    try {
      policy = resolveBrowserPolicy(options, identity, logger);
    } catch (error) {
      logger.error('createClientSecretHandler: the session policy for this identity is invalid', { userId: identity.userId, error: error instanceof Error ? error.message : String(error) });
      return jsonError(500, 'VOXWIRE_INVALID_SESSION_CONFIG', 'server configuration error', cors);
    }
    const decided = browserSession(policy, body.body.session, options.model, options.sessionType);
    if (!decided.ok) return jsonError(decided.status, decided.code, decided.message, cors, decided.param);
    let secret: ClientSecret;
    try {
      secret = await createClientSecret({
        apiKey: options.apiKey,
        session: decided.session as SessionConfigInput,
        expiresAfterSeconds: seconds,
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.authHeaders === undefined ? {} : { authHeaders: options.authHeaders }),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error('createClientSecretHandler: minting an ephemeral key failed', { userId: identity.userId, error: message });
      // The upstream's words reach the browser, never the server key or its refusal details.
      return jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', message.replace(/Bearer\s+\S+/g, 'Bearer ***'), cors);
    }
    try {
      await options.onSecret?.({ identity, expiresAt: secret.expiresAt, session: decided.session });
    } catch (error) {
      logger.warn('createClientSecretHandler: onSecret threw; the key is handed out anyway', { error: error instanceof Error ? error.message : String(error) });
    }
    return new Response(JSON.stringify({ value: secret.value, expires_at: secret.expiresAt, session: secret.session }), {
      status: 200,
      headers: { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
  };
}
