import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import OpenAI from 'openai';
import { OpenAIRealtimeTranslationWS } from 'openai/realtime/translations/ws';
import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '../../src/codec/base64';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { DEFAULT_MOCK_TRANSLATION } from '../../src/testing/mock/translation-session';
import { useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();
const tlsDir = new URL('../../fixtures/tls/', import.meta.url);
const cert = readFileSync(new URL('localhost-cert.pem', tlsDir), 'utf8');
const key = readFileSync(new URL('localhost-key.pem', tlsDir), 'utf8');

/**
 * A TLS terminator on loopback in front of the mock: the `openai` translation client refuses any
 * base URL but https (`buildTranslationURL`), and the mock speaks plain HTTP.
 */
async function terminateTls(port: number): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createTlsServer({ key, cert }, (secure) => {
    const plain = tcpConnect(port, '127.0.0.1');
    sockets.add(secure).add(plain);
    secure.pipe(plain).pipe(secure);
    const end = (): void => {
      secure.destroy();
      plain.destroy();
    };
    secure.on('error', end).on('close', end);
    plain.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stoppers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as { port: number }).port;
}

describe('the official openai translation WebSocket client against the mock', () => {
  it('OpenAIRealtimeTranslationWS configures a session, streams fixture speech, and receives the translation through session.closed', async () => {
    const { server } = await startMock();
    const { port } = new URL(server.url!);
    const tlsPort = await terminateTls(Number(port));
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: `https://127.0.0.1:${tlsPort}/v1` });
    const connection = await OpenAIRealtimeTranslationWS.create(openai, { model: 'gpt-realtime-translate', options: { ca: cert } });
    stoppers.push(() => connection.close());

    const types: string[] = [];
    let source = '';
    let translated = '';
    let audioBytes = 0;
    connection.on('event', (event) => types.push(event.type));
    connection.on('session.input_transcript.delta', (event) => (source += event.delta));
    connection.on('session.output_transcript.delta', (event) => (translated += event.delta));
    connection.on('session.output_audio.delta', (event) => {
      expect(event).toMatchObject({ sample_rate: 24000, channels: 1, format: 'pcm16' });
      audioBytes += Buffer.from(event.delta, 'base64').byteLength;
    });
    const errors: unknown[] = [];
    connection.on('error', (error) => errors.push(error));
    const created = new Promise((resolve) => connection.on('session.created', resolve));
    await new Promise<void>((resolve, reject) => {
      connection.socket.on('open', () => resolve());
      connection.socket.on('error', reject);
    });
    await created;

    const updated = new Promise<{ session: { audio: { output?: { language?: string } } } }>((resolve) => connection.on('session.updated', resolve));
    connection.send({ type: 'session.update', session: { audio: { output: { language: 'es' }, input: { transcription: { model: 'gpt-realtime-whisper' } } } } });
    expect((await updated).session.audio.output?.language).toBe('es');
    const question = await loadFixtureAudio('question', { chunkMs: 200 });
    for (let index = 0; index < question.pcm.length; index += 4800) {
      connection.send({ type: 'session.input_audio_buffer.append', audio: pcm16ToBase64(question.pcm.subarray(index, index + 4800)) });
    }
    await connection.finish({ timeoutMs: 10_000 });

    expect(errors).toEqual([]);
    expect(types[0]).toBe('session.created');
    expect(types.at(-1)).toBe('session.closed');
    expect(source).toBe(DEFAULT_MOCK_TRANSLATION.sourceTranscript);
    expect(translated).toBe(DEFAULT_MOCK_TRANSLATION.translatedTranscript);
    expect(audioBytes).toBe((await loadFixtureAudio('reply-weather')).pcm.byteLength);
    expect(server.received.every((entry) => entry.valid)).toBe(true);
    expect(server.connections[0]).toMatchObject({ url: '/v1/realtime/translations?model=gpt-realtime-translate', authVia: 'header', apiKey: 'sk-test', closeCode: 1000 });
  });
});
