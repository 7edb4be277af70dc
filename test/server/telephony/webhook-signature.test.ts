/**
 * Standard Webhooks signatures. Vectors: the Standard Webhooks reference libraries' published
 * test vector (secret `whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw`, id `msg_p5jXN8AQM9LWM0D4loKWxJek`,
 * timestamp 1614265330, body `{"test": 2432232314}`), re-derived here with node:crypto, and the
 * `openai` package's own verifier (`webhooks.verifySignature`) as a second, independent reader.
 */
import { createHmac } from 'node:crypto';
import OpenAI, { InvalidWebhookSignatureError } from 'openai';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../../src/server/telephony/webhook-signature';

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (seconds: number) => () => seconds * 1000;

function nodeSignature(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

function headersOf(id: string, timestamp: number, signature: string): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

describe('webhook signatures', () => {
  it('match the Standard Webhooks vector, computed independently', async () => {
    expect(nodeSignature(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(await signWebhook(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    await expect(verifyWebhook(VECTOR.body, headersOf(VECTOR.id, VECTOR.timestamp, VECTOR.signature), { secret: VECTOR.secret, now: at(VECTOR.timestamp) })).resolves.toEqual({
      id: VECTOR.id,
      timestamp: VECTOR.timestamp,
    });
  });

  it("agree with the openai package's verifier both ways", async () => {
    const openai = new OpenAI({ apiKey: 'sk-unused', webhookSecret: VECTOR.secret });
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ id: 'evt_1', type: 'realtime.call.incoming', data: { call_id: 'rtc_1', sip_headers: [] } });
    const ours = await signWebhook(VECTOR.secret, 'wh_1', now, body);
    await expect(openai.webhooks.verifySignature(body, headersOf('wh_1', now, ours))).resolves.toBeUndefined();
    const tampered = openai.webhooks.verifySignature(body.replace('rtc_1', 'rtc_2'), headersOf('wh_1', now, ours));
    await expect(tampered).rejects.toThrow(InvalidWebhookSignatureError);
    await expect(tampered).rejects.toThrow('The given webhook signature does not match the expected signature');
    await expect(verifyWebhook(body, new Headers(headersOf('wh_1', now, ours)), { secret: VECTOR.secret })).resolves.toMatchObject({ id: 'wh_1' });
  });

  it('refuse a tampered body, another id, a wrong secret and a malformed signature', async () => {
    const headers = headersOf(VECTOR.id, VECTOR.timestamp, VECTOR.signature);
    const options = { secret: VECTOR.secret, now: at(VECTOR.timestamp) };
    const refused = { code: 'VOXWIRE_WEBHOOK_INVALID', path: 'webhook-signature' };
    await expect(verifyWebhook('{"test": 2432232315}', headers, options)).rejects.toMatchObject(refused);
    await expect(verifyWebhook(VECTOR.body, { ...headers, 'webhook-id': 'msg_other' }, options)).rejects.toMatchObject(refused);
    await expect(verifyWebhook(VECTOR.body, headers, { ...options, secret: 'whsec_' + Buffer.from('x'.repeat(24)).toString('base64') })).rejects.toMatchObject(refused);
    await expect(verifyWebhook(VECTOR.body, { ...headers, 'webhook-signature': 'v1,not*base64' }, options)).rejects.toMatchObject(refused);
    await expect(verifyWebhook(VECTOR.body, { ...headers, 'webhook-signature': 'v2,' + VECTOR.signature.slice(3) }, options)).rejects.toMatchObject(refused);
  });

  it('accept any one valid signature among several, and any secret while rotating', async () => {
    const headers = headersOf(VECTOR.id, VECTOR.timestamp, `v1,${Buffer.alloc(32).toString('base64')} garbage ${VECTOR.signature}`);
    await expect(verifyWebhook(VECTOR.body, headers, { secret: VECTOR.secret, now: at(VECTOR.timestamp) })).resolves.toMatchObject({ id: VECTOR.id });
    const retired = 'whsec_' + Buffer.from('retired secret, 32 bytes long!!!').toString('base64');
    await expect(verifyWebhook(VECTOR.body, headers, { secret: [retired, VECTOR.secret], now: at(VECTOR.timestamp) })).resolves.toMatchObject({ id: VECTOR.id });
  });

  it('refuse deliveries outside the replay window, either way, and at its edge accept them', async () => {
    const headers = headersOf(VECTOR.id, VECTOR.timestamp, VECTOR.signature);
    const window = { code: 'VOXWIRE_WEBHOOK_INVALID', path: 'webhook-timestamp' };
    await expect(verifyWebhook(VECTOR.body, headers, { secret: VECTOR.secret, now: at(VECTOR.timestamp + 300) })).resolves.toEqual({ id: VECTOR.id, timestamp: VECTOR.timestamp });
    await expect(verifyWebhook(VECTOR.body, headers, { secret: VECTOR.secret, now: at(VECTOR.timestamp + 301) })).rejects.toMatchObject(window);
    await expect(verifyWebhook(VECTOR.body, headers, { secret: VECTOR.secret, now: at(VECTOR.timestamp - 301) })).rejects.toMatchObject(window);
    await expect(verifyWebhook(VECTOR.body, headers, { secret: VECTOR.secret, now: at(VECTOR.timestamp + 61), toleranceSeconds: 60 })).rejects.toMatchObject(window);
    await expect(verifyWebhook(VECTOR.body, { ...headers, 'webhook-timestamp': '1614265330.5' }, { secret: VECTOR.secret, now: at(VECTOR.timestamp) })).rejects.toMatchObject(window);
  });

  it('say which header is missing, and refuse a secret that is not one', async () => {
    const headers = headersOf(VECTOR.id, VECTOR.timestamp, VECTOR.signature);
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const without = Object.fromEntries(Object.entries(headers).filter(([key]) => key !== name));
      await expect(verifyWebhook(VECTOR.body, without, { secret: VECTOR.secret, now: at(VECTOR.timestamp) })).rejects.toMatchObject({ code: 'VOXWIRE_WEBHOOK_INVALID', path: name });
    }
    await expect(verifyWebhook(VECTOR.body, headers, { secret: 'whsec_%%%' })).rejects.toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT', path: 'secret' });
    await expect(verifyWebhook(VECTOR.body, headers, { secret: [] })).rejects.toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT' });
  });
});
