/**
 * Optional modules (`ws`, `werift`, `opusscript`, `msw`) are looked up with `import(name)` so
 * that bundlers never pull them in. webpack 5 warns "Critical dependency: the request of a
 * dependency is an expression" on each such lookup unless it carries `webpackIgnore: true`
 * (issue 17, obs. 4); Vite wants `@vite-ignore`. packed.test.ts builds the root with webpack;
 * this catches a new lookup anywhere in src/ at once.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('dynamic imports of a computed name', () => {
  it('carry webpackIgnore and @vite-ignore', () => {
    const lookups: string[] = [];
    const unmarked: string[] = [];
    for (const file of sourceFiles(join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      // `import(` whose argument, after any comments, is not a string literal.
      for (const match of text.matchAll(/\bimport\(((?:\s*\/\*[^]*?\*\/)*)\s*([^'"`\s)][^)]*)\)/g)) {
        const where = `${relative(root, file)}: import(${match[2]})`;
        lookups.push(where);
        const comments = match[1] ?? '';
        if (!comments.includes('webpackIgnore: true') || !comments.includes('@vite-ignore')) unmarked.push(where);
      }
    }
    expect(lookups.length).toBeGreaterThanOrEqual(5);
    expect(unmarked).toEqual([]);
  });
});
