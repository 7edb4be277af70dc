// bench/relay/relay-core: the relay core's own CPU per frame, without `ws` or sockets. One
// process, 100 sessions of a RelayCore with the policy, limits, budget and metrics of
// relay.bench.ts, no-op sockets; the frames of relay.bench.ts (a 20 ms append with an
// event_id, the fake upstream's audio delta) fed round-robin over the sessions. It isolates
// what voxwire adds per frame (the append check, the delta's type and charge, limits, metrics)
// from the `ws` framing and socket writes both relays pay, which dominate relay.bench.ts.
// Run: npx tsx bench/relay/relay-core.bench.ts  (or npm run bench -- relay-core); about 30 s.
import { loadavg } from 'node:os';
import type { Clock } from '../../src/base/clock';
import { silentLogger } from '../../src/base/logger';
import { RelayCore } from '../../src/server/core/relay-core';
import type { RelaySession } from '../../src/server/core/relay-session';
import type { RelaySocket } from '../../src/server/core/socket';
import { RelayMetrics } from '../../src/server/metrics';

const SESSIONS = 100;
const FRAMES = 200_000;
const REPEATS = 7;

const noSocket: RelaySocket = { send() {}, close() {}, bufferedAmount: 0, pause() {}, resume() {} };
const core = new RelayCore({
  model: 'gpt-realtime-2.1',
  metrics: new RelayMetrics({ latencyBucketsSeconds: [1, 2, 5, 10, 20, 50, 100].map((us) => us / 1e6) }),
  authenticate: (request: Request) => ({ userId: new URL(request.url).searchParams.get('token') ?? 'anonymous' }),
  policy: { session: { instructions: 'You are a helpful assistant.' }, voices: ['marin', 'cedar'], maxOutputTokens: 1024 },
  limits: { maxDurationMs: 10 * 60_000, maxSessionsPerUser: 3 },
  budget: { dailyLimit: 1e9 },
  logger: silentLogger,
});
const bytes = (text: string): Buffer => Buffer.from(text);
const sessions: RelaySession[] = [];
for (let index = 0; index < SESSIONS; index += 1) {
  const admission = await core.admit(new Request(`http://relay.bench/realtime?token=user-${index}`), { remoteAddress: undefined });
  if (admission.status !== 'accepted') throw new Error(`session ${index} was not admitted`);
  const session = core.open(admission.ticket, noSocket, noSocket);
  const config = { type: 'realtime', object: 'realtime.session', id: `sess_${index}`, model: 'gpt-realtime-2.1', instructions: '' };
  session.handleUpstreamFrame(bytes(JSON.stringify({ type: 'session.created', event_id: 'evt_c', session: config })));
  session.handleUpstreamFrame(bytes(JSON.stringify({ type: 'session.updated', event_id: 'evt_u', session: config })));
  sessions.push(session);
}
// 20 ms of 24 kHz PCM16 (960 bytes, 1280 base64 characters), as relay.bench.ts streams.
const audio = Buffer.from(Array.from({ length: 960 }, (_, index) => Math.round(300 * Math.sin(index / 9)) & 0xff)).toString('base64');
const appends = Array.from({ length: 64 }, (_, index) => bytes(`{"type":"input_audio_buffer.append","event_id":"t${1_000_000 + index}","audio":"${audio}"}`));
const deltas = Array.from({ length: 64 }, (_, index) =>
  bytes(`{"type":"response.output_audio.delta","event_id":"t${1_000_000 + index}","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"${audio}"}`),
);

