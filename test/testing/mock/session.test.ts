import { describe, expect, it } from 'vitest';
import { base64ToPcm16 } from '../../../src/codec/base64';
import { loadFixtureAudio, listFixtureAudio } from '../../../src/testing/fixtures';
import { createScenario } from '../../../src/testing/script/scenario';
import { connect, startServer, streamFixture, transcriptCutAt, updateSession, useMockServerCleanup } from '../harness';
import type { AnyEvent } from '../../helpers/raw-client';

useMockServerCleanup();

async function manifest(name: string) {
  const entry = (await listFixtureAudio()).find((clip) => clip.name === name);
  if (!entry) throw new Error(`no fixture ${name}`);
  return entry;
}

const TOLERANCE_MS = 100;

describe('server VAD on fixture audio', () => {
  it('turns the question clip into speech_started/stopped, a committed user item, its transcription and a spoken reply', async () => {
    const question = await manifest('question');
    const { server, url } = await startServer({
      scenario: createScenario().turn((t) => t.hears(question.transcript).plays('reply-weather')).build(),
    });
    const client = await connect(url);
    await updateSession(client, { audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } } });
    const start = client.events.length;
    await streamFixture(client, 'question');

    const started = await client.next('input_audio_buffer.speech_started');
    expect(started.audio_start_ms).toBeGreaterThanOrEqual(0);
    expect(Math.abs(started.audio_start_ms - Math.max(0, question.speechStartMs! - 300))).toBeLessThanOrEqual(TOLERANCE_MS);
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(stopped.item_id).toBe(started.item_id);
    expect(Math.abs(stopped.audio_end_ms - (question.speechEndMs! + 500))).toBeLessThanOrEqual(TOLERANCE_MS);
    const committed = await client.next('input_audio_buffer.committed');
    expect(committed).toMatchObject({ item_id: started.item_id, previous_item_id: null });
    const userItem = await client.next('conversation.item.added');
    expect(userItem.item).toMatchObject({ id: started.item_id, type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] });
    const completed = await client.next('conversation.item.input_audio_transcription.completed');
    expect(completed).toMatchObject({ item_id: started.item_id, content_index: 0, transcript: question.transcript });
    // About 10 input audio tokens a second of the committed item (speech_started to speech_stopped).
    const committedAudioTokens = Math.round((stopped.audio_end_ms - started.audio_start_ms) / 100);
    expect(committedAudioTokens).toBeGreaterThan(10);
    expect(completed.usage).toEqual({
      type: 'tokens',
      input_tokens: committedAudioTokens,
      input_token_details: { text_tokens: 0, audio_tokens: committedAudioTokens },
      output_tokens: Math.ceil(question.transcript.length / 4),
      total_tokens: committedAudioTokens + Math.ceil(question.transcript.length / 4),
    });
    const done = await client.next('response.done');
    await client.next('rate_limits.updated');

    const weather = await loadFixtureAudio('reply-weather');
    const deltas = client.all('response.output_audio.delta');
    const received = deltas.map((event) => base64ToPcm16(event.delta));
    const total = received.reduce((sum, pcm) => sum + pcm.length, 0);
    expect(total).toBe(weather.pcm.length);
    expect(Buffer.from(new Int16Array(received.flatMap((pcm) => [...pcm])).buffer).equals(Buffer.from(weather.pcm.buffer, weather.pcm.byteOffset, weather.pcm.byteLength))).toBe(true);
    const transcript = client.all('response.output_audio_transcript.delta').map((event) => event.delta).join('');
    expect(transcript).toBe(weather.transcript);

    const order = client.typesSince(start).filter((type) => !type.endsWith('.delta'));
    expect(order).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'response.created',
      'conversation.item.input_audio_transcription.completed',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
      'rate_limits.updated',
    ]);
    expect(done.response).toMatchObject({
      object: 'realtime.response',
      status: 'completed',
      status_details: null,
      output_modalities: ['audio'],
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin' } },
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: weather.transcript }] }],
    });
    const usage = done.response.usage;
    // The context the model read: the committed audio, and the instructions and tools as text
    // (about 4 characters a token).
    const created = client.all('session.created')[0]!;
    expect(usage.input_token_details.audio_tokens).toBe(committedAudioTokens);
    expect(usage.input_token_details.text_tokens).toBe(Math.ceil((created.session.instructions.length + JSON.stringify(created.session.tools).length) / 4));
    expect(usage.output_token_details.audio_tokens).toBe(Math.round((weather.durationMs / 1000) * 20));
    expect(usage.output_token_details.text_tokens).toBe(Math.ceil(weather.transcript.length / 4));
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(server.scenarioProgress).toEqual({ used: 1, remaining: 0 });
    expect(server.received.filter((entry) => entry.event.type === 'input_audio_buffer.append')[0]!.event.audio).toMatch(/omitted/);
  });

  it('holds through the noise-only lead-in of the noisy clip and detects the speech over it', async () => {
    const noisy = await manifest('question-noisy');
    const { url } = await startServer();
    const client = await connect(url);
    await streamFixture(client, 'question-noisy');
    const started = await client.next('input_audio_buffer.speech_started');
    // Never during the noise-only part: the onset (start + padding) is at the speech.
    expect(started.audio_start_ms + 300).toBeGreaterThanOrEqual(noisy.noiseOnlyUntilMs! - TOLERANCE_MS);
    expect(Math.abs(started.audio_start_ms - (noisy.speechStartMs! - 300))).toBeLessThanOrEqual(TOLERANCE_MS);
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(Math.abs(stopped.audio_end_ms - (noisy.speechEndMs! + 500))).toBeLessThanOrEqual(TOLERANCE_MS);
    expect(client.all('input_audio_buffer.speech_started')).toHaveLength(1);
  });

  it('never triggers on digital silence or room tone', async () => {
    const { server, url } = await startServer();
    const client = await connect(url);
    await streamFixture(client, 'silence');
    await streamFixture(client, 'room-tone');
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(client.all('input_audio_buffer.speech_started')).toHaveLength(0);
    expect(server.filter('response.created')).toHaveLength(0);
  });

  it('honours threshold: at 1.0 the noisy clip starts later than at 0.5', async () => {
    const { url } = await startServer();
    const relaxed = await connect(url);
    await streamFixture(relaxed, 'question-noisy');
    const atDefault = await relaxed.next('input_audio_buffer.speech_started');
    const strict = await connect(url);
    await updateSession(strict, { audio: { input: { turn_detection: { type: 'server_vad', threshold: 1, prefix_padding_ms: 0 } } } });
    await streamFixture(strict, 'question-noisy');
    const atMax = await strict.next('input_audio_buffer.speech_started');
    expect(atMax.audio_start_ms).toBeGreaterThan(atDefault.audio_start_ms + 300);
  });

  it('with turn_detection null only a manual commit makes a user item, and never a response', async () => {
    const { server, url } = await startServer();
    const client = await connect(url);
    await updateSession(client, { audio: { input: { turn_detection: null } } });
    client.send({ type: 'input_audio_buffer.commit', event_id: 'evt_empty' });
    expect((await client.next('error')).error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'evt_empty' });
    await streamFixture(client, 'question');
    client.send({ type: 'input_audio_buffer.commit' });
    const committed = await client.next('input_audio_buffer.committed');
    await client.next((event) => event.type === 'conversation.item.done' && event.item.id === committed.item_id);
    expect(client.all('input_audio_buffer.speech_started')).toHaveLength(0);
    expect(server.filter('response.created')).toHaveLength(0);
    client.send({ type: 'conversation.item.retrieve', item_id: committed.item_id });
    const retrieved = await client.next('conversation.item.retrieved');
    const audio = base64ToPcm16(retrieved.item.content[0].audio);
    expect(audio.length).toBe((await loadFixtureAudio('question')).pcm.length);
  });

  it('runs VAD on G.711 μ-law input at 8 kHz', async () => {
    const { encodeMulaw } = await import('../../../src/codec/g711');
    const { encodeBase64 } = await import('../../../src/codec/base64');
    const { resamplePcm16 } = await import('../../../src/testing/mock/audio');
    const question = await loadFixtureAudio('question');
    const { url } = await startServer();
    const client = await connect(url);
    await updateSession(client, { audio: { input: { format: { type: 'audio/pcmu' } } } });
    const pcm8k = resamplePcm16(question.pcm, 24000, 8000);
    for (let offset = 0; offset < pcm8k.length; offset += 160) {
      client.send({ type: 'input_audio_buffer.append', audio: encodeBase64(encodeMulaw(pcm8k.subarray(offset, offset + 160))) });
    }
    const started = await client.next('input_audio_buffer.speech_started');
    expect(Math.abs(started.audio_start_ms - 0)).toBeLessThanOrEqual(TOLERANCE_MS);
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(Math.abs(stopped.audio_end_ms - (question.speechEndMs! + 500))).toBeLessThanOrEqual(TOLERANCE_MS);
    await client.next('response.done');
  });
});

