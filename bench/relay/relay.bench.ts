// bench/relay: the voxwire Node relay (authentication, policy, limits, budgets and metrics on)
// side by side with the naive `ws` pipe of the tutorials, in one run. The load generator and a
// fake upstream share this process; each relay runs alone in a child process, so
// `process.cpuUsage()` there is the relay's own CPU. Sessions stream 24 kHz PCM16 in 20 ms
// chunks (50 frames a second each way).
//
// CPU per relayed frame (100 and 300 sessions): both relays hold their sessions open, and the
// load alternates between them in short windows, in balanced orders, over several rounds.
// Relay-added latency (100 sessions): the round trip through each relay minus the round trip
// of direct connections to the upstream, with all three sets streaming in the same windows
// (so they see the same machine). Memory per idle session: heap + external, and RSS, of each
// relay process before and after its sessions opened. The spread over rounds is shown.
// Targets: CPU per frame ≤ 1.15× the naive pipe, added latency ≤ 1.15×, idle session < 64 KB.
// Run: npx tsx bench/relay/relay.bench.ts  (or npm run bench -- relay); about 2 minutes.
import { cpus, loadavg } from 'node:os';
import { startFakeUpstream } from './fake-upstream';
import { LoadGenerator, quantile } from './load-generator';
import { startRelayChild, type Memory, type RelayChild } from './relay-child';

type Kind = 'voxwire' | 'naive';
type Target = Kind | 'direct';

const WARMUP_MS = 500;
const MEASURE_MS = 2500;
const SETTLE_MS = 200;
const LATENCY_SESSIONS = 100;
const HIGH_SESSIONS = 300;
const ROUNDS_AT_100 = 8;
const ROUNDS_AT_300 = 6;
const TOGETHER_ROUNDS = 8;
const WARM_SESSIONS = 50;

const upstream = await startFakeUpstream();

interface Histogram {
  bucketsSeconds: number[];
  counts: number[];
}

