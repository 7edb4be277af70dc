/**
 * `npm run demo`: a whole voice conversation from the terminal, with no microphone and no key.
 *
 * It streams a spoken question ("What's the weather like in Paris today?") into a
 * `RealtimeClient` in real time, 20 ms at a time, as a microphone would. The assistant calls
 * the `get_weather` tool, the demo runs it, and the assistant answers with speech, which is
 * written to a WAV file. A status line follows along (connecting, listening, thinking, calling
 * get_weather..., speaking, reconnecting) and a summary ends the run.
 *
 * Without `OPENAI_API_KEY` it talks to voxwire's mock Realtime server, started in-process on
 * 127.0.0.1; with the key it talks to the real API (and costs a few cents).
 *
 *   npm run demo
 *   npm run demo -- --input my-question.wav --voice cedar
 *   OPENAI_API_KEY=sk-... npm run demo
 *
 * Run `npm run demo -- --help` for every option.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL, RealtimeClient } from 'voxwire';
import type { ClientState, Logger, ResponseObject, SessionConfigInput } from 'voxwire';
import { writeWav } from 'voxwire/audio';
import { KNOWN_VOICES } from 'voxwire/events';
import { DEFAULT_LIVE_MODEL } from 'voxwire/live';
import { MockRealtimeServer, createScenario } from 'voxwire/testing';
import type { Scenario } from 'voxwire/testing';
import { API_SAMPLE_RATE, CHUNK_MS, InputAudioError, loadDefaultInput, loadInputFile, silence, streamAudio } from './input-audio';
import type { InputAudio } from './input-audio';
import { Terminal } from './terminal';
import { getWeather } from './weather-tool';
import { DemoError, FAST_SPEED, concat, displayPath, seconds } from './demo-shared';
import { runLive } from './live';

const HERE = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = resolve(HERE, 'out', 'reply.wav');
/** An open microphone keeps sending after the speaker stops; the server's VAD needs that silence. */
const TRAILING_SILENCE_MS = 2000;

const USAGE = `Usage: npm run demo -- [options]

Holds a voice conversation with a Realtime model (or GPT-Live with --api live): streams a
spoken question, runs the get_weather tool the model calls (GPT-Live: its Responses backend),
and writes the spoken answer to a WAV file.

Options:
  --api <name>           realtime (default) or live: GPT-Live (gpt-live-1, /v1/live/sessions),
                         which delegates the tool call to a Responses model
  --input <file.wav>     The question to "say": a 16-bit PCM WAV of any rate (resampled to
                         24 kHz). Default: fixtures/audio/question.wav
  --voice <name>         The assistant's voice: ${KNOWN_VOICES.join(', ')}.
                         Default: marin
  --transport <name>     websocket (default) or webrtc (needs a browser: see examples/browser)
  --out <file.wav>       Where to write the reply. Default: examples/node-cli/out/reply.wav
  --model <name>         The model, with OPENAI_API_KEY. Default: ${DEFAULT_MODEL} (live: ${DEFAULT_LIVE_MODEL})
  --mock                 Use the in-process mock server even when OPENAI_API_KEY is set
  --simulate-drop        Mock only: drop the connection in the middle of the answer, to watch
                         the client reconnect and recover
  --fast                 Stream audio ${FAST_SPEED}x faster than real time (for tests)
  -h, --help             Show this help

Environment:
  OPENAI_API_KEY         When set, talk to the real API instead of the mock server.`;

export interface DemoOptions {
  /** Which OpenAI voice API: the Realtime API or GPT-Live. */
  api: 'realtime' | 'live';
  input: string | undefined;
  voice: string;
  transport: 'websocket' | 'webrtc';
  out: string;
  model: string;
  mock: boolean;
  simulateDrop: boolean;
  fast: boolean;
}

