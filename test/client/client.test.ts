import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import type { ClientState } from '../../src/client/client-events';
import { isRealtimeError } from '../../src/base/errors';
import { silentLogger } from '../../src/base/logger';
import { DEFAULT_PRICES } from '../../src/base/defaults';
import { exponentialBackoff } from '../../src/client/reconnect';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { useCleanup } from '../helpers/index';
import { base64ToPcm16 } from '../../src/codec/base64';
import type { ClientEventMap } from '../../src/events';
import { sessionCreated, startLoopbackServer } from '../helpers/loopback';

const { stoppers, startMock } = useCleanup();

function newClient(url: string, extra: Partial<ConstructorParameters<typeof RealtimeClient>[0]> = {}): RealtimeClient {
  const client = new RealtimeClient({
    url,
    apiKey: 'sk-test',
    logger: silentLogger,
    reconnect: exponentialBackoff({ initialDelayMs: 5, maxDelayMs: 20, jitter: 'none', maxAttempts: 20 }),
    ...extra,
  });
  stoppers.push(() => client.disconnect());
  return client;
}

function nextState(client: RealtimeClient, status: ClientState['status'], timeoutMs = 5000): Promise<ClientState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`state ${status} not reached; now ${client.state.status}`)), timeoutMs);
    const listener = (state: ClientState): void => {
      if (state.status !== status) return;
      clearTimeout(timer);
      client.off('state', listener);
      resolve(state);
    };
    client.on('state', listener);
  });
}

function assistantFinal(client: RealtimeClient, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no final assistant transcript')), timeoutMs);
    const listener = (update: { role: string; final: boolean; text: string }): void => {
      if (update.role !== 'assistant' || !update.final) return;
      clearTimeout(timer);
      client.off('transcript', listener);
      resolve(update.text);
    };
    client.on('transcript', listener);
  });
}

