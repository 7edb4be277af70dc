// Type-checks the code users copy from the API reference: every ```ts block in a JSDoc
// `@example` under src/, and in the examples' READMEs (examples/**/README.md); the guides
// (README.md, docs/*.md) are scripts/check-docs.ts's. Each block becomes its own module
// under .tmp/examples/ and tsc checks them all with the repository's settings, where `voxwire`
// and its subpaths mean the sources (tsconfig.json `paths`).
//
// A snippet may use names it does not declare (`client`, `startButton`, a `frame` from your own
// socket): "cannot find name" is not reported, and such names are `any`. Everything else is:
// a method that does not exist, a name an entry does not export, a wrong argument or option.
// A block that is deliberately not checkable is marked with a `// @check-examples: skip` line.
//
//   node scripts/check-examples.mjs
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, '.tmp/examples');

/** Diagnostics a snippet may raise for names it leaves to the reader's code. */
const IGNORED = new Set([
  2304, // Cannot find name 'x'.
  2552, // Cannot find name 'x'. Did you mean 'y'?
  2582, // Cannot find name 'it' / 'describe' (test snippets without vitest types in scope).
  2593, // Same, with a hint to install test types.
  7005, // Variable implicitly has an 'any' type (declared by the reader's code).
  7006, // Parameter implicitly has an 'any' type (a callback cut out of its context).
  6133, // 'x' is declared but its value is never read.
  6192, // All imports in import declaration are unused.
  6196, // 'X' is declared but never used.
  7031, // Binding element implicitly has an 'any' type (a callback of an undeclared emitter).
  18004, // No value in scope for a shorthand property (`{ apiKey }`: the reader's value).
  1375, // 'await' at top level needs module (every snippet is a module, kept for clarity).
  1378, // Top-level 'await' needs target >= es2017 (it is; kept for clarity).
]);

function walk(dir, test) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'api') return [];
    return statSync(path).isDirectory() ? walk(path, test) : test(path) ? [path] : [];
  });
}

/** ```ts blocks of a text; `strip` removes the JSDoc ` * ` gutter first. */
function blocks(text, strip) {
  const lines = strip ? text.split('\n').map((line) => line.replace(/^\s*\* ?/, '')) : text.split('\n');
  const found = [];
  let current;
  lines.forEach((line, index) => {
    if (current === undefined && /^\s*```(ts|typescript)\s*$/.test(line)) current = { line: index + 2, code: [] };
    else if (current !== undefined && /^\s*```\s*$/.test(line)) {
      found.push(current);
      current = undefined;
    } else if (current !== undefined) current.code.push(line);
  });
  return found.filter((block) => !block.code.some((line) => line.includes('@check-examples: skip')));
}

/** @example sections of a source file, each with the line its first code line has. */
function jsdocExamples(file) {
  const text = readFileSync(file, 'utf8');
  const results = [];
  for (const match of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const comment = match[0];
    if (!comment.includes('@example')) continue;
    const startLine = text.slice(0, match.index).split('\n').length - 1;
    const afterExample = comment.slice(comment.indexOf('@example'));
    const offset = comment.slice(0, comment.indexOf('@example')).split('\n').length - 1;
    for (const block of blocks(afterExample, true)) results.push({ line: startLine + offset + block.line, code: block.code });
  }
  return results;
}

const sources = [
  ...walk(join(root, 'src'), (path) => path.endsWith('.ts')).map((file) => ({ file, examples: jsdocExamples(file) })),
  ...walk(join(root, 'examples'), (path) => path.endsWith('.md')).map(
    (file) => ({ file, examples: blocks(readFileSync(file, 'utf8'), false) }),
  ),
];

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
// What a bundler's client types declare: `?url` imports (Vite) give a URL string.
writeFileSync(join(outDir, 'ambient.d.ts'), "declare module '*?url' {\n  const url: string;\n  export default url;\n}\ndeclare const placeholder: any;\n");
/** Generated file → where its block came from. */
const origin = new Map();
let count = 0;
for (const { file, examples } of sources) {
  for (const example of examples) {
    const name = join(outDir, `${relative(root, file).replace(/[/.]/g, '_')}_${example.line}.ts`);
    // `export {}` makes each block a module, so blocks never see each other's names.
    // `...` stands for the reader's own arguments (`createRelay({ ..., metrics })`, `[...]`).
    const code = example.code.join('\n').replace(/\.\.\.(?=\s*[,\])}])/g, '...placeholder');
    writeFileSync(name, `${code}\nexport {};\n`);
    origin.set(name, { file: relative(root, file), line: example.line });
    count += 1;
  }
}

const parsed = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
const program = ts.createProgram([join(outDir, 'ambient.d.ts'), ...origin.keys()], { ...parsed.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false });
const problems = [];
for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  if (IGNORED.has(diagnostic.code)) continue;
  const where = diagnostic.file && origin.get(diagnostic.file.fileName);
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ');
  if (!where) {
    problems.push(`TS${diagnostic.code}: ${message}`);
    continue;
  }
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  problems.push(`${where.file}:${where.line + line}: TS${diagnostic.code}: ${message}`);
}

if (problems.length > 0) {
  console.error(`check-examples: ${problems.length} problem(s) in ${count} blocks\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-examples: ok (${count} blocks type-check)`);
