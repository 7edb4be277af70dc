/**
 * Upstream dialing on any runtime (issue 19, 5): the relay's and the sideband's connection to
 * the API, with an injected socket factory and clock. `ws`'s WebSocket class stands in for a
 * Web-standard one (it has the WHATWG API: `new WebSocket(url, protocols)`, addEventListener).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { RealtimeError } from '../../src/base/errors';
import { bearerAuth, createUpstream, webSocketUpstream, type UpstreamSocket, type WebStandardWebSocketConstructor } from '../../src/server/upstream';
import { FakeClock } from '../helpers/fake-clock';
import { until } from '../helpers/index';
import { startLoopbackServer } from '../helpers/loopback';

const WebStandard = WsWebSocket as unknown as WebStandardWebSocketConstructor;

const stoppers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const stop of stoppers.splice(0).reverse()) await stop();
});

interface Seen {
  request: IncomingMessage;
  received: Array<{ text: string; isBinary: boolean }>;
}

/** An upstream that speaks first (`session.created` right after the handshake), as the API does. */
async function startApi(options: { greeting?: string[]; handleProtocols?: (protocols: Set<string>) => string | false } = {}) {
  const seen: Seen[] = [];
  const server = await startLoopbackServer(
    (socket, request) => {
      const entry: Seen = { request, received: [] };
      seen.push(entry);
      for (const frame of options.greeting ?? ['{"type":"session.created","event_id":"event_1"}']) socket.send(frame);
      socket.on('message', (data, isBinary) => entry.received.push({ text: String(data), isBinary }));
    },
    options.handleProtocols ? { handleProtocols: options.handleProtocols } : {},
  );
  stoppers.push(() => server.stop());
  return { url: server.url, seen };
}

