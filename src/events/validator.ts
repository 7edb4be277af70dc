/**
 * Closure-compiled validators: the hot path of `parseServerEvent` / `parseClientEvent`.
 *
 * zod/mini never generates code (classic zod's object parser does, with `new Function`, which
 * a strict Content-Security-Policy reports), so its runtime parser walks each schema on every
 * frame and builds an output object nobody reads. Here each event schema is turned once, on
 * first use, into nested plain closures that answer one question: is this value valid? No
 * output is built and no code is generated, so the SDK stays CSP-clean.
 *
 * The closures mirror zod's own rules for the schema kinds the event schemas use (objects
 * loose or strict with zod's optional-key rules, strings, finite numbers, safe integers and
 * their bounds, booleans, literals, enums, unknown, optional, nullable, arrays, string-keyed
 * records, unions and discriminated unions). Anything else makes the compiler give up and
 * the caller uses zod for that schema. zod stays the source of truth: when a compiled
 * validator answers false, the caller re-runs zod, which decides and explains. A
 * property-based test holds every compiled validator equal to `z.validate` on random values.
 */
import * as z from 'zod/mini';

/** A compiled validator: true when the value is valid. Never throws on plain JSON values. */
export type CompiledValidator = (value: unknown) => boolean;

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  checks?: readonly AnySchema[];
  coerce?: boolean;
  format?: string;
  [key: string]: unknown;
}

/** Thrown inside the compiler when a schema uses something it does not model. */
class Unsupported extends Error {}

