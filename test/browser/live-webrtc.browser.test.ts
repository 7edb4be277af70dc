/**
 * GPT-Live over WebRTC in real Chromium (issue 14): `LiveClient` + `WebRTCTransport` with
 * `liveProtocol` in the page posts its offer to an app server running `createLiveSessionHandler`
 * (the server's key and locked config, the data channel's permissions), which creates the
 * session on `MockLiveServer` (a werift peer: Opus both ways, events on `oai-events`). Chromium's
 * fake microphone asks the question; the mock delegates to the Responses backend, whose
 * function call runs in the page through `defineTool` and is answered with
 * `response.item.create` + one `response.create`; the spoken answer plays through an
 * `AudioPlayer` whose output is recorded; then the user speaks over it, the mock yields and
 * the rendering stops.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { DEFAULT_LIVE_BROWSER_CLIENT_EVENTS, createLiveSessionHandler } from '../../src/server/http/live-session';
import type { LiveWebRTCSession } from '../../src/server/http/live-session';
import { MockLiveServer } from '../../src/testing/mock/live-server';
import { createScenario } from '../../src/testing/script/scenario';
import { chromiumAvailable, fixturePath, launchChromium, serveAudioPage, startTestServer, type LaunchedBrowser, type TestServer } from './harness';
import type { LivePageSnapshot, RenderedAudio } from './pages/live-page';
import { TAP_SOURCE } from './pages/tap-worklet';
import { SERVER_KEY, USER_TOKEN, pageDriver, startAppServer } from './webrtc-harness';
import { until } from '../helpers/index';

const enabled = chromiumAvailable();

const QUESTION = "What's the weather like in Paris today?";
const ANSWER = 'Sure, here is the forecast for Paris: sunny all week, eighteen degrees on Monday, nineteen on Tuesday, and a light breeze along the river every afternoon.';
const AFTER_BARGE_IN = 'Berlin is cloudy.';
/** A 10 ms window whose peak is above this is sound (the reply speaks at about -20 dBFS). */
const SOUND = 0.01;
/** Silence this long separates two stretches of speech (the reply's own pauses are ≤ 340 ms). */
const GAP_WINDOWS = 60;

/** Stretches of sound in the rendered output, in 10 ms windows: [first, last] sounding window. */
function stretches(audio: RenderedAudio): Array<{ from: number; to: number }> {
  const found: Array<{ from: number; to: number }> = [];
  let quiet = Infinity;
  audio.peaks.forEach((peak, index) => {
    if (peak < SOUND) {
      quiet += 1;
      return;
    }
    if (quiet >= GAP_WINDOWS || found.length === 0) found.push({ from: index, to: index });
    else found[found.length - 1]!.to = index;
    quiet = 0;
  });
  return found;
}

