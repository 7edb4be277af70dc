/**
 * The external store behind `voxwire/react`: it listens to one client (and the microphone and
 * player it attaches) and keeps an immutable {@link VoiceSnapshot} for `useSyncExternalStore`,
 * so what a component reads is never stale. It has no React in it and is tested in Node.
 *
 * StrictMode and fast refresh mount, unmount and mount again in one go; the store is retained
 * and released around that, and lets go of its client only when a release is not followed by
 * a retain in the same task. So one provider holds one client, and one socket.
 */
import { RealtimeError, isRealtimeError } from '../base/errors';
import type { ClientState, SpeakingInfo } from '../client/client-events';
import type { ConversationChange, ConversationEntry, TranscriptUpdate } from '../client/conversation';
import type { ToolCallInfo, ToolErrorInfo, ToolResultInfo } from '../tools/tool-events';
import type { LiveTranscriptDelta } from '../live/live-client-events';
import type { LiveTurn } from '../live/live-transcript';
// Through the voxwire/audio barrel: the bindings then reach what that entry reaches, so the
// build's shared chunks (and the root app's size) stay as they are without this entry.
import { AudioPlayer, MicrophoneCapture, listAudioInputDevices, listAudioOutputDevices } from '../audio/index';
import type { AudioLevel, AudioPlayerOptions, MicrophoneCaptureOptions, MicrophoneCaptureState } from '../audio/index';
import { INITIAL_VOICE_SNAPSHOT, freezeEntry } from './snapshot';
import type { ToolActivity, TranscriptLine, VoiceClient, VoiceSnapshot } from './snapshot';

/** The audio the store creates and attaches to the client. */
export interface VoiceAudioOptions {
  /**
   * The microphone: options of `MicrophoneCapture`, or false to attach none.
   * @default a MicrophoneCapture with its default options
   */
  input?: MicrophoneCaptureOptions | false;
  /**
   * The speaker: options of `AudioPlayer`, or false to attach none.
   * @default an AudioPlayer with its default options
   */
  output?: AudioPlayerOptions | false;
}

/** Options of {@link VoiceStore} (and the props of `VoxwireProvider`). */
export interface VoiceStoreOptions<Client extends VoiceClient = VoiceClient> {
  /**
   * The client. A function that creates it is called once, when the client is first needed;
   * the store owns that client and disconnects it when released for good (the provider
   * unmounts). A client passed as it is stays yours: the store only detaches its audio.
   */
  client: Client | (() => Client);
  /**
   * The microphone and player the store creates (in the browser, once mounted) and attaches.
   * false: none; attach your own to the client.
   * @default a MicrophoneCapture and an AudioPlayer with their default options
   */
  audio?: VoiceAudioOptions | false;
}

type Listener = (...args: never[]) => void;
interface Listenable {
  on(name: string, listener: Listener): unknown;
  off(name: string, listener: Listener): unknown;
}

/**
 * A voice session as an external store: `subscribe` and `getSnapshot` for
 * `useSyncExternalStore`, and the actions a UI needs. `VoxwireProvider` creates one; use it
 * directly to bind another framework.
 *
 * @example
 * ```ts
 * import { RealtimeClient } from 'voxwire';
 * import { VoiceStore } from 'voxwire/react';
 *
 * const store = new VoiceStore({ client: () => new RealtimeClient({ url: '/realtime' }) });
 * const release = store.retain();
 * store.subscribe(() => render(store.getSnapshot()));
 * button.onclick = () => store.connect();
 * ```
 */
export class VoiceStore<Client extends VoiceClient = VoiceClient> {
  readonly #options: VoiceStoreOptions<Client>;
  readonly #listeners = new Set<() => void>();
  #snapshot: VoiceSnapshot = INITIAL_VOICE_SNAPSHOT;
  #client: Client | undefined;
  #capture: MicrophoneCapture | undefined;
  #player: AudioPlayer | undefined;
  #retained = 0;
  #active = false;
  #releaseTimer: ReturnType<typeof setTimeout> | undefined;
  #unbind: (() => void)[] = [];
  #connecting: Promise<void> | undefined;
  readonly #copies = new Map<string, ConversationEntry>();
  readonly #finalItems = new Set<string>();