describe('responses', () => {
  async function textTurn(client: Awaited<ReturnType<typeof connect>>, text: string, response?: Record<string, unknown>): Promise<void> {
    client.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
    await client.next('conversation.item.done');
    client.send(response ? { type: 'response.create', response } : { type: 'response.create' });
  }

  it('answers a text turn with the default spoken reply when there is no scenario', async () => {
    const greeting = await loadFixtureAudio('reply-greeting');
    const { url } = await startServer();
    const client = await connect(url);
    await textTurn(client, 'Hello?');
    const done = await client.next('response.done');
    expect(done.response.output[0].content[0].transcript).toBe(greeting.transcript);
    expect(client.all('response.output_audio.delta').length).toBe(Math.ceil(greeting.durationMs / 50));
  });

  it('answers with output_text events in a text-only response', async () => {
    const { url } = await startServer({ scenario: createScenario().turn((t) => t.says('Plain text answer.')).build() });
    const client = await connect(url);
    await textTurn(client, 'Type it', { output_modalities: ['text'], metadata: { purpose: 'test' } });
    const done = await client.next('response.done');
    expect(client.all('response.output_text.delta').map((event) => event.delta).join('')).toBe('Plain text answer.');
    expect(client.all('response.output_audio.delta')).toHaveLength(0);
    expect(client.all('response.output_text.done')[0]!.text).toBe('Plain text answer.');
    expect(done.response).toMatchObject({
      output_modalities: ['text'],
      metadata: { purpose: 'test' },
      output: [{ content: [{ type: 'output_text', text: 'Plain text answer.' }] }],
    });
    expect(done.response.audio).toBeUndefined();
  });

  it('makes a function call, then answers the next turn after the output and response.create', async () => {
    const { server, url } = await startServer({
      // Long enough instructions that the second response reads a cached prefix (64-token blocks).
      sessionDefaults: { instructions: 'You are a weather assistant. '.repeat(20) },
      scenario: createScenario()
        .turn((t) => t.calls('get_weather', { location: 'Paris' }, { callId: 'call_paris' }))
        .turn((t) => t.plays('reply-weather'))
        .build(),
    });
    const client = await connect(url);
    await textTurn(client, "What's the weather like in Paris today?");
    const added = await client.next('response.output_item.added');
    expect(added.item).toMatchObject({ type: 'function_call', name: 'get_weather', call_id: 'call_paris', arguments: '', status: 'in_progress' });
    const argsDone = await client.next('response.function_call_arguments.done');
    expect(argsDone).toMatchObject({ call_id: 'call_paris', name: 'get_weather', arguments: '{"location":"Paris"}', item_id: added.item.id, output_index: 0 });
    const deltas = client.all('response.function_call_arguments.delta').map((event) => event.delta).join('');
    expect(deltas).toBe('{"location":"Paris"}');
    const first = await client.next('response.done');
    expect(first.response.output).toEqual([
      expect.objectContaining({ type: 'function_call', status: 'completed', call_id: 'call_paris', arguments: '{"location":"Paris"}' }),
    ]);
    expect(client.all('response.output_audio.delta')).toHaveLength(0);

    client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_paris', output: '{"temperature":18}' } });
    const outputItem = await client.next((event) => event.type === 'conversation.item.done' && event.item.type === 'function_call_output');
    expect(outputItem.previous_item_id).toBe(added.item.id);
    client.send({ type: 'response.create' });
    const second = await client.next('response.done');
    expect(second.response.output[0].content[0].transcript).toBe("It's 18 degrees and sunny in Paris.");
    // The second response re-reads the first one's context: cached in whole 64-token blocks.
    expect(first.response.usage.input_tokens).toBeGreaterThan(64);
    expect(second.response.usage.input_token_details.cached_tokens).toBe(Math.floor(first.response.usage.input_tokens / 64) * 64);
    expect(server.scenarioProgress.remaining).toBe(0);
  });

  it('makes parallel calls in one response, with malformed arguments sent verbatim', async () => {
    const { url } = await startServer({
      scenario: createScenario()
        .turn((t) => t.calls('get_weather', { location: 'Paris' }).calls('get_time', '{"city": "Paris"').calls('get_weather', { location: 'Rome' }))
        .build(),
    });
    const client = await connect(url);
    await textTurn(client, 'Weather and time in Paris and Rome?');
    const done = await client.next('response.done');
    const calls = done.response.output;
    expect(calls.map((item: AnyEvent) => [item.name, item.arguments])).toEqual([
      ['get_weather', '{"location":"Paris"}'],
      ['get_time', '{"city": "Paris"'],
      ['get_weather', '{"location":"Rome"}'],
    ]);
    expect(new Set(calls.map((item: AnyEvent) => item.call_id)).size).toBe(3);
    expect(client.all('response.output_item.added').map((event) => event.output_index)).toEqual([0, 1, 2]);
  });

  it('speaks before calling when a turn has both', async () => {
    const { url } = await startServer({ scenario: createScenario().turn((t) => t.says('Let me check.').calls('lookup', { q: 1 })).build() });
    const client = await connect(url);
    await textTurn(client, 'Check it');
    const done = await client.next('response.done');
    expect(done.response.output.map((item: AnyEvent) => item.type)).toEqual(['message', 'function_call']);
    expect(done.response.output[0].content[0].transcript).toBe('Let me check.');
  });

  it('refuses response.create while a response is active, and cancel with none active', async () => {
    const { url } = await startServer({ audioPace: 'realtime', scenario: createScenario().turn((t) => t.plays('reply-long')).build() });
    const client = await connect(url);
    client.send({ type: 'response.cancel', event_id: 'evt_c0' });
    expect((await client.next('error')).error).toMatchObject({
      code: 'response_cancel_not_active',
      message: 'Cancellation failed: no active response found',
      event_id: 'evt_c0',
    });
    client.send({ type: 'response.create' });
    const created = await client.next('response.created');
    client.send({ type: 'response.create', event_id: 'evt_r2' });
    const conflict = await client.next('error');
    expect(conflict.error).toMatchObject({ type: 'invalid_request_error', code: 'conversation_already_has_active_response', event_id: 'evt_r2' });
    expect(conflict.error.message).toContain(created.response.id);
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
    client.send({ type: 'response.cancel' });
    expect((await client.next('error')).error.code).toBe('response_cancel_not_active');
  });

  it('runs an out-of-band response outside the conversation, next to an in-band one', async () => {
    const { server, url } = await startServer({ audioPace: 'realtime' });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    await client.next('response.created');
    client.send({ type: 'response.create', response: { conversation: 'none', output_modalities: ['text'], metadata: { kind: 'summary' } } });
    const outOfBand = await client.next((event) => event.type === 'response.done' && event.response.conversation_id === null);
    expect(outOfBand.response).toMatchObject({ status: 'completed', metadata: { kind: 'summary' } });
    const itemIds = new Set(server.session(0)!.items.map((item) => item.id));
    expect(itemIds.has(outOfBand.response.output[0].id)).toBe(false);
    client.send({ type: 'response.cancel' });
    const inBand = await client.next((event) => event.type === 'response.done' && event.response.conversation_id !== null);
    expect(inBand.response.status).toBe('cancelled');
  });

  it('answers with the scenario error instead of a response, and with an error once a strict scenario is used up', async () => {
    const { url } = await startServer({
      scenario: createScenario()
        .turn((t) => t.fails({ type: 'server_error', code: 'server_error', message: 'The server had an error.' }))
        .strict()
        .build(),
    });
    const client = await connect(url);
    client.send({ type: 'response.create', event_id: 'evt_1' });
    expect((await client.next('error')).error).toMatchObject({ type: 'server_error', code: 'server_error', event_id: 'evt_1' });
    client.send({ type: 'response.create' });
    expect((await client.next('error')).error.code).toBe('scenario_exhausted');
    expect(client.all('response.created')).toHaveLength(0);
  });

  it('ends a reply as incomplete with max_output_tokens', async () => {
    const { url } = await startServer({ scenario: createScenario().turn((t) => t.says('Cut short', 'reply-weather').incomplete()).build() });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'incomplete', status_details: { type: 'incomplete', reason: 'max_output_tokens' } });
  });

  it('injects latency before the response and between deltas', async () => {
    const delays: number[] = [];
    const clock = {
      now: () => Date.now(),
      setTimeout: (callback: () => void, delayMs: number) => {
        delays.push(delayMs);
        return setTimeout(callback, delayMs);
      },
      clearTimeout: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
    };
    const { url } = await startServer({ clock, scenario: createScenario().turn((t) => t.says('One two three').delays({ beforeResponseMs: 120, perDeltaMs: 7 })).build() });
    const client = await connect(url);
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    await client.next('response.done');
    expect(delays).toContain(120);
    expect(delays.filter((delay) => delay === 7)).toHaveLength(3);
  });
});

