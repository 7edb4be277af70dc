/**
 * The demo's "microphone": a WAV file turned into 24 kHz mono PCM16 and streamed in 20 ms
 * chunks at the pace a real microphone delivers them.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { Resampler, readWav } from 'voxwire/audio';
import { listFixtureAudio, loadFixtureAudio } from 'voxwire/testing';

/** The Realtime API's PCM rate (`audio/pcm` at 24 kHz). */
export const API_SAMPLE_RATE = 24_000;
/** What a microphone sends per chunk. */
export const CHUNK_MS = 20;

/** Audio ready to stream. */
export interface InputAudio {
  /** Mono PCM16 at 24 kHz. */
  samples: Int16Array;
  /** Where it came from, for the header line. */
  label: string;
  /** What is said in it, when known (the fixture manifest knows; a file of your own does not). */
  transcript: string | undefined;
  /** The file's own format, when it had to be converted. */
  convertedFrom: { sampleRate: number; channels: number } | undefined;
}

/** A problem with the input the user can fix (shown without a stack trace). */
export class InputAudioError extends Error {
  override readonly name = 'InputAudioError';
}

/** The default input: the `question` fixture ("What's the weather like in Paris today?"). */
export async function loadDefaultInput(): Promise<InputAudio> {
  const clip = await loadFixtureAudio('question');
  return { samples: clip.pcm, label: `fixtures/audio/${clip.file}`, transcript: clip.transcript, convertedFrom: undefined };
}

/**
 * Reads a PCM16 WAV of any rate and channel count, downmixes it to mono and resamples it to
 * 24 kHz with voxwire's streaming resampler.
 */
export async function loadInputFile(path: string): Promise<InputAudio> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new InputAudioError(`Cannot read --input ${path}: ${reason}.`);
  }
  let wav;
  try {
    wav = readWav(bytes);
  } catch (error) {
    throw new InputAudioError(`--input ${path} is not a 16-bit PCM WAV file (${(error as Error).message}). Convert it first, e.g. sox in.mp3 -b 16 out.wav`);
  }
  if (wav.samples.length === 0) throw new InputAudioError(`--input ${path} holds no audio.`);
  const mono = downmix(wav.samples, wav.channels);
  const samples = wav.sampleRate === API_SAMPLE_RATE ? mono : resample(mono, wav.sampleRate);
  const converted = wav.sampleRate !== API_SAMPLE_RATE || wav.channels !== 1;
  return {
    samples,
    label: path,
    transcript: await fixtureTranscript(path),
    convertedFrom: converted ? { sampleRate: wav.sampleRate, channels: wav.channels } : undefined,
  };
}

function downmix(interleaved: Int16Array, channels: number): Int16Array {
  if (channels === 1) return interleaved;
  const frames = interleaved.length / channels;
  const mono = new Int16Array(frames);
  for (let frame = 0; frame < frames; frame += 1) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel += 1) sum += interleaved[frame * channels + channel]!;
    mono[frame] = Math.round(sum / channels);
  }
  return mono;
}

function resample(samples: Int16Array, inputRate: number): Int16Array {
  const resampler = new Resampler({ inputRate, outputRate: API_SAMPLE_RATE });
  const input = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i += 1) input[i] = samples[i]! / 32768;
  const head = resampler.process(input);
  const tail = resampler.flush();
  const out = new Int16Array(head.length + tail.length);
  const write = (part: Float32Array, offset: number): void => {
    for (let i = 0; i < part.length; i += 1) out[offset + i] = Math.max(-32768, Math.min(32767, Math.round(part[i]! * 32768)));
  };
  write(head, 0);
  write(tail, head.length);
  return out;
}

/** A fixture clip passed as --input still has a known transcript (the mock cannot transcribe). */
async function fixtureTranscript(path: string): Promise<string | undefined> {
  try {
    const entry = (await listFixtureAudio()).find((clip) => clip.file === basename(path));
    if (entry === undefined) return undefined;
    const fixture = await loadFixtureAudio(entry.name);
    return fixture.path === resolve(path) && fixture.transcript !== '' ? fixture.transcript : undefined;
  } catch {
    return undefined;
  }
}

/** How to stream: the chunk pace relative to real time. */
export interface StreamOptions {
  /** 1 = real time (a chunk every 20 ms); 20 = twenty times faster. */
  speed: number;
  /** Stops streaming early. */
  signal: AbortSignal;
}

/**
 * Sends `samples` as 20 ms chunks, one every 20 ms / speed. Timing follows the wall clock from
 * the start rather than sleeping 20 ms per chunk, so timer jitter does not accumulate.
 */
export async function streamAudio(samples: Int16Array, send: (chunk: Int16Array) => void, options: StreamOptions): Promise<void> {
  const perChunk = (API_SAMPLE_RATE * CHUNK_MS) / 1000;
  const started = performance.now();
  for (let index = 0, offset = 0; offset < samples.length; index += 1, offset += perChunk) {
    if (options.signal.aborted) return;
    send(samples.subarray(offset, offset + perChunk));
    const due = started + ((index + 1) * CHUNK_MS) / options.speed;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait, options.signal);
  }
}

/** Silence to keep the "microphone" open after the clip, as a real one would be. */
export function silence(ms: number): Int16Array {
  return new Int16Array(Math.round((API_SAMPLE_RATE * ms) / 1000));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish, { once: true });
  });
}
