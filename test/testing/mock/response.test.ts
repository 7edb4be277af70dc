import { describe, expect, it } from 'vitest';
import type { WireEvent } from '../../../src/testing/recording/event-log';
import { MockConversation } from '../../../src/testing/mock/conversation';
import { createIdFactory } from '../../../src/testing/mock/ids';
import { MockResponse, splitTextDeltas } from '../../../src/testing/mock/response';
import type { MockResponseInit, ResolvedReply, ResponseHost } from '../../../src/testing/mock/response';

/** A host on a virtual clock: sleeps advance time instantly and are recorded. */
function virtualHost(): { host: ResponseHost; events: WireEvent[]; sleeps: number[]; drops: Array<[number, string]>; now: () => number } {
  let now = 0;
  const events: WireEvent[] = [];
  const sleeps: number[] = [];
  const drops: Array<[number, string]> = [];
  let closed = false;
  const newId = createIdFactory(() => 0.5);
  let counter = 0;
  const host: ResponseHost = {
    obfuscate: () => 'pad',
    emit: (event) => {
      if (closed) return false;
      events.push(event);
      return true;
    },
    drop: (code, reason) => {
      closed = true;
      drops.push([code, reason]);
    },
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      await Promise.resolve();
      now += ms;
      return !signal.aborted && !closed;
    },
    now: () => now,
    newId: (prefix) => `${newId(prefix)}${counter++}`,
    conversation: new MockConversation(60_000),
    writeOutputAudio: undefined,
    onAssistantAudio: () => undefined,
    onResponseDone: () => undefined,
  };
  return { host, events, sleeps, drops, now: () => now };
}

function init(reply: Partial<ResolvedReply>, overrides: Partial<MockResponseInit> = {}): MockResponseInit {
  return {
    id: 'resp_1',
    conversationId: 'conv_1',
    outputModalities: ['audio'],
    outputFormat: { type: 'audio/pcm', rate: 24000 },
    voice: 'marin',
    maxOutputTokens: 'inf',
    metadata: null,
    turn: undefined,
    resolve: async () => ({ text: '', functionCalls: [], incomplete: false, ...reply }),
    inputUsage: { textTokens: 100, audioTokens: 20, cachedTextTokens: 64, cachedAudioTokens: 0 },
    pace: 'realtime',
    outputChunkMs: 50,
    clientEventId: null,
    ...overrides,
  };
}

const second = new Int16Array(24000);

describe('MockResponse', () => {
  it('paces audio in real time, or n times faster, on the session clock', async () => {
    for (const [pace, step] of [['realtime', 50], [2, 25], ['instant', 0]] as const) {
      const { host, events, now } = virtualHost();
      await new MockResponse(init({ text: 'one two', audio: second }, { pace }), host).run();
      expect(events.filter((event) => event.type === 'response.output_audio.delta')).toHaveLength(20);
      expect(now()).toBe(step * 19);
    }
  });

  it('adds per-delta latency on top of the pacing', async () => {
    const { host, now } = virtualHost();
    await new MockResponse(init({ text: 'a', audio: second }, { turn: { latency: { perDeltaMs: 10, beforeResponseMs: 500 } } }), host).run();
    expect(now()).toBe(500 + 50 * 19 + 10 * 20);
  });

  it('reports usage from what was sent, with the input estimate and cached tokens', async () => {
    const { host, events } = virtualHost();
    await new MockResponse(init({ text: 'Hello there', audio: second }), host).run();
    const done = events.find((event) => event.type === 'response.done')!;
    expect(done).toMatchObject({
      type: 'response.done',
      response: {
        status: 'completed',
        usage: {
          input_tokens: 120,
          output_tokens: 3 + 20,
          total_tokens: 143,
          input_token_details: { text_tokens: 100, audio_tokens: 20, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0 } },
          output_token_details: { text_tokens: 3, audio_tokens: 20 },
        },
      },
    });
  });

  it('drops before or after the counted event and sends nothing more', async () => {
    const after = virtualHost();
    await new MockResponse(init({ text: 'x', audio: second }, { turn: { drop: { after: 'response.output_audio.delta', count: 4 } } }), after.host).run();
    expect(after.events.filter((event) => event.type === 'response.output_audio.delta')).toHaveLength(4);
    expect(after.events.at(-1)!.type).toBe('response.output_audio.delta');
    expect(after.drops).toEqual([[1006, '']]);

    const before = virtualHost();
    await new MockResponse(init({ functionCalls: [{ name: 'f', arguments: '{}' }] }, { turn: { drop: { before: 'response.output_item.done', code: 4000, reason: 'bye' } } }), before.host).run();
    expect(before.events.map((event) => event.type)).not.toContain('response.output_item.done');
    expect(before.drops).toEqual([[4000, 'bye']]);
  });

  it('cancels mid-audio: closes the item as incomplete and ends with status cancelled', async () => {
    const { host, events } = virtualHost();
    const response = new MockResponse(init({ text: 'one two three four', audio: second }), host);
    const running = response.run();
    while (events.filter((event) => event.type === 'response.output_audio.delta').length < 5) await Promise.resolve();
    expect(response.cancel('client_cancelled')).toBe(true);
    await running;
    expect(response.active).toBe(false);
    expect(response.cancel('client_cancelled')).toBe(false);
    const types = events.map((event) => event.type);
    expect(types.slice(types.lastIndexOf('response.output_audio.delta') + 1)).toEqual([
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    expect(events.at(-2)).toMatchObject({ response: { status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } } });
  });

  it('sends an error instead of a response when the turn says so', async () => {
    const { host, events } = virtualHost();
    await new MockResponse(init({}, { resolve: async () => ({ error: { type: 'server_error', code: null, message: 'boom', param: null } }), clientEventId: 'evt_9' }), host).run();
    expect(events).toEqual([{ type: 'error', error: { type: 'server_error', code: null, message: 'boom', param: null, event_id: 'evt_9' } }]);
  });

  it('reports its own failures as a server_error instead of rejecting', async () => {
    const { host, events } = virtualHost();
    await new MockResponse(init({}, { resolve: () => Promise.reject(new Error('no fixture clip named "nope"')) }), host).run();
    expect(events).toEqual([expect.objectContaining({ type: 'error', error: expect.objectContaining({ type: 'server_error', message: expect.stringContaining('nope') }) })]);
  });
});

describe('splitTextDeltas', () => {
  it('splits into word deltas that join back to the exact text', () => {
    for (const text of ['', 'one', ' lead and trail ', "It's 18 degrees.\n"]) expect(splitTextDeltas(text).join('')).toBe(text);
    expect(splitTextDeltas('It is sunny')).toEqual(['It', ' is', ' sunny']);
  });
});
