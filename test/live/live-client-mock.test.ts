/**
 * LiveClient against MockLiveServer over a real loopback WebSocket: a spoken exchange in which
 * the model delegates to the Responses backend, whose function call runs through the same
 * `defineTool` registry, and the user then barges in on the spoken answer; and a reconnect
 * that forks the stored session.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import type { AudioOutputChunk, AudioOutputSink, PlaybackPosition } from '../../src/client/audio-io';
import { LiveClient } from '../../src/live/live-client';
import type { LiveInterruptionInfo } from '../../src/live/live-client-events';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { MockLiveServer } from '../../src/testing/mock/live-server';
import { createScenario } from '../../src/testing/script/scenario';
import { defineTool } from '../../src/tools/define-tool';
import { streamLiveAudio } from '../helpers/live-stream';
import { weatherTool } from '../helpers/weather-tool';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A sink that keeps what it is given and counts flushes. */
class RecordingSink implements AudioOutputSink {
  readonly chunks: AudioOutputChunk[] = [];
  flushes = 0;
  write(chunk: AudioOutputChunk): void {
    this.chunks.push(chunk);
  }
  async flush(): Promise<PlaybackPosition | null> {
    this.flushes += 1;
    return null;
  }
}

const stream = (client: LiveClient, pcm: Int16Array) => streamLiveAudio(client, pcm);