function parseOptions(argv: string[]): DemoOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        input: { type: 'string' },
        voice: { type: 'string', default: 'marin' },
        transport: { type: 'string', default: 'websocket' },
        out: { type: 'string' },
        api: { type: 'string', default: 'realtime' },
        model: { type: 'string' },
        mock: { type: 'boolean', default: false },
        'simulate-drop': { type: 'boolean', default: false },
        fast: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new DemoError(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const voice = values.voice;
  if (values.api !== 'live' && !(KNOWN_VOICES as readonly string[]).includes(voice)) {
    throw new DemoError(`Unknown voice "${voice}". The Realtime voices are: ${KNOWN_VOICES.join(', ')}.`, 2);
  }
  if (values.api !== 'realtime' && values.api !== 'live') {
    throw new DemoError(`Unknown API "${values.api}": use realtime or live.`, 2);
  }
  if (values.transport !== 'websocket' && values.transport !== 'webrtc') {
    throw new DemoError(`Unknown transport "${values.transport}": use websocket or webrtc.`, 2);
  }
  return {
    api: values.api,
    input: values.input,
    voice,
    transport: values.transport,
    out: values.out === undefined ? DEFAULT_OUT : resolve(values.out),
    model: values.model ?? (values.api === 'live' ? DEFAULT_LIVE_MODEL : DEFAULT_MODEL),
    mock: values.mock,
    simulateDrop: values['simulate-drop'],
    fast: values.fast,
  };
}

/**
 * Node has no `RTCPeerConnection`, and the WebRTC transport carries audio as media tracks
 * that only a browser (or a native WebRTC stack) can produce. The demo says so instead of
 * pretending.
 */
function webrtcUnavailable(): DemoError {
  const hasPeerConnection = typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function';
  return new DemoError(
    hasPeerConnection
      ? '--transport webrtc: this demo streams a WAV file as events; WebRTC sends audio as a media track, which needs a browser microphone. ' +
          'Run the browser example (examples/browser) for WebRTC, or use --transport websocket.'
      : '--transport webrtc needs a browser: WebRTC carries audio as media tracks through RTCPeerConnection, which Node does not have. ' +
          'Run the browser example (examples/browser) for WebRTC (see docs/transports.md), or use --transport websocket (the default).',
    2,
  );
}

/**
 * The mock's script: the model calls get_weather, then speaks the answer (fixture audio). In
 * real time the mock also takes a moment to "think", as a model does (none with --fast).
 */
function weatherScenario(question: InputAudio, options: { simulateDrop: boolean; fast: boolean }): Scenario {
  const heard = question.transcript ?? '(the mock server does not transcribe; this is your audio)';
  const thinking = (ms: number) => ({ beforeResponseMs: options.fast ? 0 : ms });
  const builder = createScenario('demo: weather in Paris')
    .turn((turn) => turn.hears(heard).calls('get_weather', { location: 'Paris' }).delays(thinking(450)))
    .turn((turn) => {
      turn.plays('reply-weather').delays(thinking(350));
      return options.simulateDrop ? turn.dropsAfter('response.output_audio.delta', 12) : turn;
    });
  // After a drop the demo asks again; the mock answers with the same clip.
  if (options.simulateDrop) builder.turn((turn) => turn.plays('reply-weather').delays(thinking(350)));
  return builder.build();
}

function sessionConfig(voice: string): SessionConfigInput {
  return {
    type: 'realtime',
    instructions: 'You are a friendly voice assistant. For weather questions call get_weather, then answer in one short sentence.',
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: API_SAMPLE_RATE },
        transcription: { model: 'gpt-live-transcribe' },
        turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
      },
      output: { format: { type: 'audio/pcm', rate: API_SAMPLE_RATE }, voice },
    },
  };
}


function describeState(state: ClientState, target: string): string {
  switch (state.status) {
    case 'connecting':
      return `connecting to ${target}`;
    case 'reconnecting':
      return `reconnecting (attempt ${state.attempt}, in ${seconds(state.nextDelayMs)}, after close code ${state.closeCode})`;
    case 'closed':
      return `closed: ${state.reason}`;
    case 'expired':
      return `session ended (${state.reason})`;
    default:
      return state.status;
  }
}

