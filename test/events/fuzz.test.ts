import fc from 'fast-check';
import * as z from 'zod/mini';
import { afterAll, describe, expect, it } from 'vitest';
import { clientEventSchemas, parseClientEvent, parseServerEvent, serializeClientEvent, serverEventSchemas } from '../../src/events';
import type { ParseResult } from '../../src/events';
import { RealtimeError } from '../../src/errors';
import { compileValidator } from '../../src/events/validator';
import { fixtureLines, officialExamples } from './examples';

const PARSE_CODES = new Set(['VOXWIRE_INVALID_JSON', 'VOXWIRE_INVALID_EVENT', 'VOXWIRE_FRAME_TOO_LARGE']);

const valid = [
  ...fixtureLines().map((line) => ({ dir: line.dir, event: line.event })),
  ...officialExamples().map((example) => ({ dir: example.dir, event: example.example })),
];
const serverEvents = valid.filter((entry) => entry.dir === 'server').map((entry) => entry.event);
const clientEvents = valid.filter((entry) => entry.dir === 'client').map((entry) => entry.event);

/** Checks the shape of a parse result; returns it for further checks. */
function wellFormed(result: ParseResult<unknown, unknown>): ParseResult<unknown, unknown> {
  if (result.ok) {
    expect(typeof result.known).toBe('boolean');
    expect(typeof (result.event as { type?: unknown }).type).toBe('string');
  } else {
    expect(result.error).toBeInstanceOf(RealtimeError);
    expect(PARSE_CODES.has(result.error.code)).toBe(true);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Mutations of valid events: walk to a random node and change it.

const interestingKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'type',
  'event_id',
  'item',
  'content',
  'session',
  'response',
  'delta',
  'audio',
  'extra',
);
const leafValues = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', 0, -1, 1.5, 2 ** 53, 'inf', 'message', 'output_text', 'audio/pcm', 'realtime', [], {}),
  // Values JSON cannot carry but an already-parsed object can.
  fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, 10n, new Date(0), [undefined]),
);
const mutation = fc.record({
  path: fc.array(fc.nat(), { maxLength: 6 }),
  op: fc.constantFrom('set', 'delete', 'add', 'wrap', 'retype'),
  key: fc.oneof(interestingKeys, fc.string({ maxLength: 8 })),
  value: leafValues,
});
type Mutation = { path: number[]; op: 'set' | 'delete' | 'add' | 'wrap' | 'retype'; key: string; value: unknown };

function mutate(original: unknown, mutations: readonly Mutation[]): unknown {
  const root = { value: structuredClone(original) as unknown };
  for (const change of mutations) {
    let parent: Record<string, unknown> | unknown[] = root;
    let key: string | number = 'value';
    for (const step of change.path) {
      const node = (parent as Record<string | number, unknown>)[key];
      if (typeof node !== 'object' || node === null) break;
      const keys = Array.isArray(node) ? node.map((_, index) => index) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node as Record<string, unknown>;
      key = keys[step % keys.length] as string | number;
    }
    const container = parent as Record<string | number, unknown>;
    const target = container[key];
    switch (change.op) {
      case 'set':
        container[key] = change.value;
        break;
      case 'delete':
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete container[key];
        break;
      case 'add':
        // defineProperty, so a `__proto__` key becomes an own property as JSON.parse makes it.
        if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
          Object.defineProperty(target, change.key, { value: change.value, enumerable: true, writable: true, configurable: true });
        }
        break;
      case 'wrap':
        container[key] = [target];
        break;
      case 'retype':
        container[key] = typeof target === 'string' ? target.length : typeof target === 'number' ? String(target) : change.value;
        break;
    }
  }
  return root.value;
}

const mutatedServer = fc
  .tuple(fc.constantFrom(...serverEvents), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([event, mutations]) => mutate(event, mutations as Mutation[]));
const mutatedClient = fc
  .tuple(fc.constantFrom(...clientEvents), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([event, mutations]) => mutate(event, mutations as Mutation[]));

function toText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    [
      '__defineGetter__',
      '__defineSetter__',
      '__lookupGetter__',
      '__lookupSetter__',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      'toString',
      'valueOf',
    ].sort(),
  );
});

