/**
 * Translation over WebRTC in real Chromium: `TranslationClient` + `WebRTCTransport` with the
 * translation protocol in the page, and the mock's `/v1/realtime/translations/calls` answering
 * with a Node peer. The page gets there with a translation key from
 * `createTranslationClientSecretHandler` on an app server, or posts its offer to the app
 * server's `createTranslationSdpHandler` (server key, the relay's policy and budget charged up
 * front). The fake microphone speaks the question clip in a loop; the mock "translates" it frame by frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { MemoryBudgetStore } from '../../src/server/stores/memory-budget-store';
import { RelayCore } from '../../src/server/core/relay-core';
import { createTranslationClientSecretHandler } from '../../src/server/http/translation-client-secret';
import { createTranslationSdpHandler } from '../../src/server/http/translation-sdp';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { DEFAULT_MOCK_TRANSLATION } from '../../src/testing/mock/translation-session';
import { chromiumAvailable, fixturePath, launchChromium, serveAudioPage, startTestServer, type LaunchedBrowser } from './harness';
import type { TranslationPageConfig, TranslationPageSnapshot } from './pages/translation-page';
import { SERVER_KEY, USER_TOKEN, pageDriver, startAppServer } from './webrtc-harness';

const enabled = chromiumAvailable();

/** `window.vx.<name>(...)` in the page, and polling its snapshot (bounded). */
const driver = (browser: () => LaunchedBrowser) => pageDriver<TranslationPageSnapshot>(browser);

/**
 * The mock, the page server, the app server with the routes `routes` builds, and Chromium with
 * the question clip looping as its microphone, on the page. Every closer goes into `closers`.
 */
async function startRig(
  closers: Array<() => Promise<unknown>>,
  routes: (context: { apiBaseUrl: string; pageOrigin: string }) => Record<string, (request: Request) => Promise<Response>>,
): Promise<{ mock: MockRealtimeServer; apiBaseUrl: string; app: Awaited<ReturnType<typeof startAppServer>>; browser: LaunchedBrowser }> {
  const mock = new MockRealtimeServer({ auth: { apiKey: SERVER_KEY } });
  const { apiBaseUrl } = await mock.start();
  closers.push(() => mock.stop());
  const pages = await startTestServer();
  closers.push(() => pages.close());
  await serveAudioPage(pages, 'test/browser/pages/translation-page.ts');
  const app = await startAppServer(routes({ apiBaseUrl, pageOrigin: pages.origin }));
  closers.push(() => app.close());
  // Looped: the call's media starts after ICE and DTLS, which on a loaded machine can outlast
  // one play of the clip; a translation session hears a speaker who keeps talking anyway.
  const browser = await launchChromium({ fakeMicrophoneWav: fixturePath('question-48k.wav'), fakeMicrophoneLoop: true });
  closers.push(() => browser.close());
  await browser.context.grantPermissions(['microphone'], { origin: pages.origin });
  await browser.page.goto(`${pages.origin}/`);
  await browser.page.waitForFunction(() => document.title === 'ready');
  return { mock, apiBaseUrl, app, browser };
}

describe.skipIf(!enabled)('TranslationClient over WebRTC (Chromium ↔ mock translation call)', () => {
  const closers: Array<() => Promise<unknown>> = [];
  let mock: MockRealtimeServer;
  let browser: LaunchedBrowser;
  let config: TranslationPageConfig;
  const { call, until } = driver(() => browser);

  beforeAll(async () => {
    const rig = await startRig(closers, ({ apiBaseUrl: base, pageOrigin }) => ({
      '/api/translation/key': createTranslationClientSecretHandler({
        apiKey: SERVER_KEY,
        baseUrl: base,
        authenticate: (request) => (request.headers.get('authorization') === `Bearer ${USER_TOKEN}` ? { userId: 'user-1' } : null),
        origins: [pageOrigin],
        languages: ['es', 'fr'],
        session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } } } },
        logger: silentLogger,
      }),
    }));
    ({ mock, browser } = rig);
    config = { keyUrl: `${rig.app.origin}/api/translation/key`, callsUrl: `${rig.apiBaseUrl}/realtime/translations/calls`, language: 'fr' };
    await call('start', config);
  }, 60_000);

  afterAll(async () => {
    await call('stop').catch(() => undefined);
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  it('opens a translation call with the key the handler minted: the session carries its language', async () => {
    const snapshot = await call<TranslationPageSnapshot>('read');
    expect(snapshot.state.status).toBe('connected');
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.language).toBe('fr');
    const connection = mock.connections[0]!;
    expect(connection).toMatchObject({ kind: 'webrtc', url: '/v1/realtime/translations/calls', model: 'gpt-realtime-translate' });
    expect(connection.apiKey).toMatch(/^ek_/);
    const [webrtcCall] = mock.webrtc.calls;
    expect(webrtcCall?.callId).toBe(connection.callId);
    expect(webrtcCall?.translationSession?.session.type).toBe('translation');
    expect(webrtcCall?.session).toBeUndefined();
  });

  it('hears the microphone over Opus RTP and sends source and translated transcripts on the data channel', async () => {
    const snapshot = await until((s) => s.translated === DEFAULT_MOCK_TRANSLATION.translatedTranscript, 'the whole translated transcript');
    expect(snapshot.source.length).toBeGreaterThan(0);
    expect(DEFAULT_MOCK_TRANSLATION.sourceTranscript.startsWith(snapshot.source)).toBe(true);
    expect(snapshot.eventTypes).not.toContain('session.output_audio.delta');
    // Six words of translation need six 200 ms frames of speech, which came as Opus from the microphone.
    expect(mock.translationSession(0)!.inputMs).toBeGreaterThanOrEqual(1200);
  });

  it('plays the translation on the remote track: an AnalyserNode hears it', async () => {
    const heard = await call<{ peak: number }>('listen', 1500);
    process.stdout.write(`[translation-webrtc] remote audio peak ${heard.peak.toFixed(3)}\n`);
    expect(heard.peak).toBeGreaterThan(0.05);
  });

  it('changes the language over the data channel, then finish() flushes and ends the call', async () => {
    expect(await call<string>('setLanguage', 'es')).toBe('es');
    await call('finish');
    const snapshot = await call<TranslationPageSnapshot>('read');
    expect(snapshot.translated).toBe(DEFAULT_MOCK_TRANSLATION.translatedTranscript);
    expect(snapshot.source).toBe(DEFAULT_MOCK_TRANSLATION.sourceTranscript);
    expect(snapshot.states.slice(-1)).toEqual(['closed']);
    expect(snapshot.eventTypes.at(-1)).toBe('session.closed');
    expect(mock.received.filter((entry) => entry.event.type === 'session.close')).toHaveLength(1);
    expect(mock.received.every((entry) => entry.valid)).toBe(true);
  });
});

