import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { readWav } from '../../src/codec/wav';
import { RealtimeError } from '../../src/base/errors';
import {
  listFixtureAudio,
  loadFixtureAudio,
  type FixtureAudioEntry,
  type FixtureAudioKind,
} from '../../src/testing/fixtures';
import { findExecutable, requireComponent } from '../helpers/components';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtureDir = join(repoRoot, 'fixtures', 'audio');

interface Manifest {
  generatedBy: { espeakNg: string; sox: string };
  measurement: { windowMs: number; thresholdDbfs: number };
  clips: FixtureAudioEntry[];
}

const manifest = JSON.parse(readFileSync(join(fixtureDir, 'manifest.json'), 'utf8')) as Manifest;
const clips = manifest.clips;
const speechClips = clips.filter((clip) => clip.kind !== 'silence');

const scratchDirs: string[] = [];
function scratch(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratchDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

const wavCache = new Map<string, { sampleRate: number; channels: number; samples: Int16Array }>();
function wavOf(clip: FixtureAudioEntry) {
  let wav = wavCache.get(clip.name);
  if (!wav) {
    wav = readWav(readFileSync(join(fixtureDir, clip.file)));
    wavCache.set(clip.name, wav);
  }
  return wav;
}

/** RMS of samples [fromMs, toMs) in dBFS (full scale 32767); -Infinity for digital silence. */
function rmsDbfs(samples: Int16Array, sampleRate: number, fromMs: number, toMs: number): number {
  const from = Math.max(0, Math.round((fromMs * sampleRate) / 1000));
  const to = Math.min(samples.length, Math.round((toMs * sampleRate) / 1000));
  let sum = 0;
  for (let index = from; index < to; index += 1) sum += samples[index]! * samples[index]!;
  const rms = to > from ? Math.sqrt(sum / (to - from)) : 0;
  return 20 * Math.log10(rms / 32767);
}

/** Our own speech measurement: 10 ms windows, active above -50 dBFS (as documented). */
function measure(samples: Int16Array, sampleRate: number) {
  const windowMs = manifest.measurement.windowMs;
  const windows = Math.ceil((samples.length * 1000) / sampleRate / windowMs);
  let first = -1;
  let last = -1;
  let pause = 0;
  let longestPause = 0;
  for (let window = 0; window < windows; window += 1) {
    const level = rmsDbfs(samples, sampleRate, window * windowMs, (window + 1) * windowMs);
    if (level > manifest.measurement.thresholdDbfs) {
      if (first >= 0) longestPause = Math.max(longestPause, pause);
      else first = window;
      last = window;
      pause = 0;
    } else if (first >= 0) {
      pause += 1;
    }
  }
  return {
    speechStartMs: first * windowMs,
    speechEndMs: (last + 1) * windowMs,
    longestPauseMs: longestPause * windowMs,
  };
}

describe('fixture audio manifest', () => {
  it('lists every WAV in fixtures/audio/ once, with matching size and sha256', () => {
    const names = clips.map((clip) => clip.name);
    expect(new Set(names).size).toBe(names.length);
    const wavFiles = readdirSync(fixtureDir).filter((file) => file.endsWith('.wav')).sort();
    expect(clips.map((clip) => clip.file).sort()).toEqual(wavFiles);
    for (const clip of clips) {
      const bytes = readFileSync(join(fixtureDir, clip.file));
      expect(bytes.length, clip.name).toBe(clip.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), clip.name).toBe(clip.sha256);
    }
  });

  it('has every kind the testing kit needs, and the demo clips', () => {
    const kinds: FixtureAudioKind[] = [
      'question',
      'noisy-speech',
      'interruption',
      'incomplete',
      'long-utterance',
      'multi-question',
      'silence',
      'assistant-reply',
    ];
    for (const kind of kinds) expect(clips.some((clip) => clip.kind === kind), kind).toBe(true);
    const byName = new Map(clips.map((clip) => [clip.name, clip]));
    expect(byName.get('question')?.transcript).toBe("What's the weather like in Paris today?");
    expect(byName.get('reply-weather')?.transcript).toBe("It's 18 degrees and sunny in Paris.");
    expect(byName.get('question-48k')).toMatchObject({ sampleRate: 48_000, sourceClip: 'question' });
    expect(clips.filter((clip) => clip.kind === 'assistant-reply').length).toBeGreaterThanOrEqual(3);
  });

  it('keeps the library small (under 4 MiB)', () => {
    const total = clips.reduce((sum, clip) => sum + clip.bytes, 0);
    expect(total).toBeLessThan(4 * 1024 * 1024);
  });

  it('is what listFixtureAudio() returns, found by walking up from src/testing/', async () => {
    expect(await listFixtureAudio()).toEqual(clips);
    expect(await listFixtureAudio({ dir: fixtureDir })).toEqual(clips);
  });
});

