/**
 * Relay metrics: counters, a gauge and a latency histogram kept as plain numbers (the hot
 * path only adds to fields), exposed as Prometheus text through a Web-standard handler and as
 * events for any other sink (StatsD, OpenTelemetry, logs).
 */
import { EventEmitter } from '../base/emitter';
import { DEFAULT_RELAY_LATENCY_BUCKETS_SECONDS } from '../base/defaults';
import { consoleLogger, type Logger } from '../base/logger';
import { RELAY_END_REASONS, type RelayEndReason } from './core/end-reason';

/** Why a client frame was refused, as metrics label it. */
export type FrameRejectReason = 'too_large' | 'invalid' | 'not_allowed' | 'policy';

/** Where a budget refusal happened: at connect, or mid-session. */
export type BudgetRejectionStage = 'connect' | 'session';

/** Why a connection was refused before or at the upgrade, as metrics label it. */
export type ConnectionRejectReason = 'origin' | 'authentication' | 'draining' | 'concurrency' | 'budget' | 'model' | 'upstream' | 'error';

/** The outcome of one server-side tool call. */
export type ToolCallOutcome = 'ok' | 'error';

/** The events of {@link RelayMetrics}, for sinks other than Prometheus. */
export interface RelayMetricsEvents {
  /** A session opened. */
  sessionStarted: [
    event: {
      /** The session that opened. */
      sessionId: string;
      /** The user the session is charged to. */
      userId: string;
    },
  ];
  /** A session ended. */
  sessionEnded: [
    event: {
      /** The session that ended. */
      sessionId: string;
      /** The user the session was charged to. */
      userId: string;
      /** Why it ended. */
      reason: RelayEndReason;
      /** How long it lasted, from its start to its end, in milliseconds of the relay's clock. */
      durationMs: number;
    },
  ];
  /** A user was refused (at connect) or cut off (mid-session) by the budget. */
  budgetRejected: [
    event: {
      /** The user over budget. */
      userId: string;
      /** Whether the user was refused at connect or cut off mid-session. */
      stage: BudgetRejectionStage;
    },
  ];
  /**
   * A connection was refused: `status` is the HTTP status, or 101 when the upgrade completed
   * and the socket was closed with a close code (budget 4002, concurrency 4004).
   */
  connectionRejected: [
    event: {
      /** Why the connection was refused. */
      reason: ConnectionRejectReason;
      /** The HTTP status of the refusal, or 101 when the socket was closed after the upgrade. */
      status: number;
    },
  ];
  /** A client frame was refused with an `error` event. */
  frameRejected: [
    event: {
      /** The session whose client sent the frame. */
      sessionId: string;
      /** Why the frame was refused. */
      reason: FrameRejectReason;
    },
  ];
  /** A server-side tool call finished. */
  toolCall: [
    event: {
      /** The session the call belongs to. */
      sessionId: string;
      /** The tool's name. */
      name: string;
      /** Whether the tool returned (`ok`) or the call failed (`error`). */
      outcome: ToolCallOutcome;
      /** How long `execute` ran, in milliseconds; undefined when it never started. */
      durationMs: number | undefined;
    },
  ];
}

/** Options for {@link RelayMetrics}. */
export interface RelayMetricsOptions {
  /**
   * Prefix of every metric name.
   * @default 'voxwire_relay_'
   */
  prefix?: string;
  /**
   * Upper bounds of the latency histogram's buckets, in seconds, ascending.
   * @default DEFAULT_RELAY_LATENCY_BUCKETS_SECONDS (50 µs to 100 ms)
   */
  latencyBucketsSeconds?: readonly number[];
  /**
   * Labels added to every sample (for example `{ node: 'relay-1' }`).
   * @default {}
   */
  labels?: Readonly<Record<string, string>>;
  /**
   * Where a listener that throws is reported (a sink's bug never breaks the relay).
   * @default consoleLogger
   */
  logger?: Logger;
}

