// The measuring core of bench/relay, shared by the Realtime relay bench (relay.bench.ts) and
// the GPT-Live one (live-relay.bench.ts): both relays in child processes with their sessions
// open, the load alternating between them in windows of balanced order, CPU per relayed frame
// from each child's own `process.cpuUsage()`, and memory before and after the sessions opened.
import { LoadGenerator, quantile } from './load-generator';
import { startRelayChild, type Memory, type RelayChild } from './relay-child';

export type Kind = 'voxwire' | 'naive';
export type Target = Kind | 'direct';
export type Protocol = 'realtime' | 'live';

export const WARMUP_MS = 500;
export const MEASURE_MS = 2500;
const SETTLE_MS = 200;
/** Unmeasured streaming per relay before the first window (see `phase`). */
const JIT_WARMUP_MS = 3000;
/**
 * Fresh pairs of relay processes per phase, and paired rounds per pair (see `phase`). Nine
 * since 2026-12-07 (five before): pairs spread 1.02-1.09x with no process marking, wider than
 * the gap to the goal, so the median over five could not tell 1.04x from 1.06x.
 * `VOXWIRE_BENCH_PAIRS` sets another count.
 */
const PAIRS = Number(process.env.VOXWIRE_BENCH_PAIRS ?? 9);
/** Processes of each relay whose idle memory is read (the median is reported). */
const MEMORY_PROCESSES = 5;
const TOGETHER_ROUNDS = 5;
const WARM_SESSIONS = 50;

/** What one phase measured: CPU windows, latency windows (with `withDirect`), memory per idle session per relay. */
export interface Phase {
  windows: Window[];
  together: Window[];
  memory: Record<Kind, MemorySample[]>;
}

/** Memory per idle session of one relay process, in KB: heap + external, and RSS. */
export interface MemorySample {
  heapKb: number;
  rssKb: number;
}

export interface Histogram {
  bucketsSeconds: number[];
  counts: number[];
}

export interface Window {
  target: Target;
  inRelay: Histogram | undefined;
  round: number;
  /** Which pair of relay processes streamed (paired rounds only). */
  pair?: number;
  cpuUsPerFrame: number;
  cpuCores: number;
  framesPerSecond: number;
  p50Us: number;
  p99Us: number;
  /** Collections of the old generation in the relay process during the measured window (paired rounds). */
  majorGcs?: number;
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
 * Opens `sessions` sessions on a relay after WARM_SESSIONS idle ones, and reads its memory per
 * session from before and after.
 */
async function openIdle(relay: RelayChild, sessions: number, protocol: Protocol): Promise<{ warm: LoadGenerator; generator: LoadGenerator; sample: MemorySample }> {
  // Idle sessions first, so what is made once is not counted per session: timers and caches,
  // and the code and feedback V8 compiles as the same paths run again. With 5 warm sessions
  // that landed in the measured ones (heap-snapshot diff of 200, 2026-12-07: 0.76 MB for
  // the voxwire relay, 0.49 MB for the naive pipe), though a further session costs none.
  const warm = new LoadGenerator(protocol);
  await warm.connect(relay.url, WARM_SESSIONS, 'warm');
  const before = await relay.request<Memory>('memory');
  const generator = new LoadGenerator(protocol);
  await generator.connect(relay.url, sessions);
  await sleep(300);
  const after = await relay.request<Memory>('memory');
  const sample = {
    heapKb: (after.heapUsed + after.external - before.heapUsed - before.external) / sessions / 1024,
    rssKb: (after.rss - before.rss) / sessions / 1024,
  };
  return { warm, generator, sample };
}

/**
 * Memory per idle session, each sample from a fresh relay process of each kind that measures
 * nothing else: one process's figure moves by up to ±2 KB a session at 100 sessions (a lump of
 * a few hundred KB landing before or after the sessions opened: seen 3.4 against 5.6-5.9 KB for
 * the naive pipe), so the row takes the median of several. Apart from the CPU pairs because
 * reading memory forces full collections (`gc()`), which can leave V8 marking the old
 * generation every 0.5-1.5 s for the rest of the process's life (`--trace-incremental-marking`,
 * "Start (task)" at 16 of 40 MB, 2026-12-07: in 2 of 5 voxwire relay processes with the
 * forced collections, 0 of 5 without; 4-8 major collections per 2.5 s window, 15-43 ms): no
 * relay in production is ever made to collect, and the pairs so affected read 1.12-1.26x.
 */
export async function memorySamples(upstreamUrl: string, sessions: number, repeats: number, protocol: Protocol = 'realtime'): Promise<Record<Kind, MemorySample[]>> {
  const samples: Record<Kind, MemorySample[]> = { naive: [], voxwire: [] };
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    for (const kind of repeat % 2 === 0 ? (['naive', 'voxwire'] as const) : (['voxwire', 'naive'] as const)) {
      const relay = await startRelayChild(kind, upstreamUrl, undefined, protocol);
      try {
        const { warm, generator, sample } = await openIdle(relay, sessions, protocol);
        samples[kind].push(sample);
        await generator.close();
        await warm.close();
      } finally {
        await relay.exit();
      }
    }
  }
  return samples;
}

