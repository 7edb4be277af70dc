/**
 * `createCloudflareRelay`: the relay on Cloudflare Workers and Durable Objects. The Worker's
 * `fetch` authenticates each WebSocket upgrade with the relay core (origin, `authenticate`,
 * the user's budget and a concurrency slot, kept in the user's object), then hands the
 * connection to a Durable Object of its own, which dials the upstream and relays. Sessions,
 * users and the hub are three object classes the app exports under its `wrangler.toml` names.
 */
import type { RelayIdentity } from '../core/relay-options';
import type { CloudflareRelayConfig } from './cloudflare-relay-options';
import { hubObjectClass, type HubObjectClass, type HubSession } from './hub-object';
import { clientSocketOf, newWebSocketPair, upgradeResponse, type ExecutionContextLike } from './platform';
import { runtimeResolver, type RelayRuntime, type ResolvedRoute } from './relay-runtime';
import { carryTicket, sessionObjectClass, TICKET_HEADER, type SessionObjectClass } from './session-object';
import { UserBudgetObject } from './user-object';

/** What `createCloudflareRelay` returns: the Worker's handler and the three object classes to export. */
export interface CloudflareRelay<Env> {
  /**
   * The Worker's `fetch`: WebSocket upgrades on the relay's path, the metrics and admin routes
   * when configured, 404 for anything else (put your own routes first).
   */
  fetch(request: Request, env: Env, ctx?: ExecutionContextLike): Promise<Response>;
  /** The session object class: export it under the `class_name` of the `sessions` binding. */
  readonly SessionObject: SessionObjectClass;
  /** The user object class (budget and concurrency): export it under the `users` binding's `class_name`. */
  readonly UserObject: typeof UserBudgetObject;
  /** The hub object class (live sessions, metrics, drain): export it under the `hub` binding's `class_name`. */
  readonly HubObject: HubObjectClass;
}

const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** Compares a bearer token without stopping at the first differing character. */
function authorized(request: Request, route: ResolvedRoute): boolean {
  const given = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
  let difference = given.length ^ route.token.length;
  for (let index = 0; index < route.token.length; index += 1) difference |= (given.charCodeAt(index) || 0) ^ route.token.charCodeAt(index);
  return difference === 0;
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...TEXT, ...headers } });
}

async function connect<Identity extends RelayIdentity>(runtime: RelayRuntime<Identity>, request: Request, ctx: ExecutionContextLike | undefined): Promise<Response> {
  const core = runtime.admissionCore;
  const admission = await core.admit(request, { remoteAddress: request.headers.get('cf-connecting-ip') ?? undefined });
  const report = (): void => {
    const change = runtime.takeAdmissionMetrics();
    if (change === undefined) return;
    const reported = runtime.callHub('report', { change });
    if (ctx === undefined) void reported;
    else ctx.waitUntil(reported);
  };
  if (admission.status === 'rejected') {
    report();
    return new Response(admission.body, { status: admission.httpStatus, headers: admission.headers });
  }
  if (admission.status === 'refused') {
    // Over budget or over the concurrency cap: upgrade, say why, close (4002 / 4004), so the client does not retry.
    const [client, server] = newWebSocketPair();
    server.accept();
    core.refuse(admission, clientSocketOf(server));
    report();
    return upgradeResponse(client);
  }
  const { ticket } = admission;
  const headers = new Headers(request.headers);
  headers.set(TICKET_HEADER, carryTicket(ticket));
  try {
    const stub = runtime.sessions.get(runtime.sessions.idFromName(ticket.sessionId) as never);
    const response = await stub.fetch(new Request(request.url, { method: 'GET', headers }));
    return response;
  } catch (error) {
    core.abandon(ticket);
    runtime.logger.error('relay: the session object could not be reached', { sessionId: ticket.sessionId, error: error instanceof Error ? error.message : String(error) });
    return text(502, 'relay unavailable');
  }
}

