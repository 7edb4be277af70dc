/**
 * How the mock API posts a webhook to the app: signed the Standard Webhooks way with
 * `node:crypto` (independently of the server kit's verifier), the same `webhook-id` on every
 * retry. Shared by the SIP sides of `MockRealtimeServer` and `MockLiveServer`.
 */

import { createHmac, randomBytes } from 'node:crypto';
import type { Clock } from '../../base/clock';

/** What the app answered to each webhook delivery. */
export interface MockWebhookDelivery {
  /** The webhook event type (`realtime.call.incoming`, `live.transport.incoming`). */
  type: string;
  /** Its `webhook-id` header. */
  webhookId: string;
  /** The HTTP status the app answered. */
  status: number;
  /** The body the app answered. */
  body: string;
}

/** Where and how a webhook is delivered. */
export interface MockWebhookTarget {
  /** The app's webhook URL. */
  webhookUrl: string;
  /** The webhook endpoint's secret (`whsec_<base64>`) the mock signs with. */
  webhookSecret: string;
  /** Deliver each webhook this many times (a retry after a lost acknowledgement). @default 1 */
  deliveries?: number;
}

/** Standard Webhooks signing, with node:crypto. */
function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** A random hex token of `length` characters (ids of calls, sessions, webhooks). */
export function randomToken(length: number): string {
  return randomBytes(length).toString('hex').slice(0, length);
}

/** Posts one signed webhook `deliveries` times (the same webhook-id each time); returns what the app answered. */
export async function deliverWebhook(target: MockWebhookTarget, event: Record<string, unknown>, clock: Clock): Promise<MockWebhookDelivery[]> {
  const body = JSON.stringify(event);
  const webhookId = `wh_${randomToken(32)}`;
  const answers: MockWebhookDelivery[] = [];
  for (let attempt = 0; attempt < (target.deliveries ?? 1); attempt++) {
    const timestamp = Math.floor(clock.now() / 1000);
    const response = await fetch(target.webhookUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)',
        'webhook-id': webhookId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(target.webhookSecret, webhookId, timestamp, body),
      },
      body,
    });
    answers.push({ type: String(event.type), webhookId, status: response.status, body: await response.text() });
  }
  return answers;
}
