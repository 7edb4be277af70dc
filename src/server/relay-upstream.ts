/**
 * The upstream of a relay adapter, from its `upstream` options: the model, the endpoint, the
 * server key or the auth headers, checked once. The Node relay and the Durable Objects relay
 * dial through it, each with its runtime's socket factory.
 */
import type { Clock } from '../base/clock';
import { DEFAULT_LIVE_MODEL, DEFAULT_LIVE_URL, DEFAULT_MODEL, DEFAULT_REALTIME_URL, DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS, DEFAULT_TRANSLATION_MODEL, DEFAULT_TRANSLATION_URL } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { ApiKeyProvider } from '../transport/transport';
import type { RelayIdentity } from './core/relay-options';
import { bearerAuth, createUpstream, type Upstream, type UpstreamHeaders, type UpstreamSocketFactory } from './upstream';

/** Where and how the relay connects upstream. */
export interface RelayUpstreamOptions<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * The Realtime WebSocket endpoint (`?model=` is added unless the URL has one).
   * @default DEFAULT_REALTIME_URL ('wss://api.openai.com/v1/realtime'); with `translation`,
   * DEFAULT_TRANSLATION_URL ('wss://api.openai.com/v1/realtime/translations'); with `live`,
   * DEFAULT_LIVE_URL ('wss://api.openai.com/v1/live/sessions', never with a query)
   */
  url?: string;
  /**
   * The server's API key, or a function returning it (called for every upstream connection,
   * so a rotated key is picked up). Sent only in the upstream `Authorization` header.
   * Required unless `auth` is given.
   */
  apiKey?: ApiKeyProvider;
  /**
   * The upstream's authentication headers, for servers that do not take a bearer key (Azure's
   * `api-key`, a compatible server's own scheme). Called for every upstream connection.
   * @default bearerAuth(apiKey)
   */
  auth?: UpstreamHeaders<Identity>;
  /**
   * Adds `?model=` to the URL. `false` for endpoints that take no model in the URL (GPT-Live's
   * `/v1/live/sessions`, an Azure deployment URL).
   * @default true (false with `live`: the model goes in `session.start`)
   */
  modelInUrl?: boolean;
  /**
   * The model every session uses; clients cannot change it.
   * @default DEFAULT_MODEL ('gpt-realtime-2.1'); with `translation`, DEFAULT_TRANSLATION_MODEL ('gpt-realtime-translate');
   * with `live`, DEFAULT_LIVE_MODEL ('gpt-live-1')
   */
  model?: string;
  /**
   * Extra headers for the upstream handshake (for example `OpenAI-Safety-Identifier` from
   * the identity). `Authorization` cannot be overridden here.
   * @default undefined
   */
  headers?: Readonly<Record<string, string>> | ((identity: Identity) => Readonly<Record<string, string>>);
  /**
   * How long to wait for the upstream handshake; the client then gets HTTP 504.
   * @default DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS (10 s)
   */
  connectTimeoutMs?: number;
}

/**
 * Checks a relay adapter's `upstream` option (`who` names the adapter in the errors) and
 * returns the model its sessions use. Throws before anything connects.
 */
export function checkRelayUpstream(who: string, options: { upstream?: RelayUpstreamOptions<never> | undefined; translation?: unknown; live?: unknown }): string {
  const { upstream } = options;
  if (typeof upstream !== 'object' || upstream === null) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${who}: \`upstream\` is required: { apiKey, model?, url? }.`, { path: 'upstream' });
  }
  if (upstream.auth === undefined && typeof upstream.apiKey !== 'string' && typeof upstream.apiKey !== 'function') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${who}: \`upstream.apiKey\` must be a string or a function returning one (the server key never reaches the browser).`, {
      path: 'upstream.apiKey',
    });
  }
  if (upstream.apiKey === '') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `${who}: \`upstream.apiKey\` is empty.`, { path: 'upstream.apiKey' });
  if (upstream.model !== undefined) return upstream.model;
  if (options.live) return DEFAULT_LIVE_MODEL;
  return options.translation ? DEFAULT_TRANSLATION_MODEL : DEFAULT_MODEL;
}

/** The endpoint of checked `upstream` options ({@link checkRelayUpstream}), dialed with `createSocket`. */
export function createRelayUpstream<Identity extends RelayIdentity>(
  upstream: RelayUpstreamOptions<Identity>,
  context: { model: string; translation: boolean; live?: boolean; createSocket: UpstreamSocketFactory; clock: Clock },
): Upstream<Identity> {
  const live = context.live === true;
  return createUpstream<Identity>({
    url: upstream.url ?? (live ? DEFAULT_LIVE_URL : context.translation ? DEFAULT_TRANSLATION_URL : DEFAULT_REALTIME_URL),
    // GPT-Live takes no query: the model is in session.start, which the relay locks.
    query: { model: upstream.modelInUrl === false || (live && upstream.modelInUrl !== true) ? undefined : context.model },
    auth: upstream.auth ?? (bearerAuth(upstream.apiKey as ApiKeyProvider) as UpstreamHeaders<Identity>),
    ...(upstream.headers === undefined ? {} : { headers: upstream.headers }),
    createSocket: context.createSocket,
    connectTimeoutMs: upstream.connectTimeoutMs ?? DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS,
    clock: context.clock,
  });
}
