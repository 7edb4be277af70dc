import { ws } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RealtimeClient } from '../../../src/client/client';
import type { ClientState } from '../../../src/client/client-events';
import { isRealtimeError } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { exponentialBackoff } from '../../../src/client/reconnect';
import { defineTool } from '../../../src/tools/define-tool';
import { WebSocketTransport } from '../../../src/transport/websocket';
import { realtimeProtocol } from '../../../src/transport/realtime-protocol';
import { expectEvent } from '../../../src/testing/assert/expect';
import { createGlobalWebSocket, ensureGlobalWebSocket, realtimeHandlers } from '../../../src/testing/mock/msw';
import { createScenario } from '../../../src/testing/script/scenario';

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Get the weather for a city.',
  parameters: z.object({ location: z.string() }),
  execute: async ({ location }) => ({ location, celsius: 18, sky: 'sunny' }),
});

const weather = realtimeHandlers(
  createScenario('weather over msw')
    .turn((t) => t.calls('get_weather', { location: 'Paris' }, { callId: 'call_msw_1' }))
    .turn((t) => t.plays('reply-weather'))
    .build(),
  { ws },
);
const relay = realtimeHandlers(createScenario().turn((t) => t.says('Hello from the relay.')).build(), {
  ws,
  url: 'wss://relay.example.test/realtime',
});
const server = setupServer(...weather, ...relay);
let globalKind: string;

beforeAll(async () => {
  // Node 20 has no global WebSocket: msw can only patch one that exists when listen() runs.
  globalKind = await ensureGlobalWebSocket();
  server.listen({ onUnhandledRequest: 'error' });
});
afterAll(async () => {
  server.close();
  await weather.mock.stop();
  await relay.mock.stop();
});

const clients: RealtimeClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

function mswClient(options: { url?: string; reconnect?: boolean; tools?: boolean } = {}): RealtimeClient {
  const transport = new WebSocketTransport({ protocol: realtimeProtocol,
    apiKey: 'sk-test-msw',
    ...(options.url === undefined ? {} : { url: options.url, model: 'gpt-realtime-2.1' }),
    createWebSocket: createGlobalWebSocket,
  });
  const client = new RealtimeClient({
    transport,
    logger: silentLogger,
    tools: options.tools === false ? [] : [getWeather],
    reconnect: options.reconnect === false ? false : exponentialBackoff({ initialDelayMs: 5, jitter: 'none' }),
  });
  clients.push(client);
  return client;
}

describe('realtimeHandlers (msw 2, Node)', () => {
  it('has a global WebSocket for msw to patch (installed from `ws` on Node 20)', () => {
    expect(['native', 'ws']).toContain(globalKind);
    expect(typeof globalThis.WebSocket).toBe('function');
  });

  it("intercepts the SDK's WebSocket: a tool round trip runs against the mock session, with no server listening", async () => {
    const client = mswClient();
    await client.connect();
    expect(client.state.status).toBe('connected');
    // The mock behind the handlers never listens on a port: msw answered the connection.
    expect(weather.mock.url).toBeUndefined();
    expect(weather.mock.connections).toHaveLength(1);
    const connection = weather.mock.connections[0]!;
    expect(connection.url).toBe('/v1/realtime?model=gpt-realtime-2.1');
    expect(connection.model).toBe('gpt-realtime-2.1');
    expect(connection.apiKey).toBe('sk-test-msw');
    expect(connection.authVia).toBe('subprotocol');
    expect(connection.protocol).toBe('realtime');

    const transcripts: string[] = [];
    client.on('transcript', (update) => update.final && update.role === 'assistant' && transcripts.push(update.text));
    client.sendText("What's the weather in Paris?");
    await weather.mock.waitFor('response.done', { direction: 'sent', nth: 2, timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 20));

    expectEvent(weather.mock, { type: 'session.update', session: { tools: [{ name: 'get_weather' }] } }, { direction: 'received' });
    const output = expectEvent(weather.mock, { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_msw_1' } }, { direction: 'received' });
    expect((output.event as unknown as { item: { output: string } }).item.output).toBe('{"location":"Paris","celsius":18,"sky":"sunny"}');
    expectEvent(weather.mock, 'response.create', { direction: 'received', count: 2 });
    expect(transcripts).toEqual(["It's 18 degrees and sunny in Paris."]);
  });

  it('intercepts a relay URL of your own through the `url` option', async () => {
    const client = mswClient({ url: 'wss://relay.example.test/realtime', tools: false });
    await client.connect();
    const done = relay.mock.waitFor('response.done', { direction: 'sent' });
    client.sendText('Hi');
    await done;
    expect(relay.mock.connections.at(-1)?.url).toBe('/realtime?model=gpt-realtime-2.1');
    expect(client.conversation.entries.at(-1)?.text).toBe('Hello from the relay.');
  });

  it('drops and expires through msw exactly as on loopback: 1006 reconnects, session_expired ends the session', async () => {
    const client = mswClient({ tools: false });
    await client.connect();
    const before = weather.mock.connections.length;
    const states: ClientState[] = [];
    client.on('state', (state) => states.push(state));

    expect(weather.mock.dropConnections()).toBe(1);
    await new Promise<void>((resolve) => client.on('state', (state) => state.status === 'connected' && resolve()));
    expect(states.map((state) => state.status)).toEqual(['reconnecting', 'connected']);
    expect(states[0]).toMatchObject({ closeCode: 1006 });
    expect(weather.mock.connections).toHaveLength(before + 1);
    expect(weather.mock.connections[before - 1]).toMatchObject({ open: false, closeCode: 1006 });

    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    expect(weather.mock.expireSessions()).toBe(1);
    await new Promise<void>((resolve) => client.on('state', (state) => state.status === 'expired' && resolve()));
    expect(client.state).toEqual({ status: 'expired', reason: 'session_expired' });
    expect(errors).toContain('VOXWIRE_SESSION_EXPIRED');
  });

  it('records what the app sent, invalid events included, in the mock log', async () => {
    const client = mswClient({ tools: false, reconnect: false });
    await client.connect();
    const mark = weather.mock.mark();
    client.transport.send({ type: 'conversation.item.retrieve', item_id: 'item_does_not_exist' });
    const error = await weather.mock.waitFor({ type: 'error' }, { since: mark, direction: 'sent' });
    expect((error.event as unknown as { error: { code: string } }).error.code).toBe('item_not_found');
  });

  it('explains what is missing when options.ws is not given, or there is no global WebSocket', async () => {
    let thrown: unknown;
    try {
      realtimeHandlers(undefined, {} as never);
    } catch (error) {
      thrown = error;
    }
    expect(isRealtimeError(thrown, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
    expect((thrown as Error).message).toContain("import { ws } from 'msw'");

    const saved = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket');
    Object.defineProperty(globalThis, 'WebSocket', { value: undefined, configurable: true, writable: true });
    try {
      expect(() => createGlobalWebSocket('wss://x.test/', { protocols: [], headers: {} })).toThrow(/ensureGlobalWebSocket/);
    } finally {
      if (saved) Object.defineProperty(globalThis, 'WebSocket', saved);
    }
  });
});
