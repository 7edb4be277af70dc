/**
 * The client's part of the forward-compatibility suite (issue 12): every official server event
 * example, with every unknown nested shape injected at once (unknown item types, content parts,
 * roles, statuses, session types and fields), reaches the client over a real loopback socket.
 * Nothing is dropped (each frame reaches `'*'`, none becomes an `error`), nothing throws, and
 * nothing stalls: afterwards a response is still requested and answered.
 */
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { RealtimeError } from '../../src/base/errors';
import { silentLogger } from '../../src/base/logger';
import { officialExamples } from '../events/examples';
import { allUnknownShapes } from '../helpers/unknown-shapes';
import { startScriptedServer } from './scripted-server';
import { useCleanup } from '../helpers/index';

const { stoppers } = useCleanup();

describe('forward compatibility: the client with unknown nested shapes in every known event', () => {
  it('drops nothing, throws nothing and still answers afterwards', async () => {
    let answer = false;
    const server = await startScriptedServer({
      onEvent: (event, reply) => {
        if (!answer || event.type !== 'response.create') return;
        reply({ type: 'response.created', response: { object: 'realtime.response', id: 'resp_after', status: 'in_progress', output: [] } });
        reply({ type: 'response.done', response: { object: 'realtime.response', id: 'resp_after', status: 'completed', output: [], usage: null } });
      },
    });
    stoppers.push(() => server.stop());
    const client = new RealtimeClient({ url: server.url, apiKey: 'sk-test', logger: silentLogger, reconnect: false });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const seen: string[] = [];
    const errors: RealtimeError[] = [];
    client.on('*', (event) => seen.push(event.type));
    client.on('error', (error) => errors.push(error));

    // The translation interface reuses session.* names with other shapes; it has its own client.
    const frames = officialExamples()
      .filter((line) => line.dir === 'server' && line.in_sdk_union)
      .map((line) => allUnknownShapes(line.example))
      // The official audio delta carries a placeholder, not PCM16 (17 bytes): give it real samples.
      .map((frame) => (frame.type === 'response.output_audio.delta' ? { ...frame, delta: 'AAAAAA==' } : frame));
    expect(frames.length).toBeGreaterThan(40);
    for (const frame of frames) server.send(frame);
    // Whatever the frames left active, a final response.done ends it.
    server.send({ type: 'response.done', response: { object: 'realtime.response', id: 'resp_end', status: 'completed', output: [], usage: null } });
    await new Promise<void>((resolve) => client.on('*', (event) => (event as { response?: { id?: string } }).response?.id === 'resp_end' && resolve()));

    expect(seen).toEqual([...frames.map((frame) => frame.type), 'response.done']);
    // Only the server's own `error` examples arrive as errors; no frame was refused as invalid.
    expect(errors.filter((error) => error.code !== 'VOXWIRE_SERVER_ERROR' && error.code !== 'VOXWIRE_SESSION_EXPIRED').map((e) => e.message)).toEqual([]);
    expect(client.state.status).toBe('connected');

    answer = true;
    expect(client.responseActive).toBe(false);
    client.sendText('Still with me?');
    await server.waitFor('response.create');
    await new Promise<void>((resolve) => client.once('response.done', () => resolve()));
    expect(client.responseActive).toBe(false);
    // Items of types the client does not know kept their raw form and no text.
    const unknown = client.conversation.entries.filter((entry) => entry.raw !== undefined);
    expect(unknown.length).toBeGreaterThan(0);
    for (const entry of unknown) expect(entry.text).toBe('');
  });
});
