// bench/relay, GPT-Live: the voxwire Node relay with `live` (authentication, the operator's
// instructions and voice locked in `session.start`, a voice allowlist, limits, a per-user budget
// charged by the second of session, metrics) side by side with the naive `ws` pipe, on a
// Live-shaped stream: each client sends `session.start`, waits for `session.started`, then
// streams `session.input_audio.append` (24 kHz PCM16, 20 ms, 50 a second); the fake upstream
// answers each append with a `session.output_audio.delta`, and every 200 ms with an input and an
// output transcript fragment, every second with the cumulative `session.usage.updated`
// (live-upstream.ts). Same method as relay.bench.ts (paired-relays.ts): the load alternates
// between the relays in windows of balanced order, then both stream in the same windows on nine
// fresh pairs of relay processes (the ratio is the median over pairs); CPU per relayed frame
// from each relay's own process, memory per idle session from before and after its sessions
// opened (the median over the five processes of each relay). Live audio
// deltas carry no event id, so no round trip is timed.
// Targets: those of the Realtime relay (issue 19): CPU per frame ≤ 1.05× the naive pipe, idle
// memory ≤ 1.3×.
// Run: npx tsx bench/relay/live-relay.bench.ts  (or npm run bench -- live-relay); about 2 minutes.
import { cpus, loadavg } from 'node:os';
import { startFakeUpstream } from './fake-upstream';
import { MEASURE_MS, phase, printCpuRows, printMemoryRow, WARMUP_MS } from './paired-relays';
import { pinForBench } from './relay-child';

const PHASES = [
  { sessions: 100, rounds: 8 },
  { sessions: 300, rounds: 6 },
] as const;

const upstream = await startFakeUpstream({ protocol: 'live' });
const started = performance.now();
const pinning = pinForBench();
console.log(`bench/relay (GPT-Live) on ${cpus().length} cores, Node ${process.version}: windows of ${WARMUP_MS} ms warm-up + ${MEASURE_MS} ms measured; ${pinning}`);
const loadBefore = loadavg()[0] as number;
if (loadBefore > cpus().length * 0.5) console.log(`!!! load average ${loadBefore.toFixed(2)} before the run: other processes are busy; read the ratios, not the µs`);

const results = [];
for (const { sessions, rounds } of PHASES) results.push({ sessions, ...(await phase(upstream.url, sessions, rounds, false, 'live')) });
await upstream.stop();

console.log('\n| measure, GPT-Live (median over rounds; range) | naive `ws` pipe | voxwire relay with `live` | voxwire ÷ naive | target |');
console.log('|---|---:|---:|---:|---:|');
for (const result of results) printCpuRows(result.sessions, result, '≤ 1.05×');
for (const { sessions, memory } of results) printMemoryRow(sessions, memory, '≤ 1.3×');
console.log(`\nbench/relay (GPT-Live) took ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadBefore.toFixed(2)} before, ${(loadavg()[0] as number).toFixed(2)} after`);
