// The clients of bench/client/ingest.bench.ts, each used as its own documentation shows a Node
// app using it, with the same app code on top: count every event the client hands the app,
// take each audio delta as PCM16 bytes (sum their lengths: all clients must end with the same
// total), and answer the `get_weather` call. Nothing here is timed; the bench times the stream.
import { createConnection, type NetConnectOpts } from 'node:net';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { WebSocket } from 'ws';
import type * as Voxwire from '../../src/index';

/** One connected client, as the app sees it. */
export interface IngestClient {
  /** Events the client handed to the app (its every-event tap). */
  readonly events: number;
  /** PCM16 bytes of assistant audio the app received. */
  readonly audioBytes: number;
  /** Characters of text the app's listeners read (each client's own measure; only keeps that work real). */
  readonly textChars: number;
  /** Warnings and errors the client reported (none is expected). */
  readonly problems: string[];
  /** Resolves when the app has been handed `count` events in all (no polling: the tap checks). */
  whenEvents(count: number): Promise<void>;
  close(): void;
}

/** Opens one client against `url` (the loopback server, with `?client=<name>`). */
export type ClientFactory = (url: string) => Promise<IngestClient>;

const API_KEY = 'sk-bench-ingest';
const MODEL = 'gpt-realtime-2.1';
const WEATHER = { temperature_c: 21, conditions: 'sunny' };
function weatherParameters() {
  return { type: 'object' as const, properties: { city: { type: 'string' as const } }, required: ['city'], additionalProperties: false as const };
}
const INSTRUCTIONS = 'You are a helpful voice assistant. Keep answers short.';

/** The counters every client's app code updates; `event()` is the every-event tap. */
function tally() {
  const counts = {
    events: 0,
    audioBytes: 0,
    textChars: 0,
    problems: [] as string[],
    target: Infinity,
    reached: () => undefined as void,
    event(): void {
      counts.events += 1;
      if (counts.events === counts.target) counts.reached();
    },
  };
  return counts;
}

/** The app's view of a connected client: its counters, and how to close it. */
function connected(counts: ReturnType<typeof tally>, close: () => void): IngestClient {
  return {
    get events() {
      return counts.events;
    },
    get audioBytes() {
      return counts.audioBytes;
    },
    get textChars() {
      return counts.textChars;
    },
    problems: counts.problems,
    whenEvents: (count) =>
      new Promise<void>((resolve) => {
        if (counts.events >= count) return resolve();
        counts.target = count;
        counts.reached = resolve;
      }),
    close,
  };
}

/**
 * voxwire's `RealtimeClient` with its default WebSocket transport (the `ws` package in Node), as
 * a Node backend runs it: no audio sink (the player is a browser AudioWorklet); the app listens to
 * `audio` (decoded PCM16 samples) and `transcript`, and the tool runs through `defineTool`.
 * `voxwire` is the module of the tree under test (`src/index.ts`, this one or an older checkout).
 */
export function voxwireClient(voxwire: typeof Voxwire): ClientFactory {
  return async (url) => {
    const counts = tally();
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (message: string) => void counts.problems.push(`warn: ${message}`),
      error: (message: string) => void counts.problems.push(`error: ${message}`),
    };
    const getWeather = voxwire.defineTool({ name: 'get_weather', description: 'Current weather for a city.', parameters: weatherParameters(), execute: () => WEATHER });
    const client = new voxwire.RealtimeClient({ url, apiKey: API_KEY, reconnect: false, logger, tools: [getWeather], session: { instructions: INSTRUCTIONS } });
    client.on('*', () => counts.event());
    client.on('audio', (chunk) => void (counts.audioBytes += chunk.samples.byteLength));
    client.on('transcript', (update) => void (counts.textChars += update.text.length));
    client.on('error', (error) => void counts.problems.push(`error event: ${error.message}`));
    await client.connect();
    return connected(counts, () => client.disconnect());
  };
}

/**
 * `@openai/agents-realtime`'s `OpenAIRealtimeWebSocket` on its own (its transport layer, which it
 * documents for a direct connection): `*` for every event, `audio` (an ArrayBuffer of PCM16),
 * `audio_transcript_delta`, and `function_call` answered with `sendFunctionCallOutput`.
 */
