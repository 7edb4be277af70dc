import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/codec/wav';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { DEFAULT_MOCK_TRANSLATION } from '../../src/testing/mock/translation-session';
import { runExample } from './run-example';

function run(args: string[]): ReturnType<typeof runExample> {
  return runExample('node-cli/interpreter.ts', args);
}

describe('examples/node-cli/interpreter.ts (no key: the mock translates)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voxwire-interpreter-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('streams the question, prints both transcripts growing, and writes the translated speech', async () => {
    const out = join(dir, 'translation.wav');
    const { code, stdout, stderr } = await run(['--fast', '--language', 'fr', '--out', out]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('→ fr');
    expect(stdout.match(/^translated: /gm)!.length).toBeGreaterThan(1);
    expect(stdout).toContain(`source:      ${DEFAULT_MOCK_TRANSLATION.sourceTranscript}`);
    expect(stdout).toContain(`translation: ${DEFAULT_MOCK_TRANSLATION.translatedTranscript}`);
    const wav = readWav(await readFile(out));
    expect(wav.sampleRate).toBe(24000);
    expect(wav.samples.length).toBe((await loadFixtureAudio('reply-weather')).pcm.length);
  });

  it('refuses a missing input file with exit code 2 and says why', async () => {
    const { code, stderr } = await run(['--input', join(dir, 'missing.wav')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/missing\.wav/);
  });
});
