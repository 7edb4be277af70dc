// Off the main thread or not (issue 18): the same spoken turn and barge-in, in headless
// Chromium against the MockRealtimeServer on loopback, with the socket in the Worker
// (default) and on the page (`offThread: false`), on an idle page and on a busy one (the main
// thread blocked 200 ms every 300 ms), in one run. Per variant: speech onset → output silent
// (the first frame of the barge-in's speech in the microphone signal → the first silent output
// frame, both on the one AudioContext clock the capture and player share), the mock sending
// `speech_started` → silent (wall clock), playback dropouts during the reply, and the truncate
// against the clock (ms of the reply's span the truncate does not cover: underrun silence plus
// any error).
// Run: npx tsx bench/audio/offthread.bench.ts [rounds]   (or npm run bench -- audio)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { createScenario } from '../../src/testing/script/scenario';
import { buildSocketWorker } from '../../scripts/build-worklets';
import { bundlePage, chromiumPath, launchChromium, serveAudioPage, startTestServer, writeBargeInMicrophone } from '../../test/browser/harness';
import type { BargeInOptions, BargeInResult } from '../../test/browser/pages/e2e-page';
import { TAP_SOURCE } from '../../test/browser/pages/tap-worklet';

if (chromiumPath === undefined) {
  const message = 'bench/audio/offthread.bench.ts: Chromium not found (apt-get install chromium); the off-thread bench did not run.';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(message);
  console.log(`!!! ${message}`);
  process.exit(0);
}

interface Variant {
  name: string;
  options: BargeInOptions;
}

const variants: Variant[] = [
  { name: 'off the main thread, idle page', options: { offThread: true, measureOnset: true } },
  { name: 'main thread, idle page', options: { offThread: false, measureOnset: true } },
  { name: 'off the main thread, busy page', options: { offThread: true, busyMainThread: true, measureOnset: true } },
  { name: 'main thread, busy page', options: { offThread: false, busyMainThread: true, measureOnset: true } },
];

interface Figures {
  onsetToSilentMs: number | undefined;
  eventToSilentMs: number | undefined;
  underruns: number;
  uncoveredMs: number | undefined;
  appends: number;
}

const rounds = Number(process.argv[2] ?? 2);
const directory = mkdtempSync(join(tmpdir(), 'voxwire-offthread-bench-'));
const server = await startTestServer();
const loadBefore = loadavg()[0]!;
const results = new Map<string, Figures[]>();
try {
  const microphone = await writeBargeInMicrophone(directory);
  await serveAudioPage(server);
  server.serve('/e2e', { type: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>e2e</title><script type="module" src="/e2e.js"></script>' });
  server.serve('/e2e.js', { type: 'text/javascript', body: await bundlePage('test/browser/pages/e2e-page.ts') });
  server.serve('/tap.js', { type: 'text/javascript', body: TAP_SOURCE });
  server.serve('/worklets/socket-worker.js', { type: 'text/javascript', body: await buildSocketWorker({ minify: false }) });
  // Rounds in rotating order, so a change of machine load hits every variant alike.
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const mock = new MockRealtimeServer({
        scenario: createScenario('barge-in').turn((turn) => turn.hears("What's the weather like in Paris today?").plays('reply-long')).build(),
      });
      const { url } = await mock.start();
      const browser = await launchChromium({ fakeMicrophoneWav: microphone });
      try {
        await browser.page.goto(`${server.origin}/e2e`);
        await browser.page.waitForFunction(() => document.title === 'ready');
        const result = (await browser.page.evaluate(`window.vx.bargeIn(${JSON.stringify(url)}, ${JSON.stringify(variant.options)})`)) as BargeInResult;
        // The speech_started that cut the reply: the last one before the truncate.
        const truncate = mock.filter('conversation.item.truncate')[0];
        const onsets = mock.filter('input_audio_buffer.speech_started').filter((entry) => entry.direction === 'sent' && (truncate === undefined || entry.seq < truncate.seq));
        const onset = onsets.at(-1);
        const audioEndMs = (truncate?.event as { audio_end_ms?: number } | undefined)?.audio_end_ms;
        const clockMs = result.ack === undefined || result.started === undefined ? undefined : (result.ack.silentAt - result.started.contextTime) * 1000;
        const figures: Figures = {
          onsetToSilentMs: result.onset?.toSilentMs,
          eventToSilentMs: onset === undefined || result.silentWallMs === undefined ? undefined : result.silentWallMs - onset.at,
          underruns: result.underruns,
          uncoveredMs: audioEndMs === undefined || clockMs === undefined ? undefined : clockMs - audioEndMs,
          appends: mock.filter('input_audio_buffer.append').length,
        };
        results.set(variant.name, [...(results.get(variant.name) ?? []), figures]);
        if (result.errors.length > 0) console.log(`(${variant.name}: ${result.errors.join('; ')})`);
      } finally {
        await browser.close();
        await mock.stop();
      }
    }
  }
} finally {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
}

const format = (values: (number | undefined)[], digits = 0): string =>
  values.map((value) => (value === undefined ? 'n/a' : value.toFixed(digits))).join(', ');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`Headless Chromium, ${rounds} rounds per variant in rotating order; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (2 cores shared with other agents).\n`);
console.log('| variant | speech onset in the microphone → output silent, ms (each round) | `speech_started` sent → silent, ms | dropouts in the reply | reply span not in audio_end_ms, ms | appends |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const variant of variants) {
  const figures = results.get(variant.name) ?? [];
  console.log(
    `| ${variant.name} | ${format(figures.map((f) => f.onsetToSilentMs))} | ${format(figures.map((f) => f.eventToSilentMs))} | ${format(figures.map((f) => f.underruns))} | ${format(figures.map((f) => f.uncoveredMs), 1)} | ${format(figures.map((f) => f.appends))} |`,
  );
}
const onsetOf = (name: string): number[] => (results.get(name) ?? []).map((f) => f.onsetToSilentMs).filter((v): v is number => v !== undefined);
const busyOff = onsetOf(variants[2]!.name);
const busyMain = onsetOf(variants[3]!.name);
if (busyOff.length > 0 && busyMain.length > 0) {
  console.log(`\nBusy page, median onset → silent: main thread ${median(busyMain).toFixed(0)} ms vs off the main thread ${median(busyOff).toFixed(0)} ms (${(median(busyMain) / median(busyOff)).toFixed(1)}×).`);
}
