/** What both halves of the demo (Realtime and GPT-Live) share: the user-facing error and a few formatters. */
import { isAbsolute, relative } from 'node:path';

/** How fast `--fast` streams audio both ways (the tests use it). */
export const FAST_SPEED = 20;

/** A failure with a message for the user; the exit code says what kind. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** `1234` → `1.23 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A path relative to the working directory when it is inside it. */
export function displayPath(path: string): string {
  const fromCwd = relative(process.cwd(), path);
  return fromCwd !== '' && !fromCwd.startsWith('..') && !isAbsolute(fromCwd) ? fromCwd : path;
}

/** Joins PCM16 chunks into one buffer. */
export function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
