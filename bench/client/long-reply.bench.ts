/**
 * A 30-minute reply into one conversation entry with two content parts (a text part, then the
 * audio transcript streaming): the cost of one transcript delta at minute 1 and at minute 30
 * (issue 19: the entry's whole text was rebuilt on every delta once it had two parts).
 * Run: npm run bench -- long-reply
 */
import { Conversation } from '../../src/client/conversation';
import type { ServerEvent } from '../../src/events/server-events';

const DELTAS_PER_MINUTE = 180; // ~3 words a second, one word per delta
const MINUTES = 30;
const WINDOW = 180; // deltas timed per sample

function reply(): { conversation: Conversation; delta: (n: number) => ServerEvent } {
  const conversation = new Conversation();
  const itemId = 'item_long';
  const responseId = 'resp_long';
  conversation.apply({
    type: 'response.output_item.added',
    event_id: 'e0',
    response_id: responseId,
    output_index: 0,
    item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] },
  } as ServerEvent);
  conversation.apply({ type: 'response.output_text.delta', event_id: 'e1', response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, delta: 'A note before the spoken part.' } as ServerEvent);
  const event = { type: 'response.output_audio_transcript.delta', event_id: 'e2', response_id: responseId, item_id: itemId, output_index: 0, content_index: 1, delta: ' word' } as ServerEvent;
  return { conversation, delta: () => event };
}

function microsPerDelta(conversation: Conversation, delta: (n: number) => ServerEvent, count: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) conversation.apply(delta(i));
  return Number(process.hrtime.bigint() - start) / 1000 / count;
}

const { conversation, delta } = reply();
const samples: Array<[number, number]> = [];
for (let minute = 1; minute <= MINUTES; minute += 1) {
  microsPerDelta(conversation, delta, DELTAS_PER_MINUTE - WINDOW);
  samples.push([minute, microsPerDelta(conversation, delta, WINDOW)]);
}
const at = (minute: number): number => samples.find(([m]) => m === minute)?.[1] ?? Number.NaN;
const entry = conversation.entries[0];
console.log(`| minute | µs per transcript delta |\n| --- | --- |`);
for (const minute of [1, 10, 20, 30]) console.log(`| ${minute} | ${at(minute).toFixed(2)} |`);
console.log(`\nminute 30 / minute 1: ${(at(30) / at(1)).toFixed(2)}x; entry text ${entry?.text.length ?? 0} characters; load average ${(await import('node:os')).loadavg().map((v) => v.toFixed(2)).join(' ')}`);
