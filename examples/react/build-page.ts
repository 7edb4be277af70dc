/**
 * Builds a React page with Vite (its `build()` API, in memory): the example's page, or a test
 * page that renders the example's app. In this repository `voxwire` and its subpaths are the
 * sources (tsconfig.json `paths`); an app that installed voxwire needs no alias.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { Rolldown } from 'vite';

const REPOSITORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A built file, by its URL path. */
export interface BuiltFile {
  /** Its content. */
  body: string | Uint8Array;
  /** Its Content-Type. */
  type: string;
}

/** Options of {@link buildReactPage}. */
export interface BuildReactPageOptions {
  /**
   * `development` keeps React's development build: StrictMode then really mounts twice, and
   * errors read in full. @default 'production'
   */
  mode?: 'production' | 'development';
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

/** The tsconfig `paths` of the repository as Vite aliases (`voxwire/react` → src/react/index.ts). */
function repositoryAliases(): { find: RegExp; replacement: string }[] {
  const tsconfig = JSON.parse(readFileSync(join(REPOSITORY, 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, [string]> } };
  return Object.entries(tsconfig.compilerOptions.paths).map(([name, [path]]) => ({ find: new RegExp(`^${name}$`), replacement: join(REPOSITORY, path) }));
}

/** Builds the page whose HTML is `html` and returns its files by URL path (`/` is the page). */
export async function buildReactPage(html: string, options: BuildReactPageOptions = {}): Promise<Map<string, BuiltFile>> {
  const mode = options.mode ?? 'production';
  const result = await build({
    configFile: false,
    root: dirname(html),
    mode,
    logLevel: 'silent',
    resolve: { alias: repositoryAliases() },
    define: { 'process.env.NODE_ENV': JSON.stringify(mode) },
    build: {
      write: false,
      minify: mode === 'production',
      // Source maps apart, never inline: the page loads what it runs, devtools fetch the rest.
      sourcemap: mode === 'production',
      reportCompressedSize: false,
      rollupOptions: { input: html },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result as Rolldown.RolldownOutput]).flatMap((output) => output.output);
  const files = new Map<string, BuiltFile>();
  for (const file of outputs) {
    const body = file.type === 'chunk' ? file.code : file.source;
    const extension = file.fileName.slice(file.fileName.lastIndexOf('.'));
    const path = file.fileName === basename(html) ? '/' : `/${file.fileName}`;
    files.set(path, { body, type: TYPES[extension] ?? 'application/octet-stream' });
  }
  return files;
}
