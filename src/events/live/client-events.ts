/**
 * Every GPT-Live client event (`ClientEvent` in the `openai` package 7.60.0, plus the
 * sideband's `transport.dtmf.send`), as a strict zod/mini schema keyed by `type`: the server
 * rejects an unknown field, so the SDK refuses it before sending (or, outside strict mode,
 * sends what is only new with a warning; see `serializeLiveClientEvent`).
 *
 * Live has no items, responses, truncate, cancel or commit: the model owns its turns. Context
 * goes in through the three `*.append` events; tool results only under Responses delegation
 * (`response.item.create`, then one `response.create`).
 */
import * as z from 'zod/mini';
import { openUnion } from '../primitives';
import { pure } from '../pure';
import { liveForkSessionConfigSchema, liveSessionConfigSchema, liveSessionUpdateSchema } from './session';

function clientEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.strictObject({
    /** The event type. */
    type: z.literal(type),
    /**
     * Optional client ID, echoed as `client_event_id` (or `error.client_event_id`);
     * `serializeLiveClientEvent` fills it in when absent.
     */
    event_id: z.optional(z.nullable(z.string())),
    ...shape,
  });
}

const append = () => ({
  /** Plain text, at most 500 tokens. */
  content: z.string(),
  /**
   * Required, nullable: `null` for general context, or the ID of a client delegation
   * (`session.delegation.created`). Responses delegation refuses non-null IDs.
   */
  delegation_id: z.nullable(z.string()),
});

/** The output of a function call, as `response.item.create` sends it back to the Responses backend. */
export const liveFunctionCallOutputSchema = /* @__PURE__ */ pure(() => z.strictObject({
  /** Always `function_call_output`. */
  type: z.literal('function_call_output'),
  /** The `call_id` of the `function_call` item it answers. */
  call_id: z.string(),
  /** The result: text (usually JSON), or content parts (passed through). */
  output: z.union([z.string(), z.array(z.looseObject({
    /** The part type (`input_text`, `input_image`, `input_file`). */
    type: z.string(),
  }))]),
  /** Optional item ID. */
  id: z.optional(z.nullable(z.string())),
  /** The function's name (optional). */
  name: z.optional(z.nullable(z.string())),
  /** The function's namespace (optional). */
  namespace: z.optional(z.nullable(z.string())),
  /** Who called it: `{ type: 'direct' }` or a program (passed through). */
  caller: z.optional(z.nullable(z.looseObject({
    /** `direct` or `program`. */
    type: z.string(),
  }))),
  /** Optional status. */
  status: z.optional(z.nullable(z.literal(['in_progress', 'completed', 'incomplete']))),
}));

/** A Responses "easy" input message: `{ role, content }`, `type` optional. */
const easyInputMessage = () => z.strictObject({
  /** `user`, `assistant`, `system` or `developer`. */
  role: z.literal(['user', 'assistant', 'system', 'developer']),
  /** Text, or content parts (passed through). */
  content: z.union([z.string(), z.array(z.looseObject({
    /** The part type (`input_text`, ...). */
    type: z.string(),
  }))]),
  /** `commentary` or `final_answer` (assistant messages). */
  phase: z.optional(z.nullable(z.literal(['commentary', 'final_answer']))),
  /** Always `message` when given. */
  type: z.optional(z.literal('message')),
  /** Optional item ID. */
  id: z.optional(z.nullable(z.string())),
  /** Optional status. */
  status: z.optional(z.nullable(z.literal(['in_progress', 'completed', 'incomplete']))),
});

/**
 * An input item of `response.item.create`: a function call output and a plain message are
 * checked field by field; any other Responses input item passes through whole for the
 * Responses API to validate.
 */
export const liveResponseInputItemSchema = /* @__PURE__ */ pure(() => z.union([openUnion('type', [liveFunctionCallOutputSchema]), easyInputMessage()]));

/**
 * The first message on a fork's WebSocket (`…/v1/live/sessions/{id}/fork`, `ForkSessionStartEvent`
 * in the `openai` types): `session.start` with the fork's overrides instead of a startup config.
 * It names no model: the fork inherits the stored session's.
 */
