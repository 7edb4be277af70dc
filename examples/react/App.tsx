/**
 * The React example's app: the browser example's page written with voxwire/react. One
 * provider holds the session; each panel is a component that reads one hook, so the level
 * meters re-render 30 times a second and the transcript only when words arrive.
 */
import { RealtimeClient } from 'voxwire';
import type { AudioLevel } from 'voxwire/audio';
import {
  VoxwireProvider,
  useAudioLevels,
  useConnectionState,
  useDevices,
  useMute,
  useSpeaking,
  useToolActivity,
  useTranscript,
  useVoiceActions,
  useVoiceError,
} from 'voxwire/react';
import type { ReactNode } from 'react';
import { getWeather } from '../node-cli/weather-tool';
import './styles.css';

/** The relay on the page's own origin (`/realtime`), unless the page names another (`?relay=`). */
function relayUrl(): string {
  const named = new URLSearchParams(location.search).get('relay');
  return named ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/realtime`;
}

/** Creates the session's client; the provider calls it once, however often React renders. */
export function createClient(): RealtimeClient {
  return new RealtimeClient({
    url: relayUrl(),
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
}

function Status(): ReactNode {
  const state = useConnectionState();
  const speaking = useSpeaking();
  const tools = useToolActivity();
  const error = useVoiceError();
  let text: string;
  switch (state.status) {
    case 'idle':
      text = 'Press Talk and ask about the weather.';
      break;
    case 'connecting':
      text = 'Connecting…';
      break;
    case 'connected': {
      const running = tools.find((tool) => tool.status === 'running');
      text = running ? `Calling ${running.name}…` : speaking.assistant ? 'Speaking' : speaking.user ? 'Listening: hearing you' : 'Listening';
      break;
    }
    case 'reconnecting':
      text = `Reconnecting (code ${state.closeCode}, attempt ${state.attempt})…`;
      break;
    case 'closed':
      text = state.error ? `Disconnected: ${state.error.message}` : 'Press Talk to start again.';
      break;
    case 'expired':
      text = `The session ended (${state.reason.replace('_', ' ')}). Press Talk for a new one.`;
      break;
  }
  return (
    <section className="panel" aria-live="polite">
      <div id="status-row">
        <span id="status-dot" data-status={state.status} />
        <span id="status" data-status={state.status}>
          {text}
        </span>
        {error && state.status === 'connected' ? <span id="error">{error.message}</span> : null}
      </div>
    </section>
  );
}

function TalkButton(): ReactNode {
  const state = useConnectionState();
  const { connect, hangUp } = useVoiceActions();
  const inCall = state.status === 'connecting' || state.status === 'connected' || state.status === 'reconnecting';
  // connect() starts the microphone and the player inside this click, as browsers require.
  return (
    <button id="talk" type="button" data-talking={inCall} onClick={inCall ? hangUp : () => void connect()}>
      {inCall ? 'Hang up' : 'Talk'}
    </button>
  );
}

/** -60 dBFS (empty) to 0 dBFS (full). */
function Meter({ id, label, level }: { id: string; label: string; level: AudioLevel | undefined }): ReactNode {
  const percent = level === undefined ? 0 : Math.max(0, Math.min(100, ((level.rmsDb + 60) / 60) * 100));
  return (
    <>
      <span>{label}</span>
      <div className="meter">
        <div id={id} style={{ width: `${percent.toFixed(1)}%` }} />
      </div>
      <span className="db">{level === undefined || level.rmsDb <= -100 ? '–∞ dBFS' : `${level.rmsDb.toFixed(0)} dBFS`}</span>
    </>
  );
}

function Levels(): ReactNode {
  const levels = useAudioLevels();
  const [muted, setMuted] = useMute();
  const devices = useDevices();
  return (
    <section className="panel">
      <h2>Levels</h2>
      <div className="meters">
        <Meter id="input-meter" label="microphone" level={levels.input} />
        <Meter id="output-meter" label="assistant" level={levels.output} />
      </div>
      <div className="controls">
        <label>
          <input id="mute" type="checkbox" checked={muted} onChange={(event) => setMuted(event.target.checked)} /> mute
        </label>
        <select id="microphone" value={devices.inputId ?? ''} onChange={(event) => void devices.selectInput(event.target.value || undefined)}>
          <option value="">default microphone</option>
          {devices.inputs
            .filter((device) => !device.isDefault)
            .map((device) => (
              <option key={device.deviceId} value={device.deviceId}>
                {device.label || 'microphone'}
              </option>
            ))}
        </select>
      </div>
    </section>
  );
}

function Transcript(): ReactNode {
  const lines = useTranscript();
  return (
    <section className="panel">
      <h2>Transcript</h2>
      <ol id="transcript">
        {lines.length === 0 ? <li className="empty">Nothing said yet.</li> : null}
        {lines.map((line) => (
          <li key={line.id} className={line.role} data-final={line.final} data-interrupted={line.interrupted}>
            {line.interrupted ? `${line.text} —` : line.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

function ToolCalls(): ReactNode {
  const tools = useToolActivity();
  return (
    <section className="panel">
      <h2>Tool calls</h2>
      <ul id="tools">
        {tools.map((tool) => (
          <li key={tool.callId} data-status={tool.status}>
            {tool.name}({tool.arguments})
            {tool.status === 'done' ? <span className="result">{` → ${tool.output ?? ''} (${Math.round(tool.durationMs ?? 0)} ms)`}</span> : null}
            {tool.status === 'failed' ? <span className="result">{` ✗ ${tool.error?.message ?? ''}`}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Props of {@link App}. */
export interface AppProps {
  /** Creates the session's client. @default createClient */
  client?: () => RealtimeClient;
  /** More components inside the provider (the tests add probes). */
  children?: ReactNode;
}

/** The whole page. */
export function App({ client = createClient, children }: AppProps): ReactNode {
  return (
    <VoxwireProvider client={client}>
      <main>
        <header>
          <h1>
            voxwire <small>· React</small>
          </h1>
          <TalkButton />
        </header>
        <Status />
        <Levels />
        <Transcript />
        <ToolCalls />
        <footer>The page talks to the relay on this server, which keeps the API key.</footer>
      </main>
      {children}
    </VoxwireProvider>
  );
}
