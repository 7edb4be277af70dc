import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/client/conversation';
import type { ServerEvent } from '../../src/events';

const ev = (event: Record<string, unknown>): ServerEvent => ({ event_id: 'e', ...event }) as unknown as ServerEvent;

function userText(id: string, text: string, previous: string | null = null) {
  return ev({
    type: 'conversation.item.added',
    previous_item_id: previous,
    item: { id, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text }] },
  });
}

function assistantAudioTurn(conversation: Conversation, id: string, words: string[], msPerWord = 500) {
  conversation.apply(ev({ type: 'response.output_item.added', response_id: 'r', output_index: 0, item: { id, type: 'message', role: 'assistant', status: 'in_progress', content: [] } }));
  words.forEach((word, index) => {
    conversation.apply(ev({ type: 'response.output_audio_transcript.delta', response_id: 'r', item_id: id, output_index: 0, content_index: 0, delta: index === 0 ? word : ` ${word}` }));
    conversation.addAudio(id, 0, msPerWord);
  });
}

describe('Conversation', () => {
  it('orders items by previous_item_id and appends when the predecessor is unknown or null', () => {
    const conversation = new Conversation();
    conversation.apply(userText('a', 'first'));
    conversation.apply(userText('c', 'third', 'a'));
    conversation.apply(userText('b', 'second', 'a'));
    conversation.apply(userText('d', 'fourth', 'missing'));
    conversation.apply(userText('e', 'fifth', null));
    expect(conversation.entries.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('assembles assistant transcript deltas and keeps the final text', () => {
    const conversation = new Conversation();
    assistantAudioTurn(conversation, 'x', ['Hello', 'there']);
    const update = conversation.apply(ev({ type: 'response.output_audio_transcript.done', response_id: 'r', item_id: 'x', output_index: 0, content_index: 0, transcript: 'Hello there.' }));
    expect(update.transcripts).toEqual([{ role: 'assistant', itemId: 'x', contentIndex: 0, delta: '', text: 'Hello there.', final: true }]);
    conversation.apply(ev({ type: 'response.output_item.done', response_id: 'r', output_index: 0, item: { id: 'x', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: 'Hello there.' }] } }));
    const entry = conversation.get('x');
    expect(entry?.text).toBe('Hello there.');
    expect(entry?.status).toBe('completed');
    expect(entry?.content[0]?.audioMs).toBe(1000);
  });

  it('keeps an entry of several parts joined as deltas stream into any part, in any order', () => {
    const conversation = new Conversation();
    conversation.apply(ev({ type: 'response.output_item.added', response_id: 'r', output_index: 0, item: { id: 'm', type: 'message', role: 'assistant', status: 'in_progress', content: [] } }));
    const delta = (contentIndex: number, text: string, type = 'response.output_audio_transcript.delta') =>
      conversation.apply(ev({ type, response_id: 'r', item_id: 'm', output_index: 0, content_index: contentIndex, delta: text }));
    delta(1, 'spoken');
    expect(conversation.get('m')?.text).toBe('spoken');
    delta(0, 'Text', 'response.output_text.delta');
    expect(conversation.get('m')?.text).toBe('Text spoken');
    delta(1, ' on');
    delta(1, '');
    delta(0, ' first', 'response.output_text.delta');
    delta(2, 'third');
    delta(2, ' part');
    expect(conversation.get('m')?.text).toBe('Text first spoken on third part');
    expect(conversation.get('m')?.content.map((part) => part.text)).toEqual(['Text first', 'spoken on', 'third part']);
  });

  it('does not let an empty transcript in a later event wipe assembled text', () => {
    const conversation = new Conversation();
    conversation.apply(ev({ type: 'conversation.item.added', previous_item_id: null, item: { id: 'u', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } }));
    conversation.apply(ev({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'u', content_index: 0, transcript: 'What time is it?' }));
    conversation.apply(ev({ type: 'conversation.item.done', previous_item_id: null, item: { id: 'u', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } }));
    expect(conversation.get('u')?.text).toBe('What time is it?');
  });

  it('truncates the transcript to the heard fraction at a word boundary', () => {
    const conversation = new Conversation();
    assistantAudioTurn(conversation, 'x', ['one', 'two', 'three', 'four']);
    const update = conversation.truncate('x', 0, 1000);
    expect(update.changes[0]).toMatchObject({ kind: 'truncated', audioEndMs: 1000 });
    expect(conversation.get('x')?.text).toBe('one two');
    expect(conversation.get('x')?.truncatedAtMs).toBe(1000);
    // The final transcript of audio nobody heard does not restore the cut text.
    conversation.apply(ev({ type: 'response.output_audio_transcript.done', response_id: 'r', item_id: 'x', output_index: 0, content_index: 0, transcript: 'one two three four' }));
    expect(conversation.get('x')?.text).toBe('one two');
  });

  it('marks in-progress items incomplete after a drop, and cancelled responses as cancelled', () => {
    const conversation = new Conversation();
    assistantAudioTurn(conversation, 'x', ['partial']);
    expect(conversation.markInProgressIncomplete().map((c) => c.entry.id)).toEqual(['x']);
    expect(conversation.get('x')?.status).toBe('incomplete');
    assistantAudioTurn(conversation, 'y', ['cut']);
    conversation.apply(ev({ type: 'response.done', response: { id: 'r', status: 'cancelled', output: [{ id: 'y', type: 'message' }] } }));
    expect(conversation.get('y')?.status).toBe('cancelled');
  });

  it('replays text within the budget, latest first, in order, and recognises its own echoes', () => {
    const conversation = new Conversation();
    conversation.apply(userText('a', 'a'.repeat(50)));
    conversation.apply(userText('b', 'b'.repeat(50), 'a'));
    assistantAudioTurn(conversation, 'c', ['spoken', 'reply']);
    conversation.apply(ev({ type: 'response.output_item.added', response_id: 'r2', output_index: 0, item: { id: 'f', type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '', status: 'in_progress' } }));
    conversation.apply(ev({ type: 'response.function_call_arguments.done', response_id: 'r2', item_id: 'f', output_index: 0, call_id: 'call_1', arguments: '{"q":1}' }));
    // A call without an output is never replayed (the model would wait for it).
    const items = conversation.replayItems(70);
    expect(items.map((item) => item.id)).toEqual(['b', 'c']);
    expect(items[1]).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'spoken reply' }] });

    const before = conversation.entries.length;
    const echo = conversation.apply(ev({ type: 'conversation.item.added', previous_item_id: null, item: { id: 'b', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'b'.repeat(50) }] } }));
    expect(echo.changes).toEqual([]);
    expect(conversation.entries.length).toBe(before);
    expect(conversation.get('b')?.sessions).toBe(2);
  });

  it('replays a function call only together with its output', () => {
    const conversation = new Conversation();
    conversation.apply(ev({ type: 'conversation.item.added', previous_item_id: null, item: { id: 'f', type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{}', status: 'completed' } }));
    conversation.apply(ev({ type: 'conversation.item.added', previous_item_id: 'f', item: { id: 'o', type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' } }));
    expect(conversation.replayItems(1000).map((item) => item.type)).toEqual(['function_call', 'function_call_output']);
  });

  it('keeps an item of an unknown type in its place, whole, with no text, and never replays it; a reasoning item is an entry with its text', () => {
    const conversation = new Conversation();
    conversation.apply(userText('u1', 'Hi'));
    const reasoning = { id: 'rs1', type: 'reasoning', status: 'in_progress', summary: [], content: [{ type: 'reasoning_text', text: 'thinking' }] };
    conversation.apply(ev({ type: 'response.output_item.added', response_id: 'r', output_index: 0, item: reasoning }));
    const done = { ...reasoning, status: 'completed', summary: [{ type: 'summary_text', text: 'Greets back.' }] };
    conversation.apply(ev({ type: 'response.output_item.done', response_id: 'r', output_index: 0, item: done }));
    conversation.apply(ev({ type: 'conversation.item.added', previous_item_id: 'u1', item: { id: 'future1', type: 'image_generation_call', status: 'completed', result: 'b64' } }));
    assistantAudioTurn(conversation, 'a1', ['Hello']);
    expect(conversation.entries.map((e) => [e.id, e.type])).toEqual([
      ['u1', 'message'],
      ['future1', 'image_generation_call'],
      ['rs1', 'reasoning'],
      ['a1', 'message'],
    ]);
    expect(conversation.get('future1')).toMatchObject({ text: '', content: [], status: 'completed', raw: { id: 'future1', type: 'image_generation_call', status: 'completed', result: 'b64' } });
    // Reasoning models' items show their summary, then their content text; they are not replayed.
    expect(conversation.get('rs1')).toMatchObject({
      text: 'Greets back. thinking',
      content: [
        { type: 'summary_text', text: 'Greets back.', audioMs: 0 },
        { type: 'reasoning_text', text: 'thinking', audioMs: 0 },
      ],
      status: 'completed',
      raw: undefined,
    });
    expect(conversation.get('u1')?.raw).toBeUndefined();
    expect(conversation.replayItems(10_000).map((item) => item.id)).toEqual(['u1', 'a1']);
  });
});

describe('reasoning items', () => {
  it('an added reasoning item with an empty summary becomes a reasoning entry; its done event brings the text', () => {
    const conversation = new Conversation();
    conversation.apply(userText('u1', 'Hi'));
    const added = conversation.apply(ev({ type: 'response.output_item.added', response_id: 'r', output_index: 0, item: { id: 'rs1', type: 'reasoning', status: 'in_progress', summary: [], encrypted_content: null } }));
    expect(added.changes).toMatchObject([{ kind: 'added', entry: { id: 'rs1', type: 'reasoning', text: '', status: 'in_progress', responseId: 'r' } }]);
    expect(added.transcripts).toEqual([]);
    const done = conversation.apply(ev({ type: 'response.output_item.done', response_id: 'r', output_index: 0, item: { id: 'rs1', type: 'reasoning', status: 'completed', summary: [{ type: 'summary_text', text: 'A greeting: answer in kind.' }], encrypted_content: 'gAAA' } }));
    expect(done.changes).toMatchObject([{ kind: 'updated', entry: { text: 'A greeting: answer in kind.', status: 'completed' } }]);
    expect(done.transcripts).toEqual([]);
    // A later copy without text (an echo, a retrieve) keeps the text.
    conversation.apply(ev({ type: 'conversation.item.done', previous_item_id: 'u1', item: { id: 'rs1', type: 'reasoning', status: 'completed', summary: [] } }));
    expect(conversation.get('rs1')?.text).toBe('A greeting: answer in kind.');
    expect(conversation.replayItems(10_000).map((item) => item.id)).toEqual(['u1']);
  });

  it('survives malformed summary and content parts without losing the entry', () => {
    const conversation = new Conversation();
    conversation.apply(ev({ type: 'conversation.item.added', previous_item_id: null, item: { id: 'rs2', type: 'reasoning', summary: [null, { type: 'summary_text', text: 5 }, { type: 'summary_text', text: 'ok' }], content: 'not a list' } }));
    expect(conversation.get('rs2')).toMatchObject({ type: 'reasoning', text: 'ok', content: [{ type: 'summary_text', text: 'ok', audioMs: 0 }] });
  });
});
