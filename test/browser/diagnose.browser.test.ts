/**
 * checkAudio() in real headless Chromium: the browser's default fake microphone (a periodic
 * beep), file-backed fake microphones that deliver digital silence or one stuck value, a
 * profile where the microphone permission is denied, pages under a Content-Security-Policy
 * that allows blob: worklets (what works today) and one that blocks them, and an echo loop (the
 * probe fed back into the checked stream through a MediaStreamAudioDestinationNode).
 * Set UPDATE_SCREENSHOTS=1 to refresh docs/audio-check-*.png.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeWav } from '../../src/codec/wav';
import { buildWorklet, repositoryRoot } from '../../scripts/build-worklets';
import type { AudioCheckReport } from '../../src/audio/index';
import { bundlePage, chromiumAvailable, launchChromium, startTestServer, type LaunchOptions, type LaunchedBrowser, type TestServer } from './harness';
import type { DiagnoseScenario, HealthResult } from './pages/diagnose-page';

const enabled = chromiumAvailable();
const directory = mkdtempSync(join(tmpdir(), 'voxwire-diagnose-'));

const PAGE = '<!doctype html><meta charset="utf-8"><title>loading</title><body><script type="module" src="/page.js"></script></body>';

async function serveDiagnosePage(server: TestServer): Promise<void> {
  const [page, capture, playback] = await Promise.all([
    bundlePage('test/browser/pages/diagnose-page.ts'),
    buildWorklet('capture-processor', { minify: false }),
    buildWorklet('playback-processor', { minify: false }),
  ]);
  for (const path of ['/', '/csp-blob', '/csp-strict']) server.serve(path, { type: 'text/html; charset=utf-8', body: PAGE });
  // What works today: scripts from this origin and blob: (the inline worklet copy).
  server.setHeaders('/csp-blob', { 'content-security-policy': "script-src 'self' blob:" });
  // Strict: scripts from this origin only, so the inline blob: worklet is refused.
  server.setHeaders('/csp-strict', { 'content-security-policy': "script-src 'self'" });
  server.serve('/page.js', { type: 'text/javascript', body: page });
  server.serve('/worklets/capture-processor.js', { type: 'text/javascript', body: capture });
  server.serve('/worklets/playback-processor.js', { type: 'text/javascript', body: playback });
}

/** A mono 48 kHz WAV of `seconds` of one sample value, for a file-backed fake microphone. */
function constantWav(name: string, value: number, seconds = 30): string {
  const samples = new Int16Array(48000 * seconds).fill(value);
  const path = join(directory, name);
  writeFileSync(path, writeWav({ sampleRate: 48000, channels: 1, samples }));
  return path;
}

function codes(report: AudioCheckReport): string[] {
  return report.problems.map((problem) => problem.code);
}

interface Session {
  server: TestServer;
  browser: LaunchedBrowser;
  check(scenario?: DiagnoseScenario, path?: string, screenshot?: string): Promise<AudioCheckReport>;
  close(): Promise<void>;
}