describe('fixture audio files', () => {
  it.each(clips.map((clip) => [clip.name, clip] as const))('%s is mono PCM16 at its rate, as long as the manifest says', (_, clip) => {
    const wav = wavOf(clip);
    expect(wav.channels).toBe(1);
    expect(clip.channels).toBe(1);
    expect(wav.sampleRate).toBe(clip.name === 'question-48k' ? 48_000 : 24_000);
    expect(clip.sampleRate).toBe(wav.sampleRate);
    expect(clip.durationMs).toBe((wav.samples.length * 1000) / wav.sampleRate);
    // The canonical 44-byte header: nothing but fmt and data, so any WAV reader copes.
    expect(clip.bytes).toBe(44 + wav.samples.length * 2);
  });

  it('has transcripts exactly where there is speech', () => {
    for (const clip of clips) {
      if (clip.kind === 'silence') {
        expect(clip.transcript, clip.name).toBe('');
        expect(clip.speaker, clip.name).toBeNull();
      } else {
        expect(clip.transcript.trim().length, clip.name).toBeGreaterThan(0);
        expect(clip.speechStartMs, clip.name).toBeTypeOf('number');
        expect(clip.speechEndMs, clip.name).toBeTypeOf('number');
      }
    }
  });

  it('silence is digital zero, and room tone a quiet noise floor', () => {
    const silence = wavOf(clips.find((clip) => clip.name === 'silence')!);
    expect(silence.samples.length).toBe(3 * 24_000);
    expect(silence.samples.every((sample) => sample === 0)).toBe(true);

    const roomTone = wavOf(clips.find((clip) => clip.name === 'room-tone')!);
    const level = rmsDbfs(roomTone.samples, 24_000, 0, 3000);
    expect(level).toBeGreaterThan(-62);
    expect(level).toBeLessThan(-58);
    // No window anywhere comes near the speech threshold.
    expect(measure(roomTone.samples, 24_000).speechStartMs).toBeLessThan(0);
  });

  it.each(speechClips.filter((clip) => clip.kind !== 'noisy-speech').map((clip) => [clip.name, clip] as const))(
    '%s has speech exactly where the manifest says, and silence around it',
    (_, clip) => {
      const { samples, sampleRate } = wavOf(clip);
      const measured = measure(samples, sampleRate);
      expect(measured).toEqual({
        speechStartMs: clip.speechStartMs,
        speechEndMs: clip.speechEndMs,
        longestPauseMs: clip.longestPauseMs,
      });
      const start = clip.speechStartMs!;
      const end = clip.speechEndMs!;
      expect(rmsDbfs(samples, sampleRate, 0, start)).toBeLessThan(-60);
      expect(rmsDbfs(samples, sampleRate, end, clip.durationMs)).toBeLessThan(-55);
      // Active speech sits near -20 dBFS; with its pauses the whole span is still loud.
      expect(rmsDbfs(samples, sampleRate, start, end)).toBeGreaterThan(-30);
    },
  );

  it('gives user speech a lead-in and at least 700 ms of trailing silence, with no pause a 500 ms VAD would split on', () => {
    for (const clip of speechClips.filter((candidate) => candidate.speaker === 'user')) {
      expect(clip.speechStartMs, clip.name).toBeGreaterThanOrEqual(300);
      expect(clip.durationMs - clip.speechEndMs!, clip.name).toBeGreaterThanOrEqual(700);
      expect(clip.longestPauseMs, clip.name).toBeLessThan(500);
    }
  });

  it('interruption: silent for the first 1.5 s, then the user talks', () => {
    const clip = clips.find((candidate) => candidate.kind === 'interruption')!;
    const { samples, sampleRate } = wavOf(clip);
    expect(clip.interruptAtMs).toBe(1500);
    expect(Math.abs(clip.speechStartMs! - 1500)).toBeLessThanOrEqual(20);
    expect(rmsDbfs(samples, sampleRate, 0, 1490)).toBeLessThan(-80);
    expect(rmsDbfs(samples, sampleRate, 1500, 2000)).toBeGreaterThan(-35);
  });

  it('noisy speech: the noise-only lead-in is quieter than the speech, at the stated SNR', () => {
    const clip = clips.find((candidate) => candidate.kind === 'noisy-speech')!;
    const { samples, sampleRate } = wavOf(clip);
    expect(clip.noiseOnlyUntilMs).toBe(clip.speechStartMs);
    expect(clip.noiseOnlyUntilMs).toBeGreaterThanOrEqual(1000);
    expect(clip.snrDb).toBeGreaterThanOrEqual(10);
    expect(clip.snrDb).toBeLessThanOrEqual(20);

    const noiseOnly = rmsDbfs(samples, sampleRate, 0, clip.noiseOnlyUntilMs!);
    const speech = rmsDbfs(samples, sampleRate, clip.speechStartMs!, clip.speechEndMs!);
    const trailingNoise = rmsDbfs(samples, sampleRate, clip.speechEndMs!, clip.durationMs);
    expect(noiseOnly).toBeGreaterThan(clip.noiseLevelDbfs! - 1.5);
    expect(noiseOnly).toBeLessThan(clip.noiseLevelDbfs! + 1.5);
    expect(trailingNoise).toBeLessThan(clip.noiseLevelDbfs! + 1.5);
    expect(speech - noiseOnly).toBeGreaterThan(10);
    // The noise really is everywhere: no 10 ms window of the lead-in is silent.
    for (let fromMs = 0; fromMs < clip.noiseOnlyUntilMs!; fromMs += 10) {
      expect(rmsDbfs(samples, sampleRate, fromMs, fromMs + 10)).toBeGreaterThan(clip.noiseLevelDbfs! - 6);
    }
  });

  it('long utterance: more than 30 s of speech', () => {
    const clip = clips.find((candidate) => candidate.kind === 'long-utterance')!;
    expect(clip.speechEndMs! - clip.speechStartMs!).toBeGreaterThan(30_000);
  });

  it('multi-question: several questions in the transcript', () => {
    const clip = clips.find((candidate) => candidate.kind === 'multi-question')!;
    expect(clip.transcript.split('?').length - 1).toBeGreaterThanOrEqual(2);
  });

  it('reply-long lasts about 10 s, long enough to interrupt 1.5 s in', () => {
    const clip = clips.find((candidate) => candidate.name === 'reply-long')!;
    expect(clip.speechEndMs! - clip.speechStartMs!).toBeGreaterThan(9_000);
    expect(clip.durationMs).toBeLessThan(14_000);
  });

  it('question-48k carries the same speech as question', () => {
    const question = clips.find((clip) => clip.name === 'question')!;
    const copy = clips.find((clip) => clip.name === 'question-48k')!;
    expect(copy.durationMs).toBe(question.durationMs);
    expect(copy.transcript).toBe(question.transcript);
    expect(Math.abs(copy.speechStartMs! - question.speechStartMs!)).toBeLessThanOrEqual(10);
    expect(Math.abs(copy.speechEndMs! - question.speechEndMs!)).toBeLessThanOrEqual(10);
    expect(wavOf(copy).samples.length).toBe(2 * wavOf(question).samples.length);
  });
});

