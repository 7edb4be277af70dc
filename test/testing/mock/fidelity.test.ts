/**
 * The mock compared with the API, field by field and in event order, against the official
 * examples copied into fixtures/protocol/events-ga.jsonl (and the team's captured-shape streams
 * in fixtures/events/): input transcription after `response.created`, `rate_limits.updated`
 * after `response.done`, `obfuscation` on text deltas, the server defaults in the session echo,
 * the beta header refused with `beta_api_shape_disabled`, transcription sessions, out-of-band
 * responses, and client events with shapes the mock does not know.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScenario } from '../../../src/testing/script/scenario';
import { connect, openClient, startServer, streamFixture, updateSession, useMockServerCleanup } from '../harness';
import type { AnyEvent } from '../../helpers/raw-client';

useMockServerCleanup();

type Example = { dir: 'client' | 'server'; type: string; example: AnyEvent };
const examples: Example[] = readFileSync(new URL('../../../fixtures/protocol/events-ga.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Example);

function official(type: string, match: (event: AnyEvent) => boolean = () => true): AnyEvent {
  const found = examples.find((entry) => entry.dir === 'server' && entry.type === type && match(entry.example));
  if (!found) throw new Error(`no official example of ${type}`);
  return found.example;
}

/** The keys of an object, recursively, as paths (`session.audio.input.format.type`). */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(inner, path)];
  });
}

describe('mock fidelity: order and fields of a spoken turn', () => {
  it('sends the input transcription after response.created and rate_limits.updated after response.done, as the API does', async () => {
    const { url } = await startServer({
      scenario: createScenario().turn((t) => t.hears("What's the weather like in Paris today?").plays('reply-weather')).build(),
    });
    const client = await connect(url);
    await updateSession(client, { audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } });
    const start = client.events.length;
    await streamFixture(client, 'question');
    await client.next('response.done');
    await client.next('rate_limits.updated');
    const types = client.typesSince(start);
    const created = types.indexOf('response.created');
    const completed = types.indexOf('conversation.item.input_audio_transcription.completed');
    const firstTranscriptionDelta = types.indexOf('conversation.item.input_audio_transcription.delta');
    expect(created).toBeGreaterThan(-1);
    expect(firstTranscriptionDelta).toBeGreaterThan(created);
    expect(completed).toBeGreaterThan(created);
    expect(types.indexOf('rate_limits.updated')).toBeGreaterThan(types.indexOf('response.done'));
    expect(types.filter((type) => type === 'rate_limits.updated')).toHaveLength(1);
  });

  it('still delivers the transcription when no response follows the commit (create_response off)', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    await updateSession(client, {
      audio: { input: { transcription: { model: 'gpt-4o-transcribe' }, turn_detection: { type: 'server_vad', create_response: false } } },
    });
    await streamFixture(client, 'question');
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed.transcript).toBe('(speech)');
    expect(client.all('response.created')).toHaveLength(0);
  });

  it('puts an obfuscation string on transcript, text and input transcription deltas, as the official example does', async () => {
    const example = official('conversation.item.input_audio_transcription.delta');
    expect(typeof example.obfuscation).toBe('string');
    const { url } = await startServer({
      scenario: createScenario()
        .turn((t) => t.hears('Hello there.').plays('reply-greeting'))
        .turn((t) => t.says('Fine, thanks.'))
        .build(),
    });
    const client = await connect(url);
    await updateSession(client, { audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } });
    await streamFixture(client, 'question');
    await client.next('response.done');
    await updateSession(client, { output_modalities: ['text'] });
    client.send({ type: 'response.create' });
    await client.next('response.done');
    for (const type of [
      'conversation.item.input_audio_transcription.delta',
      'response.output_audio_transcript.delta',
      'response.output_text.delta',
    ]) {
      const deltas = client.all(type);
      expect(deltas.length, type).toBeGreaterThan(0);
      for (const delta of deltas) {
        expect(keyPaths(delta).sort(), type).toEqual([...keyPaths(delta).filter((key) => key !== 'obfuscation'), 'obfuscation'].sort());
        expect(delta.obfuscation, type).toMatch(/^[A-Za-z0-9]+$/);
      }
    }
  });
});