/** CPU per frame (ns) of `count` frames of one kind, round-robin over the sessions. */
function run(kind: 'append' | 'delta', count: number): number {
  const frames = kind === 'append' ? appends : deltas;
  const started = process.cpuUsage();
  for (let index = 0; index < count; index += 1) {
    const session = sessions[index % SESSIONS] as RelaySession;
    if (kind === 'append') session.handleClientFrame(frames[index & 63] as Buffer);
    else session.handleUpstreamFrame(frames[index & 63] as Buffer);
  }
  const used = process.cpuUsage(started);
  return ((used.user + used.system) * 1000) / count;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
console.log(`bench/relay-core: ${SESSIONS} sessions, no sockets, load average ${(loadavg()[0] as number).toFixed(2)} before`);
run('append', FRAMES / 10);
run('delta', FRAMES / 10);
const results = { append: [] as number[], delta: [] as number[] };
for (let repeat = 0; repeat < REPEATS; repeat += 1) {
  results.append.push(run('append', FRAMES));
  results.delta.push(run('delta', FRAMES));
}
for (const kind of ['append', 'delta'] as const) {
  console.log(`| relay core CPU per ${kind === 'append' ? 'client append (1280 base64 chars)' : 'upstream audio delta'} | ${median(results[kind]).toFixed(0)} ns (${Math.min(...results[kind]).toFixed(0)}–${Math.max(...results[kind]).toFixed(0)}) |`);
}

// The same frames with the caches disturbed before each one, as in a relay: between two frames
// of a session the process runs the kernel's TCP path, `ws` and hundreds of other sessions, so a
// frame rarely finds the relay's code or its session in cache (in place, perf and timers put
// the session's own work at 1.7-2.2 µs a frame against 0.3-0.45 µs in the loop above). Before
// each frame: 2 MB of memory touched (more than this machine's L2) and 300 small functions
// run (more machine code than L1i holds); then the frame is made fresh, as `ws` hands a frame
// just unmasked; only the relay's call is timed (wall clock, minus what the timer itself
// costs, measured the same way around nothing).
const DISTURB_BYTES = 2 * 1024 * 1024;
const disturbance = new Uint8Array(DISTURB_BYTES);
const disturbers = Array.from({ length: 300 }, (_, index) => new Function('x', `let s = x; for (let i = 0; i < 3; i++) { s = (s * ${index + 3} + ${index}) ^ (s >>> ${(index % 7) + 1}); if (s & ${1 << (index % 11)}) s += ${index * 7}; else s -= ${index}; } return s | 0;`) as (x: number) => number);
let disturbed = 0;
function disturb(): void {
  for (let index = disturbed & 63; index < DISTURB_BYTES; index += 64) disturbance[index] = ((disturbance[index] as number) + 1) & 255;
  for (const run of disturbers) disturbed = run(disturbed);
}
const appendTexts = appends.map((frame) => frame.toString());
const deltaTexts = deltas.map((frame) => frame.toString());
/** Wall time per frame (ns) of `count` frames of one kind with the caches disturbed before each. */
function runDisturbed(kind: 'append' | 'delta', count: number): number {
  let total = 0;
  let timerCost = 0;
  for (let index = 0; index < count; index += 1) {
    const session = sessions[(index * 7) % SESSIONS] as RelaySession;
    disturb();
    let started = performance.now();
    timerCost += performance.now() - started;
    disturb();
    const frame = Buffer.from((kind === 'append' ? appendTexts : deltaTexts)[index & 63] as string);
    started = performance.now();
    if (kind === 'append') session.handleClientFrame(frame);
    else session.handleUpstreamFrame(frame);
    total += performance.now() - started;
  }
  return ((total - timerCost) * 1e6) / count;
}
runDisturbed('append', 2000);
runDisturbed('delta', 2000);
const disturbedResults = { append: [] as number[], delta: [] as number[] };
for (let repeat = 0; repeat < 5; repeat += 1) {
  disturbedResults.append.push(runDisturbed('append', 10_000));
  disturbedResults.delta.push(runDisturbed('delta', 10_000));
}
for (const kind of ['append', 'delta'] as const) {
  const values = disturbedResults[kind];
  console.log(`| relay core time per ${kind === 'append' ? 'client append' : 'upstream audio delta'}, caches disturbed before each frame | ${median(values).toFixed(0)} ns (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}) |`);
}

// The budget's charge tick (every 5 s by default): every session's pending charge stored, the
// user's total handed back to the user's sessions on this node. A relay of its own per size, on
// a manual clock, every session (one user each) with a charge pending. (Not the tests'
// FakeClock: it sorts every pending timer for each one it fires, and a tick leaves a store
// timeout pending per session, so it would measure itself.)
class ManualClock implements Clock {
  #now = Date.now();
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;
  now(): number {
    return this.#now;
  }
  setTimeout(callback: () => void, delayMs: number): unknown {
    this.#timers.set(this.#next, { at: this.#now + delayMs, callback });
    return this.#next++;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  /** Fires the timers due within `ms`. */
  advance(ms: number): void {
    this.#now += ms;
    for (const [handle, timer] of [...this.#timers]) {
      if (timer.at > this.#now) continue;
      this.#timers.delete(handle);
      timer.callback();
    }
  }
}
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
async function tickMs(sessionCount: number): Promise<number[]> {
  const clock = new ManualClock();
  const relay = new RelayCore({ model: 'gpt-realtime-2.1', clock, authenticate: (request: Request) => ({ userId: new URL(request.url).searchParams.get('token') ?? 'anonymous' }), budget: { dailyLimit: 1e9 }, logger: silentLogger });
  relay.start();
  const opened: RelaySession[] = [];
  for (let index = 0; index < sessionCount; index += 1) {
    const admission = await relay.admit(new Request(`http://relay.bench/realtime?token=tick-${index}`), { remoteAddress: undefined });
    if (admission.status !== 'accepted') throw new Error(`session ${index} was not admitted`);
    opened.push(relay.open(admission.ticket, noSocket, noSocket));
  }
  const times: number[] = [];
  for (let repeat = 0; repeat < 3; repeat += 1) {
    for (const session of opened) session.handleClientFrame(appends[0] as Buffer);
    const started = process.cpuUsage();
    clock.advance(5000);
    await settled();
    const used = process.cpuUsage(started);
    times.push((used.user + used.system) / 1000);
  }
  await relay.stop();
  return times;
}
for (const count of [1000, 5000]) {
  const times = await tickMs(count);
  console.log(`| budget charge tick, ${count} sessions (one user each) | ${median(times).toFixed(1)} ms (${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)}) |`);
}
console.log(`load average ${(loadavg()[0] as number).toFixed(2)} after`);
process.exit(0);
