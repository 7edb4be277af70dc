// Rules the type checker cannot see, as ARCHITECTURE.md states them ("Folders and the one-way
// imports", "Also checked", "Names"). Run by `npm run lint` after tsc; each rule names what it
// protects.
//
// Lines of src/: no default exports, no console in library code, zod only as
//   `import * as z from 'zod/mini'`, `WebRTC` spelled one way in names.
// Style, everywhere TypeScript lives (src, test, bench, examples, scripts): relative imports
//   carry no `.js` suffix; class members are `#private`, never TypeScript `private`; examples
//   import `voxwire` and its subpaths (a tsconfig `paths` alias), never ../src.
// The import graph of src/ (every static, dynamic and type-only import):
//   - folders depend one way (FOLDER_RULES below), so base knows nothing of events, codec
//     nothing of transports, tools nothing of the client; audio plugs in through
//     client/audio-io only; server and testing never import client/;
//   - inside a folder, its parts (subfolders and loose modules) depend one way too
//     (PART_RULES): server/core knows nothing of http/, node/ or the runtimes, testing/recording
//     nothing of the mock;
//   - which packages each part may import (PACKAGE_RULES): Node built-ins, `ws` and `ioredis`
//     only in server/node/ and the mock;
//   - no module imports the events barrel (src/events/index.ts is the `voxwire/events` entry);
//   - no cycles between modules (type-only imports are erased and do not count);
//   - per entry point (package.json `exports`): what its load-time graph must not reach
//     (ENTRY_RULES; every entry has one).
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

/**
 * Inside a folder, the same one-way rule between its parts. A part is a subfolder (`core`) or a
 * module directly in the folder (`metrics` is server/metrics.ts); `.` stands for every module
 * directly in the folder that has no line of its own. A part may import only the parts on its
 * line (and itself); a `part/file` item allows that one module only. The folder's entry barrels
 * (ENTRY_FILES) are governed by ENTRY_RULES instead. Every part of a listed folder needs a line.
 */
const PART_RULES = {
  server: {
    // The layers, bottom up: the relay's metrics and its stores (interfaces, memory versions),
    // the Web-standard core, upstream dialing, the HTTP handlers, telephony, then the runtimes.
    // core/end-reason is the relay's name for the one end-reason table of base/errors (a leaf
    // that imports nothing of server/): what the metrics count and the bus publishes.
    metrics: ['core/end-reason'],
    stores: ['core/end-reason'],
    core: ['stores', 'metrics'],
    upstream: ['core'],
    'relay-upstream': ['core', 'upstream'],
    http: ['core', 'stores', 'upstream'],
    telephony: ['core', 'stores', 'metrics', 'upstream', 'http'],
    azure: ['upstream', 'http'],
    // The runtimes never import each other.
    cloudflare: ['core', 'stores', 'metrics', 'upstream', 'relay-upstream'],
    node: ['core', 'stores', 'metrics', 'upstream', 'relay-upstream', 'http', 'telephony'],
  },
  testing: {
    // One log format at the bottom; scripts and assertions read it; the mock plays scripts and
    // writes the log; flows drive the mock.
    recording: [],
    fixtures: [],
    script: ['recording', 'fixtures'],
    assert: ['recording'],
    mock: ['recording', 'script', 'fixtures'],
    flows: ['mock', 'script', 'recording', 'assert', 'fixtures'],
  },
  events: {
    // GPT-Live's wire (events/live/) builds on the shared parse and check machinery; the
    // Realtime modules never import it (the root must not reach it, not even on demand).
    '.': ['generated'],
    generated: ['check', 'pure'],
    live: ['.', 'generated'],
  },
  audio: {
    // The AudioWorklet processors and the socket Worker run in their own scopes, bundled on
    // their own (scripts/build-worklets.ts): they import nothing of the main-thread engine.
    '.': ['diagnose', 'worker', 'worklets'],
    diagnose: ['.'],
    worker: ['worklets'],
    worklets: [],
  },
};

/**
 * Which packages each part of src/ may import, type-only and on-demand imports included. The
 * longest matching key wins (`testing/mock` before `testing`); a part no key matches imports no
 * package. `node:` stands for every Node built-in. Everything but server/node/ and the mock runs
 * in browsers, Workers, Deno and Bun, so no other part names `node:*`, `ws` or `ioredis`.
 */
