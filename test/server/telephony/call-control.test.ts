/**
 * The steps both kinds of SIP call share when the handler answers one (src/server/telephony/
 * call-control.ts): the accept, and the rejection of a call the relay refused, against a fake
 * calls endpoint that records what it was sent.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger';
import { acceptCall, rejectRefusedCall, type RingingCall } from '../../../src/server/telephony/call-control';

function ringing(api: 'realtime' | 'live', answer: (url: string) => Response | Promise<Response>): { call: RingingCall; sent: Array<{ url: string; body: unknown }>; warnings: unknown[] } {
  const sent: Array<{ url: string; body: unknown }> = [];
  const warnings: unknown[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    sent.push({ url, body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
    return answer(url);
  }) as typeof fetch;
  const logger = { ...silentLogger, warn: (...args: unknown[]) => void warnings.push(args) };
  return { call: { control: { apiKey: 'sk-server', baseUrl: 'https://api.test/v1', fetch: fetchImpl }, api, callId: api === 'live' ? 'live_1' : 'rtc_1', logger }, sent, warnings };
}

describe('acceptCall', () => {
  it('posts the accept body to the API of the call', async () => {
    const realtime = ringing('realtime', () => new Response('{}'));
    await acceptCall(realtime.call, { type: 'realtime', instructions: 'Hi.' });
    expect(realtime.sent).toEqual([{ url: 'https://api.test/v1/realtime/calls/rtc_1/accept', body: { type: 'realtime', instructions: 'Hi.' } }]);
    const live = ringing('live', () => new Response('{}'));
    await acceptCall(live.call, { session: { type: 'live' } });
    expect(live.sent).toEqual([{ url: 'https://api.test/v1/live/sessions/live_1/accept', body: { session: { type: 'live' } } }]);
  });

  it('says the call is no longer ringing when the API answers 404', async () => {
    const { call } = ringing('live', () => new Response('{}', { status: 404 }));
    const error = await acceptCall(call, {}).then(() => undefined, (caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VOXWIRE_UPSTREAM_ERROR', message: 'call live_1 is no longer ringing (the API answered 404 to accept)' });
  });
});

describe('rejectRefusedCall', () => {
  it('rejects with the SIP status of the refusal and throws it, naming the call', async () => {
    const { call, sent } = ringing('realtime', () => new Response('{}'));
    const error = await rejectRefusedCall(call, 'VOXWIRE_CONCURRENCY_LIMIT', 'user u1 already has 1 session').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VOXWIRE_CONCURRENCY_LIMIT', message: 'call rtc_1: user u1 already has 1 session' });
    expect(sent).toEqual([{ url: 'https://api.test/v1/realtime/calls/rtc_1/reject', body: { status_code: 486 } }]);
  });

  it('still throws the refusal when the reject itself fails, and logs that failure', async () => {
    const { call, warnings } = ringing('live', () => Promise.reject(new Error('offline')));
    const error = await rejectRefusedCall(call, 'VOXWIRE_BUDGET_EXHAUSTED', 'the daily budget is used up').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'VOXWIRE_BUDGET_EXHAUSTED', message: 'call live_1: the daily budget is used up' });
    expect(warnings).toEqual([['sip: rejecting a refused call failed', { callId: 'live_1', error: 'reject of call live_1: the API could not be reached: offline' }]]);
  });
});
