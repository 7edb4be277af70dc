/**
 * What a phone provider's media WebSocket looks like to the bridge: a few normalized events in
 * (the stream started, caller audio, a playback mark came back, a key was pressed, the stream
 * stopped) and three messages out (play audio, place a mark, clear what is queued). Twilio
 * Media Streams is {@link twilioMediaStreams}; Telnyx media streaming speaks the same
 * `connected`/`start`/`media`/`mark`/`clear`/`dtmf`/`stop` shape with other field names, and
 * Vonage and Plivo audio WebSockets fit the same five events, so each is one small adapter.
 */

/** The audio a provider carries, as the Realtime API names it (no transcoding: G.711 at 8 kHz). */
export type TelephonyAudioFormat = 'audio/pcmu' | 'audio/pcma';

/** An event from the provider, normalized. */
export type TelephonyEvent =
  /** The stream is up: its id (echoed in every outbound message), the call's, and the app's parameters. */
  | {
      /** The event. */
      type: 'start';
      /** The stream's id, echoed in every outbound message. */
      streamId: string;
      /** The provider's id of the call, when it says. */
      callId: string | undefined;
      /** Parameters the app attached when it answered the call (Twilio `<Parameter>`). */
      parameters: Readonly<Record<string, string>>;
      /** The audio of the stream; undefined when the provider did not say. */
      format: TelephonyAudioFormat | undefined;
    }
  /** Caller audio, base64 G.711 as the provider sent it. */
  | {
      /** The event. */
      type: 'media';
      /** Base64 G.711 audio. */
      payload: string;
    }
  /** A mark came back: the audio sent before it has played (or was cleared). */
  | {
      /** The event. */
      type: 'mark';
      /** The mark's name, as sent. */
      name: string;
    }
  /** The caller pressed a key. */
  | {
      /** The event. */
      type: 'dtmf';
      /** The key: `0`-`9`, `*`, `#`. */
      digit: string;
    }
  /** The stream ended (the call hung up, or the app's TwiML moved on). */
  | {
      /** The event. */
      type: 'stop';
    }
  /** Anything else (`connected`, a newer event): kept whole, ignored by the bridge. */
  | {
      /** The event. */
      type: 'other';
      /** The provider's message, whole. */
      event: unknown;
    };

/** A provider's media WebSocket protocol. */
export interface TelephonyAdapter {
  /** For logs and metrics: `twilio`, `telnyx`... */
  readonly name: string;
  /** Parses one text frame; undefined for a frame that is not JSON or has no event. */
  parse(frame: string): TelephonyEvent | undefined;
  /** The message that plays `payload` (base64 G.711) to the caller. */
  media(streamId: string, payload: string): string;
  /** The message that places a mark after the audio sent so far. */
  mark(streamId: string, name: string): string;
  /** The message that drops the audio queued and not yet played. */
  clear(streamId: string): string;
}
