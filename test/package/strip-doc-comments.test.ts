/**
 * The build's last step removes JSDoc blocks from dist/*.js (the declaration files keep them):
 * only real comments go, never text inside strings, templates or regular expressions, and the
 * annotations bundlers read stay.
 */
import { describe, expect, it } from 'vitest';
import { stripDocComments } from '../../scripts/strip-doc-comments';

describe('stripDocComments', () => {
  it('removes doc blocks and the lines they stood on, and nothing that only looks like one', () => {
    const source = [
      'const a = "/** not a comment */";',
      '/**',
      ' * A doc block.',
      ' */',
      'export function f() {',
      '  return `/** not one either ${1} */`; /** trailing */',
      '}',
      'const r = /\\/\\*\\*/;',
      '',
    ].join('\n');
    expect(stripDocComments(source)).toBe(
      ['const a = "/** not a comment */";', 'export function f() {', '  return `/** not one either ${1} */`; ', '}', 'const r = /\\/\\*\\*/;', ''].join('\n'),
    );
  });

  it('keeps the annotations bundlers and licences need', () => {
    const source = [
      'const b = /* @__PURE__ */ g();',
      'const c = /** @__PURE__ */ g();',
      '/*! legal */',
      '/** @license MIT */',
      'const w = import(/* webpackIgnore: true */ name);',
      'const v = import(/* @vite-ignore */ name);',
      '',
    ].join('\n');
    expect(stripDocComments(source)).toBe(source);
  });

  it('leaves a module without doc blocks byte for byte', () => {
    const source = 'var x = 1; // a line comment\n/* a plain block */\nexport { x };\n';
    expect(stripDocComments(source)).toBe(source);
  });
});
