/**
 * The same scenarios over both transports, in real Chromium against the mock server: the
 * page's `RealtimeClient` is built the same way and only the transport differs
 * (`WebSocketTransport` with an ephemeral key from `createClientSecretHandler`, or
 * `WebRTCTransport` through `createSdpHandler`). Same client, same events, same tools, same
 * transcript.
 */
import { expect } from 'vitest';
import type { ClientEventMap, ServerEventMap } from '../../src/events';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { detectSpeech } from '../../src/testing/mock/vad';
import { createScenario } from '../../src/testing/script/scenario';
import { until } from '../helpers/index';
import { describeTransportSuite } from '../helpers/transport-suite';
import { chromiumAvailable } from './harness';
import type { PageConfig, PageSnapshot } from './pages/webrtc-page';
import { startWebRTCRig, type WebRTCRig } from './webrtc-harness';

interface Environment {
  rig: WebRTCRig;
  /** The mock's log position when the scenario's client connected. */
  since: number;
  /** The mock's connection count then. */
  firstConnection: number;
}

type Kind = 'websocket' | 'webrtc-sdp';

const assistantSaid = (text: string) => (snapshot: PageSnapshot) => snapshot.transcripts.some((t) => t.role === 'assistant' && t.text.includes(text));

function transport(name: string, kind: Kind) {
  return {
    name,
    async connect(environment: Environment, options: Partial<PageConfig>) {
      environment.since = environment.rig.mock.mark();
      environment.firstConnection = environment.rig.mock.connections.length;
      await environment.rig.call('start', environment.rig.config(kind, options));
    },
    async disconnect(environment: Environment) {
      await environment.rig.call('stop');
    },
  };
}

