// A small side-by-side timer for the audio benchmarks, in Node and in Chromium alike: warm up
// every candidate, calibrate a batch that runs for at least `minRoundMs`, then time several
// rounds in rotating order (so a slow phase of the machine hits everyone alike) and report the
// median ops/s of each. performance.now() is precise enough for rounds of 150 ms and more.

export interface Candidate {
  name: string;
  /** One operation. Its result goes to a sink so the engine cannot drop the work. */
  run: () => unknown;
}

export interface Measured {
  name: string;
  /** Median operations per second over the rounds. */
  opsPerSecond: number;
  /** Slowest and fastest round, ops/s. */
  min: number;
  max: number;
}

export interface MeasureOptions {
  /** Timed rounds per candidate; the median is reported. */
  rounds?: number;
  /** Minimum duration of one round. */
  minRoundMs?: number;
  /** Warm-up time per candidate before calibration. */
  warmupMs?: number;
}

/** The last result of every batch lands here: a store the engine cannot prove dead. */
export let sink: unknown;

const gc = (globalThis as { gc?: () => void }).gc;

function timeBatch(run: () => unknown, iterations: number): number {
  const start = performance.now();
  let last: unknown;
  for (let i = 0; i < iterations; i++) last = run();
  const elapsed = performance.now() - start;
  sink = last;
  return elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs every candidate side by side and returns the median ops/s of each. */
export function measure(candidates: Candidate[], options: MeasureOptions = {}): Measured[] {
  const rounds = options.rounds ?? 7;
  const minRoundMs = options.minRoundMs ?? 150;
  const warmupMs = options.warmupMs ?? 300;
  const batches = candidates.map((candidate) => {
    let iterations = 1;
    const warmupEnd = performance.now() + warmupMs;
    while (performance.now() < warmupEnd) timeBatch(candidate.run, iterations);
    for (;;) {
      const elapsed = timeBatch(candidate.run, iterations);
      if (elapsed >= minRoundMs) break;
      iterations = Math.ceil(iterations * Math.min(10, Math.max(1.5, (minRoundMs * 1.2) / Math.max(elapsed, 0.01))));
    }
    return iterations;
  });
  const samples: number[][] = candidates.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < candidates.length; k++) {
      const index = (k + round) % candidates.length;
      gc?.();
      const elapsed = timeBatch(candidates[index]!.run, batches[index]!);
      samples[index]!.push((batches[index]! * 1000) / elapsed);
    }
  }
  return candidates.map((candidate, index) => ({
    name: candidate.name,
    opsPerSecond: median(samples[index]!),
    min: Math.min(...samples[index]!),
    max: Math.max(...samples[index]!),
  }));
}
