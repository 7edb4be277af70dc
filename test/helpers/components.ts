/**
 * Real components (Chromium, redis-server, espeak-ng...) are required in CI and optional on a
 * laptop. `requireComponent` returns whether the suite may run: in CI (`CI=true`) a missing
 * component throws, failing the run; elsewhere it prints a loud notice and the caller skips.
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const inCi = process.env.CI === 'true' || process.env.CI === '1';

/** Returns true when `path` exists, or when `command` is on PATH. */
export function findExecutable(candidates: readonly string[]): string | undefined {
  for (const candidate of candidates) {
    if (candidate.includes('/')) {
      if (existsSync(candidate)) return candidate;
      continue;
    }
    try {
      const found = execFileSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' }).trim();
      if (found) return found;
    } catch {
      // not on PATH: try the next candidate
    }
  }
  return undefined;
}

/**
 * Checks a real component. Returns true when present. When absent: throws in CI, otherwise
 * warns loudly on stderr and returns false so the caller can `describe.skipIf(!present)`.
 */
export function requireComponent(name: string, present: boolean, installHint: string): boolean {
  if (present) return true;
  const message = `Real component missing: ${name}. ${installHint}`;
  if (inCi) throw new Error(`${message} (CI=true: a missing component fails the run)`);
  process.stderr.write(`\n!!! SKIPPING tests that need ${name}: ${message}\n\n`);
  return false;
}
