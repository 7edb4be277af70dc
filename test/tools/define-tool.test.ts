import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import * as zm from 'zod/mini';
import { RealtimeError } from '../../src/base/errors';
import { defineTool } from '../../src/tools/define-tool';
import type { StandardSchemaV1 } from '../../src/tools/standard-schema';
import { thrown } from '../helpers/index';

const execute = () => 'ok';

/** A hand-written Standard Schema (no library): `{ city: string }`. */
const citySchema: StandardSchemaV1<{ city: string }> = {
  '~standard': {
    version: 1,
    vendor: 'handmade',
    validate(value) {
      const city = (value as { city?: unknown }).city;
      if (typeof city !== 'string') return { issues: [{ message: 'expected a string', path: [{ key: 'city' }] }] };
      return { value: { city } };
    },
  },
};
const cityJsonSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

describe('defineTool: schema conversion', () => {
  it('converts a zod classic schema with input semantics (defaults are optional) and keeps descriptions', () => {
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather for a city.',
      parameters: z.object({ location: z.string().describe('City name'), unit: z.enum(['c', 'f']).default('c') }),
      execute,
    });
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { location: { type: 'string', description: 'City name' }, unit: { type: 'string', enum: ['c', 'f'], default: 'c' } },
      required: ['location'],
    });
    expect(tool.parameters).not.toHaveProperty('$schema');
  });

  it('converts a zod mini schema with z.toJSONSchema (input semantics), on demand', async () => {
    const tool = defineTool({
      name: 'get_weather',
      description: 'Weather for a city.',
      parameters: zm.object({ location: zm.string(), unit: zm._default(zm.enum(['c', 'f']), 'c'), days: zm.optional(zm.number()) }),
      execute,
    });
    await tool.prepare();
    expect(tool.parameters).toEqual({
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'], default: 'c' }, days: { type: 'number' } },
      required: ['location'],
    });
    expect(Object.isFrozen(tool.parameters)).toBe(true);
    await expect(tool.parseArguments('{"location":"Oslo"}')).resolves.toEqual({ ok: true, args: { location: 'Oslo', unit: 'c' } });
  });

  it('loads zod’s converter only for a zod mini schema, and says to prepare() before reading parameters', async () => {
    // Fresh modules: no converter loaded by an earlier test.
    vi.resetModules();
    const fresh = await import('../../src/tools/define-tool');
    const plain = fresh.defineTool({ name: 'echo', description: '', parameters: cityJsonSchema, execute });
    await expect(plain.prepare()).resolves.toBeUndefined();
    const mini = fresh.defineTool({ name: 'add', description: '', parameters: zm.object({ a: zm.number() }), execute });
    let early: unknown;
    try {
      void mini.parameters;
    } catch (error) {
      early = error;
    }
    expect(early).toMatchObject({
      name: 'RealtimeError',
      code: 'VOXWIRE_INVALID_ARGUMENT',
      message: 'defineTool("add"): the zod schema\'s JSON Schema is converted on demand; await tool.prepare() (or the registry\'s prepare()) before reading `parameters`.',
    });
    await mini.prepare();
    expect(mini.parameters).toMatchObject({ type: 'object', properties: { a: { type: 'number' } }, required: ['a'] });
  });

  it('reports a zod mini schema zod cannot convert when it is prepared, naming the tool', async () => {
    const when = defineTool({ name: 'when', description: '', parameters: zm.object({ at: zm.date() }), execute });
    const error = await when.prepare().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(RealtimeError);
    expect((error as RealtimeError).code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect((error as RealtimeError).message).toMatch(/^defineTool\("when"\): `parameters` cannot be converted to JSON Schema \(.+\)\. Use JSON-representable types/);
    expect(() => when.parameters).toThrow(error as Error);
    const scalar = defineTool({ name: 'n', description: '', parameters: zm.string(), execute });
    await expect(scalar.prepare()).rejects.toThrow('defineTool("n"): `parameters` must describe an object (JSON Schema `type: \'object\'`), got type "string"');
  });

  it('takes a Standard Schema validator together with its JSON Schema', async () => {
    const tool = defineTool({ name: 'find_city', description: 'Find a city.', parameters: citySchema, jsonSchema: cityJsonSchema, execute });
    expect(tool.parameters).toEqual(cityJsonSchema);
    await expect(tool.parseArguments('{"city":"Oslo"}')).resolves.toEqual({ ok: true, args: { city: 'Oslo' } });
    await expect(tool.parseArguments('{"city":3}')).resolves.toEqual({ ok: false, reason: 'schema', issues: ['city: expected a string'] });
  });

  it('prefers an explicit jsonSchema over conversion', () => {
    const declared = { type: 'object', properties: { location: { type: 'string', minLength: 2 } }, required: ['location'] };
    const tool = defineTool({ name: 'w', description: '', parameters: z.object({ location: z.string() }), jsonSchema: declared, execute });
    expect(tool.parameters).toEqual(declared);
  });

  it('refuses a Standard Schema that cannot describe itself, and says what to pass', () => {
    const error = thrown(() => defineTool({ name: 'find_city', description: '', parameters: citySchema, execute }));
    expect(error.code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(error.message).toBe(
      'defineTool("find_city"): the handmade schema in `parameters` cannot describe itself as JSON Schema; pass its JSON Schema as `jsonSchema` too.',
    );
  });

  it('uses Standard JSON Schema when a validator implements it (no zod involved)', () => {
    const withJson = {
      '~standard': {
        ...citySchema['~standard'],
        jsonSchema: { input: () => ({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...cityJsonSchema }), output: () => cityJsonSchema },
      },
    } as StandardSchemaV1<{ city: string }>;
    expect(defineTool({ name: 'find_city', description: '', parameters: withJson, execute }).parameters).toEqual(cityJsonSchema);
  });

  it('takes a plain JSON Schema as is; arguments are then only JSON-parsed', async () => {
    const tool = defineTool({ name: 'echo', description: 'Echo.', parameters: cityJsonSchema, execute });
    expect(tool.parameters).toEqual(cityJsonSchema);
    await expect(tool.parseArguments('{"city":42,"extra":true}')).resolves.toEqual({ ok: true, args: { city: 42, extra: true } });
  });

  it('refuses jsonSchema next to a plain JSON Schema', () => {
    expect(thrown(() => defineTool({ name: 'echo', description: '', parameters: cityJsonSchema, jsonSchema: cityJsonSchema, execute })).message).toContain(
      'drop `jsonSchema`',
    );
  });

  it('refuses a schema whose top level is not an object', () => {
    const error = thrown(() => defineTool({ name: 'n', description: '', parameters: z.string(), execute }));
    expect(error.code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(error.message).toContain('must describe an object (JSON Schema `type: \'object\'`), got type "string"');
    expect(thrown(() => defineTool({ name: 'n', description: '', parameters: { type: 'array' }, execute })).message).toContain('got type "array"');
  });

  it('refuses a zod type JSON Schema cannot represent, with the cause', () => {
    const error = thrown(() => defineTool({ name: 'when', description: '', parameters: z.object({ at: z.date() }), execute }));
    expect(error.code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(error.message).toMatch(/^defineTool\("when"\): `parameters` cannot be converted to JSON Schema \(.+\)\. Use JSON-representable types/);
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('defineTool: checks', () => {
  it.each(['', 'get weather', 'météo', 'a'.repeat(65), 'x.y'])('refuses the name %j', (name) => {
    const error = thrown(() => defineTool({ name, description: '', parameters: cityJsonSchema, execute }));
    expect(error.code).toBe('VOXWIRE_INVALID_ARGUMENT');
    expect(error.message).toBe(
      `defineTool(): invalid tool name ${JSON.stringify(name)}: the API accepts 1 to 64 letters, digits, \`_\` or \`-\` (e.g. "get_weather").`,
    );
    expect(error.path).toBe('name');
  });

  it.each(['get_weather', 'A-1', 'a'.repeat(64)])('accepts the name %j', (name) => {
    expect(defineTool({ name, description: '', parameters: cityJsonSchema, execute }).name).toBe(name);
  });

  it('checks description, execute, timeoutMs and needsApproval', () => {
    const base = { name: 't', description: '', parameters: cityJsonSchema, execute };
    expect(thrown(() => defineTool({ ...base, description: undefined as unknown as string })).path).toBe('description');
    expect(thrown(() => defineTool({ ...base, execute: 'run' as unknown as () => void })).message).toBe('defineTool("t"): `execute` must be a function, got string.');
    expect(thrown(() => defineTool({ ...base, timeoutMs: 0 })).message).toBe(
      'defineTool("t"): `timeoutMs` must be a positive number of milliseconds (or Infinity for none), got 0.',
    );
    expect(thrown(() => defineTool({ ...base, timeoutMs: Number.NaN })).path).toBe('timeoutMs');
    expect(thrown(() => defineTool({ ...base, needsApproval: 'yes' as unknown as boolean })).path).toBe('needsApproval');
    expect(defineTool({ ...base, timeoutMs: Infinity }).timeoutMs).toBe(Infinity);
  });

  it('returns a frozen tool', () => {
    const tool = defineTool({ name: 't', description: 'd', parameters: cityJsonSchema, execute, needsApproval: true, timeoutMs: 5 });
    expect(Object.isFrozen(tool)).toBe(true);
    expect(Object.isFrozen(tool.parameters)).toBe(true);
    expect(tool).toMatchObject({ name: 't', description: 'd', needsApproval: true, timeoutMs: 5 });
  });
});

describe('Tool.parseArguments', () => {
  const tool = defineTool({
    name: 'book',
    description: '',
    parameters: z.object({ city: z.string(), nights: z.number().int().min(1), guests: z.array(z.object({ name: z.string() })).optional() }),
    execute,
  });

  it('validates and applies the schema (output type)', async () => {
    const withDefault = defineTool({ name: 'd', description: '', parameters: z.object({ unit: z.enum(['c', 'f']).default('c') }), execute });
    await expect(withDefault.parseArguments('{}')).resolves.toEqual({ ok: true, args: { unit: 'c' } });
    await expect(tool.parseArguments('{"city":"Oslo","nights":2}')).resolves.toEqual({ ok: true, args: { city: 'Oslo', nights: 2 } });
  });

  it('lists every issue with its path', async () => {
    const result = await tool.parseArguments('{"nights":0,"guests":[{"name":1}]}');
    expect(result).toEqual({
      ok: false,
      reason: 'schema',
      issues: [
        'city: Invalid input: expected string, received undefined',
        'nights: Too small: expected number to be >=1',
        'guests[0].name: Invalid input: expected string, received number',
      ],
    });
  });

  it('reports JSON that is not an object', async () => {
    await expect(tool.parseArguments('{"city": "Os')).resolves.toMatchObject({ ok: false, reason: 'json', issues: [expect.stringMatching(/^arguments are not valid JSON \(/)] });
    await expect(tool.parseArguments('[1]')).resolves.toEqual({ ok: false, reason: 'json', issues: ['arguments must be a JSON object, got an array'] });
    await expect(tool.parseArguments('null')).resolves.toEqual({ ok: false, reason: 'json', issues: ['arguments must be a JSON object, got null'] });
    await expect(tool.parseArguments('"x"')).resolves.toEqual({ ok: false, reason: 'json', issues: ['arguments must be a JSON object, got string'] });
  });

  it('treats empty arguments as {}', async () => {
    const noArgs = defineTool({ name: 'now', description: '', parameters: zm.object({}), execute });
    await expect(noArgs.parseArguments('')).resolves.toEqual({ ok: true, args: {} });
  });

  it('supports async validators and reports a throwing one', async () => {
    const asyncSchema: StandardSchemaV1<{ city: string }> = {
      '~standard': { version: 1, vendor: 'async', validate: async (value) => ({ value: value as { city: string } }) },
    };
    const throwing: StandardSchemaV1<{ city: string }> = {
      '~standard': {
        version: 1,
        vendor: 'broken',
        validate: () => {
          throw new Error('boom');
        },
      },
    };
    const ok = defineTool({ name: 'a', description: '', parameters: asyncSchema, jsonSchema: cityJsonSchema, execute });
    await expect(ok.parseArguments('{"city":"Oslo"}')).resolves.toEqual({ ok: true, args: { city: 'Oslo' } });
    const broken = defineTool({ name: 'b', description: '', parameters: throwing, jsonSchema: cityJsonSchema, execute });
    await expect(broken.parseArguments('{}')).resolves.toEqual({ ok: false, reason: 'schema', issues: ['the validator threw: boom'] });
  });

  it('keeps a __proto__ key as data (no prototype pollution)', async () => {
    const raw = defineTool({ name: 'raw', description: '', parameters: { type: 'object' }, execute });
    const result = await raw.parseArguments('{"__proto__":{"polluted":true}}');
    expect(result.ok).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
