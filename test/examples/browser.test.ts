/**
 * The browser example in real headless Chromium: the page, the relay and the mock server as
 * `npm run example:browser` starts them, and Chromium's fake microphone saying the question.
 * Set UPDATE_SCREENSHOTS=1 to refresh docs/browser-example.png.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoryRoot } from '../../scripts/build-worklets';
import { startBrowserExample } from '../../examples/browser/server';
import type { BrowserExample } from '../../examples/browser/server';
import { chromiumAvailable, fixturePath, launchChromium } from '../browser/harness';
import type { LaunchedBrowser } from '../browser/harness';

const enabled = chromiumAvailable();

/** Records every status and reconnecting text the page shows, from before the click. */
const WATCH_STATUS = `
  window.__seen = { status: [], reconnecting: [] };
  const note = (list, text) => { if (text && list[list.length - 1] !== text) list.push(text); };
  const status = document.getElementById('status');
  const reconnecting = document.getElementById('reconnecting');
  new MutationObserver(() => note(window.__seen.status, status.textContent)).observe(status, { childList: true, characterData: true, subtree: true });
  new MutationObserver(() => note(window.__seen.reconnecting, reconnecting.hidden ? '(hidden)' : reconnecting.textContent))
    .observe(reconnecting, { childList: true, characterData: true, subtree: true, attributes: true });
`;

interface Seen {
  status: string[];
  reconnecting: string[];
}

describe.skipIf(!enabled)('examples/browser in Chromium (page + relay + mock server, fake microphone)', () => {
  let example: BrowserExample;
  let browser: LaunchedBrowser;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'voxwire-browser-example-'));
    example = await startBrowserExample({ port: 0, apiKey: undefined });
    browser = await launchChromium({ fakeMicrophoneWav: fixturePath('question-48k.wav') });
    await browser.page.setViewportSize({ width: 860, height: 640 });
    await browser.page.goto(example.url);
    await browser.page.evaluate(WATCH_STATUS);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await example?.close();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  const seen = (): Promise<Seen> => browser.page.evaluate('window.__seen') as Promise<Seen>;

  it('holds the conversation: live transcript, the tool call as it runs, meters, status', async () => {
    const { page } = browser;
    await page.click('#talk');
    // The screenshot is taken while the assistant speaks: meters and the streaming answer show.
    const screenshot = process.env.UPDATE_SCREENSHOTS === '1' ? join(repositoryRoot, 'docs', 'browser-example.png') : join(directory, 'browser-example.png');
    await page.waitForFunction(() => Number(document.getElementById('output-meter')?.style.width.replace('%', '')) > 40, undefined, { timeout: 30_000 });
    await page.waitForTimeout(700);
    await page.screenshot({ path: screenshot });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
    try {
      await page.waitForSelector('#transcript li.assistant.final', { timeout: 30_000 });
    } catch (error) {
      throw new Error(`no answer in the page: ${String(error)}\nstatus: ${JSON.stringify(await seen())}\n${browser.logs.join('\n')}`);
    }
    expect(await page.$$eval('#transcript li', (items) => items.map((item) => `${item.className}: ${item.textContent}`))).toEqual([
      "user final: What's the weather like in Paris today?",
      "assistant final: It's 18 degrees and sunny in Paris.",
    ]);
    const tool = await page.textContent('#tools li[data-state="done"]');
    expect(tool).toContain('get_weather({"location":"Paris"})');
    expect(tool).toContain('"celsius":18');
    expect(await page.textContent('#talk')).toBe('Hang up');

    // The meters moved: speech at about -20 dBFS fills about two thirds of the bar.
    expect(Number(await page.getAttribute('#input-meter', 'data-peak'))).toBeGreaterThan(40);
    await page.waitForFunction(() => Number(document.getElementById('output-meter')?.dataset.peak) > 40, undefined, { timeout: 10_000 });

    // Back to listening once the answer has played.
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Listening', undefined, { timeout: 15_000 });
    const { status } = await seen();
    const order = ['Connecting…', 'Listening', 'Listening: hearing you', 'Thinking…', 'Calling get_weather…', 'Speaking', 'Listening'];
    let from = 0;
    for (const text of order) {
      const at = status.indexOf(text, from);
      expect(at, `"${text}" after position ${from} in ${JSON.stringify(status)}`).toBeGreaterThanOrEqual(0);
      from = at + 1;
    }
    expect(browser.logs.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);

  }, 60_000);

  it('shows the reconnecting indicator when the connection drops, and recovers', async () => {
    const { page } = browser;
    expect(example.mock!.dropConnections()).toBe(1);
    await page.waitForFunction(() => document.getElementById('reconnecting')?.hidden === false, undefined, { timeout: 10_000 });
    expect(await page.textContent('#reconnecting')).toMatch(/^Connection lost \(code \d+\) · attempt 1 in \d+\.\d s$/);
    await page.waitForFunction(() => document.getElementById('reconnecting')?.hidden === true, undefined, { timeout: 20_000 });
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Listening', undefined, { timeout: 10_000 });
    expect((await seen()).status).toContain('Reconnecting…');
    // The page went through the relay to a second upstream session.
    expect(example.mock!.connections.length).toBe(2);
    expect(example.mock!.connections[1]!.open).toBe(true);
  }, 40_000);

  it('hangs up', async () => {
    const { page } = browser;
    await page.click('#talk');
    await page.waitForFunction(() => document.getElementById('talk')?.textContent === 'Talk', undefined, { timeout: 5000 });
    expect(await page.textContent('#status')).toBe('Press Talk to start again.');
  });
});

