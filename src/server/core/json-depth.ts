/**
 * How deep a parsed JSON value nests, measured without recursion. `JSON.parse` builds a value
 * of any depth, but everything that walks it recursively afterwards (`JSON.stringify`, the
 * policy's merges, schema converters) overflows the stack on a 100k-deep `parameters`; the
 * relay refuses such a frame with a clear error before anything recursive touches it.
 */

/** True when `value` nests objects or arrays more than `maxDepth` levels deep. */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: Array<{ value: object; depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop() as { value: object; depth: number };
    if (depth > maxDepth) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child as object, depth: depth + 1 });
    }
  }
  return false;
}
