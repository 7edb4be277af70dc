import { describe, expect, it } from 'vitest';
import { ingestStream, roundFrame } from '../../bench/client/ingest-stream';
import { parseServerEvent } from '../../src/events/realtime-codec';

type Event = { type: string; event_id: string; [key: string]: unknown };

const TURNS = 8;
const stream = ingestStream({ turns: TURNS });
const round = (n: number): Event[] => stream.frames.map((pattern) => JSON.parse(roundFrame(pattern, n)) as Event);

describe('the client ingest bench stream', () => {
  it('is valid GA server events only, so no client takes an error path', () => {
    for (const frame of [stream.sessionCreated, ...stream.frames.map((pattern) => roundFrame(pattern, 1))]) {
      const result = parseServerEvent(frame);
      expect(result.ok && result.known, frame.slice(0, 120)).toBe(true);
    }
  });

  it('is a spoken-turn mix: mostly 20-50 ms audio deltas of 24 kHz PCM16, one call every fourth turn', () => {
    const events = round(1);
    const audio = events.filter((event) => event.type === 'response.output_audio.delta');
    const bytes = audio.map((event) => Buffer.from(event.delta as string, 'base64').length);
    expect(Math.min(...bytes)).toBe(20 * 48);
    expect(Math.max(...bytes)).toBe(50 * 48);
    expect(bytes.reduce((sum, length) => sum + length, 0)).toBe(stream.audioBytes);
    expect(audio.length / events.length).toBeGreaterThan(0.75);
    expect(stream.counts['response.output_audio.delta']).toBe(audio.length);
    expect(stream.counts['response.function_call_arguments.done']).toBe(TURNS / 4);
    expect(stream.counts['response.done']).toBe(TURNS + TURNS / 4);
    expect(stream.counts['conversation.item.input_audio_transcription.delta']).toBeGreaterThan(0);
    expect(stream.counts['input_audio_buffer.speech_started']).toBe(TURNS);
    expect(events[0]?.type).toBe('session.updated');
  });

  it('gives every round its own ids, and chains its first item to the previous round', () => {
    const [first, second] = [round(1), round(2)];
    const ids = (events: Event[]): string[] => events.map((event) => event.event_id);
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(first.length * 2);
    const calls = (events: Event[]): unknown[] => events.filter((event) => event.type === 'response.function_call_arguments.done').map((event) => event.call_id);
    expect(calls(second).some((id) => calls(first).includes(id))).toBe(false);
    const items = (events: Event[]) => events.filter((event) => event.type === 'conversation.item.added') as Array<Event & { item: { id: string }; previous_item_id: string }>;
    expect(items(second)[0]?.previous_item_id).toBe(items(first).at(-1)?.item.id);
    for (const [index, item] of items(second).entries()) if (index > 0) expect(item.previous_item_id).toBe(items(second)[index - 1]?.item.id);
  });

  it('is the same for the same seed, and another for another seed', () => {
    expect(ingestStream({ turns: 2 }).frames).toEqual(ingestStream({ turns: 2 }).frames);
    expect(ingestStream({ turns: 2, seed: 7 }).frames).not.toEqual(ingestStream({ turns: 2 }).frames);
  });
});
