import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { InterruptionInfo, SpeakingInfo } from '../../src/client/client-events';
import { RealtimeError } from '../../src/base/errors';
import type { ClientEventInput, ServerEvent } from '../../src/events';
import { silentLogger } from '../../src/base/logger';
import { exponentialBackoff } from '../../src/client/reconnect';
import type { Transport, TransportEvents } from '../../src/transport/transport';

/** An in-memory transport with server-owned playback (what WebRTC looks like to the client). */
class MediaTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly capabilities = { audio: 'media' } as const;
  isOpen = false;
  sent: ClientEventInput[] = [];
  refuseWith: RealtimeError | undefined;
  async connect(): Promise<void> {
    if (this.refuseWith) throw this.refuseWith;
    this.isOpen = true;
    queueMicrotask(() => this.server({ type: 'session.created', event_id: 'e', session: { type: 'realtime', id: 'sess_1' } }));
  }
  send(event: ClientEventInput): void {
    this.sent.push(event);
    if (event.type === 'session.update') queueMicrotask(() => this.server({ type: 'session.updated', event_id: 'e', session: { type: 'realtime', id: 'sess_1' } }));
  }
  close(): void {
    this.isOpen = false;
  }
  server(event: Record<string, unknown>): void {
    this.emit('event', event as unknown as ServerEvent, true);
  }
  drop(): void {
    this.isOpen = false;
    this.emit('close', { code: 1006, reason: '', initiatedLocally: false });
  }
}

describe('RealtimeClient over a media transport', () => {
  it('emits speaking, and one interrupted for its own clear', async () => {
    const transport = new MediaTransport();
    const client = new RealtimeClient({ transport, logger: silentLogger });
    await client.connect();
    const speaking: SpeakingInfo[] = [];
    const interrupted: InterruptionInfo[] = [];
    client.on('speaking', (info) => speaking.push(info));
    client.on('interrupted', (info) => interrupted.push(info));
    transport.server({ type: 'response.created', event_id: 'e', response: { id: 'resp_1', status: 'in_progress', output: [] } });
    transport.server({ type: 'output_audio_buffer.started', event_id: 'e', response_id: 'resp_1' });
    await client.interrupt();
    expect(transport.sent.map((e) => e.type)).toEqual(['session.update', 'response.cancel', 'output_audio_buffer.clear']);
    transport.server({ type: 'output_audio_buffer.cleared', event_id: 'e', response_id: 'resp_1' });
    expect(interrupted.map((i) => i.reason)).toEqual(['client']);
    // A clear the client did not ask for is the user barging in.
    transport.server({ type: 'output_audio_buffer.started', event_id: 'e', response_id: 'resp_2' });
    transport.server({ type: 'output_audio_buffer.cleared', event_id: 'e', response_id: 'resp_2' });
    expect(interrupted.map((i) => i.reason)).toEqual(['client', 'speech']);
    expect(speaking).toEqual([
      { speaking: true, responseId: 'resp_1' },
      { speaking: false, responseId: 'resp_1' },
      { speaking: true, responseId: 'resp_2' },
      { speaking: false, responseId: 'resp_2' },
    ]);
  });

  it("turns the relay's voxwire.session.ending into sessionEnding", async () => {
    const transport = new MediaTransport();
    const client = new RealtimeClient({ transport, logger: silentLogger });
    await client.connect();
    const endings: unknown[] = [];
    client.on('sessionEnding', (info) => endings.push(info));
    transport.emit('event', { type: 'voxwire.session.ending', event_id: 'vxr_1', seconds_left: 10, reason: 'time_limit' }, false);
    expect(endings).toEqual([{ reason: 'time_limit', source: 'relay', remainingMs: 10_000 }]);
  });

  it('ends as expired when a reconnect is refused for budget, and closed for concurrency', async () => {
    for (const [code, status] of [
      ['VOXWIRE_BUDGET_EXHAUSTED', 'expired'],
      ['VOXWIRE_CONCURRENCY_LIMIT', 'closed'],
    ] as const) {
      const transport = new MediaTransport();
      const client = new RealtimeClient({ transport, logger: silentLogger, reconnect: exponentialBackoff({ initialDelayMs: 1, jitter: 'none' }) });
      await client.connect();
      transport.refuseWith = new RealtimeError(code, 'refused by the server');
      const ended = new Promise<string>((resolve) => client.on('state', (s) => (s.status === 'expired' || s.status === 'closed') && resolve(s.status)));
      transport.drop();
      expect(await ended).toBe(status);
    }
  });
});
