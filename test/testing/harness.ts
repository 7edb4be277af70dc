/**
 * Shared set-up for the mock server's tests: start servers and raw clients, stop them all after
 * each test, and check that everything the mock sent is a valid GA server event.
 */
import { afterEach, expect } from 'vitest';
import { parseServerEvent } from '../../src/events/realtime-codec';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { splitTextDeltas } from '../../src/testing/mock/response';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import type { MockRealtimeServerOptions } from '../../src/testing/mock/server-options';
import { RawClient } from '../helpers/raw-client';
import type { RawClientOptions } from '../helpers/raw-client';

const servers: MockRealtimeServer[] = [];
const clients: RawClient[] = [];

export async function startServer(options: MockRealtimeServerOptions = {}): Promise<{ server: MockRealtimeServer; url: string }> {
  const server = new MockRealtimeServer({ audioPace: 'instant', ...options });
  servers.push(server);
  const { url } = await server.start();
  return { server, url };
}

/** Opens a raw client (closed after the test) without waiting for anything. */
export async function openClient(url: string, options: RawClientOptions = {}): Promise<RawClient> {
  const client = await RawClient.connect(url, options);
  clients.push(client);
  return client;
}

/** Opens a raw client and waits for `session.created`. */
export async function connect(url: string, options: RawClientOptions = {}): Promise<RawClient> {
  const client = await openClient(url, options);
  await client.next('session.created');
  return client;
}

/** Sends a fixture clip as 20 ms appends. */
export async function streamFixture(client: RawClient, name: string): Promise<void> {
  const clip = await loadFixtureAudio(name, { chunkMs: 20 });
  client.sendAudio(clip.chunks);
}

export function useMockServerCleanup(): void {
  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    for (const server of servers.splice(0)) {
      for (const entry of server.sent) {
        const parsed = parseServerEvent(entry.event);
        expect(parsed.ok && parsed.known, `${entry.event.type}: ${parsed.ok ? 'unknown type' : parsed.error.message}`).toBe(true);
      }
      await server.stop();
    }
  });
}

/** Updates the session and waits for the confirmation. */
export async function updateSession(client: RawClient, session: Record<string, unknown>): Promise<Record<string, any>> {
  client.send({ type: 'session.update', session: { type: 'realtime', ...session } });
  return (await client.next('session.updated')).session;
}

/**
 * The transcript the mock keeps for a reply cut at `audioEndMs` (`conversation.item.truncate`):
 * the reply's words in proportion to the audio kept, whole words, rounded down.
 */
export function transcriptCutAt(clip: { transcript?: string; pcm: Int16Array; sampleRate: number }, audioEndMs: number): string {
  const words = splitTextDeltas(clip.transcript ?? '');
  const plannedMs = (clip.pcm.length * 1000) / clip.sampleRate;
  return words
    .slice(0, Math.floor((words.length * audioEndMs) / plannedMs))
    .join('')
    .trimEnd();
}
