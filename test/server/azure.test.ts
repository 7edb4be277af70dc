/**
 * Azure OpenAI and other GA-compatible servers: the relay, the client-secret handler and a Node
 * client reach a server that is not OpenAI's, at its own path (`/openai/v1/...`) with its own
 * auth (`api-key`, or an Entra bearer token). The server is a loopback front that checks both the
 * way Azure does and forwards to the mock Realtime server.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { RealtimeClient } from '../../src/client/client';
import { azureOpenAI } from '../../src/server/azure';
import { createClientSecretHandler } from '../../src/server/http/client-secret';
import { createRelay } from '../../src/server/node/create-relay';
import { WebSocketTransport } from '../../src/transport/websocket';
import { realtimeProtocol } from '../../src/transport/realtime-protocol';
import { RawClient, useCleanup } from '../helpers/index';

const MOCK_KEY = 'sk-mock';
const AZURE_KEY = 'azure-resource-key';
const ENTRA_TOKEN = 'entra-access-token';
const { stoppers, startMock } = useCleanup();

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  apiKey: string | undefined;
  authorization: string | undefined;
}

/** A loopback stand-in for an Azure resource: `/openai/v1/*` only, `api-key` or an Entra bearer. */
async function startAzureFront(mockUrl: string): Promise<{ origin: string; seen: Seen[] }> {
  const mock = new URL(mockUrl);
  const seen: Seen[] = [];
  const check = (request: IncomingMessage): { ok: true; path: string } | { ok: false; status: number } => {
    const url = new URL(request.url ?? '/', 'http://front');
    seen.push({ method: request.method ?? '', path: url.pathname, query: url.searchParams, apiKey: request.headers['api-key'] as string | undefined, authorization: request.headers.authorization });
    if (!url.pathname.startsWith('/openai/v1/')) return { ok: false, status: 404 };
    if (url.searchParams.has('api-version')) return { ok: false, status: 400 };
    const authorized = request.headers['api-key'] === AZURE_KEY || request.headers.authorization === `Bearer ${ENTRA_TOKEN}`;
    if (!authorized) return { ok: false, status: 401 };
    return { ok: true, path: `${url.pathname.replace(/^\/openai\/v1\//, '/v1/')}${url.search}` };
  };
  const server = createServer((request, response) => {
    const decision = check(request);
    if (!decision.ok) return void response.writeHead(decision.status, { 'content-type': 'application/json' }).end('{"error":{"code":"401","message":"Access denied"}}');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void fetch(`http://${mock.host}${decision.path}`, {
        method: request.method ?? 'POST',
        headers: { authorization: `Bearer ${MOCK_KEY}`, 'content-type': String(request.headers['content-type'] ?? 'application/json') },
        body: Buffer.concat(chunks),
      }).then(async (upstream) => {
        response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
        response.end(Buffer.from(await upstream.arrayBuffer()));
      });
    });
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const decision = check(request);
    if (!decision.ok) return void socket.end(`HTTP/1.1 ${decision.status} Refused\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    const target = connect(Number(mock.port), mock.hostname, () => {
      const lines = [`GET ${decision.path} HTTP/1.1`, `host: ${mock.host}`, `authorization: Bearer ${MOCK_KEY}`];
      for (const name of ['upgrade', 'connection', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol']) {
        const value = request.headers[name];
        if (typeof value === 'string') lines.push(`${name}: ${value}`);
      }
      target.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) target.write(head);
      socket.pipe(target).pipe(socket);
    });
    const close = () => {
      socket.destroy();
      target.destroy();
    };
    target.on('error', close);
    socket.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stoppers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  stoppers.push(() => server.closeAllConnections());
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Connects a raw client to the relay and waits for the session to be created upstream. */
async function sessionThrough(relayUrl: string): Promise<Record<string, unknown>> {
  const client = await RawClient.connect(relayUrl, { query: '' });
  stoppers.push(() => client.terminate());
  return client.next('session.created');
}

describe('Azure OpenAI and GA-compatible servers', () => {
  it('builds the GA URLs from a resource name or endpoint, and refuses an ambiguous credential', () => {
    const azure = azureOpenAI({ endpoint: 'my-res', deployment: 'rt-prod', apiKey: 'k' });
    expect(azure.realtimeUrl).toBe('wss://my-res.openai.azure.com/openai/v1/realtime');
    expect(azure.baseUrl).toBe('https://my-res.openai.azure.com/openai/v1');
    expect(azure.model).toBe('rt-prod');
    expect(azure.authHeaders('k')).toEqual({ 'api-key': 'k' });
    expect(azureOpenAI({ endpoint: 'https://my-res.openai.azure.com/', deployment: 'd', entraToken: () => 't' }).authHeaders('t')).toEqual({ Authorization: 'Bearer t' });
    expect(() => azureOpenAI({ endpoint: 'my-res', deployment: 'd', apiKey: 'k', entraToken: () => 't' })).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
    expect(() => azureOpenAI({ endpoint: 'my-res', deployment: '', apiKey: 'k' })).toThrow(expect.objectContaining({ path: 'deployment' }));
  });

  it('relays a session to the resource with the api-key header and the deployment as model', async () => {
    const { url: mockUrl } = await startMock({ auth: { apiKey: MOCK_KEY } });
    const front = await startAzureFront(mockUrl);
    const azure = azureOpenAI({ endpoint: front.origin, deployment: 'gpt-realtime-2.1', apiKey: async () => AZURE_KEY });
    // The front is plain http on loopback; the real resource is https/wss.
    const relay = createRelay({ upstream: { ...azure.upstream, url: azure.realtimeUrl.replace(/^wss:/, 'ws:') }, authenticate: () => ({ userId: 'u1' }), logger: silentLogger });
    const { url } = await relay.listen(0);
    stoppers.push(() => relay.close());
    const created = await sessionThrough(url);
    expect(created.type).toBe('session.created');
    const dial = front.seen.find((entry) => entry.path === '/openai/v1/realtime');
    expect(dial).toMatchObject({ apiKey: AZURE_KEY, authorization: undefined });
    expect(dial!.query.get('model')).toBe('gpt-realtime-2.1');
    expect(dial!.query.has('api-version')).toBe(false);
  });

  it('relays with an Entra ID token provider as the bearer, asked on every connection', async () => {
    const { url: mockUrl } = await startMock({ auth: { apiKey: MOCK_KEY } });
    const front = await startAzureFront(mockUrl);
    let asked = 0;
    const azure = azureOpenAI({ endpoint: front.origin, deployment: 'gpt-realtime-2.1', entraToken: async () => (asked++, ENTRA_TOKEN) });
    const relay = createRelay({ upstream: { ...azure.upstream, url: azure.realtimeUrl.replace(/^wss:/, 'ws:') }, authenticate: () => ({ userId: 'u1' }), logger: silentLogger });
    const { url } = await relay.listen(0);
    stoppers.push(() => relay.close());
    await sessionThrough(url);
    await sessionThrough(url);
    expect(asked).toBe(2);
    expect(front.seen.filter((entry) => entry.path === '/openai/v1/realtime').map((entry) => entry.authorization)).toEqual([`Bearer ${ENTRA_TOKEN}`, `Bearer ${ENTRA_TOKEN}`]);
  });

  it('mints an ephemeral key at /openai/v1/realtime/client_secrets; the browser gets the ek_ key, never the resource key', async () => {
    const { url: mockUrl } = await startMock({ auth: { apiKey: MOCK_KEY } });
    const front = await startAzureFront(mockUrl);
    const azure = azureOpenAI({ endpoint: front.origin, deployment: 'gpt-realtime-2.1', apiKey: AZURE_KEY });
    const handler = createClientSecretHandler({ apiKey: azure.apiKey, baseUrl: azure.baseUrl, authHeaders: azure.authHeaders, model: azure.model, authenticate: () => ({ userId: 'u1' }), logger: silentLogger });
    const response = await handler(new Request('http://app.example/api/realtime/key', { method: 'POST' }));
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ value: expect.stringMatching(/^ek_/) });
    expect(text).not.toContain(AZURE_KEY);
    expect(front.seen.at(-1)).toMatchObject({ method: 'POST', path: '/openai/v1/realtime/client_secrets', apiKey: AZURE_KEY });
  });

  it('connects a Node client straight to a GA-compatible server at a non-OpenAI path, with its header auth', async () => {
    const { url: mockUrl } = await startMock({ auth: { apiKey: MOCK_KEY } });
    const front = await startAzureFront(mockUrl);
    const client = new RealtimeClient({
      transport: new WebSocketTransport({ protocol: realtimeProtocol, url: `${front.origin.replace(/^http/, 'ws')}/openai/v1/realtime`, model: 'gpt-realtime-2.1', headers: { 'api-key': AZURE_KEY } }),
      logger: silentLogger,
    });
    stoppers.push(() => client.disconnect());
    await client.connect();
    expect(client.state.status).toBe('connected');
    const dial = front.seen.find((entry) => entry.path === '/openai/v1/realtime');
    expect(dial).toMatchObject({ apiKey: AZURE_KEY, authorization: undefined });
    expect(dial!.query.get('model')).toBe('gpt-realtime-2.1');
  });
});
