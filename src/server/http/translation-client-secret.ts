/**
 * Ephemeral keys for translation sessions: `createTranslationClientSecret` calls
 * `POST /v1/realtime/translations/client_secrets` (the `openai` types'
 * `RealtimeTranslationClientSecretCreateRequest`: `{ session: { model, audio }, expires_after }`);
 * `createTranslationClientSecretHandler` is the Web-standard endpoint a browser calls to get one,
 * with the operator's settings locked and the target languages it may pick. The browser then
 * connects with `TranslationClient` over `WebRTCTransport({ apiKey, protocol: translationProtocol })`.
 */
import { DEFAULT_TRANSLATION_MODEL } from '../../base/defaults';
import { RealtimeError, type RealtimeErrorCode } from '../../base/errors';
import { mergeTranslationSession, parseTranslationClientEvent } from '../../events/translation-parse';
import type { TranslationSessionUpdate } from '../../events/translation';
import { consoleLogger } from '../../base/logger';
import { acceptBrowserRequest, jsonError, readJsonBody } from './browser-request';
import type { BrowserHandlerOptions } from './browser-request';
import { DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS, mintClientSecret } from './client-secret';
import type { ClientSecret, CreateClientSecretOptions } from './client-secret';
import type { PerIdentity, RelayIdentity } from '../core/relay-options';

/** Options of {@link createTranslationClientSecret}. */
export interface CreateTranslationClientSecretOptions extends Pick<CreateClientSecretOptions, 'apiKey' | 'expiresAfterSeconds' | 'baseUrl' | 'fetch' | 'signal'> {
  /** The translation settings the key opens (target language, source transcription, noise reduction). @default {} */
  session?: TranslationSessionUpdate;
  /** The translation model. @default 'gpt-realtime-translate' */
  model?: string;
}

function checkSeconds(label: string, seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > 7200) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${label}: \`expiresAfterSeconds\` must be an integer from 10 to 7200, got ${String(seconds)}.`, { path: 'expiresAfterSeconds' });
  }
  return seconds;
}

/** Validates translation settings with the translation schema; the error names the field. */
function checkTranslationSession(label: string, session: unknown): TranslationSessionUpdate {
  const result = parseTranslationClientEvent({ type: 'session.update', session });
  if (!result.ok) throw new RealtimeError('VOXWIRE_INVALID_SESSION_CONFIG', `${label}: ${result.error.message}`, result.error.path === undefined ? {} : { path: result.error.path });
  return session as TranslationSessionUpdate;
}

/**
 * Mints an ephemeral key for a translation session with the server's key
 * (`POST /v1/realtime/translations/client_secrets`).
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_SESSION_CONFIG` for bad settings (before any request),
 * `VOXWIRE_AUTHENTICATION_FAILED` when the API refuses the key, `VOXWIRE_UPSTREAM_ERROR` otherwise.
 *
 * @example
 * ```ts
 * const { value } = await createTranslationClientSecret({ apiKey: process.env.OPENAI_API_KEY!, session: { audio: { output: { language: 'es' } } } });
 * ```
 */