export const liveForkStartEventSchema = /* @__PURE__ */ pure(() => clientEvent('session.start', {
  /** What the fork changes (an empty object inherits everything). */
  session: liveForkSessionConfigSchema,
}));

/** Every Live client event, by `type`. */
export const liveClientEventSchemas = /* @__PURE__ */ pure(() => ({
  /** Starts a Live session on a primary WebSocket; wait for `session.started`. Not over WebRTC. */
  'session.start': clientEvent('session.start', {
    /** The startup configuration (strict; fixed but for `delegation` and `triggers`). */
    session: liveSessionConfigSchema,
  }),
  /** Changes `delegation` settings and `triggers`; answered by `session.updated`. */
  'session.update': clientEvent('session.update', {
    /** The sparse update. */
    session: liveSessionUpdateSchema,
  }),
  /** Primary WebSocket only: raw audio in the session format; stream continuously, never acknowledged. */
  'session.input_audio.append': clientEvent('session.input_audio.append', {
    /** Base64 raw audio (an even number of bytes for PCM). */
    audio: z.string(),
  }),
  /** Mutes model input (the server sends silence); answered by `session.input_audio.muted`. */
  'session.input_audio.mute': clientEvent('session.input_audio.mute', {}),
  /** Unmutes model input; answered by `session.input_audio.unmuted`. */
  'session.input_audio.unmute': clientEvent('session.input_audio.unmute', {}),
  /** Plays a canned clip (24 kHz PCM16, ≤ 30 s), interrupting the model and muting input. Not over WebRTC. */
  'session.output_audio.fixture.play': clientEvent('session.output_audio.fixture.play', {
    /** Base64 mono PCM16LE at 24 kHz, no container header. */
    audio: z.string(),
  }),
  /** Appends developer instructions (survive compaction). */
  'session.instructions.append': clientEvent('session.instructions.append', append()),
  /** Appends silent context (not a secrecy boundary). */
  'session.thinking.append': clientEvent('session.thinking.append', append()),
  /** Appends something the model should say, in its own words. */
  'session.commentary.append': clientEvent('session.commentary.append', append()),
  /** Evaluates the configured Decision questions now. The `event_id` is required and never reused. */
  'decision.create': z.strictObject({
    /** The event type. */
    type: z.literal('decision.create'),
    /** Required here: a reused ID is refused for the session's lifetime. */
    event_id: z.string(),
  }),
  /** Adds an input item for future decisions (passed through to the Decision API). */
  'decision.item.create': clientEvent('decision.item.create', {
    /** The Decision input item. */
    item: z.record(z.string(), z.unknown()),
  }),
  /** Removes a Decision input item. */
  'decision.item.delete': clientEvent('decision.item.delete', {
    /** Its ID. */
    item_id: z.string(),
  }),
  /** Responses delegation only: adds an input item (a `function_call_output`) to the backend. */
  'response.item.create': clientEvent('response.item.create', {
    /** The item. */
    item: liveResponseInputItemSchema,
  }),
  /** Responses delegation only: continues the delegated response once every call is answered. */
  'response.create': clientEvent('response.create', {}),
  /** Closes the session; the server drains and answers `session.closed`. */
  'session.close': clientEvent('session.close', {}),
  /** Sideband of a SIP session only: sends a DTMF key. */
  'transport.dtmf.send': clientEvent('transport.dtmf.send', {
    /** `0`-`9`, `A`-`D`, `*` or `#`. */
    event: z.string(),
  }),
}));

type Schemas = typeof liveClientEventSchemas;

/** Live client events by type, as the SDK accepts them (`event_id` optional). */
export type LiveClientEventMap = { [Type in keyof Schemas]: z.input<Schemas[Type]> };
/** A Live client event of a known type. */
export type LiveClientEvent = LiveClientEventMap[keyof LiveClientEventMap];
/** A Live client event type. */
export type LiveClientEventType = keyof LiveClientEventMap;
/** A Live client event of a type the SDK does not know: passed through whole. */
export interface UnknownLiveClientEvent {
  /** Its type. */
  type: string;
  /** Every other field, as given. */
  [field: string]: unknown;
}
/** A function call output, as `response.item.create` sends it. */
export type LiveFunctionCallOutput = z.input<typeof liveFunctionCallOutputSchema>;