const PACKAGE_RULES = {
  base: ['eventemitter3'],
  events: ['zod/mini'],
  transport: ['eventemitter3'],
  tools: ['zod/mini'],
  client: ['eventemitter3'],
  react: ['react'],
  'server/node': ['node:', 'ws', 'ioredis'],
  // Reads the fixture clips from disk, imported on demand so a browser can load voxwire/testing.
  'testing/fixtures': ['node:'],
  'testing/mock': ['node:', 'ws', 'zod/mini', 'werift'],
};

/**
 * Per entry point: the modules and packages its load-time graph (static imports) must not reach
 * (`forbid`), and those it must not import even on demand (`forbidAnywhere`). Every entry of
 * package.json `exports` needs a line.
 */
const ENTRY_RULES = {
  '.': {
    forbid: [/^src\/(audio|server|testing|live)\//, /^(node:|ws$|ioredis$|zod(\/|$))/],
    // GPT-Live has its own entry (voxwire/live): a Realtime app must not pay for its schemas,
    // not even behind a dynamic import.
    forbidAnywhere: [/^src\/(live|events\/live)\//, /^src\/events\/generated\/live-validators\.ts$/],
    why: 'the root runs in browsers, Workers and Node, and never loads zod at import',
  },
  './events': {
    forbid: [],
    forbidAnywhere: [/^src\/(?!(base|events)\/)/, /^src\/(events\/live|events\/generated\/live-validators)/, /^(node:|ws$|ioredis$)/],
    why: 'voxwire/events is the Realtime wire protocol alone (zod schemas, parse, serialize over base/): no client, transport, server or GPT-Live code, no Node module',
  },
  './live': {
    // `ws` only on demand: the shared WebSocket transport imports it when a Node app connects.
    forbid: [/^ws$/],
    // Of events/, only the shared parse and check machinery: the Realtime schemas (session,
    // items, server events...) are the root's and voxwire/events'.
    forbidAnywhere: [
      /^src\/(audio|server|testing|translation)\//,
      /^src\/client\/client\.ts$/,
      /^src\/events\/(?!live\/|generated\/(live-)?validators\.ts$|(call-id|check|event-id|frame|issues|parse|primitives|pure|serialize)\.ts$)/,
      /^(node:|ioredis$)/,
    ],
    why: 'GPT-Live sits beside the Realtime client: it never loads the Realtime schemas or RealtimeClient, plugs audio in through client/audio-io, carries no server or testing code and no Node module, and loads `ws` only on demand',
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
    if (/\w(WebRtc|Webrtc)|\b(WebRtc|Webrtc)/.test(line)) problems.push(`${at}: spell it \`WebRTC\` in names (ARCHITECTURE.md "Names")`);
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
/** How a message names a part. */
const partLabel = (folder, part) => (part === '.' ? `src/${folder}/ (its loose modules)` : `src/${folder}/${part}`);
/** The part of a module inside its folder (PART_RULES): its subfolder, or its own name when it sits directly in the folder. */
const partOf = (rel) => {
  const parts = rel.split('/');
  if (parts.length > 3) return { name: parts[2], loose: false };
  const name = parts[2].replace(/\.ts$/, '');
  // A loose module without a line of its own belongs to the folder's `.` part.
  return { name: PART_RULES[parts[1]]?.[name] === undefined && PART_RULES[parts[1]]?.['.'] !== undefined ? '.' : name, loose: true };
};
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The source file of an export entry (`./dist/server/node.d.ts` → `src/server/node.ts`). */
export function sourceOfEntry(target) {
  const types = typeof target === 'string' ? undefined : target.import?.types;
  return types?.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
}
/** The entry barrels, one per package.json `exports` entry. */
const ENTRY_FILES = new Set(Object.values(packageJson.exports).map(sourceOfEntry).filter((entry) => entry !== undefined));
const graph = new Map();
/** The packages each module imports (bare specifiers), for PACKAGE_RULES. */
const packageImports = new Map();
for (const file of sourceFiles) {
  const from = srcRel(file);
  const { imports } = importsOf(file);
  graph.set(from, imports.filter((entry) => entry.target).map((entry) => ({ ...entry, to: srcRel(entry.target) })));
  packageImports.set(from, imports.filter((entry) => !/^[./]/.test(entry.specifier)));
}
for (const [from, imports] of packageImports) {
  const folder = folderOf(from) ?? '';
  const keys = folder === '' ? [] : [`${folder}/${partOf(from).name}`, folder];
  const key = keys.find((candidate) => candidate in PACKAGE_RULES);
  const label = folder === '' ? from : partLabel(folder, partOf(from).name);
  const allowed = key === undefined ? [] : PACKAGE_RULES[key];
  for (const { specifier, line } of imports) {
    if (allowed.some((name) => (name.endsWith(':') ? specifier.startsWith(name) : specifier === name || specifier.startsWith(`${name}/`)))) continue;
    problems.push(`${from}:${line}: imports the package '${specifier}' (${key === undefined ? `${label} may import no package` : `${label} may import: ${allowed.join(', ')}`}; PACKAGE_RULES in scripts/lint.mjs)`);
  }
}
for (const [from, edges] of graph) {
  const fromFolder = folderOf(from);
  for (const edge of edges) {
    const at = `${from}:${edge.line}`;
    if (edge.to === 'src/events/index.ts') problems.push(`${at}: imports the events barrel (import from the module that owns the name)`);
    const toFolder = folderOf(edge.to);
    if (ENTRY_FILES.has(from) || fromFolder === undefined || toFolder === undefined) continue;
    if (toFolder === fromFolder) {
      const parts = PART_RULES[fromFolder];
      if (parts === undefined) continue;
      const fromPart = partOf(from);
      const toPart = partOf(edge.to);
      if (toPart.name === fromPart.name) continue;
      const allowedParts = parts[fromPart.name];
      if (allowedParts === undefined) {
        problems.push(`${at}: ${partLabel(fromFolder, fromPart.name)} has no rule in PART_RULES.${fromFolder} (scripts/lint.mjs; add one, and to ARCHITECTURE.md)`);
        continue;
      }
      const moduleName = edge.to.split('/').at(-1).replace(/\.ts$/, '');
      const targetModule = `${toPart.name}/${moduleName}`;
      if (allowedParts.includes(toPart.name) || allowedParts.includes(targetModule) || (toPart.loose && (allowedParts.includes('.') || allowedParts.includes(moduleName)))) continue;
      problems.push(`${at}: ${partLabel(fromFolder, fromPart.name)} must not import ${edge.to} (inside ${fromFolder}/, it may import: ${allowedParts.join(', ') || 'nothing but itself'})`);
      continue;
    }
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
let rootModules = 0;
for (const [subpath, target] of Object.entries(packageJson.exports)) {
  const entry = sourceOfEntry(target);
  if (entry === undefined) continue;
  let rules = ENTRY_RULES[subpath];
  if (rules === undefined) {
    problems.push(`entry ${subpath}: no rule in ENTRY_RULES (scripts/lint.mjs) says what it must not load`);
    continue;
  }
  const ruleSets = subpath === REACT_ONLY.entry ? [rules] : [rules, { forbid: REACT_ONLY.forbid, forbidAnywhere: REACT_ONLY.forbid, why: REACT_ONLY.why }];
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
        for (const { forbid, why } of ruleSets) if (forbid.some((pattern) => pattern.test(imported.path))) problems.push(`entry ${subpath}: ${input} imports ${imported.path} at load (${why})`);
      } else pending.push(imported.path);
    }
  }
  for (const { forbid, forbidAnywhere = [], why } of ruleSets) {
    for (const [input, { imports }] of Object.entries(inputs)) {
      if (forbidAnywhere.some((pattern) => pattern.test(input))) problems.push(`entry ${subpath} imports ${input}, even if on demand (${why})`);
      for (const imported of imports) {
        if (imported.external && forbidAnywhere.some((pattern) => pattern.test(imported.path))) problems.push(`entry ${subpath}: ${input} imports ${imported.path}, even if on demand (${why})`);
      }
    }
    for (const input of reached) {
      if (forbid.some((pattern) => pattern.test(input))) problems.push(`entry ${subpath} loads ${input} (${why})`);
    }
  }
  if (subpath === '.') rootModules = reached.size;
}

if (problems.length) {
  console.error(`lint: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`lint: ok (${sourceFiles.length} modules in src/, ${rootModules} load with the root entry)`);
