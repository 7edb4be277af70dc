/**
 * A small data centre on one machine, for the multi-node tests: relay nodes as separate hosts
 * (one network namespace each, joined to this one by a veth pair), HAProxy and nginx in front
 * of them with the configs of examples/deploy/, one real redis-server, and the mock Realtime
 * server as the upstream. Every process is started here and stopped by its PID; the
 * namespaces are deleted (which removes their veth pairs).
 *
 * The relays reach Redis and the mock (both on this namespace's loopback) through small TCP
 * forwarders listening on each veth's host address, the namespace's "gateway".
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable, requireComponent } from '../../helpers/components';
import { until } from '../../helpers/index';
import { freePort, redisServerPath } from '../node/redis-server';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DEPLOY = join(ROOT, 'examples/deploy');
export const AUTH_SECRET = 'multi-node-secret';
export const API_KEY = 'sk-multi-node-SECRET';

const haproxyPath = findExecutable(['haproxy', '/usr/sbin/haproxy']);
const nginxPath = findExecutable(['nginx', '/usr/sbin/nginx']);
const ipPath = findExecutable(['ip', '/usr/sbin/ip', '/sbin/ip']);

/** Whether `ip netns` works here (root, or CAP_NET_ADMIN). */
function netnsWorks(): boolean {
  if (ipPath === undefined) return false;
  const name = `vxprobe${process.pid}`;
  try {
    execFileSync(ipPath, ['netns', 'add', name], { stdio: 'ignore' });
    execFileSync(ipPath, ['netns', 'del', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether the suite may run: every component present (in CI a missing one fails). */
export function multiNodeAvailable(): boolean {
  const hint = '(.ci/run installs haproxy, nginx, redis-server and iproute2; the suite runs as root for `ip netns`)';
  return (
    requireComponent('haproxy', haproxyPath !== undefined, `apt-get install haproxy ${hint}`) &&
    requireComponent('nginx', nginxPath !== undefined, `apt-get install nginx ${hint}`) &&
    requireComponent('redis-server', redisServerPath !== undefined, `apt-get install redis-server ${hint}`) &&
    requireComponent('ip netns', netnsWorks(), `apt-get install iproute2 and run as root ${hint}`)
  );
}

/** The token examples/deploy/relay-node.ts accepts for a user. */
export function tokenFor(userId: string): string {
  return `${userId}.${createHmac('sha256', AUTH_SECRET).update(userId).digest('hex')}`;
}

function ip(...args: string[]): void {
  execFileSync(ipPath as string, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A process this file started: its PID, its output, and how it ended. */
export class Proc {
  output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` to the PID and waits for the exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    process.kill(this.pid, signal);
    const timer = setTimeout(() => this.alive && process.kill(this.pid, 'SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The shared `until`, giving up at once when `proc` exits, and naming its output. */
async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs: number, proc?: Proc): Promise<void> {
  await until(
    async () => {
      if (await check()) return true;
      if (proc !== undefined && !proc.alive) throw new Error(`${what}: the process exited: ${proc.output}`);
      return false;
    },
    what,
    { timeoutMs, intervalMs: 50, ...(proc === undefined ? {} : { detail: () => proc.output }) },
  );
}

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, host);
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** GETs `http://host:port/path`; status and body, or status 0 when unreachable. */
export async function httpGet(host: string, port: number, path: string): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(`http://${host}:${port}${path}`, { signal: AbortSignal.timeout(5000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return { status: 0, body: '' };
  }
}

/** A TCP forwarder: every connection to `listen` is piped to 127.0.0.1:`targetPort`. */
async function forward(host: string, targetPort: number): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createNetServer((inbound) => {
    const outbound = netConnect(targetPort, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.on('close', () => outbound.destroy());
    outbound.on('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One relay host: its namespace, address and (when running) its relay process. */
export interface RelayHost {
  readonly index: number;
  readonly name: string;
  readonly namespace: string;
  /** The relay's address, seen from here (the namespace's end of the veth). */
  readonly address: string;
  readonly port: number;
  proc: Proc | undefined;
}

/** What the relay nodes are started with (examples/deploy/relay-node.ts environment). */
export type NodeEnv = Record<string, string>;

const RELAY_PORT = 8080;
let topologies = 0;

/** The running topology. */
export class Topology {
  readonly hosts: RelayHost[] = [];
  haproxy: Proc | undefined;
  nginx: Proc | undefined;
  haproxyPort = 0;
  nginxPort = 0;
  readonly #id: string;
  readonly #subnet: number;
  readonly #forwarders: Array<{ close: () => Promise<void> }> = [];
  readonly #gateways = new Map<number, { redisPort: number; upstreamPort: number }>();
  readonly #tmp = mkdtempSync(join(tmpdir(), 'voxwire-multi-'));

  private constructor(
    readonly redisPort: number,
    readonly upstreamPort: number,
    readonly nodeEnv: NodeEnv,
  ) {
    topologies += 1;
    this.#id = `${process.pid % 100000}${topologies}`;
    this.#subnet = 64 + Math.floor(Math.random() * 180);
  }

  /**
   * Builds `nodes` hosts and starts a relay on each, then HAProxy and nginx in front. Redis and
   * the upstream mock listen on this namespace's loopback at the given ports.
   */
  static async start(options: { nodes: number; redisPort: number; upstreamPort: number; nodeEnv?: NodeEnv }): Promise<Topology> {
    const topology = new Topology(options.redisPort, options.upstreamPort, options.nodeEnv ?? {});
    try {
      for (let index = 1; index <= options.nodes; index += 1) await topology.#addHost(index);
      await Promise.all(topology.hosts.map((host) => topology.startNode(host.index)));
      await topology.#startHaproxy();
      await topology.#startNginx();
    } catch (error) {
      await topology.stop();
      throw error;
    }
    return topology;
  }

  host(index: number): RelayHost {
    const host = this.hosts[index - 1];
    if (host === undefined) throw new Error(`no host ${index}`);
    return host;
  }

  /** The balancer's WebSocket URL. */
  balancerUrl(balancer: 'haproxy' | 'nginx'): string {
    return `ws://127.0.0.1:${balancer === 'haproxy' ? this.haproxyPort : this.nginxPort}/realtime`;
  }

  /** A node's own WebSocket URL (bypassing the balancers). */
  nodeUrl(index: number): string {
    const host = this.host(index);
    return `ws://${host.address}:${host.port}/realtime`;
  }

  async #addHost(index: number): Promise<void> {
    const namespace = `vxns${this.#id}n${index}`;
    const hostSide = `vxh${this.#id}${index}`.slice(0, 15);
    const nodeSide = `vxn${this.#id}${index}`.slice(0, 15);
    const gateway = `10.${this.#subnet}.${index}.1`;
    const address = `10.${this.#subnet}.${index}.2`;
    ip('netns', 'add', namespace);
    this.hosts.push({ index, name: `node${index}`, namespace, address, port: RELAY_PORT, proc: undefined });
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nodeSide);
    ip('link', 'set', nodeSide, 'netns', namespace);
    ip('addr', 'add', `${gateway}/24`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${address}/24`, 'dev', nodeSide);
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', nodeSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
    const redis = await forward(gateway, this.redisPort);
    const upstream = await forward(gateway, this.upstreamPort);
    this.#forwarders.push(redis, upstream);
    this.#gateways.set(index, { redisPort: redis.port, upstreamPort: upstream.port });
  }

  /** Starts (or restarts) the relay on host `index`: examples/deploy/relay-node.ts in its namespace. */
  async startNode(index: number, extraEnv: NodeEnv = {}): Promise<Proc> {
    const host = this.host(index);
    const gateway = `10.${this.#subnet}.${index}.1`;
    const ports = this.#gateways.get(index) as { redisPort: number; upstreamPort: number };
    // `ip netns exec` execs the command: the PID is node's own.
    const child = spawn(ipPath as string, ['netns', 'exec', host.namespace, process.execPath, '--import', 'tsx', join(DEPLOY, 'relay-node.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(host.port),
        HOST: host.address,
        REDIS_URL: `redis://${gateway}:${ports.redisPort}`,
        OPENAI_REALTIME_URL: `ws://${gateway}:${ports.upstreamPort}/v1/realtime`,
        OPENAI_API_KEY: API_KEY,
        RELAY_AUTH_SECRET: AUTH_SECRET,
        RELAY_NODE_ID: host.name,
        ...this.nodeEnv,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new Proc(child);
    host.proc = proc;
    await waitFor(() => proc.output.includes('"listening"'), `relay ${host.name} to listen`, 60_000, proc);
    return proc;
  }

  async #startHaproxy(): Promise<void> {
    const started = await this.#startBalancer('haproxy', (port) => {
      const env: NodeEnv = { VOXWIRE_BIND: `127.0.0.1:${port}`, VOXWIRE_CHECK_MS: '300' };
      for (const host of this.hosts) env[`RELAY_NODE_${host.index}`] = `${host.address}:${host.port}`;
      return spawn(haproxyPath as string, ['-f', join(DEPLOY, 'haproxy.cfg'), '-db'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    });
    this.haproxy = started.proc;
    this.haproxyPort = started.port;
  }

  async #startNginx(): Promise<void> {
    const template = readFileSync(join(DEPLOY, 'nginx.conf'), 'utf8');
    const started = await this.#startBalancer('nginx', (port) => {
      const values: NodeEnv = { VOXWIRE_LISTEN: `127.0.0.1:${port}`, NGINX_PREFIX: this.#tmp };
      for (const host of this.hosts) values[`RELAY_NODE_${host.index}`] = `${host.address}:${host.port}`;
      // What `envsubst` does with the variables the config's header names.
      const rendered = template.replace(/\$\{([A-Z0-9_]+)\}/g, (whole, name: string) => values[name] ?? whole);
      const path = join(this.#tmp, 'nginx.conf');
      writeFileSync(path, rendered);
      return spawn(nginxPath as string, ['-c', path, '-p', this.#tmp, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    });
    this.nginx = started.proc;
    this.nginxPort = started.port;
  }

  /** Starts a balancer on a free port, trying another port when one was taken meanwhile. */
  async #startBalancer(name: string, spawnOn: (port: number) => ChildProcess): Promise<{ proc: Proc; port: number }> {
    for (let attempt = 1; ; attempt += 1) {
      const port = await freePort();
      const proc = new Proc(spawnOn(port));
      try {
        await waitFor(() => tcpOpen('127.0.0.1', port), `${name} to listen`, 15_000, proc);
        return { proc, port };
      } catch (error) {
        await proc.stop('SIGKILL');
        if (attempt === 3) throw error;
      }
    }
  }

  /** Active sessions on host `index`, from its Prometheus metrics (NaN when unreachable). */
  async activeSessions(index: number): Promise<number> {
    const host = this.host(index);
    const { status, body } = await httpGet(host.address, host.port, '/metrics');
    if (status !== 200) return Number.NaN;
    const line = body.split('\n').find((candidate) => candidate.startsWith('voxwire_relay_active_sessions'));
    return line === undefined ? Number.NaN : Number(line.split(' ').pop());
  }

  /** Whether HAProxy sees host `index` as up (from its health checks), via the node's health itself. */
  async health(index: number): Promise<number> {
    const host = this.host(index);
    return (await httpGet(host.address, host.port, '/healthz')).status;
  }

  /** Stops everything this topology started, by PID, and deletes the namespaces. */
  async stop(): Promise<void> {
    await Promise.all([this.haproxy?.stop('SIGKILL'), this.nginx?.stop('SIGTERM')]);
    await Promise.all(this.hosts.map((host) => host.proc?.stop('SIGKILL')));
    await Promise.all(this.#forwarders.map((forwarder) => forwarder.close()));
    for (const host of this.hosts) {
      try {
        ip('netns', 'del', host.namespace);
      } catch {
        // Already gone.
      }
    }
    rmSync(this.#tmp, { recursive: true, force: true });
  }
}
