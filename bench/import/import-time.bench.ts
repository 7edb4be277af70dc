/**
 * Import time in Node (issue 19): how long `await import(specifier)` takes in a fresh process,
 * for voxwire's entries next to the `openai` package and `@openai/agents-realtime`. Each sample
 * is its own `node` process (nothing cached in memory), timed inside the child around the
 * import only, so Node's own start-up is not counted. Rounds interleave the specifiers so a
 * burst of load on the machine hits all of them alike; the median of the rounds is reported.
 *
 * voxwire resolves through package.json `exports` (a self-reference), so it measures the BUILT
 * package: run `npm run build` first. `--root DIR` measures another checkout's build (for a
 * before/after pair), `--rounds N` sets the rounds (default 15).
 *
 *   npx tsx bench/import/import-time.bench.ts [--root DIR] [--rounds N]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : args[index + 1];
};
const root = resolve(option('--root') ?? fileURLToPath(new URL('../..', import.meta.url)));
const rounds = Number(option('--rounds') ?? 15);
if (!existsSync(join(root, 'dist/index.js'))) {
  process.stderr.write(`import-time: ${root}/dist/index.js is missing; run \`npm run build\` there first\n`);
  process.exit(1);
}

const specifiers = ['voxwire', 'voxwire/audio', 'voxwire/server', 'openai', '@openai/agents-realtime'];

/** Milliseconds one fresh process spends in `await import(specifier)`. */
function sample(specifier: string): number {
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`import ${specifier} failed: ${result.stderr}`);
  return Number(result.stdout);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const samples = new Map(specifiers.map((specifier) => [specifier, [] as number[]]));
for (const specifier of specifiers) sample(specifier); // warm the file-system cache
for (let round = 0; round < rounds; round++) {
  for (const specifier of specifiers) samples.get(specifier)!.push(sample(specifier));
}

process.stdout.write(`Node ${process.version}; ${rounds} interleaved rounds, one fresh process per sample; build in ${root}\n`);
process.stdout.write(`${'import'.padEnd(28)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}\n`);
for (const [specifier, values] of samples) {
  const row = [median(values), Math.min(...values), Math.max(...values)].map((ms) => `${ms.toFixed(1)} ms`.padStart(10)).join('');
  process.stdout.write(`${specifier.padEnd(28)}${row}\n`);
}
