import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { RealtimeClient } from '../../src/client/client';
import { silentLogger } from '../../src/base/logger';
import { exponentialBackoff } from '../../src/client/reconnect';
import { defineTool } from '../../src/tools/define-tool';
import type { ClientEventMap, ConversationItemInput, FunctionTool, RealtimeSessionConfig } from '../../src/events';

type FunctionCallOutputInput = Extract<ConversationItemInput, { type: 'function_call_output' }>;
import { MockRealtimeServer } from '../../src/testing/mock/server';
import type { MockRealtimeServerOptions } from '../../src/testing/mock/server-options';
import { useCleanup } from '../helpers/index';

const { stoppers } = useCleanup();

async function setup(options: MockRealtimeServerOptions, clientOptions: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}) {
  const server = new MockRealtimeServer({ audioPace: 'instant', ...options });
  const { url } = await server.start();
  stoppers.push(() => server.stop());
  const client = new RealtimeClient({
    url,
    logger: silentLogger,
    reconnect: exponentialBackoff({ initialDelayMs: 5, jitter: 'none' }),
    ...clientOptions,
  });
  stoppers.push(() => client.disconnect());
  await client.connect();
  return { server, client };
}

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Get the weather for a city.',
  parameters: z.object({ location: z.string() }),
  execute: async ({ location }) => ({ location, celsius: 18, sky: 'sunny' }),
});

function outputs(server: MockRealtimeServer) {
  return server
    .filter({ type: 'conversation.item.create', item: { type: 'function_call_output' } }, { direction: 'received' })
    .map((entry) => (entry.event as unknown as ClientEventMap['conversation.item.create']).item as FunctionCallOutputInput);
}

