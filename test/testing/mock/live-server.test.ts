/**
 * MockLiveServer (issue 14) over real loopback WebSockets. The `openai` package's own `LiveWS`
 * client holds a session against it (third-party conformance): start, a spoken question, a
 * Responses delegation answered with `response.item.create` + `response.create`, the spoken
 * result, close; and its `ForksWS` client forks a stored session. Every event the mock sent
 * must be a valid known Live server event.
 */
import OpenAI from 'openai';
import { ForksWS } from 'openai/resources/live/forks/ws';
import { LiveWS } from 'openai/resources/live/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parseLiveServerEvent } from '../../../src/events/live/parse';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockLiveServer } from '../../../src/testing/mock/live-server';
import type { MockLiveServerOptions } from '../../../src/testing/mock/live-server';
import { createScenario } from '../../../src/testing/script/scenario';
import { EventInbox, RawClient, type AnyEvent } from '../../helpers/index';
import { spokenQuestionChunks } from '../../helpers/live-stream';

const KEY = 'sk-live-mock-key';

const servers: MockLiveServer[] = [];
const sockets: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  for (const server of servers.splice(0)) {
    // Everything the mock sent is a known, valid Live server event.
    for (const entry of server.log.sent) {
      const result = parseLiveServerEvent({ ...entry.event, ...(entry.event.type === 'session.output_audio.delta' ? { delta: 'AAAA' } : {}) });
      expect(result, JSON.stringify(entry.event).slice(0, 200)).toMatchObject({ ok: true, known: true });
    }
    await server.stop();
  }
});

async function start(options: MockLiveServerOptions = {}): Promise<{ server: MockLiveServer; url: string; apiBaseUrl: string }> {
  const server = new MockLiveServer({ apiKey: KEY, audioPace: 'instant', ...options });
  servers.push(server);
  const address = await server.start();
  return { server, ...address };
}

/** An `openai` package Live socket client (`LiveWS`, `ForksWS`): its events in an inbox, once its socket is open; closed after the test. */
async function openedInbox(client: LiveWS | ForksWS): Promise<EventInbox> {
  sockets.push(client);
  const box = new EventInbox(15_000);
  client.on('event', (event: unknown) => box.push(event as AnyEvent));
  client.on('error', (error: unknown) => box.push({ type: 'client.error', error }));
  await new Promise<void>((resolve, reject) => {
    client.socket.once('open', () => resolve());
    client.socket.once('error', reject);
  });
  return box;
}

const lookupTool = { type: 'function', name: 'lookup_order', description: 'Find an order.', parameters: { type: 'object', properties: { order: { type: 'string' } } } } as const;

