/**
 * Calls between the Worker and its Durable Objects: one JSON `POST` per call, answered with
 * JSON. Plain `fetch` on a stub (no `cloudflare:workers` import), so the entry loads anywhere
 * and the objects are plain classes.
 */
import { RealtimeError } from '../../base/errors';
import type { DurableObjectNamespaceLike } from './platform';

/** The origin of every call (a stub ignores the host; the path names the operation). */
const ORIGIN = 'https://voxwire.internal';

/** Calls operation `op` on the object named `name`; resolves to its JSON answer. */
export async function callObject<Answer>(namespace: DurableObjectNamespaceLike, name: string, op: string, body: unknown = {}): Promise<Answer> {
  const stub = namespace.get(namespace.idFromName(name) as never);
  const response = await stub.fetch(new Request(`${ORIGIN}/${op}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  if (!response.ok) throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', `the Durable Object ${JSON.stringify(name)} answered ${op} with HTTP ${response.status}: ${(await response.text().catch(() => '')).slice(0, 200)}`);
  return (await response.json()) as Answer;
}

/** The operation a call names, and its JSON body; undefined when the request is not a call. */
export async function readCall(request: Request): Promise<{ op: string; body: Record<string, unknown> } | undefined> {
  const url = new URL(request.url);
  if (request.method !== 'POST' || url.origin !== ORIGIN) return undefined;
  const body = (await request.json().catch(() => ({}))) as Record<string, unknown>;
  return { op: url.pathname.slice(1), body: typeof body === 'object' && body !== null ? body : {} };
}

/** A JSON answer to a call. */
export function answer(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value ?? null), { status, headers: { 'content-type': 'application/json' } });
}
