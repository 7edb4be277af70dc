import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import type { RealtimeError } from '../../src/base/errors';
import { isRealtimeError } from '../../src/base/errors';
import { WebSocketTransport } from '../../src/transport/websocket';
import { realtimeProtocol } from '../../src/transport/realtime-protocol';
import { liveProtocol } from '../../src/live/live-protocol';
import type { WebSocketLike } from '../../src/transport/websocket';
import { until, useCleanup } from '../helpers/index';
import { sessionCreated, startLoopbackServer } from '../helpers/loopback';

const { stoppers, startMock } = useCleanup();

function track(transport: WebSocketTransport): WebSocketTransport {
  stoppers.push(() => transport.close());
  return transport;
}

/** A global-WebSocket-like constructor (what browsers and msw offer): no headers, protocols only. */
const browserLike = (url: string, init: { protocols: string[] }): WebSocketLike => new WsWebSocket(url, init.protocols) as unknown as WebSocketLike;

describe('WebSocketTransport', () => {
  it('authenticates with the Authorization header through ws in Node', async () => {
    const { server, url } = await startMock();
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url, apiKey: 'sk-header' }));
    await transport.connect();
    expect(transport.isOpen).toBe(true);
    expect(server.connections[0]).toMatchObject({ authVia: 'header', apiKey: 'sk-header' });
    expect(server.connections[0]?.headers['sec-websocket-extensions']).toBeUndefined();
  });

  it('offers the realtime and insecure-key subprotocols through a custom factory', async () => {
    const { server, url } = await startMock({ auth: { apiKey: 'ek_browser' } });
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url, apiKey: 'ek_browser', createWebSocket: browserLike }));
    await transport.connect();
    expect(server.connections[0]).toMatchObject({ authVia: 'subprotocol', apiKey: 'ek_browser', protocol: 'realtime' });
  });

  it("speaks its own protocol, else the one connect() is given (the client's); with neither it refuses before dialing", async () => {
    const { server, url } = await startMock();
    const bare = new WebSocketTransport({ url });
    const refused = await bare.connect().catch((error: unknown) => error);
    expect(isRealtimeError(refused, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
    expect((refused as RealtimeError).message).toBe('WebSocketTransport.connect(): no protocol; pass `protocol` (e.g. realtimeProtocol) or connect through a client.');
    expect(server.connections).toHaveLength(0);

    const given = track(new WebSocketTransport({ url }));
    const seen: string[] = [];
    given.on('event', (event, known) => seen.push(`${event.type} known=${String(known)}`));
    await given.connect({ protocol: realtimeProtocol });
    await until(() => seen.includes('session.created known=true'), 'session.created parsed as a Realtime event');

    // A transport built for GPT-Live keeps its protocol whatever a client passes: the Realtime
    // server's session.created is not a Live event.
    const own = track(new WebSocketTransport({ url, protocol: liveProtocol }));
    const ownSeen: string[] = [];
    own.on('event', (event, known) => ownSeen.push(`${event.type} known=${String(known)}`));
    await own.connect({ protocol: realtimeProtocol });
    await until(() => ownSeen.includes('session.created known=false'), 'session.created delivered as an unknown Live event');
  });

  it('calls the key provider on every connect', async () => {
    const { server, url } = await startMock();
    let calls = 0;
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url, apiKey: async () => `ek_${++calls}` }));
    await transport.connect();
    transport.close();
    await new Promise((resolve) => transport.once('close', () => resolve(undefined)));
    await transport.connect();
    expect(calls).toBe(2);
    expect(server.connections.map((c) => c.apiKey)).toEqual(['ek_1', 'ek_2']);
  });

  it('connects to a relay URL with a query token and no key at all', async () => {
    const { server, url } = await startMock();
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url: `${url}?token=user-123` }));
    await transport.connect();
    expect(server.connections[0]?.authVia).toBe('none');
    expect(server.connections[0]?.url).toContain('token=user-123');
    expect(server.connections[0]?.url).not.toContain('model=');
  });

  it('offers extra subprotocols, e.g. a relay auth token', async () => {
    let offered: string[] = [];
    const server = await startLoopbackServer(
      (socket) => socket.send(sessionCreated()),
      {
        handleProtocols: (protocols) => {
          offered = [...protocols];
          return 'relay-v1';
        },
      },
    );
    stoppers.push(server.stop);
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url: server.url, protocols: ['relay-v1', 'token.abc'] }));
    await transport.connect();
    expect(offered).toEqual(['relay-v1', 'token.abc']);
  });

  it('builds the default URL with the model', () => {
    expect(new WebSocketTransport().url).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime-2.1');
    expect(new WebSocketTransport({ protocol: realtimeProtocol, model: 'gpt-realtime-2.1-mini' }).url).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime-2.1-mini');
  });

  it('refuses a standard key in a browser page unless explicitly allowed', async () => {
    const globals = globalThis as { window?: unknown; document?: unknown };
    globals.window = {};
    globals.document = {};
    try {
      const refused = new WebSocketTransport({ protocol: realtimeProtocol, url: 'ws://127.0.0.1:9/v1/realtime', apiKey: 'sk-live-secret', createWebSocket: browserLike });
      await expect(refused.connect()).rejects.toMatchObject({ code: 'VOXWIRE_INSECURE_KEY' });
      const { url } = await startMock();
      const allowed = track(new WebSocketTransport({ protocol: realtimeProtocol, url, apiKey: 'sk-demo', createWebSocket: browserLike, dangerouslyAllowApiKeyInBrowser: true }));
      await allowed.connect();
      const ephemeral = track(new WebSocketTransport({ protocol: realtimeProtocol, url, apiKey: 'ek_ok', createWebSocket: browserLike }));
      await ephemeral.connect();
    } finally {
      delete globals.window;
      delete globals.document;
    }
  });

  it('reports a refused upgrade as an authentication failure', async () => {
    const { url } = await startMock({ auth: { apiKey: 'right' } });
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url, apiKey: 'wrong' }));
    const error = await transport.connect().catch((e: unknown) => e);
    expect(isRealtimeError(error, 'VOXWIRE_AUTHENTICATION_FAILED')).toBe(true);
    expect((error as Error).message).not.toContain('wrong');
  });

  it('turns malformed and oversized frames into typed errors and keeps the connection', async () => {
    const server = await startLoopbackServer((socket) => {
      socket.send(sessionCreated());
      socket.send('{not json');
      socket.send(JSON.stringify({ type: 'response.output_audio.delta', event_id: 'e', delta: 42 }));
      socket.send(JSON.stringify({ type: 'some.future.event', event_id: 'e', payload: { a: 1 } }));
      socket.send(JSON.stringify({ type: 'response.output_text.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'x'.repeat(2048) }));
      socket.send(JSON.stringify({ type: 'rate_limits.updated', event_id: 'e', rate_limits: [] }));
    });
    stoppers.push(server.stop);
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url: server.url, maxServerFrameBytes: 1024 }));
    const errors: RealtimeError[] = [];
    const events: Array<[string, boolean]> = [];
    transport.on('error', (error) => errors.push(error));
    transport.on('event', (event, known) => events.push([event.type, known]));
    await transport.connect();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors.map((e) => e.code)).toEqual(['VOXWIRE_INVALID_JSON', 'VOXWIRE_INVALID_EVENT', 'VOXWIRE_FRAME_TOO_LARGE']);
    expect(errors[0]?.raw).toBe('{not json');
    expect(events).toEqual([
      ['session.created', true],
      ['some.future.event', false],
      ['rate_limits.updated', true],
    ]);
    expect(transport.isOpen).toBe(true);
  });

  it('validates before sending and throws when not open', async () => {
    const { url } = await startMock();
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url }));
    expect(() => transport.send({ type: 'response.cancel' })).toThrow(expect.objectContaining({ code: 'VOXWIRE_NOT_CONNECTED' }));
    await transport.connect();
    expect(() => transport.send({ type: 'session.update', session: { type: 'realtime', modalities: ['text'] } } as never)).toThrow(
      expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT', message: expect.stringContaining('output_modalities') }),
    );
  });

  it('aborts a connection attempt through its signal', async () => {
    const server = await startLoopbackServer(() => undefined);
    stoppers.push(server.stop);
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url: server.url }));
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    // Aborted before it starts: rejects with the signal's reason itself, as fetch does.
    await expect(transport.connect({ signal: controller.signal })).rejects.toBe(reason);
    expect(transport.isOpen).toBe(false);
  });

  it('aborts a connection attempt in flight: VOXWIRE_ABORTED with the reason as its cause', async () => {
    // A TCP listener that never answers the upgrade, so the attempt is still pending.
    const silent = createServer(() => undefined);
    const sockets = new Set<Socket>();
    silent.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    stoppers.push(() => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      silent.close(() => resolve());
    }));
    const { port } = silent.address() as AddressInfo;
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url: `ws://127.0.0.1:${port}/v1/realtime` }));
    const controller = new AbortController();
    const attempt = transport.connect({ signal: controller.signal });
    await until(() => sockets.size === 1, 'the upgrade request to arrive');
    const reason = new Error('user left');
    controller.abort(reason);
    const error = (await attempt.then(() => undefined, (caught: unknown) => caught)) as RealtimeError;
    expect(isRealtimeError(error, 'VOXWIRE_ABORTED')).toBe(true);
    expect(error.message).toBe('Connection attempt aborted.');
    expect(error.cause).toBe(reason);
    expect(transport.isOpen).toBe(false);
  });

  it('rejects arguments of the wrong type with a clear error', () => {
    expect(() => new WebSocketTransport({ protocol: realtimeProtocol, url: 42 as never })).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
    expect(() => new WebSocketTransport({ protocol: realtimeProtocol, apiKey: {} as never })).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
  });
});