describe('interruption and truncation', () => {
  it('cancels the response when the user speaks over it (turn_detected)', async () => {
    const { url } = await startServer({ audioPace: 'realtime', scenario: createScenario().turn((t) => t.plays('reply-long')).build() });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    const created = await client.next('response.created');
    await client.next('response.output_audio.delta');
    await streamFixture(client, 'interruption');
    const started = await client.next('input_audio_buffer.speech_started');
    expect(Math.abs(started.audio_start_ms - (1500 - 300))).toBeLessThanOrEqual(TOLERANCE_MS);
    const done = await client.next((event) => event.type === 'response.done' && event.response.id === created.response.id);
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' } });
    expect(done.response.output[0].status).toBe('incomplete');
    const doneIndex = client.events.indexOf(done);
    const late = client.events.slice(doneIndex).filter((event) => event.type === 'response.output_audio.delta' && event.response_id === created.response.id);
    expect(late).toHaveLength(0);
    const itemDone = client.events.find((event) => event.type === 'response.output_item.done' && event.response_id === created.response.id);
    expect(itemDone!.item.status).toBe('incomplete');
    // The user's interruption then gets its own turn.
    await client.next('input_audio_buffer.committed');
    const next = await client.next('response.created');
    expect(next.response.id).not.toBe(created.response.id);
  });

  it('answers a barge-in heard within one append: the interrupted reply ends first, then the turn gets its response', async () => {
    const { url } = await startServer({ audioPace: 'realtime', scenario: createScenario().turn((t) => t.plays('reply-long')).turn((t) => t.says('Berlin: 15 degrees.')).build() });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    const created = await client.next('response.created');
    await client.next('response.output_audio.delta');
    // The whole clip in one frame: the VAD hears the speech start and stop within the same append.
    const clip = await loadFixtureAudio('interruption', { chunkMs: 10_000 });
    expect(clip.chunks).toHaveLength(1);
    client.sendAudio(clip.chunks);
    const committed = await client.next('input_audio_buffer.committed');
    const next = await client.next('response.created');
    expect(next.response.id).not.toBe(created.response.id);
    const done = await client.next((event) => event.type === 'response.done' && event.response.id === next.response.id);
    expect(done.response.status).toBe('completed');
    expect(done.response.output[0].content[0].transcript).toBe('Berlin: 15 degrees.');
    // In the API's order: the cancelled reply's response.done before the turn's response.created, one of each.
    const order = client.events.filter((event) => event.type === 'response.created' || event.type === 'response.done').map((event) => [event.type, event.response.id, event.response.status]);
    expect(order).toEqual([
      ['response.created', created.response.id, 'in_progress'],
      ['response.done', created.response.id, 'cancelled'],
      ['response.created', next.response.id, 'in_progress'],
      ['response.done', next.response.id, 'completed'],
    ]);
    expect(client.events.indexOf(committed)).toBeLessThan(client.events.indexOf(next));
  });

  it('interrupts a function call mid-arguments: no arguments.done, the item ends incomplete', async () => {
    const { url } = await startServer({
      scenario: createScenario()
        .turn((t) => t.calls('search_flights', { from: 'Boston', to: 'Paris', date: '2026-05-04', passengers: 2 }).delays({ perDeltaMs: 250 }))
        .build(),
    });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    await client.next('response.function_call_arguments.delta');
    await streamFixture(client, 'interruption');
    const done = await client.next('response.done');
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { reason: 'turn_detected' } });
    expect(done.response.output[0]).toMatchObject({ type: 'function_call', status: 'incomplete' });
    // The arguments stop where the deltas did: a strict prefix of the planned call's.
    const planned = JSON.stringify({ from: 'Boston', to: 'Paris', date: '2026-05-04', passengers: 2 });
    const streamed = client.all('response.function_call_arguments.delta').map((event) => event.delta as string).join('');
    expect(done.response.output[0].arguments).toBe(streamed);
    expect(planned.startsWith(streamed)).toBe(true);
    expect(streamed.length).toBeLessThan(planned.length);
    expect(client.all('response.function_call_arguments.done')).toHaveLength(0);
  });

  it('does not cancel when interrupt_response is off', async () => {
    const { url } = await startServer({ audioPace: 'realtime', scenario: createScenario().turn((t) => t.plays('reply-long')).build() });
    const client = await connect(url);
    await updateSession(client, { audio: { input: { turn_detection: { type: 'server_vad', interrupt_response: false } } } });
    client.send({ type: 'response.create' });
    await client.next('response.output_audio.delta');
    await streamFixture(client, 'interruption');
    await client.next('input_audio_buffer.committed');
    client.send({ type: 'response.cancel' });
    const done = await client.next('response.done');
    expect(done.response.status_details.reason).toBe('client_cancelled');
    expect(client.all('response.created')).toHaveLength(1);
  });

  it('validates truncation against the audio actually sent and cuts the transcript', async () => {
    const long = await loadFixtureAudio('reply-long');
    const { url } = await startServer({ audioPace: 'realtime', scenario: createScenario().turn((t) => t.plays('reply-long')).build() });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    const added = await client.next('response.output_item.added');
    const itemId = added.item.id;
    for (let i = 0; i < 6; i++) await client.next('response.output_audio.delta');
    client.send({ type: 'response.cancel' });
    await client.next('response.done');
    const sentMs = client
      .all('response.output_audio.delta')
      .reduce((sum, event) => sum + (base64ToPcm16(event.delta).length * 1000) / 24000, 0);
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 5000, event_id: 'evt_t1' });
    const beyond = await client.next('error');
    expect(beyond.error).toMatchObject({ code: 'invalid_value', param: 'audio_end_ms', event_id: 'evt_t1' });
    expect(beyond.error.message).toBe(`Audio content of ${Math.floor(sentMs)}ms is already shorter than 5000ms`);

    const cutMs = Math.floor(sentMs / 2);
    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: cutMs });
    expect(await client.next('conversation.item.truncated')).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: cutMs });
    client.send({ type: 'conversation.item.retrieve', item_id: itemId });
    const retrieved = await client.next('conversation.item.retrieved');
    const transcript: string = retrieved.item.content[0].transcript;
    expect(transcript).toBe(transcriptCutAt(long, cutMs));
    expect(transcript.length).toBeLessThan(long.transcript.length / 4);
    expect(base64ToPcm16(retrieved.item.content[0].audio).length).toBe(Math.floor((cutMs * 24000) / 1000));

    client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: cutMs + 1 });
    expect((await client.next('error')).error.message).toBe(`Audio content of ${cutMs}ms is already shorter than ${cutMs + 1}ms`);
    client.send({ type: 'conversation.item.truncate', item_id: 'item_nope', content_index: 0, audio_end_ms: 1 });
    expect((await client.next('error')).error.code).toBe('item_not_found');
  });

  it('refuses to truncate an item before any of its audio was sent, or a text item', async () => {
    const { url } = await startServer({
      scenario: createScenario()
        .turn((t) => t.plays('reply-weather').delays({ perDeltaMs: 400 }))
        .turn((t) => t.says('Text only'))
        .build(),
    });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    const added = await client.next('response.output_item.added');
    client.send({ type: 'conversation.item.truncate', item_id: added.item.id, content_index: 0, audio_end_ms: 0, event_id: 'evt_early' });
    expect((await client.next('error')).error).toMatchObject({
      code: 'unsupported_content_type',
      message: 'Only model output audio messages can be truncated',
      event_id: 'evt_early',
    });
    client.send({ type: 'response.cancel' });
    await client.next('response.done');
    client.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    const text = await client.next('response.output_item.added');
    await client.next('response.done');
    client.send({ type: 'conversation.item.truncate', item_id: text.item.id, content_index: 0, audio_end_ms: 0 });
    expect((await client.next('error')).error.code).toBe('unsupported_content_type');
  });

  it('locks the voice once the model has spoken', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    await updateSession(client, { audio: { output: { voice: 'cedar' } } });
    client.send({ type: 'response.create' });
    await client.next('response.done');
    await updateSession(client, { audio: { output: { voice: 'cedar' } } });
    client.send({ type: 'session.update', event_id: 'evt_v', session: { type: 'realtime', audio: { output: { voice: 'alloy' } } } });
    expect((await client.next('error')).error).toMatchObject({ code: 'cannot_update_voice', param: 'session.audio.output.voice', event_id: 'evt_v' });
  });

  it('refuses output_audio_buffer.clear on a WebSocket', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    client.send({ type: 'output_audio_buffer.clear' });
    expect((await client.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'type' });
  });
});