async function admin<Identity extends RelayIdentity>(runtime: RelayRuntime<Identity>, request: Request, route: ResolvedRoute, rest: string): Promise<Response> {
  if (rest === '/drain' && request.method === 'POST') {
    const asked = new URL(request.url).searchParams.get('drainMs');
    const drainMs = asked === null ? undefined : Number(asked);
    if (drainMs !== undefined && !(drainMs >= 0)) return text(400, '`drainMs` must be a number >= 0');
    const result = await runtime.callHub<{ draining: number }>('drain', drainMs === undefined ? {} : { drainMs });
    if (result === undefined) return text(502, 'the hub object did not answer');
    return Response.json(result);
  }
  if (rest === '/sessions' && request.method === 'GET') {
    const sessions = await runtime.callHub<HubSession[]>('sessions');
    return sessions === undefined ? text(502, 'the hub object did not answer') : Response.json(sessions);
  }
  return text(404, `not found (${route.path}/drain, ${route.path}/sessions)`);
}

/**
 * The relay on Cloudflare Workers and Durable Objects: one object per session (holding the
 * client's and the upstream's WebSockets), one per user (budget and concurrency, strongly
 * consistent), one hub (live sessions, metrics, drain). The options are the Node relay's
 * (`authenticate`, `policy`, `limits`, `budget`, `upstream`), given as an object or as a
 * function of `env` for secrets. docs/cloudflare.md walks through a deployment.
 *
 * @example
 * ```ts
 * import { createCloudflareRelay } from 'voxwire/server/cloudflare';
 *
 * interface Env { OPENAI_API_KEY: string; METRICS_TOKEN: string }
 *
 * const relay = createCloudflareRelay<Env>((env) => ({
 *   upstream: { apiKey: env.OPENAI_API_KEY, model: 'gpt-realtime-2.1' },
 *   authenticate: async (request) => {
 *     const token = new URL(request.url).searchParams.get('token');
 *     return token === null ? null : { userId: token };
 *   },
 *   limits: { maxDurationMs: 10 * 60_000, maxSessionsPerUser: 2 },
 *   budget: { dailyLimit: 600 },
 *   metrics: { token: env.METRICS_TOKEN },
 * }));
 *
 * export default { fetch: relay.fetch };
 * export const VoxwireSession = relay.SessionObject;
 * export const VoxwireUser = relay.UserObject;
 * export const VoxwireHub = relay.HubObject;
 * ```
 */
export function createCloudflareRelay<Env = unknown, Identity extends RelayIdentity = RelayIdentity>(config: CloudflareRelayConfig<Env, Identity>): CloudflareRelay<Env> {
  const resolve = runtimeResolver<Env, Identity>(config);
  const resolveAny = resolve as (env: unknown) => RelayRuntime<Identity>;
  return {
    fetch: async (request, env, ctx) => {
      const runtime = resolve(env);
      const path = new URL(request.url).pathname;
      if (path === runtime.path) {
        if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return text(426, 'WebSocket upgrade required');
        return connect(runtime, request, ctx);
      }
      const metrics = runtime.metricsRoute;
      if (metrics !== undefined && path === metrics.path) {
        if (!authorized(request, metrics)) return text(401, 'unauthorized', { 'www-authenticate': 'Bearer' });
        const rendered = await runtime.callHub<{ text: string }>('metrics');
        if (rendered === undefined) return text(502, 'the hub object did not answer');
        return new Response(rendered.text, { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });
      }
      const adminRoute = runtime.adminRoute;
      if (adminRoute !== undefined && (path === adminRoute.path || path.startsWith(`${adminRoute.path}/`))) {
        if (!authorized(request, adminRoute)) return text(401, 'unauthorized', { 'www-authenticate': 'Bearer' });
        return admin(runtime, request, adminRoute, path.slice(adminRoute.path.length));
      }
      return text(404, 'not found');
    },
    SessionObject: sessionObjectClass(resolveAny),
    UserObject: UserBudgetObject,
    HubObject: hubObjectClass(resolveAny),
  };
}
