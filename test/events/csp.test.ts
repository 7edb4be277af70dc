import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureLines, officialExamples, repoRoot } from './examples';

describe('CSP: the event module never builds code from strings', () => {
  it('imports and parses every fixture and official example without new Function or eval', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'events', 'csp-probe.ts')], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const report = JSON.parse(output) as { parsed: number; sdkAttempts: string[]; controlAttempts: number };
    expect(report.parsed).toBe(fixtureLines().length + officialExamples().length);
    expect(report.sdkAttempts).toEqual([]);
    // The trap works: classic zod, imported afterwards, is caught probing `new Function`.
    expect(report.controlAttempts).toBeGreaterThan(0);
  });
});
