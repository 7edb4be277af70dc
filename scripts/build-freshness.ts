/**
 * Whether `dist/` is a build of the sources as they are now: what a test or bench that runs the
 * built package checks before it trusts `dist/` (and rebuilds when it is not).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time under `path` (itself included). */
function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** True when `root`'s dist/ exists and is newer than its src/, tsup's config and package.json. */
export function buildIsFresh(root: string): boolean {
  let built: number;
  try {
    built = statSync(join(root, 'dist', 'index.js')).mtimeMs;
  } catch {
    return false;
  }
  return built > Math.max(newestMtime(join(root, 'src')), newestMtime(join(root, 'tsup.config.ts')), newestMtime(join(root, 'package.json')));
}
