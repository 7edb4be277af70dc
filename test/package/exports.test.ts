/**
 * One export-name snapshot per entry point (issue 19): every entry of package.json `exports`
 * has a file under test/package/exports/ listing each name it exports, value or type, so a
 * name added, removed or renamed shows in review. A new entry without a snapshot fails here.
 * The names are read from the sources with the TypeScript checker (types included), not from
 * a build. After an intended change: `npx vitest run test/package/exports.test.ts -u`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const packageJson = JSON.parse(readFileSync(new URL('package.json', `file://${root}`), 'utf8')) as {
  exports: Record<string, string | { import?: { types?: string } }>;
};

/** Entries with a module (not `./package.json`, not the worklet asset pattern), with their source file. */
const entries = Object.entries(packageJson.exports).flatMap(([subpath, target]) => {
  if (typeof target === 'string') return [];
  const types = target.import?.types;
  if (types === undefined) return [];
  return [{ subpath, name: subpath === '.' ? 'voxwire' : `voxwire/${subpath.slice(2)}`, source: `${root}${types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts')}` }];
});

const program = ts.createProgram(
  entries.map((entry) => entry.source),
  { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, skipLibCheck: true, noEmit: true, types: ['node'], lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'] },
);
const checker = program.getTypeChecker();

/** `value Name` or `type Name` for each export of a module, sorted by name. */
function exportedNames(source: string): string[] {
  const file = program.getSourceFile(source);
  if (file === undefined) throw new Error(`${source} is not in the program`);
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) return [];
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const kind = target.flags & ts.SymbolFlags.Value ? 'value' : 'type';
      return `${kind} ${symbol.name}`;
    })
    .sort((a, b) => a.slice(a.indexOf(' ') + 1).localeCompare(b.slice(b.indexOf(' ') + 1)));
}

describe('export names per entry point', () => {
  it('finds every module entry of package.json exports', () => {
    expect(entries.map((entry) => entry.subpath)).toContain('.');
    for (const entry of entries) expect(existsSync(entry.source), `${entry.subpath} → ${entry.source}`).toBe(true);
  });

  for (const entry of entries) {
    it(`${entry.name}: the names match test/package/exports/${entry.name.replace(/\//g, '__')}.txt`, async () => {
      const snapshot = fileURLToPath(new URL(`exports/${entry.name.replace(/\//g, '__')}.txt`, import.meta.url));
      const updating = expect.getState().snapshotState.snapshotUpdateState === 'all';
      // A new entry must come with its snapshot: vitest would otherwise write one silently.
      expect(existsSync(snapshot) || updating, `no export snapshot for ${entry.name}: run \`npx vitest run test/package/exports.test.ts -u\` and review it`).toBe(true);
      const names = exportedNames(entry.source);
      const values = names.filter((line) => line.startsWith('value ')).length;
      const text = [`# ${entry.name}: ${names.length} names (${values} values, ${names.length - values} types)`, ...names, ''].join('\n');
      await expect(text).toMatchFileSnapshot(snapshot);
    });
  }
});
