/**
 * voxwire/react in real headless Chromium: the React example's app under StrictMode, built by
 * Vite (development mode, so StrictMode really mounts twice) from test/browser/pages, served
 * with the relay (voxwire/server/node) in front of the mock Realtime server, and Chromium's
 * fake microphone repeating the question in a loop. The page mutes itself at each utterance's
 * start and the test unmutes when it wants the user to speak, so every turn happens in an order
 * the test decides, however slow the machine: a spoken turn with a tool call, a barge-in, a
 * reconnect that keeps the transcript, hanging up and talking again, and an unmount mid-call
 * that closes the socket and the audio. One client, and one upstream socket at a time. UPDATE_SCREENSHOTS=1 refreshes
 * docs/react-example.png.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../scripts/build-worklets';
import { startBrowserExample } from '../../examples/browser/server';
import type { BrowserExample } from '../../examples/browser/server';
import { buildReactPage } from '../../examples/react/build-page';
import { createScenario } from '../../src/testing/script/scenario';
import { chromiumAvailable, fixturePath, launchChromium } from './harness';
import type { LaunchedBrowser } from './harness';
import type { ReactPageProbe } from './pages/react-page';

const enabled = chromiumAvailable();
const QUESTION = "What's the weather like in Paris today?";

/** Records every AudioContext and microphone stream the page opens, before its script runs. */
const TRACK_AUDIO = `
  window.__audio = { contexts: [], streams: [] };
  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext {
    constructor(...args) { super(...args); window.__audio.contexts.push(this); }
  };
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.__audio.streams.push(stream);
    return stream;
  };
`;

