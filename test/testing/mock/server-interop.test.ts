/**
 * Other vendors' clients, unchanged, against the mock and through the relay in front of the
 * mock (issue 12, "Done when"): `@openai/agents-realtime`'s `OpenAIRealtimeWebSocket` and the
 * `openai` package's `OpenAIRealtimeWS` each hold a text turn, a tool call and a barge-in.
 * Everything the mock sent must be a valid GA server event (the harness checks it after each
 * test), and everything it received must have passed its schemas.
 */
import { createConnection } from 'node:net';
import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger';
import { createRelay } from '../../../src/server/node/create-relay';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import type { MockRealtimeServer } from '../../../src/testing/mock/server';
import type { MockRealtimeServerOptions } from '../../../src/testing/mock/server-options';
import { createScenario } from '../../../src/testing/script/scenario';
import { startServer, transcriptCutAt, useMockServerCleanup } from '../harness';
import { EventInbox, useCleanup, type AnyEvent } from '../../helpers/index';

useMockServerCleanup();

const KEY = 'sk-interop-upstream-key';
const { stoppers } = useCleanup();

type Target = 'mock' | 'relay';

/** The mock, and what a client connects to: the mock itself or a relay in front of it. */
async function serve(target: Target, options: MockRealtimeServerOptions): Promise<{ server: MockRealtimeServer; host: string; path: string; query: string }> {
  const { server } = await startServer({ auth: { apiKey: KEY }, ...options });
  const mockUrl = new URL(server.url as string);
  if (target === 'mock') return { server, host: mockUrl.host, path: '/v1/realtime', query: '' };
  const relay = createRelay({
    upstream: { url: server.url as string, apiKey: KEY, model: 'gpt-realtime-2.1' },
    authenticate: (request) => (new URL(request.url).searchParams.get('token') === 'interop' ? { userId: 'interop' } : null),
    logger: silentLogger,
    pingIntervalMs: Infinity,
  });
  const { url } = await relay.listen(0, { host: '127.0.0.1' });
  stoppers.push(() => relay.close({ drainMs: 0 }));
  return { server, host: new URL(url).host, path: new URL(url).pathname, query: '?token=interop' };
}

/** One vendor client behind a common face: raw events in, raw events out. */
interface VendorClient {
  record: EventInbox;
  send(event: AnyEvent): void;
  /** What the vendor's own barge-in handling does when the user starts speaking (nothing, for a plain client). */
  close(): void;
}

async function agentsClient(host: string, path: string, query: string): Promise<VendorClient> {
  const transport = new OpenAIRealtimeWebSocket({ url: `ws://${host}${path}${query}` });
  const record = new EventInbox(10_000);
  transport.on('*', (event: AnyEvent) => record.push(event));
  transport.on('error', () => undefined);
  await transport.connect({
    apiKey: KEY,
    model: 'gpt-realtime-2.1',
    initialSessionConfig: { instructions: 'Be brief.', audio: { input: { turnDetection: { type: 'server_vad', interruptResponse: true } } } },
  });
  return { record, send: (event) => transport.sendEvent(event as never), close: () => transport.close() };
}

async function openaiClient(host: string, path: string, query: string): Promise<VendorClient> {
  // The `openai` package always dials wss://; a plain TCP connection keeps the test on loopback without TLS.
  const client = new OpenAI({ apiKey: KEY, baseURL: `http://${host}${path.replace(/\/realtime$/, '')}${query}` });
  const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime-2.1', options: { createConnection: (options: any) => createConnection(options) } as never }, client);
  const record = new EventInbox(10_000);
  rt.on('event', (event) => record.push(event as AnyEvent));
  rt.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  // The tutorial habit, done right: on speech, truncate what was heard of the assistant's audio.
  let firstAudioAt: number | undefined;
  let audioMs = 0;
  let itemId: string | undefined;
  rt.on('response.output_audio.delta', (event) => {
    firstAudioAt ??= Date.now();
    itemId = event.item_id;
    audioMs += Buffer.from(event.delta, 'base64').length / 48;
  });
  rt.on('input_audio_buffer.speech_started', () => {
    if (itemId === undefined || firstAudioAt === undefined) return;
    const heard = Math.floor(Math.min(Date.now() - firstAudioAt, audioMs));
    rt.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: heard });
    itemId = undefined;
    firstAudioAt = undefined;
    audioMs = 0;
  });
  rt.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be brief.' } });
  await record.next('session.updated');
  return { record, send: (event) => rt.send(event as never), close: () => rt.close() };
}

