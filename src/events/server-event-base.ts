/**
 * What every GA server event schema is built from: the envelope (`type`, `event_id`) and the
 * field groups many events share (the item, the response output item, the content part they
 * are about). The event families (conversation-events.ts, transcription-events.ts,
 * audio-buffer-events.ts, response-events.ts) use them; server-events.ts joins the families.
 */
import * as z from 'zod/mini';
import { pure } from './pure';

/** A loose server event schema: `type`, `event_id` and the event's own fields. */
export function serverEvent<const Type extends string, Shape extends z.core.$ZodLooseShape>(type: Type, shape: Shape) {
  return z.looseObject({
    /** The event type. */
    type: z.literal(type),
    /** The unique ID of the server event. */
    event_id: z.string(),
    ...shape,
  });
}

export const itemField = /* @__PURE__ */ pure(() => ({
  /** The ID of the item this event is about. */
  item_id: z.string(),
}));
export const responseItemFields = /* @__PURE__ */ pure(() => ({
  /** The ID of the response. */
  response_id: z.string(),
  /** The ID of the output item. */
  item_id: z.string(),
  /** The index of the output item in the response. */
  output_index: z.number(),
}));
export const contentFields = /* @__PURE__ */ pure(() => ({
  ...responseItemFields,
  /** The index of the content part in the item's content array. */
  content_index: z.number(),
}));
