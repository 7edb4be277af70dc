// Rules the type checker cannot see (ARCHITECTURE.md, DESIGN.md "Dependency rules", STYLE.md
// 2, 3 and 13). Run by `npm run lint` after tsc; each rule names what it protects.
//
// Lines of src/: no default exports, no console in library code, zod only as
//   `import * as z from 'zod/mini'`.
// Style, everywhere TypeScript lives (src, test, bench, examples, scripts): relative imports
//   carry no `.js` suffix; class members are `#private`, never TypeScript `private`; examples
//   import `voxwire` and its subpaths (a tsconfig `paths` alias), never ../src.
// The import graph of src/ (every static, dynamic and type-only import):
//   - folders depend one way (FOLDER_RULES below), so base knows nothing of events, codec
//     nothing of transports, tools nothing of the client; audio plugs in through
//     client/audio-io only; server and testing never import client/;
//   - no module imports the events barrel (src/events/index.ts is the `voxwire/events` entry);
//   - no cycles between modules (type-only imports are erased and do not count);
//   - per entry point (package.json `exports`): what its load-time graph must not reach.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const problems = [];

/**
 * Which folders of src/ each folder may import (besides itself). `entry` files at the top of
 * src/ and the entry barrels of a folder (index.ts, server/node.ts, server/adapter.ts) are
 * governed by ENTRY_RULES instead. A `path/file` item allows that one module only.
 */
const FOLDER_RULES = {
  base: [],
  events: ['base'],
  codec: ['base'],
  transport: ['base', 'events', 'codec'],
  tools: ['base', 'events'],
  client: ['base', 'events', 'codec', 'transport', 'tools'],
  translation: ['base', 'events', 'codec', 'transport', 'client'],
  live: ['base', 'events', 'codec', 'transport', 'tools', 'client'],
  audio: ['base', 'codec', 'client/audio-io'],
  server: ['base', 'events', 'codec', 'transport', 'tools'],
  testing: ['base', 'events', 'codec', 'transport', 'tools', 'server'],
  // voxwire/react binds the client (RealtimeClient or LiveClient, types only) and the audio engine.
  react: ['base', 'client', 'live', 'tools', 'audio'],
};
/**
 * Known exceptions, each with its reason. Keep this list short: fix the import instead when
 * the code allows it.
 */
const ALLOWED_EDGES = [
  // The price table reads the wire `Usage` type (type only, erased at build).
  ['src/base/usage.ts', 'src/events/response.ts', 'type'],
];

