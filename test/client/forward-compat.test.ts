import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { RealtimeClientOptions } from '../../src/client/client-options';
import type { TranscriptUpdate } from '../../src/client/conversation';
import { silentLogger } from '../../src/base/logger';
import { startScriptedServer } from './scripted-server';
import type { ScriptedServer, ScriptedServerOptions } from './scripted-server';
import { useCleanup } from '../helpers/index';

const { stoppers } = useCleanup();

async function serve(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const server = await startScriptedServer(options);
  stoppers.push(() => server.stop());
  return server;
}

function newClient(url: string, extra: RealtimeClientOptions = {}): RealtimeClient {
  const client = new RealtimeClient({ url, apiKey: 'sk-test', logger: silentLogger, reconnect: false, connectTimeoutMs: 3000, ...extra });
  stoppers.push(() => client.disconnect());
  return client;
}

// The official `response.done` example (fixtures/protocol/events-ga.jsonl, the official examples, from
// openai/openai-openapi openapi.yaml), its output preceded by a reasoning item of the shape the
// `openai` types describe for reasoning models.
const reasoningItem = { id: 'item_reason1', type: 'reasoning', status: 'completed', summary: [{ type: 'summary_text', text: 'The user greets.' }], encrypted_content: null };
const messageItem = { id: 'item_CCXHwGjjDUfOXbiySlK7i', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_audio', transcript: 'Loud and clear! I can hear you perfectly. How can I help you today?' }] };
const usage = { total_tokens: 253, input_tokens: 132, output_tokens: 121, input_token_details: { text_tokens: 119, audio_tokens: 13, image_tokens: 0, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 } }, output_token_details: { text_tokens: 30, audio_tokens: 91 } };

describe('forward compatibility: the client carries on past shapes it does not know', () => {
  it('obs. 1: response.done whose output holds [reasoning, message] ends the response; the next sendText asks again', async () => {
    let responses = 0;
    const server = await serve({
      onEvent: (event, reply) => {
        if (event.type !== 'response.create') return;
        responses += 1;
        const id = `resp_${responses}`;
        reply({ type: 'response.created', response: { object: 'realtime.response', id, status: 'in_progress', status_details: null, output: [], conversation_id: 'conv_1', output_modalities: ['audio'], usage: null, metadata: null } });
        reply({ type: 'response.output_item.added', response_id: id, output_index: 0, item: { ...reasoningItem, status: 'in_progress' } });
        reply({ type: 'response.output_item.done', response_id: id, output_index: 0, item: reasoningItem });
        reply({ type: 'response.done', response: { object: 'realtime.response', id, status: 'completed', status_details: null, output: [reasoningItem, messageItem], conversation_id: 'conv_1', output_modalities: ['audio'], max_output_tokens: 'inf', usage, metadata: null } });
      },
    });
    const client = newClient(server.url);
    await client.connect();
    client.sendText('Hello?');
    await server.waitFor('response.create');
    await new Promise<void>((resolve) => client.once('usage', () => resolve()));
    expect(client.responseActive).toBe(false);
    client.sendText('Still there?');
    await server.waitFor('response.create', () => server.received.filter((e) => e.type === 'response.create').length === 2);
    // The reasoning item keeps its place as a reasoning entry with its summary; the tool dispatcher ignored it.
    const entry = client.conversation.get('item_reason1');
    expect(entry).toMatchObject({ type: 'reasoning', text: 'The user greets.', raw: undefined });
    expect(server.received.filter((e) => e.type === 'conversation.item.create')).toHaveLength(2);
  });

  it('obs. 2: session.created with a session type the SDK does not know does not make connect() time out', async () => {
    const server = await serve({ created: { type: 'voice_agent', object: 'realtime.voice_agent_session', id: 'sess_future', model: 'gpt-realtime-3', new_field: { nested: true } } });
    const client = newClient(server.url, { connectTimeoutMs: 2000 });
    await client.connect();
    expect(client.state).toMatchObject({ status: 'connected', sessionId: 'sess_future' });
  });
});

// The official transcription-session `session.created` example and input transcription events
// (fixtures/protocol/events-ga.jsonl, from openai/openai-openapi openapi.yaml).
const transcriptionCreated = {
  type: 'transcription',
  object: 'realtime.transcription_session',
  id: 'sess_Cx0TrSession0000001',
  expires_at: 1767233035,
  include: ['item.input_audio_transcription.logprobs'],
  audio: {
    input: {
      format: { type: 'audio/pcm', rate: 24000 },
      transcription: { model: 'gpt-4o-transcribe', prompt: '', language: 'en' },
      noise_reduction: { type: 'near_field' },
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200 },
    },
  },
};