/** A copy of every metric, as {@link RelayMetrics.snapshot} returns it. */
export interface RelayMetricsSnapshot {
  /** Sessions open now. */
  activeSessions: number;
  /** Sessions opened since start. */
  sessionsStarted: number;
  /** Sessions ended, by reason. */
  sessionsEnded: Record<RelayEndReason, number>;
  /** Frames and bytes relayed from clients to the upstream. */
  clientToUpstream: {
    /** Frames relayed. */
    frames: number;
    /** Bytes relayed. */
    bytes: number;
  };
  /** Frames and bytes relayed from the upstream to clients (relay events included). */
  upstreamToClient: {
    /** Frames sent to clients. */
    frames: number;
    /** Bytes sent to clients. */
    bytes: number;
  };
  /** Client frames refused, by reason. */
  framesRejected: Record<FrameRejectReason, number>;
  /** Budget refusals, by stage. */
  budgetRejections: Record<BudgetRejectionStage, number>;
  /** Connections refused, by reason. */
  connectionsRejected: Record<ConnectionRejectReason, number>;
  /** Server-side tool calls, by outcome. */
  toolCalls: Record<ToolCallOutcome, number>;
  /** GPT-Live sessions (a relay with `live`), counted apart from the totals above, which include them. */
  live: {
    /** Live sessions opened. */
    sessionsStarted: number;
    /** Live sessions ended, by reason. */
    sessionsEnded: Record<RelayEndReason, number>;
    /** Seconds of Live session the API reported (`session.usage.updated`). */
    seconds: number;
    /** Live frames relayed from clients to the upstream. */
    clientToUpstreamFrames: number;
    /** Live frames sent to clients. */
    upstreamToClientFrames: number;
  };
  /** The relay-added latency histogram (time from a frame's arrival to its forwarding; one frame in 8 is timed). */
  latency: {
    /** Upper bounds of the buckets, in seconds, ascending. */
    bucketsSeconds: number[];
    /**
     * Timed frames per bucket (not cumulative): `counts[i]` is those above the previous bound
     * and at most `bucketsSeconds[i]`; the extra last entry is those above the last bound.
     */
    counts: number[];
    /** The sum of every timed frame's latency, in seconds. */
    sumSeconds: number;
    /** How many frames were timed. */
    count: number;
  };
}

const FRAME_REJECT_REASONS: readonly FrameRejectReason[] = ['too_large', 'invalid', 'not_allowed', 'policy'];
const BUDGET_STAGES: readonly BudgetRejectionStage[] = ['connect', 'session'];
const CONNECTION_REJECT_REASONS: readonly ConnectionRejectReason[] = ['origin', 'authentication', 'draining', 'concurrency', 'budget', 'model', 'upstream', 'error'];
const TOOL_OUTCOMES: readonly ToolCallOutcome[] = ['ok', 'error'];

function zeroes<Key extends string>(keys: readonly Key[]): Record<Key, number> {
  const record = {} as Record<Key, number>;
  for (const key of keys) record[key] = 0;
  return record;
}

/** Adds `change`'s counts to `into`, key by key (keys `into` does not list are kept too). */
function addCounts(into: Record<string, number>, change: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(change)) if (Number.isFinite(value)) into[key] = (into[key] ?? 0) + value;
}

function subtractCounts<Key extends string>(current: Record<Key, number>, before: Record<Key, number>): Record<Key, number> {
  const result = { ...current };
  for (const key of Object.keys(result) as Key[]) result[key] -= before[key] ?? 0;
  return result;
}

/**
 * What changed between two snapshots of one {@link RelayMetrics} (`current` minus `before`),
 * for {@link RelayMetrics.add} elsewhere.
 */