describe('MockLiveServer with the openai package LiveWS client', () => {
  it('holds a session: start, speech, a Responses delegation answered with response.item.create + response.create, the spoken result, close', async () => {
    const { server, apiBaseUrl } = await start({
      scenario: createScenario()
        .turn((t) => t.hears('Where is order 4417?').calls('lookup_order', { order: '4417' }, { callId: 'call_4417' }))
        .turn((t) => t.says('Order 4417 shipped yesterday.'))
        .build(),
    });
    const live = new LiveWS(new OpenAI({ apiKey: KEY, baseURL: apiBaseUrl }));
    const box = await openedInbox(live);
    live.send({
      type: 'session.start',
      event_id: 'evt_start',
      session: { model: 'gpt-live-1', instructions: 'Be brief.', audio: { format: { type: 'audio/pcm', rate: 24000 } }, delegation: { type: 'responses', responses: { model: 'gpt-5.2', tools: [lookupTool] } } },
    });
    const started = await box.next('session.started');
    expect(started).toMatchObject({ client_event_id: 'evt_start', session: { model: 'gpt-live-1', status: 'active', id: expect.stringMatching(/^live_/) } });

    for (const chunk of await spokenQuestionChunks()) live.send({ type: 'session.input_audio.append', audio: chunk });
    const heard = await box.next('session.input_transcript.delta');
    expect(heard.start_ms).toBeGreaterThanOrEqual(0);
    expect(heard.end_ms).toBeGreaterThan(heard.start_ms);
    const delegation = await box.next('session.delegation.created');
    expect(delegation.delegation).toMatchObject({ target: 'responses', type: 'delegation', response_id: expect.stringMatching(/^resp_/) });
    const call = await box.next('response.event', (event) => event.event.type === 'response.output_item.done');
    expect(call).toMatchObject({ delegation_id: delegation.delegation.id, event: { item: { type: 'function_call', name: 'lookup_order', call_id: 'call_4417' } } });
    expect(JSON.parse(call.event.item.arguments)).toEqual({ order: '4417' });

    live.send({ type: 'response.item.create', item: { type: 'function_call_output', call_id: 'call_4417', output: '{"status":"shipped"}' } });
    live.send({ type: 'response.create' });
    await box.next('response.event', (event) => event.event.type === 'response.completed');
    const said: string[] = [];
    for (;;) {
      const delta = await box.next('session.output_transcript.delta');
      said.push(delta.delta);
      if (said.join('') === 'Order 4417 shipped yesterday.') break;
    }
    expect(box.events.some((event) => event.type === 'session.output_audio.delta')).toBe(true);
    expect(server.sessions[0]!.functionOutputs.get('call_4417')).toBe('{"status":"shipped"}');

    live.send({ type: 'session.close', event_id: 'evt_close' });
    const closed = await box.next('session.closed');
    expect(closed).toMatchObject({ reason: 'close_requested', client_event_id: 'evt_close', usage: { seconds: expect.any(Number) } });
    expect(box.events.filter((event) => event.type === 'client.error')).toEqual([]);
  });
});

/** The shared raw client on a Live URL (no query), closed after the test: what the mock's strictness tests need. */
async function raw(url: string, headers: Record<string, string> = { Authorization: `Bearer ${KEY}` }) {
  const box = await RawClient.connect(url, { headers, query: '', timeoutMs: 15_000 });
  sockets.push(box);
  return { box, send: (event: AnyEvent) => box.send(event) };
}

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => undefined);
  });
}

