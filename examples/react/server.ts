/**
 * The React example's server, started by one command: `npm run example:react`.
 *
 * The same server as the browser example (the relay at `/realtime`, voxwire's mock Realtime
 * server behind it when `OPENAI_API_KEY` is unset, the real API when it is set), serving this
 * React page instead, built with Vite's `build()` API on start: no build step, no dev server.
 *
 *   npm run example:react              # http://127.0.0.1:5173
 *   npm run example:react -- --port 8080
 *   OPENAI_API_KEY=sk-... npm run example:react
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExample, startBrowserExample } from '../browser/server';
import type { BrowserExample, BrowserExampleOptions } from '../browser/server';
import { buildReactPage } from './build-page';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Starts the React page, the relay and (without a key) the mock server. */
export function startReactExample(options: Omit<BrowserExampleOptions, 'page'> = {}): Promise<BrowserExample> {
  return startBrowserExample({ ...options, page: () => buildReactPage(join(HERE, 'index.html')) });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runExample('React example', startReactExample).catch((error: unknown) => {
    process.stderr.write(`React example failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
