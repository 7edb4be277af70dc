/**
 * The hub: one Durable Object per relay that knows the live sessions (each session object
 * registers at its start and leaves at its end) and adds up every object's metrics. The
 * Worker's `/metrics` route renders them; its drain route fans out from here to each live
 * session object. Workers has no SIGTERM and no list of objects: the hub is that list.
 */
import type { RelayIdentity } from '../core/relay-options';
import { RelayMetrics, type RelayMetricsSnapshot } from '../metrics';
import { answer, callObject, readCall } from './object-rpc';
import type { DurableObjectStateLike, DurableObjectStorageLike } from './platform';
import type { RelayRuntime } from './relay-runtime';

/** A live session as the hub lists it. */
export interface HubSession {
  /** The session id (its object's name). */
  sessionId: string;
  /** The session's user. */
  userId: string;
  /** When the session object registered, epoch milliseconds. */
  startedAt: number;
}

const LIVE_KEY = 'live';
const METRICS_KEY = 'metrics';

/** The class of the hub object of one relay (`createCloudflareRelay` makes it). */
export type HubObjectClass = new (state: DurableObjectStateLike, env: unknown) => {
  /** Answers the calls of the Worker and the session objects. */
  fetch(request: Request): Promise<Response>;
};

function isSnapshot(value: unknown): value is RelayMetricsSnapshot {
  return typeof value === 'object' && value !== null && typeof (value as RelayMetricsSnapshot).latency === 'object' && typeof (value as RelayMetricsSnapshot).sessionsEnded === 'object';
}

/** Makes the hub object class of a relay whose runtime `resolve` gives for an `env`. */
export function hubObjectClass<Identity extends RelayIdentity>(resolve: (env: unknown) => RelayRuntime<Identity>): HubObjectClass {
  return class VoxwireHubObject {
    readonly #storage: DurableObjectStorageLike;
    readonly #env: unknown;
    #loaded: Promise<{ live: Map<string, HubSession>; metrics: RelayMetrics }> | undefined;

    constructor(state: DurableObjectStateLike, env: unknown) {
      this.#storage = state.storage;
      this.#env = env;
    }

    async fetch(request: Request): Promise<Response> {
      const call = await readCall(request);
      if (call === undefined) return new Response('not found', { status: 404 });
      const runtime = resolve(this.#env);
      const { live, metrics } = await this.#load(runtime);
      const { op, body } = call;
      const change = isSnapshot(body.change) ? body.change : undefined;
      const sessionId = typeof body.sessionId === 'string' ? body.sessionId : undefined;
      switch (op) {
        case 'started':
          if (sessionId !== undefined) live.set(sessionId, { sessionId, userId: String(body.userId), startedAt: Date.now() });
          break;
        case 'ended':
          if (sessionId !== undefined) live.delete(sessionId);
          break;
        case 'report':
          break;
        case 'metrics':
          // The live list is the truth for the gauge (an object that died without a word is dropped by a drain).
          metrics.activeSessions = live.size;
          return answer({ text: metrics.render() });
        case 'sessions':
          return answer([...live.values()]);
        case 'drain':
          return answer({ draining: await this.#drain(runtime, live, typeof body.drainMs === 'number' ? body.drainMs : undefined) });
        default:
          return new Response(`unknown operation ${op}`, { status: 404 });
      }
      if (change !== undefined) metrics.add(change);
      await this.#storage.put(LIVE_KEY, [...live.values()]);
      await this.#storage.put(METRICS_KEY, metrics.snapshot());
      return answer(null);
    }

    /** Tells every live session object to drain; forgets those that hold no session. Resolves to how many drain. */
    async #drain(runtime: RelayRuntime<Identity>, live: Map<string, HubSession>, drainMs: number | undefined): Promise<number> {
      const answers = await Promise.all(
        [...live.keys()].map(async (sessionId) => {
          const result = await callObject<{ live: boolean }>(runtime.sessions, sessionId, 'drain', drainMs === undefined ? {} : { drainMs }).catch(() => ({ live: false }));
          if (!result.live) live.delete(sessionId);
          return result.live;
        }),
      );
      await this.#storage.put(LIVE_KEY, [...live.values()]);
      return answers.filter(Boolean).length;
    }

    #load(runtime: RelayRuntime<Identity>): Promise<{ live: Map<string, HubSession>; metrics: RelayMetrics }> {
      this.#loaded ??= (async () => {
        const metrics = new RelayMetrics({ ...runtime.options.metrics?.options, logger: runtime.logger });
        const stored = await this.#storage.get<RelayMetricsSnapshot>(METRICS_KEY);
        if (isSnapshot(stored)) metrics.add(stored);
        const sessions = (await this.#storage.get<HubSession[]>(LIVE_KEY)) ?? [];
        return { live: new Map(sessions.map((session) => [session.sessionId, session])), metrics };
      })();
      return this.#loaded;
    }
  }
}
