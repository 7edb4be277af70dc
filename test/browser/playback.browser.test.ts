/**
 * AudioPlayer in real headless Chromium: a known tone goes in as PCM16 chunks; an
 * AnalyserNode and an independent recorder worklet (a test-only tap on the player's output)
 * see what really came out, frame by frame, on the AudioContext's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium, serveAudioPage, startTestServer, type LaunchedBrowser, type TestServer } from './harness';
import type { AudioPageApi, ToneResult } from './pages/audio-page';
import { base64ToFloat32 } from './signal';
import { assertRecorded } from './pages/tap-worklet';

const enabled = chromiumAvailable();

describe.skipIf(!enabled)('AudioPlayer in Chromium', () => {
  let server: TestServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    await serveAudioPage(server);
    server.serve('/strict', {
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><meta charset="utf-8"><title>strict</title><script type="module" src="/page.js"></script>',
    });
    // A strict policy: scripts only from this origin, so blob: worklets are refused.
    server.setHeaders('/strict', { 'content-security-policy': "script-src 'self'" });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function run<T>(call: (api: AudioPageApi) => Promise<T>, label: string, path = '/'): Promise<T> {
    const page = await browser.context.newPage();
    try {
      await page.goto(`${server.origin}${path}`);
      await page.waitForFunction(() => document.title === 'ready' || document.title === 'strict');
      await page.waitForFunction(() => (window as unknown as { vx?: unknown }).vx !== undefined);
      return await page.evaluate(`(${call.toString()})(window.vx)`);
    } catch (error) {
      throw new Error(`${label} failed: ${String(error)}\n${browser.logs.join('\n')}`);
    } finally {
      await page.close();
    }
  }

  it('plays a tone the analyser hears at its frequency and level, every sample accounted for', async () => {
    const result = await run((api) => api.toneScenario({ frequency: 1000, totalMs: 1000, chunkMs: 20 }), 'tone');
    const rate = result.contextSampleRate;
    process.stdout.write(`[playback] context ${rate} Hz, analyser peak ${result.analyserPeakHz.toFixed(1)} Hz, rms ${result.analyserRms.toFixed(4)}\n`);
    expect(Math.abs(result.analyserPeakHz - 1000)).toBeLessThan(rate / 8192 + 1);
    expect(result.analyserRms).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(result.playedSamples).toBe(24000);
    // The recorder saw exactly the played audio: one second at the context rate.
    const heardFrames = result.tap.last - result.tap.first + 1;
    expect(Math.abs(heardFrames - rate)).toBeLessThanOrEqual(2);
    // The first frame the recorder heard is the one the worklet reported as started.
    expect(Math.abs(result.tap.first / rate - result.startedAt!)).toBeLessThan(1.5 / rate);
    expect(result.events).toEqual(['playing', 'stopped']);
    expect(result.stats.underruns).toBe(0);
  });

  it('write copies what the caller keeps, and takes a handed-over array without a copy; both play every sample', async () => {
    const kept = await run((api) => api.toneScenario({ frequency: 600, totalMs: 400, chunkMs: 20 }), 'write copies');
    expect(kept.written).toEqual({ samples: 9600, intact: true });
    expect(kept.playedSamples).toBe(9600);
    const handed = await run((api) => api.toneScenario({ frequency: 600, totalMs: 400, chunkMs: 20, transfer: true }), 'write transfers');
    // Each array's own buffer went to the worklet: the caller's view is now empty.
    expect(handed.written).toEqual({ samples: 0, intact: false });
    expect(handed.playedSamples).toBe(9600);
    expect(Math.abs(handed.analyserPeakHz - 600)).toBeLessThan(handed.contextSampleRate / 8192 + 1);
  });

  let flushed: ToneResult;

  it('flushes with a <= 5 ms fade and acknowledges the exact played count at the moment output went silent', async () => {
    flushed = await run((api) => api.toneScenario({ frequency: 440, totalMs: 3000, chunkMs: 20, flushAfterMs: 700 }), 'flush');
    const rate = flushed.contextSampleRate;
    const ack = flushed.flush!;
    expect(ack).not.toBeNull();
    expect(ack.stale).toBe(false);
    expect(ack.itemId).toBe('item_tone');
    expect(ack.receivedSamples).toBe(72000);
    const fadeMs = (ack.silentAt - ack.fadeStartedAt) * 1000;
    expect(fadeMs).toBeGreaterThan(4.9);
    expect(fadeMs).toBeLessThanOrEqual(5.05);
    // The fade began with the first quantum after the request arrived (test/audio pins that
    // exactly); here only a sanity bound, as the message's trip depends on scheduling.
    const fadeDelayMs = (ack.fadeStartedAt - flushed.flushCalledAt) * 1000;
    expect(fadeDelayMs).toBeGreaterThanOrEqual(0);
    expect(fadeDelayMs).toBeLessThan(250);

    const playedMs = (ack.playedSamples / ack.sampleRate) * 1000;
    const clockMs = (ack.silentAt - flushed.startedAt!) * 1000;
    const heardMs = ((flushed.tap.last - flushed.tap.first + 1) / rate) * 1000;
    process.stdout.write(
      `[playback] flush: fade ${fadeMs.toFixed(2)} ms, fade began ${fadeDelayMs.toFixed(2)} ms after flush() (context clock), ` +
        `ack resolved ${flushed.flushResolveMs.toFixed(2)} ms after flush(), output silent ${flushed.flushToSilentMs?.toFixed(2)} ms after flush() (output timestamp); ` +
        `playedMs ${playedMs.toFixed(3)} vs audio clock ${clockMs.toFixed(3)} (diff ${(playedMs - clockMs).toFixed(3)} ms) vs recorder ${heardMs.toFixed(3)} (diff ${(playedMs - heardMs).toFixed(3)} ms)\n`,
    );
    expect(Math.abs(playedMs - clockMs)).toBeLessThan(0.1);
    expect(Math.abs(playedMs - heardMs)).toBeLessThan(0.1);
    expect(playedMs).toBeGreaterThan(600);
    expect(playedMs).toBeLessThan(3000);
  });

  it('fades without a click: the envelope only falls, then exact silence', () => {
    const rate = flushed.contextSampleRate;
    const samples = base64ToFloat32(flushed.tap.samplesBase64);
    const fadeStart = Math.round(flushed.flush!.fadeStartedAt * rate) - flushed.tap.startFrame;
    const silentFrom = Math.round(flushed.flush!.silentAt * rate) - flushed.tap.startFrame;
    expect(silentFrom - fadeStart).toBe(Math.round(0.005 * rate));
    assertRecorded({ ...flushed.tap, length: samples.length }, flushed.tap.startFrame + fadeStart - 500, flushed.tap.startFrame + silentFrom + 1);
    // Before the fade: the tone at full amplitude, sample steps bounded by the tone's slope.
    const maxStep = 2 * Math.PI * 440 * 0.5 / rate * 1.05;
    for (let i = fadeStart - 500; i < silentFrom; i++) expect(Math.abs(samples[i + 1]! - samples[i]!)).toBeLessThan(maxStep);
    // Through the fade the magnitude stays under a falling envelope.
    for (let i = fadeStart; i < silentFrom; i++) {
      const envelope = 0.5 * (0.5 * (1 + Math.cos((Math.PI * (i - fadeStart + 1)) / (silentFrom - fadeStart + 1))));
      expect(Math.abs(samples[i]!)).toBeLessThanOrEqual(envelope + 1e-4);
    }
    expect(samples.subarray(silentFrom).every((value) => value === 0)).toBe(true);
  });

  it('resamples 8 kHz (decoded G.711) audio to the context rate', async () => {
    const result = await run((api) => api.toneScenario({ frequency: 600, totalMs: 800, chunkMs: 20, sampleRate: 8000 }), 'g711');
    expect(Math.abs(result.analyserPeakHz - 600)).toBeLessThan(result.contextSampleRate / 8192 + 1);
    expect(result.playedSamples).toBe(6400);
  });

  it('plays chunks written in real time: every sample, and an underrun only after a write more than 20 ms late', async () => {
    // The page's timers pace the writes, and a loaded machine delays them (65 ms at load 20)
    // or stalls the audio clock and then renders ahead. What the player must do is start with
    // enough margin that a write up to 20 ms behind its schedule never starves it (test/audio
    // pins the margin exactly), count each starvation once, and still play every sample. A
    // write later than that, on the page's clock or on the audio clock, may starve it, once.
    const result = await run((api) => api.toneScenario({ frequency: 500, totalMs: 1500, chunkMs: 40, paced: true }), 'paced');
    const { underruns } = result.stats;
    const { page, audio } = result.writeLateMs;
    const lateMs = page.map((ms, index) => Math.max(ms, audio[index]!));
    const lateWrites = lateMs.filter((ms) => ms > 20).length;
    process.stdout.write(
      `[playback] paced writes: jitter ${result.stats.jitterMs.toFixed(2)} ms, underruns ${underruns}, prebuffer ${result.stats.prebufferMs} ms, ` +
        `writes more than 20 ms late ${lateWrites} (latest ${Math.max(...lateMs).toFixed(1)} ms)\n`,
    );
    expect(lateMs).toHaveLength(38);
    expect(result.playedSamples).toBe(36000);
    expect(underruns).toBeLessThanOrEqual(lateWrites);
    // Each underrun grew the prebuffer one 20 ms step, and was a silence the recorder heard.
    expect(result.stats.prebufferMs).toBe(40 + 20 * underruns);
    const samples = base64ToFloat32(result.tap.samplesBase64);
    assertRecorded({ ...result.tap, length: samples.length }, result.tap.first, result.tap.last + 1);
    expect(silences(samples.subarray(result.tap.first - result.tap.startFrame, result.tap.last - result.tap.startFrame))).toBe(underruns);
  });

  it('counts an underrun, adapts the prebuffer and keeps the played count', async () => {
    const result = await run((api) => api.underrunScenario(), 'underrun');
    expect(result.underruns).toBe(1);
    expect(result.prebufferMs).toBe(40);
    expect(result.playedSamples).toBe(4800);
    expect(result.events).toEqual(['playing', 'stopped', 'underrun:1:40', 'playing', 'stopped']);
  });

  it('recovers from a suspended context, answers a flush while suspended, and never closes the app\'s context', async () => {
    const result = await run((api) => api.suspendScenario(), 'suspend');
    expect(result.statesAfterSuspend).toContain('interrupted');
    expect(result.stateAfterRecovery).toBe('ready');
    expect(result.flushWhileSuspended).not.toBeNull();
    expect(result.flushWhileSuspended!.stale).toBe(false);
    expect(result.flushWhileSuspended!.itemId).toBe('item_t');
    expect(result.contextState).toBe('suspended');
    expect(result.passedContextState).toBe('running');
  });

  it('routes playback through a loopback peer connection for echo cancellation', async () => {
    const result = await run((api) => api.loopbackScenario(), 'loopback');
    process.stdout.write(`[playback] loopback: ${result.packetsReceived} RTP packets, audio level ${result.audioLevel.toFixed(3)}\n`);
    expect(result.hasElement).toBe(true);
    expect(result.elementPlaying).toBe(true);
    expect(result.packetsReceived).toBeGreaterThan(20);
    expect(result.audioLevel).toBeGreaterThan(0.05);
  });

  it('selects an output device', async () => {
    const result = await run((api) => api.outputDeviceScenario(), 'sink');
    expect(result.error).toBeUndefined();
    expect(result.switched).toBe(true);
  });

  it('ducks the microphone while the assistant plays', async () => {
    // The fake microphone here is Chromium's default beep generator.
    const result = await run((api) => api.duckingScenario(), 'ducking');
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    expect(result.ducked.length).toBeGreaterThan(20);
    expect(result.normal.length).toBeGreaterThan(20);
    process.stdout.write(`[playback] ducking: median chunk peak ${median(result.normal)} normal, ${median(result.ducked)} ducked\n`);
    expect(median(result.ducked)).toBeLessThan(median(result.normal) * 0.2);
  });

  it('loads the processor from the inline Blob URL by default, and from workletUrl under a strict CSP', async () => {
    expect(await run((api) => api.loadScenario(false), 'blob')).toEqual({ ok: true });
    const refused = await run((api) => api.loadScenario(false), 'strict blob', '/strict');
    expect(refused.ok).toBe(false);
    expect(refused.code).toBe('VOXWIRE_AUDIO_UNSUPPORTED');
    expect(refused.message).toContain('workletUrl');
    expect(await run((api) => api.loadScenario(true), 'strict url', '/strict')).toEqual({ ok: true });
  });

  it('shares one context between a capture loaded from its URL and a player loaded inline', async () => {
    const result = await run((api) => api.mixedLoadScenario(), 'mixed');
    expect(result.chunks).toBeGreaterThan(15);
    expect(result.played).toBe(4800);
  });
});

/**
 * Stretches of exact silence inside a tone: an underrun's silence runs from the frame the
 * queue ran dry to the quantum in which the late write arrived, which may be a single frame;
 * the resampled tone itself never reads exactly 0.
 */
function silences(samples: Float32Array): number {
  let count = 0;
  let previous = Number.NaN;
  for (const sample of samples) {
    if (sample === 0 && previous !== 0) count += 1;
    previous = sample;
  }
  return count;
}
