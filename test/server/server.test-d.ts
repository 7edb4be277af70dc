import { describe, expectTypeOf, it } from 'vitest';
import type { RelayEndReason, RelaySessionEvent, SessionEndingEvent } from '../../src/server/index';
import { createRelay, type NodeRelay } from '../../src/server/node';

describe('voxwire/server types', () => {
  it("infers the identity from authenticate and carries it into the relay's events", () => {
    const relay = createRelay({
      upstream: { apiKey: 'sk-x' },
      authenticate: async () => ({ userId: 'u1', plan: 'pro' as 'pro' | 'free' }),
      limits: { maxDurationMs: (identity) => (identity.plan === 'pro' ? 3_600_000 : 600_000) },
      budget: { dailyLimit: (identity) => (identity.plan === 'pro' ? undefined : 600) },
    });
    expectTypeOf(relay).toEqualTypeOf<NodeRelay<{ userId: string; plan: 'pro' | 'free' }>>();
    relay.on('sessionEnded', (event) => {
      expectTypeOf(event.identity.plan).toEqualTypeOf<'pro' | 'free'>();
      expectTypeOf(event.reason).toEqualTypeOf<RelayEndReason>();
    });
    relay.on('usage', (event) => expectTypeOf(event.unit).toEqualTypeOf<'audioSeconds' | 'costUsd'>());
  });

  it('types the wire event the client receives before an end', () => {
    expectTypeOf<SessionEndingEvent['type']>().toEqualTypeOf<'voxwire.session.ending'>();
    expectTypeOf<SessionEndingEvent['seconds_left']>().toEqualTypeOf<number>();
    expectTypeOf<Extract<RelaySessionEvent, { type: 'transcript' }>['role']>().toEqualTypeOf<'user' | 'assistant'>();
  });
});
