/**
 * The HTTP side of the mock Realtime API that WebRTC needs, mounted on the mock server's
 * port: `POST /v1/realtime/client_secrets` (ephemeral keys), `POST /v1/realtime/calls` (an SDP
 * offer, plain `application/sdp` with an ephemeral or standard key, or multipart `sdp` +
 * `session` as a server forwards it; answered 201 with the SDP answer and the call id in
 * `Location`) and `POST /v1/realtime/calls/{call_id}/hangup`. Browsers call these directly
 * (ephemeral-key mode), so every answer carries CORS headers and exposes `Location`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../base/clock';
import { DEFAULT_MODEL, DEFAULT_UPSTREAM_SESSION_MAX_MS } from '../../base/defaults';
import { isRecord } from '../../base/is-record';
import { parseClientEvent } from '../../events/parse';
import type { MockSession } from './session';
import type { MockSessionLink } from './session-link';
import type { MockTranslationSession } from './translation-session';
import { DEFAULT_TRANSLATION_MODEL } from '../../base/defaults';
import { parseTranslationClientEvent } from '../../events/translation-parse';
import type { TranslationSessionUpdate } from '../../events/translation';
import { createMockSession } from './session-config';
import type { MockSessionDefaults, MockSessionObject } from './session-config';
import { validationError } from './errors';
import { answerError, bearerOf, HttpError, readBody, readJson } from './http-request';
import { MockWebRTCCall, OfferError, loadWerift } from './webrtc-call';
import type { SidebandSink, WeriftModule } from './webrtc-call';
import { loadOpusCodecFactory } from './webrtc-opus';
import type { OpusCodecFactory } from './webrtc-opus';

/** What the endpoint needs from the server it is mounted on. */
export interface MockWebRTCEndpointHost {
  clock: Clock;
  random: () => number;
  /** True when a standard (non-ephemeral) key may use the API (the server's `auth`). */
  checkKey(key: string | undefined): Promise<boolean>;
  /** Starts a session over a link (the server's `attach`). */
  attach(
    link: MockSessionLink,
    request: { url: string; model: string; callId: string; apiKey?: string; headers: Record<string, string | string[] | undefined>; session?: MockSessionDefaults },
  ): MockSession;
  /** Starts a translation session over a link (a `/v1/realtime/translations/calls` call). */
  attachTranslation(
    link: MockSessionLink,
    request: { url: string; model: string; callId: string; apiKey?: string; headers: Record<string, string | string[] | undefined>; session?: TranslationSessionUpdate },
  ): MockTranslationSession;
  /** True once the server is stopping. */
  stopping(): boolean;
}

/** An ephemeral key the endpoint minted. */
export interface MockClientSecret {
  /** `ek_...` */
  value: string;
  /** Unix seconds. */
  expiresAt: number;
  /** The session fields the key carries (applied to the session it opens). */
  session: MockSessionDefaults;
  /** The model of that session. */
  model: string;
  /** Set for a translation key (`/v1/realtime/translations/client_secrets`): the translation settings it carries. */
  translation?: TranslationSessionUpdate;
}

/** Options of the WebRTC endpoint (`MockRealtimeServerOptions.webrtc`). */
export interface MockWebRTCOptions {
  /**
   * A call whose data channel has not opened this long after the answer is abandoned.
   * @default 30000
   */
  setupTimeoutMs?: number;
}

const PREFIX = '/v1/realtime';
const DEFAULT_SETUP_TIMEOUT_MS = 30_000;
const DEFAULT_SECRET_SECONDS = 600;
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function redact(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}****${key.slice(-4)}`;
}

/**
 * A translation session create request (`RealtimeTranslationSessionCreateRequest`: `model`,
 * required, and `audio`), validated with the translation schema: a key's or a call's.
 */
function translationCreateRequest(raw: unknown): { model: string; session: TranslationSessionUpdate } {
  const { model, ...update } = isRecord(raw) ? raw : {};
  if (typeof model !== 'string') throw new HttpError(400, "Missing required parameter: 'session.model'.", 'missing_required_parameter', 'session.model');
  const result = parseTranslationClientEvent(JSON.stringify({ type: 'session.update', session: update }));
  if (!result.ok || !result.known) {
    const body = result.ok ? undefined : validationError({ type: 'session.update', session: update }, result.error);
    throw new HttpError(400, body?.message ?? 'Invalid session.', body?.code ?? 'invalid_value', body?.param ?? 'session');
  }
  return { model, session: (result.event as { session: TranslationSessionUpdate }).session };
}

/**
 * The mock's WebRTC endpoint. The server creates it and routes `/v1/realtime/*` HTTP
 * requests to {@link MockWebRTCEndpoint.handle}; `werift` and `opusscript` are loaded on the
 * first call.
 */
