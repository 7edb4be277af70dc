/**
 * The options of the Node relay (`createRelay`): the upstream it dials, the path it serves,
 * its heartbeat, and how it listens and closes.
 */
import type { RelayCoreOptions, RelayIdentity } from '../core/relay-options';
import type { RelayUpstreamOptions } from '../relay-upstream';

export type { RelayUpstreamOptions } from '../relay-upstream';

/** Options of {@link createRelay}. */
export interface CreateRelayOptions<Identity extends RelayIdentity = RelayIdentity> extends Omit<RelayCoreOptions<Identity>, 'model'> {
  /** The upstream Realtime API. */
  upstream: RelayUpstreamOptions<Identity>;
  /**
   * The path WebSocket upgrades are served on (by `listen`, and by `attach` unless it is
   * given its own).
   * @default DEFAULT_RELAY_PATH ('/realtime')
   */
  path?: string;
  /**
   * How often clients are pinged; one that has not answered the previous ping is dropped
   * (its concurrency slot freed). `Infinity` turns heartbeats off.
   * @default DEFAULT_RELAY_PING_INTERVAL_MS (30 s)
   */
  pingIntervalMs?: number;
  /**
   * Signals that drain the relay (`relay.close()`: stop admitting, warn clients, close the rest
   * with 4000 after `drainMs`), installed when it starts serving (`listen` or `attach`) and
   * removed when it closes. A second signal closes the live sessions at once. When the relay
   * has closed and nothing else listens to the signal, the signal is raised again so the
   * process exits as it would have. Your own listener for the signal keeps the exit yours.
   * `false` installs none (call `relay.close()` yourself).
   * @default DEFAULT_RELAY_DRAIN_SIGNALS (['SIGTERM'])
   */
  drainOnSignals?: readonly NodeJS.Signals[] | false;
}

/** Options of {@link NodeRelay.listen}. */
export interface RelayListenOptions {
  /**
   * The interface to listen on.
   * @default undefined (all interfaces, as `server.listen` does)
   */
  host?: string;
  /**
   * A path that answers 200 (or 503 while draining), for load-balancer health checks.
   * `null` turns it off.
   * @default '/healthz'
   */
  healthPath?: string | null;
  /**
   * A path that serves the Prometheus metrics. Off by default: metrics are operational data;
   * serve them on an internal port or with `relay.metrics.handler`.
   * @default null
   */
  metricsPath?: string | null;
}

/** Where {@link NodeRelay.listen} listens. */
export interface RelayAddress {
  /** The port (the one picked when 0 was asked for). */
  port: number;
  /** The WebSocket URL clients connect to. */
  url: string;
}

/** Options of {@link NodeRelay.close}. */
export interface RelayCloseOptions {
  /**
   * How long sessions may go on after clients are told the relay is draining; the rest are
   * closed with 4000 (they reconnect to another node).
   * @default the relay's `drainMs` option (DEFAULT_RELAY_DRAIN_MS, 25 s)
   */
  drainMs?: number;
}
