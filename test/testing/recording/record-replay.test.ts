import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RealtimeClient } from '../../../src/client/client';
import type { ClientState } from '../../../src/client/client-events';
import { base64ToPcm16 } from '../../../src/codec/base64';
import { isRealtimeError } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { exponentialBackoff } from '../../../src/client/reconnect';
import { defineTool } from '../../../src/tools/define-tool';
import { WebSocketTransport } from '../../../src/transport/websocket';
import { realtimeProtocol } from '../../../src/transport/realtime-protocol';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import type { MockRealtimeServerOptions } from '../../../src/testing/mock/server-options';
import { RecordingTransport } from '../../../src/testing/recording/record';
import type { RecordingTransportOptions } from '../../../src/testing/recording/record';
import { parseRecording, toEventLog } from '../../../src/testing/recording/read-log';
import { AUDIO_PLACEHOLDER } from '../../../src/testing/recording/event-log';
import type { RecordingClientEntry, RecordingServerEntry } from '../../../src/testing/recording/legacy-recording';
import { eventTypes, expectEvent } from '../../../src/testing/assert/expect';
import { ReplayTransport } from '../../../src/testing/recording/replay';
import { createScenario } from '../../../src/testing/script/scenario';
import type { Scenario } from '../../../src/testing/script/scenario';
import { scenarioFromRecording } from '../../../src/testing/script/from-recording';
import type { Transport } from '../../../src/transport/transport';
import { until, useCleanup } from '../../helpers/index';
import type { UntilOptions } from '../../helpers/index';

const { stoppers } = useCleanup();

const getWeather = defineTool({
  name: 'get_weather',
  description: 'Get the weather for a city.',
  parameters: z.object({ location: z.string() }),
  execute: async ({ location }) => ({ location, celsius: 18, sky: 'sunny' }),
});

const weatherScenario = (): Scenario =>
  createScenario('weather')
    .turn((t) => t.calls('get_weather', { location: 'Paris' }, { callId: 'call_rec_1' }))
    .turn((t) => t.plays('reply-weather'))
    .build();

/** What an app run produced, to compare a replay with the original. */
interface AppRun {
  client: RealtimeClient;
  transcripts: string[];
  audioSamples: Int16Array[];
  states: ClientState[];
}

function newClient(transport: Transport): AppRun {
  const client = new RealtimeClient({
    transport,
    tools: [getWeather],
    logger: silentLogger,
    reconnect: exponentialBackoff({ initialDelayMs: 5, jitter: 'none' }),
  });
  stoppers.push(() => client.disconnect());
  const run: AppRun = { client, transcripts: [], audioSamples: [], states: [] };
  client.on('transcript', (update) => update.final && update.role === 'assistant' && run.transcripts.push(update.text));
  client.on('audio', (chunk) => run.audioSamples.push(chunk.samples));
  client.on('state', (state) => run.states.push(state));
  return run;
}

/** Names the run's states when an {@link until} times out. */
function statesOf(run: AppRun): UntilOptions {
  return { detail: () => `states: ${JSON.stringify(run.states)}` };
}

/** The weather conversation: connect, ask, wait for the spoken answer. */
async function askForWeather(run: AppRun): Promise<void> {
  await run.client.connect();
  run.client.sendText("What's the weather in Paris?");
  await until(() => run.transcripts.length === 1, 'the answer', statesOf(run));
}

async function startMock(options: MockRealtimeServerOptions): Promise<MockRealtimeServer> {
  const server = new MockRealtimeServer({ audioPace: 'instant', ...options });
  await server.start();
  stoppers.push(() => server.stop());
  return server;
}

async function record(options: MockRealtimeServerOptions, recordingOptions: RecordingTransportOptions = {}): Promise<{ recorder: RecordingTransport; run: AppRun; server: MockRealtimeServer }> {
  const server = await startMock(options);
  const recorder = new RecordingTransport(new WebSocketTransport({ protocol: realtimeProtocol, url: server.url! }), recordingOptions);
  const run = newClient(recorder);
  return { recorder, run, server };
}

function samplesOf(chunks: Int16Array[]): number {
  return chunks.reduce((sum, chunk) => sum + chunk.length, 0);
}

