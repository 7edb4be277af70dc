/**
 * `createTranslationSdpHandler` against the mock's `/v1/realtime/translations/calls`: a werift
 * peer's real offer is forwarded as multipart (`sdp` + `session`) with the server's key and the
 * relay's locked translation settings; the user's budget is charged the time limit up front
 * (the API offers no sideband for translation calls) and holds a concurrency slot; a call the
 * budget has no room for is refused with 402 `VOXWIRE_BUDGET_EXHAUSTED`, before the API is asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { MemoryBudgetStore } from '../../src/server/stores/memory-budget-store';
import { RelayCore } from '../../src/server/core/relay-core';
import { createTranslationSdpHandler } from '../../src/server/http/translation-sdp';
import type { TranslationSdpCall } from '../../src/server/http/translation-sdp';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { gatheredOffer } from '../helpers/werift-peer';

const SERVER_KEY = 'sk-test-translation-sdp';
const origin = 'https://app.example';

interface Forwarded {
  url: string;
  auth: string | null;
  sdp: string;
  session: Record<string, unknown>;
}

const realOffer = gatheredOffer;

describe('createTranslationSdpHandler (Node ↔ mock translations/calls)', () => {
  let mock: MockRealtimeServer;
  let base: string;
  const store = new MemoryBudgetStore();
  const forwarded: Forwarded[] = [];
  const calls: TranslationSdpCall[] = [];
  const closers: Array<() => Promise<void>> = [];
  let handle: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    mock = new MockRealtimeServer({ auth: { apiKey: SERVER_KEY } });
    base = (await mock.start()).apiBaseUrl;
    const relay = new RelayCore({
      model: 'gpt-realtime-translate',
      translation: { session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } } } } },
      authenticate: (request) => (request.headers.get('authorization') === 'Bearer user-token' ? { userId: 'u1' } : null),
      origins: [origin],
      // 120 s a day, 90 s per call: room for one call, not two.
      limits: { maxDurationMs: 90_000, maxSessionsPerUser: 2 },
      budget: { store, dailyLimit: 120 },
      logger: silentLogger,
    });
    const recordingFetch = (async (url: string, init: RequestInit) => {
      const form = init.body as FormData;
      forwarded.push({ url, auth: new Headers(init.headers).get('authorization'), sdp: String(form.get('sdp')), session: JSON.parse(String(form.get('session'))) as Record<string, unknown> });
      return fetch(url, init);
    }) as typeof fetch;
    handle = createTranslationSdpHandler({
      apiKey: SERVER_KEY,
      relay,
      baseUrl: base,
      fetch: recordingFetch,
      languages: ['es', 'fr'],
      logger: silentLogger,
      onCall: (call) => void calls.push(call),
    });
  });

  afterAll(async () => {
    for (const close of closers.splice(0)) await close().catch(() => undefined);
    await mock.stop();
  });

  const post = (sdp: string, language?: string) => {
    const headers = { authorization: 'Bearer user-token', origin };
    if (language === undefined) return handle(new Request(`${origin}/api/translation/sdp`, { method: 'POST', headers: { ...headers, 'content-type': 'application/sdp' }, body: sdp }));
    const form = new FormData();
    form.set('sdp', sdp);
    form.set('session', JSON.stringify({ model: 'gpt-realtime-2.1', audio: { output: { language } } }));
    return handle(new Request(`${origin}/api/translation/sdp`, { method: 'POST', headers, body: form }));
  };

  it('forwards the offer with the server key and the locked session; charges the time limit; holds a slot', async () => {
    const offer = await realOffer();
    closers.push(offer.close);
    const response = await post(offer.sdp, 'fr');
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    const answer = await response.text();
    expect(answer).toMatch(/^v=0/);
    const callId = response.headers.get('location')!.split('/').pop()!;
    expect(callId).toMatch(/^rtc_/);

    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]).toEqual({
      url: `${base}/realtime/translations/calls`,
      auth: `Bearer ${SERVER_KEY}`,
      sdp: offer.sdp,
      // The relay's model (not the browser's), its locked transcription, the browser's language.
      session: { model: 'gpt-realtime-translate', audio: { input: { transcription: { model: 'gpt-realtime-whisper' } }, output: { language: 'fr' } } },
    });
    // The peer connects: the mock holds a translation session with the server key and those settings.
    await offer.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    await expect.poll(() => mock.webrtc.calls.find((entry) => entry.callId === callId)?.translationSession, { timeout: 15_000 }).toBeDefined();
    const session = mock.webrtc.calls.find((entry) => entry.callId === callId)!.translationSession!.session;
    expect(session).toMatchObject({ type: 'translation', model: 'gpt-realtime-translate', audio: { input: { transcription: { model: 'gpt-realtime-whisper' } }, output: { language: 'fr' } } });
    expect(mock.connections.find((entry) => entry.callId === callId)).toMatchObject({ kind: 'webrtc', url: '/v1/realtime/translations/calls', apiKey: SERVER_KEY });

    expect(calls).toMatchObject([{ callId, identity: { userId: 'u1' }, chargedSeconds: 90 }]);
    const day = new Date().toISOString().slice(0, 10);
    expect(await store.charge(`budget:u1:${day}`, 0, 60_000)).toBe(90);
    // The slot outlives the relay's 30 s slot TTL: held for the call's time limit.
    expect(await store.countSlots('u1')).toBe(1);
  });

  it('refuses a language outside the allowlist (403) without charging or calling the API', async () => {
    const offer = await realOffer();
    closers.push(offer.close);
    const response = await post(offer.sdp, 'de');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'VOXWIRE_POLICY_VIOLATION', param: 'session.audio.output.language' });
    expect(forwarded).toHaveLength(1);
    expect(await store.countSlots('u1')).toBe(1);
  });

  it('refuses a second call the budget has no room for: 402 VOXWIRE_BUDGET_EXHAUSTED, nothing forwarded or charged', async () => {
    const offer = await realOffer();
    closers.push(offer.close);
    const response = await post(offer.sdp);
    expect(response.status).toBe(402);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('VOXWIRE_BUDGET_EXHAUSTED');
    expect(body.error.message).toMatch(/time limit of 90 audio seconds/);
    expect(forwarded).toHaveLength(1);
    const day = new Date().toISOString().slice(0, 10);
    expect(await store.charge(`budget:u1:${day}`, 0, 60_000)).toBe(90);
    expect(await store.countSlots('u1')).toBe(1);
  });

  it('gives the charge and the slot back when the API refuses the offer', async () => {
    const relay = new RelayCore({
      model: 'gpt-realtime-translate',
      translation: {},
      authenticate: () => ({ userId: 'u2' }),
      limits: { maxDurationMs: 60_000, maxSessionsPerUser: 1 },
      budget: { store, dailyLimit: 600 },
      logger: silentLogger,
    });
    const refusing = createTranslationSdpHandler({ apiKey: 'sk-wrong', relay, baseUrl: base, logger: silentLogger });
    const offer = await realOffer();
    closers.push(offer.close);
    const response = await refusing(new Request(`${origin}/api/translation/sdp`, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: offer.sdp }));
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VOXWIRE_UPSTREAM_ERROR');
    const day = new Date().toISOString().slice(0, 10);
    await expect.poll(() => store.charge(`budget:u2:${day}`, 0, 60_000)).toBe(0);
    await expect.poll(() => store.countSlots('u2')).toBe(0);
  });

  it('refuses a relay that does not carry translation sessions', () => {
    const relay = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'x' }), logger: silentLogger });
    expect(() => createTranslationSdpHandler({ apiKey: SERVER_KEY, relay })).toThrow(/created with `translation`/);
  });
});
