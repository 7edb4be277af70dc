/**
 * A bounded load test on loopback: N concurrent sessions through the relay, each streaming
 * 24 kHz PCM16 in 20 ms chunks (50 frames a second) while an echo upstream answers every
 * chunk with an audio delta (50 frames a second back). It stops by itself after a few seconds.
 * Throughput and latency figures belong to bench/relay; this checks that nothing is lost.
 */
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { pcmChunk, RelayClient, startRelay } from './harness';
import { until, useCleanup } from '../helpers/index';

const SESSIONS = 20;
const SECONDS = 3;
const CHUNK_MS = 20;

const { stoppers: cleanups } = useCleanup();

async function echoUpstream(): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  server.on('connection', (socket) => {
    socket.send(JSON.stringify({ type: 'session.created', event_id: 'evt_0', session: { type: 'realtime', id: 'sess_echo' } }));
    socket.on('message', (data) => {
      const event = JSON.parse(data.toString()) as { type: string; audio?: string; event_id?: string };
      if (event.type !== 'input_audio_buffer.append') return;
      socket.send(
        `{"type":"response.output_audio.delta","event_id":"${event.event_id}","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"${event.audio}"}`,
      );
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(resolve);
      }),
  );
  return `ws://127.0.0.1:${(server.address() as { port: number }).port}/v1/realtime`;
}

describe('load (bounded, loopback)', () => {
  it(`relays ${SESSIONS} sessions streaming 24 kHz audio both ways for ${SECONDS} s without losing a frame`, { timeout: 30_000 }, async () => {
    const upstreamUrl = await echoUpstream();
    const { relay, url } = await startRelay(upstreamUrl, { limits: { maxSessionsPerUser: Infinity }, policy: { session: { instructions: 'Load test.' } } });
    cleanups.push(() => relay.close({ drainMs: 0 }));
    // The echo upstream never answers the relay's session.update; audio flows regardless.
    const clients = await Promise.all(Array.from({ length: SESSIONS }, (_, index) => RelayClient.connect(url, `?token=user:load-${index}`)));
    cleanups.push(() => Promise.all(clients.map((client) => client.close())));

    const chunks = Array.from({ length: 10 }, (_, index) => pcmChunk(CHUNK_MS, index * 480));
    const perSession = (SECONDS * 1000) / CHUNK_MS;
    const started = Date.now();
    for (let tick = 0; tick < perSession; tick += 1) {
      for (const [index, client] of clients.entries()) {
        client.send({ type: 'input_audio_buffer.append', event_id: `evt_${index}_${tick}`, audio: chunks[tick % chunks.length] as string });
      }
      const due = started + (tick + 1) * CHUNK_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
    await until(() => clients.every((client) => client.all('response.output_audio.delta').length === perSession), 'every echo', { timeoutMs: 10_000 });

    for (const [index, client] of clients.entries()) {
      const ids = client.all('response.output_audio.delta').map((event) => event.event_id as string);
      expect(ids).toEqual(Array.from({ length: perSession }, (_, tick) => `evt_${index}_${tick}`));
      expect(client.all('error')).toEqual([]);
      expect(client.closeInfo).toBeUndefined();
    }
    const snapshot = relay.metrics.snapshot();
    expect(snapshot.activeSessions).toBe(SESSIONS);
    expect(snapshot.clientToUpstream.frames).toBe(SESSIONS * perSession);
    expect(snapshot.upstreamToClient.frames).toBe(SESSIONS * perSession);
    expect(Object.values(snapshot.framesRejected).reduce((sum, count) => sum + count, 0)).toBe(0);
    // One frame in 8 is timed.
    expect(snapshot.latency.count).toBeGreaterThanOrEqual(Math.floor((2 * SESSIONS * perSession) / 8) - 5);
    expect(snapshot.latency.count).toBeLessThanOrEqual(Math.ceil((2 * SESSIONS * perSession) / 8) + 5);
  });
});