describe('createUpstream', () => {
  it('dials a Web-standard WebSocket: the bearer key as the OpenAI subprotocol, ?model= added, early frames queued until the hand-over', async () => {
    const api = await startApi({ handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false) });
    // Counts the frames the socket received, so the test knows the greeting waits in the queue.
    let arrived = 0;
    class Counting extends WsWebSocket {
      constructor(...args: ConstructorParameters<typeof WsWebSocket>) {
        super(...args);
        this.addEventListener('message', () => (arrived += 1));
      }
    }
    const upstream = createUpstream({ url: api.url, query: { model: 'gpt-realtime-2.1' }, auth: bearerAuth(async () => 'sk-server'), createSocket: webSocketUpstream({ WebSocket: Counting as unknown as WebStandardWebSocketConstructor }) });
    expect(upstream.url.searchParams.get('model')).toBe('gpt-realtime-2.1');
    const connection = await upstream.dial(undefined);
    stoppers.push(() => connection.socket.close(1000, 'done'));
    await until(() => api.seen.length === 1, 'the handshake');
    const [seen] = api.seen;
    expect(seen?.request.url).toBe('/v1/realtime?model=gpt-realtime-2.1');
    expect(seen?.request.headers['sec-websocket-protocol']).toBe('realtime,openai-insecure-api-key.sk-server');
    expect(seen?.request.headers.authorization).toBeUndefined();

    // The greeting arrived before anyone listened: it waits for the hand-over, then comes first.
    await until(() => arrived === 1, 'the greeting to arrive');
    const frames: string[] = [];
    connection.handOver(
      (frame) => frames.push(typeof frame === 'string' ? frame : new TextDecoder().decode(frame)),
      () => undefined,
    );
    expect(frames).toEqual(['{"type":"session.created","event_id":"event_1"}']);

    // Bytes are a text frame's UTF-8: they go out as a text frame, not a binary one.
    connection.socket.send(new TextEncoder().encode('{"type":"response.create"}'));
    connection.socket.send('{"type":"response.cancel"}');
    await until(() => seen!.received.length === 2, 'two frames');
    expect(seen?.received).toEqual([
      { text: '{"type":"response.create"}', isBinary: false },
      { text: '{"type":"response.cancel"}', isBinary: false },
    ]);
  });

  it('serves a second protocol and other providers: no ?model= (GPT-Live), auth headers from a provider, headers in the constructor', async () => {
    const api = await startApi();
    const url = api.url.replace('/v1/realtime', '/v1/live/sessions');
    const upstream = createUpstream<{ userId: string }>({
      url,
      auth: async (identity) => ({ 'api-key': `azure-key-for-${identity.userId}` }),
      headers: (identity) => ({ 'OpenAI-Safety-Identifier': identity.userId }),
      createSocket: webSocketUpstream({ WebSocket: WebStandard, headers: 'constructor' }),
    });
    const connection = await upstream.dial({ userId: 'u1' });
    stoppers.push(() => connection.socket.close(1000, 'done'));
    await until(() => api.seen.length === 1, 'the handshake');
    expect(api.seen[0]?.request.url).toBe('/v1/live/sessions');
    expect(api.seen[0]?.request.headers['api-key']).toBe('azure-key-for-u1');
    expect(api.seen[0]?.request.headers['openai-safety-identifier']).toBe('u1');
  });

  it('refuses a header a standard WebSocket cannot send, naming the fix', async () => {
    const upstream = createUpstream({ url: 'wss://example.test/v1/realtime', auth: async () => ({ 'api-key': 'k' }), createSocket: webSocketUpstream({ WebSocket: WebStandard }) });
    const error = await upstream.dial(undefined).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect((error as RealtimeError).message).toContain("cannot send the `api-key` header; use `headers: 'constructor'`");
  });

  it('times out on the injected clock and cuts the socket off', async () => {
    const clock = new FakeClock();
    let terminated = 0;
    const silent: UpstreamSocket = { send: () => undefined, close: () => undefined, bufferedAmount: 0, pause: () => undefined, resume: () => undefined, terminate: () => (terminated += 1) };
    const upstream = createUpstream({ url: 'wss://example.test/v1/realtime', auth: bearerAuth('sk-x'), createSocket: () => silent, connectTimeoutMs: 5000, clock });
    const dialing = upstream.dial(undefined).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(clock.pendingDelays()).toEqual([5000]);
    await clock.advance(5000);
    const error = (await dialing) as RealtimeError;
    expect(error.code).toBe('VOXWIRE_TIMEOUT');
    expect(error.message).toBe('the upstream did not open within 5000 ms');
    expect(terminated).toBe(1);
  });

  it('times out an asynchronous factory too (a Worker dials with fetch) and cuts off a socket that comes late', async () => {
    const clock = new FakeClock();
    let terminated = 0;
    let deliver: (socket: UpstreamSocket) => void = () => undefined;
    const late: UpstreamSocket = { send: () => undefined, close: () => undefined, bufferedAmount: 0, pause: () => undefined, resume: () => undefined, terminate: () => (terminated += 1) };
    const upstream = createUpstream({
      url: 'wss://example.test/v1/realtime',
      auth: bearerAuth('sk-x'),
      createSocket: () => new Promise<UpstreamSocket>((resolve) => (deliver = resolve)),
      connectTimeoutMs: 3000,
      clock,
    });
    const dialing = upstream.dial(undefined).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(clock.pendingDelays()).toEqual([3000]);
    await clock.advance(3000);
    const error = (await dialing) as RealtimeError;
    expect(error.code).toBe('VOXWIRE_TIMEOUT');
    expect(error.message).toBe('the upstream did not open within 3000 ms');
    deliver(late);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(terminated).toBe(1);
  });

  it('fails with typed errors: no key from the provider, a refused handshake, a URL that is not ws(s)', async () => {
    const noKey = createUpstream({ url: 'wss://example.test/', auth: bearerAuth(async () => ''), createSocket: webSocketUpstream({ WebSocket: WebStandard }) });
    await expect(noKey.dial(undefined)).rejects.toMatchObject({ code: 'VOXWIRE_AUTHENTICATION_FAILED' });

    const api = await startApi({ handleProtocols: () => false });
    const refused = createUpstream({ url: api.url, auth: async () => ({}), protocols: ['only-this'], createSocket: webSocketUpstream({ WebSocket: WebStandard }) });
    await expect(refused.dial(undefined)).rejects.toMatchObject({ code: 'VOXWIRE_CONNECTION_FAILED' });

    expect(() => createUpstream({ url: 'https://api.openai.com/v1/realtime', auth: bearerAuth('sk'), createSocket: webSocketUpstream() })).toThrow(
      expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT', message: 'The upstream URL must be ws:// or wss://, got https:.' }),
    );
  });
});

describe('voxwire/server import graph', () => {
  it('never loads client code or the browser WebRTC transport (issue 19, 2 and 5)', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const result = await build({
      entryPoints: [`${root}src/server/index.ts`, `${root}src/server/adapter.ts`],
      bundle: true,
      write: false,
      metafile: true,
      outdir: '/nonexistent',
      format: 'esm',
      platform: 'neutral',
      logLevel: 'silent',
      plugins: [{ name: 'keep-local', setup: (b) => b.onResolve({ filter: /^[^./]/ }, (args) => ({ path: args.path, external: true })) }],
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => input.startsWith('src/client/') || input === 'src/transport/webrtc.ts' || input === 'src/transport/websocket.ts')).toEqual([]);
    expect(inputs).toContain('src/server/upstream.ts');
  });
});
