import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { compileValidator } from '../../src/events/validator';

describe('compileValidator', () => {
  it('gives up (undefined) on schema features it does not model, so zod decides', () => {
    expect(compileValidator(z.string().check(z.minLength(1)))).toBeUndefined();
    expect(compileValidator(z.pipe(z.string(), z.transform((value) => value.length)))).toBeUndefined();
    expect(compileValidator(z._default(z.string(), 'x'))).toBeUndefined();
    expect(compileValidator(z.looseObject({ when: z.date() }))).toBeUndefined();
    expect(compileValidator(z.number().check(z.multipleOf(2)))).toBeUndefined();
  });

  it("follows zod's rules for absent keys, strict objects, numbers and records", () => {
    const schema = z.strictObject({
      required: z.string(),
      optional: z.optional(z.number()),
      nullable: z.optional(z.nullable(z.boolean())),
      anything: z.unknown(),
      count: z.int().check(z.gte(0)),
      record: z.optional(z.record(z.string(), z.string())),
    });
    const validate = compileValidator(schema);
    if (!validate) throw new Error('expected a compiled validator');
    const cases: unknown[] = [
      { required: 'x', anything: 1, count: 0 },
      { required: 'x', count: 0 }, // a required z.unknown() key must be present, as in zod
      { required: 'x', anything: undefined, count: 0 },
      { required: 'x', anything: 1, count: 0, optional: undefined, nullable: null },
      { required: 'x', anything: 1, count: -1 },
      { required: 'x', anything: 1, count: 1.5 },
      { required: 'x', anything: 1, count: 2 ** 53 },
      { required: 'x', anything: 1, count: 0, optional: Number.NaN },
      { required: 'x', anything: 1, count: 0, extra: 1 },
      JSON.parse('{"required":"x","anything":1,"count":0,"__proto__":1}'),
      { required: 'x', anything: 1, count: 0, record: { a: 'b' } },
      { required: 'x', anything: 1, count: 0, record: JSON.parse('{"__proto__":5,"a":"b"}') },
      { required: 'x', anything: 1, count: 0, record: { a: 1 } },
      { required: 'x', anything: 1, count: 0, record: new Map() },
      { required: 'x', anything: 1, count: 0, record: [] },
      [],
      null,
      'x',
    ];
    for (const value of cases) expect([value, validate(value)]).toEqual([value, z.validate(schema, value)]);
  });
});
