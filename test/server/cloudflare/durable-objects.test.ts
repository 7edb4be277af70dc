/**
 * The Durable Objects relay for real: the Worker and its objects run on workerd (Miniflare 3),
 * bundled from src; the upstream is the mock Realtime server on 127.0.0.1, which each session
 * object dials with `fetch` + `Upgrade: websocket`; clients are voxwire's `RealtimeClient` and
 * the raw test client over loopback.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RealtimeClient } from '../../../src/client/client';
import { CLOSE_CODES } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { base64ToPcm16 } from '../../../src/codec/base64';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import { defineTool } from '../../../src/tools/define-tool';
import { RawClient, until, useCleanup } from '../../helpers/index';
import { pcmChunk, SECRET_KEY } from '../harness';
import { ADMIN_TOKEN, metricSample, requireWorkerd, startPlanWorker, startWorker, type RunningWorker } from './workerd';

const present = requireWorkerd();

const { stoppers } = useCleanup();

let worker: RunningWorker | undefined;
let mock: MockRealtimeServer;
let baseUrl: URL;

/** The relay's WebSocket URL for a token (`user[;maxMs=..][;budget=..][;sessions=..]`). */
function relayUrl(token: string): string {
  return `ws://${baseUrl.host}/realtime?token=${encodeURIComponent(token)}`;
}

async function raw(token: string): Promise<RawClient> {
  const client = await RawClient.connect(`ws://${baseUrl.host}/realtime`, { query: `?token=${encodeURIComponent(token)}` });
  stoppers.push(() => client.close());
  return client;
}

