import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserIndex } from '../../../src/server/core/user-index';

describe('UserIndex', () => {
  it('keeps a user with one value, then several, in the order added', () => {
    const index = new UserIndex<{ id: number }>();
    const [a, b, c] = [{ id: 1 }, { id: 2 }, { id: 3 }];
    expect(index.of('ana')).toEqual([]);
    index.add('ana', a);
    expect(index.of('ana')).toEqual([a]);
    index.add('ana', b);
    index.add('ana', c);
    index.add('bo', b);
    expect(index.of('ana')).toEqual([a, b, c]);
    expect(index.of('bo')).toEqual([b]);
    expect(index.users).toBe(2);
  });

  it('forgets a user with the last value, and ignores a value the user does not hold', () => {
    const index = new UserIndex<{ id: number }>();
    const [a, b] = [{ id: 1 }, { id: 2 }];
    index.add('ana', a);
    index.delete('ana', b);
    index.delete('bo', a);
    expect(index.of('ana')).toEqual([a]);
    index.add('ana', b);
    index.delete('ana', a);
    expect(index.of('ana')).toEqual([b]);
    index.delete('ana', b);
    expect(index.of('ana')).toEqual([]);
    expect(index.users).toBe(0);
  });

  it('answers a copy: deleting while iterating it visits every value once', () => {
    const index = new UserIndex<{ id: number }>();
    const values = [{ id: 1 }, { id: 2 }, { id: 3 }];
    for (const value of values) index.add('ana', value);
    const seen: number[] = [];
    for (const value of index.of('ana')) {
      seen.push(value.id);
      index.delete('ana', value);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(index.users).toBe(0);
  });

  it('agrees with a map of arrays over any sequence of adds and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.constantFrom('ana', 'bo'), fc.integer({ min: 0, max: 4 })), { maxLength: 60 }), (steps) => {
        const values = Array.from({ length: 5 }, (_, id) => ({ id }));
        const index = new UserIndex<{ id: number }>();
        const model = new Map<string, Array<{ id: number }>>();
        for (const [add, user, id] of steps) {
          const value = values[id] as { id: number };
          const held = model.get(user) ?? [];
          if (add) {
            if (held.includes(value)) continue;
            index.add(user, value);
            model.set(user, [...held, value]);
          } else {
            index.delete(user, value);
            const rest = held.filter((other) => other !== value);
            if (rest.length === 0) model.delete(user);
            else model.set(user, rest);
          }
        }
        for (const user of ['ana', 'bo']) expect(index.of(user)).toEqual(model.get(user) ?? []);
        expect(index.users).toBe(model.size);
      }),
    );
  });
});