export async function createTranslationClientSecret(options: CreateTranslationClientSecretOptions): Promise<ClientSecret> {
  const label = 'createTranslationClientSecret';
  if (typeof options !== 'object' || options === null) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${label}: options must be an object.`);
  const seconds = checkSeconds(label, options.expiresAfterSeconds ?? DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS);
  const settings = checkTranslationSession(label, options.session ?? {});
  const session = { model: options.model ?? DEFAULT_TRANSLATION_MODEL, ...settings };
  return mintClientSecret(label, '/realtime/translations/client_secrets', { expires_after: { anchor: 'created_at', seconds }, session }, options);
}

/**
 * The translation settings a browser gets: what it asked for (validated with the translation
 * schema: 400 `VOXWIRE_INVALID_SESSION_CONFIG`), the operator's `locked` settings merged over
 * it, and a target language outside `languages` refused (403 `VOXWIRE_POLICY_VIOLATION`)
 * unless `locked` fixes the language. Shared by the key and SDP handlers.
 */
export function decideTranslationSession(
  asked: unknown,
  locked: TranslationSessionUpdate | undefined,
  languages: readonly string[] | undefined,
): { ok: true; session: TranslationSessionUpdate } | { ok: false; status: number; code: RealtimeErrorCode; message: string; param?: string } {
  const check = parseTranslationClientEvent({ type: 'session.update', session: asked });
  if (!check.ok) return { ok: false, status: 400, code: 'VOXWIRE_INVALID_SESSION_CONFIG', message: check.error.message, ...(check.error.path === undefined ? {} : { param: check.error.path }) };
  const session = mergeTranslationSession(asked as TranslationSessionUpdate, locked);
  const language = session.audio?.output?.language;
  if (locked?.audio?.output?.language === undefined && language !== undefined && languages !== undefined && !languages.includes(language)) {
    return { ok: false, status: 403, code: 'VOXWIRE_POLICY_VIOLATION', message: `target language ${JSON.stringify(language)} is not allowed (allowed: ${languages.join(', ')})`, param: 'session.audio.output.language' };
  }
  return { ok: true, session };
}

/** Options of {@link createTranslationClientSecretHandler}. */
export interface TranslationClientSecretHandlerOptions<Identity extends RelayIdentity = RelayIdentity>
  extends Pick<BrowserHandlerOptions<Identity>, 'authenticate' | 'origins' | 'logger'>,
    Pick<CreateClientSecretOptions, 'apiKey' | 'expiresAfterSeconds' | 'baseUrl' | 'fetch'> {
  /** The translation model of every session. @default 'gpt-realtime-translate' */
  model?: string;
  /**
   * Settings the operator owns (a fixed target language, source transcription on): merged over
   * what the browser asks for, the operator's winning. A function decides per identity.
   * @default undefined (nothing locked)
   */
  session?: PerIdentity<TranslationSessionUpdate | undefined, Identity>;
  /**
   * Target languages the browser may ask for; another is refused with 403
   * (`VOXWIRE_POLICY_VIOLATION`). Ignored when `session` fixes the language.
   * @default undefined (any language)
   */
  languages?: readonly string[];
  /** Called with every key handed out (audit logs). @default undefined */
  onSecret?: (event: { identity: Identity; expiresAt: number; session: TranslationSessionUpdate }) => void | Promise<void>;
}

/**
 * A Web-standard handler (`(request) => Promise<Response>`) that hands a browser an ephemeral key
 * for a translation session. The browser POSTs `{ session?: { audio: { output: { language } } } }`;
 * the handler authenticates the request, checks its origin, applies the language allowlist and
 * the operator's locked settings, mints a key and answers `{ value, expires_at, session }`.
 *
 * @example
 * ```ts
 * export const POST = createTranslationClientSecretHandler({
 *   apiKey: process.env.OPENAI_API_KEY!,
 *   authenticate: async (request) => (await getUser(request)) ?? null,
 *   languages: ['es', 'fr', 'de'],
 * });
 * ```
 */
export function createTranslationClientSecretHandler<Identity extends RelayIdentity = RelayIdentity>(
  options: TranslationClientSecretHandlerOptions<Identity>,
): (request: Request) => Promise<Response> {
  const label = 'createTranslationClientSecretHandler';
  if (typeof options !== 'object' || options === null || typeof options.authenticate !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${label}: \`authenticate\` is required (return { userId: 'anonymous' } to accept everyone knowingly).`, { path: 'authenticate' });
  }
  const logger = options.logger ?? consoleLogger;
  const seconds = checkSeconds(label, options.expiresAfterSeconds ?? DEFAULT_CLIENT_SECRET_EXPIRES_AFTER_SECONDS);
  if (typeof options.session === 'object') checkTranslationSession(label, options.session);
  return async (request) => {
    const accepted = await acceptBrowserRequest(request, options as BrowserHandlerOptions<Identity>, 'POST, OPTIONS');
    if (accepted instanceof Response) return accepted;
    const { identity, cors } = accepted;
    const body = await readJsonBody(request);
    if (!body.ok) return jsonError(400, 'VOXWIRE_INVALID_ARGUMENT', 'the body must be a JSON object such as { "session": { "audio": { "output": { "language": "es" } } } }', cors);
    let locked: TranslationSessionUpdate | undefined;
    try {
      locked = typeof options.session === 'function' ? options.session(identity) : options.session;
      if (locked !== undefined) checkTranslationSession(label, locked);
    } catch (error) {
      logger.error(`${label}: the locked session for this identity is invalid`, { userId: identity.userId, error: error instanceof Error ? error.message : String(error) });
      return jsonError(500, 'VOXWIRE_INVALID_SESSION_CONFIG', 'server configuration error', cors);
    }
    const decided = decideTranslationSession(body.body.session ?? {}, locked, options.languages);
    if (!decided.ok) return jsonError(decided.status, decided.code, decided.message, cors, decided.param);
    const { session } = decided;
    let secret: ClientSecret;
    try {
      secret = await createTranslationClientSecret({
        apiKey: options.apiKey,
        session,
        expiresAfterSeconds: seconds,
        ...(options.model === undefined ? {} : { model: options.model }),
        ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger.error(`${label}: minting an ephemeral key failed`, { userId: identity.userId, error: message });
      return jsonError(502, 'VOXWIRE_UPSTREAM_ERROR', message.replace(/Bearer\s+\S+/g, 'Bearer ***'), cors);
    }
    try {
      await options.onSecret?.({ identity, expiresAt: secret.expiresAt, session });
    } catch (error) {
      logger.warn(`${label}: onSecret threw; the key is handed out anyway`, { error: error instanceof Error ? error.message : String(error) });
    }
    return new Response(JSON.stringify({ value: secret.value, expires_at: secret.expiresAt, session: secret.session }), {
      status: 200,
      headers: { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' },
    });
  };
}
