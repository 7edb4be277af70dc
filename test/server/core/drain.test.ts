/**
 * Graceful drain in the Web-standard core (src/server/core/drain.ts), the operation every
 * adapter shares: stop admitting, warn, close with 4000 at the deadline, health 503, a second
 * call only hastens, final charges stored before it resolves.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, isRealtimeError, SESSION_END_REASONS } from '../../../src/base/errors';
import { DEFAULT_RELAY_DRAIN_MS } from '../../../src/base/defaults';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import type { RelayCoreOptions } from '../../../src/server/core/relay-options';
import type { RelayDrainState } from '../../../src/server/core/drain';
import { MemoryBudgetStore } from '../../../src/server/stores/memory-budget-store';
import { FakeClock, flushMicrotasks } from '../../helpers/fake-clock';
import { appendFrame, FakeSocket } from '../fakes';

const request = (): Request => new Request('http://relay.test/realtime?token=t');
const info = { remoteAddress: '127.0.0.1' };

function makeCore(options: Partial<RelayCoreOptions> = {}): { core: RelayCore; clock: FakeClock } {
  const clock = new FakeClock();
  const core = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u1' }), logger: silentLogger, clock, ...options });
  return { core, clock };
}

async function openSession(core: RelayCore) {
  const admission = await core.admit(request(), info);
  if (admission.status !== 'accepted') throw new Error(`not accepted: ${JSON.stringify(admission)}`);
  const client = new FakeSocket();
  const session = core.open(admission.ticket, client, new FakeSocket());
  return { session, client, ticket: admission.ticket };
}

describe('RelayCore.drain', () => {
  it('uses the one end-reason row: announced, close 4000, the client reconnects', () => {
    expect(SESSION_END_REASONS.draining).toEqual({ closeCode: CLOSE_CODES.draining, announced: true, client: 'reconnect' });
    expect(CLOSE_CODES.draining).toBe(4000);
  });

  it('answers health 200 while serving and 503 with retry-after once draining; the metrics gauge follows', async () => {
    const { core, clock } = makeCore();
    expect(core.health()).toEqual({ status: 200, body: 'ok', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(core.metrics.render()).toContain('voxwire_relay_draining 0');
    const { client } = await openSession(core);
    const states: RelayDrainState[] = [];
    core.on('drain', (state) => states.push(state));
    const drained = core.drain({ drainMs: 10_000 });
    expect(core.drainState).toEqual({ status: 'draining', deadline: clock.now() + 10_000 });
    const response = core.healthHandler(request());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.text()).toBe('draining');
    expect(core.metrics.render()).toContain('voxwire_relay_draining 1');
    expect(await core.admit(request(), info)).toMatchObject({ status: 'rejected', httpStatus: 503, reason: 'draining' });
    await clock.advance(10_000);
    await drained;
    expect(client.closed?.code).toBe(CLOSE_CODES.draining);
    expect(core.drainState).toEqual({ status: 'drained' });
    expect(states.map((state) => state.status)).toEqual(['draining', 'drained']);
    expect(core.health().status).toBe(503);
  });

  it('resolves as soon as the last session leaves, before the deadline', async () => {
    const { core, clock } = makeCore();
    const a = await openSession(core);
    const b = await openSession(core);
    let resolved = false;
    const drained = core.drain({ drainMs: 60_000 }).then(() => (resolved = true));
    a.session.handleClientClose(1000, '');
    await flushMicrotasks();
    expect(resolved).toBe(false);
    b.session.handleClientClose(1000, '');
    await drained;
    expect(clock.now()).toBe(0);
    expect(a.client.closed).toBeUndefined();
    expect(core.metrics.snapshot().sessionsEnded).toMatchObject({ client_closed: 2, draining: 0 });
  });

  it('a second call with an earlier deadline warns again and closes sooner; a later one changes nothing', async () => {
    const { core, clock } = makeCore();
    const { client } = await openSession(core);
    const first = core.drain({ drainMs: 30_000 });
    const later = core.drain({ drainMs: 60_000 });
    expect(client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 30, reason: 'draining' })]);
    await clock.advance(1000);
    const sooner = core.drain({ drainMs: 2000 });
    expect(client.ofType('voxwire.session.ending').map((event) => event.seconds_left)).toEqual([30, 2]);
    await clock.advance(2000);
    await Promise.all([first, later, sooner]);
    expect(client.closed).toEqual({ code: CLOSE_CODES.draining, reason: 'relay draining, reconnect' });
    expect(clock.now()).toBe(3000);
  });

  it('ends a session that opens while draining at once with 4000 (its admission began before the drain)', async () => {
    const { core } = makeCore();
    const admission = await core.admit(request(), info);
    if (admission.status !== 'accepted') throw new Error('not accepted');
    const drained = core.drain({ drainMs: 5000 });
    const client = new FakeSocket();
    core.open(admission.ticket, client, new FakeSocket());
    expect(client.closed?.code).toBe(CLOSE_CODES.draining);
    expect(client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 0, reason: 'draining' })]);
    await drained;
  });

  it('stores the final charges and frees the concurrency slots before it resolves', async () => {
    const store = new MemoryBudgetStore();
    const { core, clock } = makeCore({ budget: { store, dailyLimit: 1000, chargeIntervalMs: 60_000 }, limits: { maxSessionsPerUser: 5 } });
    const { session } = await openSession(core);
    for (let index = 0; index < 10; index += 1) session.handleClientFrame(appendFrame(100));
    expect(await store.countSlots('u1')).toBe(1);
    const drained = core.drain({ drainMs: 1000 });
    await clock.advance(1000);
    await drained;
    const day = new Date(clock.now()).toISOString().slice(0, 10);
    expect(await store.charge(`budget:u1:${day}`, 0, 60_000)).toBeCloseTo(1, 5);
    expect(await store.countSlots('u1')).toBe(0);
  });

  it('takes its default from the relay options, and refuses a negative drainMs with a typed error', async () => {
    expect(DEFAULT_RELAY_DRAIN_MS).toBeLessThan(30_000);
    const { core, clock } = makeCore({ drainMs: 7000 });
    const { client } = await openSession(core);
    const drained = core.drain();
    expect(client.ofType('voxwire.session.ending')).toEqual([expect.objectContaining({ seconds_left: 7 })]);
    await clock.advance(7000);
    await drained;
    try {
      void core.drain({ drainMs: -1 });
      expect.unreachable();
    } catch (error) {
      expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain('drainMs');
    }
    expect(() => makeCore({ drainMs: Number.NaN })).toThrow(/drainMs/);
  });
});
