// The canonical-base64 check of one audio delta (issue 19 hot path), in a process of its own so
// the heap other benches leave behind does not weigh on it. On the Buffer path, `decodeBase64`
// decodes only input it has proved canonical (anything else goes to the strict portable
// decoder). Side by side, per 50 ms delta at 24 kHz (1,200 samples, 2,400 bytes, 3,200 base64
// characters): `decodeBase64` as it is; `decodeBase64` as it was at BASE64_BEFORE (decode,
// re-encode, compare; its source read from git, so both run the same wrapper); and Buffer's
// decode with no check at all (the floor).
// Run: node --expose-gc --import tsx bench/audio/base64-check.bench.ts [--before REV]
// (or npm run bench -- base64-check; needs git and the history)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodeBase64, pcm16ToBase64 } from '../../src/codec/base64';
import { floatToPcm16 } from '../../src/codec/pcm16';
import { machine, measure } from './measure';
import { speechLikeSignal } from './peers';

const BASE64_BEFORE = process.argv.includes('--before') ? process.argv[process.argv.indexOf('--before') + 1]! : '4122c7e';
const repository = fileURLToPath(new URL('../..', import.meta.url));
const beforeSource = execFileSync('git', ['show', `${BASE64_BEFORE}:src/codec/base64.ts`], { cwd: repository, encoding: 'utf8' })
  .replace("from '../base/errors'", `from ${JSON.stringify(join(repository, 'src/base/errors.ts'))}`)
  .replace("from './bytes'", `from ${JSON.stringify(join(repository, 'src/codec/bytes.ts'))}`);
const beforeDirectory = mkdtempSync(join(tmpdir(), 'voxwire-base64-before-'));
writeFileSync(join(beforeDirectory, 'base64.ts'), beforeSource);
const { decodeBase64: decodeBase64Before } = (await import(pathToFileURL(join(beforeDirectory, 'base64.ts')).href)) as { decodeBase64: (text: string) => Uint8Array };
rmSync(beforeDirectory, { recursive: true, force: true });

const delta = pcm16ToBase64(floatToPcm16(speechLikeSignal(1200)));
function bufferDecodeOnly(base64: string): Uint8Array {
  const byteLength = (base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
  const bytes = new Uint8Array(byteLength);
  Buffer.from(bytes.buffer, 0, byteLength).write(base64, 0, byteLength, 'base64');
  return bytes;
}
const reference = Buffer.from(delta, 'base64');
for (const [name, decoded] of [['voxwire', decodeBase64(delta)], ['before', decodeBase64Before(delta)], ['Buffer', bufferDecodeOnly(delta)]] as const) {
  if (Buffer.compare(reference, decoded) !== 0) throw new Error(`${name} decodes the delta differently`);
}
const canonicalCandidates = [
  { name: 'voxwire `decodeBase64` (ASCII scan, `-`/`_` search, bytes written, padded last group re-encoded)', run: () => decodeBase64(delta) },
  { name: `before (${BASE64_BEFORE}): \`decodeBase64\` decoding, re-encoding and comparing`, run: () => decodeBase64Before(delta) },
  { name: '`Buffer` decode alone, no check (the floor)', run: () => bufferDecodeOnly(delta) },
];
const canonical = measure(canonicalCandidates);
// Wall-clock rounds swing with the machine's load; CPU time (process.cpuUsage) counts only
// what this process ran, so it is also timed that way: 60 interleaved rounds of 10,000 deltas;
// the fastest round is the least disturbed one, so it is shown beside the median.
const cpuMicros = canonicalCandidates.map(() => [] as number[]);
const OPS_PER_ROUND = 10_000;
/** `node --expose-gc` (as `npm run bench` runs it): a collection between rounds, so none lands inside one. */
const collect = (globalThis as { gc?: () => void }).gc ?? ((): void => {});
for (let round = 0; round < 60; round++) {
  // Rotate who goes first, so garbage collection and load land on every candidate alike.
  canonicalCandidates.forEach((_, offset) => {
    const index = (round + offset) % canonicalCandidates.length;
    const candidate = canonicalCandidates[index]!;
    let last: unknown;
    collect();
    const start = process.cpuUsage();
    for (let op = 0; op < OPS_PER_ROUND; op++) last = candidate.run();
    const used = process.cpuUsage(start);
    if (last === undefined) throw new Error(`${candidate.name} returned nothing`);
    cpuMicros[index]!.push((used.user + used.system) / OPS_PER_ROUND);
  });
}
const middle = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`Canonical base64 check, one 50 ms delta (3,200 characters). ${machine()}.\n`);
console.log('| implementation | CPU µs per delta (fastest round) | CPU µs (median) | wall µs (median) |');
console.log('|---|---:|---:|---:|');
canonical.forEach((result, index) => {
  const cpu = cpuMicros[index]!;
  console.log(`| ${result.name} | ${Math.min(...cpu).toFixed(2)} | ${middle(cpu).toFixed(2)} | ${(1e6 / result.opsPerSecond).toFixed(2)} |`);
});