describe('conversation items', () => {
  it('orders items by previous_item_id, root included, and deletes and retrieves them', async () => {
    const { server, url } = await startServer();
    const client = await connect(url);
    const create = (id: string, text: string, previous?: string): void =>
      client.send({
        type: 'conversation.item.create',
        ...(previous === undefined ? {} : { previous_item_id: previous }),
        item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      });
    create('item_a', 'A');
    expect((await client.next('conversation.item.added')).previous_item_id).toBeNull();
    create('item_c', 'C');
    expect((await client.next('conversation.item.added')).previous_item_id).toBe('item_a');
    create('item_b', 'B', 'item_a');
    expect((await client.next('conversation.item.added')).previous_item_id).toBe('item_a');
    create('item_0', 'zero', 'root');
    expect((await client.next('conversation.item.added')).previous_item_id).toBeNull();
    expect(server.session(0)!.items.map((item) => item.id)).toEqual(['item_0', 'item_a', 'item_b', 'item_c']);

    create('item_a', 'again');
    expect((await client.next('error')).error.code).toBe('duplicate_item_id');
    create('item_x', 'X', 'item_missing');
    expect((await client.next('error')).error).toMatchObject({ code: 'item_not_found', param: 'previous_item_id' });
    client.send({ type: 'conversation.item.delete', item_id: 'item_b' });
    expect(await client.next('conversation.item.deleted')).toMatchObject({ item_id: 'item_b' });
    client.send({ type: 'conversation.item.retrieve', item_id: 'item_c' });
    expect((await client.next('conversation.item.retrieved')).item).toMatchObject({ id: 'item_c', object: 'realtime.item', status: 'completed', content: [{ text: 'C' }] });
    client.send({ type: 'conversation.item.delete', item_id: 'item_b' });
    expect((await client.next('error')).error.code).toBe('item_not_found');
  });
});