/** A request to one of the Worker's HTTP routes. */
function route(path: string, init: RequestInit & { token?: string } = {}): Promise<Response> {
  const { token, ...rest } = init;
  return fetch(new URL(path, baseUrl), { ...rest, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

/** The live sessions the hub lists. */
async function liveSessions(): Promise<Array<{ sessionId: string; userId: string }>> {
  const response = await route('/admin/sessions', { token: ADMIN_TOKEN });
  expect(response.status).toBe(200);
  return (await response.json()) as Array<{ sessionId: string; userId: string }>;
}

/** Waits until the hub lists no live session of `userId` (its object stored the final charge and freed its slot first). */
function sessionsGone(userId: string): Promise<true> {
  return until(async () => (await liveSessions()).every((session) => session.userId !== userId), `the sessions of ${userId} to end`, { timeoutMs: 20_000, intervalMs: 50 });
}

/** One sample of the Prometheus text (0 when absent). */
const sample = (name: string): Promise<number> => metricSample(worker as RunningWorker, name);

describe.skipIf(!present)('the relay on Durable Objects (workerd)', () => {
  beforeAll(async () => {
    mock = new MockRealtimeServer({ audioPace: 'instant', auth: { apiKey: SECRET_KEY } });
    await mock.start();
    worker = await startPlanWorker('relay-worker.ts', mock.url as string);
    baseUrl = worker.url;
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await mock?.stop();
  }, 60_000);

  it('relays a spoken turn with a tool call: RealtimeClient → Worker → session object → upstream', async () => {
    mock.setScenario({
      turns: [
        { user: "What's the weather like in Paris today?", reply: { functionCalls: [{ name: 'get_weather', arguments: { location: 'Paris' }, callId: 'call_cf_1' }] } },
        { reply: { text: "It's 18 degrees and sunny in Paris.", audio: 'reply-weather' } },
      ],
    });
    const connectionsBefore = mock.connections.length;
    const calls: string[] = [];
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'Get the weather for a city.',
      parameters: z.object({ location: z.string() }),
      execute: ({ location }) => {
        calls.push(location);
        return { location, celsius: 18, sky: 'sunny' };
      },
    });
    const client = new RealtimeClient({ url: relayUrl('alice'), logger: silentLogger, reconnect: false, tools: [getWeather], session: { audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } } as never });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const question = await loadFixtureAudio('question');
    for (const chunk of question.chunks) client.appendInputAudio(base64ToPcm16(chunk));
    await until(() => client.conversation.entries.some((entry) => entry.role === 'assistant' && entry.status === 'completed' && entry.text.includes('sunny')), 'the spoken answer after the tool call', {
      timeoutMs: 30_000,
      detail: () => JSON.stringify(client.conversation.entries.map((entry) => [entry.role, entry.text])),
    });
    expect(calls).toEqual(['Paris']);
    const output = mock.received.find((entry) => entry.event.type === 'conversation.item.create' && (entry.event as unknown as { item: { type: string } }).item.type === 'function_call_output');
    expect(output?.event).toMatchObject({ item: { call_id: 'call_cf_1', output: '{"location":"Paris","celsius":18,"sky":"sunny"}' } });
    expect(client.conversation.entries.find((entry) => entry.role === 'user')?.text).toBe("What's the weather like in Paris today?");
    // One upstream connection, dialed by the session object with the server's key (the mock checks it).
    expect(mock.connections.length - connectionsBefore).toBe(1);
  }, 60_000);
  it('keeps one budget and one concurrency cap per user across session objects (the user object)', async () => {
    const token = 'bob;budget=2;sessions=1';
    const first = await raw(token);
    await first.next('session.created', 20_000);
    // A second session of bob while the first is open: over the cap of 1, told why, closed 4004.
    const second = await raw(token);
    expect(await second.next('error', 20_000)).toMatchObject({ error: { code: 'VOXWIRE_CONCURRENCY_LIMIT' } });
    expect((await second.closed).code).toBe(CLOSE_CODES.policyViolation);

    // 1.5 s of 2: the first session stays; its spend lands in bob's object when it closes.
    first.sendAudio(Array.from({ length: 15 }, (_, index) => pcmChunk(100, index * 2400)));
    await until(() => mock.received.filter((entry) => entry.event.type === 'input_audio_buffer.append').length >= 15, 'the audio to reach the upstream', { timeoutMs: 20_000 });
    await first.close();
    await sessionsGone('bob');

    // Another object, the same budget: 1.5 s spent before it opened, 1 s more crosses 2 s.
    const third = await raw(token);
    await third.next('session.created', 20_000);
    third.sendAudio(Array.from({ length: 10 }, (_, index) => pcmChunk(100, index * 2400)));
    expect(await third.next('voxwire.session.ending', 20_000)).toMatchObject({ reason: 'budget_exhausted', seconds_left: 0 });
    expect((await third.closed).code).toBe(CLOSE_CODES.budgetExhausted);
    await sessionsGone('bob');

    // The budget is spent for today: the next connect is refused before any upstream is dialed.
    const connections = mock.connections.length;
    const fourth = await raw(token);
    expect(await fourth.next('error', 20_000)).toMatchObject({ error: { code: 'VOXWIRE_BUDGET_EXHAUSTED' } });
    expect((await fourth.closed).code).toBe(CLOSE_CODES.budgetExhausted);
    expect(mock.connections.length).toBe(connections);
    // The user's slot was freed by every session that ended.
    expect(await liveSessions()).toEqual([]);
  }, 90_000);

  it("ends a session at its time limit on the object's alarm: voxwire.session.ending, then 4001", async () => {
    const client = await raw('carol;maxMs=2500');
    await client.next('session.created', 20_000);
    // Warned endingWarningMs (1 s) before the limit, with the seconds left.
    expect(await client.next('voxwire.session.ending', 20_000)).toMatchObject({ reason: 'time_limit', seconds_left: 1 });
    expect(await client.closed).toEqual({ code: CLOSE_CODES.sessionTimeLimit, reason: expect.any(String) });
    await sessionsGone('carol');
  }, 60_000);

  it('tells the client when the upstream drops; the voxwire client reconnects through the Worker to a new object', async () => {
    mock.setScenario(undefined);
    const client = new RealtimeClient({ url: relayUrl('dana'), logger: silentLogger, reconnect: { initialDelayMs: 50, maxDelayMs: 200 } });
    stoppers.push(() => client.disconnect());
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.serverError?.code ?? error.code));
    await client.connect();
    const [before] = await liveSessions();
    const connections = mock.connections.length;
    expect(mock.dropConnections()).toBe(1);
    await until(() => mock.connections.length === connections + 1 && client.state.status === 'connected', 'the client to reconnect', {
      timeoutMs: 30_000,
      detail: () => `state ${client.state.status}, connections ${mock.connections.length}`,
    });
    expect(errors).toContain('VOXWIRE_UPSTREAM_ERROR');
    const after = await until(async () => {
      const live = await liveSessions();
      return live.length === 1 && live[0]?.sessionId !== before?.sessionId && live;
    }, 'the new session object to be the only live one', { timeoutMs: 20_000, intervalMs: 50 });
    expect(after[0]).toMatchObject({ userId: 'dana' });
    await client.disconnect();
    await sessionsGone('dana');
  }, 60_000);

  it('drains on an admin call: every live session object warns, then closes with 4000 at the deadline', async () => {
    const erin = await raw('erin');
    const frank = await raw('frank');
    await erin.next('session.created', 20_000);
    await frank.next('session.created', 20_000);
    expect((await route('/admin/drain?drainMs=1500', { method: 'POST' })).status).toBe(401);
    const response = await route('/admin/drain?drainMs=1500', { method: 'POST', token: ADMIN_TOKEN });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ draining: 2 });
    for (const client of [erin, frank]) {
      expect(await client.next('voxwire.session.ending', 20_000)).toMatchObject({ reason: 'draining', seconds_left: 2 });
      expect((await client.closed).code).toBe(CLOSE_CODES.draining);
    }
    await sessionsGone('erin');
    await sessionsGone('frank');
  }, 60_000);

  it('serves the Prometheus metrics of every object behind a token', async () => {
    expect((await route('/metrics')).status).toBe(401);
    expect((await route('/metrics', { token: 'wrong' })).status).toBe(401);
    const started = await sample('voxwire_relay_sessions_started_total');
    const refused = await sample('voxwire_relay_connections_rejected_total{reason="authentication"}');
    await expect(raw('')).rejects.toMatchObject({ statusCode: 401 });
    const client = await raw('gina');
    await client.next('session.created', 20_000);
    await until(async () => (await sample('voxwire_relay_active_sessions')) === 1, 'the live session in the gauge', { timeoutMs: 20_000, intervalMs: 50 });
    await client.close();
    await sessionsGone('gina');
    await until(async () => (await sample('voxwire_relay_connections_rejected_total{reason="authentication"}')) === refused + 1, 'the refusal counted', { timeoutMs: 20_000, intervalMs: 50 });
    expect(await sample('voxwire_relay_sessions_started_total')).toBe(started + 1);
    expect(await sample('voxwire_relay_active_sessions')).toBe(0);
    // What the earlier tests did, each counted once by the object where it happened.
    expect(await sample('voxwire_relay_sessions_ended_total{reason="time_limit"}')).toBe(1);
    expect(await sample('voxwire_relay_sessions_ended_total{reason="draining"}')).toBe(2);
    expect(await sample('voxwire_relay_sessions_ended_total{reason="budget_exhausted"}')).toBe(1);
    expect(await sample('voxwire_relay_connections_rejected_total{reason="concurrency"}')).toBe(1);
    expect(await sample('voxwire_relay_frames_total{direction="client_to_upstream"}')).toBeGreaterThan(25);
  }, 60_000);
});

