/**
 * TypeScript's `moduleResolution: node` (node10) ignores `exports`: without a `typesVersions`
 * entry every subpath (`voxwire/server`, ...) resolves to no types (issue 17, obs. 3). The map
 * is derived from `exports` here, so an entry point added later cannot be left out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { typesVersionsFor } from '../../scripts/types-versions';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions?: Record<string, Record<string, string[]>>;
  types: string;
};
const tsupConfig = readFileSync(join(root, 'tsup.config.ts'), 'utf8');

describe('typesVersions (node10 resolution of every subpath)', () => {
  it('gives every typed subpath of exports its declaration file, and nothing else', () => {
    const expected = typesVersionsFor(pkg.exports);
    expect(pkg.typesVersions, 'run npx tsx scripts/types-versions.ts --write').toEqual(expected);
    const mapped = Object.keys(pkg.typesVersions?.['*'] ?? {});
    const subpaths = Object.keys(pkg.exports).filter((subpath) => subpath !== '.' && subpath !== './package.json' && !subpath.includes('*'));
    expect(mapped.sort()).toEqual(subpaths.map((subpath) => subpath.slice(2)).sort());
  });

  it('points each subpath at a declaration file the build emits (a tsup entry)', () => {
    for (const [subpath, [file]] of Object.entries(pkg.typesVersions?.['*'] ?? {})) {
      const entry = file!.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '');
      expect(tsupConfig, `voxwire/${subpath}: tsup.config.ts builds no entry '${entry}'`).toContain(`'${entry}'`);
    }
    expect(existsSync(join(root, 'src', 'index.ts'))).toBe(true);
    expect(pkg.types).toBe('./dist/index.d.ts');
  });
});
