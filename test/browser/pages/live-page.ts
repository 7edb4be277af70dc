/**
 * The GPT-Live WebRTC test page: a real `LiveClient` on `WebRTCTransport` with `liveProtocol`
 * in Chromium, posting its offer to the app server (`createLiveSessionHandler`), a function
 * tool of Responses delegation run here, and the assistant played through an `AudioPlayer`
 * whose output a recorder worklet keeps, so the test sees what was rendered. The question
 * comes from Chromium's fake microphone (the fixture clip, started once connected: see
 * gated-microphone.ts); the barge-in is the interruption
 * clip, switched in as the call's microphone (`attachInput`, a `replaceTrack`) on the test's cue.
 */
import type { ClientState } from '../../../src/client/client-events';
import { LiveClient } from '../../../src/live/live-client';
import type { LiveInterruptionInfo } from '../../../src/live/live-client-events';
import { liveProtocol } from '../../../src/live/live-protocol';
import { WebRTCTransport } from '../../../src/transport/webrtc';
import { AudioPlayer } from '../../../src/audio/index';
import { TAP_PROCESSOR } from './tap-worklet';
import { weatherTool } from '../../helpers/weather-tool';
import { gateMicrophone } from './gated-microphone';

/** How the page connects. */
export interface LivePageConfig {
  /** The app server's session endpoint (createLiveSessionHandler). */
  sdpUrl: string;
  /** The app user's token, sent as a bearer header to the app server. */
  userToken: string;
}

/** What the page recorded. */
export interface LivePageSnapshot {
  states: string[];
  state: ClientState;
  /** Every transcript turn so far, in order. */
  turns: Array<{ id: string; speaker: string; text: string; final: boolean; endReason: string | undefined }>;
  /** Turns as `turn` reported them when they ended. */
  endedTurns: Array<{ speaker: string; text: string; endReason: string | undefined }>;
  toolCalls: Array<{ name: string; args: unknown }>;
  toolResults: Array<{ name: string; output: string }>;
  interruptions: LiveInterruptionInfo[];
  errors: string[];
  eventTypes: string[];
  sessionId: string | undefined;
}

/** The player's rendered output: the peak of each 10 ms window since the recorder started. */
export interface RenderedAudio {
  sampleRate: number;
  windowMs: number;
  peaks: number[];
}

const toolCalls: LivePageSnapshot['toolCalls'] = [];
const getWeather = weatherTool((location) => toolCalls.push({ name: 'get_weather', args: { location } }));

let client: LiveClient | undefined;
let transport: WebRTCTransport | undefined;
let player: AudioPlayer | undefined;
let tap: AudioWorkletNode | undefined;
let speaker: { context: AudioContext; stream: MediaStream; detach: () => void } | undefined;
let snapshot: LivePageSnapshot;
const microphone = gateMicrophone();

async function start(config: LivePageConfig): Promise<void> {
  snapshot = { states: [], state: { status: 'idle' }, turns: [], endedTurns: [], toolCalls, toolResults: [], interruptions: [], errors: [], eventTypes: [], sessionId: undefined };
  transport = new WebRTCTransport({ sdpUrl: config.sdpUrl, protocol: liveProtocol, headers: { authorization: `Bearer ${config.userToken}` } });
  // Over WebRTC the server owns the config; the client's `delegation` only says its tools run here.
  client = new LiveClient({ transport, reconnect: false, tools: [getWeather], session: { delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } } });
  client.on('state', (state) => {
    snapshot.states.push(state.status);
    snapshot.state = state;
  });
  client.on('turn', (turn) => snapshot.endedTurns.push({ speaker: turn.speaker, text: turn.text, endReason: turn.endReason }));
  client.on('toolResult', (event) => snapshot.toolResults.push({ name: event.name, output: event.output }));
  client.on('interrupted', (info) => snapshot.interruptions.push(info));
  client.on('error', (error) => snapshot.errors.push(`${error.code}: ${error.message}`));
  client.on('*', (event) => snapshot.eventTypes.push(event.type));
  player = new AudioPlayer({ workletUrl: '/worklets/playback-processor.js' });
  player.on('error', (error) => snapshot.errors.push(`player ${error.code}: ${error.message}`));
  await player.start();
  const context = player.context!;
  await context.audioWorklet.addModule('/tap.js');
  tap = new AudioWorkletNode(context, TAP_PROCESSOR, { numberOfInputs: 1, numberOfOutputs: 0, channelCount: 1, channelCountMode: 'explicit' });
  player.outputNode!.connect(tap);
  client.attachOutput(player);
  microphone.gate();
  await client.connect();
  await microphone.open();
  snapshot.sessionId = transport.callId;
}

/**
 * The user speaks over the assistant: the interruption clip (from its speech onset) becomes
 * the call's microphone track. Resolves once it plays.
 */
async function bargeIn(): Promise<void> {
  const context = new AudioContext({ sampleRate: 48000 });
  await context.resume();
  const clip = await context.decodeAudioData(await (await fetch('/interruption.wav')).arrayBuffer());
  const destination = context.createMediaStreamDestination();
  const source = context.createBufferSource();
  source.buffer = clip;
  source.connect(destination);
  const detach = client!.attachInput({
    subscribe: () => () => undefined,
    subscribeMedia: (onStream) => {
      onStream(destination.stream);
      return () => undefined;
    },
  });
  speaker = { context, stream: destination.stream, detach };
  // The clip's first 1.5 s are quiet: start just before its speech.
  source.start(0, 1.3);
}

/** What the player rendered so far, as 10 ms peaks (the recorder keeps every frame it got). */
async function rendered(): Promise<RenderedAudio> {
  const node = tap!;
  const dump = await new Promise<{ samples: Float32Array }>((resolve) => {
    node.port.onmessage = (event) => resolve(event.data as { samples: Float32Array });
    node.port.postMessage('dump');
  });
  const sampleRate = player!.context!.sampleRate;
  const window = Math.round(sampleRate / 100);
  const peaks: number[] = [];
  for (let offset = 0; offset < dump.samples.length; offset += window) {
    let peak = 0;
    for (const value of dump.samples.subarray(offset, offset + window)) peak = Math.max(peak, Math.abs(value));
    peaks.push(Math.round(peak * 10_000) / 10_000);
  }
  return { sampleRate, windowMs: 10, peaks };
}

function read(): LivePageSnapshot {
  if (client) snapshot.turns = client.transcript.turns.map((turn) => ({ id: turn.id, speaker: turn.speaker, text: turn.text, final: turn.final, endReason: turn.endReason }));
  return JSON.parse(JSON.stringify(snapshot)) as LivePageSnapshot;
}

async function close(): Promise<void> {
  await client?.close().catch((error: unknown) => snapshot.errors.push(`close: ${String(error)}`));
}

async function stop(): Promise<void> {
  speaker?.detach();
  await speaker?.context.close().catch(() => undefined);
  speaker = undefined;
  client?.disconnect();
  client = undefined;
  await player?.close().catch(() => undefined);
  player = undefined;
}

const vx = { start, bargeIn, rendered, read, close, stop };

/** The page's API, as `window.vx`. */
export type LivePageApi = typeof vx;

(window as unknown as { vx: LivePageApi }).vx = vx;
document.title = 'ready';
