import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { createTranslationClientSecret, createTranslationClientSecretHandler } from '../../src/server/http/translation-client-secret';
import { TranslationClient } from '../../src/translation/translation-client';
import { useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();

describe('translation client secrets', () => {
  it('mints a translation key that opens a translation session with its settings, and no conversation call', async () => {
    const { server, url } = await startMock({ auth: { apiKey: 'sk-server' } });
    const baseUrl = `http://127.0.0.1:${new URL(url).port}/v1`;
    const secret = await createTranslationClientSecret({ apiKey: 'sk-server', baseUrl, session: { audio: { output: { language: 'ja' } } } });
    expect(secret.value).toMatch(/^ek_/);
    expect(secret.session).toMatchObject({ type: 'translation', model: 'gpt-realtime-translate', audio: { output: { language: 'ja' } } });

    const client = new TranslationClient({ url: url.replace('/v1/realtime', '/v1/realtime/translations'), apiKey: secret.value, logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    await client.connect();
    expect(client.session).toMatchObject({ type: 'translation', audio: { output: { language: 'ja' } } });
    expect(server.connections[0]).toMatchObject({ apiKey: secret.value });

    // The key is a translation key: the conversation WebRTC endpoint refuses it.
    const call = await fetch(`${baseUrl}/realtime/calls`, { method: 'POST', headers: { Authorization: `Bearer ${secret.value}`, 'Content-Type': 'application/sdp' }, body: 'v=0' });
    expect(call.status).toBe(401);
    await expect(createTranslationClientSecret({ apiKey: 'sk-server', baseUrl, session: { audio: { output: { voice: 'marin' } } } as never })).rejects.toMatchObject({
      code: 'VOXWIRE_INVALID_SESSION_CONFIG',
      path: 'session.audio.output.voice',
    });
    await expect(createTranslationClientSecret({ apiKey: 'sk-wrong', baseUrl })).rejects.toMatchObject({ code: 'VOXWIRE_AUTHENTICATION_FAILED' });
  });

  it('the handler authenticates, enforces the language allowlist, locks the operator settings and hands out a key', async () => {
    const { url } = await startMock({ auth: { apiKey: 'sk-server' } });
    const baseUrl = `http://127.0.0.1:${new URL(url).port}/v1`;
    const minted: string[] = [];
    const handler = createTranslationClientSecretHandler({
      apiKey: 'sk-server',
      baseUrl,
      authenticate: (request) => (request.headers.get('authorization') === 'Bearer app-user' ? { userId: 'u1' } : null),
      languages: ['es', 'fr'],
      session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } } } },
      onSecret: ({ identity, session }) => void minted.push(`${identity.userId}:${session.audio?.output?.language}`),
      logger: silentLogger,
    });
    const ask = (body: unknown, auth = 'Bearer app-user'): Promise<Response> =>
      handler(new Request('http://app.test/api/translation-key', { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) }));

    expect((await ask({}, 'Bearer nobody')).status).toBe(401);
    const refused = await ask({ session: { audio: { output: { language: 'de' } } } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'VOXWIRE_POLICY_VIOLATION', param: 'session.audio.output.language' } });
    const invalid = await ask({ session: { audio: { output: { voice: 'marin' } } } });
    expect(invalid.status).toBe(400);

    const answer = await ask({ session: { audio: { output: { language: 'fr' } } } });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { value: string; session: Record<string, unknown> };
    expect(body.value).toMatch(/^ek_/);
    expect(body.session).toMatchObject({ audio: { output: { language: 'fr' }, input: { transcription: { model: 'gpt-realtime-whisper' } } } });
    expect(minted).toEqual(['u1:fr']);
  });
});
