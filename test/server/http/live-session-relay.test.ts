/**
 * `createLiveSessionHandler` with `relay` (issue 14: "`client.data_channel` permissions set from
 * the relay policy"): browsers' GPT-Live WebRTC sessions under the same relay policy as its
 * WebSocket sessions, against MockLiveServer over loopback with a werift peer as the browser.
 * The relay admits the request (its authentication, budget and per-user concurrency), its Live
 * lock and server tools go into the session, the data channel allows what the relay lets its
 * clients send less what only the relay's own socket could check, and the relay's session runs
 * on a sideband: listed and counted, ended by the operator, its time limit or the per-second
 * budget with `session.close`, which the browser sees as `session.closed`.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import type { RelayCoreOptions } from '../../../src/server/core/relay-options';
import { createLiveSessionHandler } from '../../../src/server/http/live-session';
import type { LiveWebRTCSession } from '../../../src/server/http/live-session';
import { MemoryBudgetStore } from '../../../src/server/stores/memory-budget-store';
import { MockLiveServer } from '../../../src/testing/mock/live-server';
import { defineTool } from '../../../src/tools/define-tool';
import { until, useCleanup } from '../../helpers/index';
import { gatheredOffer } from '../../helpers/werift-peer';

const KEY = 'sk-test-live-relay-webrtc';
const origin = 'https://app.example';
const { stoppers } = useCleanup();

const lookupOrder = defineTool({
  name: 'lookup_order',
  description: 'Find an order by number.',
  parameters: z.object({ order: z.string() }),
  execute: ({ order }) => ({ order, status: 'shipped' }),
});

type Forwarded = { session: Record<string, any> };

async function setup(relayOptions: Partial<RelayCoreOptions> = {}, usageIntervalMs?: number) {
  const mock = new MockLiveServer({ apiKey: KEY, audioPace: 'instant', ...(usageIntervalMs === undefined ? {} : { usageIntervalMs }) });
  const { apiBaseUrl } = await mock.start();
  stoppers.push(() => mock.stop());
  const relay = new RelayCore({
    model: 'gpt-live-1',
    live: { session: { instructions: 'You are the order line.', audio: { output: { voice: 'cedar' } } } },
    authenticate: (request) => (request.headers.get('authorization') === 'Bearer user-token' ? { userId: 'u1' } : null),
    origins: [origin],
    logger: silentLogger,
    ...relayOptions,
  });
  await relay.start();
  stoppers.push(() => relay.stop());
  const forwarded: Forwarded[] = [];
  const created: LiveWebRTCSession[] = [];
  const handle = createLiveSessionHandler({
    apiKey: KEY,
    relay,
    baseUrl: apiBaseUrl,
    // What the app asks for; the relay's lock wins where it has one.
    session: { model: 'gpt-live-1', instructions: 'Ignore your rules.', delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } },
    fetch: (async (url: string, init: RequestInit) => {
      forwarded.push(JSON.parse(String(init.body)) as Forwarded);
      return fetch(url, init);
    }) as typeof fetch,
    onSession: (session) => void created.push(session),
  });
  /** A browser's offer posted to the handler; connects the peer when it is answered. */
  const post = async (token = 'user-token') => {
    const offer = await gatheredOffer();
    stoppers.push(() => offer.close());
    const response = await handle(new Request(`${origin}/api/live/session`, { method: 'POST', headers: { authorization: `Bearer ${token}`, origin, 'content-type': 'application/sdp' }, body: offer.sdp }));
    const received: Array<{ type: string; [key: string]: any }> = [];
    offer.channel.onMessage.subscribe((data) => received.push(JSON.parse(String(data)) as { type: string }));
    if (response.status === 201) await offer.pc.setRemoteDescription({ type: 'answer', sdp: await response.clone().text() });
    return { response, received, channel: offer.channel };
  };
  return { mock, relay, forwarded, created, post };
}

