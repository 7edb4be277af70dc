/**
 * The browser example's page: a plain page, no framework. A talk button, the live transcript,
 * input and output level meters, a status line with a reconnecting indicator, and the tool
 * calls as they run. It talks to the relay on the same origin (`/realtime`), which keeps the
 * API key on the server.
 */
import { RealtimeClient } from 'voxwire';
import type { ClientState } from 'voxwire';
import { AudioPlayer, MicrophoneCapture } from 'voxwire/audio';
import type { AudioLevel } from 'voxwire/audio';
import { getWeather } from '../node-cli/weather-tool';

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The page has no #${id}.`);
  return found as T;
}

const talkButton = element<HTMLButtonElement>('talk');
const holdButton = element<HTMLButtonElement>('hold');
const statusText = element('status');
const statusDot = element('status-dot');
const reconnecting = element('reconnecting');
const transcript = element<HTMLOListElement>('transcript');
const tools = element<HTMLUListElement>('tools');
const meters = {
  input: { bar: element('input-meter'), label: element('input-db') },
  output: { bar: element('output-meter'), label: element('output-db') },
};

const relayUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/realtime`;
const client = new RealtimeClient({
  url: relayUrl,
  tools: [getWeather],
  session: {
    type: 'realtime',
    instructions: 'You are a friendly voice assistant. For weather questions call get_weather, then answer in one short sentence.',
    audio: {
      input: { transcription: { model: 'gpt-live-transcribe' }, turn_detection: { type: 'server_vad', silence_duration_ms: 500 } },
      output: { voice: 'marin' },
    },
  },
});
const capture = new MicrophoneCapture();
const player = new AudioPlayer();
client.attachInput(capture);
client.attachOutput(player);

// ---------------------------------------------------------------------------------------------
// Status line: what the assistant is doing, and whether the connection is healthy.

type StatusKind = 'idle' | 'live' | 'busy' | 'warn' | 'bad';

function setStatus(text: string, kind: StatusKind): void {
  statusText.textContent = text;
  statusDot.dataset.kind = kind;
}

let talking = false;
let speaking = false;
let countdown: ReturnType<typeof setInterval> | undefined;

function showReconnecting(state: Extract<ClientState, { status: 'reconnecting' }> | undefined): void {
  clearInterval(countdown);
  if (state === undefined) {
    reconnecting.hidden = true;
    reconnecting.textContent = '';
    return;
  }
  const retryAt = performance.now() + state.nextDelayMs;
  const render = (): void => {
    const seconds = Math.max(0, (retryAt - performance.now()) / 1000);
    reconnecting.textContent = `Connection lost (code ${state.closeCode}) · attempt ${state.attempt} in ${seconds.toFixed(1)} s`;
  };
  render();
  reconnecting.hidden = false;
  countdown = setInterval(render, 100);
}

client.on('state', (state) => {
  switch (state.status) {
    case 'connecting':
      setStatus('Connecting…', 'busy');
      break;
    case 'connected':
      showReconnecting(undefined);
      setStatus(speaking ? 'Speaking' : 'Listening', 'live');
      break;
    case 'reconnecting':
      showReconnecting(state);
      setStatus('Reconnecting…', 'warn');
      break;
    case 'closed':
      showReconnecting(undefined);
      setStatus(state.error ? `Disconnected: ${state.error.message}` : 'Press Talk to start again.', state.error ? 'bad' : 'idle');
      setTalking(false);
      break;
    case 'expired':
      showReconnecting(undefined);
      setStatus(`The session ended (${state.reason.replace('_', ' ')}). Press Talk for a new one.`, 'idle');
      setTalking(false);
      break;
    default:
  }
});
client.on('input_audio_buffer.speech_started', () => setStatus('Listening: hearing you', 'live'));
client.on('input_audio_buffer.speech_stopped', () => setStatus('Thinking…', 'busy'));
client.on('response.created', () => setStatus('Thinking…', 'busy'));
player.on('playing', (playing) => {
  speaking = playing;
  if (client.state.status === 'connected') setStatus(playing ? 'Speaking' : 'Listening', 'live');
});
client.on('interrupted', () => setStatus('Listening (you interrupted)', 'live'));
client.on('error', (error) => {
  // Server errors are shown but not fatal: the state says when the session really ends.
  setStatus(`${error.code}: ${error.message}`, client.state.status === 'connected' ? 'warn' : 'bad');
});

// ---------------------------------------------------------------------------------------------
// Transcript: one line per item, updated as the words stream in.

const lines = new Map<string, HTMLLIElement>();
client.on('transcript', (update) => {
  const key = `${update.itemId}:${update.contentIndex}`;
  let line = lines.get(key);
  // A part with no words (a tool-call turn, silence) gets no line.
  if (line === undefined && update.text === '') return;
  transcript.querySelector('li.empty')?.remove();
  if (line === undefined) {
    line = document.createElement('li');
    line.className = update.role;
    lines.set(key, line);
    transcript.append(line);
  }
  line.textContent = update.text;
  line.classList.toggle('final', update.final);
});
client.on('conversation', (change) => {
  // A barge-in cuts the assistant's line to what was actually heard.
  if (change.kind !== 'truncated') return;
  for (const [key, line] of lines) if (key.startsWith(`${change.entry.id}:`)) line.textContent = `${change.entry.text} —`;
});

// ---------------------------------------------------------------------------------------------
// Tool calls, shown while they run.

const calls = new Map<string, HTMLLIElement>();
client.on('toolCall', (call) => {
  const row = document.createElement('li');
  row.dataset.state = 'running';
  row.textContent = `${call.name}(${call.arguments})`;
  calls.set(call.callId, row);
  tools.append(row);
  setStatus(`Calling ${call.name}…`, 'busy');
});
client.on('toolResult', (result) => {
  const row = calls.get(result.callId);
  if (!row) return;
  row.dataset.state = 'done';
  const output = document.createElement('span');
  output.className = 'result';
  output.textContent = ` → ${result.output} (${Math.round(result.durationMs)} ms)`;
  row.append(output);
});
client.on('toolError', (failure) => {
  const row = calls.get(failure.callId) ?? document.createElement('li');
  if (!row.isConnected) {
    row.textContent = `${failure.name}(${failure.arguments})`;
    tools.append(row);
  }
  row.dataset.state = 'error';
  row.append(` ✗ ${failure.error.message}`);
});

// ---------------------------------------------------------------------------------------------
// Level meters: -60 dBFS (empty) to 0 dBFS (full); the peak width seen is kept in data-peak.

function showLevel(meter: { bar: HTMLElement; label: HTMLElement }, level: AudioLevel): void {
  const percent = Math.max(0, Math.min(100, ((level.rmsDb + 60) / 60) * 100));
  meter.bar.style.width = `${percent.toFixed(1)}%`;
  meter.bar.dataset.peak = String(Math.max(Number(meter.bar.dataset.peak ?? 0), Math.round(percent)));
  meter.label.textContent = level.rmsDb <= -100 ? '–∞ dBFS' : `${level.rmsDb.toFixed(0)} dBFS`;
}
capture.on('level', (level) => showLevel(meters.input, level));
player.on('level', (level) => showLevel(meters.output, level));
player.on('playing', (playing) => {
  if (!playing) showLevel(meters.output, { rms: 0, peak: 0, rmsDb: -120, peakDb: -120, contextTime: 0 });
});

// ---------------------------------------------------------------------------------------------
// The talk button: audio starts inside the click, as browsers require.

function setTalking(value: boolean): void {
  talking = value;
  talkButton.dataset.talking = String(value);
  talkButton.textContent = value ? 'Hang up' : 'Talk';
  holdButton.disabled = !value;
  // A new session starts with voice detection again.
  if (!value) manualTurns = false;
}

// ---------------------------------------------------------------------------------------------
// Push-to-talk, beside voice detection: some microphones never trip the server's VAD (a
// browser's fake microphone beeps, a noisy room is never quiet). Holding the button (or Space)
// switches this session to manual turns: the input buffer is cleared on press, and committed
// with a response request on release.

let manualTurns = false;
let holding = false;

async function pressHold(): Promise<void> {
  if (holding || !talking) return;
  holding = true;
  holdButton.dataset.holding = 'true';
  setStatus('Listening: let go to send', 'live');
  if (!manualTurns) {
    manualTurns = true;
    await client.updateSession({ audio: { input: { turn_detection: null } } }).catch((error: unknown) => {
      setStatus(`Could not switch to push-to-talk: ${(error as Error).message}`, 'warn');
    });
    if (!holding) return;
  }
  client.clearInputAudio();
}

function releaseHold(): void {
  if (!holding) return;
  holding = false;
  holdButton.dataset.holding = 'false';
  if (client.commitInputAudio()) client.createResponse();
}

holdButton.addEventListener('pointerdown', (event) => {
  event.preventDefault();
  void pressHold();
});
holdButton.addEventListener('pointerup', releaseHold);
holdButton.addEventListener('pointerleave', releaseHold);
window.addEventListener('keydown', (event) => {
  if (event.code !== 'Space' || event.repeat || event.target instanceof HTMLButtonElement) return;
  event.preventDefault();
  void pressHold();
});
window.addEventListener('keyup', (event) => {
  if (event.code === 'Space') releaseHold();
});

talkButton.addEventListener('click', async () => {
  talkButton.disabled = true;
  try {
    if (talking) {
      client.disconnect();
      await capture.stop();
      setTalking(false);
      return;
    }
    await Promise.all([capture.start(), player.start()]);
    await client.connect();
    setTalking(true);
  } catch (error) {
    setStatus(`Could not start: ${(error as Error).message}`, 'bad');
    await capture.stop().catch(() => undefined);
    client.disconnect();
    setTalking(false);
  } finally {
    talkButton.disabled = false;
  }
});
