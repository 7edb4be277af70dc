/**
 * The fixture audio library: speech clips generated from text (fixtures/audio/, see its
 * README; published separately as `voxwire-fixture-audio`), loaded as PCM16 and as base64 chunks ready for `input_audio_buffer.append`, so
 * tests can "speak" without a microphone. Node only: the files are read with `node:fs`,
 * imported lazily so that merely importing `voxwire/testing` in a browser does not fail.
 */

import { pcm16ToBase64 } from '../codec/base64';
import { readWav } from '../codec/wav';
import { RealtimeError } from '../base/errors';

/**
 * What a clip is for.
 * - `question`: one ordinary question (`question` is the demo's, answered with `get_weather`).
 * - `noisy-speech`: speech over steady background noise, with a noise-only lead-in.
 * - `interruption`: silence, then the user barges in (see {@link FixtureAudioEntry.interruptAtMs}).
 * - `incomplete`: a sentence that trails off unfinished.
 * - `long-utterance`: more than 30 s of speech in one turn.
 * - `multi-question`: several questions in one turn.
 * - `silence`: no speech at all (digital zeros, or a quiet room's noise floor).
 * - `assistant-reply`: audio a mock server plays as the assistant's answer.
 */
export type FixtureAudioKind =
  | 'question'
  | 'noisy-speech'
  | 'interruption'
  | 'incomplete'
  | 'long-utterance'
  | 'multi-question'
  | 'silence'
  | 'assistant-reply';

/**
 * One clip as `fixtures/audio/manifest.json` describes it. Timing fields are measured from the
 * audio by the generator (10 ms windows, -50 dBFS threshold, on the speech before any noise
 * is mixed in), not assumed from the script's padding.
 */
export interface FixtureAudioEntry {
  /** The name {@link loadFixtureAudio} takes, e.g. `question`. */
  name: string;
  /** The WAV file's name inside the fixture directory. */
  file: string;
  /** What the clip is for. */
  kind: FixtureAudioKind;
  /** Who speaks: the user, the assistant, or nobody (silence). */
  speaker: 'user' | 'assistant' | null;
  /** One sentence saying what the clip is and how tests use it. */
  description: string;
  /** The exact text spoken; empty for silence. */
  transcript: string;
  /** Length of the clip in milliseconds. */
  durationMs: number;
  /** Samples per second: 24000, except the 48 kHz copy for Chromium's fake microphone. */
  sampleRate: number;
  /** Always 1 (mono). */
  channels: number;
  /** The espeak-ng voice that spoke it. */
  voice?: string;
  /** The espeak-ng speaking rate. */
  wordsPerMinute?: number;
  /** Start of the first 10 ms window of speech, in ms from the start of the clip. */
  speechStartMs?: number;
  /** End of the last 10 ms window of speech, in ms from the start of the clip. */
  speechEndMs?: number;
  /**
   * The longest quiet stretch inside the speech, in ms. Under a server VAD's
   * `silence_duration_ms` (500 by default) the whole clip is one turn.
   */
  longestPauseMs?: number;
  /** Interruption clip: when the user starts talking, by design (1500 ms). */
  interruptAtMs?: number;
  /** Noisy clip: until this ms there is background noise and no speech. */
  noiseOnlyUntilMs?: number;
  /** Noisy clip: speech-to-noise ratio in dB (active speech level over noise RMS). */
  snrDb?: number;
  /** Noisy clip: active speech level in dBFS. */
  speechLevelDbfs?: number;
  /** Noisy and room-tone clips: RMS level of the noise in dBFS. */
  noiseLevelDbfs?: number;
  /** For a copy at another sample rate: the name of the clip it was made from. */
  sourceClip?: string;
  /** Size of the WAV file in bytes. */
  bytes: number;
  /** SHA-256 of the WAV file, hex. */
  sha256: string;
}

/** A clip loaded by {@link loadFixtureAudio}: its manifest entry plus the audio. */
export interface FixtureAudio extends FixtureAudioEntry {
  /** Absolute path of the WAV file. */
  path: string;
  /** The samples, mono PCM16 at {@link FixtureAudioEntry.sampleRate}. */
  pcm: Int16Array;
  /** Duration of each chunk in {@link FixtureAudio.chunks}, in ms. */
  chunkMs: number;
  /**
   * The samples cut into `chunkMs` pieces, each base64 PCM16 ready to send as
   * `input_audio_buffer.append`'s `audio`. The last chunk holds the remainder and may be
   * shorter; decoded and concatenated, the chunks are exactly {@link FixtureAudio.pcm}.
   */
  chunks: string[];
}

/** Options for {@link listFixtureAudio}. */
export interface FixtureAudioListOptions {
  /**
   * Directory holding `manifest.json` and the clips.
   * @default a `fixtures/audio/` above this module's file (a repository checkout), else the
   *   installed `voxwire-fixture-audio` package, else a `fixtures/audio/` above the working
   *   directory
   */
  dir?: string;
}

