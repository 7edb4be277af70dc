/**
 * The relay's own wire events (`voxwire.*`, never OpenAI's namespaces), as loose
 * zod/mini schemas keyed by `type`, like the GA server events: the relay writes them
 * (src/server/core/wire-events.ts), the client reads them through the generated validators.
 * Unknown fields are kept, and a reason or code a newer relay adds passes as a string.
 */
import * as z from 'zod/mini';
import type { SessionEndingReason } from '../base/errors';
import { openString } from './primitives';
import { pure } from './pure';

/** The `type` of the relay's warning that it is about to end the session. */
export const SESSION_ENDING_EVENT_TYPE = 'voxwire.session.ending';
/** The `type` of the relay's warning that the session's model shuts down soon. */
export const MODEL_DEPRECATED_EVENT_TYPE = 'voxwire.model.deprecated';
/** The `type` of the relay's notice that it translated a beta client's events. */
export const RELAY_WARNING_EVENT_TYPE = 'voxwire.warning';

function relayEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.looseObject({
    /** The event type. */
    type: z.literal(type),
    /** A relay event id (`vxr_...`). */
    event_id: z.string(),
    ...shape,
  });
}

/** Every relay wire event, by `type`. */
export const voxwireEventSchemas = /* @__PURE__ */ pure(() => ({
  /**
   * Sent to the client before the relay ends its session: `seconds_left` until the close (0
   * when it follows at once), and why. The voxwire client turns it into its `sessionEnding`
   * event and, when the close comes, into its `expired` reason.
   */
  'voxwire.session.ending': relayEvent(SESSION_ENDING_EVENT_TYPE, {
    /** Whole seconds until the relay closes the connection. */
    seconds_left: z.number(),
    /** Why the session is ending (see `SESSION_END_REASONS`). */
    reason: openString<SessionEndingReason>(),
  }),
  /**
   * Sent once per session and model when the model shuts down within 60 days (OpenAI's
   * announced date). The voxwire client turns it into its `modelWarning` event.
   */
  'voxwire.model.deprecated': relayEvent(MODEL_DEPRECATED_EVENT_TYPE, {
    /** The model the session uses. */
    model: z.string(),
    /** The announced shutdown date (`YYYY-MM-DD`, UTC). */
    shutdown_date: z.string(),
    /** Whole days left until the shutdown. */
    days_left: z.number(),
    /** The recommended replacement, or null when none is named. */
    replacement: z.nullable(z.string()),
    /** The warning in words. */
    message: z.string(),
  }),
  /** The relay translated a beta-speaking client's events to GA (`betaClients: 'translate'`). */
  'voxwire.warning': relayEvent(RELAY_WARNING_EVENT_TYPE, {
    /** What the warning is about (`beta_protocol_translated`). */
    code: z.string(),
    /** The warning in words. */
    message: z.string(),
    /** The beta fields seen and their GA names. */
    migrate: z.optional(z.array(z.looseObject({ path: z.string(), ga: z.nullable(z.string()) }))),
  }),
}));

/** Every relay wire event `type`. */
export type VoxwireEventType = keyof typeof voxwireEventSchemas;

/** Each relay wire event type mapped to its event. */
export type VoxwireEventMap = { [Type in VoxwireEventType]: z.infer<(typeof voxwireEventSchemas)[Type]> };

/** `voxwire.session.ending`. */
export type SessionEndingEvent = VoxwireEventMap['voxwire.session.ending'];
/** `voxwire.model.deprecated`. */
export type ModelDeprecatedEvent = VoxwireEventMap['voxwire.model.deprecated'];
/** `voxwire.warning`. */
export type RelayWarningEvent = VoxwireEventMap['voxwire.warning'];