async function openSession(launch: LaunchOptions = {}): Promise<Session> {
  const server = await startTestServer();
  await serveDiagnosePage(server);
  const browser = await launchChromium(launch);
  return {
    server,
    browser,
    async check(scenario = {}, path = '/', screenshot) {
      const page = await browser.context.newPage();
      try {
        await page.setViewportSize({ width: 680, height: 420 });
        await page.goto(`${server.origin}${path}`);
        await page.waitForFunction(() => document.title === 'ready');
        const report = (await page.evaluate(`window.vx.check(${JSON.stringify(scenario)})`)) as AudioCheckReport;
        if (screenshot !== undefined) {
          const file = process.env.UPDATE_SCREENSHOTS === '1' ? join(repositoryRoot, 'docs', screenshot) : join(directory, screenshot);
          await page.locator('#report').screenshot({ path: file });
          expect(statSync(file).size).toBeGreaterThan(5_000);
        }
        return report;
      } catch (error) {
        throw new Error(`checkAudio(${JSON.stringify(scenario)}) on ${path} failed: ${String(error)}\n${browser.logs.join('\n')}`);
      } finally {
        await page.close();
      }
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe.skipIf(!enabled)('checkAudio() in Chromium with the default fake devices', () => {
  let session: Session;

  beforeAll(async () => {
    session = await openSession();
  }, 60_000);

  afterAll(async () => {
    await session?.close();
  });

  it('passes the default fake microphone (its periodic beep) and reports permission, devices, rates, context, worklet and output selection', async () => {
    const report = await session.check({}, '/', 'audio-check-ok.png');
    expect(report.problems.filter((problem) => problem.severity !== 'info')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.permission).toBe('granted');
    expect(report.devices.inputs.length).toBeGreaterThanOrEqual(1);
    expect(report.devices.inputs.some((device) => device.label.startsWith('Fake'))).toBe(true);
    expect(report.devices.outputs.length).toBeGreaterThanOrEqual(1);
    expect(report.context).toMatchObject({ status: 'running', needsUserGesture: false });
    expect(report.capture?.contextSampleRate).toBe(report.context.sampleRate);
    expect(report.capture?.trackSampleRate).toBeGreaterThanOrEqual(16000);
    expect(report.capture?.label).toMatch(/Fake/);
    // The beep is loud and varies: neither silent nor stuck.
    expect(report.input).toMatchObject({ silent: false, constant: false });
    expect(report.input!.peak).toBeGreaterThan(0.1);
    expect(report.input!.samples).toBeGreaterThanOrEqual(24000);
    expect(report.worklet).toMatchObject({ inline: 'ok', url: 'not-tried', use: 'inline' });
    expect(report.outputSelection).toBe('audio-context');
    expect(report.echo).toBeUndefined();
  }, 60_000);

  it("under a CSP that allows blob: (what works today), both the inline copy and the served files load", async () => {
    const report = await session.check({ workletUrls: true }, '/csp-blob');
    expect(report.worklet).toMatchObject({ inline: 'ok', url: 'ok', use: 'url' });
    expect(codes(report).filter((code) => code.startsWith('WORKLET'))).toEqual([]);
    expect(report.input).toMatchObject({ silent: false });
  }, 60_000);

  it('under a CSP that blocks blob:, with no worklet URLs, names the problem and the fix (serve the files, pass workletUrl)', async () => {
    const report = await session.check({}, '/csp-strict', 'audio-check-csp.png');
    expect(report.ok).toBe(false);
    expect(report.worklet).toMatchObject({ inline: 'failed', url: 'not-tried', use: 'none' });
    const problem = report.problems.find((entry) => entry.code === 'WORKLET_BLOCKED');
    expect(problem).toMatchObject({ severity: 'error' });
    expect(problem!.reason).toContain('blob:');
    expect(problem!.fix).toContain('workletUrl');
    expect(problem!.fix).toContain('capture-processor.js');
    expect(problem!.fix).toContain('script-src');
    // Without a worklet nothing was captured, and the report says so rather than guessing.
    expect(report.input).toBeUndefined();
  }, 60_000);

  it('under a CSP that blocks blob:, with the served files, uses them and says to keep passing workletUrl', async () => {
    const report = await session.check({ workletUrls: true }, '/csp-strict');
    expect(report.worklet).toMatchObject({ inline: 'failed', url: 'ok', use: 'url' });
    expect(report.problems.find((entry) => entry.code === 'WORKLET_INLINE_BLOCKED')).toMatchObject({ severity: 'info' });
    expect(report.ok).toBe(true);
    expect(report.input).toMatchObject({ silent: false, constant: false });
  }, 60_000);

  it.each([
    { gain: 0.1, erl: 20, recommendation: 'loopback' },
    { gain: 0.5, erl: 6, recommendation: 'loopback-and-ducking' },
  ])('finds the probe in an echo loop at gain $gain: ERL about $erl dB, recommends $recommendation', async ({ gain, erl, recommendation }) => {
    const report = await session.check({ echoLoopGain: gain }, '/', gain === 0.1 ? 'audio-check-echo.png' : undefined);
    expect(report.echo, JSON.stringify(report.problems)).toBeDefined();
    const echo = report.echo!;
    process.stdout.write(`[diagnose] echo loop gain ${gain}: ERL ${echo.erlDb.toFixed(2)} dB, delay ${echo.delayMs.toFixed(1)} ms, correlation ${echo.correlation.toFixed(3)}\n`);
    expect(echo.detected).toBe(true);
    expect(echo.correlation).toBeGreaterThan(0.8);
    expect(Math.abs(echo.erlDb - erl)).toBeLessThan(1.5);
    expect(echo.recommendation).toBe(recommendation);
    expect(report.problems.find((problem) => problem.code === 'ECHO_DETECTED')?.fix).toContain("echoMitigation: 'loopback'");
  }, 60_000);

  it('emits health events from the capture and the player: stuck, silent, back, suspended, resumed, unplugged and replaced', async () => {
    const page = await session.browser.context.newPage();
    try {
      await page.goto(`${session.server.origin}/`);
      await page.waitForFunction(() => document.title === 'ready');
      const result = (await page.evaluate('window.vx.health()')) as HealthResult;
      expect(result.capture).toEqual([
        '+MICROPHONE_CONSTANT',
        '-MICROPHONE_CONSTANT',
        '+MICROPHONE_SILENT',
        '-MICROPHONE_SILENT',
        '+AUDIO_CONTEXT_INTERRUPTED',
        '-AUDIO_CONTEXT_INTERRUPTED',
      ]);
      expect(result.activeWhileStuck).toEqual(['MICROPHONE_CONSTANT']);
      expect(result.lostDevice).toEqual(['+MICROPHONE_LOST', '-MICROPHONE_LOST']);
      expect(result.player).toEqual(['+AUDIO_CONTEXT_INTERRUPTED', '-AUDIO_CONTEXT_INTERRUPTED']);
      expect(result.reasons.some((reason) => /Capturing from "Fake/.test(reason))).toBe(true);
      expect(session.browser.logs.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it('hears no echo when the probe does not come back (headphones) and recommends nothing', async () => {
    const report = await session.check({ echoLoopGain: 0 });
    expect(report.echo).toMatchObject({ detected: false, recommendation: 'none' });
    expect(report.echo!.erlDb).toBeGreaterThan(30);
    expect(codes(report)).not.toContain('ECHO_DETECTED');
  }, 60_000);
});

describe.skipIf(!enabled)('checkAudio() in Chromium with a dead microphone or a denied permission', () => {
  let session: Session | undefined;

  afterAll(async () => {
    await session?.close();
  });

  async function reopen(launch: LaunchOptions): Promise<Session> {
    await session?.close();
    session = await openSession(launch);
    return session;
  }

  it('reports a file-backed microphone of digital silence as MICROPHONE_SILENT, with the fix', async () => {
    const current = await reopen({ fakeMicrophoneWav: constantWav('silent.wav', 0), fakeMicrophoneLoop: true });
    const report = await current.check({}, '/', 'audio-check-silent.png');
    expect(report.ok).toBe(false);
    expect(report.input).toMatchObject({ silent: true, peak: 0 });
    const problem = report.problems.find((entry) => entry.code === 'MICROPHONE_SILENT');
    expect(problem).toMatchObject({ severity: 'error' });
    expect(problem!.fix).toContain('mute');
  }, 60_000);

  it('reports a file-backed microphone stuck at one value as MICROPHONE_CONSTANT', async () => {
    const current = await reopen({ fakeMicrophoneWav: constantWav('constant.wav', 8192), fakeMicrophoneLoop: true });
    const report = await current.check({ rawMicrophone: true });
    expect(report.input, JSON.stringify(report.input)).toMatchObject({ silent: false, constant: true });
    expect(report.input!.dcOffset).toBeCloseTo(0.25, 2);
    expect(codes(report)).toContain('MICROPHONE_CONSTANT');
    expect(report.ok).toBe(false);
  }, 60_000);

  it('reports a denied microphone permission as MICROPHONE_PERMISSION_DENIED, with the fix, and still checks the rest', async () => {
    const current = await reopen({ denyMicrophone: true });
    const report = await current.check({}, '/', 'audio-check-denied.png');
    expect(report.permission).toBe('denied');
    expect(report.ok).toBe(false);
    const problem = report.problems.find((entry) => entry.code === 'MICROPHONE_PERMISSION_DENIED');
    expect(problem).toMatchObject({ severity: 'error' });
    expect(problem!.reason).toContain('NotAllowedError');
    expect(problem!.fix).toContain('Allow the microphone');
    expect(report.capture).toBeUndefined();
    expect(report.worklet.use).toBe('inline');
    expect(report.context.status).toBe('running');
  }, 60_000);
});