describe('MockLiveServer strictness and lifecycle', () => {
  it('refuses a bad key, a query string, and anything before session.start; refuses unknown session fields with the real code', async () => {
    const { url } = await start();
    expect(await upgradeStatus(url, { Authorization: 'Bearer sk-wrong' })).toBe(401);
    expect(await upgradeStatus(`${url}?model=gpt-live-1`, { Authorization: `Bearer ${KEY}` })).toBe(400);
    const { box, send } = await raw(url);
    send({ type: 'session.input_audio.mute', event_id: 'early' });
    expect(await box.next('error')).toMatchObject({ error: { code: 'session_not_started', client_event_id: 'early' } });
    send({ type: 'session.start', event_id: 's1', session: { model: 'gpt-live-1', voice: 'marin' } });
    expect(await box.next('error')).toMatchObject({ error: { code: 'unknown_parameter', param: 'session.voice', client_event_id: 's1' } });
    send({ type: 'session.start', event_id: 's2', session: { model: 'gpt-realtime-2.1' } });
    expect(await box.next('error')).toMatchObject({ error: { code: 'invalid_model', param: 'session.model' } });
    send({ type: 'session.start', event_id: 's3', session: { model: 'gpt-live-1', client: { data_channel: { allowed_client_events: ['session.close'] } } } });
    await box.next('session.started');
    expect(await box.next('info')).toMatchObject({ code: 'data_channel_permissions' });
    send({ type: 'session.update', event_id: 'u1', session: { instructions: 'new' } });
    expect(await box.next('error')).toMatchObject({ error: { param: 'session.instructions', client_event_id: 'u1' } });
    send({ type: 'session.update', event_id: 'u2', session: { delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } } });
    expect(await box.next('error')).toMatchObject({ error: { code: 'invalid_value', param: 'session.delegation.type' } });
    send({ type: 'response.create', event_id: 'r1' });
    expect(await box.next('error')).toMatchObject({ error: { message: 'response.create requires Responses delegation.', client_event_id: 'r1' } });
    // Three bytes: not whole PCM16 samples.
    send({ type: 'session.input_audio.append', audio: 'AAAA' });
    expect(await box.next('error')).toMatchObject({ error: { code: 'invalid_audio' } });
    send({ type: 'input_audio_buffer.commit' });
    expect(await box.next('error')).toMatchObject({ error: { message: expect.stringContaining('Realtime event') } });
    send({ type: 'session.input_audio.mute', event_id: 'm1' });
    expect(await box.next('session.input_audio.muted')).toMatchObject({ client_event_id: 'm1' });
  });

  it('client delegation: the commentary append for the delegation is acknowledged on the timeline and spoken', async () => {
    const { url, server } = await start({ scenario: createScenario().turn((t) => t.hears('Book a table.').calls('book')).build() });
    const { box, send } = await raw(url);
    send({ type: 'session.start', session: { model: 'gpt-live-1' } });
    await box.next('session.started');
    for (const chunk of await spokenQuestionChunks()) send({ type: 'session.input_audio.append', audio: chunk });
    const created = await box.next('session.delegation.created');
    expect(created.delegation).toMatchObject({ target: 'client' });
    expect(created.delegation.response_id).toBeUndefined();
    // The delegation sits on the timeline at the end of the 100 ms chunk in which the VAD decided
    // speech had stopped: the heard transcript's end plus the detector's 500 ms of silence.
    const heardEndMs = Math.max(...box.all('session.input_transcript.delta').map((delta) => delta.end_ms as number));
    expect(heardEndMs).toBeGreaterThan(0);
    expect(created.offset_ms).toBe(Math.ceil((heardEndMs + 500) / 100) * 100);
    send({ type: 'session.commentary.append', event_id: 'c1', content: 'Your table for two is booked at eight.', delegation_id: created.delegation.id });
    const appended = await box.next('session.commentary.appended');
    expect(appended).toMatchObject({ client_event_id: 'c1' });
    expect(appended.start_ms).toBe(appended.end_ms);
    const said: string[] = [];
    while (said.join('') !== 'Your table for two is booked at eight.') said.push((await box.next('session.output_transcript.delta')).delta);
    expect(server.scenarioProgress).toEqual({ used: 1, remaining: 0 });
  });

  it('decisions delegation: the scripted decision arrives as decision.event, then the next turn is spoken', async () => {
    const { url } = await start({ scenario: createScenario().turn((t) => t.calls('wants_refund', { value: true })).turn((t) => t.says('I will start the refund.')).build() });
    const { box, send } = await raw(url);
    send({ type: 'session.start', session: { model: 'gpt-live-1', delegation: { type: 'decisions', decisions: { model: 'gpt-5.2-mini', questions: [{ type: 'predicate', instructions: 'Does the caller want a refund?' }] } } } });
    await box.next('session.started');
    for (const chunk of await spokenQuestionChunks()) send({ type: 'session.input_audio.append', audio: chunk });
    expect((await box.next('session.delegation.created')).delegation.target).toBe('decisions');
    expect(await box.next('decision.event')).toMatchObject({ event: { type: 'decision.completed', decision: { answers: [{ name: 'wants_refund', value: { value: true } }] } } });
    expect((await box.next('session.output_transcript.delta')).delta).toBe('I ');
  });

  it('full duplex: yields to user speech under the yield policy, keeps talking under ignore', async () => {
    const outputMs = async (bargeIn: 'yield' | 'ignore'): Promise<{ spoken: number; clip: number }> => {
      // Real time, so that the user's speech lands while the reply is playing.
      const { url, server } = await start({ bargeIn, audioPace: 'realtime', scenario: createScenario().turn((t) => t.plays('reply-weather')).turn((t) => t.says('ok')).build() });
      const { box, send } = await raw(url);
      send({ type: 'session.start', session: { model: 'gpt-live-1' } });
      await box.next('session.started');
      const question = await spokenQuestionChunks();
      for (const chunk of question) send({ type: 'session.input_audio.append', audio: chunk });
      await box.next('session.output_audio.delta');
      // The user speaks again over the reply.
      for (const chunk of question) send({ type: 'session.input_audio.append', audio: chunk });
      // The second utterance was heard (and, under 'yield', cut the reply short).
      await box.next('session.input_transcript.delta');
      // The answer to it: after the cut (yield) or after the whole reply (ignore).
      await box.next('session.output_transcript.delta', (event) => event.delta === 'ok');
      const clip = await loadFixtureAudio('reply-weather');
      const first = server.log.sent.findIndex((entry) => entry.event.type === 'session.output_transcript.delta' && entry.event.delta === 'ok');
      const replyDeltas = server.log.sent.slice(0, first < 0 ? undefined : first).filter((entry) => entry.event.type === 'session.output_audio.delta');
      return { spoken: replyDeltas.reduce((sum, entry) => sum + (entry.audioBytes ?? 0) / 48, 0), clip: (clip.pcm.length * 1000) / 24000 };
    };
    const yielded = await outputMs('yield');
    expect(yielded.spoken).toBeLessThan(yielded.clip - 100);
    const ignored = await outputMs('ignore');
    expect(ignored.spoken).toBeGreaterThanOrEqual(ignored.clip - 1);
  });

  it('places transcript fragments on the audio timeline: the words heard over the utterance, the words spoken over the reply audio as it goes out', async () => {
    const { url, server } = await start({ scenario: createScenario().turn((t) => t.hears('Where is order 4417?').plays('reply-weather', 'It is sunny in Paris today.')).build() });
    const { box, send } = await raw(url);
    send({ type: 'session.start', session: { model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 24000 } } } });
    await box.next('session.started');
    const chunks = await spokenQuestionChunks();
    for (const chunk of chunks) send({ type: 'session.input_audio.append', audio: chunk });
    await box.next('session.output_transcript.delta', (event) => (event.end_ms as number) > 0 && box.all('session.output_transcript.delta').map((delta) => delta.delta).join('') === 'It is sunny in Paris today.');
    const clip = await loadFixtureAudio('reply-weather');
    const clipMs = (clip.pcm.length * 1000) / clip.sampleRate;
    const tiles = (type: string) => server.log.sent.filter((entry) => entry.event.type === type).map((entry) => entry.event as unknown as { delta: string; start_ms: number; end_ms: number });
    const contiguous = (fragments: Array<{ start_ms: number; end_ms: number }>) => fragments.every((fragment, index) => fragment.end_ms > fragment.start_ms && (index === 0 || fragment.start_ms === fragments[index - 1]!.end_ms));

    // Heard: the words, in fragments tiling the utterance, within the audio sent (100 ms a chunk).
    const heard = tiles('session.input_transcript.delta');
    expect(heard.map((fragment) => fragment.delta).join('')).toBe('Where is order 4417?');
    expect(contiguous(heard)).toBe(true);
    expect(heard[0]!.start_ms).toBeGreaterThanOrEqual(0);
    expect(heard.at(-1)!.end_ms).toBeLessThanOrEqual(chunks.length * 100);

    // Spoken: fragments tiling exactly the reply's audio, after the utterance.
    const spoken = tiles('session.output_transcript.delta');
    expect(spoken.map((fragment) => fragment.delta).join('')).toBe('It is sunny in Paris today.');
    expect(contiguous(spoken)).toBe(true);
    expect(spoken[0]!.start_ms).toBeGreaterThanOrEqual(heard.at(-1)!.end_ms);
    expect(Math.abs(spoken.at(-1)!.end_ms - spoken[0]!.start_ms - clipMs)).toBeLessThanOrEqual(1);
    // Each fragment goes out with the audio chunk that reaches its start: before it, no more
    // audio than leads up to that point of the timeline.
    let audioMs = 0;
    let fragment = 0;
    for (const entry of server.log.sent) {
      if (entry.event.type === 'session.output_audio.delta') audioMs += (entry.audioBytes ?? 0) / 48;
      if (entry.event.type !== 'session.output_transcript.delta') continue;
      const offsetMs = spoken[fragment]!.start_ms - spoken[0]!.start_ms;
      expect(audioMs, `audio before fragment ${fragment}`).toBeLessThanOrEqual(offsetMs + 1);
      expect(audioMs + 100, `audio before fragment ${fragment}`).toBeGreaterThan(offsetMs);
      fragment += 1;
    }
    expect(fragment).toBe(spoken.length);
    expect(audioMs).toBeCloseTo(clipMs, 0);
  });

  it('reports cumulative usage, ends expired sessions with session.closed, and lets a sideband attach', async () => {
    const { url, server } = await start({ usageIntervalMs: 40, expireAfterMs: 400 });
    const { box, send } = await raw(url);
    send({ type: 'session.start', session: { model: 'gpt-live-1' } });
    const started = await box.next('session.started');
    const sideband = await raw(`${url}/${started.session.id as string}/attach`);
    expect(await upgradeStatus(`${url}/live_missing/attach`, { Authorization: `Bearer ${KEY}` })).toBe(404);
    sideband.send({ type: 'session.thinking.append', event_id: 'sb1', content: 'The caller is verified.', delegation_id: null });
    expect(await sideband.box.next('session.thinking.appended')).toMatchObject({ client_event_id: 'sb1' });
    expect(server.log.received.find((entry) => entry.event.event_id === 'sb1')?.connection).toBe(1);
    const first = await box.next('session.usage.updated');
    const second = await box.next('session.usage.updated');
    expect(second.usage.seconds).toBeGreaterThanOrEqual(first.usage.seconds);
    const closed = await box.next('session.closed');
    expect(closed).toMatchObject({ reason: 'expired', session: { id: started.session.id } });
    expect(closed.usage.seconds).toBeGreaterThanOrEqual(second.usage.seconds);
    expect(await sideband.box.next('session.closed')).toMatchObject({ reason: 'expired' });
    expect(server.connections.map((connection) => connection.kind)).toEqual(['primary', 'sideband']);
  });
});

