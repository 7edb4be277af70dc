/**
 * Third-party conformance of the Live relay: the `openai` package's own `LiveWS` client, pointed
 * at the relay (its `baseURL`, the relay served at `/v1/live/sessions`, the app's token as its
 * "API key"), holds a session against `MockLiveServer` through it: start (locked by the relay),
 * speech, a Responses delegation to one of its own tools answered with `response.item.create` +
 * `response.create`, the spoken result, usage, close. The relay authenticates the token and
 * dials upstream with the server's key, which the client never sees.
 */
import OpenAI from 'openai';
import { LiveWS } from 'openai/resources/live/ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MockLiveServer } from '../../src/testing/mock/live-server';
import { createScenario } from '../../src/testing/script/scenario';
import type { RelayLiveOptions } from '../../src/server/core/relay-options';
import { SECRET_KEY, startRelay, type AnyEvent } from './harness';
import { spokenQuestionChunks } from '../helpers/live-stream';
import { EventInbox } from '../helpers/index';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});



const APP_TOKEN = 'app-session-token-of-alice';
const lookupTool = { type: 'function', name: 'lookup_order', description: 'Find an order.', parameters: { type: 'object', properties: { order: { type: 'string' } } } } as const;

/** The relay served where `LiveWS` dials (`<baseURL>/live/sessions`), accepting the app's token as the bearer key. */
async function liveRelay(upstreamUrl: string, live: RelayLiveOptions): Promise<Awaited<ReturnType<typeof startRelay>>> {
  const started = await startRelay(upstreamUrl, {
    upstream: { url: upstreamUrl, apiKey: SECRET_KEY },
    path: '/v1/live/sessions',
    authenticate: (request) => (request.headers.get('authorization') === `Bearer ${APP_TOKEN}` ? { userId: 'alice' } : null),
    live,
  });
  cleanups.push(() => started.relay.close({ drainMs: 0 }));
  return started;
}

describe('the openai package LiveWS client through the Live relay', () => {
  it('holds a session against MockLiveServer: locked start, speech, its own delegated tool call answered, the spoken result, close', async () => {
    const server = new MockLiveServer({
      apiKey: SECRET_KEY,
      audioPace: 'instant',
      scenario: createScenario()
        .turn((t) => t.hears('Where is order 4417?').calls('lookup_order', { order: '4417' }, { callId: 'call_4417' }))
        .turn((t) => t.says('Order 4417 shipped yesterday.'))
        .build(),
    });
    const { url: upstreamUrl } = await server.start();
    cleanups.push(() => server.stop());
    const { relay, port } = await liveRelay(upstreamUrl, { session: { instructions: 'You are the order desk of ACME.' } });

    const live = new LiveWS(new OpenAI({ apiKey: APP_TOKEN, baseURL: `http://127.0.0.1:${port}/v1` }));
    cleanups.push(() => live.close());
    const inbox = new EventInbox(15_000);
    const { events } = inbox;
    live.on('event', (event) => inbox.push(event as AnyEvent));
    live.on('error', (error) => inbox.push({ type: 'client.error', error }));
    await new Promise<void>((resolve, reject) => {
      live.socket.once('open', () => resolve());
      live.socket.once('error', reject);
    });
    const next = inbox.next.bind(inbox);

    live.send({
      type: 'session.start',
      event_id: 'evt_start',
      session: { model: 'gpt-live-1', instructions: 'Be rude.', audio: { format: { type: 'audio/pcm', rate: 24000 } }, delegation: { type: 'responses', responses: { model: 'gpt-5.2', tools: [lookupTool] } } },
    });
    const started = await next('session.started');
    expect(started).toMatchObject({ client_event_id: 'evt_start', session: { model: 'gpt-live-1', status: 'active', id: expect.stringMatching(/^live_/) } });
    expect(server.sessions[0]?.config?.instructions).toBe('You are the order desk of ACME.');

    for (const audio of await spokenQuestionChunks()) live.send({ type: 'session.input_audio.append', audio });
    const heard = await next('session.input_transcript.delta');
    expect(heard.end_ms).toBeGreaterThan(heard.start_ms);
    const delegation = await next('session.delegation.created');
    const call = await next('response.event', (event) => event.event.type === 'response.output_item.done');
    expect(call).toMatchObject({ delegation_id: delegation.delegation.id, event: { item: { type: 'function_call', name: 'lookup_order', call_id: 'call_4417' } } });

    live.send({ type: 'response.item.create', item: { type: 'function_call_output', call_id: 'call_4417', output: '{"status":"shipped"}' } });
    live.send({ type: 'response.create' });
    await next('response.event', (event) => event.event.type === 'response.completed');
    await vi.waitFor(() => expect(events.filter((event) => event.type === 'session.output_transcript.delta').map((event) => event.delta as string).join('')).toBe('Order 4417 shipped yesterday.'), { timeout: 15_000 });
    expect(events.some((event) => event.type === 'session.output_audio.delta')).toBe(true);
    expect(server.sessions[0]?.functionOutputs.get('call_4417')).toBe('{"status":"shipped"}');

    live.send({ type: 'session.close', event_id: 'evt_close' });
    const closed = await next('session.closed');
    expect(closed).toMatchObject({ reason: 'close_requested', client_event_id: 'evt_close', usage: { seconds: expect.any(Number) } });
    expect(events.filter((event) => event.type === 'client.error' || event.type === 'error')).toEqual([]);
    // The server's key went upstream; nothing the client received carries it.
    expect(server.connections[0]).toMatchObject({ apiKey: SECRET_KEY });
    expect(JSON.stringify(events)).not.toContain(SECRET_KEY);
    await vi.waitFor(() => expect(relay.metrics.snapshot().live.sessionsEnded.upstream_closed + relay.metrics.snapshot().live.sessionsEnded.client_closed).toBe(1), { timeout: 10_000 });
  });

  it('refuses a LiveWS client whose token the relay does not accept, before any upstream connection', async () => {
    const server = new MockLiveServer({ apiKey: SECRET_KEY });
    const { url: upstreamUrl } = await server.start();
    cleanups.push(() => server.stop());
    const { port } = await liveRelay(upstreamUrl, {});
    const live = new LiveWS(new OpenAI({ apiKey: 'sk-stolen-or-wrong', baseURL: `http://127.0.0.1:${port}/v1` }));
    cleanups.push(() => live.close());
    const failure = await new Promise<unknown>((resolve) => {
      live.socket.once('open', () => resolve('opened'));
      live.socket.once('error', (error: unknown) => resolve(error));
      live.on('error', (error) => resolve(error));
    });
    expect(failure).not.toBe('opened');
    expect(String((failure as Error).message ?? failure)).toContain('401');
    expect(server.connections).toHaveLength(0);
  });
});
