/**
 * The voxwire relay as a Cloudflare Worker with Durable Objects, deployable as is with the
 * wrangler.toml beside it (docs/cloudflare.md). Browsers connect to
 * `wss://<worker>/realtime?token=<userId>.<signature>`, where your app server signs the user id
 * with AUTH_SECRET (HMAC-SHA256, base64url):
 *
 *   const signature = createHmac('sha256', AUTH_SECRET).update(userId).digest('base64url');
 *
 * The OpenAI key stays in the Worker's secrets.
 */
import { createCloudflareRelay } from 'voxwire/server/cloudflare';

interface Env {
  OPENAI_API_KEY: string;
  AUTH_SECRET: string;
  METRICS_TOKEN?: string;
  ADMIN_TOKEN?: string;
  REALTIME_MODEL?: string;
  /** Another Realtime endpoint (a compatible server, a test double). */
  REALTIME_URL?: string;
}

const encoder = new TextEncoder();

function base64url(bytes: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** The user id a `<userId>.<signature>` token carries, when AUTH_SECRET signed it. */
async function verifiedUser(token: string | null, secret: string): Promise<string | undefined> {
  const dot = token?.lastIndexOf('.') ?? -1;
  if (token === null || dot <= 0 || secret === '') return undefined;
  const userId = token.slice(0, dot);
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = base64url(await crypto.subtle.sign('HMAC', key, encoder.encode(userId)));
  const given = token.slice(dot + 1);
  let difference = expected.length ^ given.length;
  for (let index = 0; index < expected.length; index += 1) difference |= expected.charCodeAt(index) ^ (given.charCodeAt(index) || 0);
  return difference === 0 ? userId : undefined;
}

const relay = createCloudflareRelay<Env>((env) => ({
  upstream: { apiKey: env.OPENAI_API_KEY, model: env.REALTIME_MODEL ?? 'gpt-realtime-2.1', ...(env.REALTIME_URL ? { url: env.REALTIME_URL } : {}) },
  authenticate: async (request) => {
    const userId = await verifiedUser(new URL(request.url).searchParams.get('token'), env.AUTH_SECRET);
    return userId === undefined ? null : { userId };
  },
  policy: { session: { instructions: 'You are a helpful voice assistant. Keep answers short.' }, maxOutputTokens: 1024 },
  limits: { maxDurationMs: 10 * 60_000, maxSessionsPerUser: 2 },
  // Ten minutes of audio (in and out) per user per UTC day.
  budget: { dailyLimit: 600 },
  metrics: { token: env.METRICS_TOKEN ?? '' },
  admin: { token: env.ADMIN_TOKEN ?? '' },
}));

export default { fetch: relay.fetch };
export const VoxwireSession = relay.SessionObject;
export const VoxwireUser = relay.UserObject;
export const VoxwireHub = relay.HubObject;