describe('RecordingTransport', () => {
  it('records every event both ways in the one log format, leaves audio out by default, and passes everything through', async () => {
    const lines: string[] = [];
    const { recorder, run, server } = await record({ scenario: weatherScenario() }, { onLine: (line) => lines.push(line) });
    await askForWeather(run);
    run.client.disconnect();
    await until(() => run.states.at(-1)?.status === 'closed', 'the close', statesOf(run));
    await until(() => recorder.log.lifecycle.some((entry) => entry.lifecycle === 'close'), 'the recorded close');

    const log = recorder.log;
    expect(log.header).toMatchObject({ kind: 'header', format: 'voxwire-recording', version: 2, keepAudio: false, audio: 'events' });
    // What was streamed is the file; reading it back and writing it again gives the same text.
    expect(lines.join('')).toBe(recorder.toJsonl());
    expect(toEventLog(lines.join('')).toJsonl()).toBe(recorder.toJsonl());
    expect(JSON.parse(lines[0]!)).toEqual(log.header);

    const timeline = log.timeline();
    expect(timeline[0]).toMatchObject({ lifecycle: 'connect', connection: 0, before: 0 });
    expect(timeline[1]).toMatchObject({ lifecycle: 'open', connection: 0, before: 0 });
    expect(timeline.at(-1)).toMatchObject({ lifecycle: 'close', code: 1000, reason: '', initiatedLocally: true, before: log.mark() });

    // Both directions, exactly what crossed the wire, in the mock's vocabulary: the mock's log agrees event for event.
    expect(log.received.map((entry) => entry.event.type)).toEqual(server.received.map((entry) => entry.event.type));
    expect(log.sent.map((entry) => entry.event.type)).toEqual(server.sent.map((entry) => entry.event.type));
    expect(log.sent.every((entry) => entry.known === true)).toBe(true);
    expect(log.received.every((entry) => entry.valid && entry.bytes === JSON.stringify(entry.event).length)).toBe(true);
    // The assertions take the recorder as they take the mock.
    expect(expectEvent(recorder, { type: 'conversation.item.create', item: { type: 'function_call_output' } }, { direction: 'received', count: 1 }).event).toMatchObject({
      item: { call_id: 'call_rec_1', output: '{"location":"Paris","celsius":18,"sky":"sunny"}' },
    });

    const deltas = log.sent.filter((entry) => entry.event.type === 'response.output_audio.delta');
    expect(deltas.length).toBeGreaterThan(0);
    for (const delta of deltas) {
      expect(delta.event.delta).toBe(AUDIO_PLACEHOLDER);
      expect(delta.audioOmitted).toBe(true);
    }
    expect(deltas.reduce((sum, delta) => sum + (delta.audioBytes ?? 0), 0)).toBe(samplesOf(run.audioSamples) * 2);
    // The times are non-decreasing milliseconds of the recorder's clock.
    const times = timeline.map((entry) => entry.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('still gives the version 1 Recording shape to code written against it (deprecated)', async () => {
    const { recorder, run } = await record({ scenario: weatherScenario() });
    await askForWeather(run);
    run.client.disconnect();
    await until(() => recorder.log.lifecycle.some((entry) => entry.lifecycle === 'close'), 'the recorded close');

    const recording = recorder.recording;
    expect(parseRecording(recorder.toJsonl())).toEqual(recording);
    const kinds = recording.entries.map((entry) => entry.kind);
    expect(kinds.slice(0, 2)).toEqual(['connect', 'open']);
    expect(recording.entries.at(-1)).toMatchObject({ kind: 'close', code: 1000, initiatedLocally: true });
    const client = recording.entries.filter((entry): entry is RecordingClientEntry => entry.kind === 'client');
    const serverSide = recording.entries.filter((entry): entry is RecordingServerEntry => entry.kind === 'server');
    expect(client.map((entry) => entry.event.type)).toEqual(recorder.log.received.map((entry) => entry.event.type));
    expect(serverSide.map((entry) => entry.event.type)).toEqual(recorder.log.sent.map((entry) => entry.event.type));
    const deltas = serverSide.filter((entry) => entry.event.type === 'response.output_audio.delta');
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((delta) => delta.event.delta === '' && delta.audioOmitted === true)).toBe(true);
    const times = recording.entries.map((entry) => entry.t);
    expect(times[0]).toBeGreaterThanOrEqual(0);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('keeps audio when asked, and redacts what the app wants redacted', async () => {
    const { recorder, run } = await record(
      { scenario: weatherScenario() },
      {
        keepAudio: true,
        redact: (event) => (event.type === 'conversation.item.create' ? { ...event, item: { ...(event.item as object), redacted: true } } : event),
      },
    );
    await askForWeather(run);
    const deltas = recorder.log.sent.filter((entry) => entry.event.type === 'response.output_audio.delta');
    const kept = deltas.flatMap((delta) => [...base64ToPcm16(delta.event.delta as string)]);
    const played = run.audioSamples.flatMap((chunk) => [...chunk]);
    expect(kept).toEqual(played);
    expect(deltas.every((delta) => delta.audioOmitted === undefined && delta.audioBytes === base64ToPcm16(delta.event.delta as string).length * 2)).toBe(true);
    const created = recorder.log.received.filter((entry) => entry.event.type === 'conversation.item.create');
    expect(created.length).toBeGreaterThan(0);
    expect(created.every((entry) => (entry.event.item as { redacted?: boolean }).redacted)).toBe(true);
  });

  it('records a failed connect as an error entry and rethrows it', async () => {
    const server = await startMock({ auth: { apiKey: 'right-key' } });
    const recorder = new RecordingTransport(new WebSocketTransport({ protocol: realtimeProtocol, url: server.url!, apiKey: 'wrong-key' }));
    await expect(recorder.connect()).rejects.toMatchObject({ code: 'VOXWIRE_AUTHENTICATION_FAILED' });
    expect(recorder.log.timeline()).toEqual([
      { before: 0, at: expect.any(Number), connection: 0, lifecycle: 'connect' },
      { before: 0, at: expect.any(Number), connection: 0, lifecycle: 'error', code: 'VOXWIRE_AUTHENTICATION_FAILED', message: expect.any(String), connectFailed: true },
    ]);
    // Replayed, the connect fails as it failed.
    await expect(new ReplayTransport(recorder.toJsonl()).connect()).rejects.toMatchObject({ code: 'VOXWIRE_AUTHENTICATION_FAILED', message: expect.stringMatching(/\(replayed\)$/) });
  });
});

describe('record → replay', () => {
  it('replays a recorded session to a new client with no server: same answer, same tool call, silence for omitted audio', async () => {
    const original = await record({ scenario: weatherScenario() });
    await askForWeather(original.run);
    const jsonl = original.recorder.toJsonl();

    const replay = new ReplayTransport(jsonl);
    const again = newClient(replay);
    await askForWeather(again);
    expect(again.transcripts).toEqual(original.run.transcripts);
    expect(again.transcripts).toEqual(["It's 18 degrees and sunny in Paris."]);
    // The replayed server waited for the app's events: the tool ran again and answered.
    const output = replay.received.find((entry) => entry.event.type === 'conversation.item.create' && (entry.event as { item: { type: string } }).item.type === 'function_call_output');
    expect(output?.event).toMatchObject({ item: { call_id: 'call_rec_1', output: '{"location":"Paris","celsius":18,"sky":"sunny"}' } });
    expect(replay.received.filter((entry) => entry.event.type === 'response.create')).toHaveLength(2);
    // Audio was not kept: the replay sends silence of exactly the recorded length.
    expect(samplesOf(again.audioSamples)).toBe(samplesOf(original.run.audioSamples));
    expect(again.audioSamples.every((chunk) => chunk.every((sample) => sample === 0))).toBe(true);
    expect(again.client.state.status).toBe('connected');
  });

  it('replays a drop where it happened, and the reconnect gets the next recorded connection', async () => {
    const scenario = createScenario('drop')
      .turn((t) => t.plays('reply-weather').dropsAfter('response.output_audio.delta', 3))
      .turn((t) => t.says('Welcome back.'))
      .build();
    const original = await record({ scenario });
    await original.run.client.connect();
    original.run.client.sendText('Hello?');
    await until(() => original.run.states.some((state) => state.status === 'reconnecting'), 'the drop', statesOf(original.run));
    await until(() => original.run.client.state.status === 'connected', 'the reconnect', statesOf(original.run));
    original.run.client.sendText('Still there?');
    await until(() => original.run.transcripts.includes('Welcome back.'), 'the second answer', statesOf(original.run));
    const recorded = original.recorder.log;
    expect(recorded.lifecycle.filter((entry) => entry.lifecycle === 'close').map((entry) => (entry as { code: number }).code)).toEqual([1006]);

    const replay = new ReplayTransport(recorded, { pace: 'instant' });
    expect(replay.remainingConnections).toBe(2);
    const again = newClient(replay);
    await again.client.connect();
    again.client.sendText('Hello?');
    await until(() => again.states.some((state) => state.status === 'reconnecting'), 'the replayed drop', statesOf(again));
    expect(again.states.find((state) => state.status === 'reconnecting')).toMatchObject({ closeCode: 1006 });
    await until(() => again.client.state.status === 'connected', 'the replayed reconnect', statesOf(again));
    expect(replay.remainingConnections).toBe(0);
    again.client.sendText('Still there?');
    await until(() => again.transcripts.includes('Welcome back.'), 'the replayed second answer', statesOf(again));
    // On the second connection the client restored its session and replayed the conversation.
    const secondConnection = replay.received.filter((entry) => entry.connection === 1).map((entry) => entry.event.type);
    expect(secondConnection[0]).toBe('session.update');
    expect(secondConnection).toContain('conversation.item.create');
  });

  it('reports an app that diverges from the recording instead of hanging', async () => {
    const original = await record({ scenario: weatherScenario() });
    await askForWeather(original.run);
    const replay = new ReplayTransport(original.recorder.toJsonl(), { clientTimeoutMs: 100 });
    const again = newClient(replay);
    const errors: string[] = [];
    again.client.on('error', (error) => errors.push(`${error.code}: ${error.message}`));
    await again.client.connect();
    // The app never asks; the replay waits for a conversation.item.create, then plays on.
    await until(() => errors.length > 0, 'the divergence report', statesOf(again));
    expect(errors[0]).toMatch(/^VOXWIRE_TIMEOUT: ReplayTransport: the recording shows the app sending conversation\.item\.create/);
  });

  it('fails a connect beyond the recorded connections, and reads only voxwire logs', async () => {
    const original = await record({});
    await original.run.client.connect();
    original.run.client.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const replay = new ReplayTransport(original.recorder.toJsonl());
    await replay.connect();
    replay.close();
    await expect(replay.connect()).rejects.toMatchObject({ code: 'VOXWIRE_CONNECTION_FAILED', message: expect.stringContaining('all were replayed') });

    expect(() => parseRecording('{"type":"session.created"}\n')).toThrow(/toEventLog: the text is neither a voxwire log/);
    const lineCount = original.recorder.toJsonl().split('\n').length;
    expect(() => parseRecording(`${original.recorder.toJsonl()}{"direction":"sent","event":{}}\n`)).toThrow(
      new RegExp(`toEventLog: line ${lineCount}: an event line needs an \`event\` object with a string \`type\``),
    );
    expect(() => parseRecording(`${original.recorder.toJsonl()}not json\n`)).toThrow(new RegExp(`toEventLog: line ${lineCount}: not valid JSON`));
    let thrown: unknown;
    try {
      parseRecording('');
    } catch (error) {
      thrown = error;
    }
    expect(isRealtimeError(thrown, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
  });
});

describe('scenarioFromRecording', () => {
  it('turns a recording into a scenario the mock plays the same way: replies, tool calls, audio, usage', async () => {
    const original = await record({ scenario: weatherScenario() }, { keepAudio: true });
    await askForWeather(original.run);
    const scenario = scenarioFromRecording(original.recorder.toJsonl(), { name: 'from a recording' });
    expect(scenario.name).toBe('from a recording');
    expect(scenario.turns).toHaveLength(2);
    expect(scenario.turns[0]?.reply?.functionCalls).toEqual([{ name: 'get_weather', arguments: '{"location":"Paris"}', callId: 'call_rec_1' }]);
    expect(scenario.turns[0]?.reply?.text).toBeUndefined();
    expect(scenario.turns[1]?.reply?.text).toBe("It's 18 degrees and sunny in Paris.");
    expect(scenario.turns[1]?.reply?.usage).toMatchObject({ outputAudioTokens: expect.any(Number) });

    const replayed = await startMock({ scenario });
    const again = newClient(new WebSocketTransport({ protocol: realtimeProtocol, url: replayed.url! }));
    await askForWeather(again);
    expect(again.transcripts).toEqual(original.run.transcripts);
    const played = again.audioSamples.flatMap((chunk) => [...chunk]);
    expect(played).toEqual([...(await loadFixtureAudio('reply-weather')).pcm]);
    expect(again.client.usage.outputAudioTokens).toBe(original.run.client.usage.outputAudioTokens);
  });

  it('keeps the user transcript, the drop point and the session expiry', async () => {
    const question = await loadFixtureAudio('question');
    const scenario = createScenario('speech, drop, expiry')
      .turn((t) => t.hears("What's the weather like in Paris today?").plays('reply-weather').dropsAfter('response.output_audio.delta', 10))
      .turn((t) => t.says('Welcome back.'))
      .expireAfter(1500)
      .build();
    const original = await record({ scenario });
    await original.run.client.updateSession({ type: 'realtime', audio: { input: { transcription: { model: 'gpt-live-transcribe' } } } });
    await original.run.client.connect();
    for (const chunk of question.chunks) original.run.client.send({ type: 'input_audio_buffer.append', audio: chunk });
    original.run.client.appendInputAudio(new Int16Array(24000));
    await until(() => original.run.states.some((state) => state.status === 'reconnecting'), 'the drop', statesOf(original.run));
    await until(() => original.run.client.state.status === 'connected', 'the reconnect', statesOf(original.run));
    original.run.client.sendText('Again?');
    await until(() => original.run.transcripts.includes('Welcome back.'), 'the second answer', statesOf(original.run));
    await until(() => original.run.client.state.status === 'expired', 'the expiry', { ...statesOf(original.run), timeoutMs: 4000 });

    const converted = scenarioFromRecording(original.recorder.log);
    expect(scenarioFromRecording(original.recorder.recording)).toEqual(converted);
    expect(converted.turns).toHaveLength(2);
    expect(converted.turns[0]?.user).toBe("What's the weather like in Paris today?");
    // Ten 50 ms deltas of audio were received before the drop: the mock drops after as many.
    expect(converted.turns[0]?.drop).toEqual({ after: 'response.output_audio.delta', count: 10 });
    expect(converted.turns[0]?.reply?.audio).toMatchObject({ sampleRate: 24000 });
    expect(converted.turns[1]?.reply?.text).toBe('Welcome back.');
    expect(converted.expireAfterMs).toBeGreaterThanOrEqual(1400);
    expect(converted.expireAfterMs).toBeLessThan(2500);
  });

  it('round trip: the mock log saved in the one format → scenario → a new mock → the same conversation in its log', async () => {
    const original = await record({ scenario: weatherScenario() });
    await askForWeather(original.run);
    const saved = original.server.log.toJsonl();
    // The file a mock writes is the file a recorder writes: same header, same entry shape.
    expect(JSON.parse(saved.split('\n')[0]!)).toMatchObject({ format: 'voxwire-recording', version: 2 });

    const scenario = scenarioFromRecording(saved);
    expect(scenario.turns.map((turn) => turn.reply?.functionCalls?.[0]?.callId ?? turn.reply?.text)).toEqual(['call_rec_1', "It's 18 degrees and sunny in Paris."]);
    const replayed = await startMock({ scenario });
    const again = newClient(new WebSocketTransport({ protocol: realtimeProtocol, url: replayed.url! }));
    await askForWeather(again);
    expect(again.transcripts).toEqual(original.run.transcripts);
    const conversation = (log: string): string[] =>
      eventTypes(log, (entry) => !entry.event.type.startsWith('rate_limits') && entry.event.type !== 'input_audio_buffer.append');
    expect(conversation(replayed.log.toJsonl())).toEqual(conversation(saved));
    expectEvent(replayed.log.toJsonl(), { type: 'response.function_call_arguments.done', call_id: 'call_rec_1', arguments: '{"location":"Paris"}' }, { direction: 'sent', count: 1 });
  });

  it('turns a response.create answered with an error into an error turn', () => {
    const jsonl = [
      { kind: 'header', format: 'voxwire-recording', version: 1, startedAt: '2026-01-01T00:00:00.000Z', keepAudio: false, audio: 'events' },
      { kind: 'connect', t: 0, connection: 0 },
      { kind: 'open', t: 5, connection: 0 },
      { kind: 'client', t: 10, connection: 0, event: { type: 'response.create', event_id: 'evt_1' } },
      {
        kind: 'server',
        t: 20,
        connection: 0,
        known: true,
        event: { type: 'error', event_id: 'e1', error: { type: 'invalid_request_error', code: 'rate_limit_exceeded', message: 'Slow down.', param: null, event_id: 'evt_1' } },
      },
    ]
      .map((line) => JSON.stringify(line))
      .join('\n');
    expect(scenarioFromRecording(jsonl).turns).toEqual([
      { error: { type: 'invalid_request_error', code: 'rate_limit_exceeded', message: 'Slow down.', param: null } },
    ]);
  });
});
