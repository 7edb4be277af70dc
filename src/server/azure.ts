/**
 * Azure OpenAI's GA Realtime endpoints, as one provider object for the relay, the media-stream
 * bridge and the key, SDP and SIP handlers. Per Microsoft's "Use the GPT Realtime API via
 * WebSockets" and "via WebRTC" pages (learn.microsoft.com, azure/foundry/openai/how-to/
 * realtime-audio-websockets and realtime-audio-webrtc): the GA WebSocket is
 * `wss://<resource>.openai.azure.com/openai/v1/realtime?model=<deployment>` (no `api-version`,
 * which only the preview endpoints take), client secrets and WebRTC calls live under the same
 * `https://<resource>.openai.azure.com/openai/v1/` base, and a request authenticates with the
 * resource's key in the `api-key` header or with a Microsoft Entra ID token as
 * `Authorization: Bearer` (scope `https://cognitiveservices.azure.com/.default`).
 * The key or token stays on the server: browsers get ephemeral keys or SDP answers only.
 */
import { RealtimeError } from '../base/errors';
import { resolveApiKey, type ApiKeyProvider } from '../transport/transport';
import { bearerHeaders } from './http/call-actions';
import type { UpstreamHeaders } from './upstream';

/** Options of {@link azureOpenAI}: the resource, the deployment, and one credential. */
export interface AzureOpenAIOptions {
  /** The resource endpoint (`https://my-resource.openai.azure.com`) or its name (`my-resource`). */
  endpoint: string;
  /** The deployment of a realtime model: sent as `model`. */
  deployment: string;
  /** The resource's key (or a function returning it), sent as `api-key`. Give this or `entraToken`. */
  apiKey?: ApiKeyProvider;
  /**
   * A Microsoft Entra ID access token provider (for example `@azure/identity`'s
   * `getBearerTokenProvider(credential, 'https://cognitiveservices.azure.com/.default')`), called
   * per request and per connection, sent as `Authorization: Bearer`.
   */
  entraToken?: () => string | Promise<string>;
}

/** Azure OpenAI as voxwire's server pieces take it. */
export interface AzureOpenAI {
  /** The deployment, used as `model` everywhere. */
  readonly model: string;
  /** The REST base: `https://<resource>.openai.azure.com/openai/v1` (`baseUrl` of the handlers). */
  readonly baseUrl: string;
  /** The Realtime WebSocket: `wss://<resource>.openai.azure.com/openai/v1/realtime` (`?model=` added by the dialer). */
  readonly realtimeUrl: string;
  /** The credential provider (`apiKey` of the handlers). */
  readonly apiKey: ApiKeyProvider;
  /** How the credential is sent (`authHeaders` of the handlers): `api-key`, or `Authorization: Bearer` for Entra. */
  readonly authHeaders: (credential: string) => Record<string, string>;
  /** The handshake headers for `createRelay({ upstream: { url, model, auth } })`, `createUpstream` and the media-stream server. */
  readonly auth: UpstreamHeaders;
  /** `createRelay`'s `upstream` option in one piece. */
  readonly upstream: {
    /** The deployment's realtime WebSocket URL. */
    url: string;
    /** The deployment name, sent as `model`. */
    model: string;
    /** The `api-key` or Entra bearer header. */
    auth: UpstreamHeaders;
  };
}

/** `https://name.openai.azure.com` from a name or an endpoint URL (path and query dropped). */
function resourceOrigin(endpoint: string): string {
  if (typeof endpoint !== 'string' || endpoint.trim() === '') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'azureOpenAI: `endpoint` must be the resource endpoint or name.', { path: 'endpoint' });
  const text = endpoint.trim();
  if (/^[a-z0-9][a-z0-9-]*$/i.test(text)) return `https://${text}.openai.azure.com`;
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `azureOpenAI: \`endpoint\` ${JSON.stringify(text)} is neither a resource name nor a URL.`, { path: 'endpoint', cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `azureOpenAI: \`endpoint\` must be https://, got ${url.protocol}`, { path: 'endpoint' });
  return url.origin;
}

/**
 * Azure OpenAI's GA endpoints for a deployment, with an API key or an Entra ID token.
 *
 * @example
 * ```ts
 * const azure = azureOpenAI({ endpoint: 'my-resource', deployment: 'gpt-realtime', apiKey: process.env.AZURE_OPENAI_API_KEY });
 * const relay = createRelay({ upstream: azure.upstream, authenticate });
 * export const POST = createClientSecretHandler({ apiKey: azure.apiKey, baseUrl: azure.baseUrl, authHeaders: azure.authHeaders, model: azure.model, authenticate });
 * ```
 */
export function azureOpenAI(options: AzureOpenAIOptions): AzureOpenAI {
  if (typeof options?.deployment !== 'string' || options.deployment === '') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'azureOpenAI: `deployment` must name the realtime deployment.', { path: 'deployment' });
  const hasKey = options.apiKey !== undefined;
  const hasToken = options.entraToken !== undefined;
  if (hasKey === hasToken) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'azureOpenAI: give exactly one of `apiKey` (sent as api-key) and `entraToken` (sent as a bearer token).', { path: hasKey ? 'entraToken' : 'apiKey' });
  if (hasToken && typeof options.entraToken !== 'function') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'azureOpenAI: `entraToken` must be a function returning a token.', { path: 'entraToken' });
  const origin = resourceOrigin(options.endpoint);
  const baseUrl = `${origin}/openai/v1`;
  const apiKey: ApiKeyProvider = hasToken ? (options.entraToken as () => Promise<string>) : (options.apiKey as ApiKeyProvider);
  const authHeaders = hasToken ? bearerHeaders : (credential: string): Record<string, string> => ({ 'api-key': credential });
  const auth: UpstreamHeaders = async () => {
    const credential = await resolveApiKey(apiKey);
    if (typeof credential !== 'string' || credential === '') throw new RealtimeError('VOXWIRE_AUTHENTICATION_FAILED', 'azureOpenAI: the key or token provider returned nothing');
    return authHeaders(credential);
  };
  const realtimeUrl = `${baseUrl.replace(/^http/, 'ws')}/realtime`;
  return { model: options.deployment, baseUrl, realtimeUrl, apiKey, authHeaders, auth, upstream: { url: realtimeUrl, model: options.deployment, auth } };
}
