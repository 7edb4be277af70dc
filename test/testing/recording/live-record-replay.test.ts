/**
 * The recording format for GPT-Live (issue 14): a `LiveClient` session against `MockLiveServer`,
 * recorded with `RecordingTransport` around a Live `WebSocketTransport`, then played back to a
 * second `LiveClient` with `ReplayTransport`, which speaks the protocol the client gives it at
 * connect (here `liveProtocol`): the replayed session has the same turns, runs the delegated
 * tool again and answers it the Live way, and counts the same seconds. And the same recording
 * turned into a scenario (`scenarioFromRecording`) makes a new `MockLiveServer` hold the same
 * conversation: the words heard, the delegated call with its id and arguments, the spoken
 * answer with its recorded audio, and the session's expiry.
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
import { scenarioFromRecording } from '../../../src/testing/script/from-recording';
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

/** Records a LiveClient session on `server` (the question streamed until `until` holds); returns the recording and the client. */
async function recordSession(server: MockLiveServer, url: string, done: (client: LiveClient) => boolean, keepAudio = false) {
  const recorder = new RecordingTransport(new WebSocketTransport({ protocol: liveProtocol, url, apiKey: KEY }), { keepAudio });
  const calls: string[] = [];
  const client = liveClient(recorder, calls);
  await client.connect();
  const { pcm } = await loadFixtureAudio('question');
  const speaking = streamLiveAudio(client, pcm, { pauseMs: 1 });
  stoppers.push(() => speaking.stop());
  await until(() => done(client), 'the recorded conversation', { timeoutMs: 20_000 });
  speaking.stop();
  await speaking.done;
  return { recorder, client, calls };
}

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

    const { recorder, client: original, calls } = await recordSession(server, url, (client) => client.transcript.text.includes(ANSWER));
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

  it('turns a recorded Live session into a scenario: a new MockLiveServer holds the same conversation, audio, tool call and expiry', async () => {
    const server = new MockLiveServer({
      apiKey: KEY,
      audioPace: 'instant',
      expireAfterMs: 2500,
      scenario: createScenario()
        .turn((t) => t.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }, { callId: 'call_paris' }))
        .turn((t) => t.plays('reply-weather', ANSWER))
        .build(),
    });
    const { url } = await server.start();
    stoppers.push(() => server.stop());
    const original = await recordSession(server, url, (client) => client.state.status === 'expired', true);
    const recording = original.recorder.toJsonl();
    const spokenAudio = server.log.sent.filter((entry) => entry.event.type === 'session.output_audio.delta').reduce((bytes, entry) => bytes + (entry.audioBytes ?? 0), 0);

    const scenario = scenarioFromRecording(recording);
    expect(scenario.turns.map((turn) => ({ user: turn.user, text: turn.reply?.text, calls: turn.reply?.functionCalls }))).toEqual([
      { user: "What's the weather like in Paris today?", text: undefined, calls: [{ name: 'get_weather', arguments: { location: 'Paris' }, callId: 'call_paris' }] },
      { user: undefined, text: ANSWER, calls: undefined },
    ]);
    // The recorded audio, whole (24 kHz PCM16: two bytes a sample).
    expect(scenario.turns[1]!.reply!.audio).toMatchObject({ sampleRate: 24000 });
    expect((scenario.turns[1]!.reply!.audio as { pcm: Int16Array }).pcm.length * 2).toBe(spokenAudio);
    // The session expired 2.5 s after it opened, as the client's recorder saw it.
    expect(scenario.expireAfterMs).toBeGreaterThanOrEqual(2400);
    expect(scenario.expireAfterMs).toBeLessThan(10_000);

    // The scenario on a new mock (no expiry option of its own): the same conversation.
    const again = new MockLiveServer({ apiKey: KEY, audioPace: 'instant', scenario });
    const { url: againUrl } = await again.start();
    stoppers.push(() => again.stop());
    const replayed = await recordSession(again, againUrl, (client) => client.state.status === 'expired');
    expect(said(replayed.client)).toEqual(said(original.client));
    expect(replayed.calls).toEqual(['Paris']);
    expect(again.sessions[0]!.functionOutputs.get('call_paris')).toBe('{"location":"Paris","sky":"sunny","celsius":18}');
    expect(again.log.sent.filter((entry) => entry.event.type === 'session.output_audio.delta').reduce((bytes, entry) => bytes + (entry.audioBytes ?? 0), 0)).toBe(spokenAudio);
    expect(again.filter('session.closed', { direction: 'sent' }).map((entry) => (entry.event as { reason?: string }).reason)).toEqual(['expired']);
  }, 60_000);
});
