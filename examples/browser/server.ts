/**
 * The browser example's server, started by one command: `npm run example:browser`.
 *
 * One HTTP server on 127.0.0.1 serves the page (bundled from `app.ts` with esbuild on start, so
 * a fresh clone needs no build) and the voxwire relay at `/realtime` on the same origin. The
 * relay authenticates the browser, keeps the API key and forwards the session upstream: to
 * voxwire's mock Realtime server, started in-process, when `OPENAI_API_KEY` is unset, or to the
 * real API when it is set.
 *
 *   npm run example:browser              # http://127.0.0.1:5173
 *   npm run example:browser -- --port 8080
 *   OPENAI_API_KEY=sk-... npm run example:browser
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, stop as stopEsbuild } from 'esbuild';
import { createRelay } from 'voxwire/server/node';
import type { NodeRelay } from 'voxwire/server/node';
import { MockRealtimeServer, createScenario } from 'voxwire/testing';
import type { AudioPace, Scenario } from 'voxwire/testing';

const HERE = dirname(fileURLToPath(import.meta.url));
/** How many weather questions in a row the mock answers with the tool and the spoken reply. */
const SCRIPTED_QUESTIONS = 50;
/** How long stopping may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 5_000;
/** How often the process checks that whoever started it is still there. */
const PARENT_CHECK_MS = 500;

/** Options of {@link startBrowserExample}. */
export interface BrowserExampleOptions {
  /** The port (0 picks a free one). @default 5173 */
  port?: number;
  /** The interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** The real API key; without one the mock server answers. @default process.env.OPENAI_API_KEY */
  apiKey?: string | undefined;
  /** How fast the mock speaks. @default 'realtime' */
  audioPace?: AudioPace;
  /**
   * The page's files by URL path (`/` is the page). The React example passes its Vite build.
   * @default this example's index.html and app.ts, bundled by esbuild
   */
  page?: () => Promise<ReadonlyMap<string, PageFile>>;
}

/** A file of the page, by URL path. */
export interface PageFile {
  /** Its content. */
  body: string | Uint8Array;
  /** Its Content-Type. */
  type: string;
}

/** A running example: the page's URL, and the pieces behind it. */
export interface BrowserExample {
  /** Open this in a browser. */
  url: string;
  /** The mock Realtime server behind the relay (undefined with a real key). */
  mock: MockRealtimeServer | undefined;
  /** The relay. */
  relay: NodeRelay;
  /** Stops everything. */
  close(): Promise<void>;
}

/**
 * Every question is answered as the demo's: the model calls get_weather for Paris, then speaks
 * the answer. Repeated, because the mock's turns are consumed across sessions and page loads.
 */
function weatherScenario(): Scenario {
  const builder = createScenario('browser example: weather');
  for (let i = 0; i < SCRIPTED_QUESTIONS; i += 1) {
    builder
      .turn((turn) => turn.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }).delays({ beforeResponseMs: 300 }))
      .turn((turn) => turn.plays('reply-weather').delays({ beforeResponseMs: 250 }));
  }
  return builder.build();
}

/** This example's page: index.html, and app.js with its source map apart (an inline map made app.js 3.7 MB). */
async function plainPage(): Promise<ReadonlyMap<string, PageFile>> {
  const [page, html] = await Promise.all([bundlePage(), readFile(join(HERE, 'index.html'), 'utf8')]);
  return new Map([
    ['/', { type: 'text/html; charset=utf-8', body: html }],
    ['/app.js', { type: 'text/javascript; charset=utf-8', body: page.script }],
    ['/app.js.map', { type: 'application/json; charset=utf-8', body: page.sourceMap }],
  ]);
}

/** The page's script and its source map. */
async function bundlePage(): Promise<{ script: string; sourceMap: string }> {
  const result = await build({
    entryPoints: [join(HERE, 'app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Minified, with the map apart: the page loads a few hundred KB, devtools still show app.ts.
    minify: true,
    // `linked`: app.js ends with `//# sourceMappingURL=app.js.map`, which devtools fetch only when open.
    sourcemap: 'linked',
    outdir: join(HERE, 'out'),
    logLevel: 'silent',
  });
  const script = result.outputFiles.find((file) => file.path.endsWith('.js'))!.text;
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith('.js.map'))!.text;
  return { script, sourceMap };
}

/** Starts the page, the relay and (without a key) the mock server. */
export async function startBrowserExample(options: BrowserExampleOptions = {}): Promise<BrowserExample> {
  const apiKey = 'apiKey' in options ? options.apiKey : process.env.OPENAI_API_KEY;
  let mock: MockRealtimeServer | undefined;
  let upstream: { url?: string; apiKey: string };
  if (apiKey === undefined || apiKey === '') {
    mock = new MockRealtimeServer({ scenario: weatherScenario(), audioPace: options.audioPace ?? 'realtime' });
    const { url } = await mock.start();
    upstream = { url, apiKey: 'voxwire-mock-key' };
  } else {
    upstream = { apiKey };
  }
  const relay = createRelay({
    upstream,
    // A real app checks its session cookie or token here; the example lets everyone in, knowingly.
    authenticate: () => ({ userId: 'browser-example' }),
    // Everyone shares that one identity here, so the per-user cap (3) would refuse a fourth tab.
    limits: { maxSessionsPerUser: Infinity },
  });
  const files = await (options.page ?? plainPage)();
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const file = files.get(path === '/index.html' ? '/' : path);
    if (file !== undefined) {
      response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
    } else {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  });
  relay.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5173, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/`,
    mock,
    relay,
    async close() {
      await relay.close({ drainMs: 0 });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock?.stop();
    },
  };
}

/**
 * Runs an example from the command line (`--port`, `--host`) until Ctrl+C, or until the
 * process that started it goes away. The React example runs through this too.
 */
export async function runExample(name: string, start: (options: BrowserExampleOptions) => Promise<BrowserExample>): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '5173' }, host: { type: 'string', default: '127.0.0.1' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got ${values.port}.`);
  const example = await start({ port, host: values.host });
  process.stdout.write(
    `voxwire ${name}: open ${example.url}\n` +
      (example.mock
        ? `  relay → voxwire mock Realtime server (${example.mock.url}); set OPENAI_API_KEY to talk to the real API\n`
        : '  relay → OpenAI Realtime API (OPENAI_API_KEY is set: sessions are billed)\n') +
      '  press Ctrl+C to stop\n',
  );
  // The page is bundled: esbuild's service process is not needed any more.
  await stopEsbuild();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    // Bounded: a close that hangs must not leave the process behind.
    setTimeout(() => process.exit(1), STOP_TIMEOUT_MS).unref();
    void example.close().then(() => process.exit(0));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  // `npm run` passes a SIGTERM to its shell, which does not pass it on: when the process that
  // started this one goes away, stop too, rather than run on as an orphan.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, PARENT_CHECK_MS).unref();
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  runExample('browser example', startBrowserExample).catch((error: unknown) => {
    process.stderr.write(`browser example failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