describe('LiveClient against MockLiveServer (WebSocket)', () => {
  it('holds a spoken exchange with a delegated tool call, then the user barges in on the answer', async () => {
    const server = new MockLiveServer({
      apiKey: 'sk-live-test',
      audioPace: 2,
      scenario: createScenario()
        .turn((t) => t.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }, { callId: 'call_paris' }))
        .turn((t) => t.plays('reply-long', 'In Paris it is sunny and eighteen degrees, a fine day for a long walk along the river.'))
        .turn((t) => t.hears('Thanks!').says('You are welcome.'))
        .build(),
    });
    const { url } = await server.start();
    cleanups.push(() => server.stop());

    const calls: unknown[] = [];
    const getWeather = weatherTool((location) => calls.push(location));
    const client = new LiveClient({
      url,
      apiKey: 'sk-live-test',
      logger: silentLogger,
      session: { audio: { format: { type: 'audio/pcm', rate: 24000 } }, delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } },
      tools: [getWeather],
    });
    cleanups.push(() => client.disconnect());
    const sink = new RecordingSink();
    client.attachOutput(sink);
    const interruptions: LiveInterruptionInfo[] = [];
    client.on('interrupted', (info) => interruptions.push(info));
    const errors: unknown[] = [];
    client.on('error', (error) => errors.push(error));
    // The mock counts the session's seconds on the wall clock from its opening to session.closed
    // (rounded to 10 ms); the test brackets both instants with its own clock readings.
    const beforeConnect = Date.now();
    await client.connect();
    const connectedAt = Date.now();
    expect(client.state.status).toBe('connected');

    const { pcm: question } = await loadFixtureAudio('question');
    const asking = stream(client, question);
    cleanups.push(() => asking.stop());

    // The backend's function call ran here, was answered, and the result is spoken.
    await vi.waitFor(() => expect(calls).toEqual(['Paris']), { timeout: 20_000 });
    await vi.waitFor(() => expect(server.sessions[0]?.functionOutputs.get('call_paris')).toBe('{"location":"Paris","sky":"sunny","celsius":18}'), { timeout: 20_000 });
    await vi.waitFor(() => expect(client.transcript.turns.some((turn) => turn.speaker === 'assistant' && turn.text.startsWith('In Paris'))).toBe(true), { timeout: 20_000 });
    expect(sink.chunks.length).toBeGreaterThan(0);
    asking.stop();
    await asking.done;

    // The user speaks over the answer: the mock's model yields, and the client stops local playback.
    const interrupting = stream(client, question);
    cleanups.push(() => interrupting.stop());
    await vi.waitFor(() => expect(interruptions.length).toBeGreaterThan(0), { timeout: 20_000 });
    interrupting.stop();
    expect(interruptions[0]).toMatchObject({ reason: 'speech', flushed: true });
    expect(sink.flushes).toBeGreaterThan(0);

    const turns = client.transcript.turns;
    expect(turns[0]).toMatchObject({ speaker: 'user', text: "What's the weather like in Paris today?" });
    expect(turns.some((turn) => turn.speaker === 'assistant' && turn.text.startsWith('In Paris'))).toBe(true);
    // The answer was cut short: not all of it was said.
    const answer = turns.find((turn) => turn.speaker === 'assistant' && turn.text.startsWith('In Paris'));
    expect(answer?.text).not.toBe('In Paris it is sunny and eighteen degrees, a fine day for a long walk along the river.');
    expect(errors).toEqual([]);

    const closingAt = Date.now();
    await client.close();
    const closedAt = Date.now();
    expect(client.state).toMatchObject({ status: 'closed' });
    // The client's total is the one session's final report, as sent.
    const closed = server.filter('session.closed', { direction: 'sent' });
    expect(closed).toHaveLength(1);
    const reported = (closed[0]!.event as unknown as { usage: { seconds: number } }).usage.seconds;
    expect(client.usage).toMatchObject({ seconds: reported, sessionSeconds: reported, sessions: 1 });
    const centiseconds = (ms: number) => Math.round(ms / 10) / 100;
    expect(reported).toBeGreaterThanOrEqual(centiseconds(closingAt - connectedAt));
    expect(reported).toBeLessThanOrEqual(centiseconds(closedAt - beforeConnect));
  }, 60_000);

  it('reconnects after a drop by forking its stored session (session.store: true): the fork inherits the instructions and voice, no transcript is re-sent, and it answers', async () => {
    const server = new MockLiveServer({
      apiKey: 'sk-live-test',
      audioPace: 'instant',
      scenario: createScenario()
        .turn((t) => t.hears("What's the weather like in Paris today?").says('Sunny.'))
        .turn((t) => t.says('Still sunny.'))
        .build(),
    });
    const { url } = await server.start();
    cleanups.push(() => server.stop());
    const client = new LiveClient({
      url,
      apiKey: 'sk-live-test',
      logger: silentLogger,
      reconnect: { initialDelayMs: 10, maxDelayMs: 10, jitter: 'none' },
      session: { store: true, instructions: 'Be brief.', audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'cedar' } } },
    });
    cleanups.push(() => client.disconnect());
    client.attachOutput(new RecordingSink());
    await client.connect();
    const storedId = server.sessions[0]!.id;
    expect(client.state).toEqual({ status: 'connected', sessionId: storedId });

    const { pcm: question } = await loadFixtureAudio('question');
    const said = (text: string) => client.transcript.turns.some((turn) => turn.speaker === 'assistant' && turn.text === text);
    const asking = stream(client, question);
    cleanups.push(() => asking.stop());
    await vi.waitFor(() => expect(said('Sunny.')).toBe(true), { timeout: 20_000 });
    asking.stop();
    await asking.done;

    expect(server.dropConnections()).toBe(1);
    await vi.waitFor(() => expect(client.state).toEqual({ status: 'connected', sessionId: server.sessions[1]?.id }), { timeout: 10_000 });
    const fork = server.sessions[1]!;
    expect(fork.forkedFrom).toBe(storedId);
    // What a fork may change, and nothing else: no model, no instructions, no transcript as `input`.
    const starts = server.filter('session.start', { direction: 'received' });
    expect(starts.map((entry) => (entry.event as unknown as { session: unknown }).session)).toEqual([
      { model: 'gpt-live-1', store: true, instructions: 'Be brief.', audio: { format: { type: 'audio/pcm', rate: 24000 }, output: { voice: 'cedar' } } },
      { store: true, audio: { format: { type: 'audio/pcm', rate: 24000 } } },
    ]);
    expect(fork.config).toMatchObject({ model: 'gpt-live-1', instructions: 'Be brief.', store: true, audio: { output: { voice: 'cedar' } } });
    // The client kept its transcript across the reconnect, and the fork answers the next question.
    expect(said('Sunny.')).toBe(true);
    const again = stream(client, question);
    cleanups.push(() => again.stop());
    await vi.waitFor(() => expect(said('Still sunny.')).toBe(true), { timeout: 20_000 });
    again.stop();
    await again.done;
  }, 60_000);
});