export class MockWebRTCEndpoint {
  readonly #host: MockWebRTCEndpointHost;
  readonly #options: MockWebRTCOptions;
  readonly #calls = new Map<string, MockWebRTCCall>();
  readonly #secrets = new Map<string, MockClientSecret>();
  #modules: Promise<{ werift: WeriftModule; codecs: OpusCodecFactory }> | undefined;

  constructor(host: MockWebRTCEndpointHost, options: MockWebRTCOptions = {}) {
    this.#host = host;
    this.#options = options;
  }

  /** Calls in progress. */
  get calls(): MockWebRTCCall[] {
    return [...this.#calls.values()].filter((call) => !call.ended);
  }

  /** A live call by id. */
  call(callId: string): MockWebRTCCall | undefined {
    const call = this.#calls.get(callId);
    return call && !call.ended ? call : undefined;
  }

  /** An ephemeral key this endpoint minted and that has not expired. */
  clientSecret(key: string | undefined): MockClientSecret | undefined {
    if (key === undefined) return undefined;
    const secret = this.#secrets.get(key);
    if (!secret) return undefined;
    if (secret.expiresAt * 1000 <= this.#host.clock.now()) {
      this.#secrets.delete(key);
      return undefined;
    }
    return secret;
  }

  /** Kills every call's peer (as `stop()` drops WebSockets). */
  close(): void {
    for (const call of this.#calls.values()) call.kill();
    this.#calls.clear();
  }

  /** Handles a request when it is one of the endpoint's; returns false to let the server answer. */
  handle(request: IncomingMessage, response: ServerResponse): boolean {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    const hangup = /^\/v1\/realtime\/calls\/([^/]+)\/hangup$/.exec(path);
    // Translation sessions have their own client secrets and calls under /translations.
    const translation = path.startsWith(`${PREFIX}/translations/`);
    const base = translation ? `${PREFIX}/translations` : PREFIX;
    const known = path === `${base}/calls` || path === `${base}/client_secrets` || hangup !== null;
    if (!known) return false;
    const cors: Record<string, string> = {
      'Access-Control-Allow-Origin': typeof request.headers.origin === 'string' ? request.headers.origin : '*',
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Expose-Headers': 'Location',
      Vary: 'Origin',
    };
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { ...cors, 'Access-Control-Max-Age': '600' });
      response.end();
      return true;
    }
    const answer = async (): Promise<void> => {
      if (request.method !== 'POST') throw new HttpError(405, `Use POST for ${path}.`, 'method_not_allowed');
      if (this.#host.stopping()) throw new HttpError(503, 'The mock server is stopping.', null, null, 'server_error');
      if (path === `${base}/client_secrets`) return this.#clientSecrets(request, response, cors, translation);
      if (hangup) return this.#hangup(request, response, cors, decodeURIComponent(hangup[1]!));
      return this.#createCall(request, response, cors, url, translation);
    };
    answer().catch((error: unknown) => answerError(response, error, cors));
    return true;
  }

  /** Checks a standard key (never an ephemeral one) with the server's `auth`. */
  async #requireServerKey(request: IncomingMessage): Promise<string | undefined> {
    const key = bearerOf(request);
    if (key?.startsWith('ek_')) throw new HttpError(401, 'An ephemeral key cannot be used here; use a standard API key.', 'invalid_api_key');
    if (!(await this.#host.checkKey(key))) {
      throw new HttpError(401, key === undefined ? "You didn't provide an API key." : `Incorrect API key provided: ${redact(key)}.`, 'invalid_api_key');
    }
    return key;
  }

  async #clientSecrets(request: IncomingMessage, response: ServerResponse, cors: Record<string, string>, translation = false): Promise<void> {
    await this.#requireServerKey(request);
    const body = await readJson(request);
    const expiresAfter = body.expires_after as { anchor?: unknown; seconds?: unknown } | undefined;
    let seconds = DEFAULT_SECRET_SECONDS;
    if (expiresAfter !== undefined) {
      if (expiresAfter.anchor !== 'created_at') throw new HttpError(400, "Invalid value for 'expires_after.anchor': expected 'created_at'.", 'invalid_value', 'expires_after.anchor');
      if (typeof expiresAfter.seconds !== 'number' || !Number.isInteger(expiresAfter.seconds) || expiresAfter.seconds < 10 || expiresAfter.seconds > 7200) {
        throw new HttpError(400, "Invalid value for 'expires_after.seconds': an integer from 10 to 7200.", 'invalid_value', 'expires_after.seconds');
      }
      seconds = expiresAfter.seconds;
    }
    const nowSeconds = Math.floor(this.#host.clock.now() / 1000);
    if (translation) return this.#translationSecret(body.session, seconds, nowSeconds, response, cors);
    const session = this.#validateSession(body.session ?? { type: 'realtime' });
    const model = typeof session.model === 'string' ? session.model : DEFAULT_MODEL;
    const secret: MockClientSecret = { value: this.#newKey(), expiresAt: nowSeconds + seconds, session, model };
    this.#secrets.set(secret.value, secret);
    const full: MockSessionObject = createMockSession({ id: `sess_${this.#newKey().slice(3)}`, model, expiresAtSeconds: nowSeconds + DEFAULT_UPSTREAM_SESSION_MAX_MS / 1000, defaults: session });
    response.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ value: secret.value, expires_at: secret.expiresAt, session: full }));
  }

  /**
   * A translation key (`RealtimeTranslationClientSecretCreateRequest`): `session` holds `model`
   * (required) and `audio`; the answer holds the whole translation session.
   */
  #translationSecret(raw: unknown, seconds: number, nowSeconds: number, response: ServerResponse, cors: Record<string, string>): void {
    const { model, session } = translationCreateRequest(raw);
    const secret: MockClientSecret = { value: this.#newKey(), expiresAt: nowSeconds + seconds, session: {}, model, translation: session };
    this.#secrets.set(secret.value, secret);
    const full = {
      id: `sess_${this.#newKey().slice(3)}`,
      type: 'translation',
      model,
      expires_at: nowSeconds + DEFAULT_UPSTREAM_SESSION_MAX_MS / 1000,
      audio: { input: { transcription: session.audio?.input?.transcription ?? null, noise_reduction: session.audio?.input?.noise_reduction ?? null }, output: { language: session.audio?.output?.language ?? 'es' } },
    };
    response.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ value: secret.value, expires_at: secret.expiresAt, session: full }));
  }

  async #createCall(request: IncomingMessage, response: ServerResponse, cors: Record<string, string>, url: URL, translation = false): Promise<void> {
    const key = bearerOf(request);
    const secret = this.clientSecret(key);
    // A key opens the kind of session it was minted for.
    if (secret && (secret.translation !== undefined) !== translation) {
      throw new HttpError(401, `This ephemeral key was minted for a ${translation ? 'conversation' : 'translation'} session; use ${translation ? '/v1/realtime/calls' : '/v1/realtime/translations/calls'}.`, 'invalid_api_key');
    }
    if (!secret && !(await this.#host.checkKey(key))) {
      throw new HttpError(401, key === undefined ? "You didn't provide an API key." : `Incorrect API key provided: ${redact(key)}.`, 'invalid_api_key');
    }
    const contentType = String(request.headers['content-type'] ?? '').toLowerCase();
    const raw = await readBody(request);
    let offer: string;
    let session: MockSessionDefaults | undefined = secret?.session;
    let translationModel: string | undefined;
    let translationSession: TranslationSessionUpdate | undefined = secret?.translation;
    if (contentType.startsWith('multipart/form-data')) {
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
      } catch {
        throw new HttpError(400, 'The multipart body could not be read.', 'invalid_multipart');
      }
      const sdp = form.get('sdp');
      if (typeof sdp !== 'string') throw new HttpError(400, "Missing required parameter: 'sdp'.", 'missing_required_parameter', 'sdp');
      offer = sdp;
      const sessionField = form.get('session');
      if (sessionField !== null) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(typeof sessionField === 'string' ? sessionField : await sessionField.text());
        } catch {
          throw new HttpError(400, "The 'session' part is not valid JSON.", 'invalid_json', 'session');
        }
        // A translation call's `session` part is a create request (`model` and `audio`), as a key's.
        if (translation) ({ model: translationModel, session: translationSession } = translationCreateRequest(parsed));
        else session = { ...secret?.session, ...this.#validateSession(parsed) };
      }
    } else if (contentType.startsWith('application/sdp')) {
      offer = raw.toString('utf8');
    } else {
      throw new HttpError(400, `Unsupported Content-Type ${JSON.stringify(contentType)}: send application/sdp, or multipart/form-data with 'sdp' and 'session'.`, 'invalid_content_type');
    }
    const model =
      translationModel ?? (typeof session?.model === 'string' ? session.model : undefined) ?? url.searchParams.get('model') ?? secret?.model ?? (translation ? DEFAULT_TRANSLATION_MODEL : DEFAULT_MODEL);
    const modules = await this.#loadModules();
    const callId = `rtc_${this.#newKey().slice(3)}`;
    const headers = { ...request.headers };
    let call: MockWebRTCCall;
    let answer: string;
    try {
      ({ call, answer } = await MockWebRTCCall.answer(
        {
          callId,
          werift: modules.werift,
          codecs: modules.codecs,
          clock: this.#host.clock,
          random: this.#host.random,
          setupTimeoutMs: this.#options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS,
          attach: (link) => {
            const common = { model, callId, ...(key === undefined ? {} : { apiKey: key }), headers };
            if (translation) return this.#host.attachTranslation(link, { url: `${PREFIX}/translations/calls`, ...common, ...(translationSession ? { session: translationSession } : {}) });
            return this.#host.attach(link, { url: `${PREFIX}/calls`, ...common, ...(session === undefined ? {} : { session }) });
          },
          onEnded: (ended) => {
            if (this.#calls.get(ended.callId) === ended) this.#calls.delete(ended.callId);
          },
        },
        offer,
      ));
    } catch (error) {
      if (error instanceof OfferError) throw new HttpError(400, error.message, 'invalid_offer', 'sdp');
      throw error;
    }
    if (this.#host.stopping() || response.destroyed) {
      call.kill();
      return;
    }
    this.#calls.set(callId, call);
    response.writeHead(201, { ...cors, 'Content-Type': 'application/sdp', Location: `${PREFIX}/calls/${callId}` });
    response.end(answer);
  }

  async #hangup(request: IncomingMessage, response: ServerResponse, cors: Record<string, string>, callId: string): Promise<void> {
    await this.#requireServerKey(request);
    await readBody(request);
    const call = this.call(callId);
    if (!call) throw new HttpError(404, `Call ${JSON.stringify(callId)} not found.`, 'call_not_found', 'call_id');
    call.hangup();
    response.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
    response.end('{}');
  }

  /** Joins a sideband connection to a live call (before or after its data channel opened); undefined for an unknown call. */
  joinSideband(callId: string, sink: SidebandSink): MockWebRTCCall | undefined {
    const call = this.call(callId);
    if (!call) return undefined;
    call.addSideband(sink);
    return call;
  }

  #validateSession(session: unknown): MockSessionDefaults {
    const event = { type: 'session.update', session };
    // Strict: the API refuses an unknown parameter, so the mock does too.
    const result = parseClientEvent(JSON.stringify(event), { strict: true });
    if (!result.ok || !result.known) {
      if (!result.ok) {
        const body = validationError(event, result.error);
        throw new HttpError(400, body.message, body.code ?? null, body.param ?? null);
      }
      throw new HttpError(400, 'Invalid session.', 'invalid_value', 'session');
    }
    return (result.event as { session: MockSessionDefaults }).session;
  }

  #newKey(): string {
    let key = 'ek_';
    for (let index = 0; index < 24; index++) key += KEY_ALPHABET[Math.floor(this.#host.random() * KEY_ALPHABET.length) % KEY_ALPHABET.length];
    return key;
  }

  #loadModules(): Promise<{ werift: WeriftModule; codecs: OpusCodecFactory }> {
    this.#modules ??= Promise.all([loadWerift(), loadOpusCodecFactory()]).then(([werift, codecs]) => ({ werift, codecs }));
    const modules = this.#modules;
    return modules.catch((error: unknown) => {
      this.#modules = undefined;
      throw new HttpError(501, error instanceof Error ? error.message : String(error), 'not_implemented', null, 'server_error');
    });
  }
}
