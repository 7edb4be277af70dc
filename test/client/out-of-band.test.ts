import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { TranscriptUpdate } from '../../src/client/conversation';
import { silentLogger } from '../../src/base/logger';
import { exponentialBackoff } from '../../src/client/reconnect';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { startScriptedServer } from './scripted-server';
import type { ReceivedEvent, ScriptedServer } from './scripted-server';
import { useCleanup } from '../helpers/index';

const { stoppers } = useCleanup();

// Usage of the official `response.done` example (fixtures/protocol/events-ga.jsonl).
const usage = { total_tokens: 253, input_tokens: 132, output_tokens: 121, input_token_details: { text_tokens: 119, audio_tokens: 13, image_tokens: 0, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 } }, output_token_details: { text_tokens: 30, audio_tokens: 91 } };

type Reply = (frame: Record<string, unknown>) => void;

/** Plays an out-of-band text response as the API does: no conversation.item.* events, metadata echoed. */
function playOutOfBand(event: ReceivedEvent, reply: Reply, id: string, text: string, status = 'completed'): void {
  const params = event.response as { metadata?: Record<string, string> };
  const item = { id: `item_${id}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text }] };
  const call = { id: `item_${id}_call`, type: 'function_call', status: 'completed', call_id: `call_${id}`, name: 'classify', arguments: '{"topic":"weather"}' };
  reply({ type: 'response.created', response: { object: 'realtime.response', id, status: 'in_progress', output: [], conversation_id: null, metadata: params.metadata ?? null } });
  reply({ type: 'response.output_item.added', response_id: id, output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
  reply({ type: 'response.output_text.delta', response_id: id, item_id: item.id, output_index: 0, content_index: 0, delta: text });
  reply({ type: 'response.output_text.done', response_id: id, item_id: item.id, output_index: 0, content_index: 0, text });
  reply({ type: 'response.output_item.done', response_id: id, output_index: 0, item });
  reply({ type: 'response.output_item.done', response_id: id, output_index: 1, item: call });
  reply({ type: 'response.done', response: { object: 'realtime.response', id, status, status_details: status === 'failed' ? { type: 'failed', error: { type: 'server_error', code: 'boom', message: 'model overloaded' } } : null, output: status === 'failed' ? [] : [item, call], conversation_id: null, usage, metadata: params.metadata ?? null } });
}

/** Starts an in-band audio response and leaves it in progress until `finish` is called. */
function startInBand(reply: Reply, id: string): () => void {
  const item = { id: `item_${id}`, type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  reply({ type: 'response.created', response: { object: 'realtime.response', id, status: 'in_progress', output: [], conversation_id: 'conv_1', metadata: null } });
  reply({ type: 'conversation.item.added', previous_item_id: null, item });
  reply({ type: 'response.output_audio_transcript.delta', response_id: id, item_id: item.id, output_index: 0, content_index: 0, delta: 'In band.' });
  return () => {
    const done = { ...item, status: 'completed', content: [{ type: 'output_audio', transcript: 'In band.' }] };
    reply({ type: 'response.output_audio_transcript.done', response_id: id, item_id: item.id, output_index: 0, content_index: 0, transcript: 'In band.' });
    reply({ type: 'conversation.item.done', previous_item_id: null, item: done });
    reply({ type: 'response.done', response: { object: 'realtime.response', id, status: 'completed', output: [done], conversation_id: 'conv_1', usage, metadata: null } });
  };
}

async function setUp(onOutOfBand: (event: ReceivedEvent, reply: Reply, index: number) => void): Promise<{ server: ScriptedServer; client: RealtimeClient; finishInBand: () => void }> {
  let inBand = 0;
  let outOfBand = 0;
  let finish: (() => void) | undefined;
  const server = await startScriptedServer({
    onEvent: (event, reply) => {
      if (event.type !== 'response.create') return;
      if ((event.response as { conversation?: string } | undefined)?.conversation === 'none') {
        outOfBand += 1;
        onOutOfBand(event, reply, outOfBand);
        return;
      }
      inBand += 1;
      finish = startInBand(reply, `resp_in${inBand}`);
    },
  });
  stoppers.push(() => server.stop());
  const client = new RealtimeClient({ url: server.url, apiKey: 'sk-test', logger: silentLogger, reconnect: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 10, jitter: 'none' }) });
  stoppers.push(() => client.disconnect());
  await client.connect();
  return { server, client, finishInBand: () => finish?.() };
}

describe('out-of-band responses (obs. 4)', () => {
  it('run beside an in-band response: sent at once, never merged, never in the transcript, result delivered', async () => {
    const { server, client, finishInBand } = await setUp((event, reply) => playOutOfBand(event, reply, 'resp_oob1', 'weather'));
    const transcripts: TranscriptUpdate[] = [];
    client.on('transcript', (t) => transcripts.push(t));
    client.sendText('What is it like outside?');
    await new Promise<void>((resolve) => client.once('response.created', () => resolve()));
    // Two in-band requests while one is active: held and merged into one.
    client.createResponse();
    client.createResponse({ instructions: 'Be brief.' });
    const result = await client.createResponse({ conversation: 'none', output_modalities: ['text'], instructions: 'Classify the topic.', metadata: { purpose: 'classify' } });
    expect(result).toMatchObject({
      responseId: 'resp_oob1',
      status: 'completed',
      text: 'weather',
      functionCalls: [{ callId: 'call_resp_oob1', name: 'classify', arguments: '{"topic":"weather"}' }],
      usage: { total_tokens: 253 },
      metadata: { purpose: 'classify' },
    });
    const creates = server.received.filter((e) => e.type === 'response.create');
    expect(creates.map((e) => (e.response as { conversation?: string } | undefined)?.conversation ?? 'auto')).toEqual(['auto', 'none']);
    expect(client.responseActive).toBe(true);
    finishInBand();
    await server.waitFor('response.create', () => server.received.filter((e) => e.type === 'response.create').length === 3);
    expect((server.received.filter((e) => e.type === 'response.create')[2] as { response?: unknown }).response).toEqual({ instructions: 'Be brief.' });
    // Never in the conversation, never a transcript, never run by the tool dispatcher.
    expect(client.conversation.entries.map((e) => e.id)).not.toContain('item_resp_oob1');
    expect(transcripts.map((t) => t.itemId)).not.toContain('item_resp_oob1');
    expect(server.received.filter((e) => e.type === 'conversation.item.create' && (e.item as { type: string }).type === 'function_call_output')).toHaveLength(0);
    // Its usage counts: the in-band response and the out-of-band one.
    expect(client.usage.outputTokens).toBe(2 * usage.output_tokens);

    // Not replayed after a reconnect: the new session gets the conversation's items only.
    finishInBand();
    await new Promise<void>((resolve) => client.once('usage', () => resolve()));
    const before = server.received.length;
    const reconnected = new Promise<void>((resolve) => client.on('state', (state) => state.status === 'connected' && resolve()));
    server.drop();
    await reconnected;
    await server.waitFor('conversation.item.create', (e) => (e.item as { id?: string }).id === 'item_resp_in2');
    const replayed = server.received.slice(before).filter((e) => e.type === 'conversation.item.create').map((e) => (e.item as { id?: string }).id);
    expect(replayed).toEqual(expect.arrayContaining(['item_resp_in1', 'item_resp_in2']));
    expect(replayed).not.toContain('item_resp_oob1');
  });

  it('rejects when the server refuses it or it fails, and a drop rejects it too', async () => {
    let calls = 0;
    const { client } = await setUp((event, reply, index) => {
      calls = index;
      if (index === 1) reply({ type: 'error', error: { type: 'invalid_request_error', code: 'unknown_parameter', message: 'Unknown parameter.', param: 'response.foo', event_id: event.event_id } });
      if (index === 2) playOutOfBand(event, reply, 'resp_oob2', '', 'failed');
      // index 3: never answered; the connection drops.
    });
    const errors: unknown[] = [];
    client.on('error', (error) => errors.push(error));
    await expect(client.createResponse({ conversation: 'none', instructions: 'x' })).rejects.toMatchObject({ code: 'VOXWIRE_SERVER_ERROR', serverError: { code: 'unknown_parameter' } });
    await expect(client.createResponse({ conversation: 'none', instructions: 'y' })).rejects.toMatchObject({ code: 'VOXWIRE_SERVER_ERROR', message: expect.stringContaining('model overloaded') });
    const third = client.createResponse({ conversation: 'none', instructions: 'z' });
    // The third request reaches the server (bounded poll: the out-of-band module loads lazily).
    await expect.poll(() => calls, { timeout: 10_000 }).toBe(3);
    client.disconnect();
    await expect(third).rejects.toMatchObject({ code: 'VOXWIRE_ABORTED' });
    // The refusal went to the caller, not to the app-wide error event.
    expect(errors).toHaveLength(0);
    expect(client.responseActive).toBe(false);
  });

  it('against the MockRealtimeServer: runs beside an in-band reply and stays out of the conversation', async () => {
    const server = new MockRealtimeServer({ audioPace: 'instant', defaultReply: { text: 'In band.' } });
    const { url } = await server.start();
    stoppers.push(() => server.stop());
    const client = new RealtimeClient({ url, apiKey: 'sk-test', logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const inBand = new Promise<void>((resolve) => client.on('response.done', () => resolve()));
    client.sendText('Hello?');
    const result = await client.createResponse({ conversation: 'none', output_modalities: ['text'], instructions: 'Say one word.', input: [] });
    expect(result.status).toBe('completed');
    // The mock answers every response with its default reply, the out-of-band one too.
    expect(result.text).toBe('In band.');
    await inBand;
    const ids = client.conversation.entries.map((entry) => entry.id);
    for (const item of result.output) expect(ids).not.toContain((item as { id?: string }).id);
    expect(server.filter('error', { direction: 'sent' })).toEqual([]);
  });
});
