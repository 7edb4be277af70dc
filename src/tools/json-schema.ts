/**
 * The JSON Schema a tool declares to the model (`session.tools[].parameters`). Resolved when
 * the tool is defined, so a schema that cannot be declared fails before any network call;
 * the one exception is a zod schema that cannot describe itself (zod mini), whose conversion
 * needs zod's converter: that loads on demand, before the session's tools are declared, so
 * apps that never use such a schema never download it.
 */
import { RealtimeError } from '../base/errors';
import { hasStandardJsonSchema, isStandardSchema, type StandardSchemaV1 } from './standard-schema';

/** A JSON Schema document, as a plain object. Tool parameters are always `type: 'object'`. */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

/** Where a tool's JSON Schema came from (see {@link resolveToolJsonSchema}). */
export type JsonSchemaSource = 'explicit' | 'standard-json-schema' | 'zod' | 'json-schema';

/** Converts a zod schema to JSON Schema (input semantics); see `zod-json-schema.ts`. */
export type ZodJsonSchemaConverter = (schema: unknown) => unknown;

/**
 * A JSON Schema converted on demand (a zod mini schema): {@link DeferredJsonSchema.load} loads
 * zod's converter and converts; {@link DeferredJsonSchema.get} returns the result.
 */
export interface DeferredJsonSchema {
  /** Identifies the schema converted (the same schema object, the same key). */
  readonly key: string;
  /** True once converted successfully. */
  readonly converted: boolean;
  /**
   * The JSON Schema. Converts on first use when the converter is already loaded; throws the
   * conversion error, or a `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError} when the converter
   * is not loaded yet (await {@link DeferredJsonSchema.load} first).
   */
  get(): JsonSchemaObject;
  /** Loads the converter if needed and converts; rejects with the conversion error. */
  load(): Promise<void>;
}

/** A resolved declaration: the JSON Schema for the model and the validator, if any. */
export interface ResolvedToolSchema {
  /** The JSON Schema sent as the tool's `parameters`, or its on-demand conversion (zod mini). */
  jsonSchema: JsonSchemaObject | DeferredJsonSchema;
  /** The validator for incoming arguments; undefined for a plain JSON Schema (JSON-parse only). */
  validator: StandardSchemaV1 | undefined;
  /** Which rule produced `jsonSchema`. */
  source: JsonSchemaSource;
}

let zodConverter: ZodJsonSchemaConverter | undefined;
let zodConverterLoading: Promise<ZodJsonSchemaConverter> | undefined;

/**
 * Installs zod's converter so that zod mini schemas convert synchronously from now on. A server
 * can pass `zodToJsonSchema` from `zod-json-schema.ts` (imported statically); browsers let
 * {@link DeferredJsonSchema.load} fetch it on demand instead.
 */
export function useZodJsonSchemaConverter(convert: ZodJsonSchemaConverter): void {
  zodConverter = convert;
}

function loadZodConverter(): Promise<ZodJsonSchemaConverter> {
  if (zodConverter) return Promise.resolve(zodConverter);
  zodConverterLoading ??= import('./zod-json-schema').then(
    (module) => (zodConverter ??= module.zodToJsonSchema),
    (error: unknown) => {
      // A failed chunk load (offline) is retried on the next attempt.
      zodConverterLoading = undefined;
      throw error;
    },
  );
  return zodConverterLoading;
}

const schemaKeys = new WeakMap<object, string>();
let schemaCount = 0;