describe('parse functions never throw', () => {
  const both = (data: unknown) => {
    wellFormed(parseServerEvent(data as never));
    wellFormed(parseClientEvent(data as never));
  };

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), both), { numRuns: 2000 });
  });

  it('on arbitrary JSON text and values, and arbitrary JS values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        both(value);
        both(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(fc.anything(), both), { numRuns: 1000 });
  });

  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        both(bytes);
        both(bytes.buffer);
      }),
      { numRuns: 1000 },
    );
  });

  it('on truncations of valid frames', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.nat(), ({ event }, cut) => {
        const text = JSON.stringify(event);
        both(text.slice(0, cut % (text.length + 1)));
      }),
      { numRuns: 1000 },
    );
  });

  it('on mutations of valid events; valid results are the frame itself', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedServer, mutatedClient), (mutated) => {
        for (const parse of [parseServerEvent, parseClientEvent]) {
          const fromObject = wellFormed(parse(mutated as never));
          if (fromObject.ok) expect(fromObject.event).toBe(mutated);
          const text = toText(mutated);
          if (text === undefined) continue;
          const fromText = wellFormed(parse(text));
          if (fromText.ok) expect(fromText.event).toEqual(JSON.parse(text));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('serializeClientEvent throws only RealtimeError', () => {
  const check = (event: unknown) => {
    let text: string | undefined;
    try {
      text = serializeClientEvent(event as never, { generateEventId: () => 'evt_fuzz' });
    } catch (error) {
      expect(error).toBeInstanceOf(RealtimeError);
      expect(['VOXWIRE_INVALID_CLIENT_EVENT', 'VOXWIRE_FRAME_TOO_LARGE']).toContain((error as RealtimeError).code);
      return;
    }
    // Whatever it accepts, the client parser (the mock server's view) accepts too.
    const parsed = parseClientEvent(text);
    expect(parsed.ok && parsed.known).toBe(true);
  };

  it('on mutated client events and arbitrary values', () => {
    fc.assert(fc.property(mutatedClient, check), { numRuns: 3000 });
    fc.assert(fc.property(fc.anything(), check), { numRuns: 1000 });
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 1000 });
  });
});

describe('compiled validators agree with zod', () => {
  const schemas = [
    ...Object.entries(serverEventSchemas).map(([type, schema]) => ({ type, schema, dir: 'server' as const })),
    ...Object.entries(clientEventSchemas).map(([type, schema]) => ({ type, schema, dir: 'client' as const })),
  ];

  it('every event schema compiles (none falls back to zod on the hot path)', () => {
    for (const { schema } of schemas) expect(compileValidator(schema)).toBeTypeOf('function');
  });

  it('on every valid example', () => {
    for (const { dir, event } of valid) {
      const entry = schemas.find((candidate) => candidate.dir === dir && candidate.type === event.type);
      if (!entry) continue;
      expect(compileValidator(entry.schema)?.(event)).toBe(true);
      expect(z.validate(entry.schema, event)).toBe(true);
    }
  });

  it('on mutations of valid events, for the schema of the original type and of the mutated type', () => {
    const compiled = new Map(schemas.map(({ dir, type, schema }) => [`${dir}:${type}`, { schema, validate: compileValidator(schema) }]));
    fc.assert(
      fc.property(
        fc.oneof(
          mutatedServer.map((value) => ({ dir: 'server', value })),
          mutatedClient.map((value) => ({ dir: 'client', value })),
        ),
        fc.constantFrom(...schemas),
        ({ dir, value }, other) => {
          const type = (value as { type?: unknown } | null)?.type;
          const own = compiled.get(`${dir}:${String(type)}`);
          for (const entry of own ? [own, compiled.get(`${other.dir}:${other.type}`)] : [compiled.get(`${other.dir}:${other.type}`)]) {
            if (!entry?.validate) continue;
            expect(entry.validate(value)).toBe(z.validate(entry.schema, value));
          }
        },
      ),
      { numRuns: 5000 },
    );
  });
});
