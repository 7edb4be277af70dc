/**
 * `attachLiveSideband` against MockLiveServer over loopback: a session delegating to Responses
 * runs a server-side `defineTool` tool through the sideband (answered with
 * `response.item.create`, then `response.create`), the result is spoken, and the sideband's
 * time limit closes the session.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RealtimeError } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { pcm16ToBase64 } from '../../../src/codec/base64';
import { attachLiveSideband } from '../../../src/server/http/live-sideband';
import { defineTool } from '../../../src/tools/define-tool';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockLiveServer } from '../../../src/testing/mock/live-server';
import { createScenario } from '../../../src/testing/script/scenario';

const KEY = 'sk-live-sideband';
type AnyEvent = { type: string; [key: string]: any };
const stops: Array<() => unknown> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** A primary WebSocket session on the mock, delegating to Responses; returns its id and its events. */
async function primary(server: MockLiveServer, url: string) {
  const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${KEY}` } });
  stops.push(() => socket.close());
  const events: AnyEvent[] = [];
  socket.on('message', (data) => events.push(JSON.parse(data.toString()) as AnyEvent));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'session.start', session: { model: 'gpt-live-1', delegation: { type: 'responses', responses: { model: 'gpt-5.2', tools: [{ type: 'function', name: 'lookup_order' }] } } } }));
  await expect.poll(() => events.find((event) => event.type === 'session.started'), { timeout: 10_000 }).toBeDefined();
  const speak = async () => {
    const { pcm } = await loadFixtureAudio('question');
    const audio = new Int16Array(pcm.length + 24000);
    audio.set(pcm);
    for (let offset = 0; offset < audio.length; offset += 2400) socket.send(JSON.stringify({ type: 'session.input_audio.append', audio: pcm16ToBase64(audio.subarray(offset, offset + 2400)) }));
  };
  return { id: events.find((event) => event.type === 'session.started')!.session.id as string, events, speak };
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
    const session = await primary(server, url);
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
    const session = await primary(server, url);
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
