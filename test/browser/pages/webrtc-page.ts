/**
 * The WebRTC test page: a real `RealtimeClient` in Chromium over either transport, driven from
 * Node through `window.vx`. The transport is the only thing that differs between the two
 * (`makeTransport`): the one-line swap the SDK promises. For WebSocket the microphone goes
 * through `MicrophoneCapture`; for WebRTC the transport sends it as a media track.
 */
import { z } from 'zod';
import { RealtimeClient } from '../../../src/client/client';
import type { ClientState, InterruptionInfo } from '../../../src/client/client-events';
import { exponentialBackoff } from '../../../src/client/reconnect';
import { defineTool } from '../../../src/tools/define-tool';
import type { Transport } from '../../../src/transport/transport';
import { WebRTCTransport } from '../../../src/transport/webrtc';
import { WebSocketTransport } from '../../../src/transport/websocket';
import { AudioPlayer, MicrophoneCapture } from '../../../src/audio/index';
import { gateMicrophone } from './gated-microphone';

/** How the page connects. */
export interface PageConfig {
  /** `webrtc`: SDP to `sdpUrl` (createSdpHandler), or with a key from `keyUrl` to `callsUrl`. `websocket`: to `wsUrl` with a key from `keyUrl`. */
  kind: 'webrtc' | 'websocket';
  /** The app server's SDP endpoint (createSdpHandler). */
  sdpUrl?: string;
  /** The app server's ephemeral key endpoint (createClientSecretHandler). */
  keyUrl?: string;
  /** The mock's `/v1/realtime/calls` (ephemeral-key WebRTC). */
  callsUrl?: string;
  /** The mock's WebSocket URL. */
  wsUrl?: string;
  /** Stream the microphone (WebSocket: through MicrophoneCapture; WebRTC always sends its track). */
  microphone?: boolean;
  /** The transport's connection-lost grace period. */
  graceMs?: number;
  /** Session instructions. */
  instructions?: string;
  /** Turn detection off (text-only scenarios keep the microphone out of the way). */
  manualTurns?: boolean;
  /** A transcription session (input transcription only: no instructions, no tools). */
  transcription?: boolean;
  /** WebRTC with `client.attachInput(MicrophoneCapture)` and `attachOutput(AudioPlayer)`: the capture's track is sent, the player plays the assistant. */
  attachAudio?: boolean;
}

/** What the page recorded. */
export interface PageSnapshot {
  states: string[];
  state: ClientState;
  transcripts: Array<{ role: string; text: string }>;
  toolResults: Array<{ name: string; output: string }>;
  interruptions: InterruptionInfo[];
  errors: string[];
  eventTypes: string[];
  /** When (Date.now(), the same clock as the test's) each session.* event reached the page. */
  sessionEventTimes: Array<{ type: string; at: number }>;
  conversation: Array<{ role: string | undefined; type: string; text: string; sessions: number }>;
  callIds: string[];
  sessionInstructions: string | undefined;
  /** The transport's close events. */
  closes: Array<{ code: number; reason: string; initiatedLocally: boolean }>;
}

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Get the weather for a city.',
  parameters: z.object({ location: z.string() }),
  execute: async ({ location }) => ({ location, celsius: 18, sky: 'sunny' }),
});

let client: RealtimeClient | undefined;
let transport: Transport | undefined;
let capture: MicrophoneCapture | undefined;
let player: AudioPlayer | undefined;
let snapshot: PageSnapshot;
let captureLevels = 0;

// Counts microphone opens, to tell the capture's from the transport's own.
let microphoneOpens = 0;
const microphone = gateMicrophone(() => {
  microphoneOpens += 1;
});

