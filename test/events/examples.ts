/**
 * Loaders for the event examples the tests parse: the team's fixtures (fixtures/events/) and
 * the official GA examples (fixtures/protocol/events-ga.jsonl, copied into the repository).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** One line of a fixture stream. */
export interface FixtureLine {
  file: string;
  line: number;
  dir: 'client' | 'server';
  event: Record<string, unknown> & { type: string };
}

/** One official example. */
export interface OfficialExample {
  dir: 'client' | 'server';
  type: string;
  in_sdk_union: boolean;
  example: Record<string, unknown> & { type: string };
}

const fixtureDir = join(repoRoot, 'fixtures', 'events');

/** The fixture stream files, by name. */
export function fixtureFiles(): string[] {
  return readdirSync(fixtureDir)
    .filter((name) => name.endsWith('.jsonl'))
    .sort();
}

/** Every line of one fixture file (or all files), parsed. */
export function fixtureLines(file?: string): FixtureLine[] {
  return (file === undefined ? fixtureFiles() : [file]).flatMap((name) =>
    readFileSync(join(fixtureDir, name), 'utf8')
      .split('\n')
      .filter((text) => text.trim() !== '')
      .map((text, index) => {
        const parsed = JSON.parse(text) as Omit<FixtureLine, 'file' | 'line'>;
        return { file: name, line: index + 1, dir: parsed.dir, event: parsed.event };
      }),
  );
}

/** Where the official examples live: a copy inside the repository (see fixtures/protocol/README.md). */
export const officialExamplesPath = join(repoRoot, 'fixtures', 'protocol', 'events-ga.jsonl');

/** The official GA examples. */
export function officialExamples(): OfficialExample[] {
  return readFileSync(officialExamplesPath, 'utf8')
    .split('\n')
    .filter((text) => text.trim() !== '')
    .map((text) => JSON.parse(text) as OfficialExample);
}
