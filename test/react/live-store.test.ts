/**
 * voxwire/react's store on a `LiveClient` (GPT-Live) against MockLiveServer on loopback: the
 * same snapshot, with the Live transcript's turns as its lines and the user speaking while a
 * user turn is open.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { LiveClient } from '../../src/live/live-client';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { MockLiveServer } from '../../src/testing/mock/live-server';
import { createScenario } from '../../src/testing/script/scenario';
import { VoiceStore } from '../../src/react/store';
import { until } from '../helpers/index';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('VoiceStore on a LiveClient', () => {
  it('shows the Live turns as transcript lines, the user speaking, and one socket across a release and retain', async () => {
    const server = new MockLiveServer({
      apiKey: 'sk-live-test',
      audioPace: 'instant',
      scenario: createScenario().turn((turn) => turn.hears("What's the weather like in Paris today?").says('Paris is sunny.')).build(),
    });
    const { url } = await server.start();
    cleanups.push(() => server.stop());
    const store = new VoiceStore<LiveClient>({
      client: () => new LiveClient({ url, apiKey: 'sk-live-test', logger: silentLogger, reconnect: false, session: { audio: { format: { type: 'audio/pcm', rate: 24000 } } } }),
      audio: false,
    });
    cleanups.push(() => store.client.disconnect());
    store.retain()();
    const release = store.retain();
    cleanups.push(release);
    let userSpoke = false;
    cleanups.push(store.subscribe(() => (userSpoke ||= store.getSnapshot().speaking.user)));
    await store.connect();
    expect(store.getSnapshot().state.status).toBe('connected');

    // The question, then silence, in 100 ms chunks as a microphone would (bounded).
    const { pcm } = await loadFixtureAudio('question');
    let stopped = false;
    cleanups.push(() => (stopped = true));
    void (async () => {
      for (let offset = 0; offset < pcm.length + 24_000 * 20 && !stopped; offset += 2400) {
        store.client.appendInputAudio(offset < pcm.length ? pcm.subarray(offset, offset + 2400) : new Int16Array(2400));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    await until(() => store.getSnapshot().transcript.some((line) => line.role === 'assistant' && line.text === 'Paris is sunny.'), 'the answer', { timeoutMs: 20_000 });
    const lines = store.getSnapshot().transcript;
    expect(lines[0]).toMatchObject({ role: 'user', text: "What's the weather like in Paris today?", interrupted: false });
    expect(lines.at(-1)).toMatchObject({ role: 'assistant', text: 'Paris is sunny.' });
    expect(lines.every((line) => line.id.startsWith('turn_'))).toBe(true);
    expect(userSpoke).toBe(true);
    // A LiveClient has no Realtime conversation entries.
    expect(store.getSnapshot().conversation).toEqual([]);
    expect(server.sessions.length).toBe(1);
  }, 40_000);
});