/** The Durable Object bindings, entry and compatibility date of examples/cloudflare/wrangler.toml. */
function wranglerConfig(): { main: string; compatibilityDate: string; durableObjects: Record<string, string>; migrated: string[] } {
  const toml = readFileSync(fileURLToPath(new URL('../../../examples/cloudflare/wrangler.toml', import.meta.url)), 'utf8');
  const value = (name: string): string => new RegExp(`^${name} = "([^"]+)"`, 'm').exec(toml)?.[1] ?? '';
  const durableObjects: Record<string, string> = {};
  for (const [, name, className] of toml.matchAll(/\[\[durable_objects\.bindings\]\]\s*\nname = "([^"]+)"\s*\nclass_name = "([^"]+)"/g)) durableObjects[name as string] = className as string;
  const migrated = [.../new_sqlite_classes = \[([^\]]*)\]/.exec(toml)?.[1]?.matchAll(/"([^"]+)"/g) ?? []].map((match) => match[1] as string);
  return { main: value('main'), compatibilityDate: value('compatibility_date'), durableObjects, migrated };
}

describe.skipIf(!present)('examples/cloudflare as deployed (workerd)', () => {
  let example: RunningWorker | undefined;
  let upstream: MockRealtimeServer;
  const AUTH_SECRET = 'example-auth-secret';

  beforeAll(async () => {
    upstream = new MockRealtimeServer({ audioPace: 'instant', auth: { apiKey: SECRET_KEY } });
    await upstream.start();
    const config = wranglerConfig();
    expect(Object.keys(config.durableObjects).sort()).toEqual(['VOXWIRE_HUB', 'VOXWIRE_SESSIONS', 'VOXWIRE_USERS']);
    expect(config.migrated.sort()).toEqual(Object.values(config.durableObjects).sort());
    example = await startWorker(fileURLToPath(new URL(`../../../examples/cloudflare/${config.main}`, import.meta.url)), {
      compatibilityDate: config.compatibilityDate,
      durableObjects: config.durableObjects,
      bindings: { OPENAI_API_KEY: SECRET_KEY, AUTH_SECRET, REALTIME_URL: upstream.url as string, ADMIN_TOKEN },
    });
  }, 120_000);

  afterAll(async () => {
    await example?.stop();
    await upstream?.stop();
  }, 60_000);

  it('admits a token signed with AUTH_SECRET, refuses others, and relays with the secret key', async () => {
    const url = `ws://${(example as RunningWorker).url.host}/realtime`;
    const signature = createHmac('sha256', AUTH_SECRET).update('hana').digest('base64url');
    await expect(RawClient.connect(url, { query: `?token=hana.${signature.slice(1)}x` })).rejects.toMatchObject({ statusCode: 401 });
    const client = await RawClient.connect(url, { query: `?token=hana.${signature}` });
    stoppers.push(() => client.close());
    const created = await client.next('session.created', 20_000);
    expect(created.session).toMatchObject({ instructions: 'You are a helpful voice assistant. Keep answers short.' });
    expect(upstream.connections).toHaveLength(1);
    // Metrics are off without METRICS_TOKEN; the admin routes answer with ADMIN_TOKEN.
    expect((await fetch(new URL('/metrics', (example as RunningWorker).url))).status).toBe(404);
    const sessions = await fetch(new URL('/admin/sessions', (example as RunningWorker).url), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await sessions.json()).toEqual([expect.objectContaining({ userId: 'hana' })]);
  }, 60_000);
});
