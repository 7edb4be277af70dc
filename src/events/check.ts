/**
 * The runtime of the generated validators (`./generated/validators.ts`): a dozen small
 * combinators that build plain closures. `scripts/gen-validators.mjs` writes one expression
 * of these combinators per zod schema at build time, so the SDK validates events without
 * importing zod and without generating code at run time (no `new Function`, nothing a strict
 * Content-Security-Policy reports).
 *
 * Each check mirrors zod/mini's parser for its schema kind, issue for issue: the same verdict,
 * the same issues (code, path, expected values, input) in the same order, and in copy mode
 * the same output (fresh objects and arrays holding exactly the checked keys). A fast-check
 * test holds every generated validator equal to zod on random values.
 */
import type { Issue } from './issues';
import { isRecord } from '../base/is-record';

/**
 * The state of one validation: what it found, and whether it builds an output. Paths are built
 * on the way back up, only for issues: each object, array and record puts its key in front of
 * the issues its child added, so checking a valid value costs no path bookkeeping at all.
 */
export interface CheckRun {
  /** The issues found so far, in zod's order. */
  readonly issues: Issue[];
  /** Build the output (fresh objects and arrays, as zod's parse does) instead of only checking. */
  readonly copy: boolean;
  /**
   * Only find out whether the value passes (a union trying its options): issues are recorded
   * as one shared placeholder, so an option that fails allocates nothing.
   */
  probe: boolean;
}

/**
 * A check: returns the value (in copy mode, its validated copy) and records any problem in
 * `run.issues`. `optional` marks a schema an object may leave out (zod's optional-in and
 * optional-out).
 */
export type Check = ((value: unknown, run: CheckRun) => unknown) & { optional?: boolean };

/** The result of {@link runCheck}. */
export interface CheckResult {
  /** The output: the value itself, or in copy mode its validated copy. */
  value: unknown;
  /** Every problem found, in zod's order; empty when the value is valid. */
  issues: Issue[];
}

/**
 * Validates `value`. With `copy`, the output is built as zod's parse builds it, so what is
 * used afterwards is exactly what was checked (each property read once).
 */
export function runCheck(check: Check, value: unknown, copy = false): CheckResult {
  const run: CheckRun = { issues: [], copy, probe: false };
  const output = check(value, run);
  return { value: output, issues: run.issues };
}

type Fields = Record<string, unknown>;

/** zod's `isPlainObject`: records accept plain objects and `Object.create(null)` only. */
function isPlainObject(value: unknown): value is Fields {
  if (!isRecord(value)) return false;
  const ctor: unknown = value.constructor;
  if (ctor === undefined || typeof ctor !== 'function') return true;
  const prototype: unknown = ctor.prototype;
  return isRecord(prototype) && Object.prototype.hasOwnProperty.call(prototype, 'isPrototypeOf');
}

/** What a probing run records for every issue. */
const PROBED: Issue = Object.freeze({ code: 'probed', path: Object.freeze([]) as unknown as PropertyKey[] });

/** Records an issue about the value (or its `key`); returns the value for the caller to pass on. */
function fail(run: CheckRun, issue: Omit<Issue, 'path'>, value: unknown, key?: PropertyKey): unknown {
  run.issues.push(run.probe ? PROBED : { ...issue, path: key === undefined ? [] : [key] });
  return value;
}

/** Puts `key` in front of the path of every issue recorded since `from`. */
function under(run: CheckRun, from: number, key: PropertyKey): void {
  if (run.probe) return;
  for (let index = from; index < run.issues.length; index += 1) run.issues[index]?.path.unshift(key);
}

function invalidType(run: CheckRun, expected: string, value: unknown): unknown {
  return fail(run, { code: 'invalid_type', expected, input: value }, value);
}

/** `z.string()`. */
export const string: Check = (value, run) => (typeof value === 'string' ? value : invalidType(run, 'string', value));

/**
 * `z.string().check(z.regex(pattern, { abort }))`: a string matching `pattern` (`openUnion`'s
 * generic member refuses the known tags this way). `source` and `flags` rebuild the pattern.
 */
export function matching(source: string, flags: string, abort: boolean): Check {
  const pattern = new RegExp(source, flags);
  const shown = pattern.toString();
  return (value, run) => {
    if (typeof value !== 'string') return invalidType(run, 'string', value);
    // A global or sticky pattern would carry state from one test to the next, as in zod.
    pattern.lastIndex = 0;
    if (pattern.test(value)) return value;
    const issue = { code: 'invalid_format', format: 'regex', origin: 'string', pattern: shown, input: value };
    return fail(run, abort ? issue : { ...issue, continue: true }, value);
  };
}

/** `z.number()`: finite numbers only, as zod. */
export const number: Check = (value, run) =>
  typeof value === 'number' && Number.isFinite(value) ? value : invalidType(run, 'number', value);

/** `z.boolean()`. */
export const boolean: Check = (value, run) => (typeof value === 'boolean' ? value : invalidType(run, 'boolean', value));

