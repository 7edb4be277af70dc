/**
 * The parser's part of the forward-compatibility suite (issue 12): inside a known server event,
 * an item, content part, role, status or session type the schemas do not know passes through
 * whole, and the event stays known. Only a frame whose known fields are wrong is an error.
 */
import { describe, expect, it } from 'vitest';
import { SERVER_EVENT_TYPES, parseServerEvent } from '../../src/events';
import type { ServerEventParseResult } from '../../src/events';
import { allUnknownShapes, futureContentParts, futureItem, reasoningItem, unknownShapeVariants } from '../helpers/unknown-shapes';
import type { JsonObject } from '../helpers/unknown-shapes';
import { fixtureLines, officialExamples } from './examples';

/** Parses from text, so the result can never be the caller's object. */
function parse(event: unknown): ServerEventParseResult {
  return parseServerEvent(JSON.stringify(event));
}

function expectKnownAndWhole(event: JsonObject & { type: string }, label = event.type): void {
  const pristine = JSON.parse(JSON.stringify(event)) as unknown;
  const result = parse(event);
  expect(result.ok ? result : result.error.message, label).toEqual({ ok: true, known: true, event: pristine });
}

const assistantMessage = {
  id: 'item_msg_1',
  object: 'realtime.item',
  type: 'message',
  status: 'completed',
  role: 'assistant',
  content: [{ type: 'output_audio', transcript: 'Hello there.' }],
};

describe('observations of issue 12: unknown nested shapes in known events', () => {
  it('response.done whose output is [reasoning item, message] is known and whole', () => {
    expectKnownAndWhole({
      type: 'response.done',
      event_id: 'event_1',
      response: {
        object: 'realtime.response',
        id: 'resp_1',
        status: 'completed',
        status_details: null,
        output: [reasoningItem(), assistantMessage],
        usage: { total_tokens: 30, input_tokens: 10, output_tokens: 20, output_token_details: { text_tokens: 5, audio_tokens: 10, reasoning_tokens: 5 } },
      },
    });
  });

  it.each(futureContentParts().map((part) => [part.type, part]))('a message with an %s content part is known and whole', (_type, part) => {
    expectKnownAndWhole({
      type: 'conversation.item.done',
      event_id: 'event_2',
      previous_item_id: null,
      item: { ...assistantMessage, content: [{ type: 'output_text', text: 'Here:' }, part] },
    });
  });

  it('a message with role developer is known and whole', () => {
    expectKnownAndWhole({
      type: 'conversation.item.added',
      event_id: 'event_3',
      previous_item_id: null,
      item: { id: 'item_dev_1', type: 'message', role: 'developer', status: 'completed', content: [{ type: 'input_text', text: 'Be brief.' }] },
    });
  });

  it('session.created with a session type the SDK does not know is known and whole', () => {
    expectKnownAndWhole({
      type: 'session.created',
      event_id: 'event_4',
      session: { type: 'future_session_kind', object: 'realtime.future_session', id: 'sess_1', model: 'gpt-future', anything: { nested: true } },
    });
  });

  it('an item of an unknown type in response.output_item.added is known and whole', () => {
    expectKnownAndWhole({ type: 'response.output_item.added', event_id: 'event_5', response_id: 'resp_1', output_index: 0, item: futureItem() });
  });
});

describe('only a frame whose known fields are wrong is an error', () => {
  const cases: [string, JsonObject, string][] = [
    ['a function_call item without its name', { type: 'conversation.item.done', event_id: 'e', item: { type: 'function_call', arguments: '{}', call_id: 'c' } }, 'item.name'],
    ['a message whose role is a number', { type: 'conversation.item.done', event_id: 'e', item: { type: 'message', role: 5, content: [] } }, 'item.role'],
    [
      'an output_text part whose text is a number',
      { type: 'conversation.item.done', event_id: 'e', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 5 }] } },
      'item.content[0].text',
    ],
    ['a content part without a type', { type: 'conversation.item.done', event_id: 'e', item: { type: 'message', role: 'user', content: [{ text: 'x' }] } }, 'item.content[0].type'],
    ['an item whose type is not a string', { type: 'conversation.item.done', event_id: 'e', item: { type: 7 } }, 'item.type'],
    ['a realtime session whose tools is not an array', { type: 'session.updated', event_id: 'e', session: { type: 'realtime', tools: 'all' } }, 'session.tools'],
    ['a response whose output is not an array', { type: 'response.done', event_id: 'e', response: { id: 'r', output: { type: 'message' } } }, 'response.output'],
  ];

  it.each(cases)('%s', (_name, event, path) => {
    const result = parse(event);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('VOXWIRE_INVALID_EVENT');
    expect(result.error.path).toBe(path);
  });
});

describe('forward compatibility: every known server event × every unknown shape', () => {
  const examples = [
    ...officialExamples().filter((example) => example.dir === 'server' && example.in_sdk_union).map((example) => example.example),
    ...fixtureLines().filter((line) => line.dir === 'server').map((line) => line.event),
  ];

  it('the examples cover every known server event type', () => {
    expect(new Set(examples.map((event) => event.type))).toEqual(new Set(SERVER_EVENT_TYPES));
  });

  const cases = examples.flatMap((event, index) =>
    [...unknownShapeVariants(event)].map((variant) => [`${event.type} #${index}`, variant.name, variant.event] as const),
  );

  it('injects every kind of unknown shape somewhere', () => {
    expect(new Set(cases.map(([, name]) => name)).size).toBe(6);
  });

  it.each(cases)('%s with %s parses as known, nothing dropped', (label, name, event) => {
    expectKnownAndWhole(event, `${label} ${name}`);
  });

  it.each(examples.map((event, index) => [`${event.type} #${index}`, event] as const))('%s with every unknown shape at once', (label, event) => {
    expectKnownAndWhole(allUnknownShapes(event), label);
  });
});
