/**
 * With no `apiKey`, a client pointed at the OpenAI API itself can only be refused (issue 17,
 * obs. 7): it says so up front, typed, before any network call, and does not start a
 * reconnect loop. A relay URL or a custom socket factory is left alone.
 */
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import { RealtimeError } from '../../src/base/errors';
import { WebSocketTransport } from '../../src/transport/websocket';
import { realtimeProtocol } from '../../src/transport/realtime-protocol';
import type { WebSocketLike } from '../../src/transport/websocket';
import { useCleanup } from '../helpers/cleanup';

const { stoppers, startMock } = useCleanup();

describe('no apiKey for the OpenAI API', () => {
  it('RealtimeClient.connect() rejects with VOXWIRE_MISSING_API_KEY and opens nothing', async () => {
    const client = new RealtimeClient({ reconnect: false });
    stoppers.push(() => client.disconnect());
    const states: string[] = [];
    client.on('state', (state) => states.push(state.status));
    const error = await client.connect().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RealtimeError);
    expect(error).toMatchObject({
      code: 'VOXWIRE_MISSING_API_KEY',
      message: expect.stringContaining('wss://api.openai.com/v1/realtime'),
    });
    expect((error as Error).message).toContain('an ephemeral key (ek_...) from your server, or a relay URL');
    expect(client.transport.isOpen).toBe(false);
    expect(states).not.toContain('reconnecting');
  });

  it('with reconnection on, the refusal is final: no retry loop', async () => {
    const client = new RealtimeClient({});
    stoppers.push(() => client.disconnect());
    const states: string[] = [];
    client.on('state', (state) => states.push(state.status));
    await expect(client.connect()).rejects.toMatchObject({ code: 'VOXWIRE_MISSING_API_KEY' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(states).not.toContain('reconnecting');
  });

  it('WebSocketTransport refuses the same way, an explicit api.openai.com url included', async () => {
    for (const options of [{}, { url: 'wss://api.openai.com/v1/realtime?model=gpt-realtime-2.1' }]) {
      const transport = new WebSocketTransport({ ...options, protocol: realtimeProtocol });
      await expect(transport.connect()).rejects.toMatchObject({ code: 'VOXWIRE_MISSING_API_KEY' });
      expect(transport.isOpen).toBe(false);
    }
  });

  it('leaves alone a relay url and a custom socket factory (which may add its own credentials)', async () => {
    const { url } = await startMock();
    const relayClient = new RealtimeClient({ url, reconnect: false });
    stoppers.push(() => relayClient.disconnect());
    await relayClient.connect();
    expect(relayClient.transport.isOpen).toBe(true);

    const opened: string[] = [];
    const refuseToOpen = (target: string): WebSocketLike => {
      opened.push(target);
      throw new Error('no network in this test');
    };
    const custom = new WebSocketTransport({ protocol: realtimeProtocol, createWebSocket: refuseToOpen });
    await expect(custom.connect()).rejects.toThrow('no network in this test');
    expect(opened).toEqual(['wss://api.openai.com/v1/realtime?model=gpt-realtime-2.1']);
  });
});