describeTransportSuite<Environment, Partial<PageConfig>>('one scenario suite, two transports (Chromium ↔ mock)', {
  enabled: chromiumAvailable(),
  setup: async () => ({ rig: await startWebRTCRig(), since: 0, firstConnection: 0 }),
  teardown: async (environment) => {
    await environment?.rig.close();
  },
  transports: [transport('websocket', 'websocket'), transport('webrtc', 'webrtc-sdp')],
  scenarios: [
    {
      name: 'confirms the session and answers a typed message',
      prepare: ({ rig }) => rig.mock.setScenario(createScenario('text').turn((turn) => turn.plays('reply-weather')).build()),
      options: { manualTurns: true },
      async run({ rig, since, firstConnection }, name) {
        await rig.call('sendText', 'Hello there.');
        const snapshot = await rig.until(assistantSaid('18 degrees'), 'the assistant transcript');
        expect(snapshot.errors).toEqual([]);
        expect(snapshot.state.status).toBe('connected');
        expect(snapshot.sessionInstructions).toBe('You are a test assistant.');
        expect(snapshot.conversation.map((entry) => [entry.role, entry.text])).toEqual([
          ['user', 'Hello there.'],
          ['assistant', "It's 18 degrees and sunny in Paris."],
        ]);
        const connection = rig.mock.connections[firstConnection]!;
        expect(connection.kind).toBe(name === 'webrtc' ? 'webrtc' : 'websocket');
        expect(rig.mock.filter('session.update', { since, direction: 'received' }).length).toBeGreaterThanOrEqual(1);
        // Audio reached the client either as audio deltas (WebSocket) or as a media track (WebRTC).
        expect(snapshot.eventTypes).toContain(name === 'webrtc' ? 'output_audio_buffer.started' : 'response.output_audio.delta');
      },
    },
    {
      name: 'runs a tool the model calls and answers with one response.create',
      prepare: ({ rig }) =>
        rig.mock.setScenario(
          createScenario('tool')
            .turn((turn) => turn.calls('get_weather', { location: 'Paris' }))
            .turn((turn) => turn.plays('reply-weather'))
            .build(),
        ),
      options: { manualTurns: true },
      async run({ rig, since }) {
        await rig.call('sendText', "What's the weather in Paris?");
        const snapshot = await rig.until(assistantSaid('18 degrees'), 'the reply after the tool');
        expect(snapshot.toolResults).toEqual([{ name: 'get_weather', output: JSON.stringify({ location: 'Paris', celsius: 18, sky: 'sunny' }) }]);
        const outputs = rig.mock.filter({ type: 'conversation.item.create', item: { type: 'function_call_output' } }, { since, direction: 'received' });
        expect(outputs).toHaveLength(1);
        expect(rig.mock.filter('response.create', { since, direction: 'received' })).toHaveLength(2);
      },
    },
    {
      name: 'hears the microphone: a server VAD turn with its transcript',
      prepare: ({ rig }) => rig.mock.setScenario(createScenario('voice').turn((turn) => turn.hears("What's the weather like in Paris today?").plays('reply-weather')).build()),
      options: { microphone: true },
      timeoutMs: 40_000,
      async run({ rig, since }) {
        const snapshot = await rig.until(assistantSaid('18 degrees'), 'the reply to the spoken question', 25_000);
        expect(snapshot.transcripts.find((t) => t.role === 'user')?.text).toBe("What's the weather like in Paris today?");
        expect(rig.mock.filter('input_audio_buffer.speech_stopped', { since }).length).toBeGreaterThanOrEqual(1);
        const committed = rig.mock.filter('input_audio_buffer.committed', { since });
        expect(committed.length).toBeGreaterThanOrEqual(1);
      },
    },
    {
      name: 'interrupts the assistant mid-reply',
      prepare: ({ rig }) => rig.mock.setScenario(createScenario('long').turn((turn) => turn.plays('reply-long')).build()),
      options: { manualTurns: true },
      async run({ rig, since }, name) {
        await rig.call('sendText', 'Tell me the forecast for the week.');
        await rig.until((s) => s.eventTypes.includes('response.output_audio_transcript.delta'), 'the reply to start');
        await new Promise((resolve) => setTimeout(resolve, 500));
        await rig.call('interrupt');
        const snapshot = await rig.until((s) => s.interruptions.length >= 1 && s.eventTypes.includes('response.done'), 'the interruption');
        expect(snapshot.interruptions[0]).toMatchObject({ reason: 'client', cancelled: true });
        const cancelled = rig.mock.filter({ type: 'response.done', response: { status: 'cancelled' } }, { since });
        expect(cancelled).toHaveLength(1);
        const clears = rig.mock.filter('output_audio_buffer.clear', { since, direction: 'received' });
        if (name === 'webrtc') {
          // The server owns playback over WebRTC: the client clears the output buffer there.
          expect(clears).toHaveLength(1);
          await rig.until((s) => s.eventTypes.includes('output_audio_buffer.cleared'), 'output_audio_buffer.cleared');
          expect(rig.mock.filter('output_audio_buffer.stopped', { since })).toHaveLength(0);
        } else {
          expect(clears).toHaveLength(0);
        }
      },
    },
    {
      name: 'hears the user barge in mid-reply (server VAD): the reply stops, cut to what was heard',
      prepare: ({ rig }) => rig.mock.setScenario(createScenario('barge-in').turn((turn) => turn.plays('reply-long')).turn((turn) => turn.says('Berlin: 15 degrees.')).build()),
      options: { manualTurns: true },
      timeoutMs: 40_000,
      async run({ rig, since }, name) {
        // The user's speech is the injected clip alone, on both transports. Over WebRTC the page's
        // fake microphone (the question clip, opened at connect) still speaks when the reply
        // starts and reaches the same VAD: depending on load it barged in before the clip, or
        // spoke again after it and cancelled the turn's own answer. So the call is muted first
        // (no RTP leaves once the sender has no track; what was sent before precedes the
        // text turn on the same 5-tuple).
        if (name === 'webrtc') {
          await rig.call('setMuted', true);
          await until(async () => !(await rig.call<boolean>('sendsAudio')), 'the muted sender to drop its track');
        }
        const speech = await loadFixtureAudio('interruption');
        const [heard, ...more] = detectSpeech(speech.pcm, { sampleRate: speech.sampleRate });
        expect(more).toEqual([]);
        await rig.call('sendText', 'Tell me the forecast for the week.');
        await rig.until((s) => s.eventTypes.includes('response.output_audio_transcript.delta'), 'the reply to start');
        await new Promise((resolve) => setTimeout(resolve, 500));
        const reply = rig.mock.filter('response.created', { since })[0]!.event as unknown as ServerEventMap['response.created'];
        // The user speaks: injected where the microphone's audio lands in the mock, in the same
        // synchronous step as server VAD is turned on, so nothing else reaches the VAD in between.
        const session = rig.mock.session(rig.mock.connections.length - 1)!;
        session.receive(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad' } } } } }));
        session.appendAudio(speech.pcm, speech.sampleRate);
        const snapshot = await rig.until((s) => s.interruptions.length >= 1, 'the interruption', 15_000);
        expect(snapshot.interruptions[0]).toMatchObject({ reason: 'speech' });
        // The barge-in's turn is answered with the scenario's second turn, after the reply it cut.
        await rig.until(assistantSaid('Berlin: 15 degrees.'), 'the answer to the barge-in', 20_000);
        const done = rig.mock.filter('response.done', { since }).map((entry) => (entry.event as unknown as ServerEventMap['response.done']).response);
        expect(done.map((response) => [response.id === reply.response.id, response.status, response.status_details?.reason ?? null])).toEqual([
          [true, 'cancelled', 'turn_detected'],
          [false, 'completed', null],
        ]);
        // One utterance reached the VAD, exactly the clip's.
        const started = rig.mock.filter('input_audio_buffer.speech_started', { since }).map((entry) => entry.event as unknown as ServerEventMap['input_audio_buffer.speech_started']);
        const stopped = rig.mock.filter('input_audio_buffer.speech_stopped', { since }).map((entry) => entry.event as unknown as ServerEventMap['input_audio_buffer.speech_stopped']);
        expect(started).toHaveLength(1);
        expect(stopped).toHaveLength(1);
        expect(stopped[0]!.audio_end_ms - started[0]!.audio_start_ms).toBe(heard!.audioEndMs - heard!.audioStartMs);
        if (name === 'webrtc') {
          // Over WebRTC the server plays the reply: it clears the buffer and truncates the cut
          // reply's item to what was played, as the API does.
          const cut = done[0]!.output?.[0]?.id;
          expect(rig.mock.filter('output_audio_buffer.cleared', { since }).map((entry) => entry.event.response_id)).toEqual([reply.response.id]);
          const truncated = rig.mock.filter('conversation.item.truncated', { since }).map((entry) => entry.event as unknown as ServerEventMap['conversation.item.truncated']);
          expect(truncated.map((event) => event.item_id)).toEqual([cut]);
          expect(truncated[0]!.audio_end_ms).toBeGreaterThan(0);
          await rig.until((s) => s.eventTypes.includes('conversation.item.truncated'), 'conversation.item.truncated in the page');
        }
      },
    },
    {
      name: 'reconnects after the connection drops and keeps the transcript',
      prepare: ({ rig }) => rig.mock.setScenario(createScenario('remember').turn((turn) => turn.says('I will remember the apple.')).build()),
      options: { manualTurns: true },
      timeoutMs: 40_000,
      async run({ rig, firstConnection }) {
        await rig.call('sendText', 'Remember the word apple.');
        await rig.until(assistantSaid('remember the apple'), 'the first reply');
        expect(rig.mock.dropConnections()).toBe(1);
        const snapshot = await rig.until((s) => s.states.filter((state) => state === 'connected').length >= 2, 'the reconnect', 25_000);
        expect(snapshot.states).toContain('reconnecting');
        expect(snapshot.conversation.map((entry) => entry.text)).toEqual(['Remember the word apple.', 'I will remember the apple.']);
        // The new session got the transcript replayed as text items.
        const replayed = rig.mock
          .filter('conversation.item.create', { direction: 'received', connection: firstConnection + 1 })
          .map((entry) => JSON.stringify((entry.event as unknown as ClientEventMap['conversation.item.create']).item));
        expect(replayed.join('\n')).toContain('Remember the word apple.');
        expect(replayed.join('\n')).toContain('I will remember the apple.');
      },
    },
  ],
});