describe.skipIf(!enabled)('TranslationClient over WebRTC through createTranslationSdpHandler (Chromium → app server → mock)', () => {
  const closers: Array<() => Promise<unknown>> = [];
  const store = new MemoryBudgetStore();
  const day = new Date().toISOString().slice(0, 10);
  let mock: MockRealtimeServer;
  let browser: LaunchedBrowser;
  let app: Awaited<ReturnType<typeof startAppServer>>;
  let config: TranslationPageConfig;
  const { call, until } = driver(() => browser);

  beforeAll(async () => {
    ({ mock, app, browser } = await startRig(closers, ({ apiBaseUrl, pageOrigin }) => {
      // The relay that serves translation over WebSocket is the policy point for WebRTC calls too.
      const relay = new RelayCore({
        model: 'gpt-realtime-translate',
        translation: { session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } }, output: { language: 'fr' } } } },
        authenticate: (request) => (request.headers.get('authorization') === `Bearer ${USER_TOKEN}` ? { userId: 'user-1' } : null),
        origins: [pageOrigin],
        // 120 s per call, 200 s a day: room for one call, not two.
        limits: { maxDurationMs: 120_000 },
        budget: { store, dailyLimit: 200 },
        logger: silentLogger,
      });
      return { '/api/translation/sdp': createTranslationSdpHandler({ apiKey: SERVER_KEY, relay, baseUrl: apiBaseUrl, logger: silentLogger }) };
    }));
    config = { callsUrl: `${app.origin}/api/translation/sdp`, language: 'fr' };
    await call('start', config);
  }, 60_000);

  afterAll(async () => {
    await call('stop').catch(() => undefined);
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  });

  it("posts the offer to the app server, which makes the call with the server key and the relay's locked session", async () => {
    const snapshot = await call<TranslationPageSnapshot>('read');
    expect(snapshot.state.status).toBe('connected');
    expect(snapshot.errors).toEqual([]);
    expect(snapshot.language).toBe('fr');
    expect(app.requests).toContain('POST /api/translation/sdp');
    const connection = mock.connections[0]!;
    expect(connection).toMatchObject({ kind: 'webrtc', url: '/v1/realtime/translations/calls', model: 'gpt-realtime-translate', apiKey: SERVER_KEY });
    const [webrtcCall] = mock.webrtc.calls;
    expect(webrtcCall?.translationSession?.session).toMatchObject({ audio: { input: { transcription: { model: 'gpt-realtime-whisper' } }, output: { language: 'fr' } } });
  });

  it("charges the call's time limit to the user's budget up front and holds a concurrency slot", async () => {
    expect(await store.charge(`budget:user-1:${day}`, 0, 60_000)).toBe(120);
    expect(await store.countSlots('user-1')).toBe(1);
  });

  it('runs the exchange: transcripts on the data channel, translated audio on the remote track', async () => {
    const snapshot = await until((s) => s.translated === DEFAULT_MOCK_TRANSLATION.translatedTranscript, 'the whole translated transcript');
    expect(DEFAULT_MOCK_TRANSLATION.sourceTranscript.startsWith(snapshot.source)).toBe(true);
    expect(snapshot.source.length).toBeGreaterThan(0);
    expect(mock.translationSession(0)!.inputMs).toBeGreaterThanOrEqual(1200);
    const heard = await call<{ peak: number }>('listen', 1500);
    expect(heard.peak).toBeGreaterThan(0.05);
    await call('finish');
    expect((await call<TranslationPageSnapshot>('read')).states.slice(-1)).toEqual(['closed']);
  });

  it('refuses a second call by the same user: no room in the budget for its time limit (402 VOXWIRE_BUDGET_EXHAUSTED)', async () => {
    await expect(call('start', config)).rejects.toThrow(/VOXWIRE_BUDGET_EXHAUSTED: .*HTTP 402.*time limit of 120 audio seconds/);
    expect(app.requests.filter((request) => request === 'POST /api/translation/sdp')).toHaveLength(2);
    // Nothing reached the API, nothing more was charged.
    expect(mock.connections.filter((connection) => connection.kind === 'webrtc')).toHaveLength(1);
    expect(await store.charge(`budget:user-1:${day}`, 0, 60_000)).toBe(120);
  });
});
