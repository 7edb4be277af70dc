// Runs every generator of committed files, one after another:
//   scripts/gen-validators.mjs   src/events/generated/*-validators.ts from the zod schemas
//   scripts/build-worklets.ts    src/audio/worklets/sources.generated.ts from the processors
//   scripts/errors-doc.mjs       docs/errors.md from the error and close-code tables
// `npm run generate` writes them; `npm run generate:check` (in `npm test`) exits 1 when any is
// stale. `npm run build` writes only dist/, never these files.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const generators = ['scripts/gen-validators.mjs', 'scripts/build-worklets.ts', 'scripts/errors-doc.mjs'];

let failed = 0;
for (const script of generators) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...(check ? ['--check'] : [])], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
if (failed > 0) {
  console.error(`generate: ${failed} generator(s) ${check ? 'found stale files (run `npm run generate`)' : 'failed'}`);
  process.exit(1);
}
