/**
 * Narrowing open unions. Items, content parts and sessions from the server are open unions
 * (see `openUnion`): beside the known members, one generic member holds any `type` the SDK does
 * not know, so `item.type === 'function_call'` alone cannot exclude it in TypeScript. The
 * schemas guarantee that a known `type` is never the generic member, and this guard says so.
 */

/**
 * True when `value.type` is `type`; narrows `value` to the known member of that type.
 *
 * @example
 * ```ts
 * if (hasType(item, 'function_call')) run(item.name, item.arguments);
 * ```
 */
export function hasType<
  Value extends {
    /** The member's tag. */
    type: unknown;
  },
  const Type extends string,
>(
  value: Value,
  type: Type,
): value is Extract<
  Value,
  {
    /** The tag asked for. */
    type: Type;
  }
> {
  return value.type === type;
}