describe('loadFixtureAudio', () => {
  /** The bytes of a PCM16 array (a view, not a copy). */
  function pcmBytes(samples: Int16Array): Buffer {
    return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  }

  function decodeChunks(chunks: string[]): Int16Array {
    const bytes = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk, 'base64')));
    return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  }

  it.each(clips.map((clip) => [clip.name] as const))('%s: 20 ms chunks that concatenate back to the PCM', async (name) => {
    const audio = await loadFixtureAudio(name);
    const entry = clips.find((clip) => clip.name === name)!;
    expect(audio).toMatchObject({ ...entry, chunkMs: 20, path: join(fixtureDir, entry.file) });
    // Compared as bytes: an element-wise deep equality of a minute of samples is slow enough
    // to time out on a loaded machine, and says no more.
    expect(pcmBytes(audio.pcm).equals(pcmBytes(wavOf(entry).samples))).toBe(true);
    const samplesPerChunk = (entry.sampleRate * 20) / 1000;
    expect(audio.chunks.length).toBe(Math.ceil(audio.pcm.length / samplesPerChunk));
    const sizes = audio.chunks.map((chunk) => Buffer.from(chunk, 'base64').length);
    expect(sizes.slice(0, -1).every((bytes) => bytes === samplesPerChunk * 2)).toBe(true);
    expect(sizes.at(-1)).toBeLessThanOrEqual(samplesPerChunk * 2);
    expect(pcmBytes(decodeChunks(audio.chunks)).equals(pcmBytes(audio.pcm))).toBe(true);
  });

  it('honours chunkMs, including a remainder in the last chunk', async () => {
    const audio = await loadFixtureAudio('question', { chunkMs: 90 });
    expect(audio.chunkMs).toBe(90);
    expect(Buffer.from(audio.chunks[0]!, 'base64').length).toBe(90 * 24 * 2);
    expect(audio.pcm.length % (90 * 24)).not.toBe(0);
    expect(decodeChunks(audio.chunks)).toEqual(audio.pcm);

    const browser = await loadFixtureAudio('question-48k', { chunkMs: 100, dir: fixtureDir });
    expect(Buffer.from(browser.chunks[0]!, 'base64').length).toBe(4800 * 2);
    expect(decodeChunks(browser.chunks)).toEqual(browser.pcm);
  });

  it('rejects an unknown name with the list of available ones', async () => {
    const error = await loadFixtureAudio('questoin').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({ code: 'VOXWIRE_INVALID_ARGUMENT' });
    const message = (error as RealtimeError).message;
    expect(message).toContain('"questoin"');
    for (const clip of clips) expect(message).toContain(clip.name);
  });

  it.each([0, -20, Number.NaN, Number.POSITIVE_INFINITY, 0.01])('rejects chunkMs %s', async (chunkMs) => {
    await expect(loadFixtureAudio('question', { chunkMs })).rejects.toMatchObject({
      name: 'RealtimeError',
      code: 'VOXWIRE_INVALID_ARGUMENT',
      message: expect.stringContaining('chunkMs'),
    });
  });

  it('says clearly when dir holds no manifest, or a broken one', async () => {
    const empty = scratch('voxwire-fixtures-empty-');
    await expect(listFixtureAudio({ dir: empty })).rejects.toMatchObject({
      code: 'VOXWIRE_INVALID_ARGUMENT',
      message: expect.stringContaining(join(empty, 'manifest.json')),
    });

    const broken = scratch('voxwire-fixtures-broken-');
    writeFileSync(join(broken, 'manifest.json'), '{"clips": [{"name": "x"}]}');
    await expect(loadFixtureAudio('x', { dir: broken })).rejects.toMatchObject({
      code: 'VOXWIRE_INVALID_ARGUMENT',
      message: expect.stringMatching(/clips\[0\] has no string "file"/),
    });

    writeFileSync(join(broken, 'manifest.json'), 'not json');
    await expect(listFixtureAudio({ dir: broken })).rejects.toMatchObject({
      code: 'VOXWIRE_INVALID_ARGUMENT',
      message: expect.stringContaining('not valid JSON'),
    });

    const escaping = { ...clips[0]!, file: '../outside.wav' };
    writeFileSync(join(broken, 'manifest.json'), JSON.stringify({ clips: [escaping] }));
    await expect(loadFixtureAudio(escaping.name, { dir: broken })).rejects.toMatchObject({
      code: 'VOXWIRE_INVALID_ARGUMENT',
      message: expect.stringContaining('outside its directory'),
    });
  });

  it('refuses a WAV that does not match its manifest entry', async () => {
    const dir = scratch('voxwire-fixtures-mismatch-');
    const entry = clips.find((clip) => clip.name === 'question-48k')!;
    copyFileSync(join(fixtureDir, entry.file), join(dir, entry.file));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ clips: [{ ...entry, sampleRate: 24_000 }] }));
    await expect(loadFixtureAudio(entry.name, { dir })).rejects.toMatchObject({
      code: 'VOXWIRE_AUDIO_UNSUPPORTED',
      message: expect.stringContaining('48000 Hz'),
    });
  });

  // tsup bundles this module into dist/ (maybe into a chunk at some depth), as ESM and CJS.
  // Bundle it the same way into a package-like directory with its own one-clip manifest and
  // check the bundled loader finds that manifest by walking up from its own file.
  it.each(['esm', 'cjs'] as const)('finds fixtures/audio/ from a bundled %s chunk at any depth', async (format) => {
    const packageDir = scratch('voxwire-fixtures-bundle-');
    const ownFixtures = join(packageDir, 'fixtures', 'audio');
    mkdirSync(ownFixtures, { recursive: true });
    const entry = clips.find((clip) => clip.name === 'reply-weather')!;
    copyFileSync(join(fixtureDir, entry.file), join(ownFixtures, entry.file));
    writeFileSync(join(ownFixtures, 'manifest.json'), JSON.stringify({ clips: [entry] }));
    const outfile = join(packageDir, 'dist', 'chunks', 'deep', format === 'esm' ? 'fixtures.mjs' : 'fixtures.cjs');
    await build({
      entryPoints: [join(repoRoot, 'src', 'testing', 'fixtures.ts')],
      outfile,
      bundle: true,
      format,
      platform: 'neutral',
      external: ['node:*'],
      logLevel: 'silent',
    });
    const bundled = (
      format === 'esm' ? await import(pathToFileURL(outfile).href) : createRequire(import.meta.url)(outfile)
    ) as typeof import('../../src/testing/fixtures');
    // The working directory (the repo) has the full library; the bundle must prefer its own.
    expect((await bundled.listFixtureAudio()).map((clip) => clip.name)).toEqual(['reply-weather']);
    const audio = await bundled.loadFixtureAudio('reply-weather');
    expect(audio.path).toBe(join(ownFixtures, entry.file));
    expect(audio.pcm.length).toBe((entry.durationMs * entry.sampleRate) / 1000);
  });
});

