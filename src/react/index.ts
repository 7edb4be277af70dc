/**
 * `voxwire/react`: React bindings (React 18 or later, an optional peer dependency). A provider
 * holds one voice session; hooks read its connection state, transcript, speaking, levels,
 * devices, mute and tool activity from an external store, so state is never stale and
 * StrictMode's double mount opens one socket, not two.
 *
 * @example
 * ```tsx
 * import { RealtimeClient } from 'voxwire';
 * import { VoxwireProvider, useTranscript, useVoiceActions } from 'voxwire/react';
 *
 * function Transcript() {
 *   const lines = useTranscript();
 *   return <ol>{lines.map((line) => <li key={line.id} className={line.role}>{line.text}</li>)}</ol>;
 * }
 *
 * function Talk() {
 *   const { connect, hangUp } = useVoiceActions();
 *   return <><button onClick={connect}>Talk</button><button onClick={hangUp}>Hang up</button></>;
 * }
 *
 * export const App = () => (
 *   <VoxwireProvider client={() => new RealtimeClient({ url: '/realtime' })}>
 *     <Talk />
 *     <Transcript />
 *   </VoxwireProvider>
 * );
 * ```
 *
 * @packageDocumentation
 */

// Provider and store
export { VoxwireProvider } from './provider';
export type { VoxwireProviderProps } from './provider';
export { VoiceStore } from './store';
export type { VoiceStoreOptions, VoiceAudioOptions } from './store';

// Hooks
export {
  useVoiceStore,
  useVoiceSelector,
  useVoiceClient,
  useConnectionState,
  useConversation,
  useTranscript,
  useSpeaking,
  useAudioLevels,
  useToolActivity,
  useVoiceError,
  useMute,
  useDevices,
  useVoiceActions,
} from './hooks';
export type { DevicesControl, VoiceActions } from './hooks';

// Snapshot
export { INITIAL_VOICE_SNAPSHOT } from './snapshot';
export type { VoiceClient, VoiceSnapshot, TranscriptLine, ToolActivity, SpeakingSnapshot, LevelsSnapshot, DevicesSnapshot } from './snapshot';
