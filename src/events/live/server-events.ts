/**
 * Every GPT-Live server event (`ServerEvent` and the sideband's `ConnectServerEvent` in the
 * `openai` package 7.60.0, `resources/live/`), as a loose zod/mini schema keyed by `type`.
 * Loose: unknown fields stay, optional fields accept `null`, and `event_id` may be absent (the
 * types leave it out of `session.output_audio.delta` and the reflected sideband input). A
 * nested Responses event inside `response.event` is validated only for its `type`: every other
 * field, and every nested type, passes through whole.
 */
import * as z from 'zod/mini';
import { lenient, openString } from '../primitives';
import { pure } from '../pure';
import { liveSessionResourceSchema } from './session';

function serverEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.looseObject({
    /** The event type. */
    type: z.literal(type),
    /** The unique ID of the server event (absent on audio deltas and sideband reflections). */
    event_id: lenient(z.string()),
    /** The `event_id` of the client command this event answers, when it carried one. */
    client_event_id: lenient(z.string()),
    ...shape,
  });
}

/** A range of the Live session timeline, in milliseconds from its start. */
const timeline = () => ({
  /** Start of the range, in ms from the start of the session. */
  start_ms: z.number(),
  /** End of the range (may equal `start_ms` for appended context). */
  end_ms: z.number(),
});

/** The reasons a Live session ends (`session.closed.reason`). */
export type LiveCloseReason = 'close_requested' | 'expired' | 'content' | 'remote_hangup' | 'connection_lost';

/** The `error` object of a Live `error` event. */
export const liveErrorObjectSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The category, e.g. `invalid_request_error`. */
  type: z.string(),
  /** A machine-readable code, e.g. `unknown_parameter`. */
  code: z.string(),
  /** A human-readable explanation. */
  message: z.string(),
  /** The offending parameter, e.g. `session.voice`. */
  param: lenient(z.string()),
  /** The `event_id` of the client command that caused it. */
  client_event_id: lenient(z.string()),
}));

/** Cumulative Live audio usage (`SessionUsage`): totals, never increments. */
export const liveUsageSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** Cumulative audio seconds of the session. Do not add these up across events. */
  seconds: z.number(),
}));

/**
 * The nested Responses streaming event of a `response.event`. Only its `type` is checked; its
 * other fields (a `response`, an `item`, a `delta`, ...) pass through whole, as do types the SDK
 * does not know.
 */
export const liveNestedResponseEventSchema = /* @__PURE__ */ pure(() => z.looseObject({
  /** The Responses event type: `response.created`, `response.output_item.done`, `response.completed`, ... */
  type: z.string(),
}));

const dtmf = () => ({
  /** The key: `0`-`9`, `A`-`D`, `*` or `#`. */
  event: z.string(),
});

