// Type-checks every fenced TypeScript block (```ts, ```typescript or ```tsx) in README.md and
// docs/*.md against the sources, as an app would import them (`voxwire`, `voxwire/server`, ...
// map to src/ through the `exports` of package.json). Each block is a module of its own, so it
// must import what it uses. A block that is deliberately an excerpt says so in its info string,
// ```ts partial: it is still checked, with every public name of voxwire's entries (and zod's
// `z`, vitest's globals) in scope as on the page before it, and the names in CONTEXT declared
// with their types; other names and modules it does not define or that are not installed are
// tolerated (and, in a block importing a module not installed here, its untyped callback
// parameters). Run: npx tsx scripts/check-docs.ts (npm test runs it through
// test/docs/docs-typecheck.test.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/** One fenced block: where it is and what it says. */
export interface DocBlock {
  /** Markdown file, relative to the repository. */
  file: string;
  /** 1-based line of the block's first code line. */
  line: number;
  /** True for ```ts partial. */
  partial: boolean;
  /** True for ```tsx (React components: checked as a .tsx module). */
  jsx: boolean;
  code: string;
}

/** A type error in a block, located in its Markdown file. */
export interface DocDiagnostic {
  file: string;
  line: number;
  message: string;
}

/** Errors a `partial` block may have: names and modules from the context it was cut from. */
const PARTIAL_TOLERATED = new Set([
  2304, // Cannot find name 'x'.
  2552, // Cannot find name 'x'. Did you mean 'y'?
  2307, // Cannot find module 'x'.
  2580, // Cannot find name 'require' (node types are there; kept for symmetry with 2304).
  7016, // Could not find a declaration file for module 'x'.
]);

/**
 * What an excerpt may use without declaring it: the objects the pages build before their
 * excerpts, with their real types, so that an excerpt's use of them is checked.
 */
const CONTEXT = `
declare const client: RealtimeClient;
declare const server: MockRealtimeServer;
declare const apiKey: string;
declare const capture: MicrophoneCapture;
declare const event: ClientEventInput;
declare const sdpUrl: string;
declare const getWeather: Tool<{ location: string }>;
declare const getTime: Tool<Record<string, never>>;
declare const transport: WebSocketTransport;
declare const relay: NodeRelay;
declare const store: BudgetStore;
declare const authenticate: (request: Request) => Promise<{ userId: string } | undefined>;
`;

/** Names the prelude may bring in, from an entry, unless the block declares them itself. */
function preludeFor(block: DocBlock, entryNames: ReadonlyMap<string, string>): string {
  const own = new Set<string>();
  for (const match of block.code.matchAll(/\b(?:const|let|var|function|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/g)) own.add(match[1]!);
  for (const match of block.code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().split(/\s+as\s+/).pop()?.replace(/^type\s+/, '').trim();
      if (name) own.add(name);
    }
  }
  for (const match of block.code.matchAll(/import\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from/g)) own.add(match[1]!);
  const bySpecifier = new Map<string, string[]>();
  for (const [name, specifier] of entryNames) {
    if (own.has(name)) continue;
    bySpecifier.set(specifier, [...(bySpecifier.get(specifier) ?? []), name]);
  }
  const imports = [...bySpecifier].map(([specifier, names]) => `import { ${names.join(', ')} } from '${specifier}';`);
  const context = CONTEXT.split('\n').filter((line) => {
    const name = /declare const (\w+)/.exec(line)?.[1];
    return name !== undefined && !own.has(name);
  });
  return [...imports, ...context].join(' ');
}

/** The Markdown files whose blocks are checked. */
export function docFiles(root = repositoryRoot): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
  return ['README.md', ...docs];
}