describe('MockLiveServer forks a stored session (/v1/live/sessions/{id}/fork)', () => {
  const STORED = { model: 'gpt-live-1', instructions: 'Be brief.', store: true, audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'cedar' } } } as const;

  /** A session started with `session` and closed; its id. */
  async function closedSession(url: string, session: Record<string, unknown>): Promise<string> {
    const { box, send } = await raw(url);
    send({ type: 'session.start', session });
    const started = await box.next('session.started');
    send({ type: 'session.close' });
    await box.next('session.closed');
    return started.session.id as string;
  }

  it('for the openai package ForksWS client: an empty session.start inherits the model, instructions, voice and store; the fork holds a session', async () => {
    const { server, url, apiBaseUrl } = await start({ scenario: createScenario().turn((t) => t.hears('Where is order 4417?').says('It shipped yesterday.')).build() });
    const storedId = await closedSession(url, STORED);
    const fork = new ForksWS(new OpenAI({ apiKey: KEY, baseURL: apiBaseUrl }), { session_id: storedId });
    const box = await openedInbox(fork);
    fork.send({ type: 'session.start', event_id: 'evt_fork', session: {} });
    const started = await box.next('session.started');
    expect(started).toMatchObject({ client_event_id: 'evt_fork', session: { model: 'gpt-live-1', instructions: 'Be brief.', store: true, status: 'active', audio: { output: { voice: 'cedar' } } } });
    expect(started.session.id).toMatch(/^live_/);
    expect(started.session.id).not.toBe(storedId);
    const forked = server.sessions.find((session) => session.id === started.session.id);
    expect(forked?.forkedFrom).toBe(storedId);
    expect(server.sessions.find((session) => session.id === storedId)?.forkedFrom).toBeUndefined();
    // The fork is a session like any other: it hears and answers.
    for (const chunk of await spokenQuestionChunks()) fork.send({ type: 'session.input_audio.append', audio: chunk });
    expect(await box.next('session.output_transcript.delta')).toMatchObject({ delta: expect.any(String) });
  });

  it('takes the overrides a fork may change, refuses a model, WebRTC permissions and a second start, and forks a fork', async () => {
    const { url } = await start();
    const storedId = await closedSession(url, STORED);
    const { box, send } = await raw(`${url}/${storedId}/fork`);
    send({ type: 'session.start', event_id: 'm', session: { model: 'gpt-live-2' } });
    expect(await box.next('error')).toMatchObject({ error: { code: 'unknown_parameter', param: 'session.model', client_event_id: 'm' } });
    send({ type: 'session.start', event_id: 'c', session: { client: { data_channel: { allowed_client_events: 'all' } } } });
    expect(await box.next('error')).toMatchObject({ error: { code: 'invalid_value', param: 'session.client', client_event_id: 'c' } });
    send({ type: 'session.start', event_id: 'd', session: { delegation: { type: 'responses', responses: { model: 'gpt-5.4' } } } });
    expect(await box.next('error')).toMatchObject({ error: { code: 'invalid_value', param: 'session.delegation.type', client_event_id: 'd' } });
    send({ type: 'session.start', event_id: 'o', session: { audio: { format: { type: 'audio/pcmu', rate: 8000 } } } });
    const started = await box.next('session.started');
    expect(started).toMatchObject({ client_event_id: 'o', session: { model: 'gpt-live-1', instructions: 'Be brief.', store: true, audio: { format: { type: 'audio/pcmu', rate: 8000 }, output: { voice: 'cedar' } } } });
    send({ type: 'session.start', event_id: 'again', session: {} });
    expect(await box.next('error')).toMatchObject({ error: { code: 'session_already_started', client_event_id: 'again' } });
    send({ type: 'session.close' });
    await box.next('session.closed');
    // The fork was stored too (inherited): it can be forked in turn, with store turned off.
    const { box: second, send: sendSecond } = await raw(`${url}/${started.session.id as string}/fork`);
    sendSecond({ type: 'session.start', session: { store: false } });
    expect(await second.next('session.started')).toMatchObject({ session: { store: false, audio: { format: { type: 'audio/pcmu', rate: 8000 } } } });
  });

  it('refuses the upgrade for a bad key, an unknown session, and a session that was not stored', async () => {
    const { url } = await start();
    const storedId = await closedSession(url, STORED);
    const unstoredId = await closedSession(url, { model: 'gpt-live-1' });
    const auth = { Authorization: `Bearer ${KEY}` };
    expect(await upgradeStatus(`${url}/${storedId}/fork`, { Authorization: 'Bearer sk-wrong' })).toBe(401);
    expect(await upgradeStatus(`${url}/live_unknown/fork`, auth)).toBe(404);
    expect(await upgradeStatus(`${url}/${unstoredId}/fork`, auth)).toBe(404);
    expect(await upgradeStatus(`${url}/${storedId}/fork`, auth)).toBe(101);
  });

  it('dropConnections terminates every open connection (1006) or closes it with a code; refuses a code a server may not send', async () => {
    const { server, url } = await start();
    const first = await raw(url);
    first.send({ type: 'session.start', session: { model: 'gpt-live-1' } });
    await first.box.next('session.started');
    const second = await raw(url);
    second.send({ type: 'session.start', session: { model: 'gpt-live-1' } });
    await second.box.next('session.started');
    expect(() => server.dropConnections(1005)).toThrow(expect.objectContaining({ code: 'VOXWIRE_INVALID_ARGUMENT' }));
    expect(server.dropConnections(4000, 'draining')).toBe(2);
    expect(await first.box.closed).toMatchObject({ code: 4000, reason: 'draining' });
    expect(await second.box.closed).toMatchObject({ code: 4000 });
    expect(server.dropConnections()).toBe(0);
    const third = await raw(url);
    third.send({ type: 'session.start', session: { model: 'gpt-live-1' } });
    await third.box.next('session.started');
    expect(server.dropConnections()).toBe(1);
    expect(await third.box.closed).toMatchObject({ code: 1006 });
    expect(server.sessions.every((session) => session.closed)).toBe(true);
  });
});