/** Per entry point: modules and packages its load-time graph (static imports) must not reach. */
const ENTRY_RULES = {
  '.': {
    forbid: [/^src\/(audio|server|testing|live)\//, /^(node:|ws$|ioredis$|zod(\/|$))/],
    // GPT-Live has its own entry (voxwire/live): a Realtime app must not pay for its schemas,
    // not even behind a dynamic import.
    forbidAnywhere: [/^src\/(live|events\/live)\//, /^src\/events\/generated\/live-validators\.ts$/],
    why: 'the root runs in browsers, Workers and Node, and never loads zod at import',
  },
  './audio': { forbid: [/^src\/(server|testing|live)\//, /^(node:|ws$|ioredis$|zod(\/|$))/], why: 'browser audio and pure codecs only' },
  './server': { forbid: [/^src\/(audio|client)\//, /^(node:|ws$|ioredis$)/], why: 'the Web-standard server core runs on Deno, Bun and Workers' },
  './server/adapter': { forbid: [/^src\/(audio|client)\//, /^(node:|ws$|ioredis$)/], why: 'relay internals for adapters, Web-standard like voxwire/server' },
  './server/cloudflare': {
    forbid: [/^src\/(audio|client|testing)\//, /^src\/server\/node\//, /^(node:|ws$|ioredis$)/],
    why: 'the Durable Objects relay runs on workerd: Web-standard APIs only, no Node module',
  },
  './server/node': { forbid: [/^src\/(audio|client)\//], why: 'the Node relay never carries the browser client' },
  './testing': { forbid: [/^src\/(audio|client)\//], why: 'the mock speaks the wire protocol; it never imports client internals' },
  './react': {
    forbid: [/^src\/(server|testing|live|events)\//, /^(node:|ws$|ioredis$|zod(\/|$))/],
    why: 'the React bindings load the client and the audio engine they bind, nothing else',
  },
};
/**
 * React is an optional peer dependency: no entry but voxwire/react may load it (or the
 * bindings), so an app without React never needs it installed.
 */
const REACT_ONLY = { entry: './react', forbid: [/^react(-dom)?(\/|$)/, /^src\/react\//], why: 'React is an optional peer: only voxwire/react may load it' };

function files(dir, test) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? files(path, test) : test(path) ? [path] : [];
  });
}

/**
 * No module in src/ over MAX_MODULE_LINES lines, generated files aside (issue 19: a module a
 * newcomer reads whole). A module over it may be listed with a ceiling (its length then): it may
 * shrink, not grow past it; split it and drop the line. None is listed: client.ts and
 * live-client.ts, the last two, are compositions under 500 lines now.
 * The rule was 600 lines until every other module was under 500 (issue 19's target).
 */
const MAX_MODULE_LINES = 500;
/** @type {Record<string, number>} */
const OVERSIZED_MODULES = {};

// Lines of src/.
const sourceFiles = files(join(root, 'src'), (path) => path.endsWith('.ts'));
for (const file of sourceFiles) {
  const rel = relative(root, file);
  const lines = readFileSync(file, 'utf8').split('\n');
  const lineCount = lines.length - (lines.at(-1) === '' ? 1 : 0);
  const ceiling = OVERSIZED_MODULES[rel] ?? MAX_MODULE_LINES;
  if (!/\/generated\/|\.generated\.ts$/.test(rel) && lineCount > ceiling) {
    problems.push(`${rel}: ${lineCount} lines, over ${ceiling} (${rel in OVERSIZED_MODULES ? 'a listed module may shrink, not grow' : `split it: no module over ${MAX_MODULE_LINES} lines`})`);
  }
  lines.forEach((line, index) => {
    const at = `${rel}:${index + 1}`;
    // Comments (JSDoc examples included) may show console and classic zod; code may not.
    if (/^\s*(\*|\/\/|\/\*)/.test(line)) return;
    if (/^\s*export\s+default\b/.test(line)) problems.push(`${at}: default export (use named exports)`);
    if (rel !== 'src/base/logger.ts' && /\bconsole\.(log|warn|error|info|debug)\(/.test(line)) problems.push(`${at}: console in library code (use the logger)`);
    if (/from\s+['"]zod(\/v4)?['"]/.test(line)) problems.push(`${at}: classic zod import (use \`import * as z from 'zod/mini'\`)`);
    if (/import\s*\{[^}]*\bz\b[^}]*\}\s*from\s+['"]zod\/mini['"]/.test(line)) problems.push(`${at}: named { z } import defeats tree-shaking`);
  });
}

/** The module a relative specifier names, or undefined (a missing file is tsc's to report). */
function resolveSpecifier(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Every import of a file: relative ones resolved, with whether they are type-only or dynamic. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    let specifier;
    let typeOnly = false;
    let dynamic = false;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      specifier = node.moduleSpecifier.text;
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      typeOnly = Boolean(clause && (clause.isTypeOnly || (!clause.name && named && named.length > 0 && named.every((element) => element.isTypeOnly))));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specifier = node.moduleSpecifier.text;
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      typeOnly = node.isTypeOnly || Boolean(named && named.length > 0 && named.every((element) => element.isTypeOnly));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      specifier = node.arguments[0].text;
      dynamic = true;
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specifier = node.argument.literal.text;
      typeOnly = true;
    }
    if (specifier !== undefined) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push({ specifier, typeOnly, dynamic, line: line + 1, target: specifier.startsWith('.') ? resolveSpecifier(file, specifier) : undefined });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { source, imports: found };
}

// Style, wherever TypeScript lives.
const styleFiles = ['src', 'test', 'bench', 'examples', 'scripts'].flatMap((dir) => files(join(root, dir), (path) => /\.(ts|mts|tsx)$/.test(path)));
for (const file of styleFiles) {
  const rel = relative(root, file);
  const { source, imports } = importsOf(file);
  for (const { specifier, line } of imports) {
    if (/^\.{1,2}\//.test(specifier) && /\.js$/.test(specifier) && resolveSpecifier(file, specifier.replace(/\.js$/, ''))) {
      problems.push(`${rel}:${line}: relative import '${specifier}' has a .js suffix (write '${specifier.replace(/\.js$/, '')}')`);
    }
  }
  if (rel.startsWith('examples/')) {
    for (const { specifier, line, target } of imports) {
      if (target !== undefined && relative(root, target).startsWith('src/')) problems.push(`${rel}:${line}: an example imports '${specifier}' (import 'voxwire' or a subpath, as a user's code does)`);
    }
  }
  if (!rel.startsWith('src/')) continue;
  const visit = (node) => {
    const isMember = ts.isPropertyDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node) || ts.isParameter(node);
    if (isMember && ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      problems.push(`${rel}:${line + 1}: TypeScript \`private\` member (use an ECMAScript #private name)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

// The import graph of src/.
const srcRel = (path) => relative(root, path).replace(/\\/g, '/');
const folderOf = (rel) => {
  const parts = rel.split('/');
  return parts.length > 2 ? parts[1] : undefined;
};
const ENTRY_FILES = new Set(['src/index.ts', 'src/audio/index.ts', 'src/events/index.ts', 'src/server/index.ts', 'src/server/node.ts', 'src/server/adapter.ts', 'src/testing/index.ts', 'src/live/index.ts', 'src/react/index.ts']);
const graph = new Map();
for (const file of sourceFiles) {
  const from = srcRel(file);
  const { imports } = importsOf(file);
  graph.set(from, imports.filter((entry) => entry.target).map((entry) => ({ ...entry, to: srcRel(entry.target) })));
}
for (const [from, edges] of graph) {
  const fromFolder = folderOf(from);
  for (const edge of edges) {
    const at = `${from}:${edge.line}`;
    if (edge.to === 'src/events/index.ts') problems.push(`${at}: imports the events barrel (import from the module that owns the name)`);
    const toFolder = folderOf(edge.to);
    if (ENTRY_FILES.has(from) || fromFolder === undefined || toFolder === undefined || toFolder === fromFolder) continue;
    const allowed = FOLDER_RULES[fromFolder];
    if (allowed === undefined) {
      problems.push(`${at}: folder src/${fromFolder}/ has no dependency rule in scripts/lint.mjs (add one, and to ARCHITECTURE.md)`);
      continue;
    }
    const target = edge.to.replace(/^src\//, '').replace(/\.ts$/, '');
    if (allowed.includes(toFolder) || allowed.includes(target)) continue;
    if (ALLOWED_EDGES.some(([a, b, kind]) => a === from && b === edge.to && (kind !== 'type' || edge.typeOnly))) continue;
    problems.push(`${at}: src/${fromFolder}/ must not import ${edge.to} (${fromFolder} may import: ${allowed.join(', ') || 'nothing outside itself'})`);
  }
}

// Cycles among run-time imports (Tarjan's strongly connected components).
{
  let index = 0;
  const indexOf = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const strongConnect = (node) => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const edge of graph.get(node) ?? []) {
      if (edge.typeOnly) continue;
      if (!indexOf.has(edge.to)) {
        strongConnect(edge.to);
        low.set(node, Math.min(low.get(node), low.get(edge.to)));
      } else if (onStack.has(edge.to)) low.set(node, Math.min(low.get(node), indexOf.get(edge.to)));
    }
    if (low.get(node) === indexOf.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) strongConnect(node);
  for (const cycle of cycles) problems.push(`import cycle: ${cycle.join(' ↔ ')}`);
}

// Per entry point, as a bundler sees its load-time graph.
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The source file of an export entry (`./dist/server/node.d.ts` → `src/server/node.ts`). */
export function sourceOfEntry(target) {
  const types = typeof target === 'string' ? undefined : target.import?.types;
  return types?.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
}
let rootModules = 0;
for (const [subpath, target] of Object.entries(packageJson.exports)) {
  const entry = sourceOfEntry(target);
  if (entry === undefined) continue;
  let rules = ENTRY_RULES[subpath];
  if (rules === undefined && subpath !== './events' && subpath !== './live') {
    problems.push(`entry ${subpath}: no rule in ENTRY_RULES (scripts/lint.mjs) says what it must not load`);
    continue;
  }
  if (subpath !== REACT_ONLY.entry) {
    const own = rules ?? { forbid: [], why: '' };
    rules = { ...own, forbid: [...own.forbid, ...REACT_ONLY.forbid], forbidAnywhere: [...(own.forbidAnywhere ?? []), ...REACT_ONLY.forbid] };
    rules.why = own.why === '' ? REACT_ONLY.why : `${own.why}; ${REACT_ONLY.why}`;
  }
  const result = await build({
    entryPoints: [join(root, entry)],
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
  const inputs = result.metafile.inputs;
  // Only what loads with the entry: dynamic imports load on demand.
  const reached = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const input = pending.pop();
    if (reached.has(input)) continue;
    reached.add(input);
    for (const imported of inputs[input]?.imports ?? []) {
      if (imported.kind === 'dynamic-import') continue;
      if (imported.external) {
        if (rules.forbid.some((pattern) => pattern.test(imported.path))) problems.push(`entry ${subpath}: ${input} imports ${imported.path} at load (${rules.why})`);
      } else pending.push(imported.path);
    }
  }
  for (const input of Object.keys(inputs)) {
    if (rules.forbidAnywhere?.some((pattern) => pattern.test(input))) problems.push(`entry ${subpath} imports ${input}, even if on demand (${rules.why})`);
  }
  for (const input of reached) {
    if (rules.forbid.some((pattern) => pattern.test(input))) problems.push(`entry ${subpath} loads ${input} (${rules.why})`);
  }
  if (subpath === '.') rootModules = reached.size;
}

if (problems.length) {
  console.error(`lint: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`lint: ok (${sourceFiles.length} modules in src/, ${rootModules} load with the root entry)`);
