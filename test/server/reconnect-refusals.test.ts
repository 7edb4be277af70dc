/**
 * A reconnect the server refuses over WebSocket (an `error` event, then a close with a code of
 * the one end-reason table) ends the client at the first refusal, in the state that code means,
 * instead of retrying until the reconnect policy gives up. Real sockets: a `RealtimeClient`
 * through the Node relay to the mock, or straight to the mock.
 */
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { ClientState } from '../../src/client/client-events';
import { CLOSE_CODES, type RealtimeError } from '../../src/base/errors';
import { silentLogger } from '../../src/base/logger';
import { budgetKeyOf } from '../../src/server/stores/budget-store';
import { MemoryBudgetStore } from '../../src/server/stores/memory-budget-store';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { SECRET_KEY, startRelay } from './harness';
import { until, useCleanup } from '../helpers/index';

const { stoppers: cleanups } = useCleanup();

async function mockUpstream(options: ConstructorParameters<typeof MockRealtimeServer>[0] = {}): Promise<MockRealtimeServer> {
  const mock = new MockRealtimeServer({ audioPace: 'instant', ...options });
  await mock.start();
  cleanups.push(() => mock.stop());
  return mock;
}

/** A client that records its states and errors, connected. */
async function connected(options: ConstructorParameters<typeof RealtimeClient>[0]): Promise<{ client: RealtimeClient; states: ClientState[]; errors: RealtimeError[] }> {
  const client = new RealtimeClient({ logger: silentLogger, reconnect: { initialDelayMs: 20, maxDelayMs: 50, maxAttempts: 4 }, ...options });
  cleanups.push(() => client.disconnect());
  const states: ClientState[] = [];
  const errors: RealtimeError[] = [];
  client.on('state', (state) => states.push(state));
  client.on('error', (error) => errors.push(error));
  await client.connect();
  return { client, states, errors };
}

describe('a reconnect the relay refuses (issue 19)', () => {
  it('ends expired budget_exhausted at the first 4002 refusal, with the relay’s error, and retries no more', async () => {
    const mock = await mockUpstream({ auth: { apiKey: SECRET_KEY } });
    const store = new MemoryBudgetStore();
    const { url, relay } = await startRelay(mock.url as string, { budget: { store, dailyLimit: 10 } });
    cleanups.push(() => relay.close({ drainMs: 0 }));
    const { client, states, errors } = await connected({ url: `${url}?token=user:erin` });
    await store.charge(budgetKeyOf('erin', Date.now()), 10, 60_000);
    expect(mock.dropConnections()).toBe(1);
    await until(() => client.state.status !== 'connected' && client.state.status !== 'reconnecting', 'the client to end', { timeoutMs: 10_000 });

    expect(client.state).toEqual({ status: 'expired', reason: 'budget_exhausted' });
    expect(states.map((state) => state.status)).toEqual(['connecting', 'connected', 'reconnecting', 'expired']);
    const refusals = errors.filter((error) => error.serverError?.code === 'VOXWIRE_BUDGET_EXHAUSTED');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.serverError?.message).toMatch(/daily budget of user erin is used up/);
    expect(relay.metrics.snapshot().budgetRejections).toEqual({ connect: 1, session: 0 });
    expect(mock.connections).toHaveLength(1);
  });
});

describe('a reconnect the server refuses with a close code of the end-reason table', () => {
  for (const [closeCode, final] of [
    [CLOSE_CODES.authenticationFailed, { status: 'closed', error: { code: 'VOXWIRE_AUTHENTICATION_FAILED' } }],
    [CLOSE_CODES.sessionTimeLimit, { status: 'expired', reason: 'time_limit' }],
    [CLOSE_CODES.policyViolation, { status: 'closed', error: { code: 'VOXWIRE_POLICY_VIOLATION' } }],
    [CLOSE_CODES.relayMisconfigured, { status: 'closed', error: { code: 'VOXWIRE_POLICY_VIOLATION' } }],
  ] as const) {
    it(`ends at the first ${closeCode} refusal`, async () => {
      let refuse = false;
      const mock = await mockUpstream({ auth: { apiKey: () => !refuse, rejectWith: { closeCode } } });
      const { client, states, errors } = await connected({ url: mock.url as string, apiKey: 'sk-test' });
      refuse = true;
      expect(mock.dropConnections()).toBe(1);
      await until(() => client.state.status === final.status, 'the client to end', { timeoutMs: 10_000 });

      expect(client.state).toMatchObject(final);
      expect(states.map((state) => state.status)).toEqual(['connecting', 'connected', 'reconnecting', final.status]);
      expect(errors.filter((error) => error.serverError?.code === 'invalid_api_key')).toHaveLength(1);
      expect(mock.connections).toHaveLength(2);
    });
  }

  it('still reconnects after a drop without a refusal (1006)', async () => {
    const mock = await mockUpstream();
    const { client, states } = await connected({ url: mock.url as string });
    expect(mock.dropConnections()).toBe(1);
    await until(() => mock.connections.length === 2 && client.state.status === 'connected', 'the client to reconnect', { timeoutMs: 10_000 });
    expect(states.map((state) => state.status)).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });
});