/** Options for {@link loadFixtureAudio}. */
export interface FixtureAudioLoadOptions extends FixtureAudioListOptions {
  /**
   * Duration of each base64 chunk, in ms. Must be a whole number of samples (any whole
   * number of ms at 24 kHz).
   * @default 20
   */
  chunkMs?: number;
}

/** Default chunk length: 20 ms, the size a real-time microphone sends. */
const DEFAULT_CHUNK_MS = 20;
const MANIFEST_FILE = 'manifest.json';

/**
 * The npm package that holds the clips. They are not in `voxwire` itself, so that production
 * installs do not carry 4 MB of test audio; `npm install --save-dev voxwire-fixture-audio`
 * brings them (its files are this repository's fixtures/audio/).
 */
const FIXTURE_AUDIO_PACKAGE = 'voxwire-fixture-audio';

type NodeModules = {
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
  url: typeof import('node:url');
  createRequire: typeof import('node:module').createRequire;
};

async function nodeModules(): Promise<NodeModules> {
  const [fs, path, url, module] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('node:url'),
    import('node:module'),
  ]);
  return { fs, path, url, createRequire: module.createRequire };
}

function invalid(message: string, cause?: unknown): RealtimeError {
  return new RealtimeError('VOXWIRE_INVALID_ARGUMENT', message, cause === undefined ? {} : { cause });
}

/**
 * The directory of this module's file. The ESM build (and tests run from `src/`) have
 * `import.meta.url`; in the CJS build `import.meta` is empty and Node's `__dirname` is set.
 */
function moduleDirectory({ path, url }: NodeModules): string | undefined {
  const metaUrl: unknown = import.meta.url;
  if (typeof metaUrl === 'string' && metaUrl.startsWith('file:')) return path.dirname(url.fileURLToPath(metaUrl));
  if (typeof __dirname === 'string') return __dirname;
  return undefined;
}

