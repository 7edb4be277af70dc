// The Chromium half of bench/audio: the codec path (Float32 → PCM16 → base64 and back) against
// (a) the tutorial code and (b) @openai/agents-realtime's helpers, and the resampler in × real
// time, measured inside headless Chromium (Debian's, via playwright-core) in one run.
// Targets in Chromium: encode ≥ 5× faster than (a) and ≥ 3× faster than (b).
// Run: npx tsx bench/audio/browser.bench.ts  (or npm run bench -- audio)
import { execFileSync } from 'node:child_process';
import { bundlePage, chromiumPath, launchChromium, startTestServer } from '../../test/browser/harness';
import type { BenchPageApi, BrowserMeasured } from './browser-page';
import { formatOps } from './measure';

function printRatioTable(title: string, results: BrowserMeasured[], reference: string): void {
  const base = results.find((result) => result.name === reference)!;
  console.log(`\n${title}\n`);
  console.log('| implementation | ops/s (median) | range over rounds | voxwire is × faster |');
  console.log('|---|---:|---:|---:|');
  for (const result of results) {
    const ratio = base.opsPerSecond / result.opsPerSecond;
    const ratioText = result === base ? '1×' : `${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
    console.log(`| ${result.name} | ${formatOps(result.opsPerSecond)} | ${formatOps(result.min)}–${formatOps(result.max)} | ${ratioText} |`);
  }
}

if (chromiumPath === undefined) {
  const message = 'bench/audio/browser.bench.ts: Chromium not found (apt-get install chromium); the Chromium half of the audio bench did not run.';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(message);
  console.log(`!!! ${message}`);
  process.exit(0);
}

const server = await startTestServer();
server.serve('/', { type: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="/bench.js"></script>' });
server.serve('/bench.js', { type: 'text/javascript', body: await bundlePage('bench/audio/browser-page.ts') });
const browser = await launchChromium({ extraArgs: ['--js-flags=--expose-gc'] });
try {
  const page = browser.page;
  page.setDefaultTimeout(300_000);
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => document.title === 'ready');
  const run = <K extends keyof BenchPageApi>(name: K): Promise<ReturnType<BenchPageApi[K]>> =>
    page.evaluate(`window.bench.${name}()`) as Promise<ReturnType<BenchPageApi[K]>>;
  // The user agent says 156.0.0.0 (reduced); the binary knows its full version.
  const version = execFileSync(chromiumPath, ['--version'], { encoding: 'utf8' }).trim();
  const codecs = await run('codecs');
  console.log(
    `Audio codec path in headless ${version}, 1 s of 24 kHz mono (24,000 samples; 64,000 base64 characters); native Uint8Array.toBase64: ${codecs.nativeBase64 ? 'yes' : 'no'}.`,
  );
  printRatioTable('Encode: Float32 → PCM16 → base64 (Chromium)', codecs.encode, 'voxwire `pcm16ToBase64(floatToPcm16(x))`');
  printRatioTable('Decode: base64 → PCM16 → Float32 (Chromium)', codecs.decode, 'voxwire `pcm16ToFloat(base64ToPcm16(s))`');
  const figures = await run('resampler');
  console.log('\nResampler throughput in Chromium, one core, 2 s streams.\n');
  console.log('| conversion | fed as | voxwire `Resampler`, × real time: median (best round) |');
  console.log('|---|---|---:|');
  for (const figure of figures) console.log(`| ${figure.conversion} | ${figure.label} | ${Math.round(figure.realTime)}× (${Math.round(figure.bestRealTime)}×) |`);
} finally {
  await browser.close();
  await server.close();
}
