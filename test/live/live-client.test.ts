import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { silentLogger } from '../../src/base/logger';
import type { AudioOutputChunk, AudioOutputSink, PlaybackPosition } from '../../src/client/audio-io';
import { pcm16ToBase64 } from '../../src/codec/base64';
import { LiveClient } from '../../src/live/live-client';
import type { LiveClientOptions } from '../../src/live/live-client';
import type { LiveDelegationResult } from '../../src/live/live-client-events';
import { defineTool } from '../../src/tools/define-tool';
import { startScriptedLiveServer } from './scripted-live-server';
import type { ScriptedLiveServer } from './scripted-live-server';

const stoppers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stoppers.splice(0).reverse()) await stop();
});

async function setup(options: Partial<LiveClientOptions> = {}, server?: ScriptedLiveServer): Promise<{ server: ScriptedLiveServer; client: LiveClient }> {
  const live = server ?? (await startScriptedLiveServer());
  if (!server) stoppers.push(() => live.stop());
  const client = new LiveClient({ url: live.url, logger: silentLogger, reconnect: { initialDelayMs: 10, maxDelayMs: 10, jitter: 'none' }, ...options });
  stoppers.push(() => client.disconnect());
  return { server: live, client };
}

/** A sink that records what it was given and what a flush found playing. */
class RecordingSink implements AudioOutputSink {
  readonly chunks: AudioOutputChunk[] = [];
  flushes = 0;
  write(chunk: AudioOutputChunk): void {
    this.chunks.push(chunk);
  }
  async flush(): Promise<PlaybackPosition | null> {
    this.flushes += 1;
    const last = this.chunks.at(-1);
    return last ? { itemId: last.itemId, contentIndex: 0, playedSamples: 2400, sampleRate: last.sampleRate } : null;
  }
}

/** Drops the server's connection and waits until the client is connected again. */
async function dropAndReconnect(server: ScriptedLiveServer, client: LiveClient): Promise<void> {
  const reconnected = new Promise<void>((resolve) => client.on('state', (state) => state.status === 'connected' && resolve()));
  server.drop();
  await reconnected;
}

function next<T>(client: LiveClient, name: Parameters<LiveClient['once']>[0]): Promise<T> {
  return new Promise((resolve) => client.once(name, ((value: T) => resolve(value)) as never));
}

const tenMsOfSpeech = pcm16ToBase64(new Int16Array(240).fill(1000));