/** The fenced TypeScript blocks of one Markdown text. */
export function extractBlocks(file: string, markdown: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(tsx|ts|typescript)\b(.*)$/.exec(lines[index]!);
    if (!open) {
      // Skip other fenced blocks whole, so a ``` inside one is not taken for an opening.
      const other = /^\s*(`{3,}|~{3,})/.exec(lines[index]!);
      if (other) {
        const fence = other[1]!;
        index += 1;
        while (index < lines.length && !lines[index]!.trim().startsWith(fence)) index += 1;
      }
      continue;
    }
    const [, indent, fence, language, rest] = open;
    const body: string[] = [];
    const start = index + 2;
    index += 1;
    while (index < lines.length && !lines[index]!.trim().startsWith(fence!)) {
      body.push(lines[index]!.startsWith(indent!) ? lines[index]!.slice(indent!.length) : lines[index]!);
      index += 1;
    }
    blocks.push({ file, line: start, partial: /\bpartial\b/.test(rest ?? ''), jsx: language === 'tsx', code: body.join('\n') });
  }
  return blocks;
}

/** `voxwire/...` specifiers mapped to their sources, from `exports` (dist/x.js -> src/x.ts). */
function voxwirePaths(root: string): Record<string, string[]> {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
  const paths: Record<string, string[]> = {};
  const importTarget = (target: unknown): string | undefined => {
    if (typeof target === 'string') return target;
    if (typeof target !== 'object' || target === null) return undefined;
    const conditions = target as Record<string, unknown>;
    return importTarget(conditions.import) ?? importTarget(conditions.default);
  };
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const file = importTarget(target);
    if (file === undefined || subpath.includes('*') || !file.endsWith('.js')) continue;
    const specifier = subpath === '.' ? 'voxwire' : `voxwire/${subpath.slice(2)}`;
    paths[specifier] = [file.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts')];
  }
  return paths;
}

/** Type-checks every block; returns the errors, located in the Markdown. */
export function checkDocs(root = repositoryRoot): { blocks: DocBlock[]; diagnostics: DocDiagnostic[] } {
  const blocks = docFiles(root).flatMap((file) => extractBlocks(file, readFileSync(join(root, file), 'utf8')));
  const virtual = new Map<string, DocBlock>();
  blocks.forEach((block, index) => {
    // Inside the repository (so node_modules resolves), under a folder that does not exist.
    virtual.set(join(root, '.docs-check', `${index}-${block.file.replace(/[/.]/g, '_')}.${block.jsx ? 'tsx' : 'ts'}`), block);
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: ['node'],
    strict: true,
    noUncheckedIndexedAccess: false,
    skipLibCheck: true,
    resolveJsonModule: true,
    esModuleInterop: true,
    jsx: ts.JsxEmit.ReactJSX,
    noEmit: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
    baseUrl: root,
    paths: voxwirePaths(root),
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (name) => virtual.get(name)?.code ?? readFile(name);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  host.getSourceFile = (name, language, onError, create) => {
    const block = virtual.get(name);
    return block ? ts.createSourceFile(name, block.code, language) : getSourceFile(name, language, onError, create);
  };
  // The public names of every entry, for the excerpts' prelude (first entry wins a clash).
  const paths = options.paths ?? {};
  const entryProgram = ts.createProgram(Object.values(paths).map(([file]) => join(root, file!)), options, host);
  const checker = entryProgram.getTypeChecker();
  const entryNames = new Map<string, string>([
    ['z', 'zod'],
    ...(['describe', 'it', 'expect', 'beforeAll', 'afterAll', 'beforeEach', 'afterEach', 'vi'].map((name) => [name, 'vitest']) as Array<[string, string]>),
  ]);
  for (const [specifier, [file]] of Object.entries(paths)) {
    const source = entryProgram.getSourceFile(join(root, file!));
    const symbol = source && checker.getSymbolAtLocation(source);
    for (const exported of symbol ? checker.getExportsOfModule(symbol) : []) {
      if (!entryNames.has(exported.name)) entryNames.set(exported.name, specifier);
    }
  }
  const preludes = new Map<string, number>();
  for (const [name, block] of virtual) {
    if (!block.partial) continue;
    // On the block's first line, so that line numbers in the Markdown stay right.
    const prelude = preludeFor(block, entryNames);
    preludes.set(name, prelude.length + 1);
    block.code = `${prelude} ${block.code}`;
  }
  const program = ts.createProgram([...virtual.keys()], options, host, entryProgram);
  const diagnostics: DocDiagnostic[] = [];
  for (const [name, block] of virtual) {
    const source = program.getSourceFile(name)!;
    block.code = block.code.slice(preludes.get(name) ?? 0);
    const found = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    // A framework that is not installed here (express, fastify, hono) leaves its callbacks'
    // parameters untyped: in a partial block that imports one, that is tolerated too.
    const missingModule = block.partial && found.some((diagnostic) => diagnostic.code === 2307);
    for (const diagnostic of found) {
      if (block.partial && PARTIAL_TOLERATED.has(diagnostic.code)) continue;
      if (missingModule && (diagnostic.code === 7006 || diagnostic.code === 7031)) continue;
      if (diagnostic.start !== undefined && diagnostic.start < (preludes.get(name) ?? 0)) continue;
      const { line } = diagnostic.start === undefined ? { line: 0 } : source.getLineAndCharacterOfPosition(diagnostic.start);
      diagnostics.push({ file: block.file, line: block.line + line, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') });
    }
  }
  return { blocks, diagnostics };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { blocks, diagnostics } = checkDocs();
  for (const { file, line, message } of diagnostics) console.error(`${relative(process.cwd(), join(repositoryRoot, file))}:${line}: ${message}`);
  console.log(`check-docs: ${blocks.length} blocks (${blocks.filter((block) => block.partial).length} partial), ${diagnostics.length} errors`);
  if (diagnostics.length > 0) process.exitCode = 1;
}
