/**
 * The JSON Schema a tool declares to the model (`session.tools[].parameters`), resolved once
 * when the tool is defined, so a schema that cannot be declared fails before any network call.
 */
import * as z from 'zod/mini';
import { RealtimeError } from '../errors';
import { hasStandardJsonSchema, isStandardSchema, type StandardSchemaV1 } from './standard-schema';

/** A JSON Schema document, as a plain object. Tool parameters are always `type: 'object'`. */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

/** Where a tool's JSON Schema came from (see {@link resolveToolJsonSchema}). */
export type JsonSchemaSource = 'explicit' | 'standard-json-schema' | 'zod' | 'json-schema';

/** A resolved declaration: the JSON Schema for the model and the validator, if any. */
export interface ResolvedToolSchema {
  /** The JSON Schema sent as the tool's `parameters`. */
  jsonSchema: JsonSchemaObject;
  /** The validator for incoming arguments; undefined for a plain JSON Schema (JSON-parse only). */
  validator: StandardSchemaV1 | undefined;
  /** Which rule produced `jsonSchema`. */
  source: JsonSchemaSource;
}

/**
 * Resolves the JSON Schema of a tool's `parameters`, in this order:
 * 1. `jsonSchema` when given (a Standard Schema validator paired with its JSON Schema);
 * 2. Standard JSON Schema (`parameters['~standard'].jsonSchema.input`): zod classic, ArkType,
 *    Valibot through its adapter; input semantics, so fields with defaults are optional;
 * 3. a zod 4 schema without it (zod mini): `z.toJSONSchema(parameters, { io: 'input' })`;
 * 4. any other object: taken as a JSON Schema, and arguments are then only JSON-parsed.
 *
 * Throws a `VOXWIRE_INVALID_ARGUMENT` {@link RealtimeError} when no JSON Schema can be made
 * or when it does not describe an object (function arguments are always a JSON object).
 */
export function resolveToolJsonSchema(toolName: string, parameters: unknown, jsonSchema?: unknown): ResolvedToolSchema {
  const where = `defineTool(${JSON.stringify(toolName)})`;
  if (isStandardSchema(parameters)) {
    if (jsonSchema !== undefined) {
      return { jsonSchema: checkObjectSchema(where, jsonSchema, '`jsonSchema`'), validator: parameters, source: 'explicit' };
    }
    if (hasStandardJsonSchema(parameters)) {
      const converted = convert(where, () => parameters['~standard'].jsonSchema.input({ target: 'draft-2020-12' }));
      return { jsonSchema: checkObjectSchema(where, converted, '`parameters`'), validator: parameters, source: 'standard-json-schema' };
    }
    if ('_zod' in parameters) {
      const converted = convert(where, () => z.toJSONSchema(parameters as unknown as z.core.$ZodType, { io: 'input' }));
      return { jsonSchema: checkObjectSchema(where, converted, '`parameters`'), validator: parameters, source: 'zod' };
    }
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${where}: the ${parameters['~standard'].vendor} schema in \`parameters\` cannot describe itself as JSON Schema; pass its JSON Schema as \`jsonSchema\` too.`,
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

function convert(where: string, run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `${where}: \`parameters\` cannot be converted to JSON Schema (${reason}). Use JSON-representable types, or pass \`jsonSchema\` explicitly.`,
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
      `${where}: ${field} must describe an object (JSON Schema \`type: 'object'\`), got type ${JSON.stringify(type)}. Function arguments are always a JSON object: wrap the value in an object schema.`,
    );
  }
  // `$schema` is metadata for validators, not for the model; the declaration stays minimal.
  const { $schema: _dialect, ...declared } = schema as Record<string, unknown>;
  return declared;
}
