/**
 * Random changes to valid events, for the property-based tests: walk to a random node of a
 * valid event and set, delete, add, wrap or retype it. Shared by fuzz.test.ts and
 * generated.test.ts.
 */
import fc from 'fast-check';
import { fixtureLines, officialExamples } from './examples';

/** Every valid example: the fixtures and the official GA examples. */
export const validExamples = [
  ...fixtureLines().map((line) => ({ dir: line.dir, event: line.event })),
  ...officialExamples().map((example) => ({ dir: example.dir, event: example.example })),
];
const serverEvents = validExamples.filter((entry) => entry.dir === 'server').map((entry) => entry.event);
const clientEvents = validExamples.filter((entry) => entry.dir === 'client').map((entry) => entry.event);

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
/** One random change. */
export const mutation = fc.record({
  path: fc.array(fc.nat(), { maxLength: 6 }),
  op: fc.constantFrom('set', 'delete', 'add', 'wrap', 'retype'),
  key: fc.oneof(interestingKeys, fc.string({ maxLength: 8 })),
  value: leafValues,
});
/** One change to apply. */
export type Mutation = { path: number[]; op: 'set' | 'delete' | 'add' | 'wrap' | 'retype'; key: string; value: unknown };

/** Applies `mutations` to a deep copy of `original`. */
export function mutate(original: unknown, mutations: readonly Mutation[]): unknown {
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

/** Valid server events with one to four random changes. */
export const mutatedServer = fc
  .tuple(fc.constantFrom(...serverEvents), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([event, mutations]) => mutate(event, mutations as Mutation[]));
/** Valid client events with one to four random changes. */
export const mutatedClient = fc
  .tuple(fc.constantFrom(...clientEvents), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([event, mutations]) => mutate(event, mutations as Mutation[]));