describe('transcription sessions (obs. 3)', () => {
  it('connect, send no response or tool fields, and emit user transcripts from input transcription', async () => {
    const server = await serve({ created: transcriptionCreated });
    const client = newClient(server.url, {
      session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-4o-transcribe', language: 'en' } } } },
    });
    await client.connect();
    const update = server.received.find((event) => event.type === 'session.update') as unknown as { session: Record<string, unknown> };
    expect(update.session.type).toBe('transcription');
    for (const field of ['tools', 'tool_choice', 'instructions', 'output_modalities', 'max_output_tokens']) expect(update.session).not.toHaveProperty(field);

    const transcripts: TranscriptUpdate[] = [];
    client.on('transcript', (t) => transcripts.push(t));
    const done = new Promise<void>((resolve) => client.on('transcript', (t) => t.final && resolve()));
    server.send({ type: 'input_audio_buffer.committed', previous_item_id: null, item_id: 'item_CCXGQ4e1ht4cOraEYcuR2' });
    server.send({ type: 'conversation.item.input_audio_transcription.delta', item_id: 'item_CCXGQ4e1ht4cOraEYcuR2', content_index: 0, delta: 'Hey', obfuscation: 'aLxx0jTEciOGe' });
    server.send({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_CCXGQ4e1ht4cOraEYcuR2', content_index: 0, transcript: 'Hey, can you hear me?', usage: { type: 'tokens', total_tokens: 22, input_tokens: 13, input_token_details: { text_tokens: 0, audio_tokens: 13 }, output_tokens: 9 } });
    await done;
    expect(transcripts.map((t) => [t.role, t.text, t.final])).toEqual([
      ['user', 'Hey', false],
      ['user', 'Hey, can you hear me?', true],
    ]);
    // No responses in a transcription session: asking for one is refused clearly, and nothing is sent.
    expect(() => client.createResponse()).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
    client.sendText('typed note');
    await server.waitFor('conversation.item.create').catch(() => undefined);
    expect(server.received.filter((event) => event.type === 'response.create')).toHaveLength(0);
  });

  it('a failed connect() leaves no promise to reject later (the guard fails the test otherwise)', async () => {
    // A server that never confirms the session: connect() times out and is caught by the app.
    const server = await serve({ onEvent: (event) => event.type === 'session.update' });
    const client = newClient(server.url, { connectTimeoutMs: 150 });
    await expect(client.connect()).rejects.toMatchObject({ code: 'VOXWIRE_TIMEOUT' });
    // Longer than every internal timer the attempt started.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(client.state.status).toBe('closed');
  });
});

describe('obs. 5: a createResponse() that throws leaves nothing pending', () => {
  it('a beta field or an invalid parameter throws, and later requests are still sent', async () => {
    const server = await serve({
      onEvent: (event, reply) => {
        if (event.type !== 'response.create') return;
        reply({ type: 'response.created', response: { object: 'realtime.response', id: 'resp_ok', status: 'in_progress', output: [] } });
        reply({ type: 'response.done', response: { object: 'realtime.response', id: 'resp_ok', status: 'completed', output: [], usage: null } });
      },
    });
    const client = newClient(server.url);
    await client.connect();
    expect(() => client.createResponse({ modalities: ['text'] } as never)).toThrow(expect.objectContaining({ message: expect.stringContaining('output_modalities') }));
    expect(() => client.createResponse({ max_output_tokens: 'lots' } as never)).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT' }));
    expect(client.responseActive).toBe(false);
    client.createResponse({ instructions: 'Say hi.' });
    const sent = await server.waitFor('response.create');
    expect(sent.response).toEqual({ instructions: 'Say hi.' });
  });

  it('a bad request queued behind an active response throws at once and does not poison the queue', async () => {
    let created = 0;
    const server = await serve({
      onEvent: (event, reply) => {
        if (event.type !== 'response.create') return;
        created += 1;
        reply({ type: 'response.created', response: { object: 'realtime.response', id: `resp_${created}`, status: 'in_progress', output: [] } });
      },
    });
    const client = newClient(server.url);
    await client.connect();
    client.createResponse();
    await new Promise<void>((resolve) => client.once('response.created', () => resolve()));
    expect(() => client.createResponse({ modalities: ['text'] } as never)).toThrow();
    client.createResponse({ instructions: 'next' });
    server.send({ type: 'response.done', response: { object: 'realtime.response', id: 'resp_1', status: 'completed', output: [], usage: null } });
    const second = await server.waitFor('response.create', (e) => (e.response as { instructions?: string } | undefined)?.instructions === 'next');
    expect(second.response).toEqual({ instructions: 'next' });
  });
});

describe('outgoing fields newer than voxwire (issue 12 obs. 6, client side)', () => {
  it('are sent as given with one warning by default, and refused with strict: true', async () => {
    const server = await serve();
    const warnings: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (message: string) => warnings.push(message), error: () => undefined };
    const client = newClient(server.url, { logger });
    await client.connect();
    client.createResponse({ output_modalities: ['text'], voxwire_future_param: { level: 2 } } as never);
    const sent = await server.waitFor('response.create');
    expect(sent.response).toEqual({ output_modalities: ['text'], voxwire_future_param: { level: 2 } });
    server.send({ type: 'response.done', response: { object: 'realtime.response', id: 'resp_x', status: 'completed', output: [], usage: null } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.createResponse({ voxwire_future_param: { level: 3 } } as never);
    await server.waitFor('response.create', () => server.received.filter((e) => e.type === 'response.create').length === 2);
    expect(warnings.filter((w) => w.includes('voxwire_future_param'))).toHaveLength(1);

    const strictServer = await serve();
    const strict = newClient(strictServer.url, { strict: true });
    await strict.connect();
    expect(() => strict.createResponse({ voxwire_future_param: 1 } as never)).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT', message: expect.stringContaining('voxwire_future_param') }));
    expect(strict.responseActive).toBe(false);
  });
});