/** `z.unknown()`: anything, passed on by reference (never walked, so any nesting is fine). */
export const unknown: Check = (value) => value;

/** `z.int().check(z.gte(minimum))`: a safe integer of at least `minimum`. */
export function intAtLeast(minimum: number): Check {
  return (value, run) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return invalidType(run, 'number', value);
    // zod stops at a non-integer; out of the safe range it reports and goes on to the bound.
    if (!Number.isInteger(value)) return invalidType(run, 'int', value);
    if (!Number.isSafeInteger(value)) {
      const big = value > 0;
      fail(
        run,
        big
          ? { code: 'too_big', maximum: Number.MAX_SAFE_INTEGER, origin: 'int', inclusive: true, input: value, continue: true }
          : { code: 'too_small', minimum: Number.MIN_SAFE_INTEGER, origin: 'int', inclusive: true, input: value, continue: true },
        value,
      );
    }
    if (!(value >= minimum)) fail(run, { code: 'too_small', minimum, origin: 'number', inclusive: true, input: value, continue: true }, value);
    return value;
  };
}

/** `z.literal(...)` and `z.enum(...)`: one of the given values. */
export function oneOf(...values: unknown[]): Check {
  return (value, run) => (values.includes(value) ? value : fail(run, { code: 'invalid_value', values, input: value }, value));
}

/** `z.optional(inner)`: `undefined` or the inner schema; an object may leave the key out. */
export function optional(inner: Check): Check {
  const check: Check = (value, run) => (value === undefined ? value : inner(value, run));
  check.optional = true;
  return check;
}

/** `z.nullable(inner)`: `null` or the inner schema (optional when the inner one is). */
export function nullable(inner: Check): Check {
  const check: Check = (value, run) => (value === null ? value : inner(value, run));
  if (inner.optional) check.optional = true;
  return check;
}

/** `z.optional(z.nullable(inner))`, the common server-side field. */
export function lenient(inner: Check): Check {
  const check: Check = (value, run) => (value === undefined || value === null ? value : inner(value, run));
  check.optional = true;
  return check;
}

/** `z.array(element)`. */
export function array(element: Check): Check {
  return (value, run) => {
    if (!Array.isArray(value)) return invalidType(run, 'array', value);
    const output: unknown[] | undefined = run.copy ? new Array<unknown>(value.length) : undefined;
    for (let index = 0; index < value.length; index += 1) {
      const before = run.issues.length;
      const item = element(value[index], run);
      if (run.issues.length !== before) under(run, before, index);
      if (output) output[index] = item;
    }
    return output ?? value;
  };
}

/** `z.record(z.string(), element)`: a plain object whose own enumerable values all pass. */
export function record(element: Check): Check {
  return (value, run) => {
    if (!isPlainObject(value)) return invalidType(run, 'record', value);
    const output: Fields | undefined = run.copy ? {} : undefined;
    for (const key of Reflect.ownKeys(value)) {
      if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(value, key)) continue;
      if (typeof key !== 'string') {
        fail(run, { code: 'invalid_key', origin: 'record', input: key }, value, key);
        continue;
      }
      const before = run.issues.length;
      const item = element(value[key], run);
      if (run.issues.length !== before) under(run, before, key);
      if (output) output[key] = item;
    }
    return output ?? value;
  };
}

/** How an object treats keys its shape does not name. */
const enum Extra {
  /** `z.object`: dropped from the output. */
  Strip,
  /** `z.looseObject`: kept. */
  Keep,
  /** `z.strictObject`: an `unrecognized_keys` issue. */
  Refuse,
}

function object(shape: Readonly<Record<string, Check>>, extra: Extra): Check {
  // `__proto__` is never a field (zod skips it too), so the shape object is safe to read.
  const keys = Object.keys(shape).filter((key) => key !== '__proto__');
  const checks = keys.map((key) => shape[key] as Check);
  // Read once here: on the hot path a flag in an array beats a property of many closures.
  const optional = checks.map((check) => check.optional === true);
  const known = new Set(keys);
  return (value, run) => {
    if (!isRecord(value)) return invalidType(run, 'object', value);
    const issues = run.issues;
    const output: Fields | undefined = run.copy ? {} : undefined;
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index] as string;
      const field = value[key];
      // Each key is read once; whether it is present matters only when it reads undefined.
      const present = field !== undefined || key in value;
      if (!present && optional[index]) continue;
      const before = issues.length;
      const result = (checks[index] as Check)(field, run);
      if (issues.length !== before || !present) {
        // A required key whose schema accepts undefined (z.unknown()) must still be present.
        if (!present && issues.length === before) fail(run, { code: 'invalid_type', expected: 'nonoptional', input: undefined }, value);
        under(run, before, key);
      }
      if (output && present) output[key] = result;
    }
    if (extra === Extra.Refuse) {
      let unknownKeys: string[] | undefined;
      // for...in, as zod: inherited enumerable keys count too.
      for (const key in value) if (!known.has(key)) (unknownKeys ??= []).push(key);
      // `known` (not in zod's issue) lets the outgoing-event triage tell a misspelling from a newer field.
      if (unknownKeys) fail(run, { code: 'unrecognized_keys', keys: unknownKeys, input: value, continue: true, known: keys }, value);
    } else if (extra === Extra.Keep && output) {
      // Never assign `__proto__`: on a plain object that would replace the output's prototype.
      for (const key in value) if (!known.has(key) && key !== '__proto__') output[key] = value[key];
    }
    return output ?? value;
  };
}

