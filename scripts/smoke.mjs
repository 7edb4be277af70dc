// Packs the tarball as npm would publish it, installs it into a throwaway consumer and
// imports every entry point from ESM and from CJS. Catches a broken exports map, a
// missing file in "files", or an entry that touches the DOM or node:* at load.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'voxwire-smoke-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root));
  const tarball = join(work, packed[0].filename);
  console.log(`smoke: packed ${packed[0].filename} (${(packed[0].size / 1024).toFixed(1)} KB, ${packed[0].entryCount} files)`);

  const consumer = join(work, 'consumer');
  run('mkdir', ['-p', consumer], work);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  // react: the optional peer of voxwire/react, which an app using the bindings has.
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball, 'ws', 'react'], consumer);

  const entries = JSON.parse(readFileSync(join(root, 'scripts/smoke-entries.json'), 'utf8'));
  writeFileSync(
    join(consumer, 'esm.mjs'),
    `const entries = ${JSON.stringify(entries)};
for (const [entry, names] of Object.entries(entries)) {
  const mod = await import(entry);
  for (const name of names) if (!(name in mod)) throw new Error(entry + ' (ESM) lacks export ' + name);
}
console.log('smoke: ESM ok');
`,
  );
  writeFileSync(
    join(consumer, 'cjs.cjs'),
    `const entries = ${JSON.stringify(entries)};
for (const [entry, names] of Object.entries(entries)) {
  const mod = require(entry);
  for (const name of names) if (!(name in mod)) throw new Error(entry + ' (CJS) lacks export ' + name);
}
console.log('smoke: CJS ok');
`,
  );
  process.stdout.write(run('node', ['esm.mjs'], consumer));
  process.stdout.write(run('node', ['cjs.cjs'], consumer));
} catch (error) {
  console.error(`smoke: failed\n${error.stderr ?? ''}${error.stdout ?? ''}${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
