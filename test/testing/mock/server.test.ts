import { describe, expect, it } from 'vitest';
import { openClient as connect, startServer, useMockServerCleanup } from '../harness';
import type { RawClient } from '../../helpers/raw-client';

useMockServerCleanup();

describe('MockRealtimeServer: connecting', () => {
  it('listens on 127.0.0.1 and sends session.created with a full GA session', async () => {
    const { server, url } = await startServer();
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v1\/realtime$/);
    const client = await connect(url, { query: '?model=gpt-realtime-2.1-mini', headers: { Authorization: 'Bearer sk-test' } });
    const created = await client.next('session.created');
    expect(created.event_id).toMatch(/^event_[A-Za-z0-9]{21}$/);
    expect(created.session).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime-2.1-mini',
      output_modalities: ['audio'],
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
      prompt: null,
      truncation: 'auto',
      include: null,
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: null,
          noise_reduction: null,
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            idle_timeout_ms: null,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 },
      },
    });
    expect(created.session.id).toMatch(/^sess_/);
    expect(created.session.expires_at).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(server.connections[0]).toMatchObject({ index: 0, apiKey: 'sk-test', authVia: 'header', model: 'gpt-realtime-2.1-mini', open: true });
    expect(server.openConnections).toBe(1);
  });

  it('accepts subprotocol auth and echoes the realtime subprotocol', async () => {
    const { server, url } = await startServer({ auth: { apiKey: 'ek_browser' } });
    const client = await connect(url, { protocols: ['realtime', 'openai-insecure-api-key.ek_browser'] });
    expect(client.socket.protocol).toBe('realtime');
    await client.next('session.created');
    expect(server.connections[0]).toMatchObject({ apiKey: 'ek_browser', authVia: 'subprotocol', protocol: 'realtime' });
  });

  it('rejects a wrong or missing key with HTTP 401 before the upgrade', async () => {
    const { server, url } = await startServer({ auth: { apiKey: ['sk-right', 'sk-other'] } });
    await expect(connect(url, { headers: { Authorization: 'Bearer sk-wrong' } })).rejects.toMatchObject({ statusCode: 401 });
    await expect(connect(url)).rejects.toMatchObject({ statusCode: 401 });
    const ok = await connect(url, { headers: { Authorization: 'Bearer sk-other' } });
    await ok.next('session.created');
    expect(server.connections).toHaveLength(1);
  });

  it('can reject after the upgrade with an error event and close code 4003', async () => {
    const { url } = await startServer({ auth: { apiKey: async (key) => key === 'good', rejectWith: { closeCode: 4003 } } });
    const client = await connect(url, { headers: { Authorization: 'Bearer bad' } });
    const error = await client.next('error');
    expect(error.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(error.error.message).not.toContain('bad'.repeat(2));
    await expect(client.closed).resolves.toMatchObject({ code: 4003 });
    expect(client.all('session.created')).toHaveLength(0);
  });

  it('answers 404 for another path and 429 beyond maxConnections', async () => {
    const { url } = await startServer({ maxConnections: 1 });
    await expect(connect(url.replace('/v1/realtime', '/v1/other'))).rejects.toMatchObject({ statusCode: 404 });
    const first = await connect(url);
    await first.next('session.created');
    await expect(connect(url)).rejects.toMatchObject({ statusCode: 429 });
  });

  it('accepts sideband call_id URLs', async () => {
    const { server, url } = await startServer();
    const client = await connect(url, { query: '?call_id=rtc_123' });
    await client.next('session.created');
    expect(server.connections[0]).toMatchObject({ kind: 'sideband', callId: 'rtc_123' });
  });

  it('session.update deep-merges and answers session.updated with the full session', async () => {
    const { server, url } = await startServer({ sessionDefaults: { instructions: 'Be brief.' } });
    const client = await connect(url);
    const created = await client.next('session.created');
    expect(created.session.instructions).toBe('Be brief.');
    client.send({
      type: 'session.update',
      event_id: 'evt_1',
      session: {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 800 }, transcription: { model: 'gpt-4o-transcribe' } }, output: { voice: 'cedar' } },
        tools: [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} } }],
      },
    });
    const updated = await client.next('session.updated');
    expect(updated.session.id).toBe(created.session.id);
    expect(updated.session.instructions).toBe('Be brief.');
    expect(updated.session.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 800,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    expect(updated.session.audio.input.transcription).toEqual({ model: 'gpt-4o-transcribe', language: null, prompt: '' });
    expect(updated.session.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'cedar', speed: 1 });
    expect(updated.session.tools).toHaveLength(1);

    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null, format: { type: 'audio/pcmu' } } } } });
    const second = await client.next('session.updated');
    expect(second.session.audio.input.turn_detection).toBeNull();
    expect(second.session.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(server.session(0)?.session.audio.input.turn_detection).toBeNull();

    client.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } } } } });
    const third = await client.next('session.updated');
    expect(third.session.audio.input.turn_detection).toEqual({ type: 'semantic_vad', eagerness: 'high', create_response: true, interrupt_response: true });
  });
});

