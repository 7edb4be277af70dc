/**
 * The recording format for GPT-Live (issue 14): a `LiveClient` session against `MockLiveServer`,
 * recorded with `RecordingTransport` around a Live `WebSocketTransport`, then played back to a
 * second `LiveClient` with `ReplayTransport`, which speaks the protocol the client gives it at
 * connect (here `liveProtocol`): the replayed session has the same turns, runs the delegated
 * tool again and answers it the Live way, and counts the same seconds.
 */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger';
import { LiveClient } from '../../../src/live/live-client';
import type { LiveClientOptions } from '../../../src/live/live-client-options';
import { liveProtocol } from '../../../src/live/live-protocol';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockLiveServer } from '../../../src/testing/mock/live-server';
import { RecordingTransport } from '../../../src/testing/recording/record';
import { ReplayTransport } from '../../../src/testing/recording/replay';
import { createScenario } from '../../../src/testing/script/scenario';
import { WebSocketTransport } from '../../../src/transport/websocket';
import { until, useCleanup } from '../../helpers/index';
import { streamLiveAudio } from '../../helpers/live-stream';
import { weatherTool } from '../../helpers/weather-tool';

const { stoppers } = useCleanup();
const KEY = 'sk-live-record';
const ANSWER = 'In Paris it is sunny.';

function liveClient(transport: LiveClientOptions['transport'], calls: string[]): LiveClient {
  const client = new LiveClient({
    transport,
    logger: silentLogger,
    reconnect: false,
    session: { audio: { format: { type: 'audio/pcm', rate: 24000 } }, delegation: { type: 'responses', responses: { model: 'gpt-5.2' } } },
    tools: [weatherTool((location) => calls.push(location))],
  });
  stoppers.push(() => client.disconnect());
  return client;
}

const said = (client: LiveClient) => client.transcript.turns.map((turn) => [turn.speaker, turn.text]);

describe('GPT-Live sessions recorded and replayed', () => {
  it('replays a recorded Live session to a LiveClient: the same turns, the tool run and answered again, the same usage', async () => {
    const server = new MockLiveServer({
      apiKey: KEY,
      audioPace: 'instant',
      scenario: createScenario()
        .turn((t) => t.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }, { callId: 'call_paris' }))
        .turn((t) => t.says(ANSWER))
        .build(),
    });
    const { url } = await server.start();
    stoppers.push(() => server.stop());

    const recorder = new RecordingTransport(new WebSocketTransport({ protocol: liveProtocol, url, apiKey: KEY }));
    const calls: string[] = [];
    const original = liveClient(recorder, calls);
    await original.connect();
    const { pcm } = await loadFixtureAudio('question');
    const speaking = streamLiveAudio(original, pcm, { pauseMs: 1 });
    stoppers.push(() => speaking.stop());
    await until(() => original.transcript.text.includes(ANSWER), 'the spoken answer', { timeoutMs: 20_000 });
    speaking.stop();
    await speaking.done;
    await original.close();
    expect(calls).toEqual(['Paris']);
    const turns = said(original);
    expect(turns).toEqual([
      ['user', "What's the weather like in Paris today?"],
      ['assistant', ANSWER],
    ]);

    // The file, played back with no server: the replay speaks the client's protocol.
    const replay = new ReplayTransport(recorder.toJsonl());
    const replayedCalls: string[] = [];
    const replayed = liveClient(replay, replayedCalls);
    const errors: unknown[] = [];
    replayed.on('error', (error) => errors.push(error));
    await replayed.connect();
    expect(replayed.state).toEqual({ status: 'connected', sessionId: server.sessions[0]!.id });
    expect(replayed.session).toMatchObject({ id: server.sessions[0]!.id, model: 'gpt-live-1' });
    await until(() => replayed.transcript.text.includes(ANSWER), 'the replayed answer', { timeoutMs: 10_000 });
    expect(said(replayed)).toEqual(turns);
    expect(replayedCalls).toEqual(['Paris']);
    const answers = replay.received.map(({ event }) => event as { type: string }).filter((event) => event.type === 'response.item.create' || event.type === 'response.create');
    expect(answers).toEqual([
      { type: 'response.item.create', item: { type: 'function_call_output', call_id: 'call_paris', output: '{"location":"Paris","sky":"sunny","celsius":18}' } },
      { type: 'response.create' },
    ]);
    await replayed.close();
    expect(replayed.usage.seconds).toBe(original.usage.seconds);
    expect(replayed.usage.seconds).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
