/**
 * `attachLiveSideband` against MockLiveServer over loopback: a session delegating to Responses
 * runs a server-side `defineTool` tool through the sideband (answered with
 * `response.item.create`, then `response.create`), the result is spoken, and the sideband's
 * time limit closes the session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeError } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { attachLiveSideband } from '../../../src/server/http/live-sideband';
import { defineTool } from '../../../src/tools/define-tool';
import { MockLiveServer } from '../../../src/testing/mock/live-server';
import { createScenario } from '../../../src/testing/script/scenario';
import { RawClient } from '../../helpers/index';
import { spokenQuestionChunks } from '../../helpers/live-stream';
import { startScriptedLiveServer } from '../../live/scripted-live-server';
import { gatheredOffer } from '../../helpers/werift-peer';

const KEY = 'sk-live-sideband';
const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A primary WebSocket session on the mock (the shared raw client), delegating to Responses; returns its id and its events. */
async function primary(url: string) {
  const client = await RawClient.connect(url, { headers: { Authorization: `Bearer ${KEY}` }, query: '', timeoutMs: 10_000 });
  stops.push(() => client.close());
  client.send({ type: 'session.start', session: { model: 'gpt-live-1', delegation: { type: 'responses', responses: { model: 'gpt-5.2', tools: [{ type: 'function', name: 'lookup_order' }] } } } });
  const started = await client.next('session.started');
  const speak = async () => {
    for (const audio of await spokenQuestionChunks()) client.send({ type: 'session.input_audio.append', audio });
  };
  return { id: started.session.id as string, events: client.events, speak };
}