describe('MockRealtimeServer: validation', () => {
  async function errorFor(client: RawClient, send: () => void): Promise<Record<string, any>> {
    send();
    return (await client.next('error')).error;
  }

  it('answers invalid events with errors of the API shape and keeps the session going', async () => {
    const { server, url } = await startServer();
    const client = await connect(url);
    await client.next('session.created');

    expect(await errorFor(client, () => client.sendRaw('{not json'))).toMatchObject({
      type: 'invalid_request_error',
      code: 'invalid_json',
      event_id: null,
    });
    expect(await errorFor(client, () => client.send({ type: 'session.explode', event_id: 'evt_x' }))).toMatchObject({
      code: 'invalid_value',
      param: 'type',
      event_id: 'evt_x',
    });
    expect(await errorFor(client, () => client.sendRaw('{"event_id":"evt_t"}'))).toMatchObject({
      code: 'invalid_event',
      message: "The 'type' field is missing.",
      event_id: 'evt_t',
    });
    const unknownField = await errorFor(client, () =>
      client.send({ type: 'session.update', event_id: 'evt_u', session: { type: 'realtime', modalities: ['text'] } }),
    );
    expect(unknownField).toMatchObject({ code: 'unknown_parameter', param: 'session.modalities', event_id: 'evt_u' });
    expect(unknownField.message).toMatch(/^Unknown parameter: 'session\.modalities'\./);
    expect(unknownField.message).toContain('output_modalities');
    expect(await errorFor(client, () => client.send({ type: 'session.update', session: { instructions: 'x' } }))).toMatchObject({
      code: 'missing_required_parameter',
      param: 'session.type',
      message: "Missing required parameter: 'session.type'.",
    });
    expect(await errorFor(client, () => client.send({ type: 'session.update', session: { type: 'realtime', instructions: 42 } }))).toMatchObject({
      code: 'invalid_type',
      param: 'session.instructions',
    });
    expect(
      await errorFor(client, () => client.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['smell'] } })),
    ).toMatchObject({ code: 'invalid_value', param: 'session.output_modalities[0]' });
    expect(await errorFor(client, () => client.send({ type: 'conversation.item.truncate', item_id: 'x', content_index: 0 }))).toMatchObject({
      code: 'missing_required_parameter',
      param: 'audio_end_ms',
    });
    expect(await errorFor(client, () => client.sendRaw(Buffer.from('{"type":"response.create"}'), true))).toMatchObject({
      code: 'invalid_event',
    });
    expect(await errorFor(client, () => client.send({ type: 'input_audio_buffer.append', audio: '***' }))).toMatchObject({
      code: 'invalid_value',
      param: 'audio',
    });

    // The session is still alive.
    client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'still here' } });
    expect((await client.next('session.updated')).session.instructions).toBe('still here');
    const invalid = server.received.filter((entry) => !entry.valid);
    expect(invalid.map((entry) => entry.errorCode)).toEqual([
      'invalid_json',
      'invalid_value',
      'invalid_event',
      'unknown_parameter',
      'missing_required_parameter',
      'invalid_type',
      'invalid_value',
      'missing_required_parameter',
      'invalid_event',
    ]);
  });

  it('answers an oversized frame with an error instead of reading it', async () => {
    const { url } = await startServer({ maxFrameBytes: 1024 });
    const client = await connect(url);
    await client.next('session.created');
    client.send({ type: 'input_audio_buffer.append', audio: 'A'.repeat(1500) });
    expect((await client.next('error')).error).toMatchObject({ code: 'payload_too_large' });
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
  });

  it('survives a flood of junk frames', async () => {
    const { url } = await startServer();
    const client = await connect(url);
    await client.next('session.created');
    const junk = ['', '[]', 'null', '"x"', '{"type":5}', '{"type":"__proto__"}', '{"type":"constructor"}', '{"__proto__":{"polluted":1},"type":"response.cancel"}'];
    for (let round = 0; round < 50; round++) for (const frame of junk) client.sendRaw(frame);
    client.send({ type: 'input_audio_buffer.clear' });
    await client.next('input_audio_buffer.cleared');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(client.all('error').length).toBe(50 * junk.length);
  });
});