describe('drops, expiry and reconnection', () => {
  it('drops the connection (1006) right after the Nth audio delta of a turn', async () => {
    const { server, url } = await startServer({
      scenario: createScenario().turn((t) => t.plays('reply-greeting').dropsAfter('response.output_audio.delta', 3)).build(),
    });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    const closed = await client.closed;
    expect(closed.code).toBe(1006);
    expect(client.all('response.output_audio.delta')).toHaveLength(3);
    expect(client.all('response.done')).toHaveLength(0);
    expect(server.connections[0]).toMatchObject({ open: false, closeCode: 1006 });
    expect(server.openConnections).toBe(0);
  });

  it('drops with a chosen close code instead of sending an event', async () => {
    const { url } = await startServer({
      scenario: createScenario().turn((t) => t.dropsBefore('response.created', 1, { code: 4000, reason: 'draining' })).build(),
    });
    const client = await connect(url);
    client.send({ type: 'response.create' });
    expect(await client.closed).toEqual({ code: 4000, reason: 'draining' });
    expect(client.all('response.created')).toHaveLength(0);
  });

  it('continues the scenario on a new connection and accepts the replayed history without responding', async () => {
    const { server, url } = await startServer({
      scenario: createScenario()
        .turn((t) => t.says('First answer.', 'reply-greeting').dropsAfter('response.output_audio.delta', 2))
        .turn((t) => t.plays('reply-weather'))
        .build(),
    });
    const first = await connect(url);
    first.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
    first.send({ type: 'response.create' });
    await first.closed;

    const second = await connect(url);
    const mark = server.mark();
    second.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] } });
    second.send({ type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'First' }] } });
    await second.next('conversation.item.done');
    await second.next('conversation.item.done');
    expect(server.filter('response.created', { since: mark })).toHaveLength(0);
    second.send({ type: 'response.create' });
    const done = await second.next('response.done');
    expect(done.response.output[0].content[0].transcript).toBe("It's 18 degrees and sunny in Paris.");
    expect(server.connections.map((connection) => connection.open)).toEqual([false, true]);
    expect(server.filter('response.done', { connection: 1 })).toHaveLength(1);
  });

  it('expires a session: session_expired error, then close 1001', async () => {
    const { url } = await startServer({ scenario: createScenario().expireAfter(150).build() });
    const client = await connect(url);
    const error = await client.next('error', 3000);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'session_expired' });
    expect(error.error.message).toMatch(/maximum duration/);
    expect((await client.closed).code).toBe(1001);
  });

  it('drops every connection on demand and counts them', async () => {
    const { server, url } = await startServer();
    const a = await connect(url);
    const b = await connect(url);
    expect(server.openConnections).toBe(2);
    expect(server.dropConnections(4000, 'draining')).toBe(2);
    expect((await a.closed).code).toBe(4000);
    expect((await b.closed).code).toBe(4000);
    expect(server.openConnections).toBe(0);
    expect(() => server.dropConnections(1005)).toThrow(/close code/);
  });

  it('sends input_audio_buffer.timeout_triggered after idle_timeout_ms and responds', async () => {
    const shortAudio = new Int16Array(24000 / 5); // 200 ms
    const { url } = await startServer({
      scenario: createScenario().turn((t) => t.says('Hello.', shortAudio)).turn((t) => t.says('Are you still there?', shortAudio)).build(),
    });
    const client = await connect(url);
    await updateSession(client, { audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 100 } } } });
    client.send({ type: 'response.create' });
    await client.next('response.done');
    // The timeout counts from the end of playback: 200 ms of audio sent instantly, plus 100 ms.
    const triggered = await client.next('input_audio_buffer.timeout_triggered', 3000);
    const committed = await client.next('input_audio_buffer.committed');
    expect(committed.item_id).toBe(triggered.item_id);
    const done = await client.next('response.done', 6000);
    expect(done.response.output[0].content[0].transcript).toBe('Are you still there?');
  });
});