export function metricsChange(current: RelayMetricsSnapshot, before: RelayMetricsSnapshot): RelayMetricsSnapshot {
  return {
    activeSessions: current.activeSessions - before.activeSessions,
    sessionsStarted: current.sessionsStarted - before.sessionsStarted,
    sessionsEnded: subtractCounts(current.sessionsEnded, before.sessionsEnded),
    clientToUpstream: { frames: current.clientToUpstream.frames - before.clientToUpstream.frames, bytes: current.clientToUpstream.bytes - before.clientToUpstream.bytes },
    upstreamToClient: { frames: current.upstreamToClient.frames - before.upstreamToClient.frames, bytes: current.upstreamToClient.bytes - before.upstreamToClient.bytes },
    framesRejected: subtractCounts(current.framesRejected, before.framesRejected),
    budgetRejections: subtractCounts(current.budgetRejections, before.budgetRejections),
    connectionsRejected: subtractCounts(current.connectionsRejected, before.connectionsRejected),
    toolCalls: subtractCounts(current.toolCalls, before.toolCalls),
    live: {
      sessionsStarted: current.live.sessionsStarted - before.live.sessionsStarted,
      sessionsEnded: subtractCounts(current.live.sessionsEnded, before.live.sessionsEnded),
      seconds: current.live.seconds - before.live.seconds,
      clientToUpstreamFrames: current.live.clientToUpstreamFrames - before.live.clientToUpstreamFrames,
      upstreamToClientFrames: current.live.upstreamToClientFrames - before.live.upstreamToClientFrames,
    },
    latency: {
      bucketsSeconds: current.latency.bucketsSeconds,
      counts: current.latency.counts.map((count, index) => count - (before.latency.counts[index] ?? 0)),
      sumSeconds: current.latency.sumSeconds - before.latency.sumSeconds,
      count: current.latency.count - before.latency.count,
    },
  };
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/**
 * The relay's metrics. One instance per relay (pass your own to share it between relays or
 * to listen before the relay starts). `handler` serves them in the Prometheus text format.
 *
 * @example
 * ```ts
 * const metrics = new RelayMetrics({ labels: { node: process.env.HOSTNAME ?? 'relay' } });
 * const relay = createRelay({ ..., metrics });
 * app.get('/metrics', (c) => metrics.handler(c.req.raw)); // Hono
 * metrics.on('sessionEnded', ({ reason }) => statsd.increment(`relay.ended.${reason}`));
 * ```
 */
export class RelayMetrics extends EventEmitter<RelayMetricsEvents> {
  /** Sessions open now: the primary scaling metric. */
  activeSessions = 0;
  /** Sessions opened since start. */
  sessionsStarted = 0;
  /** 1 while the relay drains (refusing new sessions, closing live ones at its deadline), else 0. */
  draining: 0 | 1 = 0;
  /** Frames relayed from clients to the upstream. */
  clientFrames = 0;
  /** Bytes relayed from clients to the upstream. */
  clientBytes = 0;
  /** Frames sent to clients. */
  upstreamFrames = 0;
  /** Bytes sent to clients. */
  upstreamBytes = 0;
  /** GPT-Live sessions opened (also counted in `sessionsStarted`). */
  liveSessionsStarted = 0;
  /** Seconds of GPT-Live session the API reported. */
  liveSeconds = 0;
  /** GPT-Live frames relayed from clients to the upstream (also counted in `clientFrames`). */
  liveClientFrames = 0;
  /** GPT-Live frames sent to clients (also counted in `upstreamFrames`). */
  liveUpstreamFrames = 0;

  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #labelText: string;
  readonly #buckets: number[];
  readonly #bucketCounts: number[];
  // A typed array, not a field: a double field would allocate a heap number on every frame.
  readonly #latencyTotals = new Float64Array(2);
  readonly #ended = zeroes(RELAY_END_REASONS);
  readonly #rejectedFrames = zeroes(FRAME_REJECT_REASONS);
  readonly #budgetRejections = zeroes(BUDGET_STAGES);
  readonly #rejectedConnections = zeroes(CONNECTION_REJECT_REASONS);
  readonly #toolOutcomes = zeroes(TOOL_OUTCOMES);
  readonly #liveEnded = zeroes(RELAY_END_REASONS);

  constructor(options: RelayMetricsOptions = {}) {
    super();
    this.#prefix = options.prefix ?? 'voxwire_relay_';
    this.#logger = options.logger ?? consoleLogger;
    this.#buckets = [...(options.latencyBucketsSeconds ?? DEFAULT_RELAY_LATENCY_BUCKETS_SECONDS)].sort((a, b) => a - b);
    this.#bucketCounts = new Array<number>(this.#buckets.length + 1).fill(0);
    this.#labelText = Object.entries(options.labels ?? {})
      .map(([name, value]) => `${name}="${escapeLabel(value)}"`)
      .join(',');
  }

  /**
   * Serves the metrics as Prometheus text (`text/plain; version=0.0.4`). A Web-standard
   * handler: mount it on any path of any framework.
   */
  readonly handler = (_request?: Request): Response =>
    new Response(this.render(), { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' } });

  /** Records the relay-added latency of one frame, in seconds. */
  observeLatency(seconds: number): void {
    const buckets = this.#buckets;
    let index = 0;
    while (index < buckets.length && seconds > (buckets[index] as number)) index += 1;
    this.#bucketCounts[index] = (this.#bucketCounts[index] as number) + 1;
    const totals = this.#latencyTotals;
    totals[0] = (totals[0] as number) + seconds;
    totals[1] = (totals[1] as number) + 1;
  }

  /** Records whether the relay is draining (see `RelayCore.drain`). */
  setDraining(draining: boolean): void {
    this.draining = draining ? 1 : 0;
  }

  /** Records a session start. */
  recordSessionStarted(sessionId: string, userId: string): void {
    this.activeSessions += 1;
    this.sessionsStarted += 1;
    this.#safeEmit('sessionStarted', { sessionId, userId });
  }

  /** Records a session end. */
  recordSessionEnded(sessionId: string, userId: string, reason: RelayEndReason, durationMs: number): void {
    this.activeSessions -= 1;
    this.#ended[reason] += 1;
    this.#safeEmit('sessionEnded', { sessionId, userId, reason, durationMs });
  }

  /** Records a refused client frame. */
  recordFrameRejected(sessionId: string, reason: FrameRejectReason): void {
    this.#rejectedFrames[reason] += 1;
    this.#safeEmit('frameRejected', { sessionId, reason });
  }

  /** Records a budget refusal. */
  recordBudgetRejection(userId: string, stage: BudgetRejectionStage): void {
    this.#budgetRejections[stage] += 1;
    this.#safeEmit('budgetRejected', { userId, stage });
  }

  /** Records a refused connection. */
  recordConnectionRejected(reason: ConnectionRejectReason, status: number): void {
    this.#rejectedConnections[reason] += 1;
    this.#safeEmit('connectionRejected', { reason, status });
  }

  /** Records a finished server-side tool call. */
  recordToolCall(sessionId: string, name: string, outcome: ToolCallOutcome, durationMs: number | undefined): void {
    this.#toolOutcomes[outcome] += 1;
    this.#safeEmit('toolCall', { sessionId, name, outcome, durationMs });
  }

  /** Records a GPT-Live session start (besides {@link recordSessionStarted}). */
  recordLiveSessionStarted(): void {
    this.liveSessionsStarted += 1;
  }

  /** Records a GPT-Live session end (besides {@link recordSessionEnded}). */
  recordLiveSessionEnded(reason: RelayEndReason): void {
    this.#liveEnded[reason] += 1;
  }

  /** Records seconds of GPT-Live session the API reported. */
  recordLiveSeconds(seconds: number): void {
    if (Number.isFinite(seconds) && seconds > 0) this.liveSeconds += seconds;
  }

  #safeEmit<Name extends keyof RelayMetricsEvents>(name: Name, ...args: RelayMetricsEvents[Name]): void {
    try {
      (this.emit as (name: string, ...args: unknown[]) => boolean)(name, ...args);
    } catch (error) {
      this.#logger.error(`relay metrics: a ${name} listener threw`, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  /** A copy of every metric. */
  snapshot(): RelayMetricsSnapshot {
    return {
      activeSessions: this.activeSessions,
      sessionsStarted: this.sessionsStarted,
      sessionsEnded: { ...this.#ended },
      clientToUpstream: { frames: this.clientFrames, bytes: this.clientBytes },
      upstreamToClient: { frames: this.upstreamFrames, bytes: this.upstreamBytes },
      framesRejected: { ...this.#rejectedFrames },
      budgetRejections: { ...this.#budgetRejections },
      connectionsRejected: { ...this.#rejectedConnections },
      toolCalls: { ...this.#toolOutcomes },
      live: {
        sessionsStarted: this.liveSessionsStarted,
        sessionsEnded: { ...this.#liveEnded },
        seconds: this.liveSeconds,
        clientToUpstreamFrames: this.liveClientFrames,
        upstreamToClientFrames: this.liveUpstreamFrames,
      },
      latency: { bucketsSeconds: [...this.#buckets], counts: [...this.#bucketCounts], sumSeconds: this.#latencyTotals[0] as number, count: this.#latencyTotals[1] as number },
    };
  }

  /**
   * Adds another relay's counts: a {@link RelayMetricsSnapshot}, or what changed between two
   * ({@link metricsChange}). That is how one place serves the metrics of many relays (the
   * Durable Objects relay's session objects report to one object). Latency counts are added
   * when the bucket bounds match this instance's.
   */
  add(change: RelayMetricsSnapshot): void {
    this.activeSessions += change.activeSessions;
    this.sessionsStarted += change.sessionsStarted;
    this.clientFrames += change.clientToUpstream.frames;
    this.clientBytes += change.clientToUpstream.bytes;
    this.upstreamFrames += change.upstreamToClient.frames;
    this.upstreamBytes += change.upstreamToClient.bytes;
    addCounts(this.#ended, change.sessionsEnded);
    addCounts(this.#rejectedFrames, change.framesRejected);
    addCounts(this.#budgetRejections, change.budgetRejections);
    addCounts(this.#rejectedConnections, change.connectionsRejected);
    addCounts(this.#toolOutcomes, change.toolCalls);
    // A snapshot from a node that predates Live metrics has none.
    const live = change.live as RelayMetricsSnapshot['live'] | undefined;
    if (live !== undefined) {
      this.liveSessionsStarted += live.sessionsStarted;
      addCounts(this.#liveEnded, live.sessionsEnded);
      if (Number.isFinite(live.seconds)) this.liveSeconds += live.seconds;
      this.liveClientFrames += live.clientToUpstreamFrames;
      this.liveUpstreamFrames += live.upstreamToClientFrames;
    }
    const { latency } = change;
    if (latency.bucketsSeconds.length !== this.#buckets.length || latency.bucketsSeconds.some((bound, index) => bound !== this.#buckets[index])) return;
    latency.counts.forEach((count, index) => {
      if (index < this.#bucketCounts.length) this.#bucketCounts[index] = (this.#bucketCounts[index] as number) + count;
    });
    this.#latencyTotals[0] = (this.#latencyTotals[0] as number) + latency.sumSeconds;
    this.#latencyTotals[1] = (this.#latencyTotals[1] as number) + latency.count;
  }

  /** The metrics in the Prometheus text exposition format. */
  render(): string {
    const lines: string[] = [];
    const name = (metric: string): string => `${this.#prefix}${metric}`;
    const labels = (extra: string): string => {
      const all = [this.#labelText, extra].filter((part) => part !== '').join(',');
      return all === '' ? '' : `{${all}}`;
    };
    const family = (metric: string, type: string, help: string, samples: Array<[string, number]>): void => {
      lines.push(`# HELP ${name(metric)} ${help}`, `# TYPE ${name(metric)} ${type}`);
      for (const [labelPart, value] of samples) lines.push(`${name(metric)}${labelPart} ${value}`);
    };
    const byLabel = (label: string, record: Record<string, number>): Array<[string, number]> =>
      Object.entries(record).map(([key, value]) => [labels(`${label}="${escapeLabel(key)}"`), value]);

    family('active_sessions', 'gauge', 'Relay sessions open now.', [[labels(''), this.activeSessions]]);
    family('draining', 'gauge', 'Whether the relay is draining (1) or serving (0).', [[labels(''), this.draining]]);
    family('sessions_started_total', 'counter', 'Relay sessions opened.', [[labels(''), this.sessionsStarted]]);
    family('sessions_ended_total', 'counter', 'Relay sessions ended, by reason.', byLabel('reason', this.#ended));
    family('frames_total', 'counter', 'Frames relayed, by direction.', [
      [labels('direction="client_to_upstream"'), this.clientFrames],
      [labels('direction="upstream_to_client"'), this.upstreamFrames],
    ]);
    family('bytes_total', 'counter', 'Bytes relayed, by direction.', [
      [labels('direction="client_to_upstream"'), this.clientBytes],
      [labels('direction="upstream_to_client"'), this.upstreamBytes],
    ]);
    family('frames_rejected_total', 'counter', 'Client frames refused with an error event, by reason.', byLabel('reason', this.#rejectedFrames));
    family('budget_rejections_total', 'counter', 'Users refused or cut off by their budget, by stage.', byLabel('stage', this.#budgetRejections));
    family('connections_rejected_total', 'counter', 'Connections refused, by reason.', byLabel('reason', this.#rejectedConnections));
    family('tool_calls_total', 'counter', 'Server-side tool calls, by outcome.', byLabel('outcome', this.#toolOutcomes));
    family('live_sessions_started_total', 'counter', 'GPT-Live sessions opened (also in sessions_started_total).', [[labels(''), this.liveSessionsStarted]]);
    family('live_sessions_ended_total', 'counter', 'GPT-Live sessions ended, by reason (also in sessions_ended_total).', byLabel('reason', this.#liveEnded));
    family('live_session_seconds_total', 'counter', 'Seconds of GPT-Live session the API reported (session.usage.updated).', [[labels(''), this.liveSeconds]]);
    family('live_frames_total', 'counter', 'GPT-Live frames relayed, by direction (also in frames_total).', [
      [labels('direction="client_to_upstream"'), this.liveClientFrames],
      [labels('direction="upstream_to_client"'), this.liveUpstreamFrames],
    ]);

    const latency = name('added_latency_seconds');
    lines.push(`# HELP ${latency} Time a frame spends in the relay, from arrival to forwarding (one frame in 8 is timed).`, `# TYPE ${latency} histogram`);
    let cumulative = 0;
    this.#buckets.forEach((bound, index) => {
      cumulative += this.#bucketCounts[index] as number;
      lines.push(`${latency}_bucket${labels(`le="${bound}"`)} ${cumulative}`);
    });
    cumulative += this.#bucketCounts[this.#buckets.length] as number;
    lines.push(`${latency}_bucket${labels('le="+Inf"')} ${cumulative}`);
    lines.push(`${latency}_sum${labels('')} ${this.#latencyTotals[0] as number}`, `${latency}_count${labels('')} ${this.#latencyTotals[1] as number}`);
    return `${lines.join('\n')}\n`;
  }
}