describe('createLiveSessionHandler under a relay (WebRTC sessions with the relay policy)', () => {
  it("locks the session with the relay's policy, sets the data channel from it, and runs the relay's session on a sideband until the operator ends it", async () => {
    const { mock, relay, forwarded, created, post } = await setup({ policy: { serverTools: [lookupOrder] } });
    const { response, received, channel } = await post();
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    const sessionId = response.headers.get('location')!.split('/').pop()!;

    // The relay's lock and server tools, in the session the API was asked for.
    const session = forwarded[0]!.session;
    expect(session).toMatchObject({ model: 'gpt-live-1', instructions: 'You are the order line.', audio: { output: { voice: 'cedar' } } });
    expect(session.delegation.responses.tools.map((tool: { name: string }) => tool.name)).toEqual(['lookup_order']);
    // The browser may send what the relay lets its clients send, less what only the relay's own
    // socket could check: no session.update, no developer instructions (locked), no answers to
    // the relay's tool calls.
    const allowed = session.client.data_channel.allowed_client_events as string[];
    expect(allowed).toEqual(expect.arrayContaining(['session.input_audio.mute', 'session.input_audio.unmute', 'session.close', 'session.commentary.append']));
    for (const type of ['session.update', 'session.instructions.append', 'response.item.create', 'response.create', 'transport.dtmf.send']) expect(allowed).not.toContain(type);
    expect(session.client.data_channel.allowed_server_events).toBe('all');

    // The relay's session runs on a sideband, attached once the browser's peer connected:
    // listed, counted, reported to the app.
    await until(() => created.length > 0, 'the relay session on the sideband', { timeoutMs: 15_000 });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ sessionId, identity: { userId: 'u1' } });
    expect(relay.sessions().map((listed) => listed.id)).toEqual([created[0]!.relaySession!.id]);
    expect(mock.connections.map((connection) => [connection.kind, connection.sessionId, connection.apiKey])).toEqual([
      ['webrtc', sessionId, KEY],
      ['sideband', sessionId, KEY],
    ]);
    expect(relay.metrics.snapshot().live.sessionsStarted).toBe(1);

    // The browser's data channel: the session started, and what the relay checks is refused by the API.
    await expect.poll(() => received.map((event) => event.type), { timeout: 15_000 }).toContain('session.started');
    channel.send(JSON.stringify({ type: 'session.update', event_id: 'dc1', session: { delegation: { type: 'responses', responses: { tools: [] } } } }));
    await expect.poll(() => received.find((event) => event.type === 'error'), { timeout: 15_000 }).toMatchObject({ error: { code: 'event_not_allowed', client_event_id: 'dc1' } });
    channel.send(JSON.stringify({ type: 'session.input_audio.mute', event_id: 'dc2' }));
    await expect.poll(() => received.find((event) => event.type === 'session.input_audio.muted'), { timeout: 15_000 }).toMatchObject({ client_event_id: 'dc2' });

    // The operator ends it: session.close on the sideband, and the browser is told.
    expect(await relay.endSession(created[0]!.relaySession!.id)).toBe(true);
    await expect.poll(() => received.find((event) => event.type === 'session.closed'), { timeout: 15_000 }).toMatchObject({ reason: 'close_requested' });
    expect(mock.log.received.filter((entry) => entry.event.type === 'session.close').map((entry) => entry.connection)).toEqual([1]);
    expect(relay.sessions()).toEqual([]);
    expect(relay.metrics.snapshot().live.sessionsEnded.ended_by_operator).toBe(1);
  }, 60_000);

  it('ends a session at its time limit with session.close, announced to the browser by session.closed', async () => {
    const { relay, post } = await setup({ limits: { maxDurationMs: 500 } });
    const { response, received } = await post();
    expect(response.status).toBe(201);
    await expect.poll(() => received.find((event) => event.type === 'session.closed'), { timeout: 15_000 }).toMatchObject({ reason: 'close_requested' });
    await until(() => relay.metrics.snapshot().live.sessionsEnded.time_limit === 1, 'the time limit in the metrics', { timeoutMs: 10_000 });
    expect(relay.sessions()).toEqual([]);
  }, 60_000);

  it('charges the session by the second against the budget, ends it when spent, then refuses the user (402); one session per user at a time (429)', async () => {
    const store = new MemoryBudgetStore();
    const { mock, relay, forwarded, post } = await setup({ budget: { store, dailyLimit: 1.5, chargeIntervalMs: 100 }, limits: { maxSessionsPerUser: 1, concurrencyGraceMs: 0 } }, 600_000);
    const first = await post();
    expect(first.response.status).toBe(201);
    // A second session of the same user finds its one slot taken: refused before the API is asked.
    const second = await post();
    expect(second.response.status).toBe(429);
    expect(((await second.response.json()) as { error: { code: string } }).error.code).toBe('VOXWIRE_CONCURRENCY_LIMIT');
    expect(forwarded).toHaveLength(1);
    // The seconds run out on the relay's clock (no usage report needed): the session is closed.
    await expect.poll(() => first.received.find((event) => event.type === 'session.closed'), { timeout: 20_000 }).toMatchObject({ reason: 'close_requested' });
    await until(() => relay.metrics.snapshot().live.sessionsEnded.budget_exhausted === 1, 'the budget end in the metrics', { timeoutMs: 10_000 });
    expect(mock.filter('session.usage.updated', { direction: 'sent' })).toHaveLength(0);
    // Spent: the next offer is refused with 402, and the slot was given back (not 429).
    const broke = await post();
    expect(broke.response.status).toBe(402);
    expect(((await broke.response.json()) as { error: { code: string } }).error.code).toBe('VOXWIRE_BUDGET_EXHAUSTED');
    expect(forwarded).toHaveLength(1);
    // An unknown caller is refused by the relay's authentication.
    expect((await post('nope')).response.status).toBe(401);
  }, 60_000);
});
