// One relay of bench/relay in a child process (relay-process.ts), so `process.cpuUsage()` there
// is the relay's own CPU; driven over IPC (`mark`, `report`, `memory`, `exit`).
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildIsFresh } from '../../scripts/build-freshness';

const RELAY_SCRIPT = fileURLToPath(new URL('./relay-process.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Builds the package unless `dist/` is a build of the current sources: the voxwire relay is
 * benched as users run it, from the build (relay-process.ts), so a stale one would measure
 * other code.
 */
function ensureBuild(): void {
  if (!buildIsFresh(ROOT)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
}

export type RelayKind = 'voxwire' | 'naive';

export interface Memory {
  heapUsed: number;
  external: number;
  rss: number;
}

export interface RelayChild {
  url: string;
  request<Reply>(type: string): Promise<Reply>;
  exit(): Promise<void>;
}

/** The CPU relay children are pinned to, once {@link pinForBench} pinned this process. */
let relayCpu: number | undefined;

/**
 * Pins this process (the load generator and the fake upstream) to every CPU but the last, and
 * the relay children started after it to the last one, with `taskset`. Unpinned, where the
 * scheduler put each process decided much of its CPU per frame: two relay processes running
 * the same code in the same windows read 0.87x each other (per-round ratios 0.82-1.01, 10
 * rounds), pinned 1.00x (0.98-1.02). Returns a line for the bench's header; without `taskset`
 * or with one CPU (or `VOXWIRE_BENCH_PIN=0`) nothing is pinned, and the line says so.
 */
export function pinForBench(): string {
  const count = cpus().length;
  if (count < 2 || process.env.VOXWIRE_BENCH_PIN === '0') return 'processes not pinned';
  try {
    execFileSync('taskset', ['-a', '-p', '-c', `0-${count - 2}`, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return 'processes not pinned (no taskset)';
  }
  relayCpu = count - 1;
  return `load generator and upstream pinned to CPU 0${count > 2 ? `-${count - 2}` : ''}, the relays to CPU ${relayCpu}`;
}

/**
 * Starts a relay child; `redisUrl` gives the voxwire relay a RedisBudgetStore and RedisSessionBus;
 * `'live'` makes it relay GPT-Live sessions (the naive pipe pipes whatever comes).
 */
export async function startRelayChild(kind: RelayKind, upstreamUrl: string, redisUrl?: string, protocol: 'realtime' | 'live' = 'realtime'): Promise<RelayChild> {
  if (kind === 'voxwire') ensureBuild();
  const args = [kind, upstreamUrl, ...(redisUrl === undefined ? [] : [redisUrl]), ...(protocol === 'live' ? ['--live'] : [])];
  const child: ChildProcess = fork(RELAY_SCRIPT, args, {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Threads started later inherit the pinning.
  if (relayCpu !== undefined && child.pid !== undefined) execFileSync('taskset', ['-a', '-p', '-c', String(relayCpu), String(child.pid)], { stdio: 'ignore' });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} relay exited with ${code}`)));
    child.on('message', (message: { type: string; url?: string }) => {
      if (message.type === 'ready') resolve(message.url as string);
    });
  });
  const replies: Record<string, string> = { mark: 'marked', report: 'report', memory: 'memory' };
  return {
    url,
    request: <Reply>(type: string) =>
      new Promise<Reply>((resolve) => {
        const onMessage = (message: { type: string }): void => {
          if (message.type !== replies[type]) return;
          child.off('message', onMessage);
          resolve(message as Reply);
        };
        child.on('message', onMessage);
        child.send({ type });
      }),
    exit: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'exit' });
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
