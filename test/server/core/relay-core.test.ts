import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { CLOSE_CODES } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { MemoryBudgetStore } from '../../../src/server/stores/memory-budget-store';
import { RelayCore, type RelayAdmission } from '../../../src/server/core/relay-core';
import type { RelayCoreOptions, RelayIdentity } from '../../../src/server/core/relay-options';
import { MemorySessionBus } from '../../../src/server/stores/session-bus';
import { defineTool } from '../../../src/tools/define-tool';
import { FakeClock, flushMicrotasks } from '../../helpers/fake-clock';
import { appendFrame, FakeSocket, frame, sessionEvent } from '../fakes';

const request = (headers: Record<string, string> = {}): Request => new Request('http://relay.test/realtime?token=t', { headers });
const info = { remoteAddress: '127.0.0.1' };

function makeCore(options: Partial<RelayCoreOptions> = {}, clock = new FakeClock()): { core: RelayCore; clock: FakeClock } {
  const core = new RelayCore({
    model: 'gpt-realtime-2.1',
    authenticate: () => ({ userId: 'u1' }),
    logger: silentLogger,
    clock,
    ...options,
  });
  return { core, clock };
}

async function openSession(core: RelayCore, headers: Record<string, string> = {}) {
  const admission = await core.admit(request(headers), info);
  if (admission.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(admission)}`);
  const client = new FakeSocket();
  const upstream = new FakeSocket();
  const session = core.open(admission.ticket, client, upstream);
  return { session, client, upstream };
}

describe('admission (before the upgrade)', () => {
  it('refuses a missing identity with 401, a Response with its status, a throw with 500, a bad origin with 403', async () => {
    const refuse = async (authenticate: RelayCoreOptions['authenticate'], headers: Record<string, string> = {}, origins?: string[]) => {
      const { core } = makeCore({ authenticate, ...(origins ? { origins } : {}) });
      return core.admit(request(headers), info);
    };
    expect(await refuse(() => null)).toMatchObject({ status: 'rejected', httpStatus: 401, reason: 'authentication' });
    expect(await refuse(() => new Response('plan expired', { status: 403 }))).toMatchObject({ status: 'rejected', httpStatus: 403, body: 'plan expired' });
    expect(
      await refuse(() => {
        throw new Error('db down');
      }),
    ).toMatchObject({ status: 'rejected', httpStatus: 500 });
    expect(await refuse(() => ({ userId: '' }) as RelayIdentity)).toMatchObject({ status: 'rejected', httpStatus: 500 });
    expect(await refuse(() => ({ userId: 'u' }), { origin: 'https://evil.test' }, ['https://app.test'])).toMatchObject({ status: 'rejected', httpStatus: 403, reason: 'origin' });
    expect(await refuse(() => ({ userId: 'u' }), { origin: 'https://app.test' }, ['https://app.test'])).toMatchObject({ status: 'accepted' });
    expect(await refuse(() => ({ userId: 'u' }), {}, ['https://app.test'])).toMatchObject({ status: 'accepted' });
  });

  it('passes the request to authenticate and keeps the identity on the session', async () => {
    let seen: string | null = null;
    const { core } = makeCore({
      authenticate: (req) => {
        seen = new URL(req.url).searchParams.get('token');
        return { userId: 'alice', plan: 'pro' };
      },
    });
    const { session } = await openSession(core);
    expect(seen).toBe('t');
    expect(session.identity).toEqual({ userId: 'alice', plan: 'pro' });
  });

  it('refuses an exhausted budget at connect with 4002 and counts it', async () => {
    const store = new MemoryBudgetStore();
    const { core } = makeCore({ budget: { store, dailyLimit: 10 } });
    await store.charge(`budget:u1:${new Date(0).toISOString().slice(0, 10)}`, 10, 60_000);
    const admission = await core.admit(request(), info);
    expect(admission).toMatchObject({ status: 'refused', closeCode: CLOSE_CODES.budgetExhausted, errorCode: 'VOXWIRE_BUDGET_EXHAUSTED' });
    const client = new FakeSocket();
    core.refuse(admission as Extract<RelayAdmission, { status: 'refused' }>, client);
    expect(client.ofType('error')[0]).toMatchObject({ error: { code: 'VOXWIRE_BUDGET_EXHAUSTED' } });
    expect(client.closed?.code).toBe(4002);
    expect(core.metrics.snapshot().budgetRejections.connect).toBe(1);
  });

  it('caps concurrent sessions per user, waiting out the grace for a slot to free', async () => {
    const { core, clock } = makeCore({ limits: { maxSessionsPerUser: 1, concurrencyGraceMs: 500 } });
    const first = await openSession(core);
    const second = core.admit(request(), info);
    for (let step = 0; step < 7; step += 1) await clock.advance(100);
    expect(await second).toMatchObject({ status: 'refused', closeCode: CLOSE_CODES.policyViolation, errorCode: 'VOXWIRE_CONCURRENCY_LIMIT' });

    // A reconnect that arrives before the old socket's close is admitted once the close lands.
    const third = core.admit(request(), info);
    for (let step = 0; step < 2; step += 1) await clock.advance(100);
    first.session.handleClientClose(1006, '');
    for (let step = 0; step < 2; step += 1) await clock.advance(100);
    expect(await third).toMatchObject({ status: 'accepted' });
  });

  it('refuses new connections with 503 once draining', async () => {
    const { core } = makeCore();
    await core.drain({ drainMs: 0 });
    expect(await core.admit(request(), info)).toMatchObject({ status: 'rejected', httpStatus: 503, reason: 'draining' });
  });
});

describe('a relayed session', () => {
  it("sends the operator's config first and shows the client one session.created that carries it", async () => {
    const { core } = makeCore({ policy: { session: { instructions: 'Locked.' }, maxOutputTokens: 256 } });
    const { client, upstream, session } = await openSession(core);
    const [update] = upstream.events();
    expect(update).toMatchObject({ type: 'session.update', session: { type: 'realtime', instructions: 'Locked.', max_output_tokens: 256 } });
    expect(String(update?.event_id)).toMatch(/^vxr_/);
    session.handleUpstreamFrame(sessionEvent('session.created', { instructions: '' }));
    expect(client.sent).toHaveLength(0);
    session.handleUpstreamFrame(sessionEvent('session.updated', { instructions: 'Locked.', max_output_tokens: 256 }));
    expect(client.types()).toEqual(['session.created']);
    expect(client.events()[0]).toMatchObject({ session: { instructions: 'Locked.', max_output_tokens: 256 } });
  });

  it('forwards session.created anyway when the upstream never confirms the config', async () => {
    const { core, clock } = makeCore({ policy: { session: { instructions: 'Locked.' } } });
    const { client, session } = await openSession(core);
    session.handleUpstreamFrame(sessionEvent('session.created'));
    expect(client.sent).toHaveLength(0);
    await clock.advance(5000);
    expect(client.types()).toEqual(['session.created']);
  });

  it('survives any frame: each is forwarded or answered with an error event, nothing throws', async () => {
    const { core } = makeCore({ policy: { maxRejectedFrames: Infinity, maxClientFrameBytes: 2048 } });
    const { client, upstream, session } = await openSession(core);
    const frames = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json({ maxDepth: 3 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.record({ type: fc.constantFrom('input_audio_buffer.append', 'session.update', 'response.create', '__proto__', 'constructor'), audio: fc.string(), session: fc.object() }).map((event) => JSON.stringify(event)),
    );
    fc.assert(
      fc.property(frames, (data) => {
        const before = client.sent.length + upstream.sent.length;
        expect(() => session.handleClientFrame(data)).not.toThrow();
        expect(client.sent.length + upstream.sent.length).toBe(before + 1);
        expect(() => session.handleUpstreamFrame(data)).not.toThrow();
      }),
      { numRuns: 500 },
    );
    expect(session.ended).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("survives an app listener that throws: the error is logged, the event still reaches the client", async () => {
    const logged: string[] = [];
    const { core } = makeCore({ logger: { ...silentLogger, error: (message) => logged.push(message) } });
    core.on('transcript', () => {
      throw new Error('dashboard bug');
    });
    const { client, session } = await openSession(core);
    session.handleUpstreamFrame(frame({ type: 'response.output_text.done', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, text: 'Hi' }));
    expect(client.types()).toEqual(['response.output_text.done']);
    expect(logged).toEqual(['relay: a transcript listener threw']);
  });

  it('forwards audio appends and audio deltas as the original bytes', async () => {
    const { core } = makeCore();
    const { client, upstream, session } = await openSession(core);
    const append = appendFrame(20);
    session.handleClientFrame(append);
    expect(upstream.sent.at(-1)).toBe(append);
    const delta = frame({ type: 'response.output_audio.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'AAAA' });
    session.handleUpstreamFrame(delta);
    expect(client.sent.at(-1)).toBe(delta);
    expect(core.metrics.snapshot()).toMatchObject({ clientToUpstream: { frames: 1, bytes: append.byteLength }, upstreamToClient: { frames: 1 } });
  });

  it('answers a bad frame with an error event and keeps the session; too many end it with 4004', async () => {
    const { core } = makeCore({ policy: { maxClientFrameBytes: 1000, allowedClientEvents: ['input_audio_buffer.append', 'session.update'], maxRejectedFrames: 4 } });
    const { client, upstream, session } = await openSession(core);
    session.handleClientFrame(appendFrame(30));
    session.handleClientFrame('{not json');
    session.handleClientFrame(JSON.stringify({ type: 'response.create' }));
    session.handleClientFrame(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 5 } }));
    // A beta-shaped config is refused too, but an outdated client is not a hostile one: it does not count.
    session.handleClientFrame(JSON.stringify({ type: 'session.update', session: { type: 'realtime', modalities: ['text'] } }));
    const errors = client.ofType('error').map((event) => (event.error as { code: string }).code);
    expect(errors).toEqual(['VOXWIRE_FRAME_TOO_LARGE', 'VOXWIRE_INVALID_JSON', 'VOXWIRE_POLICY_VIOLATION', 'VOXWIRE_INVALID_EVENT', 'VOXWIRE_INVALID_EVENT']);
    expect(upstream.sent).toHaveLength(0);
    expect(client.closed).toBeUndefined();
    session.handleClientFrame('[]');
    expect(client.closed?.code).toBe(CLOSE_CODES.policyViolation);
    expect(core.metrics.snapshot().framesRejected).toMatchObject({ too_large: 1, invalid: 4, not_allowed: 1 });
  });

  it('warns before the time limit and closes with 4001 at it', async () => {
    const { core, clock } = makeCore({ limits: { maxDurationMs: 60_000, endingWarningMs: 10_000, idleTimeoutMs: Infinity } });
    const { client, upstream } = await openSession(core);
    await clock.advance(49_999);
    expect(client.types()).toEqual([]);
    await clock.advance(1);
    expect(client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 10, reason: 'time_limit' })]);
    await clock.advance(10_000);
    expect(client.closed).toEqual({ code: CLOSE_CODES.sessionTimeLimit, reason: 'session time limit reached' });
    expect(upstream.closed?.code).toBe(1000);
    expect(core.metrics.snapshot().sessionsEnded.time_limit).toBe(1);
  });

  it('handles an audio delta as the API writes it (its own fast path) exactly as the same delta in any other layout', async () => {
    // Bytes with `type` first and `delta` last take audioDeltaLength's path; the same event as text,
    // or with another field last, takes peekEventType's. Charges, activity and the bytes sent on agree.
    const delta = 'QUJD'.repeat(320);
    const layouts = [
      (id: number) => frame({ type: 'response.output_audio.delta', event_id: `e${id}`, response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta }),
      (id: number) => JSON.stringify({ type: 'response.output_audio.delta', event_id: `e${id}`, response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta }),
      (id: number) => frame({ type: 'response.output_audio.delta', delta, event_id: `e${id}` }),
    ];
    for (const budget of [{ dailyLimit: 100 }, { dailyLimit: 100, unit: 'costUsd' as const }]) {
      const spent: number[] = [];
      for (const layout of layouts) {
        const { core, clock } = makeCore({ limits: { idleTimeoutMs: 10_000, maxDurationMs: Infinity }, budget });
        const { client, session } = await openSession(core);
        for (let id = 0; id < 10; id += 1) {
          const sent = layout(id);
          session.handleUpstreamFrame(sent);
          expect(client.sent.at(-1)).toBe(sent);
          await clock.advance(5000);
        }
        // The assistant speaking is activity: 50 s of deltas 5 s apart, still open; 10 s after the last, idle.
        expect(client.closed).toBeUndefined();
        spent.push(session.budgetSpent);
        await clock.advance(5000);
        expect(session.endReason).toBe('idle');
        await core.stop();
      }
      expect(spent[0]).toBeGreaterThan(0);
      expect(spent).toEqual([spent[0], spent[0], spent[0]]);
      // 10 deltas of 960 bytes each (20 ms of 24 kHz PCM16): 0.2 s, or its price.
      if (budget.unit === undefined) expect(spent[0]).toBeCloseTo(0.2, 10);
    }
  });

  it('ends an idle session with 4001; speech or text keeps it alive, streamed silence does not', async () => {
    const { core, clock } = makeCore({ limits: { idleTimeoutMs: 10_000, maxDurationMs: Infinity } });
    const { client, session } = await openSession(core);
    await clock.advance(6000);
    session.handleUpstreamFrame(frame({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 0, item_id: 'i' }));
    await clock.advance(6000);
    expect(client.closed).toBeUndefined();
    for (let i = 0; i < 5; i += 1) {
      session.handleClientFrame(appendFrame(20));
      await clock.advance(1000);
    }
    await clock.advance(4000);
    expect(client.closed?.code).toBe(CLOSE_CODES.sessionTimeLimit);
    expect(client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 0, reason: 'idle' })]);
    expect(session.endReason).toBe('idle');
  });

  it('charges appended audio and response usage, and ends the session with 4002 when the budget is spent', async () => {
    const store = new MemoryBudgetStore();
    const { core, clock } = makeCore({ budget: { store, dailyLimit: 2, chargeIntervalMs: 1000 } });
    await core.start();
    const { client, session } = await openSession(core);
    session.handleClientFrame(appendFrame(500));
    session.handleUpstreamFrame(
      frame({ type: 'response.done', event_id: 'e', response: { id: 'r1', status: 'completed', output: [], usage: { output_token_details: { audio_tokens: 10, text_tokens: 3 } } } }),
    );
    await clock.advance(1000);
    expect(await store.charge(`budget:u1:1970-01-01`, 0, 1)).toBeCloseTo(1);
    expect(client.closed).toBeUndefined();
    // Crossing the budget locally charges at once, without waiting for the tick.
    session.handleClientFrame(appendFrame(1000));
    await flushMicrotasks();
    expect(client.closed?.code).toBe(CLOSE_CODES.budgetExhausted);
    expect(client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ reason: 'budget_exhausted' })]);
    expect(core.metrics.snapshot().budgetRejections.session).toBe(1);
    await core.stop();
  });

  it("hands a user's stored total to that user's sessions only, and ends only the user's sessions when told", async () => {
    const store = new MemoryBudgetStore();
    const { core, clock } = makeCore({ authenticate: (req) => ({ userId: req.headers.get('x-user') ?? 'nobody' }), budget: { store, dailyLimit: 2, chargeIntervalMs: 1000 } });
    await core.start();
    const a1 = await openSession(core, { 'x-user': 'a' });
    const a2 = await openSession(core, { 'x-user': 'a' });
    const b = await openSession(core, { 'x-user': 'b' });
    a1.session.handleClientFrame(appendFrame(1500));
    b.session.handleClientFrame(appendFrame(600));
    await clock.advance(1000);
    expect(a2.session.budgetSpent).toBeCloseTo(1.5);
    expect(b.session.budgetSpent).toBeCloseTo(0.6);
    // a2 knows what a1 spent: 0.6 s more crosses user a's budget, not user b's.
    a2.session.handleClientFrame(appendFrame(600));
    b.session.handleClientFrame(appendFrame(600));
    expect(a2.session.endReason).toBe('budget_exhausted');
    expect(b.session.ended).toBe(false);
    expect(await core.endUserSessions('a')).toBe(1);
    expect(a1.session.endReason).toBe('ended_by_operator');
    expect(b.session.ended).toBe(false);
    expect(await core.endUserSessions('a')).toBe(0);
    // A user whose sessions all ended opens a new one as before, and is found again.
    expect(await core.endUserSessions('b')).toBe(1);
    expect(core.sessions()).toEqual([]);
    const b2 = await openSession(core, { 'x-user': 'b' });
    expect(b2.session.budgetSpent).toBeCloseTo(1.2);
    expect(await core.endUserSessions('b')).toBe(1);
    expect(b2.session.endReason).toBe('ended_by_operator');
    await core.stop();
  });

  it('stops reading upstream while the client is slow, and resumes once it drains', async () => {
    const { core, clock } = makeCore({ limits: { highWaterMarkBytes: 1000, lowWaterMarkBytes: 100 } });
    const { client, upstream, session } = await openSession(core);
    client.bufferedAmount = 5000;
    session.handleUpstreamFrame(frame({ type: 'response.output_audio.delta', delta: 'AAAA' }));
    expect(upstream.paused).toBe(true);
    await clock.advance(50);
    expect(upstream.paused).toBe(true);
    client.bufferedAmount = 50;
    await clock.advance(50);
    expect(upstream.paused).toBe(false);
    upstream.bufferedAmount = 5000;
    session.handleClientFrame(appendFrame(20));
    expect(client.paused).toBe(true);
    upstream.bufferedAmount = 0;
    await clock.advance(50);
    expect(client.paused).toBe(false);
  });

  it('tells the client when the upstream drops and closes with 1001 so it reconnects; a normal upstream close passes through', async () => {
    const { core } = makeCore();
    const dropped = await openSession(core);
    dropped.session.handleUpstreamClose(1006, '');
    expect(dropped.client.ofType('error')[0]).toMatchObject({ error: { code: 'VOXWIRE_UPSTREAM_ERROR' } });
    expect(dropped.client.closed?.code).toBe(CLOSE_CODES.goingAway);
    expect(dropped.session.endReason).toBe('upstream_failed');

    const normal = await openSession(core);
    normal.session.handleUpstreamClose(1000, '');
    expect(normal.client.closed?.code).toBe(1000);
    expect(normal.client.ofType('error')).toEqual([]);
  });

  it('drains: warns every client, then closes the rest with 4000 after drainMs', async () => {
    const { core, clock } = makeCore();
    const a = await openSession(core);
    const b = await openSession(core);
    const drained = core.drain({ drainMs: 5000 });
    expect(a.client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 5, reason: 'draining' })]);
    b.session.handleClientClose(1000, '');
    await clock.advance(5000);
    await drained;
    expect(a.client.closed?.code).toBe(CLOSE_CODES.draining);
    expect(core.sessionCount).toBe(0);
  });

  it('ends a session from another node over the bus, and publishes session events for observers', async () => {
    const bus = new MemorySessionBus();
    const clock = new FakeClock();
    const nodeA = makeCore({ bus, publishSessionEvents: true, nodeId: 'a' }, clock).core;
    const nodeB = makeCore({ bus, publishSessionEvents: true, nodeId: 'b' }, clock).core;
    await nodeA.start();
    await nodeB.start();
    const seen: string[] = [];
    const stop = await nodeB.observe((event) => seen.push(`${event.nodeId}:${event.type}`));
    const { client, session } = await openSession(nodeA);
    session.handleUpstreamFrame(frame({ type: 'response.output_audio_transcript.done', event_id: 'e', response_id: 'r', item_id: 'item_1', output_index: 0, content_index: 0, transcript: 'Hello!' }));
    expect(await nodeB.endSession(session.id, { message: 'supervisor ended the call' })).toBe(false);
    await flushMicrotasks();
    expect(client.closed).toEqual({ code: 1000, reason: 'supervisor ended the call' });
    expect(client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ reason: 'ended_by_operator' })]);
    await flushMicrotasks();
    expect(seen).toEqual(['a:session.started', 'a:transcript', 'a:session.ended']);
    await stop();
    await nodeA.stop();
    await nodeB.stop();
    await expect(nodeA.endSession('x', { code: 1006 })).rejects.toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT' });
  });
});

describe('server-side tools', () => {
  const lookup = defineTool({
    name: 'lookup_order',
    description: 'Looks up an order by id.',
    parameters: z.object({ id: z.string() }),
    execute: ({ id }) => ({ id, status: 'shipped' }),
  });

  function callItem(callId: string, itemId: string, name = 'lookup_order') {
    return { id: itemId, type: 'function_call', status: 'completed', call_id: callId, name, arguments: '{"id":"A1"}' };
  }

  it('runs a server tool on the relay, answers upstream, and hides the call from the client', async () => {
    const { core } = makeCore({ policy: { serverTools: [lookup] } });
    const toolEvents: string[] = [];
    core.on('toolResult', (event) => toolEvents.push(`${event.name}:${event.output}`));
    const { client, upstream, session } = await openSession(core);
    expect(upstream.events()[0]).toMatchObject({ type: 'session.update', session: { tools: [{ name: 'lookup_order' }] } });
    session.handleUpstreamFrame(sessionEvent('session.created'));
    session.handleUpstreamFrame(sessionEvent('session.updated', { tools: [{ type: 'function', name: 'lookup_order' }] }));
    expect(client.events()[0]).toMatchObject({ type: 'session.created', session: { tools: [] } });

    const item = callItem('call_1', 'item_call');
    session.handleUpstreamFrame(frame({ type: 'response.created', event_id: 'e1', response: { id: 'r1', status: 'in_progress' } }));
    session.handleUpstreamFrame(frame({ type: 'response.output_item.added', event_id: 'e2', response_id: 'r1', output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } }));
    session.handleUpstreamFrame(frame({ type: 'conversation.item.added', event_id: 'e3', previous_item_id: 'item_user', item: { ...item, status: 'in_progress', arguments: '' } }));
    session.handleUpstreamFrame(frame({ type: 'response.function_call_arguments.delta', event_id: 'e4', response_id: 'r1', item_id: 'item_call', output_index: 0, call_id: 'call_1', delta: '{"id"' }));
    session.handleUpstreamFrame(frame({ type: 'response.function_call_arguments.done', event_id: 'e5', response_id: 'r1', item_id: 'item_call', output_index: 0, call_id: 'call_1', name: 'lookup_order', arguments: '{"id":"A1"}' }));
    session.handleUpstreamFrame(frame({ type: 'response.output_item.done', event_id: 'e6', response_id: 'r1', output_index: 0, item }));
    session.handleUpstreamFrame(frame({ type: 'response.done', event_id: 'e7', response: { id: 'r1', status: 'completed', output: [item] } }));
    // The tool's argument parser loads with the first call (issue 12): wait for the answer itself.
    await expect.poll(() => upstream.events().length).toBe(3);

    expect(client.types()).toEqual(['session.created', 'response.created', 'response.done']);
    expect(client.ofType('response.done')[0]).toMatchObject({ response: { output: [] } });
    const sentUp = upstream.events().slice(1);
    expect(sentUp.map((event) => event.type)).toEqual(['conversation.item.create', 'response.create']);
    expect(sentUp[0]).toMatchObject({ item: { type: 'function_call_output', call_id: 'call_1', output: '{"id":"A1","status":"shipped"}' } });
    expect(toolEvents).toEqual(['lookup_order:{"id":"A1","status":"shipped"}']);

    // The output's own item and the items after it: hidden, and re-chained past the hidden ones.
    session.handleUpstreamFrame(frame({ type: 'conversation.item.added', event_id: 'e8', previous_item_id: 'item_call', item: { id: 'item_out', type: 'function_call_output', call_id: 'call_1', output: '{}' } }));
    session.handleUpstreamFrame(frame({ type: 'conversation.item.added', event_id: 'e9', previous_item_id: 'item_out', item: { id: 'item_reply', type: 'message', role: 'assistant', content: [] } }));
    expect(client.events().at(-1)).toMatchObject({ type: 'conversation.item.added', previous_item_id: 'item_user', item: { id: 'item_reply' } });

    // The client may not answer the relay's call.
    session.handleClientFrame(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: 'x' } }));
    expect(client.events().at(-1)).toMatchObject({ type: 'error', error: { code: 'VOXWIRE_POLICY_VIOLATION' } });
  });

  it('in a turn with client and server calls, holds the client follow-up until the relay outputs are in', async () => {
    let release: () => void = () => undefined;
    const slow = defineTool({
      name: 'lookup_order',
      description: 'Slow lookup.',
      parameters: z.object({ id: z.string() }),
      execute: () => new Promise((resolve) => (release = () => resolve('done'))),
    });
    const { core } = makeCore({ policy: { serverTools: [slow] } });
    const { client, upstream, session } = await openSession(core);
    session.handleUpstreamFrame(sessionEvent('session.created'));
    session.handleUpstreamFrame(sessionEvent('session.updated'));
    const server = callItem('call_s', 'item_s');
    const browser = callItem('call_c', 'item_c', 'get_weather');
    session.handleUpstreamFrame(frame({ type: 'response.output_item.done', event_id: 'e1', response_id: 'r1', output_index: 0, item: server }));
    session.handleUpstreamFrame(frame({ type: 'response.output_item.done', event_id: 'e2', response_id: 'r1', output_index: 1, item: browser }));
    session.handleUpstreamFrame(frame({ type: 'response.done', event_id: 'e3', response: { id: 'r1', status: 'completed', output: [server, browser] } }));
    expect(client.ofType('response.output_item.done')).toHaveLength(1);
    expect(client.ofType('response.done')[0]).toMatchObject({ response: { output: [{ call_id: 'call_c' }] } });

    session.handleClientFrame(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_c', output: 'sunny' } }));
    session.handleClientFrame(JSON.stringify({ type: 'response.create' }));
    await flushMicrotasks();
    expect(upstream.types().slice(1)).toEqual([]);
    release();
    await flushMicrotasks();
    expect(upstream.types().slice(1)).toEqual(['conversation.item.create', 'conversation.item.create', 'response.create']);
    expect(upstream.events()[1]).toMatchObject({ item: { call_id: 'call_s' } });
    expect(upstream.events()[2]).toMatchObject({ item: { call_id: 'call_c' } });
  });
});
