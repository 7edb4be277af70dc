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
