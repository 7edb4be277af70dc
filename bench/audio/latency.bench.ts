// Mouth-to-wire and wire-to-ear latency (issue 18), in headless Chromium against the
// MockRealtimeServer on loopback: voxwire with the socket in a Worker (the default), voxwire
// with `offThread: false`, and the tutorial approach (ScriptProcessorNode(4096) + an
// AudioBufferSourceNode queue, latency-page.ts), on an idle page and on a busy one (the main
// thread blocked 200 ms every 300 ms), in rotating order, in one run.
//
// - Mouth-to-wire: the fake microphone plays a train of 10 ms tone bursts after silence
//   (markers.ts). On the page, a tap worklet on the microphone's MediaStream, in the capture's
//   own AudioContext, posts each marker's onset to a Worker in the render quantum that carries
//   it; the Worker reads the wall clock on arrival: that is when the sample entered the page's
//   audio graph. In Node, the mock (its clock is the same wall clock) records when each
//   `input_audio_buffer.append` arrived; the bench finds the markers in the appended audio and
//   pairs them with the page's by their position in each stream (markers.ts `pairLatencies`);
//   latency = arrival of the append carrying the marker's first sample − the page's stamp.
// - Wire-to-ear: the mock's reply is a train of markers, each at the first sample of a 50 ms
//   delta, sent in real time; latency = the tap after the player (voxwire's output node, or the
//   tutorial's gain node the sources play into) processing the marker's quantum − the mock
//   sending the delta. That is before the output device: the context's baseLatency and
//   outputLatency, and the presentation time getOutputTimestamp gives, are reported beside it.
// All clocks are performance.timeOrigin + performance.now() of their realm (Node, the page, the
// stamping Worker), each aligned to the shared Date.now by its measured mean offset.
//
// Run: npx tsx bench/audio/latency.bench.ts [rounds] [idle]   (or npm run bench -- audio)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/base/clock';
import { base64ToPcm16 } from '../../src/codec/base64';
import { floatToPcm16 } from '../../src/codec/pcm16';
import { writeWav } from '../../src/codec/wav';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { createScenario } from '../../src/testing/script/scenario';
import { bundlePage, chromiumPath, launchChromium, serveAudioPage, startTestServer } from '../../test/browser/harness';
import type { LatencyMode, LatencyRunOptions, LatencyRunResult } from './latency-page';
import { OnsetDetector, markerTrain, pairLatencies, percentile, type MarkerTrainOptions, type SeenMarker } from './markers';

if (chromiumPath === undefined) {
  const message = 'bench/audio/latency.bench.ts: Chromium not found (apt-get install chromium); the latency bench did not run.';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(message);
  console.log(`!!! ${message}`);
  process.exit(0);
}

const MARKERS = 24;
const THRESHOLD = 0.1;
const MIN_QUIET_MS = 200;
const WIRE_RATE = 24000;
/** How negative a pair may be (the page stamp's error on a loaded machine, see latency-page.ts) before the pairing tries another shift; far below the period. */
const PAIR_TOLERANCE_MS = 25;
const OUTPUT_CHUNK_MS = 50;
// 507 ms apart: not a multiple of a capture chunk (20 ms), a render callback (10 ms) or the
// tutorial's 4096 frames at 24 kHz (170.7 ms), so the markers fall at every phase of them.
const microphoneTrain: MarkerTrainOptions = { sampleRate: 48000, count: MARKERS, leadMs: 2500, periodMs: 507, burstMs: 10, tailMs: 2000 };
// Markers on delta boundaries (lead and period are multiples of 50 ms): each one is the first sample of the frame that carries it.
const replyTrain: MarkerTrainOptions = { sampleRate: WIRE_RATE, count: MARKERS, leadMs: 500, periodMs: 500, burstMs: 10, tailMs: 300 };

interface Variant {
  name: string;
  mode: LatencyMode;
  busy: boolean;
}

const rounds = Number(process.argv[2] ?? 2);
const idleOnly = process.argv[3] === 'idle';
const only = process.env.LATENCY_ONLY;
const variants = ([
  { name: 'voxwire, socket in a Worker (default)', mode: 'voxwire-worker', busy: false },
  { name: 'voxwire, `offThread: false`', mode: 'voxwire-main', busy: false },
  { name: 'tutorial: ScriptProcessor(4096) + AudioBufferSourceNode queue', mode: 'tutorial', busy: false },
  ...(idleOnly
    ? []
    : [
        { name: 'voxwire, socket in a Worker (default), busy page', mode: 'voxwire-worker' as const, busy: true },
        { name: 'voxwire, `offThread: false`, busy page', mode: 'voxwire-main' as const, busy: true },
        { name: 'tutorial, busy page', mode: 'tutorial' as const, busy: true },
      ]),
] satisfies Variant[] as Variant[]).filter((variant) => only === undefined || variant.mode === only);

