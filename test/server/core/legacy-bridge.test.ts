/**
 * A tutorial-era (beta `realtime=v1`) client through the relay, against the mock (issue 12
 * obs. 8). The client below is written the way the 2024–2025 tutorials wrote it: a raw `ws`
 * socket with the `OpenAI-Beta: realtime=v1` header, a flat `session.update`, audio appended as
 * base64 PCM16, `response.audio.delta` played, `response.audio_transcript.delta` and
 * `conversation.item.input_audio_transcription.completed` shown, tool calls answered on
 * `response.function_call_arguments.done` with a `function_call_output` and a `response.create`.
 * With `policy.betaClients: 'translate'` it holds a spoken turn with a tool call, unchanged;
 * without it, its config is refused with every beta field named at once, and those refusals do
 * not count toward the 4004 close.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { base64ToPcm16 } from '../../../src/codec/base64';
import { CLOSE_CODES } from '../../../src/base/errors';
import type { Logger } from '../../../src/base/logger';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import { createScenario } from '../../../src/testing/script/scenario';
import { RelayClient, SECRET_KEY, startRelay } from '../harness';
import { useCleanup } from '../../helpers/index';

const { stoppers: cleanups } = useCleanup();

const QUESTION = "What's the weather like in Paris today?";

async function setUp(policy: Record<string, unknown>, logger?: Logger): Promise<{ mock: MockRealtimeServer; url: string }> {
  const mock = new MockRealtimeServer({
    audioPace: 'instant',
    auth: { apiKey: SECRET_KEY },
    scenario: createScenario()
      .turn((t) => t.hears(QUESTION).calls('get_weather', { location: 'Paris' }, { callId: 'call_paris' }))
      .turn((t) => t.plays('reply-weather'))
      .build(),
  });
  await mock.start();
  cleanups.push(() => mock.stop());
  const started = await startRelay(mock.url as string, { policy, ...(logger ? { logger } : {}) });
  cleanups.push(() => started.relay.close({ drainMs: 0 }));
  return { mock, url: started.url };
}

/** The tutorial client: what a 2024–2025 blog post's `index.js` did, kept as it was written. */
function tutorialClient(url: string, headers: Record<string, string>) {
  const ws = new WebSocket(`${url}?token=user:tutorial`, { headers });
  const seen: Array<{ type: string; [key: string]: any }> = [];
  const audio: Buffer[] = [];
  let assistantTranscript = '';
  let userTranscript = '';
  let responsesDone = 0;
  const finished = new Promise<void>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`closed with ${code}; saw ${seen.map((event) => event.type).join(', ')}`)));
    ws.on('open', () => {
      ws.send(
        JSON.stringify({
          type: 'session.update',
          session: {
            modalities: ['text', 'audio'],
            instructions: 'You are a helpful weather assistant.',
            voice: 'alloy',
            input_audio_format: 'pcm16',
            output_audio_format: 'pcm16',
            input_audio_transcription: { model: 'whisper-1' },
            turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 500 },
            tools: [
              {
                type: 'function',
                name: 'get_weather',
                description: 'Get the weather for a city',
                parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
              },
            ],
            tool_choice: 'auto',
            temperature: 0.8,
          },
        }),
      );
    });
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString());
      seen.push(event);
      switch (event.type) {
        case 'session.updated':
          void loadFixtureAudio('question', { chunkMs: 100 }).then((clip) => {
            for (const chunk of clip.chunks) ws.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: chunk }));
          });
          break;
        case 'response.audio.delta':
          audio.push(Buffer.from(event.delta, 'base64'));
          break;
        case 'response.audio_transcript.delta':
          assistantTranscript += event.delta;
          break;
        case 'conversation.item.input_audio_transcription.completed':
          userTranscript = event.transcript;
          break;
        case 'response.function_call_arguments.done': {
          const args = JSON.parse(event.arguments);
          ws.send(
            JSON.stringify({
              type: 'conversation.item.create',
              item: { type: 'function_call_output', call_id: event.call_id, output: JSON.stringify({ location: args.location, celsius: 18 }) },
            }),
          );
          ws.send(JSON.stringify({ type: 'response.create' }));
          break;
        }
        case 'response.done':
          responsesDone += 1;
          if (responsesDone === 2) resolve();
          break;
        default:
      }
    });
  });
  return {
    finished,
    seen,
    close: () => ws.close(),
    get audio() {
      return Buffer.concat(audio);
    },
    get assistantTranscript() {
      return assistantTranscript;
    },
    get userTranscript() {
      return userTranscript;
    },
  };
}