/** `z.looseObject(shape)`: unknown keys are kept. */
export function looseObject(shape: Readonly<Record<string, Check>>): Check {
  return object(shape, Extra.Keep);
}

/** `z.strictObject(shape)`: an unknown key is an `unrecognized_keys` issue naming it. */
export function strictObject(shape: Readonly<Record<string, Check>>): Check {
  return object(shape, Extra.Refuse);
}

/** `z.object(shape)`: unknown keys are dropped from the output. */
export function stripObject(shape: Readonly<Record<string, Check>>): Check {
  return object(shape, Extra.Strip);
}

/**
 * `z.union(options)`: the first option that passes. When all fail, zod reports the one
 * option that failed only on non-fatal issues (unknown keys) as is, else an `invalid_union`
 * holding each option's issues.
 */
export function union(...options: Check[]): Check {
  if (options.length === 1) return options[0] as Check;
  return (value, run) => {
    const start = run.issues.length;
    const probing = run.probe;
    // First find the passing option without building issues; explain only when none passes.
    run.probe = true;
    for (const option of options) {
      const result = option(value, run);
      if (run.issues.length === start) {
        run.probe = probing;
        return result;
      }
      run.issues.length = start;
    }
    run.probe = probing;
    if (probing) return fail(run, { code: 'invalid_union' }, value);
    const branches: Issue[][] = [];
    for (const option of options) {
      option(value, run);
      branches.push(run.issues.splice(start));
    }
    const open = branches.filter((issues) => issues.every((issue) => issue.continue === true));
    if (open.length === 1) run.issues.push(...(open[0] as Issue[]));
    else fail(run, { code: 'invalid_union', errors: branches, input: value }, value);
    return value;
  };
}

/**
 * `z.discriminatedUnion(key, options)`: the option is chosen by `value[key]`. `byTag` maps each
 * tag to its option, in zod's order (the order the error message lists them in). With
 * `object`, an option may be given as the fields after its tag: `{ [key]: <tag>, ...fields }`
 * built with `object` (so the generated file does not repeat each tag).
 */
export function discriminated(
  key: string,
  byTag: Readonly<Record<string, Check | Readonly<Record<string, Check>>>>,
  object?: (shape: Readonly<Record<string, Check>>) => Check,
): Check {
  const options = new Map<unknown, Check>(
    Object.entries(byTag).map(([tag, option]) => [tag, typeof option === 'function' || !object ? (option as Check) : object({ [key]: oneOf(tag), ...option })]),
  );
  const tags = [...options.keys()];
  return (value, run) => {
    if (!isRecord(value)) return invalidType(run, 'object', value);
    const option = options.get(value[key]);
    if (option !== undefined) return option(value, run);
    return fail(run, { code: 'invalid_union', errors: [], discriminator: key, options: tags, input: value }, value, key);
  };
}

/**
 * The source of a pattern matching any string except `values` (see `openUnion` in
 * primitives.ts, which builds the zod side with the same function).
 */
export function notOneOfSource(values: readonly string[]): string {
  return `^(?!(?:${values.map((value) => value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$)`;
}

/**
 * `openUnion(key, options)` (primitives.ts): `z.union([z.discriminatedUnion(key, options),
 * z.looseObject({ [key]: <a string none of the tags> })])`, from the arguments of
 * {@link discriminated}. The generic member is built here from the tags, so the generated file
 * does not spell them twice.
 */
export function open(
  key: string,
  byTag: Readonly<Record<string, Check | Readonly<Record<string, Check>>>>,
  object?: (shape: Readonly<Record<string, Check>>) => Check,
): Check {
  return union(discriminated(key, byTag, object), looseObject({ [key]: matching(notOneOfSource(Object.keys(byTag)), '', true) }));
}

/**
 * The validators of a table of events, by `type`. A row `[type, fields]` is the usual event
 * object `{ type: <type>, event_id, ...fields }` built with `object` (`looseObject` for
 * server events, `strictObject` for client events); a row `[type, check]` is an event of
 * another shape, taken as it is. Rows keep the generated file small: no `type` and
 * `event_id` repeated per event.
 */
export function eventTable(
  object: (shape: Readonly<Record<string, Check>>) => Check,
  eventId: Check,
  rows: readonly (readonly [string, Readonly<Record<string, Check>> | Check])[],
): ReadonlyMap<string, Check> {
  return new Map(rows.map(([type, fields]) => [type, typeof fields === 'function' ? fields : object({ type: oneOf(type), event_id: eventId, ...fields })]));
}