function defOf(schema: AnySchema): Def {
  return schema._zod.def as unknown as Def;
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The checks zod runs on a schema: the schema itself when it is also a check, then `def.checks`. */
function checksOf(schema: AnySchema): readonly AnySchema[] {
  const own = defOf(schema).checks ?? [];
  return schema._zod.traits.has('$ZodCheck') ? [schema, ...own] : own;
}

function compileNumberChecks(schema: AnySchema): ((value: number) => boolean)[] {
  return checksOf(schema).map((check) => {
    const def = defOf(check) as Def & { check?: string; value?: unknown; inclusive?: boolean; when?: unknown };
    if (def.when !== undefined) throw new Unsupported('conditional check');
    if (def.check === 'number_format' && def.format === 'safeint') return (value: number) => Number.isSafeInteger(value);
    if (def.check === 'greater_than' && typeof def.value === 'number') {
      const bound = def.value;
      return def.inclusive ? (value: number) => value >= bound : (value: number) => value > bound;
    }
    if (def.check === 'less_than' && typeof def.value === 'number') {
      const bound = def.value;
      return def.inclusive ? (value: number) => value <= bound : (value: number) => value < bound;
    }
    throw new Unsupported(`number check ${String(def.check)}`);
  });
}

/** The discriminator values an option of a discriminated union answers to. */
function discriminatorValues(option: AnySchema, discriminator: string): unknown[] {
  const def = defOf(option);
  if (def.type === 'object') {
    const field = (def.shape as Record<string, AnySchema>)[discriminator];
    if (field === undefined || defOf(field).type !== 'literal') throw new Unsupported('discriminator is not a literal');
    return [...(defOf(field).values as unknown[])];
  }
  // A nested discriminated union (messages by `role` inside items by `type`) answers to every
  // value its options answer to.
  if (def.type === 'union' && typeof def.discriminator === 'string') {
    return [...new Set((def.options as AnySchema[]).flatMap((inner) => discriminatorValues(inner, discriminator)))];
  }
  throw new Unsupported('discriminated union option');
}

function compileObject(def: Def): CompiledValidator {
  const shape = def.shape as Record<string, AnySchema>;
  const catchall = def.catchall === undefined ? 'strip' : defOf(def.catchall as AnySchema).type;
  if (catchall !== 'strip' && catchall !== 'unknown' && catchall !== 'never') throw new Unsupported(`catchall ${catchall}`);
  if (Object.getOwnPropertySymbols(shape).length > 0) throw new Unsupported('symbol keys');
  const fields = Object.keys(shape)
    .filter((key) => key !== '__proto__')
    .map((key) => {
      const field = shape[key] as AnySchema;
      const optionalIn = field._zod.optin !== undefined;
      // zod accepts an absent key when the field is optional on the way in and either optional
      // on the way out or valid for `undefined`; a present key must simply be valid.
      const absentOk = optionalIn && field._zod.optout === 'optional';
      return { key, validate: compileNode(field), optionalIn, absentOk };
    });
  const known = new Set(Object.keys(shape));
  const strict = catchall === 'never';
  return (value) => {
    if (!isObject(value)) return false;
    for (const field of fields) {
      const fieldValue = value[field.key];
      if (fieldValue === undefined && !(field.key in value)) {
        if (field.absentOk) continue;
        if (!field.optionalIn || !field.validate(undefined)) return false;
        continue;
      }
      if (!field.validate(fieldValue)) return false;
    }
    if (strict) {
      for (const key in value) if (!known.has(key)) return false;
    }
    return true;
  };
}

function compileNode(schema: AnySchema): CompiledValidator {
  const def = defOf(schema);
  if (def.coerce) throw new Unsupported('coercion');
  const hasChecks = checksOf(schema).length > 0;
  switch (def.type) {
    case 'string':
      if (hasChecks || def.format !== undefined) throw new Unsupported('string checks');
      return (value) => typeof value === 'string';
    case 'boolean':
      if (hasChecks) throw new Unsupported('boolean checks');
      return (value) => typeof value === 'boolean';
    case 'number': {
      const checks = compileNumberChecks(schema);
      return (value) => {
        if (typeof value !== 'number' || !Number.isFinite(value)) return false;
        for (const check of checks) if (!check(value)) return false;
        return true;
      };
    }
    case 'unknown':
      if (hasChecks) throw new Unsupported('unknown checks');
      return () => true;
    case 'literal': {
      const values = new Set(def.values as unknown[]);
      return (value) => values.has(value);
    }
    case 'enum': {
      const values = Object.values(def.entries as Record<string, unknown>);
      if (values.some((entry) => typeof entry !== 'string')) throw new Unsupported('numeric enum');
      const set = new Set(values);
      return (value) => set.has(value);
    }
    case 'optional': {
      const inner = def.innerType as AnySchema;
      if (inner._zod.optin === 'defaulted') throw new Unsupported('default');
      const validate = compileNode(inner);
      return (value) => value === undefined || validate(value);
    }
    case 'nullable': {
      const validate = compileNode(def.innerType as AnySchema);
      return (value) => value === null || validate(value);
    }
    case 'array': {
      if (hasChecks) throw new Unsupported('array checks');
      const element = compileNode(def.element as AnySchema);
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let index = 0; index < value.length; index += 1) if (!element(value[index])) return false;
        return true;
      };
    }
    case 'record': {
      const keyType = def.keyType as AnySchema;
      const keyDef = defOf(keyType);
      if (keyDef.type !== 'string' || checksOf(keyType).length > 0 || keyType._zod.values !== undefined || def.mode !== undefined) {
        throw new Unsupported('record key type');
      }
      const element = compileNode(def.valueType as AnySchema);
      return (value) => {
        if (!z.util.isPlainObject(value)) return false;
        for (const key of Reflect.ownKeys(value)) {
          if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(value, key)) continue;
          if (typeof key !== 'string' || !element(value[key])) return false;
        }
        return true;
      };
    }
    case 'union': {
      const options = (def.options as AnySchema[]).map(compileNode);
      if (typeof def.discriminator === 'string') {
        if (def.unionFallback) throw new Unsupported('union fallback');
        const discriminator = def.discriminator;
        const byValue = new Map<unknown, CompiledValidator>();
        (def.options as AnySchema[]).forEach((option, index) => {
          for (const tag of discriminatorValues(option, discriminator)) byValue.set(tag, options[index] as CompiledValidator);
        });
        return (value) => {
          if (!isObject(value)) return false;
          const option = byValue.get(value[discriminator]);
          return option !== undefined && option(value);
        };
      }
      if (def.inclusive === false) throw new Unsupported('exclusive union');
      return (value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      };
    }
    case 'object':
      if (hasChecks) throw new Unsupported('object checks');
      return compileObject(def);
    default:
      throw new Unsupported(`schema type ${def.type}`);
  }
}

/**
 * Compiles `schema` into a validator, or returns `undefined` when the schema uses something
 * the compiler does not model (the caller then validates with zod).
 */
export function compileValidator(schema: AnySchema): CompiledValidator | undefined {
  try {
    return compileNode(schema);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** The schema of one event type and its compiled validator. */
export interface EventEntry {
  /** The zod schema: the source of truth, and the source of error messages. */
  readonly schema: AnySchema;
  /** The compiled validator, or `undefined` when the schema could not be compiled. */
  readonly validate: CompiledValidator | undefined;
}

/**
 * Builds the lookup of event schemas by `type`, compiling each validator on the first frame
 * of its type (importing the SDK compiles nothing). A `Map`, not the schema record: a frame's
 * `type` is untrusted, and `record['constructor']` would find Object.prototype members.
 */
export function createEventLookup(schemas: Readonly<Record<string, AnySchema>>): (type: string) => EventEntry | undefined {
  const entries = new Map<string, { schema: AnySchema; validate: CompiledValidator | undefined; compiled: boolean }>();
  for (const [type, schema] of Object.entries(schemas)) entries.set(type, { schema, validate: undefined, compiled: false });
  return (type) => {
    const entry = entries.get(type);
    if (entry !== undefined && !entry.compiled) {
      entry.validate = compileValidator(entry.schema);
      entry.compiled = true;
    }
    return entry;
  };
}
