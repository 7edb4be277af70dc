/**
 * What a mock session needs from its transport: a WebSocket, a WebRTC data channel with its
 * media track, a sideband, or a test's own link. Protocol-free, so the mock of any voice
 * protocol runs its sessions over the same transports.
 */

/** How a session is connected. */
export type MockTransportKind = 'websocket' | 'webrtc' | 'sideband' | 'sip';

/** What a session needs from its transport. */
export interface MockSessionLink {
  /** The transport. `output_audio_buffer.clear` is refused on `websocket`, as the API does. */
  readonly kind: MockTransportKind;
  /** Sends one serialised server event. */
  send(text: string): void;
  /** Closes with a close frame. */
  close(code: number, reason: string): void;
  /** Drops the connection without a close frame (the client sees 1006). */
  terminate(): void;
  /** Bytes queued but not yet sent, for backpressure. */
  bufferedAmount?(): number;
  /**
   * Media transports only: plays reply audio on the outbound track. When present, the session
   * sends no `response.output_audio.delta` events (the audio travels as media) and reports
   * `output_audio_buffer.started|stopped` instead, as WebRTC sessions do.
   */
  writeOutputAudio?(pcm: Int16Array, sampleRate: number): void;
  /**
   * Media transports only: discards reply audio not yet played (`output_audio_buffer.clear`).
   * Returns how much was discarded, in ms (the session truncates the reply to what was played).
   */
  clearOutputAudio?(): number;
  /**
   * Media transports only: calls `onPlayed` once the reply audio written so far has finished
   * playing out on the track (never, if it is cleared first). The session sends
   * `output_audio_buffer.stopped` then, as the API does; without this hook it is sent when the
   * last chunk was written.
   */
  drainOutputAudio?(onPlayed: () => void): void;
}
