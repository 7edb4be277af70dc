/**
 * Where a number field starts that first holds a fraction (or a number past 2^30) long after
 * the code reading it was optimised.
 *
 * V8 lays a number field out by the first value stored in it. After `0`, a small integer, the
 * first fraction stored changes the layout of every object of the class, and every optimised
 * function that touched one is thrown away and compiled again: in the relay that happened
 * mid-stream, at the first budget charge tick, to the whole per-frame path
 * (`node --trace-deopt`: `handleClientFrame`, `handleUpstreamFrame` and five more, "wrong map").
 * `-0` is stored as a double, so the field is laid out for doubles from the start. (A field
 * that takes its first fraction with the first frame needs none of this: nothing is optimised
 * yet. And a double field costs a 16-byte box per object, so it is not the default.)
 *
 * `-0` adds, subtracts and compares as `0`; only `Object.is` and `1 / x` tell it apart. A field
 * read from outside before its first update adds `0` to what it hands out (`-0 + 0` is `0`).
 */
export const DOUBLE_ZERO = -0;