describe('turn detection variants', () => {
  it('approximates semantic_vad with the same detector (eagerness sets the silence)', async () => {
    const question = await manifest('question');
    const { url } = await startServer();
    const client = await connect(url);
    await updateSession(client, { audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } } });
    await streamFixture(client, 'question');
    const stopped = await client.next('input_audio_buffer.speech_stopped');
    expect(Math.abs(stopped.audio_end_ms - (question.speechEndMs! + 300))).toBeLessThanOrEqual(TOLERANCE_MS);
    await client.next('response.done');
  });

  it('emits VAD events but starts no response with create_response off', async () => {
    const { server, url } = await startServer();
    const client = await connect(url);
    await updateSession(client, { audio: { input: { turn_detection: { type: 'server_vad', create_response: false } } } });
    await streamFixture(client, 'question');
    await client.next('input_audio_buffer.committed');
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(server.filter('response.created')).toHaveLength(0);
  });
});

describe('server controls', () => {
  it('injects server events and expires sessions on demand', async () => {
    const { server, url } = await startServer();
    const client = await connect(url);
    expect(server.send({ type: 'rate_limits.updated', rate_limits: [] }, { connection: 0 })).toBe(1);
    expect((await client.next('rate_limits.updated')).event_id).toMatch(/^event_/);
    expect(server.expireSessions()).toBe(1);
    expect((await client.next('error')).error.code).toBe('session_expired');
    expect((await client.closed).code).toBe(1001);
    expect(server.send({ type: 'rate_limits.updated', rate_limits: [] })).toBe(0);
  });

  it('plays a new scenario from its first turn after setScenario', async () => {
    const { server, url } = await startServer({ scenario: createScenario().turn((t) => t.says('Old', 'reply-weather')).build() });
    const client = await connect(url);
    server.setScenario(createScenario().turn((t) => t.says('New', 'reply-weather')).build());
    client.send({ type: 'response.create' });
    expect((await client.next('response.done')).response.output[0].content[0].transcript).toBe('New');
  });
});

