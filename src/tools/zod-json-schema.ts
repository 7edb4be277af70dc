/**
 * zod's JSON Schema converter, for zod schemas that cannot describe themselves (zod mini has no
 * Standard JSON Schema). A module of its own so that it loads only when such a schema is used:
 * `json-schema.ts` imports it dynamically (bundlers split it into a chunk loaded on demand,
 * about 7 KB gzip an app without zod mini tools never downloads). A server, where size does
 * not matter, may import it statically and pass it to `useZodJsonSchemaConverter()` so that
 * conversion is synchronous.
 */
import * as z from 'zod/mini';

/**
 * Converts a zod 4 schema to JSON Schema with input semantics (fields with defaults are
 * optional), as the model should see a tool's parameters. Throws when a type has no JSON
 * Schema (a date, a transform, ...).
 */
export function zodToJsonSchema(schema: unknown): unknown {
  return z.toJSONSchema(schema as z.core.$ZodType, { io: 'input' });
}
