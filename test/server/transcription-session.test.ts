/**
 * The proof for transcription sessions over WebSocket: a RealtimeClient holds a
 * `type: 'transcription'` session through the relay against the mock; fixture audio goes in,
 * transcript events come out, no response is ever created, and the user's budget is charged
 * with the audio seconds appended.
 */
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { TranscriptUpdate } from '../../src/client/conversation';
import { silentLogger } from '../../src/base/logger';
import { MemoryBudgetStore } from '../../src/server/stores/memory-budget-store';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { createScenario } from '../../src/testing/script/scenario';
import { useCleanup } from '../helpers/index';
import { startRelay } from './harness';

const { stoppers, startMock } = useCleanup();
const QUESTION = "What's the weather like in Paris today?";

describe('a transcription session through the relay (WebSocket)', () => {
  it('turns fixture audio into transcript events, creates no response, and charges the audio seconds', async () => {
    const { server, url: upstreamUrl } = await startMock({
      audioPace: 'realtime',
      scenario: createScenario().turn((t) => t.hears(QUESTION).plays('reply-weather')).build(),
    });
    const store = new MemoryBudgetStore();
    const { relay, url } = await startRelay(upstreamUrl, { budget: { store, dailyLimit: 600, chargeIntervalMs: 100 } });
    stoppers.push(() => relay.close({ drainMs: 0 }));
    const ended = new Promise<{ userId: string }>((resolve) => relay.on('sessionEnded', resolve));
    const relayTranscripts: string[] = [];
    relay.on('transcript', (event) => relayTranscripts.push(`${event.role}: ${event.text}`));

    const client = new RealtimeClient({
      url: `${url}?token=user:alice`,
      apiKey: 'unused-behind-the-relay',
      logger: silentLogger,
      reconnect: false,
      session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-live-transcribe', language: 'en' } } } },
    });
    stoppers.push(() => client.disconnect());
    const transcripts: TranscriptUpdate[] = [];
    client.on('transcript', (update) => transcripts.push(update));
    const final = new Promise<TranscriptUpdate>((resolve) => client.on('transcript', (update) => update.final && resolve(update)));

    await client.connect();
    expect(client.session).toMatchObject({ type: 'transcription' });
    const clip = await loadFixtureAudio('question', { chunkMs: 20 });
    for (let start = 0; start < clip.pcm.length; start += 480) client.appendInputAudio(clip.pcm.subarray(start, start + 480));
    // Trailing silence so the server VAD ends the turn.
    for (let i = 0; i < 50; i += 1) client.appendInputAudio(new Int16Array(480));

    const done = await final;
    expect(done).toMatchObject({ role: 'user', text: QUESTION, final: true });
    expect(transcripts.filter((t) => !t.final).map((t) => t.text).at(-1)).toBe(QUESTION);
    expect(relayTranscripts).toEqual([`user: ${QUESTION}`]);
    expect(server.filter({ type: 'response.created' }, { direction: 'sent' })).toHaveLength(0);
    expect(server.filter({ type: 'session.update' }, { direction: 'received' }).at(-1)).toMatchObject({ event: { session: { type: 'transcription' } } });

    client.disconnect();
    expect((await ended).userId).toBe('alice');
    const appendedSeconds = (clip.pcm.length + 50 * 480) / 24_000;
    await expect.poll(() => store.charge(`budget:alice:${new Date().toISOString().slice(0, 10)}`, 0, 60_000)).toBeCloseTo(appendedSeconds, 3);
  });
});
