/**
 * `pure(() => expression)` runs the builder at once and returns its value. Written as
 * `/* @__PURE__ *\/ pure(() => ...)`, one annotation covers a whole expression: bundlers drop
 * an unused schema or validator even though building it calls functions (zod's constructors,
 * the check combinators) that a bundler cannot prove free of side effects. Without it, every
 * nested call would need its own annotation.
 */
export function pure<Value>(build: () => Value): Value {
  return build();
}
