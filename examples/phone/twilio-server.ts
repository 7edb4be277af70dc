/**
 * A Twilio phone number on the Realtime API: Twilio's voice webhook is answered with
 * `<Connect><Stream>`, and the Media Stream is bridged in G.711 μ-law to a Realtime session under
 * the relay's policy (a server-side tool, a 10-minute limit), with barge-in truncated at the
 * audio Twilio confirmed it played.
 *
 *   OPENAI_API_KEY=sk-... TWILIO_AUTH_TOKEN=... PUBLIC_HOST=voice.example.com npx tsx examples/phone/twilio-server.ts
 *   npx tsx examples/phone/twilio-server.ts --mock     # offline: the Twilio simulator calls
 *
 * Set the number's "A call comes in" webhook to https://$PUBLIC_HOST/twilio/voice (docs/telephony.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTwilioVoiceHandler, RelayCore } from 'voxwire/server';
import { createMediaStreamServer } from 'voxwire/server/node';
import { createScenario, loadFixtureAudio, MockRealtimeServer, TwilioSimulator } from 'voxwire/testing';
import { lookupOrder } from './sip-server';

/** Starts the voice webhook and the Media Streams bridge on one HTTP server. */
export async function startTwilioServer(options: { apiKey: string; realtimeUrl?: string; publicHost?: string; authToken?: string; port?: number }) {
  const relay = new RelayCore({
    model: 'gpt-realtime-2.1',
    authenticate: () => null,
    policy: { session: { instructions: 'You answer the ACME order line. Be brief.' }, serverTools: [lookupOrder] },
    limits: { maxDurationMs: 10 * 60_000 },
  });
  await relay.start();
  const server = createServer();
  const bridge = createMediaStreamServer({ relay, apiKey: options.apiKey, ...(options.realtimeUrl ? { url: options.realtimeUrl } : {}), path: '/twilio/media' }).attach(server);
  const voice = createTwilioVoiceHandler({
    streamUrl: (request) => `wss://${options.publicHost ?? new URL(request.url).host}/twilio/media`,
    ...(options.authToken ? { authToken: options.authToken } : {}),
  });
  server.on('request', (incoming, outgoing) => {
    if (incoming.url !== '/twilio/voice') return void outgoing.writeHead(404).end();
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) if (typeof value === 'string') headers.set(name, value);
      void voice(new Request(`https://${options.publicHost ?? 'localhost'}${incoming.url}`, { method: 'POST', headers, body: Buffer.concat(chunks) })).then(async (response) => {
        outgoing.writeHead(response.status, Object.fromEntries(response.headers));
        outgoing.end(await response.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    relay,
    bridge,
    stop: async () => {
      await bridge.close();
      await relay.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Offline: the Twilio simulator calls in, asks about an order, and barges in on the answer. */
export async function runWithMock(): Promise<{ truncatedAtMs: number | undefined; twilioPlayedMs: number | undefined }> {
  const mock = new MockRealtimeServer({
    audioPace: 'instant',
    scenario: createScenario('order line')
      .turn((t) => t.hears('Where is my order?').calls('lookup_order', { order: '1234' }))
      .turn((t) => t.plays('reply-long'))
      .build(),
  });
  const { url } = await mock.start();
  const app = await startTwilioServer({ apiKey: 'sk-mock', realtimeUrl: url });
  try {
    const twilio = await TwilioSimulator.connect({ url: `ws://127.0.0.1:${app.port}/twilio/media`, parameters: { from: '+15550123' } });
    const question = await loadFixtureAudio('question');
    await twilio.say(question.pcm, question.sampleRate);
    while (twilio.heardMs < 1500) await new Promise((resolve) => setTimeout(resolve, 20));
    const interruption = await loadFixtureAudio('interruption');
    void twilio.say(interruption.pcm, interruption.sampleRate);
    const truncate = await mock.log.waitFor({ type: 'conversation.item.truncate' }, { timeoutMs: 20_000 });
    twilio.hangup();
    return { truncatedAtMs: (truncate.event as unknown as { audio_end_ms?: number }).audio_end_ms, twilioPlayedMs: twilio.clears[0]?.playedMs };
  } finally {
    await app.stop();
    await mock.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--mock')) {
    const result = await runWithMock();
    process.stdout.write(`barge-in: truncated at ${result.truncatedAtMs} ms; Twilio had played ${Math.round(result.twilioPlayedMs ?? 0)} ms\n`);
  } else {
    const app = await startTwilioServer({
      apiKey: process.env.OPENAI_API_KEY ?? '',
      ...(process.env.PUBLIC_HOST ? { publicHost: process.env.PUBLIC_HOST } : {}),
      ...(process.env.TWILIO_AUTH_TOKEN ? { authToken: process.env.TWILIO_AUTH_TOKEN } : {}),
      port: Number(process.env.PORT ?? 8080),
    });
    process.stdout.write(`listening on :${app.port} (voice webhook /twilio/voice, media stream /twilio/media)\n`);
  }
}
