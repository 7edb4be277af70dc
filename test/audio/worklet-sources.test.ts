/**
 * The inlined worklet sources (the Blob URL fallback) must be exactly what the processors
 * build to today; regenerate with `npx tsx scripts/build-worklets.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_SOURCES_PATH, generateInlineSources, repositoryRoot } from '../../scripts/build-worklets';

describe('inline worklet sources', () => {
  it('are up to date with src/audio/worklets/*-processor.ts', async () => {
    const committed = readFileSync(join(repositoryRoot, GENERATED_SOURCES_PATH), 'utf8');
    const fresh = await generateInlineSources();
    expect(committed === fresh, `${GENERATED_SOURCES_PATH} is stale: run npx tsx scripts/build-worklets.ts`).toBe(true);
  });

  it('are one self-contained script that registers both processors', async () => {
    const { WORKLET_PROCESSORS_SOURCE } = await import('../../src/audio/worklets/sources.generated');
    expect(WORKLET_PROCESSORS_SOURCE).not.toMatch(/\bimport\b|\bexport\b|\brequire\(/);
    expect(WORKLET_PROCESSORS_SOURCE).toContain('"voxwire-capture"');
    expect(WORKLET_PROCESSORS_SOURCE).toContain('"voxwire-playback"');
  });

  it('register both processors when evaluated, and tolerate a processor registered before', async () => {
    const { WORKLET_PROCESSORS_SOURCE } = await import('../../src/audio/worklets/sources.generated');
    const names: string[] = [];
    const taken = new Set(['voxwire-capture']);
    const scope = {
      sampleRate: 48000,
      currentTime: 0,
      currentFrame: 0,
      AudioWorkletProcessor: class {},
      registerProcessor(name: string) {
        if (taken.has(name)) throw Object.assign(new Error(`${name} is already registered`), { name: 'NotSupportedError' });
        taken.add(name);
        names.push(name);
      },
    };
    // The script reads its globals from globalThis; run it with a scope of our own.
    new Function('globalThis', 'registerProcessor', 'sampleRate', 'currentTime', WORKLET_PROCESSORS_SOURCE)(
      scope,
      scope.registerProcessor,
      scope.sampleRate,
      scope.currentTime,
    );
    expect(names).toEqual(['voxwire-playback']);
  });
});
