// Rules the type checker cannot see (DESIGN.md "Dependency rules", STYLE.md 2, 3 and 13):
// no default exports, no console in library code, zod only as `import * as z from 'zod/mini'`,
// and the root entry's import graph never reaches node:*, ws, DOM-only modules or the
// audio/server/testing/live trees.
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const problems = [];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

for (const file of files(join(root, 'src'))) {
  const rel = relative(root, file);
  const text = readFileSync(file, 'utf8');
  text.split('\n').forEach((line, index) => {
    const at = `${rel}:${index + 1}`;
    // Comments (JSDoc examples included) may show console and classic zod; code may not.
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) return;
    if (/^\s*export\s+default\b/.test(line)) problems.push(`${at}: default export (use named exports)`);
    if (rel !== 'src/base/logger.ts' && /\bconsole\.(log|warn|error|info|debug)\(/.test(line)) problems.push(`${at}: console in library code (use the logger)`);
    if (/from\s+['"]zod(\/v4)?['"]/.test(line)) problems.push(`${at}: classic zod import (use \`import * as z from 'zod/mini'\`)`);
    if (/import\s*\{[^}]*\bz\b[^}]*\}\s*from\s+['"]zod\/mini['"]/.test(line)) problems.push(`${at}: named { z } import defeats tree-shaking`);
  });
}

// The root entry's graph, as a bundler sees it.
const result = await build({
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  write: false,
  metafile: true,
  format: 'esm',
  platform: 'neutral',
  logLevel: 'silent',
  plugins: [
    {
      name: 'keep-local',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true }));
      },
    },
  ],
});
for (const [input, info] of Object.entries(result.metafile.inputs)) {
  // GPT-Live has its own entry (voxwire/live): a Realtime app must not pay for its schemas.
  if (/^src\/(audio|server|testing|live|events\/live)\/|^src\/events\/generated\/live-validators\.ts$/.test(input)) problems.push(`root entry imports ${input}`);
  for (const imported of info.imports) {
    if (/^(node:|ws$|ioredis$)/.test(imported.path)) problems.push(`root entry: ${input} imports ${imported.path}`);
  }
}

if (problems.length) {
  console.error(`lint: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`lint: ok (${Object.keys(result.metafile.inputs).length} modules in the root graph)`);