/** Two relay processes with their sessions open and warmed up (one pair of a phase). */
interface Pair {
  relays: Record<Kind, RelayChild>;
  generators: Map<Target, LoadGenerator>;
  idle: LoadGenerator[];
}

/**
 * Starts a fresh pair of relays (in `order`), opens the idle and the measured sessions on each,
 * and the direct sessions when latency is measured; then each
 * relay streams unmeasured for a while: V8 compiles the hot paths of a fresh process in its
 * first seconds (on helper threads that `process.cpuUsage()` counts), and the relay with more
 * code would otherwise pay that in its first measured windows.
 */
async function startPair(upstreamUrl: string, sessions: number, withDirect: boolean, protocol: Protocol, order: readonly Kind[]): Promise<Pair> {
  const relays = {} as Record<Kind, RelayChild>;
  for (const kind of order) relays[kind] = await startRelayChild(kind, upstreamUrl, undefined, protocol);
  const pair: Pair = { relays, generators: new Map(), idle: [] };
  try {
    // The same idle and measured sessions as a memory sample opens, but no forced collection.
    for (const kind of order) {
      const warm = new LoadGenerator(protocol);
      await warm.connect(relays[kind].url, WARM_SESSIONS, 'warm');
      pair.idle.push(warm);
      const generator = new LoadGenerator(protocol);
      await generator.connect(relays[kind].url, sessions);
      pair.generators.set(kind, generator);
    }
    if (withDirect) {
      const generator = new LoadGenerator(protocol);
      await generator.connect(upstreamUrl, sessions);
      pair.generators.set('direct', generator);
    }
    for (const kind of order) {
      const generator = pair.generators.get(kind) as LoadGenerator;
      generator.start();
      await sleep(JIT_WARMUP_MS);
      generator.stop();
      await sleep(SETTLE_MS);
    }
    return pair;
  } catch (error) {
    await closePair(pair);
    throw error;
  }
}

async function closePair(pair: Pair): Promise<void> {
  for (const generator of [...pair.generators.values(), ...pair.idle]) await generator.close();
  for (const relay of Object.values(pair.relays)) await relay.exit();
}

/** One relay streams at a time, alternating, so each has the cores it would have alone. */
async function alternatingWindows(pair: Pair, sessions: number, rounds: number): Promise<Window[]> {
  const targets: Target[] = ['naive', 'voxwire'];
  const windows: Window[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const target of orderFor(round, targets)) {
      const window = await streamWindow(target, round, pair.generators.get(target) as LoadGenerator, target === 'direct' ? undefined : pair.relays[target]);
      windows.push(window);
    }
    const line = targets.map((target) => {
      const window = windows.find((candidate) => candidate.round === round && candidate.target === target) as Window;
      const cpu = target === 'direct' ? [] : [`${window.cpuUsPerFrame.toFixed(1)} µs/frame ${(window.cpuCores * 100).toFixed(0)}% core`];
      // Live audio deltas carry no event id: nothing is timed on a Live stream.
      const rtt = Number.isNaN(window.p50Us) ? [] : [`RTT p50 ${(window.p50Us / 1000).toFixed(2)} p99 ${(window.p99Us / 1000).toFixed(2)} ms`];
      return `${target} ${[...cpu, ...rtt].join(', ')}`;
    });
    console.log(`  ${sessions} sessions, round ${round + 1}: ${line.join(' | ')}`);
  }
  return windows;
}

/**
 * Both relays streaming in the same windows (with the direct sessions too when latency is
 * measured), so every window sees the same machine: the relays' round trips (their own cost is
 * a few µs a frame; the rest of a round trip is scheduling, which differs far more between
 * windows than between relays), and their CPU per frame in a paired run. The order the sets
 * start in rotates, so no relay always gets the first timers of a round. `firstRound` numbers
 * the rounds on from the pairs before.
 */