describe.skipIf(!enabled)("examples/browser with Chromium's default fake microphone (a beep, no file): push-to-talk answers the first turn", () => {
  let example: BrowserExample;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    example = await startBrowserExample({ port: 0, apiKey: undefined, audioPace: 'instant' });
    // No fakeMicrophoneWav: the browser's own fake device, whose periodic beep is what a user
    // without a real microphone (or a CI machine) gets.
    browser = await launchChromium({});
    await browser.page.goto(example.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await example?.close();
  });

  it('holds the button while the beep plays, sends the turn on release, and the assistant answers', async () => {
    const { page } = browser;
    expect(await page.isDisabled('#hold')).toBe(true);
    await page.click('#talk');
    await page.waitForFunction(() => document.getElementById('talk')?.textContent === 'Hang up', undefined, { timeout: 20_000 });
    expect(await page.isDisabled('#hold')).toBe(false);
    const box = (await page.locator('#hold').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    // The session switched to manual turns, then the buffer is cleared for this turn.
    await expect.poll(() => example.mock!.filter('input_audio_buffer.clear', { direction: 'received' }).length, { timeout: 10_000 }).toBe(1);
    const update = example.mock!.filter('session.update', { direction: 'received' }).at(-1)!;
    expect(update.event).toMatchObject({ session: { audio: { input: { turn_detection: null } } } });
    // Hold until the capture has streamed well over the 100 ms a commit needs.
    const appendsAtClear = example.mock!.filter('input_audio_buffer.append', { direction: 'received' }).length;
    await expect.poll(() => example.mock!.filter('input_audio_buffer.append', { direction: 'received' }).length - appendsAtClear, { timeout: 15_000 }).toBeGreaterThanOrEqual(30);
    await page.mouse.up();
    await expect.poll(() => example.mock!.filter('input_audio_buffer.commit', { direction: 'received' }).length, { timeout: 10_000 }).toBe(1);
    try {
      await page.waitForSelector('#transcript li.assistant.final', { timeout: 30_000 });
    } catch (error) {
      throw new Error(`no answer in the page: ${String(error)}\n${browser.logs.join('\n')}`);
    }
    const commit = example.mock!.filter('input_audio_buffer.commit', { direction: 'received' })[0]!;
    const creates = example.mock!.filter('response.create', { direction: 'received' });
    expect(creates.some((create) => create.at >= commit.at)).toBe(true);
    // The tool call and the spoken answer of the scripted weather turn.
    expect(await page.textContent('#tools li[data-state="done"]')).toContain('get_weather');
    expect(browser.logs.filter((line) => line.startsWith('[pageerror]'))).toEqual([]);
  }, 90_000);
});
