// TypeScript's `moduleResolution: node` (node10) ignores `exports`, so every subpath needs a
// `typesVersions` entry pointing at its declaration file or `import 'voxwire/server'` has no
// types there. This derives the map from `exports` so that a new entry point cannot be
// forgotten: `tsx scripts/types-versions.ts` checks package.json, `--write` rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const packageFile = fileURLToPath(new URL('../package.json', import.meta.url));

/** The declaration file an `exports` entry gives ESM importers, or undefined (no types). */
function typesOf(target: unknown): string | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const conditions = target as Record<string, unknown>;
  if (typeof conditions.types === 'string') return conditions.types;
  for (const condition of ['import', 'require', 'default']) {
    const found = typesOf(conditions[condition]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The `typesVersions` that `exports` implies: one entry per typed subpath (the root is served
 * by the top-level `types` field), in `exports` order.
 */
export function typesVersionsFor(exportsField: Record<string, unknown>): { '*': Record<string, string[]> } {
  const paths: Record<string, string[]> = {};
  for (const [subpath, target] of Object.entries(exportsField)) {
    if (subpath === '.' || !subpath.startsWith('./')) continue;
    const types = typesOf(target);
    if (types !== undefined) paths[subpath.slice(2)] = [types];
  }
  return { '*': paths };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = readFileSync(packageFile, 'utf8');
  const pkg = JSON.parse(text) as { exports: Record<string, unknown>; typesVersions?: unknown };
  const expected = typesVersionsFor(pkg.exports);
  if (process.argv.includes('--write')) {
    pkg.typesVersions = expected;
    writeFileSync(packageFile, `${JSON.stringify(pkg, null, 2)}\n`);
    console.log('types-versions: package.json typesVersions written from exports');
  } else if (JSON.stringify(pkg.typesVersions) !== JSON.stringify(expected)) {
    console.error(
      `types-versions: package.json typesVersions does not match exports; run npx tsx scripts/types-versions.ts --write\n` +
        `expected ${JSON.stringify(expected)}\nfound    ${JSON.stringify(pkg.typesVersions)}`,
    );
    process.exitCode = 1;
  } else {
    console.log('types-versions: ok');
  }
}
