#!/usr/bin/env node
/**
 * Regenerates the fixture audio library (fixtures/audio/) from text, bit for bit.
 *
 * Usage: scripts/make-fixtures [--out DIR] [--check]
 *   --out DIR  write the clips and manifest.json to DIR (default: fixtures/audio/)
 *   --check    generate into a temporary directory and compare with the committed clips;
 *              exit 1 and name the files that differ
 *
 * Pipeline, per clip: espeak-ng speaks each sentence (fixed voice and speed) into a 22.05 kHz
 * WAV; sox resamples it to 24 kHz float (`-R`: fixed seeds, `-D`: no dither); this script trims
 * each sentence, joins sentences with fixed gaps, normalizes the speech level, pads it with
 * silence, mixes in seeded noise where the clip asks for it, quantizes to PCM16 and measures
 * where the speech is. Only +, *, / and sqrt touch samples (exact in IEEE 754), and noise
 * comes from a seeded PRNG, so the same espeak-ng and sox versions give identical bytes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultOutDir = join(repoRoot, 'fixtures', 'audio');

/** Every clip is 24 kHz mono PCM16, the Realtime API's `audio/pcm` format. */
const SAMPLE_RATE = 24_000;
/** Chromium's fake microphone reads a 48 kHz WAV without resampling it. */
const BROWSER_SAMPLE_RATE = 48_000;
/** Speech activity is measured in 10 ms windows... */
const WINDOW_MS = 10;
const WINDOW_SAMPLES = (SAMPLE_RATE * WINDOW_MS) / 1000;
/** ...and a window is speech when its RMS exceeds -50 dBFS. */
const ACTIVITY_THRESHOLD_DBFS = -50;
/** Active speech is normalized to -20 dBFS RMS, a typical close-microphone level. */
const SPEECH_LEVEL_DBFS = -20;
/**
 * Linear constants for the levels above, written out so no transcendental function (whose last
 * bit may differ between JavaScript engines) ever touches a sample: 10^(dB/20).
 */
const LINEAR = {
  '-50': 0.0031622776601683794,
  '-20': 0.1,
  '-60': 0.001,
  '15': 5.623413251903491,
};
/** A clip whose speech must stay one turn keeps every pause under this (server VAD: 500 ms). */
const MAX_PAUSE_MS = 450;

const USER_VOICE = { voice: 'en-us', wordsPerMinute: 165 };
const NOISY_USER_VOICE = { voice: 'en-gb-x-rp', wordsPerMinute: 160 };
const ASSISTANT_VOICE = { voice: 'en-us+f3', wordsPerMinute: 175 };
/** User clips: 300 ms before the speech, 700 ms after it, so a 500 ms VAD sees the end. */
const USER_PADDING = { leadMs: 300, tailMs: 700 };
/** Assistant replies are played, not detected: short padding keeps first-audio latency honest. */
const REPLY_PADDING = { leadMs: 100, tailMs: 300 };

/**
 * The library. `sentences` are spoken one by one and joined with `gapMs` of silence (so the
 * pauses are ours, not espeak-ng's); the transcript is the sentences joined with spaces.
 */
