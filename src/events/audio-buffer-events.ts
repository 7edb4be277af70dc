/**
 * The audio buffer families of GA server events: `input_audio_buffer.*` (commit, clear, VAD,
 * DTMF) and `output_audio_buffer.*` (WebRTC and SIP playback). Joined into
 * `serverEventSchemas` by server-events.ts.
 */
import * as z from 'zod/mini';
import { lenient } from './primitives';
import { pure } from './pure';
import { itemField, serverEvent } from './server-event-base';

/** The input and output audio buffer server events, by `type`. */
export const audioBufferEventSchemas = /* @__PURE__ */ pure(() => ({
  /**
   * Returned when an input audio buffer is committed, either by the client or automatically in
   * server VAD mode.
   */
  'input_audio_buffer.committed': serverEvent('input_audio_buffer.committed', {
    ...itemField,
    /**
     * The ID of the preceding item after which the new item will be inserted. Can be `null` if
     * the item has no predecessor.
     */
    previous_item_id: lenient(z.string()),
  }),
  /**
   * Returned when the input audio buffer is cleared by the client with a
   * `input_audio_buffer.clear` event.
   */
  'input_audio_buffer.cleared': serverEvent('input_audio_buffer.cleared', {}),
  /**
   * Sent by the server when in `server_vad` mode to indicate that speech has been detected in
   * the audio buffer. This can happen any time audio is added to the buffer (unless speech is
   * already detected).
   */
  'input_audio_buffer.speech_started': serverEvent('input_audio_buffer.speech_started', {
    ...itemField,
    /**
     * Milliseconds from the start of all audio written to the buffer during the session when
     * speech was first detected. This will correspond to the beginning of audio sent to the
     * model, and thus includes the `prefix_padding_ms` configured in the Session.
     */
    audio_start_ms: z.number(),
  }),
  /**
   * Returned in `server_vad` mode when the server detects the end of speech in the audio
   * buffer.
   */
  'input_audio_buffer.speech_stopped': serverEvent('input_audio_buffer.speech_stopped', {
    ...itemField,
    /**
     * Milliseconds since the session started when speech stopped. This will correspond to the
     * end of audio sent to the model, and thus includes the `min_silence_duration_ms`
     * configured in the Session.
     */
    audio_end_ms: z.number(),
  }),
  /** Returned when the Server VAD timeout is triggered for the input audio buffer. */
  'input_audio_buffer.timeout_triggered': serverEvent('input_audio_buffer.timeout_triggered', {
    ...itemField,
    /**
     * Millisecond offset of audio written to the input audio buffer that was after the playback
     * time of the last model response.
     */
    audio_start_ms: z.number(),
    /**
     * Millisecond offset of audio written to the input audio buffer at the time the timeout was
     * triggered.
     */
    audio_end_ms: z.number(),
  }),
  // The only GA event without an `event_id` (the official example and the openai types agree).
  /**
   * **SIP Only:** Returned when an DTMF event is received. A DTMF event is a message that
   * represents a telephone keypad press (0–9, *, #, A–D). The `event` property is the keypad
   * that the user press.
   */
  'input_audio_buffer.dtmf_event_received': z.looseObject({
    /** The event type, must be `input_audio_buffer.dtmf_event_received`. */
    type: z.literal('input_audio_buffer.dtmf_event_received'),
    /** The unique ID of the server event. This event may arrive without one. */
    event_id: lenient(z.string()),
    /** The telephone keypad that was pressed by the user. */
    event: z.string(),
    /** UTC Unix Timestamp when DTMF Event was received by server. */
    received_at: z.number(),
  }),
  /**
   * **WebRTC/SIP Only:** Emitted when the server begins streaming audio to the client. This
   * event is emitted after an audio content part has been added (`response.content_part.added`)
   * to the response.
   */
  'output_audio_buffer.started': serverEvent('output_audio_buffer.started', {
    /** The unique ID of the response that produced the audio. */
    response_id: z.string(),
  }),
  /**
   * **WebRTC/SIP Only:** Emitted when the output audio buffer has been completely drained on
   * the server, and no more audio is forthcoming.
   */
  'output_audio_buffer.stopped': serverEvent('output_audio_buffer.stopped', {
    /** The unique ID of the response that produced the audio. */
    response_id: z.string(),
  }),
  /** **WebRTC/SIP Only:** Emitted when the output audio buffer is cleared. */
  'output_audio_buffer.cleared': serverEvent('output_audio_buffer.cleared', {
    /** The unique ID of the response that produced the audio. */
    response_id: z.string(),
  }),
}));
