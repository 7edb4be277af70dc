/**
 * The mock's REST plumbing (src/testing/mock/http-request.ts), which the client-secret, WebRTC,
 * SIP-call and Live-session endpoints share: a JSON object body read and refused as the API
 * does, the 1 MiB cap, and failures answered in the API's `error` shape. Over a real loopback
 * HTTP server, and through two of the endpoints that use it.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerError, HttpError, readJson } from '../../../src/testing/mock/http-request';
import { MockLiveServer } from '../../../src/testing/mock/live-server';
import { MockRealtimeServer } from '../../../src/testing/mock/server';

const OVER_A_MEBIBYTE = JSON.stringify({ padding: 'x'.repeat(1024 * 1024) });

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const answer = async (): Promise<void> => {
      const body = await readJson(request);
      if (body.fail === true) throw new HttpError(409, 'Asked to fail.', 'asked', 'fail');
      if (body.crash === true) throw new Error('boom');
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ body }));
    };
    answer().catch((error: unknown) => answerError(response, error, { 'X-Extra': 'kept' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function send(body: string): Promise<{ status: number; json: { body?: unknown; error?: Record<string, unknown> }; extra: string | null }> {
  const response = await fetch(url, { method: 'POST', body });
  return { status: response.status, json: (await response.json()) as { body?: unknown; error?: Record<string, unknown> }, extra: response.headers.get('x-extra') };
}

describe('readJson and answerError', () => {
  it('reads a JSON object body, and an empty body as {}', async () => {
    expect(await send('{"session":{"type":"realtime"}}')).toMatchObject({ status: 200, json: { body: { session: { type: 'realtime' } } } });
    expect(await send('  ')).toMatchObject({ status: 200, json: { body: {} } });
  });

  it('refuses a body that is not JSON, JSON that is not an object, and a body over 1 MiB, in the API error shape with the extra headers', async () => {
    expect(await send('{')).toEqual({ status: 400, extra: 'kept', json: { error: { message: 'The body is not valid JSON.', type: 'invalid_request_error', param: null, code: 'invalid_json' } } });
    for (const body of ['[1]', 'null', '"text"']) {
      expect(await send(body)).toEqual({ status: 400, extra: 'kept', json: { error: { message: 'The body must be a JSON object.', type: 'invalid_request_error', param: null, code: 'invalid_type' } } });
    }
    const tooLarge = await send(OVER_A_MEBIBYTE);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.json.error).toMatchObject({ code: 'payload_too_large', message: 'The request body exceeds 1048576 bytes.' });
  });

  it("answers an HttpError with its status and fields, and anything else as the mock's 500 server_error", async () => {
    expect(await send('{"fail":true}')).toEqual({ status: 409, extra: 'kept', json: { error: { message: 'Asked to fail.', type: 'invalid_request_error', param: 'fail', code: 'asked' } } });
    expect(await send('{"crash":true}')).toEqual({ status: 500, extra: 'kept', json: { error: { message: 'The mock failed: boom', type: 'server_error', param: null, code: null } } });
  });
});

describe('the endpoints that share it', () => {
  it('MockRealtimeServer refuses a client-secret body that is not a JSON object, as a SIP accept body would be', async () => {
    const mock = new MockRealtimeServer({ auth: { apiKey: 'sk-shared' } });
    try {
      const base = (await mock.start()).apiBaseUrl;
      const response = await fetch(`${base}/realtime/client_secrets`, { method: 'POST', headers: { authorization: 'Bearer sk-shared' }, body: '[]' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'invalid_type' });
    } finally {
      await mock.stop();
    }
  });

  it('MockLiveServer refuses a session body over 1 MiB with 413, as the Realtime endpoints do', async () => {
    const mock = new MockLiveServer({ apiKey: 'sk-live-shared', audioPace: 'instant' });
    try {
      const base = (await mock.start()).apiBaseUrl;
      const response = await fetch(`${base}/live/sessions`, { method: 'POST', headers: { authorization: 'Bearer sk-live-shared', 'content-type': 'application/json' }, body: OVER_A_MEBIBYTE });
      expect(response.status).toBe(413);
      expect(((await response.json()) as { error: unknown }).error).toMatchObject({ code: 'payload_too_large' });
    } finally {
      await mock.stop();
    }
  });
});
