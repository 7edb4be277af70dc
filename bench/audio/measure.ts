// Node-side helpers for the audio benchmarks: the timer (shared with the Chromium page, see
// timer.ts), the machine line and the ratio table.
import { cpus } from 'node:os';

export { measure, sink } from './timer';
export type { Candidate, Measured, MeasureOptions } from './timer';
import type { Measured } from './timer';

/** Formats ops/s with thousands separators and 3 significant digits below 1000. */
export function formatOps(ops: number): string {
  return ops >= 1000 ? Math.round(ops).toLocaleString('en-US') : ops.toPrecision(3);
}

/** One line describing the machine, for the README. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, Node ${process.version}`;
}

/** Prints a Markdown table: one row per result, ratio of `reference` to each. */
export function printRatioTable(title: string, results: Measured[], reference: string): void {
  const base = results.find((result) => result.name === reference);
  if (base === undefined) throw new Error(`no result named ${reference}`);
  console.log(`\n${title}\n`);
  console.log('| implementation | ops/s (median) | range over rounds | voxwire is × faster |');
  console.log('|---|---:|---:|---:|');
  for (const result of results) {
    const ratio = base.opsPerSecond / result.opsPerSecond;
    const ratioText = result === base ? '1×' : `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
    console.log(`| ${result.name} | ${formatOps(result.opsPerSecond)} | ${formatOps(result.min)}–${formatOps(result.max)} | ${ratioText} |`);
  }
}