const wallNow = (): number => performance.timeOrigin + performance.now();
/** Mean of (performance.timeOrigin + performance.now() − Date.now()) in Node, as the page measures its own. */
function clockSkew(): number {
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) sum += wallNow() - Date.now();
  return sum / n;
}
const clock: Clock = {
  now: wallNow,
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * When each marker crossed the wire: the time of the frame that carries its first sample, and
 * its position in the stream of frames. An append brings all its samples at once, so its
 * arrival is the marker's; the reply's markers sit at the first sample of a delta (checked:
 * `offsets` collects where they were in their frames).
 */
function markersOnWire(frames: { at: number; audio: string }[], offsets: number[] = []): SeenMarker[] {
  const detector = new OnsetDetector({ threshold: THRESHOLD, minQuietSamples: (MIN_QUIET_MS * WIRE_RATE) / 1000 });
  const seen: SeenMarker[] = [];
  for (const frame of frames) {
    const before = detector.position;
    for (const index of detector.push(base64ToPcm16(frame.audio), 1 / 32768)) {
      seen.push({ position: index / WIRE_RATE, at: frame.at });
      offsets.push(index - before);
    }
  }
  return seen;
}

interface Figures {
  mouthToWire: number[];
  wireToEar: number[];
  /** Presentation time (getOutputTimestamp) − the tap's stamp, per output marker. */
  presentedAfterMs: number[];
  underruns: number;
  clampedStamps: number;
  /** Onsets the page's taps stamped. */
  onsets: number;
  baseLatencyMs: number;
  outputLatencyMs: number;
  sent: { input: number; output: number };
}

const directory = mkdtempSync(join(tmpdir(), 'voxwire-latency-bench-'));
const server = await startTestServer();
const results = new Map<string, Figures[]>();
const loads: number[] = [loadavg()[0]!];
const nodeSkew = clockSkew();
try {
  const microphone = join(directory, 'markers-48k.wav');
  writeFileSync(microphone, writeWav({ sampleRate: 48000, channels: 1, samples: floatToPcm16(markerTrain(microphoneTrain)) }));
  const reply = floatToPcm16(markerTrain(replyTrain));
  await serveAudioPage(server, 'bench/audio/latency-page.ts');
  server.serve('/latency-tap.js', { type: 'text/javascript', body: await bundlePage('bench/audio/latency-tap.ts') });
  // Rounds in rotating order, so a change of machine load hits every variant alike.
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) {
      const mock = new MockRealtimeServer({
        clock,
        outputChunkMs: OUTPUT_CHUNK_MS,
        log: { keepAudio: true },
        scenario: createScenario('markers').turn((turn) => turn.plays(reply, 'markers')).build(),
      });
      const { url } = await mock.start();
      const browser = await launchChromium({ fakeMicrophoneWav: microphone });
      try {
        browser.page.setDefaultTimeout(60_000);
        await browser.page.goto(`${server.origin}/`);
        await browser.page.waitForFunction(() => document.title === 'ready');
        const options: LatencyRunOptions = { mode: variant.mode, busyMainThread: variant.busy, markers: MARKERS, timeoutMs: 25_000, threshold: THRESHOLD, minQuietMs: MIN_QUIET_MS };
        const result = (await browser.page.evaluate(`window.latency.run(${JSON.stringify(url)}, ${JSON.stringify(options)})`)) as LatencyRunResult;
        const appends = mock.filter('input_audio_buffer.append').map((entry) => ({ at: entry.at - nodeSkew, audio: (entry.event as unknown as { audio: string }).audio }));
        const deltas = mock.filter('response.output_audio.delta').map((entry) => ({ at: entry.at - nodeSkew, audio: (entry.event as unknown as { delta: string }).delta }));
        const arrived = markersOnWire(appends);
        const offsets: number[] = [];
        const sent = markersOnWire(deltas, offsets);
        const pageInput = result.input.map((onset) => ({ position: onset.frame / result.captureRate, at: onset.wallMs }));
        if (offsets.some((offset) => offset !== 0)) console.log(`(reply markers not at the start of their delta: offsets ${offsets.join(' ')})`);
        const figures: Figures = {
          mouthToWire: pairLatencies(pageInput, arrived, microphoneTrain.periodMs, PAIR_TOLERANCE_MS),
          // Nothing drops a reply's marker on its way to the player, but underruns stretch the
          // rendered stream: the markers pair in order.
          wireToEar: sent.slice(0, result.output.length).map((marker, index) => result.output[index]!.wallMs - marker.at),
          presentedAfterMs: result.outputPresentedMs.map((presented, index) => presented - result.output[index]!.wallMs),
          underruns: result.underruns,
          clampedStamps: result.clampedStamps,
          onsets: result.input.length + result.output.length,
          baseLatencyMs: result.baseLatencyMs,
          outputLatencyMs: result.outputLatencyMs,
          sent: { input: arrived.length, output: sent.length },
        };
        results.set(variant.name, [...(results.get(variant.name) ?? []), figures]);
        if (process.env.LATENCY_VERBOSE === '1') console.log(`${variant.name}: ${result.clampedStamps} stamps clamped; mouth ${figures.mouthToWire.map((v) => v.toFixed(0)).join(' ')} | ear ${figures.wireToEar.map((v) => v.toFixed(0)).join(' ')}`);
        if (result.errors.length > 0) console.log(`(${variant.name}: ${result.errors.join('; ')})`);
        if (figures.mouthToWire.length < MARKERS - 4 || figures.wireToEar.length < MARKERS - 4) {
          console.log(`(${variant.name}, round ${round + 1}: ${figures.mouthToWire.length} mouth-to-wire and ${figures.wireToEar.length} wire-to-ear pairs; page saw ${result.input.length} in, ${result.output.length} out; server ${arrived.length} in, ${sent.length} out)`);
        }
      } catch (error) {
        console.log(`(${variant.name}, round ${round + 1} failed: ${String(error)})\n${browser.logs.slice(-20).join('\n')}`);
      } finally {
        await browser.close();
        await mock.stop();
      }
      loads.push(loadavg()[0]!);
    }
  }
} finally {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
}