export const agentsTransportClient: ClientFactory = async (url) => {
  const counts = tally();
  const transport = new OpenAIRealtimeWebSocket({ url });
  transport.on('*', () => counts.event());
  transport.on('audio', (event) => void (counts.audioBytes += event.data.byteLength));
  transport.on('audio_transcript_delta', (event) => void (counts.textChars += event.delta.length));
  transport.on('function_call', (call) => transport.sendFunctionCallOutput(call, JSON.stringify(WEATHER), true));
  transport.on('error', (error) => void counts.problems.push(`error event: ${String((error as { error?: unknown }).error)}`));
  await transport.connect({ apiKey: API_KEY, model: MODEL, initialSessionConfig: { instructions: INSTRUCTIONS } });
  return connected(counts, () => transport.close());
};

/**
 * `@openai/agents-realtime`'s `RealtimeSession` (its normal usage: an agent with a tool, over the
 * WebSocket transport): `transport_event` for every event, `audio`, `history_updated`.
 */
export const agentsSessionClient: ClientFactory = async (url) => {
  const counts = tally();
  const getWeather = tool({ name: 'get_weather', description: 'Current weather for a city.', parameters: weatherParameters(), strict: true, execute: async () => WEATHER });
  const agent = new RealtimeAgent({ name: 'Assistant', instructions: INSTRUCTIONS, tools: [getWeather] });
  const session = new RealtimeSession(agent, { transport: new OpenAIRealtimeWebSocket({ url }), model: MODEL });
  session.on('transport_event', () => counts.event());
  session.on('audio', (event) => void (counts.audioBytes += event.data.byteLength));
  session.on('history_updated', (history) => void (counts.textChars += history.length));
  session.on('error', (error) => void counts.problems.push(`error event: ${String((error as { error?: unknown }).error)}`));
  await session.connect({ apiKey: API_KEY, url });
  return connected(counts, () => session.close());
};

/**
 * The `openai` package's `OpenAIRealtimeWS`: `event` for every event; the app decodes each
 * `response.output_audio.delta` itself (`Buffer.from(delta, 'base64')`, the usual Node way),
 * appends transcript deltas, and answers the call with `conversation.item.create` +
 * `response.create`.
 */
export const openaiClient: ClientFactory = async (url) => {
  const counts = tally();
  const target = new URL(url);
  // The package always dials wss://; a plain TCP connection keeps the bench on loopback without TLS.
  const openai = new OpenAI({ apiKey: API_KEY, baseURL: `http://${target.host}/v1${target.search}` });
  const rt = new OpenAIRealtimeWS({ model: MODEL, options: { createConnection: (options: NetConnectOpts) => createConnection(options) } as never }, openai);
  rt.on('event', () => counts.event());
  rt.on('response.output_audio.delta', (event) => void (counts.audioBytes += Buffer.from(event.delta, 'base64').byteLength));
  rt.on('response.output_audio_transcript.delta', (event) => void (counts.textChars += event.delta.length));
  rt.on('response.function_call_arguments.done', (event) => {
    JSON.parse(event.arguments);
    rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: event.call_id, output: JSON.stringify(WEATHER) } });
    rt.send({ type: 'response.create' });
  });
  rt.on('error', (error) => void counts.problems.push(`error event: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  rt.send({ type: 'session.update', session: { type: 'realtime', instructions: INSTRUCTIONS, tools: [{ type: 'function', name: 'get_weather', description: 'Current weather for a city.', parameters: weatherParameters() }] } });
  await until(() => counts.events >= 2, 'openai: session.created and session.updated');
  return connected(counts, () => rt.close());
};

/**
 * The floor: a bare `ws` socket and `JSON.parse` of every frame (what the tutorials write).
 * With `decode`, the app also decodes each audio delta with `Buffer.from(delta, 'base64')` and
 * answers the call, as any app that plays or forwards the audio must; without, it only parses.
 */
export function bareClient(decode: boolean): ClientFactory {
  return async (url) => {
    const counts = tally();
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${API_KEY}` }, perMessageDeflate: false });
    socket.on('message', (data) => {
      const event = JSON.parse(data.toString()) as { type: string; delta?: string; call_id?: string; arguments?: string };
      counts.event();
      if (!decode) return;
      if (event.type === 'response.output_audio.delta') counts.audioBytes += Buffer.from(event.delta as string, 'base64').byteLength;
      else if (event.type === 'response.output_audio_transcript.delta') counts.textChars += (event.delta as string).length;
      else if (event.type === 'response.function_call_arguments.done') {
        JSON.parse(event.arguments as string);
        socket.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: event.call_id, output: JSON.stringify(WEATHER) } }));
        socket.send(JSON.stringify({ type: 'response.create' }));
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: INSTRUCTIONS } }));
    await until(() => counts.events >= 2, 'bare: session.created and session.updated');
    return connected(counts, () => socket.close());
  };
}

/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