describe('tools end to end over the mock server', () => {
  it('declares the tool, runs a single call and answers with one response.create', async () => {
    const { server, client } = await setup(
      {
        scenario: {
          turns: [
            { reply: { functionCalls: [{ name: 'get_weather', arguments: { location: 'Paris' }, callId: 'call_1' }] } },
            { reply: { text: "It's 18 degrees and sunny in Paris.", audio: 'reply-weather' } },
          ],
        },
      },
      { tools: [getWeather] },
    );
    const update = server.filter({ type: 'session.update' }, { direction: 'received' })[0]?.event as unknown as ClientEventMap['session.update'];
    const tools = ((update.session as RealtimeSessionConfig).tools ?? []) as FunctionTool[];
    expect(tools.map((tool) => tool.name)).toEqual(['get_weather']);
    expect(tools[0]?.parameters).toMatchObject({ type: 'object', properties: { location: { type: 'string' } }, required: ['location'] });

    const results: unknown[] = [];
    client.on('toolResult', (event) => results.push(event));
    client.sendText('Weather in Paris?');
    await server.waitFor('response.done', { direction: 'sent', nth: 2 });
    expect(outputs(server)).toEqual([{ type: 'function_call_output', call_id: 'call_1', output: '{"location":"Paris","celsius":18,"sky":"sunny"}' }]);
    expect(server.filter('response.create', { direction: 'received' })).toHaveLength(2);
    expect(results).toHaveLength(1);
  });

  it('runs parallel calls concurrently and sends one response.create after all outputs', async () => {
    let running = 0;
    let maxRunning = 0;
    const slow = defineTool({
      name: 'slow',
      description: 'Takes a moment.',
      parameters: { type: 'object', properties: { n: { type: 'number' } } },
      execute: async (args) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 50));
        running -= 1;
        return `done ${String(args.n)}`;
      },
    });
    const { server, client } = await setup(
      {
        scenario: {
          turns: [
            { reply: { functionCalls: [{ name: 'slow', arguments: { n: 1 } }, { name: 'slow', arguments: { n: 2 } }] } },
            { reply: { text: 'Both done.' } },
          ],
        },
      },
      { tools: [slow] },
    );
    client.sendText('do two things');
    await server.waitFor('response.done', { direction: 'sent', nth: 2 });
    expect(maxRunning).toBe(2);
    expect(outputs(server).map((item) => item.output).sort()).toEqual(['done 1', 'done 2']);
    const created = server.filter('response.create', { direction: 'received' });
    expect(created).toHaveLength(2);
    const lastOutputSeq = Math.max(...server.filter({ type: 'conversation.item.create', item: { type: 'function_call_output' } }, { direction: 'received' }).map((e) => e.seq));
    expect(created[1]?.seq).toBeGreaterThan(lastOutputSeq);
  });

  it('answers a throwing tool and bad arguments with error outputs, and the conversation goes on', async () => {
    const broken = defineTool({
      name: 'broken',
      description: 'Always fails.',
      parameters: z.object({}),
      execute: async () => {
        throw new Error('database is down');
      },
    });
    const { server, client } = await setup(
      {
        scenario: {
          turns: [
            { reply: { functionCalls: [{ name: 'broken', arguments: {} }, { name: 'get_weather', arguments: '{"location": 42' }, { name: 'nope' }] } },
            { reply: { text: 'Sorry, something failed.' } },
          ],
        },
      },
      { tools: [broken, getWeather] },
    );
    const errors: string[] = [];
    client.on('toolError', (event) => errors.push(event.error.code));
    client.sendText('try things');
    await server.waitFor('response.done', { direction: 'sent', nth: 2 });
    const sent = outputs(server).map((item) => JSON.parse(item.output) as { error: string });
    expect(sent).toHaveLength(3);
    for (const output of sent) expect(typeof output.error).toBe('string');
    expect(sent.map((o) => o.error).join(' ')).toContain('database is down');
    expect(errors.sort()).toEqual(['VOXWIRE_TOOL_FAILED', 'VOXWIRE_TOOL_INVALID_ARGUMENTS', 'VOXWIRE_TOOL_NOT_FOUND']);
    expect(client.state.status).toBe('connected');
  });

  it('aborts a running call on interrupt and answers it as cancelled, with no follow-up response', async () => {
    let aborted = false;
    const hang = defineTool({
      name: 'hang',
      description: 'Never finishes on its own.',
      parameters: z.object({}),
      execute: (_args, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    });
    const { server, client } = await setup({ scenario: { turns: [{ reply: { functionCalls: [{ name: 'hang', callId: 'call_h' }] } }] } }, { tools: [hang] });
    const started = new Promise<void>((resolve) => client.once('toolCall', () => resolve()));
    client.sendText('go');
    await started;
    await client.interrupt();
    await server.waitFor({ type: 'conversation.item.create', item: { type: 'function_call_output' } }, { direction: 'received' });
    expect(aborted).toBe(true);
    expect(JSON.parse(outputs(server)[0]?.output ?? '{}')).toEqual({ error: 'cancelled' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.filter('response.create', { direction: 'received' })).toHaveLength(1);
  });

  it('runs a call exactly once across a reconnect and sends nothing to the new session', async () => {
    let executions = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const once = defineTool({
      name: 'once',
      description: 'Counts executions.',
      parameters: z.object({}),
      execute: async (_args, { signal }) => {
        executions += 1;
        await Promise.race([gate, new Promise((resolve) => signal.addEventListener('abort', resolve))]);
        return 'late';
      },
    });
    const { server, client } = await setup(
      { scenario: { turns: [{ reply: { functionCalls: [{ name: 'once', callId: 'call_once' }] } }] } },
      { tools: [once] },
    );
    const started = new Promise<void>((resolve) => client.once('toolCall', () => resolve()));
    client.sendText('go');
    await started;
    const reconnected = new Promise<void>((resolve) => client.on('state', (s) => s.status === 'connected' && resolve()));
    server.dropConnections();
    await reconnected;
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(executions).toBe(1);
    expect(outputs(server)).toEqual([]);
    const call = client.conversation.entries.find((entry) => entry.type === 'function_call');
    expect(call?.status).toBe('cancelled');
  });

  it('syncs additions and removals to the session with one debounced session.update', async () => {
    const { server, client } = await setup({}, { tools: [getWeather] });
    const mark = server.mark();
    const extra = defineTool({ name: 'extra', description: 'x', parameters: z.object({}), execute: async () => 'ok' });
    client.tools.add(extra);
    client.tools.remove('get_weather');
    await server.waitFor('session.updated', { direction: 'sent', since: mark });
    await new Promise((resolve) => setTimeout(resolve, 60));
    const updates = server.filter('session.update', { direction: 'received', since: mark });
    expect(updates).toHaveLength(1);
    const session = (updates[0]?.event as unknown as ClientEventMap['session.update']).session;
    expect((((session as RealtimeSessionConfig).tools ?? []) as FunctionTool[]).map((t) => t.name)).toEqual(['extra']);
    expect(client.session?.tools?.map((t) => ('name' in t ? t.name : ''))).toEqual(['extra']);
  });

  it('declares a zod mini tool, converting its schema when the session opens', async () => {
    const add = defineTool({
      name: 'add',
      description: 'Adds two numbers.',
      parameters: zm.object({ a: zm.number(), b: zm.optional(zm.number()) }),
      execute: ({ a, b = 0 }) => a + b,
    });
    const { server } = await setup({}, { tools: [add] });
    const update = server.filter({ type: 'session.update' }, { direction: 'received' })[0]?.event as unknown as ClientEventMap['session.update'];
    const tools = ((update.session as RealtimeSessionConfig).tools ?? []) as FunctionTool[];
    expect(tools).toEqual([
      { type: 'function', name: 'add', description: 'Adds two numbers.', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a'] } },
    ]);
  });

  it('refuses to connect, before any network call, with a zod mini schema zod cannot convert', async () => {
    const server = new MockRealtimeServer({ audioPace: 'instant' });
    const { url } = await server.start();
    stoppers.push(() => server.stop());
    const when = defineTool({ name: 'when', description: 'A date.', parameters: zm.object({ at: zm.date() }), execute: () => 'ok' });
    const client = new RealtimeClient({ url, logger: silentLogger, tools: [when] });
    stoppers.push(() => client.disconnect());
    const error = await client.connect().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: 'RealtimeError', code: 'VOXWIRE_INVALID_ARGUMENT', message: expect.stringMatching(/^defineTool\("when"\): `parameters` cannot be converted/) });
    expect(server.connections).toHaveLength(0);
  });

  it('reports a zod mini tool added live that zod cannot convert as an error event; the session keeps its tools', async () => {
    const { server, client } = await setup({}, { tools: [getWeather] });
    const mark = server.mark();
    const errors: unknown[] = [];
    client.on('error', (error) => errors.push(error));
    client.tools.add(defineTool({ name: 'when', description: 'A date.', parameters: zm.object({ at: zm.date() }), execute: () => 'ok' }));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT', message: expect.stringContaining('defineTool("when")') });
    expect(server.filter('session.update', { direction: 'received', since: mark })).toHaveLength(0);
    expect(client.session?.tools?.map((t) => ('name' in t ? t.name : ''))).toEqual(['get_weather']);
  });
});
