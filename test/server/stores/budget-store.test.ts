import { describe, expect, it } from 'vitest';
import { budgetKeyOf, budgetKeyOwner } from '../../../src/server/stores/budget-store';

describe('budgetKeyOf', () => {
  it('names the UTC day of the time, across day boundaries and back', () => {
    const midnight = Date.UTC(2026, 11, 7);
    expect(budgetKeyOf('alice', midnight - 1)).toBe('budget:alice:2026-12-06');
    expect(budgetKeyOf('alice', midnight)).toBe('budget:alice:2026-12-07');
    expect(budgetKeyOf('bob:x', midnight + 86_399_999)).toBe('budget:bob:x:2026-12-07');
    expect(budgetKeyOf('alice', midnight + 86_400_000)).toBe('budget:alice:2026-12-08');
    expect(budgetKeyOf('alice', midnight - 1)).toBe('budget:alice:2026-12-06');
    for (const now of [0, 1, 1_700_000_000_123, midnight + 43_200_000.5]) {
      expect(budgetKeyOf('u', now)).toBe(`budget:u:${new Date(now).toISOString().slice(0, 10)}`);
    }
    expect(budgetKeyOwner(budgetKeyOf('a:b', midnight))).toBe('a:b');
  });
});