async function togetherRounds(pair: Pair, pairIndex: number, sessions: number, firstRound: number): Promise<Window[]> {
  const together: Window[] = [];
  const targets: Kind[] = ['naive', 'voxwire'];
  const streams: Target[] = pair.generators.has('direct') ? ['direct', ...targets] : [...targets];
  for (let index = 0; index < TOGETHER_ROUNDS; index += 1) {
    const round = firstRound + index;
    const order = [...streams.slice(round % streams.length), ...streams.slice(0, round % streams.length)];
    for (const target of order) pair.generators.get(target)?.start();
    await sleep(WARMUP_MS);
    for (const kind of targets) await pair.relays[kind].request('mark');
    for (const target of streams) pair.generators.get(target)?.record();
    await sleep(MEASURE_MS);
    for (const target of streams) {
      const latencies = (pair.generators.get(target) as LoadGenerator).stopRecording();
      const report = target === 'direct' ? undefined : await pair.relays[target].request<{ cpuUs: number; frames: number; wallMs: number; majorGcs: { count: number } }>('report');
      together.push({
        target,
        round,
        pair: pairIndex,
        inRelay: undefined,
        cpuUsPerFrame: report ? report.cpuUs / report.frames : Number.NaN,
        cpuCores: report ? report.cpuUs / 1000 / report.wallMs : Number.NaN,
        framesPerSecond: report ? (report.frames / report.wallMs) * 1000 : Number.NaN,
        p50Us: quantile(latencies, 0.5),
        p99Us: quantile(latencies, 0.99),
        majorGcs: report?.majorGcs.count,
      });
    }
    for (const target of streams) pair.generators.get(target)?.stop();
    await sleep(SETTLE_MS);
    const line = streams.map((target) => {
      const window = together.find((candidate) => candidate.round === round && candidate.target === target) as Window;
      const cpu = target === 'direct' ? [] : [`${window.cpuUsPerFrame.toFixed(1)} µs/frame${window.majorGcs ? ` (${window.majorGcs} major GCs)` : ''}`];
      const rtt = Number.isNaN(window.p50Us) ? [] : [`RTT p50 ${(window.p50Us / 1000).toFixed(2)} p99 ${(window.p99Us / 1000).toFixed(2)} ms`];
      return `${target} ${[...cpu, ...rtt].join(', ')}`;
    });
    console.log(`  ${sessions} sessions each, same windows, pair ${pairIndex + 1}, round ${index + 1}: ${line.join(' | ')}`);
  }
  return together;
}

/**
 * One phase at `sessions` sessions per relay: {@link PAIRS} fresh pairs of relay processes, one
 * after the other. The first pair also runs the alternating windows (`rounds` rounds); every
 * pair runs the paired rounds. Memory is sampled after, in processes of its own
 * ({@link memorySamples}). A pair of processes keeps
 * an offset of its own for its whole life (where the kernel put its pages and how its
 * sessions' timers fell against the other relay's): two processes of the same relay read
 * 0.99-1.02x each other over six fresh pairs, and one ablated voxwire relay read 1.15x the
 * naive pipe in one pair against 1.01-1.02x in three others (2026-12-07), with every round
 * of a pair within a few percent of the pair's median. So the paired ratio is the median over
 * pairs, not over the rounds of one pair.
 */
