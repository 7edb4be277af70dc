/**
 * A reasoning model against the mock: the scenario's `reasons()` step makes the mock put a
 * `reasoning` item before the reply (as `gpt-realtime-2.x` does); the client shows it as its own
 * conversation entry, and counts and prices its tokens.
 */
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { ConversationChange } from '../../src/client/conversation';
import { DEFAULT_PRICES } from '../../src/base/defaults';
import { parseServerEvent } from '../../src/events';
import { silentLogger } from '../../src/base/logger';
import { createScenario } from '../../src/testing/script/scenario';
import { useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();
const SUMMARY = 'The user asks about the weather in Paris; answer briefly.';

describe('a reasoning model (mock scenario step reasons())', () => {
  it('shows the reasoning item as a reasoning entry before the reply, and counts its tokens as text output', async () => {
    const { server, url } = await startMock({ scenario: createScenario().turn((t) => t.reasons(SUMMARY).says('Paris is sunny.')).build() });
    const client = new RealtimeClient({ url, apiKey: 'sk-test', logger: silentLogger, reconnect: false, model: 'gpt-realtime-2.1', session: { reasoning: { effort: 'low' }, output_modalities: ['text'] } });
    stoppers.push(() => client.disconnect());
    const changes: ConversationChange[] = [];
    client.on('conversation', (change) => changes.push(change));
    const usage = new Promise<void>((resolve) => client.once('usage', () => resolve()));
    await client.connect();
    expect(server.filter({ type: 'session.update' }, { direction: 'received' })[0]?.event).toMatchObject({ session: { reasoning: { effort: 'low' } } });
    client.sendText('Weather in Paris?');
    await usage;

    expect(client.conversation.entries.map((entry) => [entry.type, entry.role, entry.text])).toEqual([
      ['message', 'user', 'Weather in Paris?'],
      ['reasoning', undefined, SUMMARY],
      ['message', 'assistant', 'Paris is sunny.'],
    ]);
    expect(changes.some((change) => change.kind === 'updated' && change.entry.type === 'reasoning' && change.entry.text === SUMMARY)).toBe(true);

    const done = server.filter('response.done', { direction: 'sent' })[0]!.event as unknown as { response: { output: Array<{ type: string }>; usage: { output_tokens: number; output_token_details: { text_tokens: number; audio_tokens: number; reasoning_tokens: number } } } };
    expect(done.response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const details = done.response.usage.output_token_details;
    expect(details.reasoning_tokens).toBe(Math.ceil(SUMMARY.length / 4));
    expect(done.response.usage.output_tokens).toBe(details.text_tokens + details.audio_tokens + details.reasoning_tokens);
    const totals = client.usage;
    expect(totals.outputReasoningTokens).toBe(details.reasoning_tokens);
    const price = DEFAULT_PRICES['gpt-realtime-2']!;
    const input = totals.inputTextTokens - totals.cachedInputTextTokens;
    const expected = (input * price.textInput + totals.cachedInputTextTokens * price.cachedTextInput + (details.text_tokens + details.reasoning_tokens) * price.textOutput) / 1_000_000;
    expect(totals.estimatedCostUsd).toBeCloseTo(expected, 12);
    // Every event the mock sent, the reasoning item's included, is one the schemas know.
    for (const entry of server.sent) {
      const parsed = parseServerEvent(entry.event);
      expect(parsed.ok && parsed.known, entry.event.type).toBe(true);
    }
  });
});