describe('RealtimeClient over WebSocket', () => {
  it('connects only once the server confirmed the session, with the Authorization header', async () => {
    const { server, url } = await startMock();
    const client = newClient(url, { session: { instructions: 'Be brief.', audio: { output: { voice: 'cedar' } } } });
    const states: string[] = [];
    client.on('state', (state) => states.push(state.status));
    await client.connect();
    expect(states).toEqual(['connecting', 'connected']);
    expect(client.session?.instructions).toBe('Be brief.');
    expect(client.session?.audio?.output?.voice).toBe('cedar');
    expect(server.connections[0]?.authVia).toBe('header');
    expect(server.connections[0]?.apiKey).toBe('sk-test');
    expect(server.filter({ type: 'session.update' }, { direction: 'received' })).toHaveLength(1);
  });

  it('holds a text turn: one response, transcript, conversation order, usage and cost', async () => {
    const { server, url } = await startMock({
      scenario: { turns: [{ reply: { text: 'Paris is sunny.', audio: 'reply-weather' } }] },
    });
    const client = newClient(url);
    await client.connect();
    const final = assistantFinal(client);
    client.sendText('Weather in Paris?');
    expect(await final).toBe('Paris is sunny.');
    await server.waitFor('response.done', { direction: 'sent' });
    // Sent is not yet received: wait (bounded) until the client has taken the response.done in.
    await expect.poll(() => client.usage.responses, { timeout: 10_000 }).toBe(1);
    const entries = client.conversation.entries;
    expect(entries.map((e) => [e.role, e.text])).toEqual([
      ['user', 'Weather in Paris?'],
      ['assistant', 'Paris is sunny.'],
    ]);
    expect(entries[1]?.status).toBe('completed');
    expect(entries[1]?.content[0]?.audioMs).toBeGreaterThan(2000);
    expect(client.usage.responses).toBe(1);
    // The client's totals are what the mock's response.done reported (about 20 output audio
    // tokens a second of the reply clip), and the cost is priced from them.
    const weather = await loadFixtureAudio('reply-weather');
    const reported = server.filter({ type: 'response.done' }, { direction: 'sent' })[0]!.event as unknown as { response: { usage: { output_token_details: { audio_tokens: number } } } };
    expect(reported.response.usage.output_token_details.audio_tokens).toBe(Math.round((weather.durationMs / 1000) * 20));
    expect(client.usage.outputAudioTokens).toBe(reported.response.usage.output_token_details.audio_tokens);
    // One uncached response priced at gpt-realtime-2's list prices (the default model's row).
    const usage = client.usage;
    const price = DEFAULT_PRICES['gpt-realtime-2']!;
    expect(usage.cachedInputTextTokens + usage.cachedInputAudioTokens).toBe(0);
    expect(usage.estimatedCostUsd).toBeCloseTo(
      (usage.inputTextTokens * price.textInput + usage.inputAudioTokens * price.audioInput + usage.outputTextTokens * price.textOutput + usage.outputAudioTokens * price.audioOutput) / 1_000_000,
      12,
    );
    expect(server.filter({ type: 'response.create' }, { direction: 'received' })).toHaveLength(1);
  });

  it('holds an audio turn: server VAD on the fixture, user transcript, PCM16 audio out', async () => {
    const { url } = await startMock({
      scenario: { turns: [{ user: "What's the weather like in Paris today?", reply: { audio: 'reply-weather' } }] },
      sessionDefaults: { audio: { input: { transcription: { model: 'whisper-1' } } } },
    });
    const client = newClient(url);
    await client.connect();
    let audioSamples = 0;
    client.on('audio', (chunk) => {
      expect(chunk.sampleRate).toBe(24000);
      audioSamples += chunk.samples.length;
    });
    const final = assistantFinal(client);
    const question = await loadFixtureAudio('question');
    for (const chunk of question.chunks) client.appendInputAudio(base64ToPcm16(chunk));
    await final;
    const user = client.conversation.entries.find((entry) => entry.role === 'user');
    expect(user?.text).toBe("What's the weather like in Paris today?");
    const reply = await loadFixtureAudio('reply-weather');
    expect(audioSamples).toBe(reply.pcm.length);
  });

  it('refuses a config it can check before any network call, naming the field', () => {
    try {
      new RealtimeClient({ logger: silentLogger, session: { type: 'realtime', audio: { output: { voice: 'marin', speeed: 1 } } } as never });
      expect.unreachable();
    } catch (error) {
      expect(isRealtimeError(error, 'VOXWIRE_INVALID_SESSION_CONFIG')).toBe(true);
      expect((error as Error).message).toContain('speeed');
    }
  });

  it('surfaces a config the server rejects as a typed error naming the field', async () => {
    const server = await startLoopbackServer((socket) => {
      socket.send(sessionCreated());
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as { type: string; event_id: string };
        if (event.type !== 'session.update') return;
        socket.send(
          JSON.stringify({
            type: 'error',
            event_id: 'event_2',
            error: { type: 'invalid_request_error', code: 'invalid_value', message: "Invalid value: 'robot'.", param: 'session.audio.output.voice', event_id: event.event_id },
          }),
        );
      });
    });
    stoppers.push(server.stop);
    const client = newClient(server.url, { reconnect: false });
    const failure = await client.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isRealtimeError(failure, 'VOXWIRE_SERVER_ERROR')).toBe(true);
    expect((failure as { path?: string }).path).toBe('session.audio.output.voice');
    expect(client.state.status).toBe('closed');
  });

  it('recovers from a drop mid-response: transcript intact, context replayed, nothing sent twice', async () => {
    const { server, url } = await startMock({
      scenario: {
        turns: [
          { reply: { text: 'First answer.', audio: 'reply-weather' } },
          { reply: { text: 'Second answer.', audio: 'reply-weather' }, drop: { after: 'response.output_audio.delta', count: 3 } },
          { reply: { text: 'Third answer.', audio: 'reply-weather' } },
        ],
      },
    });
    const client = newClient(url);
    await client.connect();
    const first = assistantFinal(client);
    client.sendText('one');
    await first;

    const reconnected = nextState(client, 'reconnecting').then(() => nextState(client, 'connected'));
    client.sendText('two');
    await reconnected;
    const third = assistantFinal(client);
    client.sendText('three');
    expect(await third).toBe('Third answer.');

    const entries = client.conversation.entries;
    expect(entries.filter((e) => e.role === 'user').map((e) => e.text)).toEqual(['one', 'two', 'three']);
    const assistants = entries.filter((e) => e.role === 'assistant');
    expect(assistants.map((e) => e.status)).toEqual(['completed', 'incomplete', 'completed']);
    // The answer cut by the drop keeps what arrived of it: a prefix of the scripted text.
    expect('Second answer.'.startsWith(assistants[1]!.text)).toBe(true);

    // The new session got the transcript replayed as text items, with the original ids.
    const replayed = server.filter({ type: 'conversation.item.create' }, { direction: 'received', connection: 1 });
    const replayedIds = replayed.map((entry) => (entry.event as unknown as ClientEventMap['conversation.item.create']).item.id);
    expect(replayedIds.slice(0, 2)).toEqual([entries[0]?.id, entries[1]?.id]);
    // No client event was sent twice.
    const eventIds = server.received.map((entry) => entry.event.event_id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
  });

  it('goes to expired on session_expired, without a reconnect storm', async () => {
    const { server, url } = await startMock({ expireAfterMs: 150 });
    const client = newClient(url);
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    await client.connect();
    const state = await nextState(client, 'expired');
    expect(state).toEqual({ status: 'expired', reason: 'session_expired' });
    expect(errors).toContain('VOXWIRE_SESSION_EXPIRED');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.connections).toHaveLength(1);
  });

  it('queues response.create while a response is active and sends one after response.done', async () => {
    const { server, url } = await startMock({ audioPace: 20, scenario: { turns: [{ reply: { text: 'A.', audio: 'reply-weather' } }, { reply: { text: 'B.', audio: 'reply-weather' } }] } });
    const client = newClient(url);
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.serverError?.code ?? error.code));
    await client.connect();
    let done = 0;
    const bothDone = new Promise<void>((resolve) =>
      client.on('response.done', () => {
        done += 1;
        if (done === 2) resolve();
      }),
    );
    client.sendText('first');
    await server.waitFor('response.created', { direction: 'sent' });
    client.sendText('second');
    client.createResponse();
    await bothDone;
    expect(server.filter({ type: 'response.create' }, { direction: 'received' })).toHaveLength(2);
    expect(errors).not.toContain('conversation_already_has_active_response');
    expect(client.cancelResponse()).toBe(false);
    expect(errors).not.toContain('response_cancel_not_active');
  });

  it('refuses to change the voice once the model has spoken', async () => {
    const { url } = await startMock();
    const client = newClient(url);
    await client.connect();
    await client.updateSession({ audio: { output: { voice: 'ash' } } });
    const final = assistantFinal(client);
    client.sendText('hi');
    await final;
    await expect(client.updateSession({ audio: { output: { voice: 'verse' } } })).rejects.toMatchObject({ code: 'VOXWIRE_VOICE_LOCKED' });
    await expect(client.updateSession({ instructions: 'Shorter.' })).resolves.toMatchObject({ instructions: 'Shorter.' });
  });

  it('keeps going when an app listener throws', async () => {
    const { url } = await startMock();
    const client = newClient(url);
    client.on('conversation', () => {
      throw new Error('app bug');
    });
    await client.connect();
    const final = assistantFinal(client);
    client.sendText('hi');
    expect(typeof (await final)).toBe('string');
  });
});
