/**
 * One Durable Objects relay as a Worker or one of its objects sees it: the options resolved
 * for an `env` (once per isolate), its bindings, the user-object budget store, and the relay
 * core each piece runs (the Worker admits with one; each session object relays with its own).
 */
import { DEFAULT_RELAY_PATH } from '../../base/defaults';
import { RealtimeError } from '../../base/errors';
import { consoleLogger, type Logger } from '../../base/logger';
import { RelayCore } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import { metricsChange, RelayMetrics, type RelayMetricsSnapshot } from '../metrics';
import { checkRelayUpstream, createRelayUpstream } from '../relay-upstream';
import type { Upstream } from '../upstream';
import type { CloudflareRelayConfig, CloudflareRelayOptions } from './cloudflare-relay-options';
import { callObject } from './object-rpc';
import { fetchUpstream, type DurableObjectNamespaceLike } from './platform';
import { DurableObjectBudgetStore } from './user-object';

/** The name of the one hub object. */
export const HUB_OBJECT_NAME = 'voxwire-hub';

const DEFAULT_BINDINGS = { sessions: 'VOXWIRE_SESSIONS', users: 'VOXWIRE_USERS', hub: 'VOXWIRE_HUB' } as const;

/** The options a route of the relay answers with: its path and token, or undefined when off. */
export interface ResolvedRoute {
  readonly path: string;
  readonly token: string;
}

function namespaceOf(env: unknown, name: string, role: string): DurableObjectNamespaceLike {
  const binding = (env as Record<string, unknown> | undefined)?.[name] as Partial<DurableObjectNamespaceLike> | undefined;
  if (typeof binding?.idFromName !== 'function' || typeof binding.get !== 'function') {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `createCloudflareRelay(): the Worker has no Durable Object binding \`${name}\` (the ${role} objects); declare it in wrangler.toml ([[durable_objects.bindings]] name = "${name}") or name yours in \`bindings\`.`,
      { path: 'bindings' },
    );
  }
  return binding as DurableObjectNamespaceLike;
}

function routeOf(route: { token: string; path?: string } | undefined, defaultPath: string): ResolvedRoute | undefined {
  if (route === undefined || typeof route.token !== 'string' || route.token === '') return undefined;
  return { path: route.path ?? defaultPath, token: route.token };
}

/** True when nothing changed between two snapshots (nothing to report). */
function isEmptyChange(change: RelayMetricsSnapshot): boolean {
  const numbers = [
    change.activeSessions,
    change.sessionsStarted,
    change.clientToUpstream.frames,
    change.upstreamToClient.frames,
    change.latency.count,
    ...Object.values(change.sessionsEnded),
    ...Object.values(change.framesRejected),
    ...Object.values(change.budgetRejections),
    ...Object.values(change.connectionsRejected),
    ...Object.values(change.toolCalls),
  ];
  return numbers.every((value) => value === 0);
}

/** A relay resolved for one `env`. */
export class RelayRuntime<Identity extends RelayIdentity> {
  readonly options: CloudflareRelayOptions<Identity>;
  readonly model: string;
  readonly path: string;
  readonly logger: Logger;
  readonly sessions: DurableObjectNamespaceLike;
  readonly users: DurableObjectNamespaceLike;
  readonly hub: DurableObjectNamespaceLike;
  readonly store: DurableObjectBudgetStore;
  readonly metricsRoute: ResolvedRoute | undefined;
  readonly adminRoute: ResolvedRoute | undefined;
  #admission: { core: RelayCore<Identity>; reported: RelayMetricsSnapshot } | undefined;

  constructor(options: CloudflareRelayOptions<Identity>, env: unknown) {
    this.options = options;
    this.model = checkRelayUpstream('createCloudflareRelay()', options);
    this.path = options.path ?? DEFAULT_RELAY_PATH;
    this.logger = options.logger ?? consoleLogger;
    const bindings = { ...DEFAULT_BINDINGS, ...options.bindings };
    this.sessions = namespaceOf(env, bindings.sessions, 'session');
    this.users = namespaceOf(env, bindings.users, 'user');
    this.hub = namespaceOf(env, bindings.hub, 'hub');
    this.store = new DurableObjectBudgetStore(this.users);
    this.metricsRoute = routeOf(options.metrics, '/metrics');
    this.adminRoute = routeOf(options.admin, '/admin');
  }

  /** A relay core on these options, with its own metrics (the hub adds them up). */
  newCore(): RelayCore<Identity> {
    const { upstream: _upstream, path: _path, metrics, admin: _admin, bindings: _bindings, fetch: _fetch, budget, ...core } = this.options;
    return new RelayCore<Identity>({
      ...core,
      model: this.model,
      logger: this.logger,
      budget: { ...budget, store: this.store },
      metrics: new RelayMetrics({ ...metrics?.options, logger: this.logger }),
    });
  }

  /** The core the Worker admits connections with (one per isolate). */
  get admissionCore(): RelayCore<Identity> {
    this.#admission ??= (() => {
      const core = this.newCore();
      return { core, reported: core.metrics.snapshot() };
    })();
    return this.#admission.core;
  }

  /** What the admission core counted since it last reported (undefined: nothing). */
  takeAdmissionMetrics(): RelayMetricsSnapshot | undefined {
    const admission = this.#admission;
    if (admission === undefined) return undefined;
    const now = admission.core.metrics.snapshot();
    const change = RelayRuntime.change(now, admission.reported);
    admission.reported = now;
    return change;
  }

  /** The upstream endpoint, dialed with `fetch` (the session object's core's clock). */
  upstreamFor(core: RelayCore<Identity>): Upstream<Identity> {
    return createRelayUpstream(this.options.upstream, {
      model: this.model,
      translation: Boolean(this.options.translation),
      live: this.options.live !== undefined,
      createSocket: fetchUpstream(this.options.fetch),
      clock: core.settings.clock,
    });
  }

  /** Calls the hub; a failure is logged (metrics and the live list must never break a session). */
  async callHub<Answer>(op: string, body: unknown = {}): Promise<Answer | undefined> {
    try {
      return await callObject<Answer>(this.hub, HUB_OBJECT_NAME, op, body);
    } catch (error) {
      this.logger.warn(`relay: the hub object did not take ${op}`, { error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  /** What changed in a core's metrics since `before`, or undefined when nothing did. */
  static change(now: RelayMetricsSnapshot, before: RelayMetricsSnapshot): RelayMetricsSnapshot | undefined {
    const change = metricsChange(now, before);
    return isEmptyChange(change) ? undefined : change;
  }
}

/** Resolves a config per `env`, once per isolate. */
export function runtimeResolver<Env, Identity extends RelayIdentity>(config: CloudflareRelayConfig<Env, Identity>): (env: Env) => RelayRuntime<Identity> {
  const byEnv = new WeakMap<object, RelayRuntime<Identity>>();
  return (env) => {
    const key = (typeof env === 'object' && env !== null ? env : byEnv) as object;
    let runtime = byEnv.get(key);
    if (runtime === undefined) {
      runtime = new RelayRuntime<Identity>(typeof config === 'function' ? config(env) : config, env);
      byEnv.set(key, runtime);
    }
    return runtime;
  };
}