const espeakPath = findExecutable(['espeak-ng']);
const soxPath = findExecutable(['sox']);
const toolsPresent =
  requireComponent('espeak-ng', espeakPath !== undefined, 'Install it (Debian: apt-get install espeak-ng).') &&
  requireComponent('sox', soxPath !== undefined, 'Install it (Debian: apt-get install sox).');

function installedVersion(command: string, pattern: RegExp): string | undefined {
  return pattern.exec(execFileSync(command, ['--version'], { encoding: 'utf8' }))?.[1];
}

// Another espeak-ng or sox speaks or resamples slightly differently, so byte-identity is only
// promised for the versions recorded in the manifest.
const sameVersions =
  toolsPresent &&
  requireComponent(
    `espeak-ng ${manifest.generatedBy.espeakNg} and SoX ${manifest.generatedBy.sox} (the versions that made fixtures/audio/)`,
    installedVersion('espeak-ng', /text-to-speech:\s*([\d.]+)/) === manifest.generatedBy.espeakNg &&
      installedVersion('sox', /SoX v([\d.]+)/) === manifest.generatedBy.sox,
    `Found espeak-ng ${installedVersion('espeak-ng', /text-to-speech:\s*([\d.]+)/)} and SoX ${installedVersion('sox', /SoX v([\d.]+)/)}; ` +
      'install the recorded versions, or regenerate with scripts/make-fixtures and commit the result.',
  );

describe.skipIf(!sameVersions)('scripts/make-fixtures', () => {
  it('regenerates every committed clip and the manifest byte for byte', () => {
    const outDir = scratch('voxwire-fixtures-regen-');
    execFileSync(join(repoRoot, 'scripts', 'make-fixtures'), ['--out', outDir], { stdio: 'pipe' });
    const generated = readdirSync(outDir).sort();
    const committed = readdirSync(fixtureDir)
      .filter((file) => file.endsWith('.wav') || file === 'manifest.json')
      .sort();
    expect(generated).toEqual(committed);
    for (const file of generated) {
      const same = readFileSync(join(outDir, file)).equals(readFileSync(join(fixtureDir, file)));
      expect(same, `${file} differs from the committed fixtures/audio/${file}`).toBe(true);
    }
  }, 120_000);
});