export async function phase(upstreamUrl: string, sessions: number, rounds: number, withDirect: boolean, protocol: Protocol = 'realtime'): Promise<Phase> {
  let windows: Window[] = [];
  const together: Window[] = [];
  for (let pairIndex = 0; pairIndex < PAIRS; pairIndex += 1) {
    // The start order alternates too: which process came first decides nothing either.
    const order: Kind[] = pairIndex % 2 === 0 ? ['naive', 'voxwire'] : ['voxwire', 'naive'];
    const pair = await startPair(upstreamUrl, sessions, withDirect, protocol, order);
    try {
      if (pairIndex === 0) windows = await alternatingWindows(pair, sessions, rounds);
      together.push(...(await togetherRounds(pair, pairIndex, sessions, pairIndex * TOGETHER_ROUNDS)));
    } finally {
      await closePair(pair);
    }
  }
  const memory = await memorySamples(upstreamUrl, sessions, MEMORY_PROCESSES, protocol);
  return { windows, together, memory };
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
export const range = (values: number[], digits = 1): string => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

export const windowsOf = (windows: Window[], target: Target): Window[] => windows.filter((window) => window.target === target);
export const ratioLine = (label: string, naive: number[], voxwire: number[], unit: string, digits: number, target: string): void => {
  const perRound = naive.map((value, index) => (voxwire[index] as number) / value);
  console.log(
    `| ${label} | ${median(naive).toFixed(digits)} ${unit} (${range(naive, digits)}) | ${median(voxwire).toFixed(digits)} ${unit} (${range(voxwire, digits)}) | ${(median(voxwire) / median(naive)).toFixed(2)}× (rounds ${range(perRound, 2)}) | ${target} |`,
  );
};


/**
 * The paired ratio of a phase: for each pair of processes the median of its per-round ratios
 * (voxwire ÷ naive in the same window), and the median over pairs.
 */
export function pairedRatio(together: Window[]): { ratio: number; perPair: number[]; perRound: number[]; marking: Array<Kind | undefined> } {
  const perPair: number[] = [];
  const perRound: number[] = [];
  const marking: Array<Kind | undefined> = [];
  for (const pair of [...new Set(together.map((window) => window.pair))]) {
    const ofPair = together.filter((window) => window.pair === pair);
    const ratios = windowsOf(ofPair, 'naive').map((naive) => (ofPair.find((window) => window.target === 'voxwire' && window.round === naive.round) as Window).cpuUsPerFrame / naive.cpuUsPerFrame);
    perRound.push(...ratios);
    perPair.push(median(ratios));
    marking.push(markingKind(ofPair));
  }
  return { ratio: median(perPair), perPair, perRound, marking };
}

/**
 * The relay of a pair that V8 kept collecting its old generation in most of the measured
 * windows, if one did. On Node 20, a mark-compact after start-up in a process streaming this
 * steadily sets the next limit at the old generation + 8 MB + the 16 MB semi-space, and V8
 * then starts marking after every scavenge: a mark-compact every ~0.6 s, 4-8 per window
 * (`--trace-gc --trace-gc-verbose`, 2026-12-07; docs/server.md). Whether a process gets that
 * second mark-compact depends on how much its old generation grows after the start-up one, not
 * on the frames; both relays fall into it. Such a pair reads 1.10-1.25x; a relay in production
 * may fall into it as well, so the headline keeps every pair and the row names the pairs so affected.
 */
function markingKind(ofPair: Window[]): Kind | undefined {
  for (const kind of ['voxwire', 'naive'] as const) {
    const windows = windowsOf(ofPair, kind);
    if (windows.filter((window) => (window.majorGcs ?? 0) > 0).length * 2 > windows.length) return kind;
  }
  return undefined;
}

/**
 * The CPU rows of one phase: per relayed frame with the load alternating (each relay alone in
 * its windows, one pair of processes), per relayed frame with both relays streaming in the
 * same windows (the paired run: ratio per round, median per pair of processes, median over
 * pairs), and the share of a core.
 */
export function printCpuRows(sessions: number, phaseResult: Pick<Phase, 'windows' | 'together'>, target: string): void {
  const { windows, together } = phaseResult;
  ratioLine(`relay CPU per relayed frame, ${sessions} sessions, one relay streaming at a time`, windowsOf(windows, 'naive').map((w) => w.cpuUsPerFrame), windowsOf(windows, 'voxwire').map((w) => w.cpuUsPerFrame), 'µs', 1, target);
  const naive = windowsOf(together, 'naive').map((w) => w.cpuUsPerFrame);
  const voxwire = windowsOf(together, 'voxwire').map((w) => w.cpuUsPerFrame);
  const paired = pairedRatio(together);
  const pairs = paired.perPair.map((ratio, index) => `${ratio.toFixed(3)}${paired.marking[index] === undefined ? '' : ` (${paired.marking[index]} marking)`}`);
  const steady = paired.perPair.filter((_, index) => paired.marking[index] === undefined);
  const steadyText = steady.length < paired.perPair.length && steady.length > 0 ? `; ${median(steady).toFixed(2)}× over the ${steady.length} pairs where neither kept marking` : '';
  console.log(
    `| relay CPU per relayed frame, ${sessions} sessions each, both streaming in the same windows (${paired.perPair.length} pairs of processes × ${TOGETHER_ROUNDS} rounds) | ${median(naive).toFixed(1)} µs (${range(naive)}) | ${median(voxwire).toFixed(1)} µs (${range(voxwire)}) | ${paired.ratio.toFixed(2)}× (pairs ${pairs.join(', ')}; rounds ${range(paired.perRound, 2)}${steadyText}) | ${target} |`,
  );
  const cores = (kind: Kind): string => `${(median(windowsOf(windows, kind).map((w) => w.cpuCores)) * 100).toFixed(0)}%`;
  console.log(`| relay CPU, ${sessions} sessions (share of one core, streaming alone) | ${cores('naive')} | ${cores('voxwire')} | | |`);
}

/** The memory row: heap + external (and RSS) per idle session, median over the samples, as a ratio. */
export function printMemoryRow(sessions: number, memory: Record<Kind, MemorySample[]>, target: string): void {
  const heap = (kind: Kind): number[] => memory[kind].map((sample) => sample.heapKb);
  const rss = (kind: Kind): number => median(memory[kind].map((sample) => sample.rssKb));
  console.log(
    `| memory per idle session (${sessions} open; median of ${memory.naive.length} processes each; range): heap + external; RSS | ${median(heap('naive')).toFixed(1)} KB (${range(heap('naive'))}); ${rss('naive').toFixed(1)} KB | ${median(heap('voxwire')).toFixed(1)} KB (${range(heap('voxwire'))}); ${rss('voxwire').toFixed(1)} KB | ${(median(heap('voxwire')) / median(heap('naive'))).toFixed(2)}× | ${target} |`,
  );
}
