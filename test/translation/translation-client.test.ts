import { describe, expect, it } from 'vitest';
import type { AudioInputSource, AudioOutputChunk, AudioOutputSink } from '../../src/client/audio-io';
import { silentLogger } from '../../src/base/logger';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { DEFAULT_MOCK_TRANSLATION } from '../../src/testing/mock/translation-session';
import { TranslationClient } from '../../src/translation/translation-client';
import { WebSocketTransport } from '../../src/transport/websocket';
import { realtimeProtocol } from '../../src/transport/realtime-protocol';
import type { ClientState } from '../../src/client/client-events';
import { useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();

function translationUrl(url: string): string {
  return url.replace('/v1/realtime', '/v1/realtime/translations');
}

function track(client: TranslationClient): { states: ClientState['status'][]; audioSamples: () => number; source: string[]; translated: string[] } {
  const states: ClientState['status'][] = [];
  let samples = 0;
  const source: string[] = [];
  const translated: string[] = [];
  client.on('state', (state) => states.push(state.status));
  client.on('audio', (chunk) => {
    expect(chunk.sampleRate).toBe(24000);
    samples += chunk.samples.length;
  });
  client.on('sourceTranscript', (event) => source.push(event.delta));
  client.on('translatedTranscript', (event) => translated.push(event.delta));
  return { states, audioSamples: () => samples, source, translated };
}

describe('TranslationClient over WebSocket against the mock', () => {
  it('holds a full exchange: config applied, fixture speech in, transcripts and translated audio out, finish() flushes and closes', async () => {
    const { server, url } = await startMock();
    const client = new TranslationClient({
      url: translationUrl(url),
      apiKey: 'sk-test',
      language: 'fr',
      session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } } } },
      logger: silentLogger,
    });
    stoppers.push(() => client.disconnect());
    const seen = track(client);
    await client.connect();
    expect(client.state.status).toBe('connected');
    expect(client.session).toMatchObject({ type: 'translation', model: 'gpt-realtime-translate', audio: { output: { language: 'fr' }, input: { transcription: { model: 'gpt-realtime-whisper' } } } });
    expect(server.connections[0]).toMatchObject({ url: '/v1/realtime/translations', model: 'gpt-realtime-translate', authVia: 'header', apiKey: 'sk-test' });

    const question = await loadFixtureAudio('question', { chunkMs: 200 });
    for (let index = 0; index < question.pcm.length; index += 4800) expect(client.appendAudio(question.pcm.subarray(index, index + 4800))).toBe(true);
    // Speech released part of the translation before the end.
    await server.waitFor('session.output_transcript.delta');
    await client.finish({ timeoutMs: 5000 });

    const reply = await loadFixtureAudio(DEFAULT_MOCK_TRANSLATION.audio);
    expect(client.sourceText).toBe(DEFAULT_MOCK_TRANSLATION.sourceTranscript);
    expect(client.translatedText).toBe(DEFAULT_MOCK_TRANSLATION.translatedTranscript);
    expect(seen.source.join('')).toBe(DEFAULT_MOCK_TRANSLATION.sourceTranscript);
    expect(seen.translated.length).toBeGreaterThan(1);
    expect(seen.audioSamples()).toBe(reply.pcm.length);
    expect(seen.states).toEqual(['connecting', 'connected', 'closed']);
    const sentTypes = server.received.map((entry) => entry.event.type);
    expect(sentTypes[0]).toBe('session.update');
    expect(sentTypes.at(-1)).toBe('session.close');
    expect(server.received.every((entry) => entry.valid)).toBe(true);
    expect(server.translationSession(0)?.inputMs).toBeCloseTo(question.durationMs, -1);
    expect(server.sent.at(-1)?.event.type).toBe('session.closed');
  });

  it('plays through an attached sink and streams an attached source, like RealtimeClient', async () => {
    const { server, url } = await startMock();
    const client = new TranslationClient({ url: translationUrl(url), logger: silentLogger });
    stoppers.push(() => client.disconnect());
    const written: AudioOutputChunk[] = [];
    const sink: AudioOutputSink = { write: (chunk) => written.push(chunk), flush: async () => null };
    let feed: ((chunk: Int16Array | Uint8Array) => void) | undefined;
    const source: AudioInputSource = {
      subscribe: (onChunk) => {
        feed = onChunk;
        return () => (feed = undefined);
      },
    };
    client.attachOutput(sink);
    const detach = client.attachInput(source);
    await client.connect();
    const question = await loadFixtureAudio('question');
    feed!(question.pcm);
    await client.finish();
    expect(written.reduce((sum, chunk) => sum + chunk.samples.length, 0)).toBe((await loadFixtureAudio('reply-weather')).pcm.length);
    expect(written[0]).toMatchObject({ itemId: server.connections[0]!.sessionId, contentIndex: 0, sampleRate: 24000 });
    detach();
    expect(feed).toBeUndefined();
  });

  it('changes the target language mid-session and reports a refused setting as a typed error, keeping the session', async () => {
    const { server, url } = await startMock();
    const client = new TranslationClient({ url: translationUrl(url), logger: silentLogger });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const updated = await client.setLanguage('de');
    expect(updated?.audio?.output?.language).toBe('de');
    expect(server.translationSession(0)?.session.audio.output.language).toBe('de');
    await expect(client.updateSession({ audio: { output: { language: 'de', voice: 'marin' } } } as never)).rejects.toMatchObject({
      code: 'VOXWIRE_INVALID_CLIENT_EVENT',
      path: 'session.audio.output.voice',
    });
    expect(() => client.appendAudio(new Uint8Array(3))).toThrowError(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
    expect(client.state.status).toBe('connected');
  });

  it('reconnects after a drop with the reconnect policy, re-applies the language, and keeps the transcript', async () => {
    const { server, url } = await startMock();
    const client = new TranslationClient({
      url: translationUrl(url),
      language: 'it',
      reconnect: { initialDelayMs: 10, jitter: 'none', maxAttempts: 3 },
      logger: silentLogger,
    });
    stoppers.push(() => client.disconnect());
    const seen = track(client);
    await client.connect();
    const question = await loadFixtureAudio('question');
    const heard = new Promise<void>((resolve) => client.once('translatedTranscript', () => resolve()));
    client.appendAudio(question.pcm.subarray(0, 24000 * 2));
    await heard;
    const before = client.translatedText;
    expect(before.length).toBeGreaterThan(0);
    server.dropConnections();
    await new Promise<void>((resolve) => client.on('state', (state) => state.status === 'connected' && resolve()));
    expect(seen.states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(server.translationSession(1)?.session.audio.output.language).toBe('it');
    expect(client.translatedText).toBe(before);
  });

  it('ends as expired when the session reaches its time limit, and refuses a bad option before any network call', async () => {
    const { server, url } = await startMock();
    const client = new TranslationClient({ url: translationUrl(url), logger: silentLogger });
    stoppers.push(() => client.disconnect());
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    await client.connect();
    server.expireSessions();
    await new Promise<void>((resolve) => client.on('state', (state) => state.status === 'expired' && resolve()));
    expect(client.state).toEqual({ status: 'expired', reason: 'session_expired' });
    expect(errors).toContain('VOXWIRE_SESSION_EXPIRED');
    expect(() => new TranslationClient({ language: '' })).toThrowError(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
    expect(() => new TranslationClient({ session: { audio: { output: { speed: 2 } } } as never })).toThrowError(expect.objectContaining({ path: 'session.audio.output.speed' }));
  });

  it('names the missing translation protocol when given a conversation transport', async () => {
    const { url } = await startMock();
    const transport = new WebSocketTransport({ url: translationUrl(url), protocol: realtimeProtocol });
    const client = new TranslationClient({ transport, language: 'es', logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    await expect(client.connect()).rejects.toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT', message: expect.stringContaining('protocol: translationProtocol') });
    expect(client.state.status).toBe('closed');
  });

  it('gives the translation protocol to a transport built without one', async () => {
    const { url } = await startMock();
    const transport = new WebSocketTransport({ url: translationUrl(url) });
    const client = new TranslationClient({ transport, language: 'es', logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    await client.connect();
    expect(client.state.status).toBe('connected');
  });
});
