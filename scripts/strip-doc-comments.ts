/**
 * Removes JSDoc blocks (`/** ... *\/`) from the built JavaScript in dist/ (run by `npm run build`
 * after tsup). The documentation ships in the declaration files, where editors read it; in the
 * .js/.cjs output it was about 380 KB of the install and nothing reads it there. The code itself
 * stays unminified, so stack traces still read as the source.
 *
 * Comments are found the way the compiler finds them (the leading and trailing trivia of every
 * node), never by matching text, so a string or template that contains `/**` is left alone.
 * Annotations bundlers read are kept: `@__PURE__`, `@__NO_SIDE_EFFECTS__`, `webpackIgnore`,
 * `@vite-ignore`, and legal comments (`/*!`, `@license`, `@preserve`).
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const KEEP = /__PURE__|__NO_SIDE_EFFECTS__|webpack|@vite-ignore|@license|@preserve|^\/\*!/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(c|m)?js$/.test(name) ? [path] : [];
  });
}

/** The [start, end) ranges of the JSDoc blocks in a module, each once, in order. */
function docRanges(text: string, fileName: string): Array<[number, number]> {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const seen = new Map<number, number>();
  const collect = (ranges: readonly ts.CommentRange[] | undefined): void => {
    for (const range of ranges ?? []) {
      if (range.kind !== ts.SyntaxKind.MultiLineCommentTrivia) continue;
      const comment = text.slice(range.pos, range.end);
      if (comment.startsWith('/**') && comment !== '/**/' && !KEEP.test(comment)) seen.set(range.pos, range.end);
    }
  };
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(text, node.pos));
    collect(ts.getTrailingCommentRanges(text, node.end));
    node.forEachChild(visit);
  };
  visit(source);
  collect(ts.getLeadingCommentRanges(text, source.endOfFileToken.pos));
  return [...seen].sort((a, b) => a[0] - b[0]);
}

/** The module without its JSDoc blocks; a line left empty by one is removed with it. */
export function stripDocComments(text: string, fileName = 'module.js'): string {
  let out = '';
  let at = 0;
  for (const [start, end] of docRanges(text, fileName)) {
    if (start < at) continue;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const newline = text.indexOf('\n', end);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    const ownLines = text.slice(lineStart, start).trim() === '' && text.slice(end, lineEnd).trim() === '';
    if (ownLines && lineStart >= at) {
      out += text.slice(at, lineStart);
      at = lineEnd;
    } else {
      out += text.slice(at, start);
      at = end;
    }
  }
  return out + text.slice(at);
}

if (process.argv[1] && /strip-doc-comments\.ts$/.test(process.argv[1])) {
  const dist = process.argv[2] ?? 'dist';
  let before = 0;
  let after = 0;
  for (const path of files(dist)) {
    const text = readFileSync(path, 'utf8');
    const stripped = stripDocComments(text, path);
    before += text.length;
    after += stripped.length;
    if (stripped !== text) writeFileSync(path, stripped);
  }
  console.log(`strip-doc-comments: ${dist} JavaScript ${before} -> ${after} bytes`);
}