describe('mock fidelity: the session echo', () => {
  it('carries every field of the official session.created, plus the server defaults truncation and transcription language/prompt', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    const created = client.all('session.created')[0]!;
    const expected = keyPaths(official('session.created', (event) => event.session.type === 'realtime'));
    const got = keyPaths(created);
    for (const path of expected) expect(got, path).toContain(path);
    expect(created.session.truncation).toBe('auto');
    const session = await updateSession(client, { audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } });
    expect(session.audio.input.transcription).toEqual({ model: 'gpt-4o-transcribe', language: null, prompt: '' });
    expect(session.truncation).toBe('auto');
    const kept = await updateSession(client, { truncation: 'disabled', audio: { input: { transcription: { model: 'gpt-4o-transcribe', language: 'fr' } } } });
    expect(kept.truncation).toBe('disabled');
    expect(kept.audio.input.transcription).toEqual({ model: 'gpt-4o-transcribe', language: 'fr', prompt: '' });
  });
});

describe('mock fidelity: the beta interface is gone', () => {
  it('answers a client that sends OpenAI-Beta: realtime=v1 with the API’s beta_api_shape_disabled error, then closes', async () => {
    const { url } = await startServer();
    const client = await openClient(url, { headers: { 'OpenAI-Beta': 'realtime=v1' } });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'beta_api_shape_disabled', param: null });
    expect(error.error.message).toMatch(/no longer supported.*\/v1\/realtime/);
    const closed = await client.closed;
    expect(closed.code).toBe(4000);
    expect(client.all('session.created')).toHaveLength(0);
  });

  it('treats the beta subprotocol the same way', async () => {
    const { url } = await startServer();
    const client = await openClient(url, { protocols: ['realtime', 'openai-beta.realtime-v1'] });
    expect((await client.next('error')).error.code).toBe('beta_api_shape_disabled');
    expect((await client.closed).code).toBe(4000);
  });
});

describe('mock fidelity: transcription sessions', () => {
  it('holds a transcription session: input audio becomes transcription deltas and a completed transcript, never a response', async () => {
    const { url } = await startServer({
      scenario: createScenario().turn((t) => t.hears("What's the weather like in Paris today?").plays('reply-weather')).build(),
    });
    const client = await connect(url);
    client.send({
      type: 'session.update',
      session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'gpt-4o-transcribe' } } } },
    });
    const updated = await client.next('session.updated');
    const example = official('session.created', (event) => event.session.type === 'transcription');
    expect(updated.session).toMatchObject({ type: 'transcription', object: example.session.object });
    expect(Object.keys(updated.session).sort()).toEqual(Object.keys(example.session).sort());
    expect(updated.session.audio.input.transcription).toEqual({ model: 'gpt-4o-transcribe', language: null, prompt: '' });
    await streamFixture(client, 'question');
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed.transcript).toBe("What's the weather like in Paris today?");
    expect(client.all('conversation.item.input_audio_transcription.delta').map((event) => event.delta).join('')).toBe(completed.transcript);
    client.send({ type: 'response.create', event_id: 'evt_no_responses' });
    const refused = await client.next('error');
    expect(refused.error).toMatchObject({ event_id: 'evt_no_responses', param: 'type' });
    expect(client.all('response.created')).toHaveLength(0);
  });

  it('starts as a transcription session when the URL says ?intent=transcription, as the API does', async () => {
    const { url } = await startServer();
    const client = await connect(url, { query: '?intent=transcription' });
    const created = client.all('session.created')[0]!;
    expect(created.session).toMatchObject({ type: 'transcription', object: 'realtime.transcription_session' });
    expect(created.session.model).toBeUndefined();
  });

  it('refuses a change of session type once the conversation has started', async () => {
    const { url } = await startServer({ defaultReply: { text: 'Hi.' } });
    const client = await connect(url);
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] } });
    await client.next('conversation.item.done');
    client.send({ type: 'session.update', session: { type: 'transcription' } });
    expect((await client.next('error')).error.param).toBe('session.type');
  });
});

describe('mock fidelity: out-of-band responses', () => {
  it('answers response.conversation none as the API does: no conversation items, conversation_id null, metadata echoed', async () => {
    const { server, url } = await startServer({ defaultReply: { text: 'Positive.' } });
    const client = await connect(url);
    await updateSession(client, { output_modalities: ['text'] });
    const start = client.events.length;
    client.send({
      type: 'response.create',
      response: { conversation: 'none', metadata: { topic: 'sentiment' }, output_modalities: ['text'], input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Rate: I love it' }] }] },
    });
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ conversation_id: null, metadata: { topic: 'sentiment' }, status: 'completed' });
    expect(done.response.output[0].content[0]).toEqual({ type: 'output_text', text: 'Positive.' });
    expect(client.typesSince(start).filter((type) => type.startsWith('conversation.item.'))).toEqual([]);
    expect(server.session(0)!.items).toEqual([]);
  });
});