async function isFile(fs: NodeModules['fs'], file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The first `fixtures/audio/` holding a manifest, walking up from `start`. */
async function fixturesAbove(node: NodeModules, start: string): Promise<string | undefined> {
  let directory = node.path.resolve(start);
  for (;;) {
    const candidate = node.path.join(directory, 'fixtures', 'audio');
    if (await isFile(node.fs, node.path.join(candidate, MANIFEST_FILE))) return candidate;
    const parent = node.path.dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/** The directory of the installed fixture package, resolved as `start` would import it. */
function fixturePackageFrom(node: NodeModules, start: string): string | undefined {
  try {
    const manifest = node.createRequire(node.path.join(start, 'noop.js')).resolve(`${FIXTURE_AUDIO_PACKAGE}/${MANIFEST_FILE}`);
    return node.path.dirname(manifest);
  } catch {
    return undefined;
  }
}

/**
 * Finds the clips: a `fixtures/audio/` above this module's file (a checkout of the voxwire
 * repository, where tests run it from `src/testing/` or a bundled chunk at any depth), then
 * the installed fixture package, then a `fixtures/audio/` above the working directory.
 */
async function findFixtureDirectory(node: NodeModules): Promise<string> {
  const own = moduleDirectory(node);
  const cwd = process.cwd();
  const found =
    (own === undefined ? undefined : await fixturesAbove(node, own)) ??
    (own === undefined ? undefined : fixturePackageFrom(node, own)) ??
    fixturePackageFrom(node, cwd) ??
    (await fixturesAbove(node, cwd));
  if (found !== undefined) return found;
  throw invalid(
    `fixture audio not found: the clips are in the separate package ${FIXTURE_AUDIO_PACKAGE}, which is not installed ` +
      `(looked from ${[own, cwd].filter((start) => start !== undefined).join(' and ')}). ` +
      `Install it with \`npm install --save-dev ${FIXTURE_AUDIO_PACKAGE}\`, or pass { dir } pointing at a directory that holds ${MANIFEST_FILE}.`,
  );
}

function describeEntryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'is not an object';
  const entry = value as Record<string, unknown>;
  for (const key of ['name', 'file', 'kind', 'transcript'] as const) {
    if (typeof entry[key] !== 'string') return `has no string "${key}"`;
  }
  for (const key of ['durationMs', 'sampleRate'] as const) {
    if (typeof entry[key] !== 'number' || !(entry[key] > 0)) return `has no positive number "${key}"`;
  }
  const file = entry.file as string;
  if (file.includes('/') || file.includes('\\') || file.startsWith('.')) return `names file ${JSON.stringify(file)} outside its directory`;
  return undefined;
}

async function readManifest(
  node: NodeModules,
  options: FixtureAudioListOptions | undefined,
): Promise<{ directory: string; entries: FixtureAudioEntry[] }> {
  const directory =
    options?.dir === undefined ? await findFixtureDirectory(node) : node.path.resolve(String(options.dir));
  const manifestPath = node.path.join(directory, MANIFEST_FILE);
  let text: string;
  try {
    text = await node.fs.readFile(manifestPath, 'utf8');
  } catch (error) {
    throw invalid(
      `fixture audio manifest ${manifestPath} could not be read (${(error as Error).message}); ` +
        'dir must be the directory holding manifest.json, e.g. fixtures/audio/.',
      error,
    );
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw invalid(`fixture audio manifest ${manifestPath} is not valid JSON; regenerate it with scripts/make-fixtures.`, error);
  }
  const clips = (manifest as { clips?: unknown } | null)?.clips;
  if (!Array.isArray(clips)) {
    throw invalid(`fixture audio manifest ${manifestPath} has no "clips" array; regenerate it with scripts/make-fixtures.`);
  }
  clips.forEach((clip: unknown, index) => {
    const problem = describeEntryProblem(clip);
    if (problem) throw invalid(`fixture audio manifest ${manifestPath}: clips[${index}] ${problem}.`);
  });
  return { directory, entries: clips as FixtureAudioEntry[] };
}

/**
 * Lists the fixture clips: every entry of `fixtures/audio/manifest.json`.
 *
 * @param options - `dir` overrides where the manifest is looked for.
 * @returns The manifest entries, in manifest order.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when no manifest is found or it is malformed.
 *
 * @example
 * ```ts
 * const replies = (await listFixtureAudio()).filter((clip) => clip.kind === 'assistant-reply');
 * ```
 */
export async function listFixtureAudio(options?: FixtureAudioListOptions): Promise<FixtureAudioEntry[]> {
  const { entries } = await readManifest(await nodeModules(), options);
  return entries;
}

/**
 * Loads a fixture clip as PCM16 and as base64 chunks ready for `input_audio_buffer.append`.
 * Node only (it reads files).
 *
 * @param name - The clip's name, e.g. `question` (see {@link listFixtureAudio} or
 *   fixtures/audio/README.md).
 * @param options - `chunkMs` (default 20) and `dir` (where the manifest is).
 * @returns The manifest entry with the samples, the chunks and the file's absolute path.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for an unknown name (the message lists the
 *   available ones), a `chunkMs` that is not a positive whole number of samples, or a
 *   missing or malformed manifest.
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when the WAV file does not match its
 *   manifest entry (wrong rate, not mono, not PCM16).
 *
 * @example
 * ```ts
 * import { loadFixtureAudio } from 'voxwire/testing';
 *
 * const question = await loadFixtureAudio('question');
 * for (const audio of question.chunks) {
 *   client.send({ type: 'input_audio_buffer.append', audio });
 * }
 * ```
 */
export async function loadFixtureAudio(name: string, options?: FixtureAudioLoadOptions): Promise<FixtureAudio> {
  const chunkMs = options?.chunkMs ?? DEFAULT_CHUNK_MS;
  if (typeof chunkMs !== 'number' || !Number.isFinite(chunkMs) || chunkMs <= 0) {
    throw invalid(`loadFixtureAudio: chunkMs must be a positive number of milliseconds, got ${String(chunkMs)}.`);
  }
  const node = await nodeModules();
  const { directory, entries } = await readManifest(node, options);
  const entry = entries.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    throw invalid(
      `loadFixtureAudio: no fixture clip named ${JSON.stringify(name)} in ${directory}. ` +
        `Available: ${entries.map((candidate) => candidate.name).join(', ')}.`,
    );
  }
  const samplesPerChunk = (entry.sampleRate * chunkMs) / 1000;
  if (!Number.isInteger(samplesPerChunk)) {
    throw invalid(
      `loadFixtureAudio: chunkMs ${chunkMs} is ${samplesPerChunk} samples at ${entry.sampleRate} Hz; ` +
        'it must be a whole number of samples (use whole milliseconds).',
    );
  }

  const path = node.path.join(directory, entry.file);
  let bytes: Uint8Array;
  try {
    bytes = await node.fs.readFile(path);
  } catch (error) {
    throw invalid(
      `loadFixtureAudio: the manifest lists ${entry.file} for ${JSON.stringify(name)} but it could not be read ` +
        `(${(error as Error).message}); regenerate with scripts/make-fixtures.`,
      error,
    );
  }
  const wav = readWav(bytes);
  if (wav.channels !== 1 || wav.sampleRate !== entry.sampleRate) {
    throw new RealtimeError(
      'VOXWIRE_AUDIO_UNSUPPORTED',
      `loadFixtureAudio: ${path} is ${wav.sampleRate} Hz with ${wav.channels} channel(s), but the manifest says ` +
        `${entry.sampleRate} Hz mono; regenerate with scripts/make-fixtures.`,
    );
  }

  const pcm = wav.samples;
  const chunks: string[] = [];
  for (let start = 0; start < pcm.length; start += samplesPerChunk) {
    chunks.push(pcm16ToBase64(pcm.subarray(start, start + samplesPerChunk)));
  }
  return { ...entry, path, pcm, chunkMs, chunks };
}
