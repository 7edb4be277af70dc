/**
 * Translation over WebRTC in real Chromium: `TranslationClient` + `WebRTCTransport` with the
 * translation protocol in the page, a translation key from `createTranslationClientSecretHandler`
 * on an app server, and the mock's `/v1/realtime/translations/calls` answering with a Node peer.
 * The fake microphone speaks the question clip; the mock "translates" it frame by frame.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger';
import { createTranslationClientSecretHandler } from '../../src/server/translation-client-secret';
import { MockRealtimeServer } from '../../src/testing/mock-server';
import { DEFAULT_MOCK_TRANSLATION } from '../../src/testing/mock-translation-session';
import { chromiumAvailable, fixturePath, launchChromium, serveAudioPage, startTestServer, type LaunchedBrowser } from './harness';
import type { TranslationPageConfig, TranslationPageSnapshot } from './pages/translation-page';
import { SERVER_KEY, USER_TOKEN, startAppServer } from './webrtc-harness';

const enabled = chromiumAvailable();

describe.skipIf(!enabled)('TranslationClient over WebRTC (Chromium ↔ mock translation call)', () => {
  const closers: Array<() => Promise<unknown>> = [];
  let mock: MockRealtimeServer;
  let browser: LaunchedBrowser;
  let config: TranslationPageConfig;
  const call = async <T>(name: string, ...args: unknown[]): Promise<T> => {
    try {
      return (await browser.page.evaluate(({ name: fn, args: list }) => (window as unknown as { vx: Record<string, (...a: unknown[]) => unknown> }).vx[fn]!(...list), { name, args })) as T;
    } catch (error) {
      throw new Error(`page vx.${name} failed: ${error instanceof Error ? error.message : String(error)}\n${browser.logs.slice(-30).join('\n')}`);
    }
  };
  const until = async (predicate: (snapshot: TranslationPageSnapshot) => boolean, what: string, timeoutMs = 20_000): Promise<TranslationPageSnapshot> => {
    const deadline = Date.now() + timeoutMs;
    let last = await call<TranslationPageSnapshot>('read');
    while (!predicate(last)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}\n${browser.logs.slice(-20).join('\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await call<TranslationPageSnapshot>('read');
    }
    return last;
  };

  beforeAll(async () => {
    mock = new MockRealtimeServer({ auth: { apiKey: SERVER_KEY } });
    const address = await mock.start();
    closers.push(() => mock.stop());
    const pages = await startTestServer();
    closers.push(() => pages.close());
    await serveAudioPage(pages, 'test/browser/pages/translation-page.ts');
    const key = createTranslationClientSecretHandler({
      apiKey: SERVER_KEY,
      baseUrl: address.apiBaseUrl,
      authenticate: (request) => (request.headers.get('authorization') === `Bearer ${USER_TOKEN}` ? { userId: 'user-1' } : null),
      origins: [pages.origin],
      languages: ['es', 'fr'],
      session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } } } },
      logger: silentLogger,
    });
    const app = await startAppServer({ '/api/translation/key': key });
    closers.push(() => app.close());
    browser = await launchChromium({ fakeMicrophoneWav: fixturePath('question-48k.wav') });
    closers.push(() => browser.close());
    await browser.context.grantPermissions(['microphone'], { origin: pages.origin });
    await browser.page.goto(`${pages.origin}/`);
    await browser.page.waitForFunction(() => document.title === 'ready');
    config = { keyUrl: `${app.origin}/api/translation/key`, callsUrl: `${address.apiBaseUrl}/realtime/translations/calls`, language: 'fr' };
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
