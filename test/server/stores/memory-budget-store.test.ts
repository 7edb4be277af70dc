import { describe, expect, it } from 'vitest';
import { MemoryBudgetStore } from '../../../src/server/stores/memory-budget-store';
import { FakeClock } from '../../helpers/fake-clock';

describe('MemoryBudgetStore', () => {
  it('adds charges, reads with 0, and forgets a total after its time to live', async () => {
    const clock = new FakeClock();
    const store = new MemoryBudgetStore({ clock });
    expect(await store.charge('k', 0, 1000)).toBe(0);
    expect(await store.charge('k', 1.5, 1000)).toBe(1.5);
    expect(await store.charge('k', 2, 1000)).toBe(3.5);
    expect(await store.charge('k', 0, 1000)).toBe(3.5);
    await clock.advance(1000);
    expect(await store.charge('k', 0, 1000)).toBe(0);
  });

  it('holds at most `limit` slots per user; a slot lapses unless refreshed; re-acquiring a held slot succeeds', async () => {
    const clock = new FakeClock();
    const store = new MemoryBudgetStore({ clock });
    expect(await store.acquireSlot('u', 's1', 2, 100)).toBe(true);
    expect(await store.acquireSlot('u', 's2', 2, 100)).toBe(true);
    expect(await store.acquireSlot('u', 's3', 2, 100)).toBe(false);
    expect(await store.acquireSlot('u', 's1', 2, 100)).toBe(true);
    expect(await store.acquireSlot('other', 's4', 2, 100)).toBe(true);
    await clock.advance(60);
    await store.refreshSlots([{ userId: 'u', sessionId: 's1' }], 100);
    await clock.advance(60);
    expect(await store.countSlots('u')).toBe(1);
    expect(await store.acquireSlot('u', 's3', 2, 100)).toBe(true);
    await store.releaseSlot('u', 's1');
    await store.releaseSlot('u', 'unknown');
    expect(await store.countSlots('u')).toBe(1);
  });

  it('puts back the slot of a live session that the store lost on refresh (the limit holds after a restart)', async () => {
    const clock = new FakeClock();
    const store = new MemoryBudgetStore({ clock });
    // A fresh store (a restart) knows no slot; the live sessions refresh theirs.
    await store.refreshSlots([{ userId: 'u', sessionId: 's1' }, { userId: 'u', sessionId: 's2' }], 100);
    expect(await store.countSlots('u')).toBe(2);
    expect(await store.acquireSlot('u', 's3', 2, 100)).toBe(false);
  });

  it('keeps a lone slot as well as several: lapse, refresh, release of another session, then a second slot', async () => {
    const clock = new FakeClock();
    const store = new MemoryBudgetStore({ clock });
    expect(await store.acquireSlot('u', 's1', 1, 100)).toBe(true);
    await store.releaseSlot('u', 'other');
    expect(await store.countSlots('u')).toBe(1);
    expect(await store.acquireSlot('u', 's2', 1, 100)).toBe(false);
    await clock.advance(60);
    await store.refreshSlots([{ userId: 'u', sessionId: 's1' }], 100);
    await clock.advance(60);
    expect(await store.countSlots('u')).toBe(1);
    await clock.advance(40);
    expect(await store.countSlots('u')).toBe(0);
    expect(await store.acquireSlot('u', 's2', 1, 100)).toBe(true);
    expect(await store.acquireSlot('u', 's3', 2, 100)).toBe(true);
    expect(await store.countSlots('u')).toBe(2);
    await store.releaseSlot('u', 's2');
    await store.releaseSlot('u', 's3');
    expect(await store.countSlots('u')).toBe(0);
    expect(await store.acquireSlot('u', 's4', 1, 100)).toBe(true);
  });
});