interface Window {
  target: Target;
  inRelay: Histogram | undefined;
  round: number;
  cpuUsPerFrame: number;
  cpuCores: number;
  framesPerSecond: number;
  p50Us: number;
  p99Us: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Streams on one set of open sessions for one window and measures it. */
async function streamWindow(target: Target, round: number, generator: LoadGenerator, relay: RelayChild | undefined): Promise<Window> {
  generator.start();
  await sleep(WARMUP_MS);
  await relay?.request('mark');
  generator.record();
  await sleep(MEASURE_MS);
  const report = relay === undefined ? undefined : await relay.request<{ cpuUs: number; frames: number; wallMs: number; inRelay?: Histogram }>('report');
  const latencies = generator.stopRecording();
  generator.stop();
  await sleep(SETTLE_MS);
  return {
    target,
    inRelay: report?.inRelay,
    round,
    cpuUsPerFrame: report ? report.cpuUs / report.frames : Number.NaN,
    cpuCores: report ? report.cpuUs / 1000 / report.wallMs : Number.NaN,
    framesPerSecond: report ? (report.frames / report.wallMs) * 1000 : Number.NaN,
    p50Us: quantile(latencies, 0.5),
    p99Us: quantile(latencies, 0.99),
  };
}

/** Balanced orders, so drift over the run favours no target. */
function orderFor(round: number, targets: readonly Target[]): Target[] {
  const rotated = [...targets.slice(round % targets.length), ...targets.slice(0, round % targets.length)];
  return Math.floor(round / targets.length) % 2 === 0 ? rotated : rotated.reverse();
}

/**
 * One phase: both relays running, `sessions` sessions open on each (and directly on the
 * upstream when latency is measured); the load moves from one set to the next, window by
 * window, so every target is measured under the same conditions many times.
 */
async function phase(sessions: number, rounds: number, withDirect: boolean): Promise<{ windows: Window[]; together: Window[]; memory: Record<Kind, Memory[]> }> {
  const relays = { naive: await startRelayChild('naive', upstream.url), voxwire: await startRelayChild('voxwire', upstream.url) };
  const generators = new Map<Target, LoadGenerator>();
  const memory: Record<Kind, Memory[]> = { naive: [], voxwire: [] };
  const idle: LoadGenerator[] = [];
  try {
    for (const kind of ['naive', 'voxwire'] as const) {
      // Idle sessions first, so what is made once is not counted per session: timers and caches,
      // and the code and feedback V8 compiles as the same paths run again. With 5 warm sessions
      // that landed in the measured ones (heap-snapshot diff of 200, 2026-12-07: 0.76 MB for
      // the voxwire relay, 0.49 MB for the naive pipe), though a further session costs none.
      const warm = new LoadGenerator();
      await warm.connect(relays[kind].url, WARM_SESSIONS, 'warm');
      idle.push(warm);
      memory[kind].push(await relays[kind].request<Memory>('memory'));
      const generator = new LoadGenerator();
      await generator.connect(relays[kind].url, sessions);
      await sleep(300);
      memory[kind].push(await relays[kind].request<Memory>('memory'));
      generators.set(kind, generator);
    }
    if (withDirect) {
      const generator = new LoadGenerator();
      await generator.connect(upstream.url, sessions);
      generators.set('direct', generator);
    }
    // CPU: one relay streams at a time, alternating, so each has the cores it would have alone.
    const targets: Target[] = ['naive', 'voxwire'];
    const windows: Window[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (const target of orderFor(round, targets)) {
        const window = await streamWindow(target, round, generators.get(target) as LoadGenerator, target === 'direct' ? undefined : relays[target]);
        windows.push(window);
      }
      const line = targets.map((target) => {
        const window = windows.find((candidate) => candidate.round === round && candidate.target === target) as Window;
        const cpu = target === 'direct' ? '' : `${window.cpuUsPerFrame.toFixed(1)} µs/frame ${(window.cpuCores * 100).toFixed(0)}% core, `;
        return `${target} ${cpu}RTT p50 ${(window.p50Us / 1000).toFixed(2)} p99 ${(window.p99Us / 1000).toFixed(2)} ms`;
      });
      console.log(`  ${sessions} sessions, round ${round + 1}: ${line.join(' | ')}`);
    }
    const together: Window[] = [];
    if (withDirect) {
      targets.unshift('direct');
      // Latency: all three sets stream at once, so every window sees the same machine (the
      // relays' own cost is a few µs a frame; the rest of a round trip is scheduling, which
      // differs far more between windows than between relays).
      for (let round = 0; round < TOGETHER_ROUNDS; round += 1) {
        for (const target of targets) generators.get(target)?.start();
        await sleep(WARMUP_MS);
        for (const target of targets) generators.get(target)?.record();
        await sleep(MEASURE_MS);
        for (const target of targets) {
          const latencies = (generators.get(target) as LoadGenerator).stopRecording();
          together.push({ target, round, inRelay: undefined, cpuUsPerFrame: Number.NaN, cpuCores: Number.NaN, framesPerSecond: Number.NaN, p50Us: quantile(latencies, 0.5), p99Us: quantile(latencies, 0.99) });
        }
        for (const target of targets) generators.get(target)?.stop();
        await sleep(SETTLE_MS);
        const line = targets.map((target) => {
          const window = together.find((candidate) => candidate.round === round && candidate.target === target) as Window;
          return `${target} RTT p50 ${(window.p50Us / 1000).toFixed(2)} p99 ${(window.p99Us / 1000).toFixed(2)} ms`;
        });
        console.log(`  ${sessions} sessions each, all streaming together, round ${round + 1}: ${line.join(' | ')}`);
      }
    }
    return { windows, together, memory };
  } finally {
    for (const generator of [...generators.values(), ...idle]) await generator.close();
    await relays.naive.exit();
    await relays.voxwire.exit();
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const range = (values: number[], digits = 1): string => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

const started = performance.now();
console.log(`bench/relay on ${cpus().length} cores, Node ${process.version}: windows of ${WARMUP_MS} ms warm-up + ${MEASURE_MS} ms measured`);
const loadBefore = loadavg()[0] as number;
// The relay, the load generator and the upstream share the cores: anything else running skews
// latency far more than CPU per frame.
if (loadBefore > cpus().length * 0.5) console.log(`!!! load average ${loadBefore.toFixed(2)} before the run: other processes are busy; latency figures will be noisy`);

const at100 = await phase(LATENCY_SESSIONS, ROUNDS_AT_100, true);
const at300 = await phase(HIGH_SESSIONS, ROUNDS_AT_300, false);
await upstream.stop();

const windowsOf = (windows: Window[], target: Target): Window[] => windows.filter((window) => window.target === target);
const ratioLine = (label: string, naive: number[], voxwire: number[], unit: string, digits: number, target: string): void => {
  const perRound = naive.map((value, index) => (voxwire[index] as number) / value);
  console.log(
    `| ${label} | ${median(naive).toFixed(digits)} ${unit} (${range(naive, digits)}) | ${median(voxwire).toFixed(digits)} ${unit} (${range(voxwire, digits)}) | ${(median(voxwire) / median(naive)).toFixed(2)}× (rounds ${range(perRound, 2)}) | ${target} |`,
  );
};

console.log('\n| measure (median over rounds; range) | naive `ws` pipe | voxwire relay | voxwire ÷ naive | target |');
console.log('|---|---:|---:|---:|---:|');
for (const [sessions, windows] of [
  [LATENCY_SESSIONS, at100.windows],
  [HIGH_SESSIONS, at300.windows],
] as const) {
  ratioLine(`relay CPU per relayed frame, ${sessions} sessions`, windowsOf(windows, 'naive').map((w) => w.cpuUsPerFrame), windowsOf(windows, 'voxwire').map((w) => w.cpuUsPerFrame), 'µs', 1, '≤ 1.15×');
  const cores = (kind: Kind): string => `${(median(windowsOf(windows, kind).map((w) => w.cpuCores)) * 100).toFixed(0)}%`;
  console.log(`| relay CPU, ${sessions} sessions (share of one core) | ${cores('naive')} | ${cores('voxwire')} | | |`);
}
const direct = windowsOf(at100.together, 'direct');
const rtt = (target: Target, key: 'p50Us' | 'p99Us'): number => median(windowsOf(at100.together, target).map((window) => window[key])) / 1000;
for (const key of ['p50Us', 'p99Us'] as const) {
  console.log(`| round trip ${key.slice(0, 3)}, ${LATENCY_SESSIONS} sessions each, streaming together (direct: ${rtt('direct', key).toFixed(2)} ms) | ${rtt('naive', key).toFixed(2)} ms | ${rtt('voxwire', key).toFixed(2)} ms | | |`);
}
// Added latency: a relay's round trip minus the direct one in the same window, median over windows.
const added = (kind: Kind, key: 'p50Us' | 'p99Us'): number[] =>
  windowsOf(at100.together, kind).map((window) => (window[key] - (direct.find((d) => d.round === window.round) as Window)[key]) / 1000);
for (const key of ['p50Us', 'p99Us'] as const) {
  const naive = median(added('naive', key));
  const voxwire = median(added('voxwire', key));
  const ratio = naive > 0 && voxwire > 0 ? `${(voxwire / naive).toFixed(2)}×` : 'n/a (noise exceeds the difference)';
  console.log(`| relay-added round trip ${key.slice(0, 3)}, ${LATENCY_SESSIONS} sessions (median over windows; range) | ${naive.toFixed(2)} ms (${range(added('naive', key), 2)}) | ${voxwire.toFixed(2)} ms (${range(added('voxwire', key), 2)}) | ${ratio} | ≤ 1.15× |`);
}
// voxwire's own histogram (cumulative over its windows): time from a frame's message event to
// the return of send(), i.e. what the relay's code adds, free of scheduling noise.
const histogram = [...windowsOf(at100.windows, 'voxwire')].reverse().find((window) => window.inRelay !== undefined)?.inRelay;
if (histogram !== undefined) {
  const total = histogram.counts.reduce((sum, count) => sum + count, 0);
  const bound = (q: number): string => {
    let seen = 0;
    for (const [index, count] of histogram.counts.entries()) {
      seen += count;
      if (seen >= q * total) return index < histogram.bucketsSeconds.length ? `≤ ${((histogram.bucketsSeconds[index] as number) * 1e6).toFixed(1)} µs` : '> 1 ms';
    }
    return 'n/a';
  };
  console.log(`| time in the relay's code per frame (voxwire's histogram, ${LATENCY_SESSIONS} sessions) | | p50 ${bound(0.5)}, p99 ${bound(0.99)} | | |`);
}
for (const sessions of [LATENCY_SESSIONS, HIGH_SESSIONS]) {
  const memory = sessions === LATENCY_SESSIONS ? at100.memory : at300.memory;
  const per = (kind: Kind, pick: (m: Memory) => number): number => ((pick(memory[kind][1] as Memory) - pick(memory[kind][0] as Memory)) / sessions / 1024);
  const heap = (m: Memory): number => m.heapUsed + m.external;
  console.log(
    `| memory per idle session (${sessions} open): heap + external; RSS | ${per('naive', heap).toFixed(1)} KB; ${per('naive', (m) => m.rss).toFixed(1)} KB | ${per('voxwire', heap).toFixed(1)} KB; ${per('voxwire', (m) => m.rss).toFixed(1)} KB | ${(per('voxwire', heap) / per('naive', heap)).toFixed(2)}× | < 64 KB |`,
  );
}
console.log(`\nbench/relay took ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after`);