describe('relay: beta clients translated (policy.betaClients: translate)', () => {
  it('a tutorial-era client holds a spoken turn with a tool call, unchanged, and gets one voxwire warning', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (message) => warnings.push(message), error: () => undefined };
    const { mock, url } = await setUp({ betaClients: 'translate' }, logger);
    const client = tutorialClient(url, { 'OpenAI-Beta': 'realtime=v1' });
    cleanups.push(() => client.close());
    await client.finished;

    const weather = await loadFixtureAudio('reply-weather');
    expect(client.audio.length).toBe(weather.pcm.byteLength);
    expect(base64ToPcm16(client.audio.toString('base64')).length).toBe(weather.pcm.length);
    expect(client.assistantTranscript).toBe(weather.transcript);
    expect(client.userTranscript).toBe(QUESTION);
    const types = client.seen.map((event) => event.type);
    expect(types).not.toContain('error');
    for (const ga of ['response.output_audio.delta', 'response.output_audio_transcript.delta', 'conversation.item.added']) expect(types).not.toContain(ga);
    expect(types).toContain('conversation.item.created');
    const relayEvents = client.seen.filter((event) => event.type.startsWith('voxwire.'));
    expect(relayEvents).toHaveLength(1);
    expect(relayEvents[0]).toMatchObject({ type: 'voxwire.warning', code: 'beta_protocol_translated' });
    expect(relayEvents[0]!.message).toMatch(/modalities.*output_modalities/);
    expect(warnings.filter((message) => /beta/i.test(message))).toHaveLength(1);
    // The beta session config reached the API in GA shape, with the beta fields moved.
    const update = mock.received.find((entry) => entry.event.type === 'session.update' && (entry.event as any).session.tools?.length)!;
    expect(update.valid).toBe(true);
    expect((update.event as any).session).toMatchObject({
      type: 'realtime',
      output_modalities: ['audio'],
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'whisper-1' } }, output: { voice: 'alloy' } },
    });
    // Items in the beta shape: the assistant's content part is `audio`, the response has `modalities`.
    const done = client.seen.filter((event) => event.type === 'response.done').at(-1)!;
    expect(done.response.modalities).toEqual(['text', 'audio']);
    expect(done.response.output[0].content[0]).toMatchObject({ type: 'audio', transcript: weather.transcript });
    const created = client.seen.find((event) => event.type === 'session.updated')!;
    expect(created.session).toMatchObject({ voice: 'alloy', input_audio_format: 'pcm16', turn_detection: { type: 'server_vad' } });
  });

  it('recognises a beta client from its flat config alone (no header), and still applies the locked fields', async () => {
    const { mock, url } = await setUp({ betaClients: 'translate', session: { instructions: 'Only talk about the weather.', audio: { output: { voice: 'marin' } } } });
    const client = tutorialClient(url, {});
    cleanups.push(() => client.close());
    await client.finished;
    expect(client.seen.map((event) => event.type)).not.toContain('error');
    const updates = mock.received.filter((entry) => entry.event.type === 'session.update').map((entry) => (entry.event as any).session);
    for (const session of updates) {
      expect(session.instructions).toBe('Only talk about the weather.');
      expect(session.audio?.output?.voice).toBe('marin');
    }
  });

  it('also takes the beta subprotocol as the sign of a beta client', async () => {
    const { url } = await setUp({ betaClients: 'translate' });
    // A browser tutorial: no headers, so the beta flag travels as a subprotocol.
    const socket = new WebSocket(`${url}?token=user:sub`, ['realtime', 'openai-beta.realtime-v1']);
    cleanups.push(() => socket.terminate());
    const types: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      socket.on('error', reject);
      socket.on('message', (data) => {
        const event = JSON.parse(data.toString());
        types.push(event.type);
        if (event.type === 'session.created') socket.send(JSON.stringify({ type: 'response.create', response: { modalities: ['text', 'audio'], instructions: 'Say hi.' } }));
        if (event.type === 'response.done') resolve();
      });
    });
    await done;
    expect(types.filter((type) => type === 'voxwire.warning')).toHaveLength(1);
    expect(types).not.toContain('error');
    expect(types).not.toContain('conversation.item.added');
    expect(types).toContain('conversation.item.created');
  });
});

describe('relay: beta clients refused (default)', () => {
  it('names every beta field of a flat config at once, and such refusals never close the session with 4004', async () => {
    const { mock, url } = await setUp({ maxRejectedFrames: 3 });
    const client = await RelayClient.connect(url, '?token=user:old');
    cleanups.push(() => client.close());
    await client.next('session.created');
    for (let attempt = 0; attempt < 6; attempt += 1) {
      client.send({
        type: 'session.update',
        session: {
          modalities: ['text', 'audio'],
          voice: 'alloy',
          input_audio_format: 'pcm16',
          input_audio_transcription: { model: 'whisper-1' },
          turn_detection: { type: 'server_vad' },
          temperature: 0.8,
        },
      });
      const error = await client.next('error');
      expect(error.error.code).toBe('VOXWIRE_INVALID_EVENT');
      for (const [beta, ga] of [
        ['modalities', 'output_modalities'],
        ['voice', 'audio.output.voice'],
        ['input_audio_format', 'audio.input.format'],
        ['input_audio_transcription', 'audio.input.transcription'],
        ['turn_detection', 'audio.input.turn_detection'],
      ] as const) {
        expect(error.error.message).toContain(`\`session.${beta}\``);
        expect(error.error.message).toContain(ga);
      }
      expect(error.error.message).toContain('`session.temperature` (GA has none)');
      expect(error.error.message).toMatch(/betaClients: 'translate'/);
    }
    // Still open: a GA update goes through.
    client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Hi.' } });
    await client.next('session.updated');
    expect(client.closeInfo).toBeUndefined();
    expect(mock.received.filter((entry) => entry.event.type === 'session.update' && (entry.event as any).session.voice !== undefined)).toHaveLength(0);
    // Other refusals still count.
    for (let attempt = 0; attempt < 4; attempt += 1) client.send({ type: 'no.such.event' });
    expect((await client.closed).code).toBe(CLOSE_CODES.policyViolation);
  });
});