async function fetchKey(keyUrl: string): Promise<string> {
  const response = await fetch(keyUrl, { method: 'POST', headers: { authorization: 'Bearer app-user-token', 'content-type': 'application/json' }, body: JSON.stringify({ session: { audio: { output: { voice: 'cedar' } } } }) });
  if (!response.ok) throw new Error(`key endpoint answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { value: string }).value;
}

function makeTransport(config: PageConfig): Transport {
  if (config.kind === 'websocket') return new WebSocketTransport({ url: config.wsUrl!, apiKey: () => fetchKey(config.keyUrl!) });
  const common = { connectionLostGraceMs: config.graceMs ?? 500, headers: { authorization: 'Bearer app-user-token' } };
  if (config.sdpUrl) return new WebRTCTransport({ sdpUrl: config.sdpUrl, ...common });
  return new WebRTCTransport({ apiKey: () => fetchKey(config.keyUrl!), sdpUrl: config.callsUrl!, connectionLostGraceMs: config.graceMs ?? 500 });
}

async function start(config: PageConfig): Promise<void> {
  snapshot = { states: [], state: { status: 'idle' }, transcripts: [], toolResults: [], interruptions: [], errors: [], eventTypes: [], sessionEventTimes: [], conversation: [], callIds: [], sessionInstructions: undefined, closes: [] };
  transport = makeTransport(config);
  client = new RealtimeClient({
    transport,
    reconnect: exponentialBackoff({ initialDelayMs: 100, maxDelayMs: 500, jitter: 'none' }),
    session: config.transcription
      ? { type: 'transcription', audio: { input: { transcription: { model: 'gpt-live-transcribe' }, turn_detection: { type: 'server_vad' } } } }
      : {
          type: 'realtime',
          instructions: config.instructions ?? 'You are a test assistant.',
          audio: { input: { transcription: { model: 'gpt-live-transcribe' }, turn_detection: config.manualTurns ? null : { type: 'server_vad' } } },
        },
  });
  if (!config.transcription) client.tools.add(getWeather);
  transport.on('close', (info) => snapshot.closes.push(info));
  client.on('state', (state) => {
    snapshot.states.push(state.status);
    snapshot.state = state;
    if (state.status === 'connected' && transport instanceof WebRTCTransport && transport.callId) snapshot.callIds.push(transport.callId);
  });
  client.on('transcript', (update) => {
    if (update.final) snapshot.transcripts.push({ role: update.role, text: update.text });
  });
  client.on('toolResult', (event) => snapshot.toolResults.push({ name: event.name, output: event.output }));
  client.on('interrupted', (info) => snapshot.interruptions.push(info));
  client.on('error', (error) => snapshot.errors.push(`${error.code}: ${error.message}`));
  client.on('*', (event) => {
    snapshot.eventTypes.push(event.type);
    if (event.type.startsWith('session.')) snapshot.sessionEventTimes.push({ type: event.type, at: Date.now() });
  });
  if (config.kind === 'webrtc' && config.attachAudio) {
    capture = new MicrophoneCapture({ echoCancellation: false, noiseSuppression: false, autoGainControl: false, workletUrl: '/worklets/capture-processor.js' });
    capture.on('level', () => {
      captureLevels += 1;
    });
    player = new AudioPlayer({ workletUrl: '/worklets/playback-processor.js' });
    client.attachInput(capture);
    client.attachOutput(player);
    await capture.start();
    await player.start();
  }
  if (config.kind === 'webrtc' && config.attachAudio !== true) microphone.gate();
  if (config.kind === 'websocket' && config.microphone) {
    capture = new MicrophoneCapture({ echoCancellation: false, noiseSuppression: false, autoGainControl: false, workletUrl: '/worklets/capture-processor.js' });
    client.attachInput(capture);
  }
  await client.connect();
  await microphone.open();
  if (capture && !config.attachAudio) await capture.start();
}

function read(): PageSnapshot {
  if (client) {
    snapshot.conversation = client.conversation.entries.map((entry) => ({ role: entry.role, type: entry.type, text: entry.text, sessions: entry.sessions }));
    snapshot.sessionInstructions = client.session?.instructions;
  }
  return JSON.parse(JSON.stringify(snapshot)) as PageSnapshot;
}

async function stop(): Promise<void> {
  await capture?.stop().catch(() => undefined);
  capture = undefined;
  await player?.close().catch(() => undefined);
  player = undefined;
  client?.disconnect();
  client = undefined;
  transport = undefined;
}

function webrtc(): WebRTCTransport {
  if (!(transport instanceof WebRTCTransport)) throw new Error('not a WebRTC transport');
  return transport;
}

/** Outbound RTP packets sent so far on the current peer connection. */
async function packetsSent(): Promise<number> {
  const pc = webrtc().peerConnection;
  if (!pc) return -1;
  let sent = 0;
  (await pc.getStats()).forEach((report: { type: string; kind?: string; packetsSent?: number }) => {
    if (report.type === 'outbound-rtp' && report.kind === 'audio') sent += report.packetsSent ?? 0;
  });
  return sent;
}

/** Inbound RTP of the assistant's track: packets and the audio energy the browser decoded. */
async function inbound(): Promise<{ packetsReceived: number; totalAudioEnergy: number; elementPaused: boolean | undefined }> {
  const transport = webrtc();
  const pc = transport.peerConnection;
  let packetsReceived = 0;
  let totalAudioEnergy = 0;
  (await pc?.getStats())?.forEach((report: { type: string; kind?: string; packetsReceived?: number; totalAudioEnergy?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') {
      packetsReceived += report.packetsReceived ?? 0;
      totalAudioEnergy += report.totalAudioEnergy ?? 0;
    }
  });
  return { packetsReceived, totalAudioEnergy, elementPaused: transport.audioElement?.paused };
}

/** The loudest sample of the assistant's audio over `ms`, measured by an AnalyserNode on the remote stream. */
async function listen(ms: number): Promise<{ peak: number; rms: number }> {
  const stream = webrtc().remoteStream;
  if (!stream) throw new Error('no remote stream yet');
  const context = new AudioContext();
  await context.resume();
  const analyser = context.createAnalyser();
  context.createMediaStreamSource(stream).connect(analyser);
  const heard = await measure(analyser, ms);
  await context.close();
  return heard;
}

/** The same, measured on the attached AudioPlayer's output node: the assistant plays through the player. */
async function listenPlayer(ms: number): Promise<{ peak: number; rms: number }> {
  const node = player?.outputNode;
  if (!node) throw new Error('no player output yet');
  const analyser = node.context.createAnalyser();
  node.connect(analyser);
  const heard = await measure(analyser, ms);
  node.disconnect(analyser);
  return heard;
}

/** The energy the call's microphone track carried so far (the sender's media-source stats). */
async function sentEnergy(): Promise<number> {
  let energy = 0;
  (await webrtc().peerConnection?.getStats())?.forEach((report: { type: string; kind?: string; totalAudioEnergy?: number }) => {
    if (report.type === 'media-source' && report.kind === 'audio') energy += report.totalAudioEnergy ?? 0;
  });
  return energy;
}

/** How the attached audio is wired. */
function attached(): { sendsCaptureTrack: boolean; microphoneOpens: number; elementMuted: boolean | undefined; captureLevels: number; localTracks: number } {
  const transport = webrtc();
  const sent = transport.peerConnection?.getSenders().find((sender) => sender.track?.kind === 'audio')?.track;
  const local = transport.localStream;
  return {
    sendsCaptureTrack: sent !== undefined && sent !== null && local !== undefined && local.getAudioTracks()[0] === sent && capture?.stream?.getAudioTracks()[0] !== sent,
    microphoneOpens,
    elementMuted: transport.audioElement?.muted,
    captureLevels,
    localTracks: local?.getAudioTracks().length ?? 0,
  };
}

async function measure(analyser: AnalyserNode, ms: number): Promise<{ peak: number; rms: number }> {
  analyser.fftSize = 2048;
  const samples = new Float32Array(analyser.fftSize);
  let peak = 0;
  let sum = 0;
  let count = 0;
  const until = performance.now() + ms;
  while (performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 40));
    analyser.getFloatTimeDomainData(samples);
    for (const value of samples) {
      peak = Math.max(peak, Math.abs(value));
      sum += value * value;
      count += 1;
    }
  }
  return { peak, rms: Math.sqrt(sum / Math.max(1, count)) };
}

const vx = {
  start,
  read,
  stop,
  packetsSent,
  inbound,
  listen,
  sendText: (text: string) => client!.sendText(text),
  interrupt: async () => JSON.parse(JSON.stringify(await client!.interrupt())) as InterruptionInfo,
  setMuted: (muted: boolean) => webrtc().setMuted(muted),
  /** Whether the call's sender has an audio track (false once a mute's `replaceTrack(null)` is done: no RTP leaves). */
  sendsAudio: () => webrtc().peerConnection?.getSenders().some((sender) => sender.track?.kind === 'audio') ?? false,
  setCaptureMuted: (muted: boolean) => capture!.setMuted(muted),
  listenPlayer,
  sentEnergy,
  attached,
  sendRaw: (event: Parameters<RealtimeClient['send']>[0]) => client!.send(event),
};

declare global {
  interface Window {
    vx: typeof vx;
  }
}

window.vx = vx;
document.title = 'ready';