describe.skipIf(!enabled)('LiveClient over WebRTC in Chromium (createLiveSessionHandler → MockLiveServer)', () => {
  const closers: Array<() => Promise<unknown>> = [];
  const sessions: LiveWebRTCSession[] = [];
  let mock: MockLiveServer;
  let pages: TestServer;
  let app: Awaited<ReturnType<typeof startAppServer>>;
  let browser: LaunchedBrowser;

  const { call, until: untilPage } = pageDriver<LivePageSnapshot>(() => browser);
  const read = () => call<LivePageSnapshot>('read');

  beforeAll(async () => {
    mock = new MockLiveServer({
      apiKey: SERVER_KEY,
      scenario: createScenario('live-webrtc')
        .turn((t) => t.hears(QUESTION).calls('get_weather', { location: 'Paris' }, { callId: 'call_paris' }))
        .turn((t) => t.plays('reply-long', ANSWER))
        .turn((t) => t.hears('Wait, sorry, stop. What about Berlin instead?').plays('reply-weather', AFTER_BARGE_IN))
        .build(),
    });
    const { apiBaseUrl } = await mock.start();
    closers.push(() => mock.stop());
    pages = await startTestServer();
    closers.push(() => pages.close());
    await serveAudioPage(pages, 'test/browser/pages/live-page.ts');
    pages.serve('/tap.js', { type: 'text/javascript', body: TAP_SOURCE });
    pages.serve('/interruption.wav', { type: 'audio/wav', body: readFileSync(fixturePath('interruption.wav')) });
    const handler = createLiveSessionHandler({
      apiKey: SERVER_KEY,
      baseUrl: apiBaseUrl,
      authenticate: (request) => (request.headers.get('authorization') === `Bearer ${USER_TOKEN}` ? { userId: 'user-1' } : null),
      origins: [pages.origin],
      session: {
        model: 'gpt-live-1',
        instructions: 'You are the weather line.',
        delegation: {
          type: 'responses',
          responses: {
            model: 'gpt-5.2',
            tools: [{ type: 'function', name: 'get_weather', description: 'Current weather for a city.', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }],
          },
        },
      },
      // The page runs the function tool: it may answer the delegation, nothing more.
      allowedClientEvents: [...DEFAULT_LIVE_BROWSER_CLIENT_EVENTS, 'response.item.create', 'response.create'],
      onSession: (session) => {
        sessions.push(session);
      },
      logger: silentLogger,
    });
    app = await startAppServer({ '/api/live/session': handler });
    closers.push(() => app.close());
    browser = await launchChromium({ fakeMicrophoneWav: fixturePath('question-48k.wav') });
    closers.push(() => browser.close());
    await browser.context.grantPermissions(['microphone'], { origin: pages.origin });
    await browser.page.goto(`${pages.origin}/`);
    await browser.page.waitForFunction(() => document.title === 'ready');
    await call('start', { sdpUrl: `${app.origin}/api/live/session`, userToken: USER_TOKEN });
  }, 60_000);

  afterAll(async () => {
    if (browser) await call('stop').catch(() => undefined);
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  it("creates the session through the app server with the server's key and config: no session.start, permissions announced", async () => {
    const snapshot = await read();
    expect(snapshot.state.status).toBe('connected');
    expect(snapshot.errors).toEqual([]);
    expect(app.requests).toContain('POST /api/live/session');
    const [connection] = mock.connections;
    expect(connection).toMatchObject({ kind: 'webrtc', apiKey: SERVER_KEY });
    expect(sessions.map((session) => session.sessionId)).toEqual([connection!.sessionId]);
    expect(snapshot.sessionId).toBe(connection!.sessionId);
    const session = mock.session(0)!;
    expect(session.config).toMatchObject({ model: 'gpt-live-1', instructions: 'You are the weather line.', client: { data_channel: { allowed_client_events: expect.arrayContaining(['response.create']) } } });
    expect(snapshot.eventTypes.slice(0, 2)).toEqual(expect.arrayContaining(['session.started']));
    expect(snapshot.eventTypes).toContain('info');
    expect(mock.log.entries.filter((entry) => entry.direction === 'received' && entry.event.type === 'session.start')).toEqual([]);
  });

  it('hears the fake microphone, delegates, and the page runs the tool: one response.item.create, then one response.create', async () => {
    const snapshot = await untilPage((s) => s.toolResults.length > 0, 'the tool result', 30_000);
    expect(snapshot.toolCalls).toEqual([{ name: 'get_weather', args: { location: 'Paris' } }]);
    expect(snapshot.toolResults).toEqual([{ name: 'get_weather', output: '{"location":"Paris","sky":"sunny","celsius":18}' }]);
    // The mock's energy VAD heard the question over Opus RTP: its transcript is on the timeline.
    const session = mock.session(0)!;
    expect(session.timelineMs).toBeGreaterThan(500);
    const heard = mock.log.entries.filter((entry) => entry.direction === 'sent' && entry.event.type === 'session.input_transcript.delta').map((entry) => entry.event.delta as string);
    expect(heard.join('')).toBe(QUESTION);
    await until(() => session.functionOutputs.has('call_paris'), 'the function output at the mock', { timeoutMs: 15_000 });
    expect(session.functionOutputs.get('call_paris')).toBe('{"location":"Paris","sky":"sunny","celsius":18}');
    const received = mock.log.entries.filter((entry) => entry.direction === 'received').map((entry) => entry.event.type);
    expect(received.filter((type) => type === 'response.item.create')).toHaveLength(1);
    expect(received.filter((type) => type === 'response.create')).toHaveLength(1);
    expect(received.indexOf('response.item.create')).toBeLessThan(received.indexOf('response.create'));
    expect(mock.log.entries.filter((entry) => entry.direction === 'sent' && entry.event.type === 'error')).toEqual([]);
  }, 90_000);

  it('plays the answer, then the user barges in: the mock yields and the rendered answer stops, cut short', async () => {
    // The answer is being rendered by the player.
    await until(
      async () => stretches(await call<RenderedAudio>('rendered')).some((stretch) => stretch.to - stretch.from >= 50),
      'half a second of the answer rendered',
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    await call('bargeIn');
    // The mock heard the interruption and answered it: the scenario's third turn.
    const snapshot = await untilPage((s) => s.turns.some((turn) => turn.speaker === 'assistant' && turn.text === AFTER_BARGE_IN), 'the answer after the barge-in', 40_000);
    const sentAnswer = mock.log.entries
      .filter((entry) => entry.direction === 'sent' && entry.event.type === 'session.output_transcript.delta')
      .map((entry) => entry.event as unknown as { delta: string; start_ms: number; end_ms: number });
    const interruption = mock.log.entries
      .filter((entry) => entry.direction === 'sent' && entry.event.type === 'session.input_transcript.delta')
      .map((entry) => entry.event as unknown as { start_ms: number; end_ms: number })
      .at(-1)!;
    // The answer's fragments are the ones before the interruption ended (the next reply comes after).
    const answerFragments = sentAnswer.filter((fragment) => fragment.start_ms < interruption.end_ms);
    const spoken = answerFragments.map((fragment) => fragment.delta).join('');
    // The mock yielded: it never said the whole answer.
    expect(spoken.length).toBeGreaterThan(0);
    expect(spoken.length).toBeLessThan(ANSWER.length);
    const sentMs = answerFragments.at(-1)!.end_ms - answerFragments[0]!.start_ms;

    // What the player rendered: the answer's stretch, silence while the user spoke, the short reply.
    const audio = await call<RenderedAudio>('rendered');
    const found = stretches(audio);
    const answer = found.find((stretch) => stretch.to - stretch.from >= 50)!;
    const renderedMs = (answer.to - answer.from + 1) * audio.windowMs;
    const after = found.slice(found.indexOf(answer) + 1);
    process.stdout.write(`[live-webrtc] answer rendered ${renderedMs} ms of ${sentMs} ms sent (whole clip 11310 ms); stretches after: ${JSON.stringify(after.map((s) => (s.to - s.from + 1) * 10))} ms\n`);
    // No more of the answer was rendered than the mock wrote before it yielded (its fragments run
    // ahead of the audio, so `sentMs` is an upper bound), plus the tail of the stream: up to
    // ~120 ms the mock had queued, and the receiver's loss concealment fading out over a few
    // hundred ms when the packets stop.
    expect(renderedMs).toBeLessThanOrEqual(sentMs + 800);
    expect(renderedMs).toBeLessThan(11_000);
    // The rendering stopped: a silent gap (the user talking) before the next reply.
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after[0]!.from - answer.to).toBeGreaterThanOrEqual(GAP_WINDOWS);

    // The transcript grouped the fragments into turns: question, answer (cut), interruption, reply.
    const turns = snapshot.turns.map((turn) => ({ speaker: turn.speaker, text: turn.text }));
    expect(turns[0]).toEqual({ speaker: 'user', text: QUESTION });
    const cut = turns.find((turn) => turn.speaker === 'assistant' && ANSWER.startsWith(turn.text.slice(0, 20)))!;
    expect(cut.text).toBe(spoken);
    expect(turns.filter((turn) => turn.speaker === 'user').map((turn) => turn.text)).toEqual([QUESTION, 'Wait, sorry, stop. What about Berlin instead?']);
    expect(turns.at(-1)).toEqual({ speaker: 'assistant', text: AFTER_BARGE_IN });
    expect(snapshot.errors).toEqual([]);
  }, 120_000);

  it('closes: session.close on the data channel (allowed), session.closed with the usage', async () => {
    await call('close');
    const snapshot = await read();
    expect(snapshot.states.at(-1)).toBe('closed');
    expect(snapshot.eventTypes.at(-1)).toBe('session.closed');
    expect(snapshot.endedTurns.every((turn) => turn.endReason !== undefined)).toBe(true);
    expect(snapshot.errors).toEqual([]);
  });
});