const clients = { '@openai/agents-realtime': agentsClient, 'openai OpenAIRealtimeWS': openaiClient } as const;
const targets: Target[] = ['mock', 'relay'];

function userText(text: string): AnyEvent {
  return { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } };
}

function errorsOf(record: EventInbox): AnyEvent[] {
  return record.events.filter((event) => event.type === 'error');
}

describe.each(Object.entries(clients))('%s', (_name, open) => {
  describe.each(targets)('against the %s', (target) => {
    it('holds a text turn', async () => {
      const { server, host, path, query } = await serve(target, { scenario: createScenario().turn((t) => t.says('Bonjour, Paris.')).build() });
      const client = await open(host, path, query);
      stoppers.push(() => client.close());
      client.send(userText('Say hello to Paris.'));
      client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
      const done = await client.record.next('response.done');
      expect(done.response.status).toBe('completed');
      const text = client.record.events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join('');
      expect(text).toBe('Bonjour, Paris.');
      expect(errorsOf(client.record)).toEqual([]);
      expect(server.received.every((entry) => entry.valid)).toBe(true);
    });

    it('holds a tool call', async () => {
      const { server, host, path, query } = await serve(target, {
        scenario: createScenario()
          .turn((t) => t.calls('get_weather', { location: 'Paris' }, { callId: 'call_interop' }))
          .turn((t) => t.says("It's 18 degrees in Paris."))
          .build(),
      });
      const client = await open(host, path, query);
      stoppers.push(() => client.close());
      client.send({
        type: 'session.update',
        session: {
          type: 'realtime',
          output_modalities: ['text'],
          tools: [{ type: 'function', name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { location: { type: 'string' } } } }],
        },
      });
      await client.record.next('session.updated', (event) => event.session.tools?.length === 1);
      client.send(userText('Weather in Paris?'));
      client.send({ type: 'response.create' });
      const call = await client.record.next('response.function_call_arguments.done');
      expect(call).toMatchObject({ call_id: 'call_interop', name: 'get_weather', arguments: '{"location":"Paris"}' });
      await client.record.next('response.done');
      client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: '{"celsius":18}' } });
      client.send({ type: 'response.create' });
      const done = await client.record.next('response.done');
      expect(done.response).toMatchObject({ status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: "It's 18 degrees in Paris." }] }] });
      expect(errorsOf(client.record)).toEqual([]);
      expect(server.received.filter((entry) => entry.event.type === 'conversation.item.create').every((entry) => entry.valid)).toBe(true);
    });

    it('holds a barge-in: the reply is cancelled by speech, truncated to what was heard, and the next turn answers', async () => {
      const { server, host, path, query } = await serve(target, {
        audioPace: 'realtime',
        scenario: createScenario()
          .turn((t) => t.plays('reply-long'))
          .turn((t) => t.hears('Wait, sorry, stop. What about Berlin instead?').says('Berlin: 15 degrees.'))
          .build(),
      });
      const client = await open(host, path, query);
      stoppers.push(() => client.close());
      client.send(userText('Tell me the forecast for the week.'));
      client.send({ type: 'response.create' });
      await client.record.next('response.output_audio.delta');
      const interruption = await loadFixtureAudio('interruption', { chunkMs: 100 });
      for (const chunk of interruption.chunks) client.send({ type: 'input_audio_buffer.append', audio: chunk });
      const cancelled = await client.record.next('response.done');
      expect(cancelled.response.status).toBe('cancelled');
      expect(cancelled.response.status_details.reason).toBe('turn_detected');
      const truncated = await client.record.next('conversation.item.truncated');
      const longReply = await loadFixtureAudio('reply-long');
      expect(truncated.audio_end_ms).toBeLessThan(longReply.durationMs);
      const stored = server.session(0)!.items.find((item) => item.id === truncated.item_id) as AnyEvent;
      expect(stored.content[0].transcript).toBe(transcriptCutAt(longReply, truncated.audio_end_ms));
      const next = await client.record.next('response.done');
      expect(next.response.status).toBe('completed');
      // The vendor may also cancel on speech; the API answers a late cancel with response_cancel_not_active, nothing worse.
      expect(errorsOf(client.record).filter((event) => event.error.code !== 'response_cancel_not_active')).toEqual([]);
    });
  });
});
