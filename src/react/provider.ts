/**
 * `VoxwireProvider`: one voice session for the components under it. It creates one
 * {@link VoiceStore} per mounted provider and keeps it across StrictMode's double mount and
 * fast refresh, so there is one client and one socket however often React renders.
 */
import { createContext, createElement, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { VoiceStore } from './store';
import type { VoiceStoreOptions } from './store';
import type { VoiceClient } from './snapshot';

/** The store of the nearest provider. */
export const VoiceStoreContext = createContext<VoiceStore | undefined>(undefined);

/** Props of {@link VoxwireProvider}: the store's options and the app. */
export interface VoxwireProviderProps<Client extends VoiceClient = VoiceClient> extends VoiceStoreOptions<Client> {
  /** The components that use the hooks. */
  children?: ReactNode;
}

/**
 * Holds one voice session for the hooks below it. The props are read once, when the provider
 * mounts: to start over with other options, give it a new `key`. Server rendering shows the
 * idle session and touches no browser API; the audio is created once mounted in the browser.
 * Unmounting hangs up (a client created by `client()`) and releases the microphone and player.
 *
 * @example
 * ```tsx
 * import { RealtimeClient } from 'voxwire';
 * import { VoxwireProvider, useConnectionState, useVoiceActions } from 'voxwire/react';
 *
 * function TalkButton() {
 *   const state = useConnectionState();
 *   const { connect, hangUp } = useVoiceActions();
 *   return state.status === 'connected'
 *     ? <button onClick={hangUp}>Hang up</button>
 *     : <button onClick={connect}>Talk</button>;
 * }
 *
 * export const App = () => (
 *   <VoxwireProvider client={() => new RealtimeClient({ url: '/realtime' })}>
 *     <TalkButton />
 *   </VoxwireProvider>
 * );
 * ```
 */
export function VoxwireProvider<Client extends VoiceClient = VoiceClient>(props: VoxwireProviderProps<Client>): ReactNode {
  const [store] = useState(() => new VoiceStore<Client>({ client: props.client, audio: props.audio }));
  useEffect(() => store.retain(), [store]);
  return createElement(VoiceStoreContext.Provider, { value: store as unknown as VoiceStore }, props.children);
}