/** Every Live server event, by `type`. */
export const liveServerEventSchemas = /* @__PURE__ */ pure(() => ({
  /** The session started (WebSocket: after `session.start`; WebRTC: on the data channel). */
  'session.started': serverEvent('session.started', {
    /** The resolved session. */
    session: liveSessionResourceSchema,
  }),
  /** A `session.update` was accepted. */
  'session.updated': serverEvent('session.updated', {
    /** The resolved session. */
    session: liveSessionResourceSchema,
  }),
  /** Acknowledges `session.input_audio.mute`. */
  'session.input_audio.muted': serverEvent('session.input_audio.muted', {}),
  /** Acknowledges `session.input_audio.unmute`. */
  'session.input_audio.unmuted': serverEvent('session.input_audio.unmuted', {}),
  /** A fixture was accepted for playback. */
  'session.output_audio.fixture.playing': serverEvent('session.output_audio.fixture.playing', {}),
  /** A fixture drained from the server mixer (not proof the listener heard it). */
  'session.output_audio.fixture.played': serverEvent('session.output_audio.fixture.played', {}),
  /** A `session.instructions.append` entered the timeline. */
  'session.instructions.appended': serverEvent('session.instructions.appended', timeline()),
  /** A `session.thinking.append` entered the timeline. */
  'session.thinking.appended': serverEvent('session.thinking.appended', timeline()),
  /** A `session.commentary.append` entered the timeline. */
  'session.commentary.appended': serverEvent('session.commentary.appended', timeline()),
  /** Sideband only: input audio of the primary transport, reflected (24 kHz PCM16); not an acknowledgement. */
  'session.input_audio.append': serverEvent('session.input_audio.append', {
    /** Base64 mono PCM16LE at 24 kHz. */
    audio: z.string(),
  }),
  /** A chunk of model speech; there is no done event. */
  'session.output_audio.delta': serverEvent('session.output_audio.delta', {
    /** Base64 raw audio in the session format (sideband: 24 kHz PCM16). */
    delta: z.string(),
    /** Inclusive start on the timeline (sideband reflections). */
    start_ms: lenient(z.number()),
    /** Exclusive end on the timeline (sideband reflections). */
    end_ms: lenient(z.number()),
  }),
  /** A fragment of the user's transcript; fragments define no turns. */
  'session.input_transcript.delta': serverEvent('session.input_transcript.delta', {
    /** The fragment; append in delivery order. */
    delta: z.string(),
    ...timeline(),
  }),
  /** A fragment of the model's transcript; fragments define no turns. */
  'session.output_transcript.delta': serverEvent('session.output_transcript.delta', {
    /** The fragment; append in delivery order. */
    delta: z.string(),
    ...timeline(),
  }),
  /** The model delegated work (metadata only: no task text). */
  'session.delegation.created': serverEvent('session.delegation.created', {
    /** The delegation. */
    delegation: z.looseObject({
      /** Its ID: `delegation_id` of replies and of related events. */
      id: z.string(),
      /** Always `delegation`. */
      type: lenient(z.string()),
      /** `client`, `responses` or `decisions`. */
      target: openString<'client' | 'responses' | 'decisions'>(),
      /** The Responses response of a Responses delegation. */
      response_id: lenient(z.string()),
    }),
    /** Where on the timeline it was delegated, in ms. */
    offset_ms: z.number(),
  }),
  /** A Decision API event for a delegation or a transcript trigger. */
  'decision.event': serverEvent('decision.event', {
    /** The delegation, or `null` for a trigger. */
    delegation_id: lenient(z.string()),
    /** The Decision event (`decision.completed` with the decision). */
    event: z.looseObject({
      /** The Decision event type. */
      type: z.string(),
      /** The Decision API response: model, ordered answers, token usage (passed through whole). */
      decision: z.optional(z.unknown()),
    }),
    /** The transcript delta that fired a trigger. */
    source_event_id: lenient(z.string()),
    /** Its type. */
    source_event_type: lenient(z.string()),
    /** The trigger firing's ID. */
    trigger_id: lenient(z.string()),
  }),
  /** A Decision input item was added. */
  'decision.item.created': serverEvent('decision.item.created', {
    /** The stored item, as the Decision API keeps it (passed through whole). */
    item: z.unknown(),
  }),
  /** A Decision input item was removed. */
  'decision.item.deleted': serverEvent('decision.item.deleted', {
    /** Its ID. */
    item_id: z.string(),
  }),
  /** A nested Responses streaming event of a Responses delegation. */
  'response.event': serverEvent('response.event', {
    /** The delegation it belongs to, when known. */
    delegation_id: lenient(z.string()),
    /** The Responses event: dispatch on its `type`. */
    event: liveNestedResponseEventSchema,
  }),
  /** Cumulative audio usage, and the context window when known. */
  'session.usage.updated': serverEvent('session.usage.updated', {
    /** Cumulative usage so far. */
    usage: liveUsageSchema,
    /** Context window usage (can decrease after compaction). */
    context_window: lenient(z.looseObject({
      /** Active context tokens divided by the model's context limit. */
      usage_ratio: z.number(),
    })),
  }),
  /** The session ended: reason, final snapshot and final usage. */
  'session.closed': serverEvent('session.closed', {
    /** Why it ended. */
    reason: openString<LiveCloseReason>(),
    /** The final session snapshot. */
    session: liveSessionResourceSchema,
    /** The final cumulative usage. */
    usage: liveUsageSchema,
  }),
  /** An error; a command error does not close the session. */
  error: serverEvent('error', {
    /** Details. */
    error: liveErrorObjectSchema,
  }),
  /** A notice, e.g. `data_channel_permissions`. */
  info: serverEvent('info', {
    /** Machine-readable code. */
    code: z.string(),
    /** Human-readable explanation. */
    message: z.string(),
  }),
  /** Sideband: a DTMF key received from a SIP caller. */
  'transport.dtmf.received': serverEvent('transport.dtmf.received', dtmf()),
  /** Sideband: legacy DTMF delivery notice (current servers send `transport.dtmf.sent`). */
  'transport.dtmf.send': serverEvent('transport.dtmf.send', dtmf()),
  /** Sideband: a DTMF key was sent to the SIP trunk. */
  'transport.dtmf.sent': serverEvent('transport.dtmf.sent', dtmf()),
  /** Sideband: an outbound SIP call is ringing. */
  'transport.ringing': serverEvent('transport.ringing', {
    /** The Live session ID. */
    session_id: z.string(),
  }),
  /** Sideband: an outbound SIP call was answered. */
  'transport.answered': serverEvent('transport.answered', {
    /** The Live session ID. */
    session_id: z.string(),
  }),
  /** Sideband: an outbound SIP call failed to set up. */
  'transport.failed': serverEvent('transport.failed', {
    /** The Live session ID. */
    session_id: z.string(),
    /** The failure. */
    error: z.looseObject({
      /** Always `call_error`. */
      type: z.string(),
      /** The failure code. */
      code: z.string(),
      /** Explanation. */
      message: z.string(),
      /** The related parameter. */
      param: lenient(z.string()),
    }),
  }),
}));

type Schemas = typeof liveServerEventSchemas;

/** Live server events by type. */
export type LiveServerEventMap = { [Type in keyof Schemas]: z.infer<Schemas[Type]> };
/** A Live server event of a known type. */
export type LiveServerEvent = LiveServerEventMap[keyof LiveServerEventMap];
/** A Live server event type. */
export type LiveServerEventType = keyof LiveServerEventMap;
/** A Live server event of a type the SDK does not know: delivered whole. */
export interface UnknownLiveServerEvent {
  /** Its type. */
  type: string;
  /** Every other field, as it arrived. */
  [field: string]: unknown;
}
/** The nested Responses event of a `response.event`. */
export type LiveNestedResponseEvent = z.infer<typeof liveNestedResponseEventSchema>;
/** The `error` object of a Live `error` event. */
export type LiveErrorObject = z.infer<typeof liveErrorObjectSchema>;
