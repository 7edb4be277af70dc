/**
 * Every GA server event, as a loose zod/mini schema keyed by its `type`. Loose means unknown
 * fields are kept (the API adds fields such as `obfuscation`); optional fields accept `null`,
 * as real traffic sends it. Types are inferred from the schemas.
 *
 * `transcription_session.updated` is deliberately absent: the GA event unions leave it out
 * (GA transcription sessions report through `session.updated` with `session.type:
 * 'transcription'`), so it parses as an unknown event and is delivered whole.
 */
import * as z from 'zod/mini';
import { audioBufferEventSchemas } from './audio-buffer-events';
import { conversationEventSchemas } from './conversation-events';
import { lenient } from './primitives';
import { pure } from './pure';
import { responseEventSchemas } from './response-events';
import { serverEvent } from './server-event-base';
import { transcriptionEventSchemas } from './transcription-events';

/** The `error` object of an `error` event. `code`, `param` and `event_id` are often `null`. */
export const errorObjectSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The type of error (e.g., "invalid_request_error", "server_error"). */
  type: z.string(),
  /** A human-readable error message. */
  message: z.string(),
  /** Error code, if any. */
  code: lenient(z.string()),
  /** Parameter related to the error, if any. */
  param: lenient(z.string()),
  /** The event_id of the client event that caused the error, if applicable. */
  event_id: lenient(z.string()),
}));

/**
 * The `error` object of an `error` event.
 *
 * @useDeclaredType
 */
export type ErrorObject = z.infer<typeof errorObjectSchema>;

/**
 * The schema of every GA server event, by `type`. The mock server validates with these; the
 * SDK looks schemas up here by `type` rather than trying union members in turn. The families
 * live in their own modules, in wire order.
 */
export const serverEventSchemas = /* @__PURE__ */ pure(() => ({
  /**
   * Returned when an error occurs, which could be a client problem or a server problem. Most
   * errors are recoverable and the session will stay open, we recommend to implementers to
   * monitor and log error messages by default.
   */
  error: serverEvent('error', {
    /** Details of the error. */
    error: errorObjectSchema,
  }),
  ...conversationEventSchemas,
  ...transcriptionEventSchemas,
  ...audioBufferEventSchemas,
  ...responseEventSchemas,
}));

/** The `type` of every GA server event the SDK knows. */
export type ServerEventType = keyof typeof serverEventSchemas;

/** Every GA server event `type`, in one array (handy for exhaustive tests and routing tables). */
export const SERVER_EVENT_TYPES = /* @__PURE__ */ pure(() => Object.keys(serverEventSchemas) as ServerEventType[]);

/** Each server event type mapped to its event: `ServerEventMap['response.done']`. */
export type ServerEventMap = { [Type in ServerEventType]: z.infer<(typeof serverEventSchemas)[Type]> };

/** Any known GA server event, discriminated on `type`. */
export type ServerEvent = ServerEventMap[ServerEventType];

/**
 * A well-formed server event whose `type` the SDK does not know (a newer API, a relay's own
 * `voxwire.*` event). Delivered whole, never dropped.
 */
export interface UnknownServerEvent {
  /** The event's `type`, not one of {@link ServerEventType}. */
  type: string;
  [key: string]: unknown;
}