describe('attachLiveSideband (server tools and limits on a Live session)', () => {
  it('runs a defineTool tool the Responses backend calls and continues the response; the result is spoken', async () => {
    const server = new MockLiveServer({
      apiKey: KEY,
      audioPace: 'instant',
      scenario: createScenario().turn((t) => t.hears('Where is order 4417?').calls('lookup_order', { order: '4417' }, { callId: 'call_1' })).turn((t) => t.says('It shipped yesterday.')).build(),
    });
    stops.push(() => server.stop());
    const { url, apiBaseUrl } = await server.start();
    const session = await primary(url);
    const seen: string[] = [];
    const lookupOrder = defineTool({
      name: 'lookup_order',
      description: 'Find an order.',
      parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
      execute: (args) => {
        seen.push(String(args.order));
        return { order: args.order, status: 'shipped' };
      },
    });
    const sideband = await attachLiveSideband({ apiKey: KEY, baseUrl: apiBaseUrl, sessionId: session.id, tools: [lookupOrder], logger: silentLogger });
    await session.speak();
    await expect.poll(() => server.sessions[0]!.functionOutputs.get('call_1'), { timeout: 10_000 }).toBe('{"order":"4417","status":"shipped"}');
    expect(seen).toEqual(['4417']);
    await expect.poll(() => session.events.filter((event) => event.type === 'session.output_transcript.delta').map((event) => event.delta).join(''), { timeout: 10_000 }).toBe('It shipped yesterday.');
    // The response was continued once, by the sideband.
    expect(server.filter('response.create')).toHaveLength(1);
    expect(server.connections.map((connection) => connection.kind)).toEqual(['primary', 'sideband']);
    sideband.close();
    expect(await sideband.ended).toBe('close_requested');
  });

  it('answers parallel calls with one response.create after the last, even when the first is answered before the second has streamed', async () => {
    const server = await startScriptedLiveServer();
    stops.push(() => server.stop());
    const lookupOrder = defineTool({
      name: 'lookup_order',
      description: 'Find an order.',
      parameters: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
      execute: (args) => ({ order: args.order, status: 'shipped' }),
    });
    const sideband = await attachLiveSideband({ apiKey: KEY, baseUrl: server.url.replace(/^ws/, 'http').replace('/live/sessions', ''), sessionId: 'live_scripted', tools: [lookupOrder], logger: silentLogger });
    stops.push(() => sideband.close());
    const nested = (event: Record<string, unknown>) => server.send({ type: 'response.event', delegation_id: 'del_1', event: { response_id: 'resp_1', ...event } });
    const call = (index: number, status: 'in_progress' | 'completed') => ({
      type: 'function_call',
      id: `fc_${index}`,
      call_id: `call_${index}`,
      name: 'lookup_order',
      arguments: status === 'completed' ? JSON.stringify({ order: `44${index}` }) : '',
      status,
    });
    // The Responses stream of a delegation with two calls, as it arrives: the first call is done
    // (and answered at once) while the second is still streaming its arguments.
    nested({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } });
    nested({ type: 'response.output_item.added', output_index: 0, item: call(0, 'in_progress') });
    nested({ type: 'response.output_item.done', output_index: 0, item: call(0, 'completed') });
    nested({ type: 'response.output_item.added', output_index: 1, item: call(1, 'in_progress') });
    await server.waitFor('response.item.create');
    nested({ type: 'response.function_call_arguments.delta', item_id: 'fc_1', output_index: 1, delta: '{"order":"441"}' });
    nested({ type: 'response.output_item.done', output_index: 1, item: call(1, 'completed') });
    await server.waitFor('response.create');
    // A marker after everything the sideband sent so far (one socket keeps the order).
    sideband.send({ type: 'session.input_audio.mute', event_id: 'marker' });
    await server.waitFor('session.input_audio.mute');
    expect(server.received.map((event) => (event.type === 'response.item.create' ? `${event.type} ${(event.item as { call_id: string }).call_id}` : event.type))).toEqual([
      'response.item.create call_0',
      'response.item.create call_1',
      'response.create',
      'session.input_audio.mute',
    ]);
    expect(server.received[0]?.path).toBe('/v1/live/sessions/live_scripted/attach');
  });

  it("attaches to a browser's WebRTC session once its peer has connected (attachTimeoutMs), and closes it for the browser", async () => {
    const server = new MockLiveServer({ apiKey: KEY, audioPace: 'instant' });
    stops.push(() => server.stop());
    const { apiBaseUrl } = await server.start();
    const offer = await gatheredOffer();
    stops.push(() => offer.close());
    const received: Array<{ type: string; [key: string]: unknown }> = [];
    offer.channel.onMessage.subscribe((data) => received.push(JSON.parse(String(data)) as { type: string }));
    // The app server creates the session (as createLiveSessionHandler does) and starts attaching
    // before the browser has the answer: the session is not active yet.
    const created = await fetch(`${apiBaseUrl}/live/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ session: { model: 'gpt-live-1' }, transport: { type: 'webrtc', sdp: offer.sdp } }),
    });
    const { session, transport } = (await created.json()) as { session: { id: string }; transport: { sdp: string } };
    const attaching = attachLiveSideband({ apiKey: KEY, baseUrl: apiBaseUrl, sessionId: session.id, attachTimeoutMs: 15_000, logger: silentLogger });
    await offer.pc.setRemoteDescription({ type: 'answer', sdp: transport.sdp });
    const sideband = await attaching;
    expect(server.connections.map((connection) => [connection.kind, connection.sessionId])).toEqual([
      ['webrtc', session.id],
      ['sideband', session.id],
    ]);
    sideband.close();
    expect(await sideband.ended).toBe('close_requested');
    await expect.poll(() => received.find((event) => event.type === 'session.closed'), { timeout: 15_000 }).toMatchObject({ reason: 'close_requested' });
    // Without the wait, an attach before the peer connected is refused (404).
    await expect(attachLiveSideband({ apiKey: KEY, baseUrl: apiBaseUrl, sessionId: 'live_notyet', logger: silentLogger })).rejects.toMatchObject({ message: expect.stringContaining('404') });
  });

  it('closes the session at its time limit', async () => {
    const server = new MockLiveServer({ apiKey: KEY, audioPace: 'instant' });
    stops.push(() => server.stop());
    const { url, apiBaseUrl } = await server.start();
    const session = await primary(url);
    const sideband = await attachLiveSideband({ apiKey: KEY, baseUrl: apiBaseUrl, sessionId: session.id, maxDurationMs: 200, logger: silentLogger });
    expect(await sideband.ended).toBe('close_requested');
    expect(session.events.find((event) => event.type === 'session.closed')).toMatchObject({ reason: 'close_requested' });
  });

  it('refuses a malformed session id, and a session that does not exist', async () => {
    await expect(attachLiveSideband({ apiKey: KEY, sessionId: '../x' })).rejects.toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT' });
    const server = new MockLiveServer({ apiKey: KEY });
    stops.push(() => server.stop());
    const { apiBaseUrl } = await server.start();
    // The API refuses the attach upgrade with 404 (session_not_found): a failed connection, naming the status.
    const missing = attachLiveSideband({ apiKey: KEY, baseUrl: apiBaseUrl, sessionId: 'live_missing', logger: silentLogger });
    await expect(missing).rejects.toThrow(RealtimeError);
    await expect(missing).rejects.toMatchObject({ code: 'VOXWIRE_CONNECTION_FAILED', message: expect.stringContaining('404') });
  });
});