const CLIPS = [
  {
    name: 'question',
    kind: 'question',
    speaker: 'user',
    description: "The demo's question; a model with a get_weather tool calls it for Paris.",
    sentences: ["What's the weather like in Paris today?"],
    ...USER_VOICE,
    ...USER_PADDING,
    browserCopy: 'question-48k',
  },
  {
    name: 'question-noisy',
    kind: 'noisy-speech',
    speaker: 'user',
    description:
      'A question over steady pink background noise at 15 dB SNR, with 1.5 s of noise alone first so a VAD test can show noise does not trigger it.',
    sentences: ['Could you check the weather in London for me?'],
    ...NOISY_USER_VOICE,
    leadMs: 1500,
    tailMs: 1000,
    noise: { snrDb: 15, seed: 0x5eed_0001 },
  },
  {
    name: 'interruption',
    kind: 'interruption',
    speaker: 'user',
    description:
      'Barge-in: 1.5 s of silence, then the user talks over a playing response. Stream it from the moment the response starts.',
    sentences: ['Wait, sorry, stop.', 'What about Berlin instead?'],
    gapMs: 250,
    ...USER_VOICE,
    leadMs: 1500,
    tailMs: 700,
    interruptAtMs: 1500,
  },
  {
    name: 'incomplete',
    kind: 'incomplete',
    speaker: 'user',
    description:
      'An unfinished sentence that trails off (slower, fading over its last 600 ms): semantic VAD should wait for more.',
    sentences: ['So I was wondering if you could maybe...'],
    voice: 'en-us',
    wordsPerMinute: 150,
    ...USER_PADDING,
    fadeOutMs: 600,
  },
  {
    name: 'long-utterance',
    kind: 'long-utterance',
    speaker: 'user',
    description: 'More than 30 s of continuous speech in one turn (no pause reaches 500 ms).',
    sentences: [
      "Okay, so here's the plan for next week, and I'd like your help to get it right.",
      'On Monday I fly from Boston to Paris, landing early in the morning.',
      'I want to spend two days there, visit a museum or two, and eat somewhere nice near the river.',
      'Then on Wednesday I take the train to Amsterdam, where I have meetings on Thursday and Friday.',
      'I still need a hotel close to the central station, ideally with a quiet room and a good breakfast.',
      'On Saturday a friend joins me, and we might rent bikes and ride out to the windmills.',
    ],
    gapMs: 300,
    ...USER_VOICE,
    ...USER_PADDING,
    minSpeechMs: 30_000,
  },
  {
    name: 'multi-question',
    kind: 'multi-question',
    speaker: 'user',
    description: 'Three questions in one turn, separated by short (350 ms) pauses.',
    sentences: [
      'What time is it in Tokyo right now?',
      'How do I say thank you in Japanese?',
      'And is it going to rain there tomorrow?',
    ],
    gapMs: 350,
    ...USER_VOICE,
    ...USER_PADDING,
  },
  {
    name: 'silence',
    kind: 'silence',
    speaker: null,
    description: '3 s of digital silence (every sample is zero).',
    silenceMs: 3000,
  },
  {
    name: 'room-tone',
    kind: 'silence',
    speaker: null,
    description: '3 s of a quiet room: seeded pink noise at -60 dBFS RMS, no speech.',
    silenceMs: 3000,
    noiseFloor: { levelDbfs: -60, seed: 0x5eed_0002 },
  },
  {
    name: 'reply-greeting',
    kind: 'assistant-reply',
    speaker: 'assistant',
    description: "The assistant's greeting at the start of a session.",
    sentences: ["Hi! I'm your voice assistant. How can I help you today?"],
    gapMs: 200,
    ...ASSISTANT_VOICE,
    ...REPLY_PADDING,
  },
  {
    name: 'reply-weather',
    kind: 'assistant-reply',
    speaker: 'assistant',
    description: "The answer after the get_weather tool call for the demo's question.",
    sentences: ["It's 18 degrees and sunny in Paris."],
    ...ASSISTANT_VOICE,
    ...REPLY_PADDING,
  },
  {
    name: 'reply-long',
    kind: 'assistant-reply',
    speaker: 'assistant',
    description: 'A reply of about 10 s, long enough to be interrupted (see the interruption clip).',
    sentences: [
      "Sure, here's the forecast for the whole week.",
      'Monday and Tuesday stay dry and mild, with highs around eighteen degrees.',
      'On Wednesday a band of rain moves in from the west, so take an umbrella.',
    ],
    gapMs: 250,
    ...ASSISTANT_VOICE,
    ...REPLY_PADDING,
    minSpeechMs: 9_000,
  },
];

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const args = { outDir: defaultOutDir, check: false };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--out') {
      const value = argv[index + 1];
      if (!value) fail('--out needs a directory');
      args.outDir = resolve(value);
      index += 1;
    } else if (arg === '--check') {
      args.check = true;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('Usage: scripts/make-fixtures [--out DIR] [--check]\n');
      process.exit(0);
    } else {
      fail(`unknown argument ${JSON.stringify(arg)} (expected --out DIR or --check)`);
    }
  }
  return args;
}

function fail(message) {
  process.stderr.write(`make-fixtures: ${message}\n`);
  process.exit(1);
}

