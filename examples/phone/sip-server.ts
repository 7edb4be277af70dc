/**
 * A phone line on the Realtime API over SIP: OpenAI's `realtime.call.incoming` webhook is
 * verified, the call is accepted under the relay's policy (locked instructions, a server-side
 * tool, a 10-minute limit), DTMF is logged, and the app hangs up when the caller presses `#`.
 *
 *   OPENAI_API_KEY=sk-... OPENAI_WEBHOOK_SECRET=whsec_... npx tsx examples/phone/sip-server.ts
 *   npx tsx examples/phone/sip-server.ts --mock      # offline: the mock places one call
 *
 * Point the project's webhook at http(s)://<this host>/webhooks/openai and the SIP trunk at
 * sip:$PROJECT_ID@sip.api.openai.com;transport=tls (docs/telephony.md).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod/mini';
import { defineTool } from 'voxwire';
import { createSipCallHandler, RelayCore, type IncomingSipCall } from 'voxwire/server';
import { createScenario, loadFixtureAudio, MockRealtimeServer } from 'voxwire/testing';

/** The tool the phone agent runs on the server: the caller never sees its data. */
export const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Looks up an order by its number.',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped', eta: 'tomorrow' }),
});

/** Starts the webhook endpoint; resolves with its URL and a stop function. */
export async function startSipServer(options: { apiKey: string; webhookSecret: string; baseUrl?: string; port?: number; onCall?: (call: IncomingSipCall) => void }): Promise<{ url: string; relay: RelayCore; stop: () => Promise<void> }> {
  const relay = new RelayCore({
    model: 'gpt-realtime-2.1',
    // Calls are admitted by the webhook's signature, not by a browser's credentials.
    authenticate: () => null,
    policy: { session: { instructions: 'You answer the ACME order line. Be brief.' }, serverTools: [lookupOrder] },
    limits: { maxDurationMs: 10 * 60_000, maxSessionsPerUser: 2 },
  });
  await relay.start();
  const handler = createSipCallHandler({
    apiKey: options.apiKey,
    webhookSecret: options.webhookSecret,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    relay,
    onCall: async (call) => {
      options.onCall?.(call);
      // The caller's headers are the phone network's word: fine for a greeting, not for access.
      if (call.from === undefined) return call.reject(403);
      await call.accept({ session: { audio: { output: { voice: 'marin' } } } });
      call.on('dtmf', ({ digit }) => {
        if (digit === '#') void call.hangup();
      });
    },
  });
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value);
      const request = new Request(`http://localhost${incoming.url ?? '/'}`, { method: incoming.method ?? 'GET', headers, ...(incoming.method === 'POST' ? { body: Buffer.concat(chunks) } : {}) });
      const answer = new URL(request.url).pathname === '/webhooks/openai' ? handler(request) : Promise.resolve(new Response('not found', { status: 404 }));
      void answer.then(async (response) => {
        outgoing.writeHead(response.status, Object.fromEntries(response.headers));
        outgoing.end(await response.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/openai`;
  return {
    url,
    relay,
    stop: async () => {
      await relay.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Offline: the mock places a call, the caller asks about an order and presses `#`. */
export async function runWithMock(): Promise<{ heardMs: number; toolCalled: boolean }> {
  const secret = `whsec_${Buffer.from('example webhook secret, 32 bytes').toString('base64')}`;
  const mock = new MockRealtimeServer({
    audioPace: 'instant',
    scenario: createScenario('order line')
      .turn((t) => t.hears('Where is my order?').calls('lookup_order', { order: '1234' }))
      .turn((t) => t.plays('reply-weather'))
      .build(),
  });
  const { url } = await mock.start();
  const app = await startSipServer({ apiKey: 'sk-mock', webhookSecret: secret, baseUrl: url.replace(/^ws/, 'http').replace(/\/realtime$/, '') });
  try {
    const phone = await mock.sip.placeCall({ webhookUrl: app.url, webhookSecret: secret });
    await phone.waitFor('accepted');
    const question = await loadFixtureAudio('question');
    await phone.say(question.pcm, question.sampleRate);
    await mock.log.waitFor('output_audio_buffer.stopped', { timeoutMs: 20_000 });
    phone.pressDigit('#');
    await phone.waitFor('ended');
    return { heardMs: phone.heardMs, toolCalled: mock.log.find({ type: 'conversation.item.create', item: { type: 'function_call_output' } }) !== undefined };
  } finally {
    await app.stop();
    await mock.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--mock')) {
    const result = await runWithMock();
    process.stdout.write(`call ended: the caller heard ${Math.round(result.heardMs)} ms; lookup_order ran on the server: ${result.toolCalled}\n`);
  } else {
    const app = await startSipServer({ apiKey: process.env.OPENAI_API_KEY ?? '', webhookSecret: process.env.OPENAI_WEBHOOK_SECRET ?? '', port: Number(process.env.PORT ?? 8080) });
    process.stdout.write(`webhook endpoint: ${app.url}\n`);
  }
}
