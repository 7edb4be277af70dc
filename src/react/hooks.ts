/**
 * The hooks of `voxwire/react`. Each reads one slice of the provider's {@link VoiceSnapshot}
 * through `useSyncExternalStore`, so a component re-renders when its slice changes, never
 * shows a stale value, and is not disturbed by the slices it does not read.
 */
import { useContext, useMemo, useSyncExternalStore } from 'react';
import { RealtimeError } from '../base/errors';
import type { ClientState } from '../client/client-events';
import type { ConversationEntry } from '../client/conversation';
import type { RealtimeClient } from '../client/client';
import { VoiceStoreContext } from './provider';
import type { VoiceStore } from './store';
import type { DevicesSnapshot, LevelsSnapshot, SpeakingSnapshot, ToolActivity, TranscriptLine, VoiceClient, VoiceSnapshot } from './snapshot';

/**
 * The store of the nearest `VoxwireProvider` (name the client class when it holds a
 * `LiveClient`: `useVoiceStore<LiveClient>()`).
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` outside a provider.
 */
export function useVoiceStore<Client extends VoiceClient = RealtimeClient>(): VoiceStore<Client> {
  const store = useContext(VoiceStoreContext);
  if (store === undefined) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'voxwire/react: a hook was called outside <VoxwireProvider>; render the component inside one.');
  return store as unknown as VoiceStore<Client>;
}

/**
 * One value of the snapshot. `select` must return a part of the snapshot or a primitive (a
 * new object on every call would never compare equal).
 */
export function useVoiceSelector<Value>(select: (snapshot: VoiceSnapshot) => Value): Value {
  const store = useVoiceStore();
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getSnapshot()),
    () => select(store.getServerSnapshot()),
  );
}

/** The provider's client (`useVoiceClient<LiveClient>()` for a Live session). */
export function useVoiceClient<Client extends VoiceClient = RealtimeClient>(): Client {
  return useVoiceStore<Client>().client;
}

/** The connection state: idle, connecting, connected, reconnecting (attempt, delay), closed or expired. */
export function useConnectionState(): ClientState {
  return useVoiceSelector((snapshot) => snapshot.state);
}

/** The conversation entries of a `RealtimeClient` (frozen copies; empty with a `LiveClient`). */
export function useConversation(): readonly ConversationEntry[] {
  return useVoiceSelector((snapshot) => snapshot.conversation);
}

/** The user's and the assistant's lines, updated as words stream in and cut when interrupted. */
export function useTranscript(): readonly TranscriptLine[] {
  return useVoiceSelector((snapshot) => snapshot.transcript);
}

/** Whether the user and the assistant are speaking now. */
export function useSpeaking(): SpeakingSnapshot {
  return useVoiceSelector((snapshot) => snapshot.speaking);
}

/** The microphone's and the assistant's audio levels (about 30 updates a second while audio runs). */
export function useAudioLevels(): LevelsSnapshot {
  return useVoiceSelector((snapshot) => snapshot.levels);
}

/** The tool calls of the conversation as they run and end. */
export function useToolActivity(): readonly ToolActivity[] {
  return useVoiceSelector((snapshot) => snapshot.tools);
}

/** The last error (client, audio or a failed action), undefined after a successful connect. */
export function useVoiceError(): RealtimeError | undefined {
  return useVoiceSelector((snapshot) => snapshot.error);
}

/** Whether the microphone is muted, and the function that changes it. */
export function useMute(): readonly [muted: boolean, setMuted: (muted: boolean) => void] {
  const store = useVoiceStore();
  const muted = useVoiceSelector((snapshot) => snapshot.muted);
  return [muted, useMemo(() => (value: boolean) => store.setMuted(value), [store])];
}

/** What {@link useDevices} returns: the devices, the chosen ones, and the functions that choose. */
export interface DevicesControl extends DevicesSnapshot {
  /** Switches the microphone (undefined: the system default). */
  selectInput(deviceId: string | undefined): Promise<void>;
  /** Switches the output (undefined: the system default). */
  selectOutput(deviceId: string | undefined): Promise<void>;
  /** Lists the devices again. */
  refresh(): Promise<void>;
}

/** The microphones and outputs, the chosen ones, and the functions that choose. */
export function useDevices(): DevicesControl {
  const store = useVoiceStore();
  const devices = useVoiceSelector((snapshot) => snapshot.devices);
  return useMemo(
    () => ({
      ...devices,
      selectInput: (deviceId: string | undefined) => store.selectInput(deviceId),
      selectOutput: (deviceId: string | undefined) => store.selectOutput(deviceId),
      refresh: () => store.refreshDevices(),
    }),
    [store, devices],
  );
}

/** What {@link useVoiceActions} returns. */
export interface VoiceActions {
  /** Starts the audio and connects (call it from a click). Never rejects; see `useVoiceError()`. */
  connect(): Promise<void>;
  /** Hangs up and stops the audio. */
  hangUp(): void;
}

/** Connect and hang up, as stable functions for `onClick`. */
export function useVoiceActions(): VoiceActions {
  const store = useVoiceStore();
  return useMemo(() => ({ connect: () => store.connect(), hangUp: () => store.hangUp() }), [store]);
}
