/**
 * Standard Webhooks signatures, as OpenAI signs its webhooks (`realtime.call.incoming`,
 * `live.transport.incoming`): the headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature` (space-separated `v1,<base64 HMAC-SHA256>` entries) over the text
 * `"<id>.<timestamp>.<raw body>"`, keyed by the endpoint's secret (`whsec_<base64 key>`).
 * WebCrypto only (`crypto.subtle`), so it runs in Node, Workers, Deno and Bun.
 */
import { decodeBase64, encodeBase64 } from '../../codec/base64';
import { DEFAULT_WEBHOOK_TOLERANCE_SECONDS } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';

/** Options of {@link verifyWebhook}. */
export interface WebhookVerifyOptions {
  /**
   * The endpoint's signing secret (`whsec_...`), or several while one is being rotated (a
   * delivery signed with any of them passes).
   */
  secret: string | readonly string[];
  /**
   * How far `webhook-timestamp` may be from now, in seconds, either way; older deliveries are
   * refused as replays.
   * @default 300
   */
  toleranceSeconds?: number;
  /** The clock, in ms since the epoch. @default Date.now */
  now?: () => number;
}

/** What a verified delivery says about itself. */
export interface VerifiedWebhook {
  /** `webhook-id`: the same for every retry of one delivery (dedupe on it). */
  id: string;
  /** `webhook-timestamp`, in Unix seconds. */
  timestamp: number;
}

/** Signatures in one header tried at most; more are ignored (bounded work per request). */
const MAX_SIGNATURES = 16;
const SIGNATURE_BYTES = 32;

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? Object.entries(record).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value.join(' ') : value;
}

function invalid(message: string, path?: string): RealtimeError {
  return new RealtimeError('VOXWIRE_WEBHOOK_INVALID', message, path === undefined ? {} : { path });
}

/** The HMAC key of a secret: `whsec_` + base64 is decoded; any other string is used as UTF-8, as the `openai` package does. */
function secretBytes(secret: string): Uint8Array {
  if (typeof secret !== 'string' || secret === '') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'The webhook secret must be a non-empty string (whsec_...).', { path: 'secret' });
  if (!secret.startsWith('whsec_')) return new TextEncoder().encode(secret);
  try {
    return decodeBase64(secret.slice('whsec_'.length));
  } catch (error) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'The webhook secret after `whsec_` is not valid base64; copy it whole from the webhook settings.', { path: 'secret', cause: error });
  }
}

function subtle(): SubtleCrypto {
  const crypto = (globalThis as { crypto?: Crypto }).crypto;
  if (crypto?.subtle === undefined) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'Webhook signatures need WebCrypto (globalThis.crypto.subtle).');
  return crypto.subtle;
}

async function hmacKey(secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  const bytes = secretBytes(secret);
  return subtle().importKey('raw', bytes as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/**
 * The `webhook-signature` value for a delivery: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 * The mock uses it to sign the webhooks it posts; apps use it to test their endpoints.
 */
export async function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): Promise<string> {
  const key = await hmacKey(secret, 'sign');
  const signature = await subtle().sign('HMAC', key, new TextEncoder().encode(`${id}.${timestampSeconds}.${body}`));
  return `v1,${encodeBase64(new Uint8Array(signature))}`;
}

/** The `v1` signatures of a header, decoded; entries of other versions or lengths are skipped. */
function signaturesOf(value: string): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (const entry of value.split(' ').slice(0, MAX_SIGNATURES)) {
    if (!entry.startsWith('v1,')) continue;
    try {
      const bytes = decodeBase64(entry.slice(3));
      if (bytes.byteLength === SIGNATURE_BYTES) found.push(bytes);
    } catch {
      // A malformed entry does not stop the next one from matching.
    }
  }
  return found;
}

/**
 * Verifies a delivery: the three headers are present, the timestamp is within the tolerance
 * (replays of old deliveries fail), and one `v1` signature is the HMAC of
 * `"<id>.<timestamp>.<body>"`. `body` is the raw text as received: verify before parsing.
 * Comparison is WebCrypto's `verify`, which does not leak where bytes differ.
 *
 * @throws {RealtimeError} `VOXWIRE_WEBHOOK_INVALID` saying which check failed.
 *
 * @example
 * ```ts
 * const body = await request.text();
 * const { id } = await verifyWebhook(body, request.headers, { secret: process.env.OPENAI_WEBHOOK_SECRET! });
 * ```
 */
export async function verifyWebhook(body: string, headers: HeaderSource, options: WebhookVerifyOptions): Promise<VerifiedWebhook> {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (secrets.length === 0) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'verifyWebhook needs at least one secret.', { path: 'secret' });
  // A misconfigured secret is the operator's error, reported before anything about the delivery.
  const keys = await Promise.all(secrets.map((secret) => hmacKey(secret, 'verify')));
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signature = header(headers, 'webhook-signature');
  if (id === undefined || id === '') throw invalid('the webhook-id header is missing', 'webhook-id');
  if (timestampText === undefined) throw invalid('the webhook-timestamp header is missing', 'webhook-timestamp');
  if (signature === undefined) throw invalid('the webhook-signature header is missing', 'webhook-signature');
  if (!/^\d{1,12}$/.test(timestampText)) throw invalid(`webhook-timestamp ${JSON.stringify(timestampText.slice(0, 32))} is not Unix seconds`, 'webhook-timestamp');
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  if (nowSeconds - timestamp > tolerance) throw invalid(`the delivery is ${nowSeconds - timestamp} s old, more than the ${tolerance} s replay window`, 'webhook-timestamp');
  if (timestamp - nowSeconds > tolerance) throw invalid(`the delivery is dated ${timestamp - nowSeconds} s in the future, more than the ${tolerance} s window`, 'webhook-timestamp');
  const candidates = signaturesOf(signature);
  if (candidates.length === 0) throw invalid('webhook-signature holds no v1 signature', 'webhook-signature');
  const signed = new TextEncoder().encode(`${id}.${timestampText}.${body}`);
  for (const key of keys) {
    for (const candidate of candidates) {
      if (await subtle().verify('HMAC', key, candidate as Uint8Array<ArrayBuffer>, signed)) return { id, timestamp };
    }
  }
  throw invalid('no signature matches the body under the webhook secret (was the body changed, or is the secret another endpoint\'s?)', 'webhook-signature');
}
