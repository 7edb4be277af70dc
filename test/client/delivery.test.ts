import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { DeliveryUpdate } from '../../src/client/client-events';
import { silentLogger } from '../../src/base/logger';
import { exponentialBackoff } from '../../src/client/reconnect';
import { startScriptedServer } from './scripted-server';
import type { ReceivedEvent } from './scripted-server';
import { useCleanup } from '../helpers/index';

const { stoppers } = useCleanup();

type Reply = (frame: Record<string, unknown>) => void;

/** Echoes items as the API does and answers each response.create with a short text reply. */
function answer(event: ReceivedEvent, reply: Reply, counter: { responses: number }): void {
  if (event.type === 'conversation.item.create') {
    const item = { ...(event.item as object), object: 'realtime.item', status: 'completed' };
    reply({ type: 'conversation.item.added', previous_item_id: null, item });
    reply({ type: 'conversation.item.done', previous_item_id: null, item });
  }
  if (event.type === 'response.create') {
    counter.responses += 1;
    const id = `resp_${counter.responses}`;
    const item = { id: `item_${id}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Noted.' }] };
    reply({ type: 'response.created', response: { object: 'realtime.response', id, status: 'in_progress', output: [] } });
    reply({ type: 'conversation.item.added', previous_item_id: null, item: { ...item, status: 'in_progress', content: [] } });
    reply({ type: 'response.output_text.done', response_id: id, item_id: item.id, output_index: 0, content_index: 0, text: 'Noted.' });
    reply({ type: 'conversation.item.done', previous_item_id: null, item });
    reply({ type: 'response.done', response: { object: 'realtime.response', id, status: 'completed', output: [item], usage: null } });
  }
}

describe('delivery journal (issue 13 obs. 7)', () => {
  it('a message written just before a drop is sent again once in the restored session and delivered', async () => {
    const counter = { responses: 0 };
    let connections = 0;
    // The first session takes the frames and dies before any echo; later ones answer as the API does.
    let dropped = false;
    const server = await startScriptedServer({
      onEvent: (event, reply) => {
        if (!dropped && event.type === 'response.create') {
          dropped = true;
          server.drop();
          return true;
        }
        if (dropped) answer(event, reply, counter);
        return event.type !== 'session.update';
      },
    });
    stoppers.push(() => server.stop());
    const client = new RealtimeClient({ url: server.url, apiKey: 'sk-test', logger: silentLogger, reconnect: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 10, jitter: 'none' }) });
    stoppers.push(() => client.disconnect());
    client.on('state', (state) => {
      if (state.status === 'connected') connections += 1;
    });
    await client.connect();
    const deliveries: DeliveryUpdate['state'][] = [];
    client.on('delivery', (update) => deliveries.push(update.state));
    const id = client.sendText('Remember the word apple.');
    expect(client.conversation.get(id)?.delivery).toBe('pending');
    await new Promise<void>((resolve) => client.on('conversation', (change) => change.entry.role === 'assistant' && change.entry.status === 'completed' && resolve()));
    expect(connections).toBe(2);
    const creates = server.received.filter((e) => e.type === 'conversation.item.create' && (e.item as { id: string }).id === id);
    // Once in the dead session, once in the restored one; never replayed a second time.
    expect(creates).toHaveLength(2);
    expect(new Set(creates.map((e) => e.event_id)).size).toBe(2);
    expect(server.received.filter((e) => e.type === 'response.create')).toHaveLength(2);
    expect(client.conversation.get(id)?.delivery).toBe('delivered');
    expect(deliveries).toEqual(['pending', 'delivered']);
    const texts = client.conversation.entries.filter((e) => e.status === 'completed').map((e) => `${e.role}: ${e.text}`);
    expect(texts).toEqual(['user: Remember the word apple.', 'assistant: Noted.']);
  });

  it('an item the server refuses, or that no session acknowledged before the client ended, is failed', async () => {
    const server = await startScriptedServer({
      onEvent: (event, reply) => {
        if (event.type === 'conversation.item.create' && JSON.stringify(event.item).includes('refuse me')) {
          reply({ type: 'error', error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid item.', param: 'item', event_id: event.event_id } });
          return true;
        }
        return event.type === 'conversation.item.create';
      },
    });
    stoppers.push(() => server.stop());
    const client = new RealtimeClient({ url: server.url, apiKey: 'sk-test', logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    client.on('error', () => undefined);
    await client.connect();
    const updates: Array<[string, string]> = [];
    client.on('delivery', (update) => updates.push([update.itemId, update.state]));
    const refused = client.sendText('refuse me', { respond: false });
    const unanswered = client.sendText('no echo for me', { respond: false });
    await server.waitFor('conversation.item.create', (e) => JSON.stringify(e.item).includes('no echo'));
    await new Promise<void>((resolve) => client.on('delivery', (u) => u.itemId === refused && u.state === 'failed' && resolve()));
    client.disconnect();
    expect(updates).toEqual([
      [refused, 'pending'],
      [unanswered, 'pending'],
      [refused, 'failed'],
      [unanswered, 'failed'],
    ]);
    expect(client.conversation.get(unanswered)?.delivery).toBe('failed');
  });
});
