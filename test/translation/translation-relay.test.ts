import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../src/base/errors';
import { silentLogger } from '../../src/base/logger';
import { MemoryBudgetStore } from '../../src/server/stores/memory-budget-store';
import { createRelay } from '../../src/server/node/create-relay';
import type { CreateRelayOptions } from '../../src/server/node/create-relay-options';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { DEFAULT_MOCK_TRANSLATION } from '../../src/testing/mock/translation-session';
import { TranslationClient } from '../../src/translation/translation-client';
import { until, useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();

async function translationRelay(upstreamUrl: string, options: Partial<CreateRelayOptions> = {}): Promise<{ url: string; store: MemoryBudgetStore }> {
  const store = new MemoryBudgetStore();
  const relay = createRelay({
    upstream: { url: upstreamUrl.replace('/v1/realtime', '/v1/realtime/translations'), apiKey: 'sk-relay-secret' },
    translation: { session: { audio: { output: { language: 'es' } } } },
    authenticate: (request) => {
      const token = new URL(request.url).searchParams.get('token');
      return token === null ? null : { userId: token };
    },
    budget: { store, dailyLimit: 3600, chargeIntervalMs: 50 },
    logger: silentLogger,
    pingIntervalMs: Infinity,
    ...options,
  });
  const { url } = await relay.listen(0, { host: '127.0.0.1' });
  stoppers.push(() => relay.close({ drainMs: 0 }));
  return { url, store };
}

const today = (): string => new Date().toISOString().slice(0, 10);

describe('a translation session through the relay', () => {
  it('holds a full exchange, applies the operator language before session.created, keeps the server key, and charges input and output audio seconds', async () => {
    const { server, url: mockUrl } = await startMock();
    const { url, store } = await translationRelay(mockUrl);
    const client = new TranslationClient({ url: `${url}?token=alice`, session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } } } }, logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    const sessions: unknown[] = [];
    client.on('session', (session) => sessions.push(session));
    await client.connect();
    // The first session the client sees already carries the relay's language.
    expect(sessions[0]).toMatchObject({ type: 'translation', audio: { output: { language: 'es' } } });
    expect(server.connections[0]).toMatchObject({ url: '/v1/realtime/translations?model=gpt-realtime-translate', apiKey: 'sk-relay-secret' });

    const question = await loadFixtureAudio('question');
    for (let index = 0; index < question.pcm.length; index += 4800) client.appendAudio(question.pcm.subarray(index, index + 4800));
    await client.finish({ timeoutMs: 5000 });
    expect(client.sourceText).toBe(DEFAULT_MOCK_TRANSLATION.sourceTranscript);
    expect(client.translatedText).toBe(DEFAULT_MOCK_TRANSLATION.translatedTranscript);
    expect(server.received.map((entry) => entry.event.type).slice(0, 2)).toEqual(['session.update', 'session.update']);
    expect(server.received.every((entry) => entry.valid)).toBe(true);

    const reply = await loadFixtureAudio('reply-weather');
    const expected = question.durationMs / 1000 + reply.durationMs / 1000;
    // The final charge is stored when the session ends.
    let total = 0;
    await until(
      async () => {
        total = await store.charge(`budget:alice:${today()}`, 0, 60_000);
        return Math.abs(total - expected) <= 0.01;
      },
      'the final charge',
      { timeoutMs: 5000, intervalMs: 20, detail: () => `stored ${total}, expected ${expected}` },
    );
    expect(total).toBeCloseTo(expected, 2);
  });

  it('refuses a change of a locked setting and a conversation event, keeping the session', async () => {
    const { server, url: mockUrl } = await startMock();
    const { url } = await translationRelay(mockUrl);
    const client = new TranslationClient({ url: `${url}?token=bob`, logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    const errors: Array<{ code: string; message: string }> = [];
    client.on('error', (error) => errors.push({ code: error.code, message: error.message }));
    await client.connect();
    await expect(client.setLanguage('fr')).rejects.toMatchObject({ code: 'VOXWIRE_SERVER_ERROR', serverError: { code: 'VOXWIRE_POLICY_VIOLATION', param: 'session.audio.output.language' } });
    expect(client.state.status).toBe('connected');
    expect(server.translationSession(0)?.session.audio.output.language).toBe('es');
    expect(server.received.filter((entry) => entry.event.type === 'session.update')).toHaveLength(1);
  });

  it('ends the session with 4002 when the budget runs out', async () => {
    const { url: mockUrl } = await startMock();
    const { url } = await translationRelay(mockUrl, { budget: { store: new MemoryBudgetStore(), dailyLimit: 1, chargeIntervalMs: 50 } });
    const client = new TranslationClient({ url: `${url}?token=carol`, logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const expired = new Promise((resolve) => client.on('state', (state) => state.status === 'expired' && resolve(state)));
    const question = await loadFixtureAudio('question');
    for (let index = 0; index < question.pcm.length && client.state.status === 'connected'; index += 4800) {
      client.appendAudio(question.pcm.subarray(index, index + 4800));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await expired).toEqual({ status: 'expired', reason: 'budget_exhausted' });
    expect(CLOSE_CODES.budgetExhausted).toBe(4002);
  });

  it('refuses a translation relay budgeted in costUsd (translation reports no usage)', () => {
    expect(() =>
      createRelay({ upstream: { apiKey: 'sk' }, translation: {}, authenticate: () => ({ userId: 'a' }), budget: { unit: 'costUsd' }, logger: silentLogger }),
    ).toThrowError(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT', path: 'budget.unit' }));
  });
});