describe.skipIf(!enabled)('voxwire/react in Chromium (Vite-built page under StrictMode, relay, mock, fake microphone)', () => {
  let example: BrowserExample;
  let browser: LaunchedBrowser;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'voxwire-react-'));
    example = await startBrowserExample({
      port: 0,
      apiKey: undefined,
      page: () => buildReactPage(join(repositoryRoot, 'test/browser/pages/react-page.html'), { mode: 'development' }),
    });
    example.mock!.setScenario(
      createScenario('react page')
        .turn((turn) => turn.hears(QUESTION).calls('get_weather', { location: 'Paris' }))
        .turn((turn) => turn.plays('reply-long'))
        .turn((turn) => turn.hears(QUESTION).plays('reply-weather'))
        .build(),
    );
    browser = await launchChromium({ fakeMicrophoneWav: fixturePath('question-48k.wav'), fakeMicrophoneLoop: true });
    await browser.page.addInitScript(TRACK_AUDIO);
    await browser.page.setViewportSize({ width: 860, height: 760 });
    await browser.page.goto(example.url);
    await browser.page.waitForSelector('#talk');
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await example?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const probe = (): Promise<ReactPageProbe> => browser.page.evaluate(() => window.__react);
  const failure = async (what: string, error: unknown): Promise<Error> =>
    new Error(`${what}: ${String(error)}\nprobe: ${JSON.stringify(await probe())}\ntranscript: ${JSON.stringify(await lines())}\n${browser.logs.join('\n')}`);
  const lines = (): Promise<string[]> =>
    browser.page.$$eval('#transcript li:not(.empty)', (items) => items.map((item) => `${item.className}${item.getAttribute('data-interrupted') === 'true' ? ' (interrupted)' : ''}: ${item.textContent}`));
  /** Lets one utterance of the looping microphone through (the page mutes again when it starts). */
  const speakOnce = async (): Promise<void> => {
    const before = (await probe()).utterances;
    await browser.page.click('#mute');
    await browser.page.waitForFunction((count) => window.__react.utterances > count, before, { timeout: 30_000 });
  };

  it('mounts twice under StrictMode and creates one client, opening nothing before Talk', async () => {
    const seen = await probe();
    expect(seen.effects).toBe(2);
    expect(seen.clients).toBe(1);
    expect(example.mock!.connections.length).toBe(0);
    expect(await browser.page.textContent('#status')).toBe('Press Talk and ask about the weather.');
  });

  it('holds a spoken turn: connect, the question, the tool call, the answer speaking, levels', async () => {
    const { page } = browser;
    // Muted first, so the question starts when the test says.
    await page.click('#mute');
    expect(await page.isChecked('#mute')).toBe(true);
    await page.click('#talk');
    await page.waitForSelector('#status[data-status="connected"]', { timeout: 30_000 });
    await speakOnce();
    try {
      await page.waitForSelector('#tools li[data-status="done"]', { timeout: 30_000 });
      await page.waitForFunction(() => window.__react.assistantSpoke, undefined, { timeout: 30_000 });
    } catch (error) {
      throw await failure('no answer', error);
    }
    // The screenshot while the assistant speaks: meters, the tool call, the streaming answer.
    await page.waitForFunction(() => Number(document.getElementById('output-meter')?.style.width.replace('%', '')) > 30, undefined, { timeout: 15_000 });
    const screenshot = process.env.UPDATE_SCREENSHOTS === '1' ? join(repositoryRoot, 'docs', 'react-example.png') : join(directory, 'react-example.png');
    await page.screenshot({ path: screenshot });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);

    expect((await lines())[0]).toBe(`user: ${QUESTION}`);
    // useDevices listed Chromium's fake microphones once the capture ran (labels need permission).
    await page.waitForFunction(() => [...document.querySelectorAll('#microphone option')].some((option) => (option as HTMLOptionElement).value !== '' && option.textContent !== 'microphone'), undefined, { timeout: 15_000 });
    const tool = await page.textContent('#tools li[data-status="done"]');
    expect(tool).toContain('get_weather({"location":"Paris"})');
    expect(tool).toContain('"celsius":18');
    const seen = await probe();
    expect(seen.userSpoke).toBe(true);
    expect(seen.inputPeakDb).toBeGreaterThan(-40);
    expect(seen.outputPeakDb).toBeGreaterThan(-40);
    expect(seen.statuses.slice(0, 3)).toEqual(['idle', 'connecting', 'connected']);
    // One client, one socket through the relay to the mock.
    expect(seen.clients).toBe(1);
    expect(example.mock!.connections.length).toBe(1);
  }, 120_000);

  it('lets the user barge in: the answer stops, is cut to what was heard, and the next one comes', async () => {
    const { page } = browser;
    await speakOnce();
    try {
      await page.waitForSelector('#transcript li.assistant[data-interrupted="true"]', { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll('#transcript li.assistant[data-final="true"]').length >= 2, undefined, { timeout: 30_000 });
    } catch (error) {
      throw await failure('no barge-in', error);
    }
    const truncates = example.mock!.filter('conversation.item.truncate');
    expect(truncates).toHaveLength(1);
    const transcript = await lines();
    expect(transcript).toHaveLength(4);
    expect(transcript[1]).toMatch(/^assistant \(interrupted\): Sure,.* —$/);
    expect(transcript[1]!.length).toBeLessThan('assistant (interrupted): '.length + "Sure, here's the forecast for the whole week. Monday and Tuesday stay dry and mild, with highs around eighteen degrees. On Wednesday a band of rain moves in from the west, so take an umbrella.".length);
    expect(transcript.slice(2)).toEqual([`user: ${QUESTION}`, "assistant: It's 18 degrees and sunny in Paris."]);
    await page.waitForSelector('#status[data-status="connected"]');
    expect(example.mock!.connections.length).toBe(1);
  }, 90_000);

  it('reconnects after a drop and keeps the transcript', async () => {
    const { page } = browser;
    const before = await lines();
    expect(example.mock!.dropConnections()).toBe(1);
    try {
      await page.waitForFunction(() => window.__react.statuses.includes('reconnecting'), undefined, { timeout: 20_000 });
      await page.waitForFunction(() => window.__react.statuses.at(-1) === 'connected', undefined, { timeout: 30_000 });
    } catch (error) {
      throw await failure('no reconnect', error);
    }
    expect(example.mock!.connections.length).toBe(2);
    expect(example.mock!.connections[1]!.open).toBe(true);
    expect(await lines()).toEqual(before);
    expect((await probe()).clients).toBe(1);
  }, 60_000);

  it('hangs up, and Talk starts a new session on the same client, transcript kept', async () => {
    const { page } = browser;
    const before = await lines();
    await page.click('#talk');
    await page.waitForSelector('#status[data-status="closed"]', { timeout: 20_000 });
    expect(await page.textContent('#status')).toBe('Press Talk to start again.');
    await expect.poll(() => example.mock!.openConnections, { timeout: 20_000 }).toBe(0);
    await page.click('#talk');
    try {
      await page.waitForSelector('#status[data-status="connected"]', { timeout: 30_000 });
    } catch (error) {
      throw await failure('no second session', error);
    }
    expect(example.mock!.connections.length).toBe(3);
    expect(example.mock!.openConnections).toBe(1);
    expect(await lines()).toEqual(before);
    expect((await probe()).clients).toBe(1);
  }, 60_000);

  it('unmounts mid-call: the socket closes, the microphone and the audio contexts are released, no errors', async () => {
    const { page } = browser;
    await page.click('#unmount');
    await page.waitForSelector('#unmounted');
    try {
      await expect.poll(() => example.mock!.openConnections, { timeout: 20_000 }).toBe(0);
      await page.waitForFunction(
        () => {
          const audio = (window as unknown as { __audio: { contexts: AudioContext[]; streams: MediaStream[] } }).__audio;
          return audio.contexts.length >= 2 && audio.contexts.every((context) => context.state === 'closed') && audio.streams.every((stream) => stream.getTracks().every((track) => track.readyState === 'ended'));
        },
        undefined,
        { timeout: 20_000 },
      );
    } catch (error) {
      throw await failure('not released', error);
    }
    expect(browser.logs.filter((line) => line.startsWith('[pageerror]') || line.startsWith('[error]'))).toEqual([]);
    expect((await probe()).clients).toBe(1);
  }, 60_000);
});
