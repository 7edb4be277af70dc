/**
 * Small schema helpers shared by every event schema. Server-side schemas are pure validators
 * (no transforms, no defaults), so a value that passes is delivered as it arrived; that rule
 * is what lets `parseServerEvent` hand back the parsed frame itself instead of a copy.
 *
 * The zod schemas are the source of truth for the types and for the validators that
 * `scripts/gen-validators.mjs` generates; the SDK itself never runs zod. So that an app that
 * does not use a schema does not ship it (nor zod), every top-level schema is built as
 * `/* @__PURE__ *\/ pure(() => ...)` (see `pure.ts`).
 */
import * as z from 'zod/mini';

/**
 * A string schema whose static type keeps the known values for autocompletion while any
 * other string is accepted at run time (`'marin' | (string & {})`). Used where the API
 * documents a growing set: voices, models, error codes, status reasons.
 */
export function openString<const Known extends string>(): z.ZodMiniType<Known | (string & {}), Known | (string & {})> {
  return z.string() as unknown as z.ZodMiniType<Known | (string & {}), Known | (string & {})>;
}

/**
 * Marks a field of a server-side schema as optional and nullable: real traffic carries
 * `null` for many fields the published schema calls object or string (`status_details`,
 * `usage`, `transcription`, `include`, ...), and an absent field must never lose an event.
 */
export function lenient<Schema extends z.core.SomeType>(schema: Schema): z.ZodMiniOptional<z.ZodMiniNullable<Schema>> {
  return z.optional(z.nullable(schema));
}

/** A non-negative integer (indexes, offsets in milliseconds) for client-side schemas. */
export function nonNegativeInt() {
  return z.int().check(z.gte(0));
}