const ms = (value: number): string => (Number.isNaN(value) ? 'n/a' : value.toFixed(1));
const pooled = (name: string, pick: (figures: Figures) => number[]): number[] => (results.get(name) ?? []).flatMap(pick);
console.log(
  `Headless Chromium, ${rounds} round(s) of ${MARKERS} markers each way per variant, rotating order; 1-minute load average ${loads.map((load) => load.toFixed(1)).join(' → ')} (2 cores shared with other agents).\n`,
);
console.log('| variant | mouth-to-wire p50 / p95, ms (markers) | p95 per round | wire-to-ear p50 / p95, ms (markers) | p95 per round | underruns |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const variant of variants) {
  const runs = results.get(variant.name) ?? [];
  const mouth = pooled(variant.name, (f) => f.mouthToWire);
  const ear = pooled(variant.name, (f) => f.wireToEar);
  console.log(
    `| ${variant.name} | ${ms(percentile(mouth, 50))} / ${ms(percentile(mouth, 95))} (${mouth.length}) | ${runs.map((f) => ms(percentile(f.mouthToWire, 95))).join(', ')} | ${ms(percentile(ear, 50))} / ${ms(percentile(ear, 95))} (${ear.length}) | ${runs.map((f) => ms(percentile(f.wireToEar, 95))).join(', ')} | ${runs.map((f) => f.underruns).join(', ')} |`,
  );
}
const reference = variants[0]!.name;
console.log('\nRatios to voxwire with the socket in a Worker (× its latency; above 1 is slower):\n');
console.log('| variant | mouth-to-wire p50 | p95 | wire-to-ear p50 | p95 |');
console.log('|---|---:|---:|---:|---:|');
for (const variant of variants) {
  const ratio = (pick: (figures: Figures) => number[], p: number): string => {
    const value = percentile(pooled(variant.name, pick), p) / percentile(pooled(reference, pick), p);
    return Number.isFinite(value) ? `${value.toFixed(1)}×` : 'n/a';
  };
  console.log(`| ${variant.name} | ${ratio((f) => f.mouthToWire, 50)} | ${ratio((f) => f.mouthToWire, 95)} | ${ratio((f) => f.wireToEar, 50)} | ${ratio((f) => f.wireToEar, 95)} |`);
}
const device = [...results.values()].flat();
const presented = device.flatMap((f) => f.presentedAfterMs);
console.log(
  `\nOutput device, not in wire-to-ear: baseLatency ${[...new Set(device.map((f) => ms(f.baseLatencyMs)))].join('/')} ms, outputLatency ${[...new Set(device.map((f) => ms(f.outputLatencyMs)))].join('/')} ms; getOutputTimestamp puts a rendered sample's presentation ${ms(percentile(presented, 50))} ms (median; p95 ${ms(percentile(presented, 95))}) after the tap processed it. Page stamps clamped to the clock readings' bound: ${device.reduce((sum, f) => sum + f.clampedStamps, 0)} of ${device.reduce((sum, f) => sum + f.onsets, 0)}.`,
);
