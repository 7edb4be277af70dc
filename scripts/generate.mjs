// Runs every generator of committed files, one after another:
//   scripts/gen-validators.mjs   src/events/generated/*-validators.ts from the zod schemas
//   scripts/build-worklets.ts    src/audio/worklets/sources.generated.ts from the processors
//   scripts/errors-doc.mjs       docs/errors.md from the error and close-code tables
//   scripts/types-versions.ts    package.json `typesVersions` from `exports`
//   scripts/build-wasm.mjs       src/server/core/plain-body-wasm.generated.ts from plain-body.wat
// `npm run generate` writes them; `npm run generate:check` (in `npm test`) exits 1 when any is
// stale. `npm run build` writes only dist/, never these files.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
/** Each generator with the arguments that write and that check. */
const generators = [
  ['scripts/gen-validators.mjs', [], ['--check']],
  ['scripts/build-worklets.ts', [], ['--check']],
  ['scripts/errors-doc.mjs', [], ['--check']],
  ['scripts/types-versions.ts', ['--write'], []],
  ['scripts/build-wasm.mjs', [], ['--check']],
];

let failed = 0;
for (const [script, write, checkOnly] of generators) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...(check ? checkOnly : write)], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
if (failed > 0) {
  console.error(`generate: ${failed} generator(s) ${check ? 'found stale files (run `npm run generate`)' : 'failed'}`);
  process.exit(1);
}
