// bench/relay/capacity: the figures docs/scaling.md builds its arithmetic on, in one run.
// - Sessions per core with both-way streaming (24 kHz PCM16, 20 ms chunks: 50 frames a second
//   each way per session): the voxwire relay as a node of a multi-node deployment (Redis budget
//   store and session bus, authentication, policy, limits, metrics) side by side with the naive
//   `ws` pipe, each alone in its process, the load alternating between them in windows.
// - Memory per idle and per streaming session (heap + external, and RSS) of each relay process.
// - Redis operations per session per minute at the default charge interval (5 s), counted with
//   `INFO commandstats` on a real redis-server: while streaming, and per session start and end.
// Run: npx tsx bench/relay/capacity.bench.ts  (or npm run bench -- relay/capacity); about 2 minutes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULT_RELAY_CHARGE_INTERVAL_MS } from '../../src/base/defaults';
import { startFakeUpstream } from './fake-upstream';
import { LoadGenerator } from './load-generator';
import { startRelayChild, type Memory, type RelayChild, type RelayKind } from './relay-child';

const SESSIONS = 200;
const ROUNDS = 4;
const WARMUP_MS = 500;
const MEASURE_MS = 3000;
const REDIS_WINDOW_MS = 4 * DEFAULT_RELAY_CHARGE_INTERVAL_MS;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const redisDir = mkdtempSync(join(tmpdir(), 'voxwire-bench-redis-'));
const redisPort = await freePort();
const redisProcess = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', redisDir], { stdio: 'ignore' });
const redisUrl = `redis://127.0.0.1:${redisPort}`;
// A bench stopped midway (Ctrl-C, a timeout) must not leave its redis-server running.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    redisProcess.kill('SIGKILL');
    rmSync(redisDir, { recursive: true, force: true });
    process.exit(1);
  });
}
for (let attempt = 0; ; attempt += 1) {
  const open = await new Promise<boolean>((resolve) => {
    const socket = connect(redisPort, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (open) break;
  if (attempt > 100) throw new Error('redis-server did not start');
  await sleep(100);
}
const admin = new Redis(redisUrl);

/** Calls and CPU (µs) per Redis command since start (INFO commandstats), without the bench's own INFO. */
async function commandCalls(): Promise<Map<string, { calls: number; usec: number }>> {
  const calls = new Map<string, { calls: number; usec: number }>();
  for (const line of (await admin.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line.trim());
    if (match && match[1] !== 'info') calls.set(match[1] as string, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return calls;
}

/**
 * What ran between two snapshots: every command (those a Lua script runs count too), the
 * scripts alone (EVALSHA/EVAL: the round trips the relay makes) and the scripts' Redis CPU.
 */
function callsBetween(before: Map<string, { calls: number; usec: number }>, after: Map<string, { calls: number; usec: number }>): { total: number; scripts: number; scriptUsec: number; byCommand: string } {
  const diff: Array<[string, number]> = [];
  let scripts = 0;
  let scriptUsec = 0;
  for (const [command, { calls, usec }] of after) {
    const delta = calls - (before.get(command)?.calls ?? 0);
    if (delta > 0) diff.push([command, delta]);
    if (command === 'evalsha' || command === 'eval') {
      scripts += delta;
      scriptUsec += usec - (before.get(command)?.usec ?? 0);
    }
  }
  diff.sort((a, b) => b[1] - a[1]);
  return { total: diff.reduce((sum, [, delta]) => sum + delta, 0), scripts, scriptUsec, byCommand: diff.map(([command, delta]) => `${command} ${delta}`).join(', ') };
}

const upstream = await startFakeUpstream();
const loadBefore = loadavg()[0] as number;
console.log(`bench/relay/capacity on ${cpus().length} cores, Node ${process.version}, ${SESSIONS} sessions per relay, load average ${loadBefore.toFixed(2)} before`);

const relays: Record<RelayKind, RelayChild> = { naive: await startRelayChild('naive', upstream.url), voxwire: await startRelayChild('voxwire', upstream.url, redisUrl) };
const generators = new Map<RelayKind, LoadGenerator>();
const memory: Record<RelayKind, { base: Memory; idle: Memory; streaming: Memory }> = {} as never;
const extra: LoadGenerator[] = [];
let startOps = { total: 0, scripts: 0, scriptUsec: 0, byCommand: '' };
try {
  for (const kind of ['naive', 'voxwire'] as const) {
    const warm = new LoadGenerator();
    await warm.connect(relays[kind].url, 5, `warm-${kind}`);
    extra.push(warm);
    const base = await relays[kind].request<Memory>('memory');
    const before = await commandCalls();
    const generator = new LoadGenerator();
    await generator.connect(relays[kind].url, SESSIONS, `user-${kind}`);
    await sleep(300);
    if (kind === 'voxwire') startOps = callsBetween(before, await commandCalls());
    const idle = await relays[kind].request<Memory>('memory');
    generators.set(kind, generator);
    memory[kind] = { base, idle, streaming: idle };
  }

  const windows: Record<RelayKind, Array<{ cores: number; usPerFrame: number; fps: number }>> = { naive: [], voxwire: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    const order: RelayKind[] = round % 2 === 0 ? ['naive', 'voxwire'] : ['voxwire', 'naive'];
    for (const kind of order) {
      const generator = generators.get(kind) as LoadGenerator;
      generator.start();
      await sleep(WARMUP_MS);
      await relays[kind].request('mark');
      await sleep(MEASURE_MS);
      const report = await relays[kind].request<{ cpuUs: number; frames: number; wallMs: number }>('report');
      if (round === 0) memory[kind].streaming = await relays[kind].request<Memory>('memory');
      generator.stop();
      await sleep(200);
      windows[kind].push({ cores: report.cpuUs / 1000 / report.wallMs, usPerFrame: report.cpuUs / report.frames, fps: (report.frames / report.wallMs) * 1000 });
    }
    const line = (kind: RelayKind): string => {
      const window = windows[kind][round] as { cores: number; usPerFrame: number; fps: number };
      return `${kind} ${(window.cores * 100).toFixed(0)}% of a core, ${window.usPerFrame.toFixed(1)} µs/frame, ${window.fps.toFixed(0)} frames/s`;
    };
    console.log(`  round ${round + 1}: ${line('naive')} | ${line('voxwire')}`);
  }

  // Redis while streaming, over whole charge intervals.
  const streaming = generators.get('voxwire') as LoadGenerator;
  streaming.start();
  await sleep(WARMUP_MS);
  const before = await commandCalls();
  await sleep(REDIS_WINDOW_MS);
  const during = callsBetween(before, await commandCalls());
  streaming.stop();
  await sleep(200);
  const beforeEnd = await commandCalls();
  await streaming.close();
  // Final charges and slot releases run after the closes: wait until Redis goes quiet.
  let endOps = callsBetween(beforeEnd, await commandCalls());
  for (let quiet = 0, checks = 0; quiet < 2 && checks < 30; checks += 1) {
    await sleep(500);
    const next = callsBetween(beforeEnd, await commandCalls());
    quiet = next.total === endOps.total ? quiet + 1 : 0;
    endOps = next;
  }
  generators.delete('voxwire');

  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const cores = (kind: RelayKind): number => median(windows[kind].map((window) => window.cores));
  const perFrame = (kind: RelayKind): number => median(windows[kind].map((window) => window.usPerFrame));
  // A streaming session relays 100 frames a second (50 each way): one core carries 1 s of CPU.
  // (Under load the generator may not reach the full rate; CPU per frame does not depend on it.)
  const perCore = (kind: RelayKind): number => 1e6 / (perFrame(kind) * 100);
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
  const perSession = (kind: RelayKind, from: 'base' | 'idle', to: 'idle' | 'streaming', pick: (m: Memory) => number): number => (pick(memory[kind][to]) - pick(memory[kind][from])) / SESSIONS;
  const heap = (m: Memory): number => m.heapUsed + m.external;
  const opsPerMinute = (during.total / SESSIONS / REDIS_WINDOW_MS) * 60_000;

  console.log('\n| measure (median of rounds) | naive `ws` pipe | voxwire relay (Redis store + bus) | voxwire ÷ naive |');
  console.log('|---|---:|---:|---:|');
  console.log(`| CPU for ${SESSIONS} streaming sessions (share of one core) | ${(cores('naive') * 100).toFixed(0)}% | ${(cores('voxwire') * 100).toFixed(0)}% | ${(cores('voxwire') / cores('naive')).toFixed(2)}× |`);
  console.log(`| CPU per relayed frame | ${perFrame('naive').toFixed(1)} µs | ${perFrame('voxwire').toFixed(1)} µs | ${(perFrame('voxwire') / perFrame('naive')).toFixed(2)}× |`);
  console.log(`| streaming sessions per core (100 frames/s each) | ${perCore('naive').toFixed(0)} | ${perCore('voxwire').toFixed(0)} | ${(perCore('voxwire') / perCore('naive')).toFixed(2)}× |`);
  for (const [label, from, to] of [
    ['memory per idle session', 'base', 'idle'],
    ['memory per streaming session (over idle)', 'idle', 'streaming'],
  ] as const) {
    console.log(
      `| ${label}: heap + external; RSS | ${kb(perSession('naive', from, to, heap))}; ${kb(perSession('naive', from, to, (m) => m.rss))} | ${kb(perSession('voxwire', from, to, heap))}; ${kb(perSession('voxwire', from, to, (m) => m.rss))} | |`,
    );
  }
  console.log(`\nRedis, voxwire relay, charge interval ${DEFAULT_RELAY_CHARGE_INTERVAL_MS} ms, ${SESSIONS} sessions:`);
  const perMinute = (value: number): string => ((value / SESSIONS / REDIS_WINDOW_MS) * 60_000).toFixed(1);
  console.log(`- streaming, ${REDIS_WINDOW_MS / 1000} s: ${during.scripts} script calls (round trips) = ${perMinute(during.scripts)} per session per minute, ${during.total} commands in all = ${opsPerMinute.toFixed(1)} per session per minute (${during.byCommand}); Redis CPU ${perMinute(during.scriptUsec)} µs per session per minute (${(during.scriptUsec / Math.max(1, during.scripts)).toFixed(1)} µs per script call)`);
  console.log(`- session starts: ${(startOps.scripts / SESSIONS).toFixed(1)} script calls, ${(startOps.total / SESSIONS).toFixed(1)} commands per session (${startOps.byCommand})`);
  console.log(`- session ends: ${(endOps.scripts / SESSIONS).toFixed(1)} script calls, ${(endOps.total / SESSIONS).toFixed(1)} commands per session (${endOps.byCommand})`);
} finally {
  for (const generator of [...generators.values(), ...extra]) await generator.close();
  await relays.naive.exit();
  await relays.voxwire.exit();
  await upstream.stop();
  admin.disconnect();
  redisProcess.kill('SIGTERM');
  rmSync(redisDir, { recursive: true, force: true });
}
console.log(`\nload average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after`);
