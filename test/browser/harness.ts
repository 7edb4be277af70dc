/**
 * Real-Chromium test harness: a loopback HTTP server for the test page, esbuild bundles of
 * the page and of the worklet processors (as their own files, like the published assets), and
 * a headless Chromium (Debian's, driven by playwright-core) with a fake microphone fed from a
 * fixture WAV, a fresh temporary profile, and bounded lifetimes.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildWorklet, repositoryRoot } from '../../scripts/build-worklets';
import { floatToPcm16, pcm16ToFloat } from '../../src/codec/pcm16';
import { Resampler } from '../../src/codec/resampler';
import { writeWav } from '../../src/codec/wav';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { findExecutable, requireComponent } from '../helpers/components';

/** Debian's Chromium, or another on PATH. */
export const chromiumPath = findExecutable(['/usr/lib/chromium/chromium', 'chromium', 'chromium-browser']);

/** Whether the browser suites may run (throws in CI when Chromium is missing). */
export function chromiumAvailable(): boolean {
  return requireComponent('Chromium', chromiumPath !== undefined, 'Install it with `apt-get install chromium` (bash .ci/run does).');
}

/** A file the test server serves. */
export interface ServedFile {
  body: string | Uint8Array;
  type: string;
}

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Adds or replaces a file. */
  serve(path: string, file: ServedFile): void;
  /** Extra headers for one path (e.g. a Content-Security-Policy for a page). */
  setHeaders(path: string, headers: Record<string, string>): void;
  close(): Promise<void>;
}

/** Starts a static server on 127.0.0.1, port 0. */
export async function startTestServer(files: Record<string, ServedFile> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(files));
  const headers = new Map<string, Record<string, string>>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = table.get(path);
    if (file === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`not found: ${path}`);
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store', ...headers.get(path) });
    response.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    serve: (path, file) => table.set(path, file),
    setHeaders: (path, extra) => headers.set(path, extra),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Bundles a page script (TypeScript under test/browser/pages) for the browser. */
export async function bundlePage(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [join(repositoryRoot, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: 'inline',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/** The page, its script and both worklets, served at `/`, `/page.js` and `/worklets/*.js`. */
export async function serveAudioPage(server: TestServer, entry = 'test/browser/pages/audio-page.ts'): Promise<void> {
  const [page, capture, playback] = await Promise.all([
    bundlePage(entry),
    buildWorklet('capture-processor', { minify: false }),
    buildWorklet('playback-processor', { minify: false }),
  ]);
  server.serve('/', { type: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>voxwire audio</title><script type="module" src="/page.js"></script>' });
  server.serve('/page.js', { type: 'text/javascript', body: page });
  server.serve('/worklets/capture-processor.js', { type: 'text/javascript', body: capture });
  server.serve('/worklets/playback-processor.js', { type: 'text/javascript', body: playback });
}

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** A WAV file the fake microphone plays once (`%noloop`), or in a loop with `fakeMicrophoneLoop`. */
  fakeMicrophoneWav?: string;
  /**
   * Loop the fake microphone's file, as a speaker who keeps talking. For tests whose media path
   * starts some time after `getUserMedia` (WebRTC: ICE and DTLS first), which on a loaded
   * machine can take longer than the clip lasts.
   * @default false
   */
  fakeMicrophoneLoop?: boolean;
  /** More Chromium switches (e.g. `--js-flags=--expose-gc` for benchmarks). */
  extraArgs?: string[];
  /**
   * A profile where the microphone permission is denied (as a user who clicked Block): no
   * auto-accepting fake prompt, and the permission set to `denied` for every origin.
   * @default false
   */
  denyMicrophone?: boolean;
}

/** A launched browser with one page. */
export interface LaunchedBrowser {
  context: BrowserContext;
  page: Page;
  /** Browser console lines and page errors, for diagnosing failures. */
  logs: string[];
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh temporary profile. Always `close()` it. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'voxwire-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    ...(options.denyMicrophone === true ? [] : ['--use-fake-ui-for-media-stream']),
    '--use-fake-device-for-media-stream',
    '--allow-loopback-in-peer-connection',
  ];
  // Headless Chromium (156) ignores --autoplay-policy and always lets pages play; the flag is
  // kept for headful debugging runs. The needsUserGesture path is covered in Node instead
  // (test/audio/context-lifecycle.test.ts), with a context that behaves like Chromium's.
  args.push('--autoplay-policy=no-user-gesture-required');
  args.push(...(options.extraArgs ?? []));
  if (options.fakeMicrophoneWav !== undefined) args.push(`--use-file-for-fake-audio-capture=${options.fakeMicrophoneWav}${options.fakeMicrophoneLoop === true ? '' : '%noloop'}`);
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
      args,
      timeout: 30_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  if (options.denyMicrophone === true) {
    const session = await context.newCDPSession(page);
    await session.send('Browser.setPermission', { permission: { name: 'microphone' }, setting: 'denied' });
    await session.detach();
  }
  const logs: string[] = [];
  page.on('console', (message) => logs.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => logs.push(`[pageerror] ${error.message}`));
  return {
    context,
    page,
    logs,
    async close() {
      try {
        await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/** The path of a fixture clip. */
export function fixturePath(file: string): string {
  return join(repositoryRoot, 'fixtures/audio', file);
}

/**
 * The fake microphone's barge-in script, written as a 48 kHz WAV into `directory`: the
 * question, then the interruption clip (1.5 s of quiet, then speech). Used by the e2e test and
 * bench/audio/offthread.bench.ts.
 */
export async function writeBargeInMicrophone(directory: string): Promise<string> {
  const question = await loadFixtureAudio('question-48k');
  const interruption = await loadFixtureAudio('interruption');
  const upsampler = new Resampler({ inputRate: interruption.sampleRate, outputRate: 48000 });
  const input = pcm16ToFloat(interruption.pcm);
  const interruption48k = floatToPcm16(Float32Array.from([...upsampler.process(input), ...upsampler.flush()]));
  const samples = new Int16Array(question.pcm.length + interruption48k.length);
  samples.set(question.pcm, 0);
  samples.set(interruption48k, question.pcm.length);
  const path = join(directory, 'question-then-interruption-48k.wav');
  writeFileSync(path, writeWav({ sampleRate: 48000, channels: 1, samples }));
  return path;
}