describe('other transports (the seam for WebRTC)', () => {
  it('runs the same session over any link: media audio in, media audio out, output_audio_buffer events', async () => {
    const { server } = await startServer({ scenario: createScenario().turn((t) => t.plays('reply-weather')).build() });
    const frames: AnyEvent[] = [];
    const played: Int16Array[] = [];
    let cleared = 0;
    const session = server.attach(
      {
        kind: 'webrtc',
        send: (text) => frames.push(JSON.parse(text) as AnyEvent),
        close: () => undefined,
        terminate: () => undefined,
        writeOutputAudio: (pcm, sampleRate) => {
          expect(sampleRate).toBe(24000);
          played.push(pcm);
        },
        clearOutputAudio: () => {
          cleared += 1;
          return 0;
        },
      },
      { model: 'gpt-realtime-2.1', callId: 'rtc_1' },
    );
    expect(frames[0]!.type).toBe('session.created');
    const question = await loadFixtureAudio('question');
    // Media arrives at 48 kHz from a browser; the session resamples to its input rate.
    const { resamplePcm16 } = await import('../../../src/testing/mock/audio');
    session.appendAudio(resamplePcm16(question.pcm, 24000, 48000), 48000);
    await server.waitFor('response.done');
    const types = frames.map((frame) => frame.type);
    expect(types).toContain('input_audio_buffer.speech_started');
    expect(types).toContain('output_audio_buffer.started');
    expect(types).toContain('output_audio_buffer.stopped');
    expect(types).not.toContain('response.output_audio.delta');
    const weather = await loadFixtureAudio('reply-weather');
    expect(played.reduce((sum, pcm) => sum + pcm.length, 0)).toBe(weather.pcm.length);
    session.receive(JSON.stringify({ type: 'output_audio_buffer.clear' }));
    expect(frames.at(-1)).toMatchObject({ type: 'output_audio_buffer.cleared' });
    expect(cleared).toBe(1);
    expect(server.connections[0]).toMatchObject({ kind: 'webrtc', callId: 'rtc_1', open: true });
    session.handleClose();
    expect(server.connections[0]!.open).toBe(false);
  });
});

describe('output formats', () => {
  it('streams reply audio as G.711 μ-law at 8 kHz when the session asks for audio/pcmu', async () => {
    const { decodeMulaw } = await import('../../../src/codec/g711');
    const { decodeBase64 } = await import('../../../src/codec/base64');
    const weather = await loadFixtureAudio('reply-weather');
    const { url } = await startServer({ scenario: createScenario().turn((t) => t.plays('reply-weather')).build() });
    const client = await connect(url);
    await updateSession(client, { audio: { output: { format: { type: 'audio/pcmu' } } } });
    client.send({ type: 'response.create' });
    const done = await client.next('response.done');
    expect(done.response.audio.output.format).toEqual({ type: 'audio/pcmu' });
    const samples = client.all('response.output_audio.delta').reduce((sum, event) => sum + decodeMulaw(decodeBase64(event.delta)).length, 0);
    expect(samples).toBe(Math.floor(weather.pcm.length / 3));
    expect(done.response.usage.output_token_details.audio_tokens).toBe(Math.round((weather.durationMs / 1000) * 20));
  });
});
