/**
 * `createSdpHandler`: the browser's offer forwarded as multipart (`sdp` + `session`) with the
 * server key, the answer and `Location` passed back (exposed to CORS callers), the policy
 * applied to the session, refusals as JSON errors, and admission through a relay core when a
 * sideband enforces its policy (budget refusal before any call is made).
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import { createSdpHandler } from '../../../src/server/http/sdp';
import type { SdpCall, SdpHandlerOptions } from '../../../src/server/http/sdp';

const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const ANSWER = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const origin = 'https://app.example';

interface Forwarded {
  url: string;
  auth: string | null;
  sdp: FormDataEntryValue | null;
  session: Record<string, unknown>;
}

function upstream(answer: () => Response = () => new Response(ANSWER, { status: 201, headers: { location: '/v1/realtime/calls/rtc_abc123', 'content-type': 'application/sdp' } })) {
  const forwarded: Forwarded[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const form = init.body as FormData;
    forwarded.push({ url, auth: new Headers(init.headers).get('authorization'), sdp: form.get('sdp'), session: JSON.parse(String(form.get('session'))) as Record<string, unknown> });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, forwarded };
}

function handler(options: Partial<SdpHandlerOptions> = {}, api = upstream()) {
  const calls: SdpCall[] = [];
  const handle = createSdpHandler({
    apiKey: 'sk-server',
    baseUrl: 'https://api.test/v1',
    fetch: api.fetch,
    logger: silentLogger,
    origins: [origin],
    authenticate: (request) => (request.headers.get('authorization') === 'Bearer user-token' ? { userId: 'u1' } : null),
    session: { instructions: 'Locked.', audio: { output: { voice: 'marin' } } },
    onCall: (call) => {
      calls.push(call);
    },
    ...options,
  });
  return { handle, calls, api };
}

const offer = (body: BodyInit = OFFER, headers: Record<string, string> = {}) =>
  new Request('https://app.example/api/sdp', { method: 'POST', headers: { authorization: 'Bearer user-token', origin, 'content-type': 'application/sdp', ...headers }, body });

describe('createSdpHandler', () => {
  it('forwards the offer as multipart with the server key and returns the answer with Location', async () => {
    const { handle, calls, api } = handler();
    const response = await handle(offer());
    expect(response.status).toBe(201);
    expect(await response.text()).toBe(ANSWER);
    expect(response.headers.get('content-type')).toBe('application/sdp');
    expect(response.headers.get('location')).toBe('/v1/realtime/calls/rtc_abc123');
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(response.headers.get('access-control-expose-headers')).toBe('Location');
    expect(api.forwarded).toEqual([
      {
        url: 'https://api.test/v1/realtime/calls',
        auth: 'Bearer sk-server',
        sdp: OFFER,
        session: { type: 'realtime', instructions: 'Locked.', audio: { output: { voice: 'marin' } }, model: 'gpt-realtime-2.1' },
      },
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ callId: 'rtc_abc123', identity: { userId: 'u1' }, sideband: undefined });
  });

  it('lets a multipart offer ask for session fields, within the policy', async () => {
    const { handle, api } = handler({ session: { instructions: 'Locked.' }, voices: ['cedar'] });
    const form = new FormData();
    form.set('sdp', OFFER);
    form.set('session', JSON.stringify({ instructions: 'Mine.', audio: { output: { voice: 'cedar' } } }));
    const accepted = await handle(new Request('https://app.example/api/sdp', { method: 'POST', headers: { authorization: 'Bearer user-token', origin }, body: form }));
    expect(accepted.status).toBe(201);
    expect(api.forwarded[0]!.session).toEqual({ type: 'realtime', instructions: 'Locked.', audio: { output: { voice: 'cedar' } }, model: 'gpt-realtime-2.1' });
    const refusedForm = new FormData();
    refusedForm.set('sdp', OFFER);
    refusedForm.set('session', JSON.stringify({ audio: { output: { voice: 'alloy' } } }));
    const refused = await handle(new Request('https://app.example/api/sdp', { method: 'POST', headers: { authorization: 'Bearer user-token', origin }, body: refusedForm }));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('VOXWIRE_POLICY_VIOLATION');
    expect(api.forwarded).toHaveLength(1);
  });

  it('refuses what is not an offer, a stranger, a foreign origin', async () => {
    const { handle, api } = handler();
    expect((await handle(offer('hello'))).status).toBe(400);
    expect((await handle(offer(OFFER, { 'content-type': 'application/json' }))).status).toBe(415);
    expect((await handle(offer(OFFER, { authorization: 'Bearer other' }))).status).toBe(401);
    expect((await handle(offer(OFFER, { origin: 'https://evil.example' }))).status).toBe(403);
    expect(api.forwarded).toHaveLength(0);
    const preflight = await handle(new Request('https://app.example/api/sdp', { method: 'OPTIONS', headers: { origin, 'access-control-request-headers': 'authorization, content-type' } }));
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-expose-headers')).toBe('Location');
  });

  it('passes an upstream refusal on as a typed JSON error (the server key problem is a 502)', async () => {
    const badOffer = handler({}, upstream(() => Response.json({ error: { message: 'Invalid SDP offer', type: 'invalid_request_error', code: 'invalid_offer' } }, { status: 400 })));
    const response = await badOffer.handle(offer());
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { type: 'invalid_request_error', code: 'VOXWIRE_UPSTREAM_ERROR', message: 'the Realtime API refused the offer (HTTP 400): Invalid SDP offer', param: null },
    });
    const badKey = handler({}, upstream(() => Response.json({ error: { message: 'Incorrect API key provided' } }, { status: 401 })));
    expect((await badKey.handle(offer())).status).toBe(502);
    const noLocation = handler({}, upstream(() => new Response(ANSWER, { status: 201 })));
    expect((await noLocation.handle(offer())).status).toBe(502);
    expect(badOffer.calls).toHaveLength(0);
  });

  it('admits through the relay core when a sideband applies its policy: a spent budget is refused before any call', async () => {
    const relay = new RelayCore({
      model: 'gpt-realtime-2.1',
      authenticate: () => ({ userId: 'u-budget' }),
      budget: { dailyLimit: 0 },
      logger: silentLogger,
    });
    const { handle, api } = handler({ authenticate: undefined, sideband: { relay } });
    const response = await handle(offer(OFFER, { origin: '' }));
    expect(response.status).toBe(402);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('VOXWIRE_BUDGET_EXHAUSTED');
    expect(api.forwarded).toHaveLength(0);
    const strangers = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => null, logger: silentLogger });
    expect((await handler({ authenticate: undefined, sideband: { relay: strangers } }).handle(offer())).status).toBe(401);
  });

  it('throws at creation for a missing key or authenticate', () => {
    expect(() => createSdpHandler({ authenticate: () => null } as never)).toThrow(/`apiKey`/);
    expect(() => createSdpHandler({ apiKey: 'sk' } as never)).toThrow(/`authenticate` is required/);
  });
});
