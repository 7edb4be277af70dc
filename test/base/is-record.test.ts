import { describe, expect, it } from 'vitest';
import { isRecord, parseRecord } from '../../src/base/is-record';

describe('isRecord', () => {
  it('is true for objects with fields, whatever their prototype, and false for null, arrays and primitives', () => {
    expect(isRecord({ type: 'session.update' })).toBe(true);
    expect(isRecord({})).toBe(true);
    expect(isRecord(Object.create(null))).toBe(true);
    expect(isRecord(new Map())).toBe(true);
    for (const value of [null, undefined, [], [1], 'text', 0, true, () => undefined]) expect(isRecord(value)).toBe(false);
  });
});

describe('parseRecord', () => {
  it('returns the object JSON text holds, and undefined for text that is not JSON or not an object', () => {
    expect(parseRecord('{"type":"session.updated","session":{"id":"sess_1"}}')).toEqual({ type: 'session.updated', session: { id: 'sess_1' } });
    for (const text of ['', '{', 'null', '[]', '[{"type":"x"}]', '"text"', '42']) expect(parseRecord(text)).toBeUndefined();
  });
});
