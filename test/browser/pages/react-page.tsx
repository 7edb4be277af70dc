/**
 * The React page driven in Chromium (test/browser/react.browser.test.ts): the React example's
 * app under StrictMode, built by Vite in development mode so StrictMode really mounts twice,
 * with probes that count what the test must know: clients created, effect runs, and what the
 * hooks showed between two polls (a passing state, the assistant speaking).
 */
import { StrictMode, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { useAudioLevels, useConnectionState, useMute, useSpeaking } from 'voxwire/react';
import { App, createClient } from '../../../examples/react/App';

/** What the page tells the test. */
export interface ReactPageProbe {
  /** Clients the provider created. */
  clients: number;
  /** Runs of a mount effect beside the provider (2 under StrictMode's double mount). */
  effects: number;
  /** Connection states in the order the hooks showed them. */
  statuses: string[];
  /** Whether the hooks ever showed the user or the assistant speaking. */
  userSpoke: boolean;
  assistantSpoke: boolean;
  /** The loudest input and output levels the hooks showed, in dBFS. */
  inputPeakDb: number;
  outputPeakDb: number;
  /** User utterances heard (the server's speech starts). */
  utterances: number;
}

declare global {
  interface Window {
    __react: ReactPageProbe;
  }
}

window.__react = { clients: 0, effects: 0, statuses: [], userSpoke: false, assistantSpoke: false, inputPeakDb: -Infinity, outputPeakDb: -Infinity, utterances: 0 };

function countingClient(): ReturnType<typeof createClient> {
  window.__react.clients += 1;
  return createClient();
}

function Probe(): ReactNode {
  const state = useConnectionState();
  const speaking = useSpeaking();
  const levels = useAudioLevels();
  const [, setMuted] = useMute();
  const probe = window.__react;
  // One utterance per unmute: the fake microphone repeats the question in a loop, and the test
  // lets exactly one through each time it unmutes, whenever that is (no timing assumed).
  useEffect(() => {
    if (!speaking.user) return;
    probe.utterances += 1;
    setMuted(true);
  }, [probe, speaking.user, setMuted]);
  useEffect(() => {
    if (probe.statuses.at(-1) !== state.status) probe.statuses.push(state.status);
  }, [probe, state]);
  useEffect(() => {
    probe.userSpoke ||= speaking.user;
    probe.assistantSpoke ||= speaking.assistant;
  }, [probe, speaking]);
  useEffect(() => {
    probe.inputPeakDb = Math.max(probe.inputPeakDb, levels.input?.rmsDb ?? -Infinity);
    probe.outputPeakDb = Math.max(probe.outputPeakDb, levels.output?.rmsDb ?? -Infinity);
  }, [probe, levels]);
  return null;
}

function EffectProbe(): ReactNode {
  useEffect(() => {
    window.__react.effects += 1;
  }, []);
  return null;
}

function Root(): ReactNode {
  const [mounted, setMounted] = useState(true);
  return (
    <>
      <EffectProbe />
      <button id="unmount" type="button" style={{ position: 'fixed', bottom: 8, right: 8 }} onClick={() => setMounted(false)}>
        Unmount
      </button>
      {mounted ? (
        <App client={countingClient}>
          <Probe />
        </App>
      ) : (
        <p id="unmounted">The provider is unmounted.</p>
      )}
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
