import { OpenAIRealtimeWebSocket } from '@openai/agents-realtime';
import { describe, expect, it } from 'vitest';
import { loadFixtureAudio } from '../../src/testing/fixtures.js';
import { createScenario } from '../../src/testing/scenario.js';
import { startServer, useMockServerCleanup } from './harness.js';

useMockServerCleanup();

describe('MockRealtimeServer with another vendor’s client', () => {
  it('holds a conversation with @openai/agents-realtime unchanged: its session.update validates, audio and a tool call arrive', async () => {
    const { server, url } = await startServer({
      scenario: createScenario()
        .turn((t) => t.calls('get_weather', { location: 'Paris' }, { callId: 'call_1' }))
        .turn((t) => t.plays('reply-weather'))
        .build(),
    });
    const transport = new OpenAIRealtimeWebSocket({ url: `${url}?model=gpt-realtime` });
    let audioBytes = 0;
    const calls: Array<{ name: string; arguments: string; callId: string }> = [];
    let callEvent: Parameters<OpenAIRealtimeWebSocket['sendFunctionCallOutput']>[0] | undefined;
    transport.on('audio', (event) => {
      audioBytes += event.data.byteLength;
    });
    const called = new Promise<void>((resolve) => {
      transport.on('function_call', (event) => {
        calls.push({ name: event.name, arguments: event.arguments, callId: event.callId });
        callEvent = event;
        resolve();
      });
    });
    let responses = 0;
    let onResponse: () => void = () => undefined;
    transport.on('*', (event: { type: string }) => {
      if (event.type === 'response.done') {
        responses += 1;
        onResponse();
      }
    });
    const responseCount = (count: number): Promise<void> =>
      new Promise((resolve) => {
        onResponse = () => {
          if (responses >= count) resolve();
        };
        onResponse();
      });
    try {
      await transport.connect({ apiKey: 'sk-test', model: 'gpt-realtime-2.1', initialSessionConfig: { instructions: 'Be brief.' } });
      transport.sendMessage({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] }, {});
      await called;
      await responseCount(1);
      expect(calls).toEqual([{ name: 'get_weather', arguments: '{"location":"Paris"}', callId: 'call_1' }]);
      transport.sendFunctionCallOutput(callEvent!, '{"celsius":18}', true);
      await responseCount(2);
      const weather = await loadFixtureAudio('reply-weather');
      expect(audioBytes).toBe(weather.pcm.byteLength);
      expect(server.received.every((entry) => entry.valid)).toBe(true);
      expect(server.connections[0]).toMatchObject({ authVia: 'header', apiKey: 'sk-test' });
    } finally {
      transport.close();
    }
  });
});