describe('WebSocketTransport: unknown fields in client events', () => {
  it('sends them as given and logs each (event type, path) once for its lifetime; strict refuses them', async () => {
    const received: unknown[] = [];
    const server = await startLoopbackServer((socket) => socket.on('message', (data) => received.push(JSON.parse(String(data)))));
    stoppers.push(server.stop);
    const warnings: { message: string; details: unknown }[] = [];
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (message: string, details?: unknown) => warnings.push({ message, details }) };
    const transport = track(new WebSocketTransport({ protocol: realtimeProtocol, url: server.url, logger }));
    await transport.connect();
    const update = { type: 'session.update', session: { type: 'realtime', future_knob: 1 } } as const;
    for (let index = 0; index < 3; index += 1) transport.send(update as never);
    transport.send({ type: 'response.create', response: { future_param: true } } as never);
    await expect.poll(() => received.length).toBe(4);
    expect(received[0]).toMatchObject(update);
    expect(received[3]).toMatchObject({ response: { future_param: true } });
    expect(warnings.map((warning) => warning.details)).toEqual([
      { eventType: 'session.update', path: 'session.future_knob' },
      { eventType: 'response.create', path: 'response.future_param' },
    ]);

    const strict = track(new WebSocketTransport({ protocol: realtimeProtocol, url: server.url, logger, strict: true }));
    await strict.connect();
    expect(() => strict.send(update as never)).toThrow(/unknown field `session.future_knob`/);
    expect(warnings).toHaveLength(2);
  });
});

describe('WebSocketTransport: loading ws', () => {
  it('starts importing ws when the transport is created, not at import and not at the first connect()', () => {
    // A fresh process: this one loaded ws long ago. ws is CommonJS (its ESM wrapper imports
    // lib/*.js), so once imported its lib/websocket.js is in the CommonJS module cache.
    const script = [
      "import { createRequire } from 'node:module';",
      'const cache = createRequire(import.meta.url).cache;',
      "const wsLoaded = () => Object.keys(cache).some((path) => /[\\\\/]node_modules[\\\\/]ws[\\\\/]lib[\\\\/]websocket\\.js$/.test(path));",
      `const { WebSocketTransport } = await import(${JSON.stringify(new URL('../../src/transport/websocket.ts', import.meta.url).href)});`,
      'const atImport = wsLoaded();',
      "new WebSocketTransport({ apiKey: 'sk-test' });",
      'const deadline = Date.now() + 20_000;',
      'while (!wsLoaded() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));',
      'process.stdout.write(JSON.stringify({ atImport, afterCreate: wsLoaded() }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ atImport: false, afterCreate: true });
  });
});