describe('LiveClient over WebSocket', () => {
  it('starts with session.start on a URL without ?model=, then holds a spoken exchange with a delegated tool call and a barge-in', async () => {
    const started: string[] = [];
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'Weather for a city.',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => {
        started.push(city);
        // Both calls are running before either finishes: they run concurrently.
        await vi.waitFor(() => expect(started).toHaveLength(2));
        return { city, sky: 'clear' };
      },
    });
    const { server, client } = await setup({
      session: { instructions: 'Be brief.', delegation: { type: 'responses', responses: { model: 'gpt-5.2', tools: [{ type: 'web_search' }] } } },
      tools: [getWeather],
    });
    const sink = new RecordingSink();
    client.attachOutput(sink);
    await client.connect();

    const start = await server.waitFor('session.start');
    expect(start.path).toBe('/v1/live/sessions');
    const session = start.session as { model: string; delegation: { responses: { tools: Array<{ type: string; name?: string }> } } };
    expect(session.model).toBe('gpt-live-1');
    // Hosted tools the config declares stay; the registry's function tools join them.
    expect(session.delegation.responses.tools.map((tool) => tool.name ?? tool.type)).toEqual(['web_search', 'get_weather']);
    expect(client.state).toEqual({ status: 'connected', sessionId: 'live_scripted1' });

    // Audio streams continuously.
    expect(client.appendInputAudio(new Int16Array(240))).toBe(true);
    await server.waitFor('session.input_audio.append');

    // The user asks; fragments become a user turn.
    const userTurnEnded = next<{ speaker: string; text: string; endReason: string }>(client, 'turn');
    server.send({ type: 'session.input_transcript.delta', delta: 'Weather in Paris ', start_ms: 0, end_ms: 200 });
    server.send({ type: 'session.input_transcript.delta', delta: 'and Rome?', start_ms: 200, end_ms: 400 });

    // The model delegates; the Responses model calls the tool twice.
    server.send({ type: 'session.delegation.created', delegation: { id: 'del_1', type: 'delegation', target: 'responses', response_id: 'resp_1' }, offset_ms: 400 });
    server.send({ type: 'response.event', delegation_id: 'del_1', event: { type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } } });
    for (const [index, city] of ['Paris', 'Rome'].entries()) {
      server.send({
        type: 'response.event',
        delegation_id: 'del_1',
        event: { type: 'response.output_item.done', output_index: index, item: { type: 'function_call', id: `fc_${index}`, call_id: `call_${city}`, name: 'get_weather', arguments: JSON.stringify({ city }), status: 'completed' } },
      });
    }
    server.send({ type: 'response.event', delegation_id: 'del_1', event: { type: 'response.completed', response: { id: 'resp_1', status: 'completed' } } });
    await server.waitFor('response.create');
    const answers = server.received.filter((event) => event.type === 'response.item.create' || event.type === 'response.create');
    expect(answers.map((event) => event.type)).toEqual(['response.item.create', 'response.item.create', 'response.create']);
    expect(answers.slice(0, 2).map((event) => event.item)).toEqual([
      { type: 'function_call_output', call_id: 'call_Paris', output: '{"city":"Paris","sky":"clear"}' },
      { type: 'function_call_output', call_id: 'call_Rome', output: '{"city":"Rome","sky":"clear"}' },
    ]);

    // The model speaks: the user's turn ends on the speaker change; audio goes to the sink.
    server.send({ type: 'session.output_transcript.delta', delta: 'Paris is clear, ', start_ms: 900, end_ms: 1100 });
    for (let index = 0; index < 50; index += 1) server.send({ type: 'session.output_audio.delta', delta: tenMsOfSpeech });
    expect(await userTurnEnded).toMatchObject({ speaker: 'user', text: 'Weather in Paris and Rome?', endReason: 'speaker_change' });
    await vi.waitFor(() => expect(sink.chunks).toHaveLength(50));
    expect(sink.chunks[0]).toMatchObject({ sampleRate: 24000, itemId: 'live_scripted1:0' });

    // The user speaks over it: local playback stops (there is no truncate in Live).
    const interrupted = next<{ reason: string; flushed: boolean; playedMs: number }>(client, 'interrupted');
    server.send({ type: 'session.input_transcript.delta', delta: 'Thanks!', start_ms: 1150, end_ms: 1350 });
    expect(await interrupted).toEqual({ reason: 'speech', flushed: true, playedMs: 100 });
    expect(sink.flushes).toBe(1);
    // Nothing was sent to cancel anything: Live has no such event.
    expect(server.received.map((event) => event.type)).not.toContain('response.cancel');
    expect(client.transcript.turns.map((turn) => [turn.speaker, turn.text])).toEqual([
      ['user', 'Weather in Paris and Rome?'],
      ['assistant', 'Paris is clear, '],
      ['user', 'Thanks!'],
    ]);

    // Usage is cumulative seconds, priced per minute.
    const usage = next<{ seconds: number; estimatedCostUsd: number }>(client, 'usage');
    server.send({ type: 'session.usage.updated', usage: { seconds: 30 }, context_window: { usage_ratio: 0.1 } });
    expect(await usage).toMatchObject({ seconds: 30, estimatedCostUsd: 0.025, contextUsageRatio: 0.1 });

    await client.close();
    expect(client.state).toMatchObject({ status: 'closed' });
    expect(client.usage.seconds).toBe(42);
  });

  it('answers parallel calls with one response.create after the last, even when the first is answered before the second has streamed', async () => {
    const getWeather = defineTool({ name: 'get_weather', description: 'Weather for a city.', parameters: z.object({ city: z.string() }), execute: ({ city }) => ({ city, sky: 'clear' }) });
    const { server, client } = await setup({ session: { delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } }, tools: [getWeather] });
    await client.connect();
    const nested = (event: Record<string, unknown>) => server.send({ type: 'response.event', delegation_id: 'del_1', event: { response_id: 'resp_1', ...event } });
    const call = (index: number, city: string, done: boolean) => ({
      type: 'function_call',
      id: `fc_${index}`,
      call_id: `call_${city}`,
      name: 'get_weather',
      arguments: done ? JSON.stringify({ city }) : '',
      status: done ? 'completed' : 'in_progress',
    });
    // The first call is done and answered here while the second is still streaming its arguments.
    const firstAnswered = next<{ callId: string }>(client, 'toolResult');
    nested({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } });
    nested({ type: 'response.output_item.added', output_index: 0, item: call(0, 'Paris', false) });
    nested({ type: 'response.output_item.done', output_index: 0, item: call(0, 'Paris', true) });
    nested({ type: 'response.output_item.added', output_index: 1, item: call(1, 'Rome', false) });
    expect(await firstAnswered).toMatchObject({ callId: 'call_Paris' });
    nested({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '{"city":"Rome"}' });
    nested({ type: 'response.output_item.done', output_index: 1, item: call(1, 'Rome', true) });
    await server.waitFor('response.create');
    // A marker after everything the client sent so far (one socket keeps the order).
    client.mute();
    await server.waitFor('session.input_audio.mute');
    const sent = server.received.filter((event) => event.type.startsWith('response.') || event.type === 'session.input_audio.mute');
    expect(sent.map((event) => (event.type === 'response.item.create' ? `${event.type} ${(event.item as { call_id: string }).call_id}` : event.type))).toEqual([
      'response.item.create call_Paris',
      'response.item.create call_Rome',
      'response.create',
      'session.input_audio.mute',
    ]);
  });

  it('keeps a delegated tool call running through a barge-in and answers it; a session that ends stops it and nothing goes to the next', async () => {
    const gates: Array<{ city: string; signal: AbortSignal; release: () => void }> = [];
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'Weather for a city.',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }, { signal }) => new Promise((resolve) => gates.push({ city, signal, release: () => resolve({ city, sky: 'clear' }) })),
    });
    const { server, client } = await setup({ session: { delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } }, tools: [getWeather] });
    const toolErrors: Array<{ callId: string; error: { code: string } }> = [];
    client.on('toolError', (event) => toolErrors.push(event as never));
    client.attachOutput(new RecordingSink());
    await client.connect();
    const delegate = (delegation: string, city: string) =>
      server.send({
        type: 'response.event',
        delegation_id: delegation,
        event: { type: 'response.output_item.done', response_id: `resp_${delegation}`, output_index: 0, item: { type: 'function_call', id: `fc_${city}`, call_id: `call_${city}`, name: 'get_weather', arguments: JSON.stringify({ city }), status: 'completed' } },
      });

    // The call runs while the model talks, and the user speaks over the model.
    delegate('del_1', 'Paris');
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    const interrupted = next(client, 'interrupted');
    server.send({ type: 'session.output_transcript.delta', delta: 'Let me check the weather for you, one moment please.', start_ms: 1000, end_ms: 4000 });
    // Two seconds of speech still playing here when the user's words arrive.
    for (let index = 0; index < 200; index += 1) server.send({ type: 'session.output_audio.delta', delta: tenMsOfSpeech });
    server.send({ type: 'session.input_transcript.delta', delta: 'Actually, hurry up.', start_ms: 1100, end_ms: 1600 });
    await interrupted;
    // GPT-Live does not cancel backend work on barge-in: the call goes on and is answered.
    expect(gates[0]!.signal.aborted).toBe(false);
    gates[0]!.release();
    await server.waitFor('response.create');
    expect(server.received.filter((event) => event.type === 'response.item.create').map((event) => event.item)).toEqual([
      { type: 'function_call_output', call_id: 'call_Paris', output: '{"city":"Paris","sky":"clear"}' },
    ]);
    expect(toolErrors).toEqual([]);

    // A second call is running when the session drops: it is stopped, and its late result goes nowhere.
    delegate('del_2', 'Rome');
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    await dropAndReconnect(server, client);
    expect(gates[1]!.signal.aborted).toBe(true);
    expect(toolErrors).toMatchObject([{ callId: 'call_Rome', error: { code: 'VOXWIRE_ABORTED' } }]);
    gates[1]!.release();
    // A marker on the new session after anything the late result could have sent.
    client.mute();
    await server.waitFor('session.input_audio.mute');
    expect(server.received.filter((event) => event.type === 'response.item.create')).toHaveLength(1);
    expect(server.received.filter((event) => event.type === 'response.create')).toHaveLength(1);
  });

  it('streams an attached audio source (a microphone) over the WebSocket, continuously, until it is detached; one source at a time', async () => {
    const { server, client } = await setup();
    /** A microphone: whoever subscribed gets each chunk. */
    const microphone = () => {
      let listener: ((chunk: Int16Array | Uint8Array) => void) | undefined;
      return { subscribe: (onChunk: (chunk: Int16Array | Uint8Array) => void) => ((listener = onChunk), () => (listener = undefined)), push: (chunk: Int16Array) => listener?.(chunk), get attached() { return listener !== undefined; } };
    };
    const first = microphone();
    const detachFirst = client.attachInput(first);
    // Before the session is live nothing is sent (GPT-Live listens from session.started on).
    first.push(new Int16Array(240).fill(7));
    await client.connect();
    const speech = new Int16Array(2400).fill(1000);
    first.push(speech);
    first.push(new Int16Array(2400));
    await vi.waitFor(() => expect(server.received.filter((event) => event.type === 'session.input_audio.append')).toHaveLength(2));
    expect(server.received.filter((event) => event.type === 'session.input_audio.append').map((event) => event.audio)).toEqual([pcm16ToBase64(speech), pcm16ToBase64(new Int16Array(2400))]);
    // A second source replaces the first.
    const second = microphone();
    client.attachInput(second);
    expect(first.attached).toBe(false);
    second.push(new Int16Array(240).fill(5));
    detachFirst(); // detaching a replaced source does nothing
    expect(second.attached).toBe(true);
    await vi.waitFor(() => expect(server.received.filter((event) => event.type === 'session.input_audio.append')).toHaveLength(3));
    client.attachInput(second)();
    expect(second.attached).toBe(false);
    // A marker after anything the detached source could have sent.
    second.push(new Int16Array(240).fill(9));
    client.mute();
    await server.waitFor('session.input_audio.mute');
    expect(server.received.filter((event) => event.type === 'session.input_audio.append').map((event) => event.audio)).toEqual([pcm16ToBase64(speech), pcm16ToBase64(new Int16Array(2400)), pcm16ToBase64(new Int16Array(240).fill(5))]);
  });

  it('passes unknown events and unknown nested response.event types through', async () => {
    const { server, client } = await setup();
    const seen: unknown[] = [];
    const nested: unknown[] = [];
    const errors: unknown[] = [];
    client.on('*', (event) => seen.push(event));
    client.on('response.event', (event) => nested.push(event.event));
    client.on('error', (error) => errors.push(error));
    await client.connect();
    server.send({ type: 'session.brand_new_event', payload: { deep: [1, 2] } });
    server.send({ type: 'response.event', delegation_id: 'del_9', event: { type: 'response.future_thing.delta', delta: { x: 1 } } });
    server.send({ type: 'info', code: 'done_marker', message: 'end' });
    await vi.waitFor(() => expect(seen.some((event) => (event as { type: string }).type === 'info')).toBe(true));
    expect(seen).toContainEqual(expect.objectContaining({ type: 'session.brand_new_event', payload: { deep: [1, 2] } }));
    expect(nested).toEqual([{ type: 'response.future_thing.delta', delta: { x: 1 } }]);
    expect(errors).toEqual([]);
    expect(client.state.status).toBe('connected');
  });

  it('answers a client delegation with the transcript since the last one, as commentary acknowledged by the server', async () => {
    const requests: Array<{ text: string; delegationId: string }> = [];
    const { server, client } = await setup({
      delegate: ({ text, delegation }) => {
        requests.push({ text, delegationId: delegation.id });
        return { think: 'Order 42 shipped Monday.', speak: 'Your order shipped on Monday.' };
      },
    });
    await client.connect();
    server.send({ type: 'session.input_transcript.delta', delta: 'Where is my order?', start_ms: 0, end_ms: 400 });
    server.send({ type: 'session.delegation.created', delegation: { id: 'del_a', type: 'delegation', target: 'client' }, offset_ms: 400 });
    const result = await next<{ status: string; appended: unknown[] }>(client, 'delegationResult');
    expect(result).toMatchObject({ status: 'delivered', appended: [{ startMs: 100, endMs: 100 }, { startMs: 200, endMs: 200 }] });
    const thinking = server.received.find((event) => event.type === 'session.thinking.append');
    const commentary = server.received.find((event) => event.type === 'session.commentary.append');
    expect(thinking).toMatchObject({ content: 'Order 42 shipped Monday.', delegation_id: 'del_a' });
    expect(commentary).toMatchObject({ content: 'Your order shipped on Monday.', delegation_id: 'del_a' });

    // The second delegation sees only what was said since the first.
    server.send({ type: 'session.output_transcript.delta', delta: 'It shipped Monday.', start_ms: 600, end_ms: 900 });
    server.send({ type: 'session.input_transcript.delta', delta: 'And the invoice?', start_ms: 1000, end_ms: 1300 });
    server.send({ type: 'session.delegation.created', delegation: { id: 'del_b', type: 'delegation', target: 'client' }, offset_ms: 1300 });
    await next(client, 'delegationResult');
    expect(requests).toEqual([
      { text: 'user: Where is my order?', delegationId: 'del_a' },
      { text: 'assistant: It shipped Monday.\nuser: And the invoice?', delegationId: 'del_b' },
    ]);
  });

  it('stamps events that come in the same network chunk as session.started with the new session (a delegation there is answered, not orphaned)', async () => {
    const server = await startScriptedLiveServer({
      onEvent: (event, reply, together) => {
        if (event.type !== 'session.start') return false;
        together(() => {
          reply({ type: 'session.started', client_event_id: event.event_id, session: { model: 'gpt-live-1', id: 'live_chunked', status: 'active', expires_at: 2_000_000_000 } });
          reply({ type: 'session.output_transcript.delta', delta: 'Welcome back.', start_ms: 0, end_ms: 300 });
          reply({ type: 'session.delegation.created', delegation: { id: 'del_chunked', type: 'delegation', target: 'client' }, offset_ms: 300 });
        });
        return true;
      },
    });
    stoppers.push(() => server.stop());
    const { client } = await setup({ delegate: () => ({ speak: 'Your order shipped on Monday.' }) }, server);
    const result = next<LiveDelegationResult>(client, 'delegationResult');
    await client.connect();
    expect(await result).toMatchObject({ status: 'delivered', delegation: { id: 'del_chunked', sessionId: 'live_chunked' } });
    expect(server.received.find((event) => event.type === 'session.commentary.append')).toMatchObject({ content: 'Your order shipped on Monday.', delegation_id: 'del_chunked' });
    expect(client.transcript.turns.map((turn) => [turn.text, turn.sessionId])).toEqual([['Welcome back.', 'live_chunked']]);
  });

  it('splits long appends into pieces of at most 450 estimated tokens', async () => {
    const { server, client } = await setup();
    await client.connect();
    const long = Array.from({ length: 900 }, (_, index) => `word${index}`).join(' ');
    const appended = await client.appendInstructions(long);
    const pieces = server.received.filter((event) => event.type === 'session.instructions.append').map((event) => event.content as string);
    expect(pieces.length).toBeGreaterThan(1);
    expect(appended).toHaveLength(pieces.length);
    expect(pieces.join('')).toBe(long);
    for (const piece of pieces) expect(Math.ceil(piece.length / 3)).toBeLessThanOrEqual(450);
  });

  it('rejects an append the server refuses, naming the server error', async () => {
    const { client } = await setup(
      {},
      await (async () => {
        const server = await startScriptedLiveServer({
          onEvent: (event, reply) => {
            if (event.type !== 'session.commentary.append') return false;
            reply({ type: 'error', error: { type: 'invalid_request_error', code: 'unknown_delegation', message: 'No such delegation.', client_event_id: event.event_id } });
            return true;
          },
        });
        stoppers.push(() => server.stop());
        return server;
      })(),
    );
    await client.connect();
    await expect(client.appendCommentary('Hello', { delegationId: 'del_gone' })).rejects.toMatchObject({ code: 'VOXWIRE_SERVER_ERROR', serverError: { code: 'unknown_delegation' } });
    expect(client.state.status).toBe('connected');
  });

  it('after a drop, starts a new session seeded with the transcript as input history', async () => {
    const { server, client } = await setup({ session: { input: [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Customer: Ada.' }] }] } });
    await client.connect();
    server.send({ type: 'session.input_transcript.delta', delta: 'My name is Ada.', start_ms: 0, end_ms: 300 });
    server.send({ type: 'session.output_transcript.delta', delta: 'Hello Ada!', start_ms: 500, end_ms: 800 });
    await vi.waitFor(() => expect(client.transcript.length).toBe(2));
    await dropAndReconnect(server, client);
    const starts = server.received.filter((event) => event.type === 'session.start');
    expect(starts).toHaveLength(2);
    expect((starts[1]?.session as { input: unknown }).input).toEqual([
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Customer: Ada.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'My name is Ada.' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello Ada!' }] },
    ]);
    expect(client.state).toEqual({ status: 'connected', sessionId: 'live_scripted2' });
    expect(client.transcript.turns.every((turn) => turn.final)).toBe(true);
  });

  it('after a drop, forks the stored session when the app asked for store: true', async () => {
    const { server, client } = await setup({ session: { store: true } });
    await client.connect();
    await dropAndReconnect(server, client);
    const starts = server.received.filter((event) => event.type === 'session.start');
    expect(starts.map((event) => event.path)).toEqual(['/v1/live/sessions', '/v1/live/sessions/live_scripted1/fork']);
    expect(starts[1]?.session).toEqual({ store: true });
  });

  it('after a drop, seeds a new session with the transcript when the fork of the stored session is refused (an error, or an HTTP 404 upgrade)', async () => {
    for (const refusal of ['error', '404'] as const) {
      const server = await startScriptedLiveServer({
        refuseUpgrade: (path) => (refusal === '404' && path.endsWith('/fork') ? 404 : undefined),
        onEvent: (event, reply) => {
          if (refusal !== 'error' || event.type !== 'session.start' || !event.path.endsWith('/fork')) return false;
          reply({ type: 'error', error: { type: 'invalid_request_error', code: 'session_not_found', message: 'The session was not stored.', client_event_id: event.event_id } });
          return true;
        },
      });
      stoppers.push(() => server.stop());
      const { client } = await setup({ session: { store: true }, reconnect: { initialDelayMs: 10, maxDelayMs: 10, jitter: 'none', maxAttempts: 5 } }, server);
      await client.connect();
      server.send({ type: 'session.input_transcript.delta', delta: 'My name is Ada.', start_ms: 0, end_ms: 300 });
      await vi.waitFor(() => expect(client.transcript.length).toBe(1));
      await dropAndReconnect(server, client);
      const starts = server.received.filter((event) => event.type === 'session.start');
      // The fork was tried once (refused), then a plain session seeded with the transcript.
      expect(starts.map((event) => event.path), refusal).toEqual(refusal === 'error' ? ['/v1/live/sessions', '/v1/live/sessions/live_scripted1/fork', '/v1/live/sessions'] : ['/v1/live/sessions', '/v1/live/sessions']);
      expect((starts.at(-1)?.session as { input: unknown }).input, refusal).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'My name is Ada.' }] }]);
      client.disconnect();
    }
  });

  it('does not send a late client-delegation answer under the id of a session that ended; appends it as thinking when asked', async () => {
    let release: (() => void) | undefined;
    const { server, client } = await setup({
      orphanedResults: 'thinking',
      delegate: () => new Promise<string>((resolve) => (release = () => resolve('The answer is 7.'))),
    });
    await client.connect();
    server.send({ type: 'session.delegation.created', delegation: { id: 'del_old', type: 'delegation', target: 'client' }, offset_ms: 0 });
    await vi.waitFor(() => expect(release).toBeDefined());
    await dropAndReconnect(server, client);
    release?.();
    const result = await next<{ status: string; error: { code: string } }>(client, 'delegationResult');
    expect(result).toMatchObject({ status: 'orphaned', error: { code: 'VOXWIRE_DELEGATION_ORPHANED' } });
    expect(server.received.filter((event) => event.type === 'session.commentary.append')).toEqual([]);
    expect(server.received.find((event) => event.type === 'session.thinking.append')).toMatchObject({ content: 'The answer is 7.', delegation_id: null });
  });

  it('refuses tools without Responses delegation before any network call', () => {
    const tool = defineTool({ name: 'noop', description: 'Nothing.', parameters: z.object({}), execute: () => 'ok' });
    expect(() => new LiveClient({ tools: [tool], logger: silentLogger })).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT', path: 'session.delegation' }));
  });

  it('rejects connect() with the server error when session.start is refused', async () => {
    const server = await startScriptedLiveServer({
      onEvent: (event, reply) => {
        if (event.type !== 'session.start') return false;
        reply({ type: 'error', error: { type: 'invalid_request_error', code: 'model_not_found', message: 'No such model.', param: 'session.model' } });
        return true;
      },
    });
    stoppers.push(() => server.stop());
    const { client } = await setup({ session: { model: 'gpt-live-9' } }, server);
    await expect(client.connect()).rejects.toMatchObject({ code: 'VOXWIRE_SERVER_ERROR', serverError: { code: 'model_not_found' } });
    expect(client.state).toMatchObject({ status: 'closed' });
  });
});
