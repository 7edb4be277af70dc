/**
 * The REST call actions (src/server/http/call-actions.ts) against a real calls endpoint on
 * loopback, reached with the real fetch: the URL of each API, the auth header, the body, and
 * what each answer becomes (true, false on 404, the API's message in a typed error).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { bearerHeaders, callActionUrl, postCallAction } from '../../../src/server/http/call-actions';
import { useCleanup } from '../../helpers/cleanup';

interface Received {
  method: string | undefined;
  url: string | undefined;
  authorization: string | undefined;
  apiKey: string | undefined;
  contentType: string | undefined;
  body: string;
}

const { stoppers } = useCleanup();

/** A calls endpoint on 127.0.0.1 that records each request and answers with `answer`. */
async function callsEndpoint(answer: (response: ServerResponse) => void): Promise<{ baseUrl: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        url: request.url,
        authorization: request.headers.authorization,
        apiKey: request.headers['api-key'] as string | undefined,
        contentType: request.headers['content-type'],
        body,
      });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stoppers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`, received };
}

const json = (status: number, value: unknown) => (response: ServerResponse) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));

describe('callActionUrl', () => {
  it('names the collection of each API, encodes the id and trims the base', () => {
    expect(callActionUrl(undefined, 'realtime', 'rtc_1', 'hangup')).toBe('https://api.openai.com/v1/realtime/calls/rtc_1/hangup');
    expect(callActionUrl('https://api.test/v1//', 'live', 'live_1', 'accept')).toBe('https://api.test/v1/live/sessions/live_1/accept');
    expect(callActionUrl('https://api.test/v1', 'realtime', 'rtc/../x', 'refer')).toBe('https://api.test/v1/realtime/calls/rtc%2F..%2Fx/refer');
  });
});

describe('postCallAction', () => {
  it('posts the action with the bearer key and a JSON body, and resolves true when the API did it', async () => {
    const { baseUrl, received } = await callsEndpoint(json(200, {}));
    await expect(postCallAction({ apiKey: () => 'sk-server', baseUrl }, 'realtime', 'rtc_1', 'refer', { target_uri: 'tel:+15550100' })).resolves.toBe(true);
    await expect(postCallAction({ apiKey: 'sk-server', baseUrl }, 'live', 'live_1', 'hangup')).resolves.toBe(true);
    expect(received).toEqual([
      { method: 'POST', url: '/v1/realtime/calls/rtc_1/refer', authorization: 'Bearer sk-server', apiKey: undefined, contentType: 'application/json', body: '{"target_uri":"tel:+15550100"}' },
      { method: 'POST', url: '/v1/live/sessions/live_1/hangup', authorization: 'Bearer sk-server', apiKey: undefined, contentType: undefined, body: '' },
    ]);
    expect(bearerHeaders('sk-x')).toEqual({ Authorization: 'Bearer sk-x' });
  });

  it('sends the key the way authHeaders says (Azure: api-key)', async () => {
    const { baseUrl, received } = await callsEndpoint(json(200, {}));
    await postCallAction({ apiKey: 'azure-key', baseUrl, authHeaders: (key) => ({ 'api-key': key }) }, 'realtime', 'rtc_2', 'hangup');
    expect(received.map(({ authorization, apiKey }) => ({ authorization, apiKey }))).toEqual([{ authorization: undefined, apiKey: 'azure-key' }]);
  });

  it('resolves false when the API answers 404 (the call is over)', async () => {
    const { baseUrl } = await callsEndpoint(json(404, { error: { message: 'Call not found' } }));
    await expect(postCallAction({ apiKey: 'sk-server', baseUrl }, 'realtime', 'rtc_gone', 'hangup')).resolves.toBe(false);
  });

  it("throws VOXWIRE_UPSTREAM_ERROR with the API's message, or its text when it is not JSON", async () => {
    const refusing = await callsEndpoint(json(400, { error: { message: 'Invalid target_uri' } }));
    await expect(postCallAction({ apiKey: 'sk-server', baseUrl: refusing.baseUrl }, 'realtime', 'rtc_3', 'refer', { target_uri: 'x' })).rejects.toMatchObject({
      code: 'VOXWIRE_UPSTREAM_ERROR',
      message: 'refer of call rtc_3 failed: HTTP 400: Invalid target_uri',
    });
    const failing = await callsEndpoint((response) => response.writeHead(502).end('bad gateway'));
    await expect(postCallAction({ apiKey: 'sk-server', baseUrl: failing.baseUrl }, 'live', 'live_3', 'reject', { status_code: 486 })).rejects.toMatchObject({
      code: 'VOXWIRE_UPSTREAM_ERROR',
      message: 'reject of call live_3 failed: HTTP 502: bad gateway',
    });
  });

  it('throws VOXWIRE_CONNECTION_FAILED, with the cause, when the API cannot be reached', async () => {
    const { baseUrl } = await callsEndpoint(json(200, {}));
    // Stop the endpoint: its port now refuses connections.
    await stoppers.pop()?.();
    const error = await postCallAction({ apiKey: 'sk-server', baseUrl }, 'realtime', 'rtc_4', 'hangup').then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ code: 'VOXWIRE_CONNECTION_FAILED' });
    expect((error as Error).message).toMatch(/^hangup of call rtc_4: the API could not be reached: /);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
