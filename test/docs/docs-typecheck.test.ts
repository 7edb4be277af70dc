/**
 * Docs that run (issue 17, obs. 7): every fenced TypeScript block in README.md and docs/*.md
 * type-checks against the sources, as an app importing `voxwire` would. A block marked
 * ```ts partial is an excerpt: see scripts/check-docs.ts for what it may leave out.
 */
import { describe, expect, it } from 'vitest';
import { checkDocs, extractBlocks } from '../../scripts/check-docs';

describe('TypeScript in the docs', () => {
  it('finds the fenced blocks, their partial marker, their language and their Markdown line', () => {
    const markdown = ['# Title', '', '```ts', 'const a: number = 1;', '```', '', '```ts partial', 'client.connect();', '```', '', '```tsx', 'const b = <p />;', '```', '', '```sh', '```ts', '```'].join('\n');
    expect(extractBlocks('x.md', markdown)).toEqual([
      { file: 'x.md', line: 4, partial: false, jsx: false, code: 'const a: number = 1;' },
      { file: 'x.md', line: 8, partial: true, jsx: false, code: 'client.connect();' },
      { file: 'x.md', line: 12, partial: false, jsx: true, code: 'const b = <p />;' },
    ]);
  });

  it('every block in README.md and docs/ type-checks', () => {
    const { blocks, diagnostics } = checkDocs();
    expect(blocks.length).toBeGreaterThan(50);
    // React components (docs/react.md) are checked as .tsx.
    expect(blocks.filter((block) => block.jsx && block.file === 'docs/react.md').length).toBeGreaterThanOrEqual(3);
    expect(blocks.filter((block) => !block.partial).length).toBeGreaterThanOrEqual(5);
    expect(diagnostics.map(({ file, line, message }) => `${file}:${line}: ${message}`)).toEqual([]);
  }, 180_000);
});
