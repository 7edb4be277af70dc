/**
 * The Realtime protocol's server event tables load with the first connection (issue 12: the
 * root app does not ship them at start; test/package/protocol-tables.test.ts checks the bundle).
 * Each test imports a fresh copy of the modules, so the table is not loaded yet when it starts.
 */
import { describe, expect, it, vi } from 'vitest';
import { isRealtimeError } from '../../src/base/errors';
import { useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();

async function freshModules(): Promise<{
  realtimeProtocol: typeof import('../../src/transport/realtime-protocol').realtimeProtocol;
  WebSocketTransport: typeof import('../../src/transport/websocket').WebSocketTransport;
}> {
  vi.resetModules();
  const [{ realtimeProtocol }, { WebSocketTransport }] = await Promise.all([import('../../src/transport/realtime-protocol'), import('../../src/transport/websocket')]);
  return { realtimeProtocol, WebSocketTransport };
}

/** The message of the RealtimeError `run` throws with `code` (the fresh modules have their own class: checked by name). */
function refusal(run: () => unknown, code: string): string {
  try {
    run();
  } catch (error) {
    expect(isRealtimeError(error, code as never)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`expected a RealtimeError ${code}, nothing was thrown`);
}

const truncated = JSON.stringify({ type: 'conversation.item.truncated', event_id: 'event_1', item_id: 'item_1', content_index: 0, audio_end_ms: 1200 });

describe('realtimeProtocol loads its server event table on demand', () => {
  it('parse() says to load() first instead of guessing; serialize() checks from the start; after load() both know server events', async () => {
    const { realtimeProtocol } = await freshModules();
    const before = realtimeProtocol.parse(truncated, {});
    expect(before.ok).toBe(false);
    if (!before.ok) {
      expect(isRealtimeError(before.error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
      expect(before.error.message).toContain('realtimeProtocol.load()');
    }
    // What a client sends is checked before any connection, whether the table is loaded or not.
    expect(refusal(() => realtimeProtocol.serialize({ type: 'session.update', session: { type: 'realtime', modalities: ['audio'] } }, {}), 'VOXWIRE_INVALID_CLIENT_EVENT')).toContain('output_modalities');
    expect(refusal(() => realtimeProtocol.serialize({ type: 'response.done' }, {}), 'VOXWIRE_INVALID_CLIENT_EVENT')).toContain('unknown client event type');

    await realtimeProtocol.load?.();
    const after = realtimeProtocol.parse(truncated, {});
    expect(after).toMatchObject({ ok: true, known: true, event: { type: 'conversation.item.truncated', audio_end_ms: 1200 } });
    expect(realtimeProtocol.parse(JSON.stringify({ type: 'conversation.item.truncated', item_id: 7 }), {})).toMatchObject({ ok: false });
    expect(refusal(() => realtimeProtocol.serialize({ type: 'response.done' }, {}), 'VOXWIRE_INVALID_CLIENT_EVENT')).toContain("'response.done' is a server event");
  });

  it('a transport loads it in connect(), so the first frame is parsed as a known event', async () => {
    const { realtimeProtocol, WebSocketTransport } = await freshModules();
    const { url } = await startMock();
    const transport = new WebSocketTransport({ protocol: realtimeProtocol, url, apiKey: 'sk-test' });
    stoppers.push(() => transport.close());
    const received: Array<{ type: string; known: boolean }> = [];
    const errors: unknown[] = [];
    transport.on('event', (event, known) => received.push({ type: event.type, known }));
    transport.on('error', (error) => errors.push(error));
    const first = new Promise<void>((resolve) => transport.once('event', () => resolve()));
    await transport.connect();
    await first;
    expect(received[0]).toEqual({ type: 'session.created', known: true });
    expect(errors).toEqual([]);
  });
});
