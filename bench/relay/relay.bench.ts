// bench/relay: the voxwire Node relay (authentication, policy, limits, budgets and metrics on)
// side by side with the naive `ws` pipe of the tutorials, in one run. The load generator and a
// fake upstream share this process; each relay runs alone in a child process, so
// `process.cpuUsage()` there is the relay's own CPU. With `taskset` this process is pinned to
// the first CPU(s) and the relays to the last (relay-child.ts `pinForBench`: unpinned, the
// scheduler's placement alone moved two copies of one relay 13% apart). Sessions stream 24 kHz PCM16 in 20 ms
// chunks (50 frames a second each way).
//
// CPU per relayed frame (100 and 300 sessions): both relays hold their sessions open, stream
// 3 s each unmeasured first (V8 compiles a fresh process's hot paths then, on threads
// `process.cpuUsage()` counts), then the load alternates between them in short windows, in
// balanced orders, over several rounds; then both stream in the same windows (the paired run
// issue 19 names: every window sees the same machine for both). The paired run is repeated on
// nine fresh pairs of relay processes, 5 rounds each, and its ratio is the median over pairs: a
// pair keeps an offset of its own for its whole life (paired-relays.ts `phase`).
// Relay-added latency (100 sessions): the round trip through each relay minus the round trip
// of direct connections to the upstream, with all three sets streaming in the same windows
// (so they see the same machine). Memory per idle session: heap + external, and RSS, of each
// relay process before and after its sessions opened, the median over the five processes of
// each relay (one process's figure can be off by a lump of a few hundred KB). The spread is shown.
// Targets (issue 19): CPU per frame ≤ 1.05× the naive pipe in the same windows, idle memory per
// session ≤ 1.3× the naive pipe's; added latency ≤ 1.15× (the relay's own earlier goal).
// Run: npx tsx bench/relay/relay.bench.ts  (or npm run bench -- relay); about 8 minutes.
import { cpus, loadavg } from 'node:os';
import { startFakeUpstream } from './fake-upstream';
import { median, MEASURE_MS, phase, printCpuRows, printMemoryRow, range, WARMUP_MS, windowsOf, type Kind, type Target, type Window } from './paired-relays';
import { pinForBench } from './relay-child';

const LATENCY_SESSIONS = 100;
const HIGH_SESSIONS = 300;
const ROUNDS_AT_100 = 8;
const ROUNDS_AT_300 = 8;

const upstream = await startFakeUpstream();

const started = performance.now();
const pinning = pinForBench();
console.log(`bench/relay on ${cpus().length} cores, Node ${process.version}: windows of ${WARMUP_MS} ms warm-up + ${MEASURE_MS} ms measured; ${pinning}`);
const loadBefore = loadavg()[0] as number;
// The relay, the load generator and the upstream share the cores: anything else running skews
// latency far more than CPU per frame.
if (loadBefore > cpus().length * 0.5) console.log(`!!! load average ${loadBefore.toFixed(2)} before the run: other processes are busy; latency figures will be noisy`);

const at100 = await phase(upstream.url, LATENCY_SESSIONS, ROUNDS_AT_100, true);
const at300 = await phase(upstream.url, HIGH_SESSIONS, ROUNDS_AT_300, false);
await upstream.stop();

console.log('\n| measure (median over rounds; range) | naive `ws` pipe | voxwire relay | voxwire ÷ naive | target |');
console.log('|---|---:|---:|---:|---:|');
for (const [sessions, result] of [
  [LATENCY_SESSIONS, at100],
  [HIGH_SESSIONS, at300],
] as const) {
  printCpuRows(sessions, result, '≤ 1.05×');
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
printMemoryRow(LATENCY_SESSIONS, at100.memory, '≤ 1.3×');
printMemoryRow(HIGH_SESSIONS, at300.memory, '≤ 1.3×');
console.log(`\nbench/relay took ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after`);
