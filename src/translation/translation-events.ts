import type { ClientState } from '../client/client-events';
import type { RealtimeError } from '../base/errors';
import type {
  TranslationServerEvent,
  TranslationServerEventMap,
  TranslationServerEventType,
  TranslationSession,
} from '../events/translation';
import type { UnknownTranslationServerEvent } from '../events/translation-parse';

/** A piece of transcript (the `sourceTranscript` and `translatedTranscript` events). */
export interface TranslationTranscriptInfo {
  /** The new text, append-only: the server's delta as it came (no space is inserted). */
  delta: string;
  /** All the text of this side so far, across reconnects. */
  text: string;
  /** The server's alignment time (`elapsed_ms`), in 200 ms steps, when it gave one. */
  elapsedMs: number | undefined;
}

/** A chunk of translated audio (the `audio` event). */
export interface TranslationAudioInfo {
  /** PCM16 mono samples. */
  samples: Int16Array;
  /** Their sample rate (24000). */
  sampleRate: number;
  /** The server's alignment time (`elapsed_ms`), when it gave one. */
  elapsedMs: number | undefined;
}

/**
 * The events of `TranslationClient`: lifecycle events under short names, every known
 * translation server event under its wire name, and `'*'` for every event as it arrived.
 */
export type TranslationClientEvents = {
  /** The connection state changed (the same states as `RealtimeClient`). */
  state: [state: ClientState, previous: ClientState];
  /** The server confirmed the session (`session.created`, `session.updated`). */
  session: [session: TranslationSession];
  /** Source-language transcript text (needs `audio.input.transcription` in the session). */
  sourceTranscript: [event: TranslationTranscriptInfo];
  /** Translated transcript text. */
  translatedTranscript: [event: TranslationTranscriptInfo];
  /** Translated audio, decoded (WebSocket; over WebRTC it plays from the remote track). */
  audio: [event: TranslationAudioInfo];
  /** A server `error`, a frame that did not parse, or a transport error. The session goes on. */
  error: [error: RealtimeError];
  /** Every server event, known or not, as it arrived. */
  '*': [event: TranslationServerEvent | UnknownTranslationServerEvent];
} & {
  [Type in Exclude<TranslationServerEventType, 'error'>]: [event: TranslationServerEventMap[Type]];
};