  /** @param options - See {@link VoiceStoreOptions}. */
  constructor(options: VoiceStoreOptions<Client>) {
    this.#options = options;
  }

  /** The client, created on first use when the store was given a function. */
  get client(): Client {
    this.#client ??= typeof this.#options.client === 'function' ? this.#options.client() : this.#options.client;
    return this.#client;
  }

  /** The microphone the store attached, while it is active. */
  get capture(): MicrophoneCapture | undefined {
    return this.#capture;
  }

  /** The player the store attached, while it is active. */
  get player(): AudioPlayer | undefined {
    return this.#player;
  }

  /** Registers a function called after every change; returns the function that removes it. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The current snapshot (the same object until something changes). */
  readonly getSnapshot = (): VoiceSnapshot => this.#snapshot;

  /** The snapshot server rendering shows: nothing connected, nothing said. */
  readonly getServerSnapshot = (): VoiceSnapshot => INITIAL_VOICE_SNAPSHOT;

  /**
   * Starts listening (and, the first time, creates and attaches the audio). Returns the
   * release function. The store lets go (hangs up an owned client, stops the audio) when the
   * last retain is released and no other retain follows in the same task.
   */
  retain(): () => void {
    this.#retained += 1;
    clearTimeout(this.#releaseTimer);
    if (!this.#active) this.#activate();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#retained -= 1;
      if (this.#retained === 0) this.#releaseTimer = setTimeout(() => this.#deactivate(), 0);
    };
  }

  /**
   * Starts the microphone and the player (call it from a click: browsers start audio only in
   * a user gesture) and connects. Never rejects: a failure shows in the snapshot's `state`
   * and `error`. Calling it while connecting or connected does nothing (one socket).
   */
  connect(): Promise<void> {
    const status = this.client.state.status;
    if (this.#connecting !== undefined) return this.#connecting;
    if (status === 'connecting' || status === 'connected' || status === 'reconnecting') return Promise.resolve();
    // The audio starts in this call's synchronous part, inside the user's gesture.
    const audio = Promise.all([this.#capture?.start(), this.#player?.start()]);
    this.#connecting = audio
      .then(() => {
        this.#update({ error: undefined });
        return this.client.connect();
      })
      .catch(async (error: unknown) => {
        this.#fail(error);
        this.client.disconnect();
        await this.#capture?.stop().catch(() => undefined);
      })
      .finally(() => {
        this.#connecting = undefined;
      });
    return this.#connecting;
  }

  /** Hangs up: closes the connection (no reconnect), stops the microphone and what plays. */
  hangUp(): void {
    this.client.disconnect();
    void this.#capture?.stop().catch((error: unknown) => this.#fail(error));
    void this.#player?.flush().catch(() => null);
  }

  /** Mutes or unmutes the microphone (muted audio is silence, so the server's VAD ends the turn). */
  setMuted(muted: boolean): void {
    if (this.#capture !== undefined) this.#capture.setMuted(muted);
    else if ('mute' in this.client) {
      if (muted) this.client.mute();
      else this.client.unmute();
    }
    this.#update({ muted });
  }

  /** Switches the microphone (undefined: the system default). Never rejects; a failure shows in `error`. */
  async selectInput(deviceId: string | undefined): Promise<void> {
    try {
      await this.#capture?.setDevice(deviceId);
      this.#update({ devices: { ...this.#snapshot.devices, inputId: deviceId } });
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Switches the output (undefined: the system default). Never rejects; a failure shows in `error`. */
  async selectOutput(deviceId: string | undefined): Promise<void> {
    try {
      await this.#player?.setOutputDevice(deviceId);
      this.#update({ devices: { ...this.#snapshot.devices, outputId: deviceId } });
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Lists the devices again (labels appear once the microphone is allowed). Never rejects. */
  async refreshDevices(): Promise<void> {
    try {
      const [inputs, outputs] = await Promise.all([
        this.#capture?.listDevices() ?? listAudioInputDevices(),
        this.#player?.listDevices() ?? listAudioOutputDevices(),
      ]);
      this.#update({ devices: { ...this.#snapshot.devices, inputs, outputs } });
    } catch (error) {
      this.#fail(error);
    }
  }

  #activate(): void {
    this.#active = true;
    const client = this.client;
    const audio = this.#options.audio ?? {};
    if (audio !== false) {
      if (audio.input !== false) this.#capture = new MicrophoneCapture(audio.input);
      if (audio.output !== false) this.#player = new AudioPlayer(audio.output);
    }
    const capture = this.#capture;
    const player = this.#player;
    if (capture !== undefined) this.#unbind.push(client.attachInput(capture));
    if (player !== undefined) this.#unbind.push(client.attachOutput(player));

    this.#on(client, 'state', (state: ClientState) => this.#onState(state));
    this.#on(client, 'error', (error: RealtimeError) => this.#update({ error }));
    this.#on(client, 'conversation', (change: ConversationChange) => this.#onConversation(change));
    this.#on(client, 'transcript', (update: TranscriptUpdate | LiveTranscriptDelta) => this.#onTranscript(update));
    this.#on(client, 'turn', () => this.#syncLive());
    this.#on(client, 'input_audio_buffer.speech_started', () => this.#speaking('user', true));
    this.#on(client, 'input_audio_buffer.speech_stopped', () => this.#speaking('user', false));
    this.#on(client, 'speaking', (info: SpeakingInfo) => this.#speaking('assistant', info.speaking));
    this.#on(client, 'toolCall', (call: ToolCallInfo) => this.#onTool(call, 'running'));
    this.#on(client, 'toolResult', (result: ToolResultInfo) => this.#onTool(result, 'done', result.output, undefined, result.durationMs));
    this.#on(client, 'toolError', (failure: ToolErrorInfo) => this.#onTool(failure, 'failed', failure.output, failure.error, failure.durationMs));
    if (capture !== undefined) {
      this.#on(capture, 'level', (input: AudioLevel) => this.#update({ levels: { ...this.#snapshot.levels, input } }));
      this.#on(capture, 'state', (state: MicrophoneCaptureState) => {
        if (state.status === 'capturing') void this.refreshDevices();
        if (state.status === 'stopped') this.#update({ levels: { ...this.#snapshot.levels, input: undefined } });
      });
      this.#on(capture, 'devices', () => void this.refreshDevices());
      this.#on(capture, 'error', (error: RealtimeError) => this.#fail(error));
    }
    if (player !== undefined) {
      this.#on(player, 'level', (output: AudioLevel) => this.#update({ levels: { ...this.#snapshot.levels, output } }));
      this.#on(player, 'playing', (playing: boolean) => {
        this.#speaking('assistant', playing);
        if (!playing) this.#update({ levels: { ...this.#snapshot.levels, output: undefined } });
      });
      this.#on(player, 'error', (error: RealtimeError) => this.#fail(error));
    }
    // Events may have come between the first render and this mount: read the client as it is.
    this.#onState(client.state);
    if ('conversation' in client) this.#syncConversation(client.conversation.entries);
    else this.#syncLive();
    this.#update({ muted: capture?.muted ?? false });
    if (typeof navigator !== 'undefined' && navigator.mediaDevices !== undefined) void this.refreshDevices();
  }

  #deactivate(): void {
    if (this.#retained > 0 || !this.#active) return;
    this.#active = false;
    if (typeof this.#options.client === 'function') this.#client?.disconnect();
    for (const unbind of this.#unbind.splice(0)) unbind();
    const capture = this.#capture;
    const player = this.#player;
    this.#capture = undefined;
    this.#player = undefined;
    void capture?.stop().catch(() => undefined);
    void player?.close().catch(() => undefined);
  }

  #on<Args extends unknown[]>(emitter: object, name: string, listener: (...args: Args) => void): void {
    const target = emitter as Listenable;
    const bound = listener as unknown as Listener;
    target.on(name, bound);
    this.#unbind.push(() => target.off(name, bound));
  }

  #onState(state: ClientState): void {
    const live = state.status === 'connected' || state.status === 'connecting' || state.status === 'reconnecting';
    this.#update(live ? { state } : { state, speaking: INITIAL_VOICE_SNAPSHOT.speaking });
  }

  #onConversation(change: ConversationChange): void {
    const client = this.client;
    if (!('conversation' in client)) return;
    if (change.kind === 'removed') this.#copies.delete(change.entry.id);
    else this.#copies.set(change.entry.id, freezeEntry(change.entry));
    if (change.kind === 'truncated') this.#finalItems.add(change.entry.id);
    this.#syncConversation(client.conversation.entries);
  }

  #onTranscript(update: TranscriptUpdate | LiveTranscriptDelta): void {
    if ('turn' in update) {
      if (update.turn.speaker === 'user') this.#speaking('user', !update.turn.final);
      this.#syncLive();
      return;
    }
    if (update.final) this.#finalItems.add(update.itemId);
    else this.#finalItems.delete(update.itemId);
    const client = this.client;
    if ('conversation' in client) this.#syncConversation(client.conversation.entries);
  }

  #syncConversation(entries: readonly ConversationEntry[]): void {
    const conversation = entries.map((entry) => {
      let copy = this.#copies.get(entry.id);
      if (copy === undefined) {
        copy = freezeEntry(entry);
        this.#copies.set(entry.id, copy);
      }
      return copy;
    });
    const transcript: TranscriptLine[] = [];
    for (const entry of conversation) {
      if (entry.type !== 'message' || (entry.role !== 'user' && entry.role !== 'assistant') || entry.text === '') continue;
      const interrupted = entry.truncatedAtMs !== undefined;
      const final = interrupted || this.#finalItems.has(entry.id) || (entry.status !== 'in_progress' && entry.content.every((part) => part.type !== 'input_audio'));
      transcript.push(Object.freeze({ id: entry.id, role: entry.role, text: entry.text, final, interrupted }));
    }
    this.#update({ conversation: Object.freeze(conversation), transcript: Object.freeze(transcript) });
  }

  #syncLive(): void {
    const client = this.client;
    if (!('transcript' in client)) return;
    const lines = client.transcript.turns.map((turn: LiveTurn): TranscriptLine =>
      Object.freeze({ id: turn.id, role: turn.speaker, text: turn.text, final: turn.final, interrupted: false }),
    );
    const userOpen = client.transcript.turns.some((turn) => turn.speaker === 'user' && !turn.final);
    this.#update({ transcript: Object.freeze(lines) });
    this.#speaking('user', userOpen);
  }

  #speaking(who: 'user' | 'assistant', speaking: boolean): void {
    if (this.#snapshot.speaking[who] === speaking) return;
    this.#update({ speaking: Object.freeze({ ...this.#snapshot.speaking, [who]: speaking }) });
  }

  #onTool(call: ToolCallInfo | ToolResultInfo | ToolErrorInfo, status: ToolActivity['status'], output?: string, error?: RealtimeError, durationMs?: number): void {
    const activity: ToolActivity = Object.freeze({ callId: call.callId, name: call.name, arguments: call.arguments, status, output, error, durationMs });
    const tools = this.#snapshot.tools;
    const index = tools.findIndex((known) => known.callId === call.callId);
    this.#update({ tools: Object.freeze(index < 0 ? [...tools, activity] : tools.map((known, at) => (at === index ? activity : known))) });
  }

  #fail(error: unknown): void {
    this.#update({ error: isRealtimeError(error) ? error : new RealtimeError('VOXWIRE_AUDIO_DEVICE', String((error as Error)?.message ?? error), { cause: error }) });
  }

  #update(change: Partial<VoiceSnapshot>): void {
    const previous = this.#snapshot;
    let changed = false;
    for (const key of Object.keys(change) as (keyof VoiceSnapshot)[]) if (previous[key] !== change[key]) changed = true;
    if (!changed) return;
    this.#snapshot = Object.freeze({ ...previous, ...change });
    for (const listener of [...this.#listeners]) listener();
  }
}
