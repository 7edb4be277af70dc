import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import type { RelayCoreOptions } from '../../../src/server/core/relay-options';
import { FakeClock } from '../../helpers/fake-clock';
import { appendFrame, FakeSocket, frame, sessionEvent } from '../fakes';

const info = { remoteAddress: '127.0.0.1' };

/** A socket of a broken adapter: every send throws. */
class ThrowingSocket extends FakeSocket {
  override send(): void {
    throw new Error('adapter bug');
  }
}

async function open(options: Partial<RelayCoreOptions>, client: FakeSocket, upstream: FakeSocket, clock = new FakeClock()) {
  const core = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u1' }), logger: silentLogger, clock, ...options });
  const admission = await core.admit(new Request('http://relay.test/realtime'), info);
  if (admission.status !== 'accepted') throw new Error('not accepted');
  const session = core.open(admission.ticket, client, upstream);
  return { core, session, clock };
}

describe('RelaySession guards itself', () => {
  it('a throw while handling a client frame ends that session (logged, upstream_failed), not the caller', async () => {
    const errors: Array<[string, unknown]> = [];
    const client = new FakeSocket();
    const { core, session } = await open({ logger: { ...silentLogger, error: (message, context) => errors.push([message, context]) } }, client, new ThrowingSocket());
    expect(() => session.handleClientFrame(appendFrame(20))).not.toThrow();
    expect(session.endReason).toBe('upstream_failed');
    expect(client.closed).toEqual({ code: CLOSE_CODES.goingAway, reason: 'relay error' });
    expect(errors).toEqual([['relay: a session failed on an internal error; it was closed', { sessionId: session.id, error: 'adapter bug' }]]);
    expect(core.sessionCount).toBe(0);
    // Ended: later frames are ignored, nothing more is logged.
    session.handleClientFrame(appendFrame(20));
    expect(errors).toHaveLength(1);
  });

  it('a throw while handling an upstream frame does the same', async () => {
    const errors: string[] = [];
    const upstream = new FakeSocket();
    const { session } = await open({ logger: { ...silentLogger, error: (message) => errors.push(message) } }, new ThrowingSocket(), upstream);
    expect(() => session.handleUpstreamFrame(frame({ type: 'response.output_audio.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: 'AAAA' }))).not.toThrow();
    expect(session.endReason).toBe('upstream_failed');
    expect(errors).toEqual(['relay: a session failed on an internal error; it was closed']);
    expect(upstream.closed?.code).toBe(CLOSE_CODES.normal);
  });
});

describe('RelaySession reads through to what it holds once', () => {
  it('userId and budgetLimit come from the identity and the charges', async () => {
    const { session } = await open({ budget: { dailyLimit: 120 } }, new FakeSocket(), new FakeSocket());
    expect(session.userId).toBe('u1');
    expect(session.identity.userId).toBe('u1');
    expect(session.budgetLimit).toBe(120);
    const unbudgeted = await open({}, new FakeSocket(), new FakeSocket());
    expect(unbudgeted.session.budgetLimit).toBeUndefined();
  });

  it('refused frames are counted per session until the maximum, then the session ends', async () => {
    const client = new FakeSocket();
    const { session } = await open({ policy: { maxRejectedFrames: 2 } }, client, new FakeSocket());
    const bad = frame({ type: 'no.such.event' });
    session.handleClientFrame(bad);
    session.handleClientFrame(bad);
    expect(session.ended).toBe(false);
    expect(client.ofType('error')).toHaveLength(2);
    session.handleClientFrame(bad);
    expect(session.endReason).toBe('policy_violation');
  });

  it('the operator config holds the client session.created until the upstream confirms it, then lets go', async () => {
    const client = new FakeSocket();
    const upstream = new FakeSocket();
    const { session, clock } = await open({ policy: { session: { instructions: 'Be brief.' } } }, client, upstream);
    expect(upstream.types()).toEqual(['session.update']);
    session.handleUpstreamFrame(sessionEvent('session.created'));
    expect(client.types()).toEqual([]);
    session.handleUpstreamFrame(sessionEvent('session.updated', { instructions: 'Be brief.' }));
    expect(client.ofType('session.created')).toEqual([expect.objectContaining({ session: expect.objectContaining({ instructions: 'Be brief.' }) })]);
    // The wait's timer is gone with it.
    expect(clock.pendingDelays().filter((delay) => delay > 0 && delay < 60_000)).toEqual([]);
  });
});