async function run(options: DemoOptions, ui: Terminal, signal: AbortSignal): Promise<void> {
  const { palette } = ui;
  if (options.transport === 'webrtc') throw webrtcUnavailable();
  if (options.api === 'live') return runLive(options, ui, signal);
  const apiKey = process.env.OPENAI_API_KEY;
  const useMock = options.mock || apiKey === undefined || apiKey === '';
  if (options.simulateDrop && !useMock) throw new DemoError('--simulate-drop works with the mock server only (unset OPENAI_API_KEY or add --mock).', 2);
  const speed = options.fast ? FAST_SPEED : 1;

  let question: InputAudio;
  try {
    question = options.input === undefined ? await loadDefaultInput() : await loadInputFile(options.input);
  } catch (error) {
    if (error instanceof InputAudioError) throw new DemoError(error.message);
    throw error;
  }

  ui.line(palette.bold('voxwire demo') + palette.dim(' · a voice conversation with a Realtime model, from the terminal'));
  const converted = question.convertedFrom ? ` (converted from ${question.convertedFrom.sampleRate} Hz, ${question.convertedFrom.channels} channel(s))` : '';
  ui.line(palette.dim(`input  ${displayPath(resolve(question.label))}, ${seconds((question.samples.length / API_SAMPLE_RATE) * 1000)} at 24 kHz${converted}`));

  let server: MockRealtimeServer | undefined;
  let url: string | undefined;
  if (useMock) {
    server = new MockRealtimeServer({
      scenario: weatherScenario(question, options),
      audioPace: options.fast ? 'instant' : 'realtime',
    });
    url = (await server.start()).url;
    ui.line(palette.dim(`server voxwire mock Realtime server at ${url} (no OPENAI_API_KEY: nothing leaves this machine)`));
  } else {
    ui.line(palette.dim(`server OpenAI Realtime API, model ${options.model} (OPENAI_API_KEY is set: this run is billed)`));
  }
  ui.line(palette.dim(`voice  ${options.voice} · transport websocket · audio ${options.fast ? `${FAST_SPEED}x real time (--fast)` : 'real time'}`));
  ui.line();

  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => ui.line(palette.tool(`warning: ${message}`)),
    error: (message) => ui.line(palette.error(`error: ${message}`)),
  };
  const client = new RealtimeClient({
    ...(url === undefined ? { apiKey, model: options.model } : { url }),
    session: sessionConfig(options.voice),
    tools: [getWeather],
    logger,
  });

  const startedAt = performance.now();
  const audioByResponse = new Map<string, Int16Array[]>();
  const completedWithAudio: string[] = [];
  const toolCalls: string[] = [];
  let heardSpeech = false;
  let speechStoppedAt: number | undefined;
  let firstAudioAt: number | undefined;
  const responsesStarted = new Set<string>();
  let responsesDone = 0;
  let answered = false;

  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  finished.catch(() => undefined);
  const onAbort = (): void => settle.reject(new DemoError('Interrupted.', 130));
  signal.addEventListener('abort', onAbort, { once: true });

  const target = url ?? 'the OpenAI Realtime API';
  let ending = false;
  client.on('state', (state, previous) => {
    if (ending) return;
    if (state.status === 'connected') {
      if (previous.status === 'connecting') {
        ui.line(palette.dim(`connected in ${seconds(performance.now() - startedAt)}; speaking the question into the "microphone"...`));
      }
      if (previous.status === 'reconnecting') {
        ui.live('');
        ui.line(palette.dim('(reconnected: a new session, with the conversation so far replayed into it)'));
        // The answer that was streaming when the connection dropped is lost; ask again.
        if (!answered && speechStoppedAt !== undefined) client.createResponse();
      }
      ui.status(speechStoppedAt === undefined ? 'listening' : 'thinking');
      return;
    }
    // A first connection that fails is reported once, by connect() rejecting.
    if (state.status === 'closed' && previous.status === 'connecting') return;
    ui.status(describeState(state, target), { busy: state.status === 'connecting' || state.status === 'reconnecting' });
    if (state.status === 'closed' || state.status === 'expired') {
      settle.reject(new DemoError(`The session ended before the answer: ${describeState(state, target)}.`));
    }
  });
  client.on('input_audio_buffer.speech_started', () => {
    heardSpeech = true;
    ui.status('listening: hearing you');
  });
  client.on('input_audio_buffer.speech_stopped', () => {
    speechStoppedAt = performance.now();
    ui.status('thinking');
  });
  client.on('response.created', ({ response }) => {
    responsesStarted.add(response.id ?? '');
    ui.live('');
    ui.status('thinking');
  });
  client.on('audio', (chunk) => {
    firstAudioAt ??= performance.now();
    const parts = audioByResponse.get(chunk.responseId) ?? [];
    parts.push(chunk.samples);
    audioByResponse.set(chunk.responseId, parts);
    ui.status('speaking');
  });
  client.on('transcript', (update) => {
    if (update.role === 'assistant') {
      if (!update.final) {
        ui.live(`assistant: ${update.text}`);
        return;
      }
      ui.live('');
      if (update.text !== '') ui.line(`${palette.assistant('assistant:')} ${update.text}`);
    } else if (update.final && update.text !== '') {
      ui.line(`${palette.user('you:')} ${update.text}`);
    }
  });
  client.on('toolCall', (call) => {
    toolCalls.push(call.name);
    ui.status(`calling ${call.name}...`);
    ui.line(palette.tool(`tool: ${call.name}(${call.arguments})`));
  });
  client.on('toolResult', (result) => {
    ui.line(palette.tool(`tool: ${result.name} → ${result.output} (${result.durationMs.toFixed(0)} ms)`));
    ui.status('thinking');
  });
  client.on('toolError', (failure) => {
    ui.line(palette.error(`tool: ${failure.name} failed: ${failure.error.message}`));
  });
  client.on('error', (error) => {
    ui.line(palette.error(`error: ${error.code}: ${error.message}`));
  });
  client.on('response.done', ({ response }) => {
    responsesDone += 1;
    const id = response.id ?? '';
    const calls = (response.output ?? []).filter((item) => item.type === 'function_call');
    if (response.status === 'completed' || response.status === 'incomplete') {
      if (audioByResponse.has(id)) completedWithAudio.push(id);
      if (calls.length === 0) {
        answered = true;
        settle.resolve();
      }
      return;
    }
    if (response.status === 'failed') settle.reject(new DemoError(`The response failed: ${describeStatus(response)}.`));
  });

  const timeoutMs = (options.fast ? 20_000 : 90_000) + (question.samples.length / API_SAMPLE_RATE) * 1000;
  const timer = setTimeout(
    () => settle.reject(new DemoError(`No answer within ${seconds(timeoutMs)}. Is the server reachable? Run with a key unset to use the mock server.`)),
    timeoutMs,
  );
  const streaming = new AbortController();
  try {
    try {
      await client.connect({ signal });
    } catch (error) {
      throw new DemoError(`Could not connect: ${(error as Error).message}`);
    }

    const talk = (async () => {
      const send = (chunk: Int16Array): void => void client.appendInputAudio(chunk);
      await streamAudio(question.samples, send, { speed, signal: streaming.signal });
      // Keep the microphone open, sending silence, until the server hears the end of speech.
      const padding = silence(CHUNK_MS);
      const until = performance.now() + TRAILING_SILENCE_MS / speed;
      while (speechStoppedAt === undefined && performance.now() < until && !streaming.signal.aborted) {
        await streamAudio(padding, send, { speed, signal: streaming.signal });
      }
      if (streaming.signal.aborted || speechStoppedAt !== undefined) return;
      if (!heardSpeech) {
        settle.reject(new DemoError(`The server heard no speech in ${question.label}. Use a recording of someone speaking (16-bit PCM WAV).`));
        return;
      }
      // The server heard speech but no end yet (a noisy file): end the turn by hand.
      client.commitInputAudio();
      client.createResponse();
      speechStoppedAt = performance.now();
    })();
    talk.catch((error: unknown) => settle.reject(error as Error));

    await finished;
  } finally {
    ending = true;
    clearTimeout(timer);
    streaming.abort();
    signal.removeEventListener('abort', onAbort);
    client.disconnect();
    await server?.stop();
  }

  const reply = concat(completedWithAudio.flatMap((id) => audioByResponse.get(id) ?? []));
  // Audio of answers that never completed (cut off by a drop, cancelled) stays out of the file.
  const discardedSamples = [...audioByResponse]
    .filter(([id]) => !completedWithAudio.includes(id))
    .reduce((sum, [, parts]) => sum + parts.reduce((total, part) => total + part.length, 0), 0);
  const cutOff = responsesStarted.size - responsesDone;
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, writeWav({ sampleRate: API_SAMPLE_RATE, channels: 1, samples: reply }));

  ui.stop();
  const usage = client.usage;
  const userTurns = client.conversation.entries.filter((entry) => entry.type === 'message' && entry.role === 'user').length;
  const rows: Array<[string, string]> = [
    [
      'turns',
      `${userTurns} spoken question(s), ${responsesStarted.size} response(s)${cutOff > 0 ? ` (${cutOff} cut off by a connection drop)` : ''}, ` +
        `${toolCalls.length} tool call(s)${toolCalls.length ? ` (${[...new Set(toolCalls)].join(', ')})` : ''}`,
    ],
    [
      'first audio',
      firstAudioAt !== undefined && speechStoppedAt !== undefined
        ? `${seconds(firstAudioAt - speechStoppedAt)} after you stopped speaking (the tool call included)`
        : 'no audio received',
    ],
    [
      'tokens',
      `${usage.inputTokens} in (${usage.inputAudioTokens} audio, ${usage.inputTextTokens} text, ${usage.cachedInputTextTokens + usage.cachedInputAudioTokens} cached) · ` +
        `${usage.outputTokens} out (${usage.outputAudioTokens} audio, ${usage.outputTextTokens} text)`,
    ],
    [
      'estimated cost',
      `$${usage.estimatedCostUsd.toFixed(4)} at ${options.model} prices as of ${usage.pricesAsOf}` +
        (useMock ? ' (mock server: token counts are estimates and nothing was billed)' : ' (an estimate: your bill is the authority)'),
    ],
    [
      'reply audio',
      `${displayPath(options.out)} (${seconds((reply.length / API_SAMPLE_RATE) * 1000)}, 24 kHz mono PCM16)` +
        (discardedSamples > 0 ? `; ${seconds((discardedSamples / API_SAMPLE_RATE) * 1000)} of an unfinished answer left out` : ''),
    ],
  ];
  ui.line();
  ui.line(palette.bold('summary'));
  for (const [name, value] of rows) ui.line(`  ${name.padEnd(15)}${value}`);
}

function describeStatus(response: ResponseObject): string {
  const details = response.status_details as { error?: { message?: string }; reason?: string } | null | undefined;
  return details?.error?.message ?? details?.reason ?? 'no details';
}

async function main(argv: string[]): Promise<number> {
  const ui = new Terminal();
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const options = parseOptions(argv);
    if (options === 'help') {
      ui.line(USAGE);
      return 0;
    }
    await run(options, ui, interrupt.signal);
    return 0;
  } catch (error) {
    ui.stop();
    if (error instanceof DemoError) {
      process.stderr.write(`${ui.palette.error('demo failed:')} ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`${ui.palette.error('demo failed unexpectedly:')} ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  } finally {
    ui.stop();
    process.off('SIGINT', onSigint);
  }
}

process.exitCode = await main(process.argv.slice(2));
