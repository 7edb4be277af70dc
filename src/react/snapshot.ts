/**
 * What the React bindings show: one immutable snapshot of a voice session, replaced slice by
 * slice. A slice that did not change keeps its identity, so a hook that selects it does not
 * re-render when another slice moves (levels change 30 times a second; the transcript does not).
 */
import type { RealtimeError } from '../base/errors';
import type { ClientState } from '../client/client-events';
import type { ConversationEntry } from '../client/conversation';
import type { RealtimeClient } from '../client/client';
import type { LiveClient } from '../live/live-client';
import type { AudioDevice } from '../audio/devices';
import type { AudioLevel } from '../audio/levels';

/** A client the bindings can hold: `RealtimeClient` (voxwire) or `LiveClient` (voxwire/live). */
export type VoiceClient = RealtimeClient | LiveClient;

/** One line of the transcript, for either client. */
export interface TranscriptLine {
  /** The conversation item id (`RealtimeClient`) or the turn id (`LiveClient`). */
  readonly id: string;
  /** Who spoke or typed. */
  readonly role: 'user' | 'assistant';
  /** The text so far (an interrupted answer is cut to what was heard). */
  readonly text: string;
  /** True once the text no longer changes. */
  readonly final: boolean;
  /** True when the user cut the assistant off and the text was cut to what was heard. */
  readonly interrupted: boolean;
}

/** A tool call as it runs and ends (from the client's `toolCall`, `toolResult` and `toolError`). */
export interface ToolActivity {
  /** The call's `call_id`. */
  readonly callId: string;
  /** The tool the model called. */
  readonly name: string;
  /** The raw JSON arguments the model sent. */
  readonly arguments: string;
  /** `running` while `execute` runs, then `done` or `failed` (refused, timed out, cancelled). */
  readonly status: 'running' | 'done' | 'failed';
  /** The output the model received, once there is one. */
  readonly output: string | undefined;
  /** Why it failed. */
  readonly error: RealtimeError | undefined;
  /** How long `execute` ran, once it ended. */
  readonly durationMs: number | undefined;
}

/** Who is speaking now. */
export interface SpeakingSnapshot {
  /** The user: between the server's speech start and stop (`LiveClient`: while a user turn is open). */
  readonly user: boolean;
  /** The assistant: while its audio plays (the player's, or the server's over WebRTC). */
  readonly assistant: boolean;
}

/** The latest input and output levels (about 30 a second each while audio runs). */
export interface LevelsSnapshot {
  /** The microphone, measured before mute; undefined when it is not capturing. */
  readonly input: AudioLevel | undefined;
  /** The assistant's audio; undefined when nothing plays. */
  readonly output: AudioLevel | undefined;
}

/** The audio devices and the ones chosen. */
export interface DevicesSnapshot {
  /** The microphones (labels appear once the page has microphone permission). */
  readonly inputs: readonly AudioDevice[];
  /** The audio outputs. */
  readonly outputs: readonly AudioDevice[];
  /** The chosen microphone; undefined for the system default. */
  readonly inputId: string | undefined;
  /** The chosen output; undefined for the system default. */
  readonly outputId: string | undefined;
}

/** Everything the hooks read, as one immutable value. */
export interface VoiceSnapshot {
  /** The client's connection state. */
  readonly state: ClientState;
  /** `RealtimeClient`'s conversation entries, as frozen copies (empty with a `LiveClient`). */
  readonly conversation: readonly ConversationEntry[];
  /** The user's and the assistant's lines, for either client. */
  readonly transcript: readonly TranscriptLine[];
  /** Who is speaking. */
  readonly speaking: SpeakingSnapshot;
  /** Input and output levels. */
  readonly levels: LevelsSnapshot;
  /** True while the microphone is muted. */
  readonly muted: boolean;
  /** Audio devices. */
  readonly devices: DevicesSnapshot;
  /** Tool calls of this conversation, oldest first. */
  readonly tools: readonly ToolActivity[];
  /** The last error (client, microphone, player or a failed action); undefined after a successful connect. */
  readonly error: RealtimeError | undefined;
}

const NOBODY: SpeakingSnapshot = Object.freeze({ user: false, assistant: false });
const SILENT: LevelsSnapshot = Object.freeze({ input: undefined, output: undefined });

/** The snapshot before anything happened; also what server rendering shows. */
export const INITIAL_VOICE_SNAPSHOT: VoiceSnapshot = Object.freeze({
  state: Object.freeze({ status: 'idle' }),
  conversation: Object.freeze([]),
  transcript: Object.freeze([]),
  speaking: NOBODY,
  levels: SILENT,
  muted: false,
  devices: Object.freeze({ inputs: Object.freeze([]), outputs: Object.freeze([]), inputId: undefined, outputId: undefined }),
  tools: Object.freeze([]),
  error: undefined,
});

/** A frozen copy of a conversation entry: the client's entries change in place. */
export function freezeEntry(entry: ConversationEntry): ConversationEntry {
  return Object.freeze({ ...entry, content: Object.freeze(entry.content.map((part) => Object.freeze({ ...part }))) as ConversationEntry['content'] });
}
