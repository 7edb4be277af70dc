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
import { notOneOfSource } from './check';

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


/** The members of an open union that are not one of its known options (see {@link openUnion}). */
export type GenericMember<Union, Key extends string = 'type'> = Union extends unknown
  ? Key extends keyof Union
    ? string extends Union[Key]
      ? Union
      : never
    : never
  : never;

/**
 * The forward-compatibility rule, written once ("never drop what you do not understand"): a
 * union discriminated on `key` over the `known` options, plus one generic member that takes any
 * object whose `key` is a string none of the known options claims, with every field kept. A
 * value whose `key` names a known option is validated by that option alone, so only a shape
 * whose *known* fields are wrong fails. Server-side schemas use it for every nested kind the API
 * grows: items, content parts, session types.
 *
 * The generic member refuses the known tags with a regex check that aborts, so that when a known
 * option fails, zod reports that option's problem (the union has no non-aborted branch to prefer).
 */
export function openUnion<
  const Key extends string,
  const Options extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]],
>(key: Key, known: Options) {
  const tags = known.flatMap((option) => [...(option._zod.propValues?.[key] ?? [])].map(String));
  const generic = z.looseObject({ [key]: z.string().check(z.regex(new RegExp(notOneOfSource(tags)), { abort: true })) } as { [K in Key]: z.ZodMiniString });
  return z.union([z.discriminatedUnion(key, known), generic]);
}

/** The known members of an open union (the complement of {@link GenericMember}). */
export type KnownMember<Union, Key extends string = 'type'> = Union extends unknown
  ? Key extends keyof Union
    ? string extends Union[Key]
      ? never
      : Union
    : Union
  : never;
