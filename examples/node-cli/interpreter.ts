/**
 * `npx tsx examples/node-cli/interpreter.ts`: live speech translation from the terminal, with no microphone and no key.
 *
 * It streams a spoken clip into a `TranslationClient` in real time, 20 ms at a time, as a
 * microphone would, prints the source and translated transcripts as they grow, writes the
 * translated speech to a WAV file, and ends with `finish()`, which lets the session deliver the
 * last of the translation before it closes.
 *
 * Without `OPENAI_API_KEY` it talks to voxwire's mock server, started in-process on 127.0.0.1,
 * whose translation is canned (a fixed Spanish sentence and clip); with the key it talks to the
 * real API (`gpt-realtime-translate`, billed per minute of audio).
 *
 *   npx tsx examples/node-cli/interpreter.ts
 *   npx tsx examples/node-cli/interpreter.ts --input my-speech.wav --language fr
 *   OPENAI_API_KEY=sk-... npx tsx examples/node-cli/interpreter.ts --language de
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_TRANSLATION_MODEL, TranslationClient } from 'voxwire';
import type { Logger } from 'voxwire';
import { writeWav } from 'voxwire/audio';
import { MockRealtimeServer } from 'voxwire/testing';
import { API_SAMPLE_RATE, InputAudioError, loadDefaultInput, loadInputFile, silence, streamAudio } from './input-audio';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = resolve(HERE, 'out', 'translation.wav');
const FAST_SPEED = 20;
/** Translation wants audio to keep coming, silence too: the tail of the last phrase needs it. */
const TRAILING_SILENCE_MS = 1000;

const USAGE = `Usage: npx tsx examples/node-cli/interpreter.ts [options]

Translates speech live: streams a spoken clip, prints the source and translated transcripts,
and writes the translated speech to a WAV file.

Options:
  --input <file.wav>     What to "say": a 16-bit PCM WAV of any rate (resampled to 24 kHz).
                         Default: fixtures/audio/question.wav
  --language <code>      The target language, e.g. es, fr, de. Default: es
  --out <file.wav>       Where to write the translation. Default: examples/node-cli/out/translation.wav
  --mock                 Use the in-process mock server even when OPENAI_API_KEY is set
  --fast                 Stream ${FAST_SPEED}x faster than real time (for tests)
  -h, --help             Show this help

Environment:
  OPENAI_API_KEY         When set, translate with the real API (${DEFAULT_TRANSLATION_MODEL}).`;

const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: (message) => process.stderr.write(`warning: ${message}\n`), error: (message) => process.stderr.write(`error: ${message}\n`) };

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        input: { type: 'string' },
        language: { type: 'string', default: 'es' },
        out: { type: 'string', default: DEFAULT_OUT },
        mock: { type: 'boolean', default: false },
        fast: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let input;
  try {
    input = args.input === undefined ? await loadDefaultInput() : await loadInputFile(args.input);
  } catch (error) {
    process.stderr.write(`${error instanceof InputAudioError ? error.message : String(error)}\n`);
    return 2;
  }

  const apiKey = args.mock ? undefined : process.env.OPENAI_API_KEY;
  let mock: MockRealtimeServer | undefined;
  let url: string | undefined;
  if (apiKey === undefined) {
    mock = new MockRealtimeServer({ audioPace: 'instant' });
    const { url: realtimeUrl } = await mock.start();
    url = realtimeUrl.replace('/v1/realtime', '/v1/realtime/translations');
  }
  const translator = new TranslationClient({
    ...(url === undefined ? {} : { url }),
    ...(apiKey === undefined ? {} : { apiKey }),
    language: args.language,
    session: { audio: { input: { transcription: { model: 'gpt-realtime-whisper' } } } },
    logger: quietLogger,
  });
  const translated: Int16Array[] = [];
  translator.on('audio', (chunk) => translated.push(chunk.samples));
  translator.on('sourceTranscript', (event) => process.stdout.write(`heard:      ${event.text}\n`));
  translator.on('translatedTranscript', (event) => process.stdout.write(`translated: ${event.text}\n`));
  translator.on('error', (error) => process.stderr.write(`error: ${error.code}: ${error.message}\n`));
  translator.on('state', (state) => process.stdout.write(`[${state.status}]\n`));
  const stop = new AbortController();
  try {
    process.stdout.write(`${mock ? 'mock server (canned translation)' : `OpenAI ${DEFAULT_TRANSLATION_MODEL}`} → ${args.language}\n`);
    await translator.connect();
    const speed = args.fast ? FAST_SPEED : 1;
    const send = (chunk: Int16Array): void => void translator.appendAudio(chunk);
    await streamAudio(input.samples, send, { speed, signal: stop.signal });
    await streamAudio(silence(TRAILING_SILENCE_MS), send, { speed, signal: stop.signal });
    await translator.finish({ timeoutMs: 15_000 });
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    translator.disconnect();
    return 1;
  } finally {
    stop.abort();
    await mock?.stop();
  }
  const samples = new Int16Array(translated.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of translated) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  await mkdir(dirname(args.out), { recursive: true });
  await writeFile(args.out, writeWav({ samples, sampleRate: API_SAMPLE_RATE, channels: 1 }));
  process.stdout.write(`\nsource:      ${translator.sourceText}\ntranslation: ${translator.translatedText}\naudio:       ${((samples.length / API_SAMPLE_RATE) * 1000).toFixed(0)} ms → ${args.out}\n`);
  return 0;
}

process.exitCode = await main();
