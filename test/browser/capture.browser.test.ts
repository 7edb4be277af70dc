/**
 * MicrophoneCapture in real headless Chromium. The fake microphone plays
 * fixtures/audio/question-48k.wav once (`%noloop`); the capture runs with the browser's audio
 * processing off, so what comes out must be that file, resampled to 24 kHz.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resampler } from '../../src/codec/resampler';
import { pcm16ToFloat } from '../../src/codec/pcm16';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { chromiumAvailable, fixturePath, launchChromium, serveAudioPage, startTestServer, type LaunchedBrowser, type TestServer } from './harness';
import type { AudioPageApi, CaptureResult } from './pages/audio-page';
import { base64ToInt16, bestLag, correlationAt } from './signal';

const enabled = chromiumAvailable();

describe.skipIf(!enabled)('MicrophoneCapture in Chromium', () => {
  let server: TestServer;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    server = await startTestServer();
    await serveAudioPage(server);
    browser = await launchChromium({ fakeMicrophoneWav: fixturePath('question-48k.wav') });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function run<T>(call: (api: AudioPageApi) => Promise<T>, label: string): Promise<T> {
    // A fresh page per scenario: the fake microphone restarts its file on every open.
    const page = await browser.context.newPage();
    try {
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => document.title === 'ready');
      return await page.evaluate(`(${call.toString()})(window.vx)`);
    } catch (error) {
      throw new Error(`${label} failed: ${String(error)}\n${browser.logs.join('\n')}`);
    } finally {
      await page.close();
    }
  }

  let capture: CaptureResult;

  it('captures the fake microphone as 24 kHz PCM16 that matches the fixture (correlation >= 0.95)', async () => {
    capture = await run((api) => api.captureScenario({ durationMs: 4200 }), 'capture');
    const captured = pcm16ToFloat(base64ToInt16(capture.dataBase64));
    const fixture = await loadFixtureAudio('question-48k');
    const resampler = new Resampler({ inputRate: 48000, outputRate: 24000 });
    const input = pcm16ToFloat(fixture.pcm);
    const reference = Float32Array.from([...resampler.process(input), ...resampler.flush()]);
    const lag = bestLag(captured, reference, 24000 * 2);
    const { correlation, overlap } = correlationAt(captured, reference, lag);
    process.stdout.write(
      `[capture] context ${capture.contextSampleRate} Hz, ${capture.chunks.length} chunks, ${captured.length} samples, lag ${lag} samples (${((lag / 24000) * 1000).toFixed(1)} ms), correlation ${correlation.toFixed(6)} over ${overlap} samples\n`,
    );
    expect(capture.trackSettings).toMatchObject({ echoCancellation: false, noiseSuppression: false, autoGainControl: false });
    let differenceEnergy = 0;
    let referenceEnergy = 0;
    for (let i = Math.max(0, -lag); i < Math.min(reference.length, captured.length - lag); i++) {
      differenceEnergy += (captured[i + lag]! - reference[i]!) ** 2;
      referenceEnergy += reference[i]! ** 2;
    }
    process.stdout.write(`[capture] residual after alignment: ${(10 * Math.log10(differenceEnergy / referenceEnergy)).toFixed(1)} dB below the signal\n`);
    // Under load the first buffer or two of the fake device may be gone before the worklet is
    // connected; the clip starts with 300 ms of silence, so up to 100 ms missing is harmless.
    expect(overlap).toBeGreaterThanOrEqual(reference.length - 2400);
    expect(correlation).toBeGreaterThanOrEqual(0.95);
  });

  it('delivers 20 ms chunks (480 samples) on a steady cadence, each with its own transferred buffer', () => {
    const { chunks, chunkTimes } = capture;
    const full = chunks.slice(0, -1);
    expect(full.every((chunk) => chunk.kind === 'Int16Array' && chunk.length === 480 && chunk.byteOffset === 0 && chunk.bufferBytes === 960)).toBe(true);
    const last = chunks[chunks.length - 1]!;
    expect(last.length).toBeGreaterThan(0);
    expect(last.length).toBeLessThanOrEqual(480);
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    expect(chunks.length).toBe(Math.ceil(total / 480));
    // ~4.2 s of capture at 50 chunks a second (start-up and stop take a few quanta).
    expect(chunks.length).toBeGreaterThan(190);
    expect(chunks.length).toBeLessThan(225);
    // Chunks arrive as the audio is rendered, not in a burst at the end.
    const spanSeconds = chunkTimes[chunkTimes.length - 2]! - chunkTimes[0]!;
    expect(spanSeconds).toBeGreaterThan(((chunks.length - 2) * 0.02) - 0.15);
  });

  it('reports input levels about 30 times a second that follow the speech', () => {
    const { levels } = capture;
    const seconds = levels[levels.length - 1]!.contextTime - levels[0]!.contextTime;
    const rate = (levels.length - 1) / seconds;
    process.stdout.write(`[capture] ${levels.length} level reports, ${rate.toFixed(1)} per second\n`);
    expect(rate).toBeGreaterThan(27);
    expect(rate).toBeLessThan(33);
    const loudest = Math.max(...levels.map((level) => level.rmsDb));
    const quietest = Math.min(...levels.map((level) => level.rmsDb));
    expect(loudest).toBeGreaterThan(-30);
    expect(quietest).toBeLessThan(-60);
    expect(capture.states).toEqual(['starting', 'capturing', 'stopped']);
  });

  it('mutes to digital silence while the track stays open (and the meter keeps measuring)', async () => {
    const result = await run((api) => api.captureScenario({ durationMs: 1800, muteFromMs: 900, silenceTimeoutMs: 500 }), 'mute');
    const pcm = base64ToInt16(result.dataBase64);
    // Allow the 10 ms glide plus the chunks already in flight when mute was requested (a busy
    // main thread may be several chunks behind the worklet).
    const mutedFrom = (result.chunkMsAtMute + 10) * 480;
    expect(result.chunks.length).toBeGreaterThan(80);
    expect(pcm.subarray(mutedFrom).every((sample) => sample === 0)).toBe(true);
    expect(pcm.subarray(0, result.chunkMsAtMute * 480).some((sample) => sample !== 0)).toBe(true);
    // The level is measured before the mute: the meter keeps showing the user is speaking,
    // so nothing is reported silent during a mute.
    expect(result.silence).toEqual([]);
  });

  it('reports digital silence when the fake microphone has played its file out', async () => {
    const result = await run((api) => api.captureScenario({ durationMs: 4400, silenceTimeoutMs: 600 }), 'silence');
    expect(result.silence.length).toBeGreaterThanOrEqual(1);
    expect(result.silence[0]!.silent).toBe(true);
    expect(result.silence[0]!.durationMs).toBeGreaterThanOrEqual(600);
  });

  it('switches microphones without stopping the stream', async () => {
    const result = await run((api) => api.captureScenario({ durationMs: 1600, switchDeviceAtMs: 700 }), 'switch');
    expect(result.devices).toHaveLength(1);
    expect(result.devices[0]!.label).toMatch(/Fake/);
    expect(result.chunks.length).toBeGreaterThan(70);
    expect(result.chunks.slice(0, -1).every((chunk) => chunk.length === 480)).toBe(true);
  });

  it('captures G.711 μ-law at 8 kHz for audio/pcmu sessions', async () => {
    const result = await run((api) => api.captureScenario({ durationMs: 1000, format: { type: 'audio/pcmu' }, chunkMs: 40 }), 'pcmu');
    expect(result.chunks.slice(0, -1).every((chunk) => chunk.kind === 'Uint8Array' && chunk.length === 320)).toBe(true);
    expect(result.chunks.length).toBeGreaterThan(20);
  });

  it('loads the capture worklet from the inline Blob fallback', async () => {
    const result = await run((api) => api.captureScenario({ durationMs: 600, inlineWorklet: true }), 'inline');
    expect(result.chunks.length).toBeGreaterThan(20);
  });
});