function run(command, args, input) {
  try {
    return execFileSync(command, args, {
      input,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = error.stderr ? error.stderr.toString() : '';
    if (error.code === 'ENOENT') fail(`${command} not found (Debian: apt-get install espeak-ng sox)`);
    fail(`${command} ${args.join(' ')} failed: ${stderr || error.message}`);
  }
}

function toolVersions() {
  const espeak = run('espeak-ng', ['--version']).toString();
  const sox = run('sox', ['--version']).toString();
  const espeakVersion = /text-to-speech:\s*([\d.]+)/.exec(espeak)?.[1];
  const soxVersion = /SoX v([\d.]+)/.exec(sox)?.[1];
  if (!espeakVersion || !soxVersion) fail(`cannot read tool versions from ${espeak} / ${sox}`);
  return { espeakNg: espeakVersion, sox: soxVersion };
}

function readFloat32(buffer) {
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const samples = new Float64Array(buffer.byteLength / 4);
  for (let index = 0; index < samples.length; index += 1) samples[index] = view.getFloat32(index * 4, true);
  return samples;
}

/** Speaks one sentence and returns it as 24 kHz float samples (full scale = 1). */
function speak(text, voice, wordsPerMinute, workDir) {
  const wavPath = join(workDir, 'sentence.wav');
  run('espeak-ng', ['-v', voice, '-s', String(wordsPerMinute), '-w', wavPath, '--', text]);
  const raw = run('sox', [
    '-R', '-D', wavPath,
    '-t', 'raw', '-e', 'floating-point', '-b', '32', '-L', '-c', '1', '-r', String(SAMPLE_RATE), '-',
    'rate', '-v',
  ]);
  return readFloat32(raw);
}

/** Resamples PCM16 to `rate` with sox and returns float samples. */
function resamplePcm16(pcm, fromRate, toRate) {
  const raw = run(
    'sox',
    [
      '-R', '-D',
      '-t', 'raw', '-e', 'signed', '-b', '16', '-L', '-c', '1', '-r', String(fromRate), '-',
      '-t', 'raw', '-e', 'floating-point', '-b', '32', '-L', '-c', '1', '-r', String(toRate), '-',
      'rate', '-v',
    ],
    Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength),
  );
  const samples = readFloat32(raw);
  // sox reads PCM16 as value / 32768; undo that so quantize() maps it back onto the same scale.
  for (let index = 0; index < samples.length; index += 1) samples[index] = (samples[index] * 32768) / 32767;
  return samples;
}

function windowRms(samples, start, length) {
  let sum = 0;
  const end = Math.min(samples.length, start + length);
  for (let index = start; index < end; index += 1) sum += samples[index] * samples[index];
  return end > start ? Math.sqrt(sum / (end - start)) : 0;
}

/** Cuts espeak-ng's own leading and trailing silence, keeping one window of margin. */
function trim(samples) {
  let peak = 0;
  for (let start = 0; start < samples.length; start += WINDOW_SAMPLES) {
    peak = Math.max(peak, windowRms(samples, start, WINDOW_SAMPLES));
  }
  // 50 dB below the loudest window: below that espeak-ng produces only its idle hiss.
  const threshold = peak * LINEAR['-50'];
  let first = -1;
  let last = -1;
  for (let start = 0; start < samples.length; start += WINDOW_SAMPLES) {
    if (windowRms(samples, start, WINDOW_SAMPLES) > threshold) {
      if (first < 0) first = start;
      last = start;
    }
  }
  if (first < 0) fail('espeak-ng produced no audible speech');
  const from = Math.max(0, first - WINDOW_SAMPLES);
  const to = Math.min(samples.length, last + 2 * WINDOW_SAMPLES);
  const trimmed = samples.slice(from, to);
  // A 10 ms ramp at each cut, so the cut never clicks.
  const ramp = Math.min(WINDOW_SAMPLES, trimmed.length >> 1);
  for (let index = 0; index < ramp; index += 1) {
    trimmed[index] *= index / ramp;
    trimmed[trimmed.length - 1 - index] *= index / ramp;
  }
  return trimmed;
}

function concat(parts) {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Float64Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function msToSamples(ms, rate = SAMPLE_RATE) {
  return (ms * rate) / 1000;
}

/** RMS over the windows that carry speech (louder than 50 dB under the loudest window). */
function activeSpeechRms(samples) {
  let peak = 0;
  for (let start = 0; start < samples.length; start += WINDOW_SAMPLES) {
    peak = Math.max(peak, windowRms(samples, start, WINDOW_SAMPLES));
  }
  const threshold = peak * LINEAR['-50'];
  let sum = 0;
  let count = 0;
  for (let start = 0; start < samples.length; start += WINDOW_SAMPLES) {
    const end = Math.min(samples.length, start + WINDOW_SAMPLES);
    if (windowRms(samples, start, WINDOW_SAMPLES) <= threshold) continue;
    for (let index = start; index < end; index += 1) sum += samples[index] * samples[index];
    count += end - start;
  }
  return Math.sqrt(sum / count);
}

function scale(samples, gain) {
  for (let index = 0; index < samples.length; index += 1) samples[index] *= gain;
}

/** mulberry32: a tiny seeded PRNG, integer-only, identical on every JavaScript engine. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pink noise (Paul Kellet's filter over seeded white noise) through a 100 Hz high-pass, scaled
 * to `rms` exactly: steady broadband noise like a fan or a room's air conditioning, as a
 * microphone's own low-cut would leave it (otherwise most of its energy sits below 50 Hz,
 * under the speech band, and the SNR would flatter the test).
 */
function pinkNoise(length, rms, seed) {
  const random = mulberry32(seed);
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  // First-order high-pass y[n] = a (y[n-1] + x[n] - x[n-1]), a = RC / (RC + 1/24000) at 100 Hz.
  const highPass = 0.9744879647413086;
  let previousInput = 0;
  let previousOutput = 0;
  const warmUp = SAMPLE_RATE; // let the slowest filter pole settle before keeping samples
  const out = new Float64Array(length);
  for (let index = -warmUp; index < length; index += 1) {
    const white = random() * 2 - 1;
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.969 * b2 + white * 0.153852;
    b3 = 0.8665 * b3 + white * 0.3104856;
    b4 = 0.55 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.016898;
    const pink = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
    previousOutput = highPass * (previousOutput + pink - previousInput);
    previousInput = pink;
    if (index >= 0) out[index] = previousOutput;
  }
  scale(out, rms / windowRms(out, 0, out.length));
  return out;
}

function quantize(samples) {
  const pcm = new Int16Array(samples.length);
  for (let index = 0; index < samples.length; index += 1) {
    const value = Math.round(samples[index] * 32767);
    pcm[index] = value > 32767 ? 32767 : value < -32768 ? -32768 : value;
  }
  return pcm;
}

function dbfs(linear) {
  return linear > 0 ? Math.round(200 * Math.log10(linear)) / 10 : null;
}

/**
 * Where the speech is, measured on PCM16: the first and last 10 ms windows louder than
 * -50 dBFS, and the longest run of quieter windows between them.
 */
function measureSpeech(pcm, rate) {
  const windowSamples = (rate * WINDOW_MS) / 1000;
  const threshold = 32767 * LINEAR['-50'];
  const floats = Float64Array.from(pcm);
  let first = -1;
  let last = -1;
  let longestPause = 0;
  let pause = 0;
  for (let window = 0; window * windowSamples < pcm.length; window += 1) {
    const active = windowRms(floats, window * windowSamples, windowSamples) > threshold;
    if (active) {
      if (first < 0) first = window;
      else longestPause = Math.max(longestPause, pause);
      last = window;
      pause = 0;
    } else if (first >= 0) {
      pause += 1;
    }
  }
  if (first < 0) return undefined;
  return {
    speechStartMs: first * WINDOW_MS,
    speechEndMs: (last + 1) * WINDOW_MS,
    longestPauseMs: longestPause * WINDOW_MS,
  };
}

function wavBytes(pcm, rate) {
  const header = Buffer.alloc(44);
  const dataBytes = pcm.length * 2;
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  const data = Buffer.alloc(dataBytes);
  for (let index = 0; index < pcm.length; index += 1) data.writeInt16LE(pcm[index], index * 2);
  return Buffer.concat([header, data]);
}

/** Pads `samples` with trailing zeros up to a whole number of 10 ms windows. */
function padToWindow(samples) {
  const remainder = samples.length % WINDOW_SAMPLES;
  if (remainder === 0) return samples;
  return concat([samples, new Float64Array(WINDOW_SAMPLES - remainder)]);
}

function buildSpeech(clip, workDir) {
  const parts = [];
  clip.sentences.forEach((sentence, index) => {
    if (index > 0) parts.push(new Float64Array(msToSamples(clip.gapMs ?? 0)));
    parts.push(trim(speak(sentence, clip.voice, clip.wordsPerMinute, workDir)));
  });
  const speech = concat(parts);
  if (clip.fadeOutMs) {
    // A linear fade to a tenth of the level: the voice trails off instead of stopping.
    const fadeSamples = msToSamples(clip.fadeOutMs);
    const start = speech.length - fadeSamples;
    for (let index = 0; index < fadeSamples; index += 1) {
      speech[start + index] *= 1 - (0.9 * index) / fadeSamples;
    }
  }
  const level = activeSpeechRms(speech);
  scale(speech, LINEAR[String(SPEECH_LEVEL_DBFS)] / level);
  let peak = 0;
  for (const value of speech) peak = Math.max(peak, Math.abs(value));
  if (peak >= 0.97) fail(`${clip.name}: speech would clip (peak ${peak.toFixed(3)} at ${SPEECH_LEVEL_DBFS} dBFS)`);
  return { speech, speechLevel: LINEAR[String(SPEECH_LEVEL_DBFS)] };
}

function buildClip(clip, workDir) {
  if (clip.silenceMs !== undefined) {
    const length = msToSamples(clip.silenceMs);
    const samples = clip.noiseFloor
      ? pinkNoise(length, LINEAR[String(clip.noiseFloor.levelDbfs)], clip.noiseFloor.seed)
      : new Float64Array(length);
    return { samples, extra: clip.noiseFloor ? { noiseLevelDbfs: clip.noiseFloor.levelDbfs } : {} };
  }
  const { speech, speechLevel } = buildSpeech(clip, workDir);
  const track = padToWindow(
    concat([new Float64Array(msToSamples(clip.leadMs)), speech, new Float64Array(msToSamples(clip.tailMs))]),
  );
  const extra = {};
  let samples = track;
  if (clip.noise) {
    const noiseRms = speechLevel / LINEAR[String(clip.noise.snrDb)];
    const noise = pinkNoise(track.length, noiseRms, clip.noise.seed);
    samples = new Float64Array(track.length);
    for (let index = 0; index < track.length; index += 1) {
      samples[index] = track[index] + noise[index];
      if (Math.abs(samples[index]) >= 1) fail(`${clip.name}: speech plus noise clips at sample ${index}`);
    }
    extra.snrDb = clip.noise.snrDb;
    extra.speechLevelDbfs = SPEECH_LEVEL_DBFS;
    extra.noiseLevelDbfs = SPEECH_LEVEL_DBFS - clip.noise.snrDb;
  }
  // Timing is measured on the speech track alone: in the noisy clip the noise is everywhere.
  const timing = measureSpeech(quantize(track), SAMPLE_RATE);
  if (!timing) fail(`${clip.name}: no speech measured`);
  if (clip.noise) extra.noiseOnlyUntilMs = timing.speechStartMs;
  if (clip.interruptAtMs !== undefined) {
    if (Math.abs(timing.speechStartMs - clip.interruptAtMs) > 20) {
      fail(`${clip.name}: speech starts at ${timing.speechStartMs} ms, expected ${clip.interruptAtMs} ms`);
    }
    extra.interruptAtMs = clip.interruptAtMs;
  }
  if (clip.speaker === 'user' && timing.longestPauseMs > MAX_PAUSE_MS) {
    fail(`${clip.name}: a ${timing.longestPauseMs} ms pause would split the turn (max ${MAX_PAUSE_MS} ms)`);
  }
  if (clip.minSpeechMs && timing.speechEndMs - timing.speechStartMs < clip.minSpeechMs) {
    fail(`${clip.name}: only ${timing.speechEndMs - timing.speechStartMs} ms of speech (want ${clip.minSpeechMs})`);
  }
  return { samples, timing, extra };
}

function generate(outDir) {
  const versions = toolVersions();
  mkdirSync(outDir, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'voxwire-fixtures-'));
  const entries = [];
  try {
    for (const clip of CLIPS) {
      const { samples, timing, extra } = buildClip(clip, workDir);
      const pcm = quantize(samples);
      const outputs = [{ name: clip.name, pcm, rate: SAMPLE_RATE, timing }];
      if (clip.browserCopy) {
        const upsampled = quantize(resamplePcm16(pcm, SAMPLE_RATE, BROWSER_SAMPLE_RATE));
        outputs.push({
          name: clip.browserCopy,
          pcm: upsampled,
          rate: BROWSER_SAMPLE_RATE,
          timing: measureSpeech(upsampled, BROWSER_SAMPLE_RATE),
          sourceClip: clip.name,
        });
      }
      for (const output of outputs) {
        const bytes = wavBytes(output.pcm, output.rate);
        const file = `${output.name}.wav`;
        writeFileSync(join(outDir, file), bytes);
        entries.push({
          name: output.name,
          file,
          kind: clip.kind,
          speaker: clip.speaker,
          description: output.sourceClip
            ? `The ${output.sourceClip} clip at 48 kHz, for Chromium's fake microphone (--use-file-for-fake-audio-capture).`
            : clip.description,
          transcript: clip.sentences ? clip.sentences.join(' ') : '',
          durationMs: (output.pcm.length * 1000) / output.rate,
          sampleRate: output.rate,
          channels: 1,
          ...(clip.voice ? { voice: clip.voice, wordsPerMinute: clip.wordsPerMinute } : {}),
          ...(output.timing ?? {}),
          ...extra,
          ...(output.sourceClip ? { sourceClip: output.sourceClip } : {}),
          bytes: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
        });
      }
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  const manifest = {
    version: 1,
    generatedBy: {
      script: 'scripts/make-fixtures',
      espeakNg: versions.espeakNg,
      sox: versions.sox,
    },
    measurement: {
      windowMs: WINDOW_MS,
      thresholdDbfs: ACTIVITY_THRESHOLD_DBFS,
      speechLevelDbfs: SPEECH_LEVEL_DBFS,
      note: 'speechStartMs/speechEndMs: first and last 10 ms window whose RMS exceeds thresholdDbfs, measured on the speech alone (before any noise is mixed in); longestPauseMs: the longest run of quieter windows between them.',
    },
    clips: entries,
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function check() {
  const scratch = mkdtempSync(join(tmpdir(), 'voxwire-fixtures-check-'));
  try {
    const manifest = generate(scratch);
    const files = ['manifest.json', ...manifest.clips.map((clip) => clip.file)];
    const differing = files.filter((file) => {
      let committed;
      try {
        committed = readFileSync(join(defaultOutDir, file));
      } catch {
        return true;
      }
      return !committed.equals(readFileSync(join(scratch, file)));
    });
    const extra = readdirSync(defaultOutDir).filter(
      (file) => file.endsWith('.wav') && !files.includes(file),
    );
    if (differing.length > 0 || extra.length > 0) {
      fail(
        `fixtures/audio/ is out of date: ${[...differing, ...extra.map((file) => `${file} (not generated)`)].join(', ')}. Run scripts/make-fixtures.`,
      );
    }
    process.stdout.write(`make-fixtures: ${files.length} files identical to fixtures/audio/\n`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const args = parseArgs(process.argv.slice(2));
if (args.check) {
  check();
} else {
  const manifest = generate(args.outDir);
  const total = manifest.clips.reduce((sum, clip) => sum + clip.bytes, 0);
  for (const clip of manifest.clips) {
    process.stdout.write(
      `${clip.file.padEnd(24)} ${String(clip.durationMs).padStart(6)} ms  ${clip.kind}\n`,
    );
  }
  process.stdout.write(`make-fixtures: ${manifest.clips.length} clips, ${(total / 1024).toFixed(0)} KiB in ${args.outDir}\n`);
}
