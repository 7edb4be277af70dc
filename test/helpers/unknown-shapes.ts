/**
 * The forward-compatibility suite's input: given a valid server event, the variants the API may
 * send next month. Each variant injects shapes the schemas do not know into the event's nested
 * objects (an item of an unknown type, an unknown content part, an unknown role or status, an
 * unknown field at every object level, an unknown session type) while keeping every known
 * field valid, so the rule "never drop what you do not understand" says each variant must be
 * delivered whole, as a known event. Parser, client, mock and relay tests share it.
 *
 * @example
 * ```ts
 * for (const { name, event } of unknownShapeVariants(example)) {
 *   expect(parseServerEvent(JSON.stringify(event))).toEqual({ ok: true, known: true, event });
 * }
 * ```
 */

/** A JSON object, as the variants are built (plain data, no prototypes, no cycles). */
export type JsonObject = { [key: string]: unknown };

/** One variant of an event, named after what it injects. */
export interface UnknownShapeVariant {
  /** What was injected: `extra-fields`, `unknown-item`, `unknown-content-part`, `unknown-role`, `unknown-status`, `unknown-session-type`. */
  name: UnknownShapeName;
  /** The event with the injected shapes (a fresh deep copy; the input is never changed). */
  event: JsonObject & { type: string };
}

/** The names of the variants, in the order they are yielded. */
export type UnknownShapeName =
  | 'extra-fields'
  | 'unknown-item'
  | 'unknown-content-part'
  | 'unknown-role'
  | 'unknown-status'
  | 'unknown-session-type';

/** Every variant name, for `it.each`. */
export const UNKNOWN_SHAPE_NAMES: readonly UnknownShapeName[] = [
  'extra-fields',
  'unknown-item',
  'unknown-content-part',
  'unknown-role',
  'unknown-status',
  'unknown-session-type',
];

/** The field added at every object level by `extra-fields`. */
export const EXTRA_FIELD = 'voxwire_future_field';

/** A reasoning item as reasoning models send it (not a type every schema knows). */
export function reasoningItem(id = 'item_reasoning_1'): JsonObject {
  return {
    id,
    object: 'realtime.item',
    type: 'reasoning',
    status: 'completed',
    summary: [{ type: 'summary_text', text: 'The user greets me; answer briefly.' }],
    encrypted_content: null,
  };
}

/** An item of a type no schema knows, with fields of every JSON kind. */
export function futureItem(id = 'item_future_1'): JsonObject {
  return {
    id,
    object: 'realtime.item',
    type: 'future_item_kind',
    status: 'completed',
    payload: { nested: [1, 'two', { three: true }], empty: null },
  };
}

/** Content parts no schema knows: a newer output part, a refusal and an invented one. */
export function futureContentParts(): JsonObject[] {
  return [
    { type: 'output_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'auto' },
    { type: 'refusal', refusal: 'I cannot help with that.' },
    { type: 'future_part_kind', data: { a: [1, 2] } },
  ];
}

function clone<Value>(value: Value): Value {
  return JSON.parse(JSON.stringify(value)) as Value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Calls `visit` on every object inside `value` (depth first, parents before children). What
 * `visit` adds to an object is not visited.
 */
function eachObject(value: unknown, visit: (object: JsonObject, key: string | undefined) => void, key?: string): void {
  if (Array.isArray(value)) {
    for (const element of value) eachObject(element, visit, key);
    return;
  }
  if (!isObject(value)) return;
  const children = Object.entries(value);
  visit(value, key);
  for (const [childKey, child] of children) eachObject(child, visit, childKey);
}

/** True for an object that is a conversation item (it sits under `item` or in `output`). */
function isItem(object: JsonObject, key: string | undefined): boolean {
  return (key === 'item' || key === 'output') && typeof object.type === 'string';
}

function inject(event: JsonObject, name: UnknownShapeName): boolean {
  let changed = false;
  switch (name) {
    case 'extra-fields':
      eachObject(event, (object) => {
        object[EXTRA_FIELD] = { added: 'by a newer API', list: [1, { deep: true }] };
        changed = true;
      });
      break;
    case 'unknown-item': {
      if (isObject(event.item)) {
        event.item = { ...futureItem(), id: event.item.id ?? 'item_future_1' };
        changed = true;
      }
      const response = event.response;
      if (isObject(response) && Array.isArray(response.output)) {
        response.output = [reasoningItem(), ...(response.output as unknown[]), futureItem()];
        changed = true;
      }
      break;
    }
    case 'unknown-content-part':
      eachObject(event, (object, key) => {
        if (isItem(object, key) && Array.isArray(object.content)) {
          object.content = [...(object.content as unknown[]), ...futureContentParts()];
          changed = true;
        }
      });
      if (isObject(event.part)) {
        event.part = futureContentParts()[0] as JsonObject;
        changed = true;
      }
      break;
    case 'unknown-role':
      eachObject(event, (object, key) => {
        if (isItem(object, key) && object.type === 'message') {
          object.role = 'developer';
          changed = true;
        }
      });
      break;
    case 'unknown-status':
      eachObject(event, (object, key) => {
        if ((isItem(object, key) || key === 'response') && 'status' in object) {
          object.status = 'future_status';
          changed = true;
        }
        if (key === 'status_details' && 'reason' in object) {
          object.reason = 'future_reason';
          changed = true;
        }
      });
      break;
    case 'unknown-session-type':
      if (isObject(event.session)) {
        event.session = { ...event.session, type: 'future_session_kind', future_setting: { on: true } };
        changed = true;
      }
      break;
  }
  return changed;
}

/**
 * The variants of `event` that differ from it (a variant that would change nothing, such as
 * an unknown role in an event without messages, is skipped). The event itself is not changed.
 */
export function* unknownShapeVariants(event: JsonObject & { type: string }): Generator<UnknownShapeVariant> {
  for (const name of UNKNOWN_SHAPE_NAMES) {
    const variant = clone(event);
    if (inject(variant, name)) yield { name, event: variant };
  }
}

/** One variant with every injection at once (what a much newer API might send). */
export function allUnknownShapes(event: JsonObject & { type: string }): JsonObject & { type: string } {
  const variant = clone(event);
  for (const name of UNKNOWN_SHAPE_NAMES) inject(variant, name);
  return variant;
}
