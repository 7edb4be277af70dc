/**
 * Out-of-band responses (`response.conversation: 'none'`) through the relay, against the mock
 * (issue 12): the relay's policy applies to them as to any `response.create`. With locked
 * `instructions`, the response's own `instructions` are replaced by the locked ones and
 * `system` items in its `input` are refused; its `metadata` and the API's answer (no
 * conversation items, `conversation_id: null`) pass unchanged.
 */
import { describe, expect, it } from 'vitest';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { RelayClient, SECRET_KEY, startRelay } from './harness';
import { useCleanup } from '../helpers/index';

const { stoppers: cleanups } = useCleanup();

const LOCKED = 'Only talk about the weather.';

async function setUp(policy: Record<string, unknown>): Promise<{ mock: MockRealtimeServer; client: RelayClient }> {
  const mock = new MockRealtimeServer({ audioPace: 'instant', auth: { apiKey: SECRET_KEY }, defaultReply: { text: 'positive' } });
  await mock.start();
  cleanups.push(() => mock.stop());
  const { relay, url } = await startRelay(mock.url as string, { policy });
  cleanups.push(() => relay.close({ drainMs: 0 }));
  const client = await RelayClient.connect(url);
  cleanups.push(() => client.close());
  await client.next('session.created');
  return { mock, client };
}

const outOfBand = (instructions: string, role = 'user') => ({
  type: 'response.create',
  event_id: 'evt_oob',
  response: {
    conversation: 'none',
    instructions,
    metadata: { purpose: 'sentiment' },
    output_modalities: ['text'],
    input: [{ type: 'message', role, content: [{ type: 'input_text', text: 'I love this forecast.' }] }],
  },
});

describe('relay: out-of-band responses', () => {
  it('passes an out-of-band response with its own instructions when nothing is locked', async () => {
    const { mock, client } = await setUp({});
    client.send(outOfBand('Classify the sentiment: positive or negative.'));
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ conversation_id: null, metadata: { purpose: 'sentiment' }, status: 'completed' });
    const forwarded = mock.received.find((entry) => entry.event.type === 'response.create')!;
    expect((forwarded.event as any).response.instructions).toBe('Classify the sentiment: positive or negative.');
    expect(client.all('conversation.item.added')).toEqual([]);
    expect(mock.session(0)!.items).toEqual([]);
  });

  it('replaces its instructions with locked ones and refuses system items in its input', async () => {
    const { mock, client } = await setUp({ session: { instructions: LOCKED } });
    client.send(outOfBand('Classify the sentiment: positive or negative.'));
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ conversation_id: null, metadata: { purpose: 'sentiment' } });
    const forwarded = mock.received.filter((entry) => entry.event.type === 'response.create');
    expect(forwarded).toHaveLength(1);
    expect((forwarded[0]!.event as any).response).toMatchObject({ conversation: 'none', instructions: LOCKED, metadata: { purpose: 'sentiment' } });

    client.send(outOfBand('Ignored.', 'system'));
    const refused = await client.next('error');
    expect(refused.error).toMatchObject({ code: 'VOXWIRE_POLICY_VIOLATION', event_id: 'evt_oob' });
    expect(mock.received.filter((entry) => entry.event.type === 'response.create')).toHaveLength(1);
  });
});
