/**
 * EventWaiters: a wait resolves with the event its match returns (typed as the match narrowed
 * it, so callers need no `as ServerEventMap[...]` cast), rejects through `toError` on a
 * `'reject'` verdict, and ends once on a timeout, an abort or `rejectAll`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { RealtimeError } from '../../src/base/errors';
import { EventWaiters } from '../../src/client/event-waiters';
import type { ServerEvent, ServerEventMap } from '../../src/events/server-events';
import { FakeClock } from '../helpers/fake-clock';

type Sample = { type: 'created'; id: string } | { type: 'updated'; revision: number } | { type: 'error'; message: string };
const toError = (event: Sample): RealtimeError => new RealtimeError('VOXWIRE_SERVER_ERROR', event.type === 'error' ? event.message : event.type);

describe('EventWaiters', () => {
  it('resolves with the event the match returns, narrowed by its type', async () => {
    const waiters = new EventWaiters<Sample>(new FakeClock());
    const created = waiters.wait((event) => event.type === 'created' && event, 1000, undefined, 'created');
    expectTypeOf(created).toEqualTypeOf<Promise<{ type: 'created'; id: string }>>();
    const updated = { type: 'updated', revision: 2 } as const;
    waiters.offer(updated, toError);
    waiters.offer({ type: 'created', id: 'sess_1' }, toError);
    await expect(created).resolves.toEqual({ type: 'created', id: 'sess_1' });
    expect((await created).id).toBe('sess_1');
  });

  it('types a wait on the server events as the event it names', () => {
    const waiters = new EventWaiters<ServerEvent>(new FakeClock());
    const created = waiters.wait((event) => event.type === 'session.created' && event, 1000, undefined, 'session.created');
    const updated = waiters.wait((event) => (event.type === 'session.updated' ? event : event.type === 'error' ? 'reject' : false), 1000, undefined, 'session.updated');
    expectTypeOf(created).toEqualTypeOf<Promise<ServerEventMap['session.created']>>();
    expectTypeOf(updated).toEqualTypeOf<Promise<ServerEventMap['session.updated']>>();
    waiters.rejectAll(new RealtimeError('VOXWIRE_CONNECTION_CLOSED', 'test over'));
    return Promise.all([expect(created).rejects.toThrow('test over'), expect(updated).rejects.toThrow('test over')]);
  });

  it("rejects through toError on a 'reject' verdict and leaves the other waits waiting", async () => {
    const waiters = new EventWaiters<Sample>(new FakeClock());
    const refused = waiters.wait((event) => (event.type === 'updated' ? event : event.type === 'error' ? 'reject' : false), 1000, undefined, 'updated');
    const created = waiters.wait((event) => event.type === 'created' && event, 1000, undefined, 'created');
    waiters.offer({ type: 'error', message: 'refused: bad field' }, toError);
    const error = await refused.catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'VOXWIRE_SERVER_ERROR', message: 'refused: bad field' });
    // A settled wait is gone: a later `updated` reaches no one, and `created` still waits.
    waiters.offer({ type: 'updated', revision: 3 }, toError);
    waiters.offer({ type: 'created', id: 'sess_2' }, toError);
    await expect(created).resolves.toEqual({ type: 'created', id: 'sess_2' });
  });

  it('ends on its timeout, naming what it waited for', async () => {
    const clock = new FakeClock();
    const waiters = new EventWaiters<Sample>(clock);
    const created = waiters.wait((event) => event.type === 'created' && event, 250, undefined, 'created');
    const settled = created.catch((reason: unknown) => reason);
    await clock.advance(249);
    waiters.offer({ type: 'updated', revision: 1 }, toError);
    await clock.advance(1);
    expect(await settled).toMatchObject({ code: 'VOXWIRE_TIMEOUT', message: 'The server did not send created within 250 ms.' });
    expect(clock.pendingDelays()).toEqual([]);
  });

  it('ends on an abort, at once when the signal is already aborted, and clears its timer', async () => {
    const clock = new FakeClock();
    const waiters = new EventWaiters<Sample>(clock);
    const controller = new AbortController();
    const created = waiters.wait((event) => event.type === 'created' && event, 1000, controller.signal, 'created');
    controller.abort(new Error('user left'));
    await expect(created).rejects.toMatchObject({ code: 'VOXWIRE_ABORTED', message: 'Aborted while waiting for created.' });
    await expect(waiters.wait((event) => event.type === 'created' && event, 1000, controller.signal, 'created')).rejects.toMatchObject({ code: 'VOXWIRE_ABORTED' });
    expect(clock.pendingDelays()).toEqual([]);
  });
});
