import { describe, expect, it } from 'vitest';
import { DOUBLE_ZERO } from '../../src/base/double-field';
import { silentLogger } from '../../src/base/logger';
import { RelayCore } from '../../src/server/core/relay-core';
import { RelayMetrics } from '../../src/server/metrics';
import { FakeClock } from '../helpers/fake-clock';
import { FakeSocket } from '../server/fakes';

describe('DOUBLE_ZERO', () => {
  it('is -0, which adds and compares as 0', () => {
    expect(Object.is(DOUBLE_ZERO, -0)).toBe(true);
    expect(DOUBLE_ZERO === 0 && DOUBLE_ZERO + 0.25 === 0.25 && DOUBLE_ZERO < 1).toBe(true);
  });

  it('never reaches a reader: counts and charges read before any traffic are +0', async () => {
    const metrics = new RelayMetrics({ logger: silentLogger });
    const snapshot = metrics.snapshot();
    expect(Object.is(snapshot.clientToUpstream.bytes, 0)).toBe(true);
    expect(Object.is(snapshot.upstreamToClient.bytes, 0)).toBe(true);
    expect(metrics.render()).toMatch(/bytes_total\{direction="client_to_upstream"\} 0\n/);
    const core = new RelayCore({ model: 'gpt-realtime-2.1', metrics, authenticate: () => ({ userId: 'u' }), budget: { dailyLimit: 10 }, logger: silentLogger, clock: new FakeClock() });
    const admission = await core.admit(new Request('http://relay.test/realtime'), { remoteAddress: undefined });
    if (admission.status !== 'accepted') throw new Error('not accepted');
    const session = core.open(admission.ticket, new FakeSocket(), new FakeSocket());
    expect(Object.is(session.takePendingCharge(), 0)).toBe(true);
    expect(Object.is(session.budgetSpent, 0)).toBe(true);
    await core.stop();
  });
});
