/**
 * `npm run demo -- --api live`: the same conversation with GPT-Live. The question streams into a
 * `LiveClient` continuously (silence too: GPT-Live listens all the time), the model delegates the
 * weather lookup to its Responses backend, whose `get_weather` call runs here through the same
 * `defineTool` registry, and the spoken answer is written to a WAV file. Without
 * `OPENAI_API_KEY` it talks to voxwire's mock GPT-Live server, started in-process on 127.0.0.1.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'voxwire';
import { writeWav } from 'voxwire/audio';
import { LiveClient } from 'voxwire/live';
import type { LiveTurn } from 'voxwire/live';
import { MockLiveServer, createScenario } from 'voxwire/testing';
import { DemoError, FAST_SPEED, concat, displayPath, seconds } from './demo-shared';
import type { DemoOptions } from './demo';
import { API_SAMPLE_RATE, CHUNK_MS, InputAudioError, loadDefaultInput, loadInputFile, silence, streamAudio } from './input-audio';
import type { InputAudio } from './input-audio';
import type { Terminal } from './terminal';
import { getWeather } from './weather-tool';

/** The Responses model GPT-Live delegates the task to (the tool runs here, in the demo). */
const DELEGATION_MODEL = 'gpt-5.2';

/** Runs the demo against GPT-Live. */
export async function runLive(options: DemoOptions, ui: Terminal, signal: AbortSignal): Promise<void> {
  const { palette } = ui;
  const apiKey = process.env.OPENAI_API_KEY;
  const useMock = options.mock || apiKey === undefined || apiKey === '';
  if (options.simulateDrop) throw new DemoError('--simulate-drop is for the Realtime demo; GPT-Live has no resume (a new session is seeded with the transcript).', 2);
  const speed = options.fast ? FAST_SPEED : 1;
  let question: InputAudio;
  try {
    question = options.input === undefined ? await loadDefaultInput() : await loadInputFile(options.input);
  } catch (error) {
    if (error instanceof InputAudioError) throw new DemoError(error.message);
    throw error;
  }

  ui.line(palette.bold('voxwire demo') + palette.dim(' · a voice conversation with GPT-Live, from the terminal'));
  ui.line(palette.dim(`input  ${question.label}, ${seconds((question.samples.length / API_SAMPLE_RATE) * 1000)} at 24 kHz`));
  let server: MockLiveServer | undefined;
  let url: string | undefined;
  if (useMock) {
    server = new MockLiveServer({
      scenario: createScenario()
        .turn((turn) => turn.hears(question.transcript ?? "What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }))
        .turn((turn) => turn.plays('reply-weather'))
        .build(),
      audioPace: options.fast ? 'instant' : 'realtime',
    });
    url = (await server.start()).url;
    ui.line(palette.dim(`server voxwire mock GPT-Live server at ${url} (no OPENAI_API_KEY: nothing leaves this machine)`));
  } else {
    ui.line(palette.dim(`server OpenAI GPT-Live, model ${options.model}, delegating to ${DELEGATION_MODEL} (OPENAI_API_KEY is set: this run is billed)`));
  }
  ui.line(palette.dim(`voice  ${options.voice} · transport websocket · audio ${options.fast ? `${FAST_SPEED}x real time (--fast)` : 'real time'}`));
  ui.line();

  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message) => ui.line(palette.tool(`warning: ${message}`)),
    error: (message) => ui.line(palette.error(`error: ${message}`)),
  };
  const client = new LiveClient({
    ...(url === undefined ? { apiKey } : { url }),
    session: {
      model: options.model,
      instructions: 'You are a friendly weather assistant. Keep answers short.',
      audio: { format: { type: 'audio/pcm', rate: API_SAMPLE_RATE }, output: { voice: options.voice } },
      delegation: { type: 'responses', responses: { model: DELEGATION_MODEL } },
    },
    tools: [getWeather],
    // With --fast the mock sends the whole answer at once: end its turn soon after.
    turnInactivityMs: options.fast ? 300 : 2000,
    logger,
  });

  const startedAt = performance.now();
  const reply: Int16Array[] = [];
  const toolCalls: string[] = [];
  let firstAudioAt: number | undefined;
  let delegatedAt: number | undefined;
  let settle!: { resolve: () => void; reject: (error: Error) => void };
  const finished = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  finished.catch(() => undefined);
  const onAbort = (): void => settle.reject(new DemoError('Interrupted.', 130));
  signal.addEventListener('abort', onAbort, { once: true });

  client.on('state', (state, previous) => {
    if (state.status === 'connected' && previous.status === 'connecting') {
      ui.line(palette.dim(`connected in ${seconds(performance.now() - startedAt)}; speaking the question into the "microphone"...`));
      ui.status('listening');
    } else if (state.status === 'reconnecting') {
      ui.status(`reconnecting (attempt ${state.attempt})`, { busy: true });
    } else if ((state.status === 'closed' || state.status === 'expired') && previous.status !== 'connecting') {
      settle.reject(new DemoError(`The session ended before the answer: ${state.status === 'closed' ? state.reason : state.reason}.`));
    }
  });
  client.on('transcript', ({ turn }) => {
    if (turn.speaker === 'assistant') ui.live(`assistant: ${turn.text}`);
    else ui.status('listening: hearing you');
  });
  client.on('turn', (turn: LiveTurn) => {
    ui.live('');
    if (turn.speaker === 'user') ui.line(`${palette.user('you:')} ${turn.text}`);
    else ui.line(`${palette.assistant('assistant:')} ${turn.text}`);
    // The answer is the assistant's turn after the tool ran.
    if (turn.speaker === 'assistant' && toolCalls.length > 0) settle.resolve();
  });
  client.on('delegation', (delegation) => {
    delegatedAt = performance.now();
    ui.line(palette.dim(`delegated to the ${delegation.target} backend (${delegation.id})`));
    ui.status('thinking');
  });
  client.on('toolCall', (call) => {
    toolCalls.push(call.name);
    ui.status(`calling ${call.name}...`);
    ui.line(palette.tool(`tool: ${call.name}(${call.arguments})`));
  });
  client.on('toolResult', (result) => ui.line(palette.tool(`tool: ${result.name} → ${result.output} (${result.durationMs.toFixed(0)} ms)`)));
  client.on('toolError', (failure) => ui.line(palette.error(`tool: ${failure.name} failed: ${failure.error.message}`)));
  client.on('audio', (chunk) => {
    firstAudioAt ??= performance.now();
    if (toolCalls.length > 0) reply.push(chunk.samples);
    ui.status('speaking');
  });
  client.on('error', (error) => ui.line(palette.error(`error: ${error.code}: ${error.message}`)));

  const timeoutMs = (options.fast ? 20_000 : 90_000) + (question.samples.length / API_SAMPLE_RATE) * 1000;
  const timer = setTimeout(() => settle.reject(new DemoError(`No answer within ${seconds(timeoutMs)}.`)), timeoutMs);
  const streaming = new AbortController();
  try {
    try {
      await client.connect({ signal });
    } catch (error) {
      throw new DemoError(`Could not connect: ${(error as Error).message}`);
    }
    // GPT-Live listens continuously: the question, then silence, as an open microphone sends.
    const talk = (async () => {
      const send = (chunk: Int16Array): void => void client.appendInputAudio(chunk);
      await streamAudio(question.samples, send, { speed, signal: streaming.signal });
      const padding = silence(CHUNK_MS * 10);
      for (let index = 0; index < 3000 && !streaming.signal.aborted; index += 1) await streamAudio(padding, send, { speed, signal: streaming.signal });
    })();
    talk.catch((error: unknown) => settle.reject(error as Error));
    await finished;
    streaming.abort();
    await client.close().catch(() => client.disconnect());
  } finally {
    clearTimeout(timer);
    streaming.abort();
    signal.removeEventListener('abort', onAbort);
    client.disconnect();
    await server?.stop();
  }

  const audio = concat(reply);
  await mkdir(dirname(options.out), { recursive: true });
  await writeFile(options.out, writeWav({ sampleRate: API_SAMPLE_RATE, channels: 1, samples: audio }));
  ui.stop();
  const usage = client.usage;
  const rows: Array<[string, string]> = [
    ['turns', `${client.transcript.turns.length} turn(s), ${toolCalls.length} tool call(s)${toolCalls.length ? ` (${[...new Set(toolCalls)].join(', ')})` : ''}`],
    ['first answer', firstAudioAt !== undefined && delegatedAt !== undefined ? `${seconds(Math.max(0, firstAudioAt - delegatedAt))} after the delegation` : 'no audio received'],
    [
      'usage',
      `${usage.seconds.toFixed(1)} s of session · estimated $${usage.estimatedCostUsd.toFixed(4)} at ${options.model} prices as of ${usage.pricesAsOf}` +
        (useMock ? ' (mock server: nothing was billed)' : ' (an estimate; the Responses backend is billed apart)'),
    ],
    ['reply audio', `${displayPath(options.out)} (${seconds((audio.length / API_SAMPLE_RATE) * 1000)}, 24 kHz mono PCM16)`],
  ];
  ui.line();
  ui.line(palette.bold('summary'));
  for (const [name, value] of rows) ui.line(`  ${name.padEnd(15)}${value}`);
}