function deferZodConversion(where: string, schema: StandardSchemaV1): DeferredJsonSchema {
  let key = schemaKeys.get(schema);
  if (key === undefined) schemaKeys.set(schema, (key = `zod#${(schemaCount += 1)}`));
  let result: { value: JsonSchemaObject } | { error: unknown } | undefined;
  const get = (): JsonSchemaObject => {
    if (result === undefined) {
      if (zodConverter === undefined) {
        throw new RealtimeError(
          'VOXWIRE_INVALID_ARGUMENT',
          `${where}: the zod schema's JSON Schema is converted on demand; await tool.prepare() (or the registry's prepare()) before reading \`parameters\`.`,
        );
      }
      const convert = zodConverter;
      try {
        result = { value: Object.freeze(checkObjectSchema(where, convertWith(where, () => convert(schema)), '`parameters`')) };
      } catch (error) {
        result = { error };
      }
    }
    if ('error' in result) throw result.error;
    return result.value;
  };
  return {
    key,
    get converted() {
      return result !== undefined && 'value' in result;
    },
    get,
    load: async () => {
      try {
        await loadZodConverter();
      } catch (error) {
        // Loading a chunk is a network fetch in a browser: retryable, like a connection.
        throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', `${where}: zod's JSON Schema converter could not be loaded (${errorMessage(error)}).`, {
          cause: error,
        });
      }
      get();
    },
  };
}

/**
 * Resolves the JSON Schema of a tool's `parameters`, in this order:
 * 1. `jsonSchema` when given (a Standard Schema validator paired with its JSON Schema);
 * 2. Standard JSON Schema (`parameters['~standard'].jsonSchema.input`): zod classic, ArkType,
 *    Valibot through its adapter; input semantics, so fields with defaults are optional;
 * 3. a zod 4 schema without it (zod mini): `z.toJSONSchema(parameters, { io: 'input' })`, on
 *    demand (a {@link DeferredJsonSchema}: zod's converter loads only when needed);
 * 4. any other object: taken as a JSON Schema, and arguments are then only JSON-parsed.
 *
 * Throws a `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError} when no JSON Schema can be made
 * or when it does not describe an object (function arguments are always a JSON object); for
 * a zod mini schema, the deferred conversion reports these.
 */
export function resolveToolJsonSchema(toolName: string, parameters: unknown, jsonSchema?: unknown): ResolvedToolSchema {
  const where = `defineTool(${JSON.stringify(toolName)})`;
  if (isStandardSchema(parameters)) {
    if (jsonSchema !== undefined) {
      return { jsonSchema: checkObjectSchema(where, jsonSchema, '`jsonSchema`'), validator: parameters, source: 'explicit' };
    }
    if (hasStandardJsonSchema(parameters)) {
      const converted = convertWith(where, () => parameters['~standard'].jsonSchema.input({ target: 'draft-2020-12' }));
      return { jsonSchema: checkObjectSchema(where, converted, '`parameters`'), validator: parameters, source: 'standard-json-schema' };
    }
    if ('_zod' in parameters) return { jsonSchema: deferZodConversion(where, parameters), validator: parameters, source: 'zod' };
    // A zod schema without `_zod` is zod 3: neither it nor zod 4's converter can make its JSON Schema.
    const vendor = parameters['~standard'].vendor === 'zod' ? 'zod 3' : parameters['~standard'].vendor;
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${where}: the ${vendor} schema in \`parameters\` cannot describe itself as JSON Schema; ${vendor === 'zod 3' ? 'pass a zod 4 schema (zod >= 4, or zod/mini) or a plain JSON Schema object as `parameters`, or ' : ''}pass its JSON Schema as \`jsonSchema\` too.`,
    );
  }
  if (jsonSchema !== undefined) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${where}: \`jsonSchema\` goes with a Standard Schema validator in \`parameters\`; \`parameters\` is already a plain JSON Schema, so drop \`jsonSchema\`.`,
    );
  }
  return { jsonSchema: checkObjectSchema(where, parameters, '`parameters`'), validator: undefined, source: 'json-schema' };
}

/** True for the on-demand conversion {@link resolveToolJsonSchema} returns for zod mini. */
export function isDeferredJsonSchema(value: JsonSchemaObject | DeferredJsonSchema): value is DeferredJsonSchema {
  return typeof (value as Partial<DeferredJsonSchema>).load === 'function' && typeof (value as Partial<DeferredJsonSchema>).get === 'function';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function convertWith(where: string, run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${where}: \`parameters\` cannot be converted to JSON Schema (${errorMessage(error)}). Use JSON-representable types, or pass \`jsonSchema\` explicitly.`,
      { cause: error },
    );
  }
}

function checkObjectSchema(where: string, schema: unknown, field: string): JsonSchemaObject {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${where}: ${field} must be a zod schema, a Standard Schema or a JSON Schema object, got ${schema === null ? 'null' : Array.isArray(schema) ? 'an array' : typeof schema}.`,
    );
  }
  const type = (schema as { type?: unknown }).type;
  if (type !== 'object') {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${where}: ${field} must describe an object (JSON Schema \`type: 'object'\`), got type ${JSON.stringify(type)}; arguments are a JSON object, so wrap the value in an object schema.`,
    );
  }
  // `$schema` is metadata for validators, not for the model; the declaration stays minimal.
  const { $schema: _dialect, ...declared } = schema as Record<string, unknown>;
  return declared;
}
