/**
 * Type-level comparison of our inferred event types with the `openai` package's types. Each
 * check evaluates to a union of string literals naming what is wrong (a dotted path and the
 * kind of problem), or `never` when all is well, so a failing `expectTypeOf<...>().toEqualTypeOf<never>()`
 * prints exactly which field drifted.
 *
 * - {@link Coverage}: every key THEIR type defines exists in OURS (per variant, matched by
 *   `type`), and every value THEIR leaf types allow (strings, numbers, literals, `null`) OURS
 *   allows too. `undefined` is ignored on their side: whether a field is required is not
 *   compared (we require a content part's `type`, for instance).
 * - {@link Narrower}: the reverse, for what we send: every key OURS defines exists in THEIRS,
 *   and every non-null value OURS allows THEIRS allows too, so we never send what the
 *   published API does not know.
 */

type Primitive = string | number | boolean | bigint | symbol | null | undefined;

/** Array element types, recursively; other types unchanged. Distributes over unions. */
type Element<T> = T extends readonly (infer Item)[] ? Element<Item> : T;

/** The primitive members of a (possibly array) type. */
type LeavesOf<T> = Extract<Element<T>, Primitive>;

/** The object members of a (possibly array) type. */
type ObjectsOf<T> = Exclude<Element<T>, Primitive>;

type IsUnknown<T> = unknown extends T ? true : false;
type IsNever<T> = [T] extends [never] ? true : false;

/** Keys of an object type without its index signatures (loose schemas add `[k: string]: unknown`). */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] } & string;

/** Known keys over every member of a union. */
type AllKnownKeys<T> = T extends unknown ? KnownKeys<T> : never;

/** The type of key K across the members of a union that define it. */
type ValueAt<T, K extends string> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;

/** The members of OURS whose `type` overlaps THEIR member's `type` (all of OURS if theirs has none). */
type MatchVariant<Their, Ours> = 'type' extends keyof Their
  ? Ours extends unknown
    ? 'type' extends keyof Ours
      ? IsNever<NonNullable<Their['type']> & NonNullable<Ours['type']>> extends true
        ? never
        : Ours
      : Ours
    : never
  : Ours;

type Describe<Their> = 'type' extends keyof Their ? `(type ${NonNullable<Their['type']> & string})` : '';

/** Problems with THEIR leaf values that OURS would refuse. */
type LeafCoverage<Their, Ours, Path extends string> =
  IsNever<Exclude<LeavesOf<Their>, undefined>> extends true
    ? never
    : [Exclude<LeavesOf<Their>, undefined>] extends [LeavesOf<Ours>]
      ? never
      : `${Path}: value not accepted`;

type ObjectCoverage<Their, Ours, Path extends string> = Their extends unknown
  ? IsNever<MatchVariant<Their, Ours>> extends true
    ? `${Path}${Describe<Their>}: variant missing`
    : {
        [K in KnownKeys<Their>]: K extends AllKnownKeys<MatchVariant<Their, Ours>>
          ? Coverage<Their[K], ValueAt<MatchVariant<Their, Ours>, K>, `${Path}${Path extends '' ? '' : '.'}${K}`>
          : `${Path}${Path extends '' ? '' : '.'}${K}: missing`;
      }[KnownKeys<Their>]
  : never;

/** Everything THEIR type allows that OURS does not know or would refuse (see the file comment). */
export type Coverage<Their, Ours, Path extends string = ''> =
  IsUnknown<Ours> extends true
    ? never
    : IsUnknown<Their> extends true
      ? `${Path}: ours is narrower than unknown`
      :
          | LeafCoverage<Their, Ours, Path>
          | (IsNever<ObjectsOf<Their>> extends true
              ? never
              : IsNever<ObjectsOf<Ours>> extends true
                ? `${Path}: object not accepted`
                : ObjectCoverage<ObjectsOf<Their>, ObjectsOf<Ours>, Path>);

/** Everything OURS allows (nulls aside) that THEIR type does not know (see the file comment). */
export type Narrower<Ours, Their, Path extends string = ''> =
  IsUnknown<Their> extends true
    ? never
    : IsUnknown<Ours> extends true
      ? `${Path}: ours is wider (unknown)`
      :
          | (IsNever<Exclude<LeavesOf<Ours>, null | undefined>> extends true
              ? never
              : [Exclude<LeavesOf<Ours>, null | undefined>] extends [LeavesOf<Their>]
                ? never
                : `${Path}: we allow values they do not`)
          | (IsNever<ObjectsOf<Ours>> extends true
              ? never
              : IsNever<ObjectsOf<Their>> extends true
                ? `${Path}: we allow an object they do not`
                : ObjectsOf<Ours> extends infer Member
                  ? Member extends unknown
                    ? IsNever<MatchVariant<Member, ObjectsOf<Their>>> extends true
                      ? `${Path}${Describe<Member>}: variant they do not have`
                      : {
                          [K in KnownKeys<Member>]: K extends AllKnownKeys<MatchVariant<Member, ObjectsOf<Their>>>
                            ? Narrower<Member[K], ValueAt<MatchVariant<Member, ObjectsOf<Their>>, K>, `${Path}${Path extends '' ? '' : '.'}${K}`>
                            : `${Path}${Path extends '' ? '' : '.'}${K}: field they do not have`;
                        }[KnownKeys<Member>]
                    : never
                  : never);
