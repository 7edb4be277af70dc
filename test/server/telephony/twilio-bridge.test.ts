/**
 * The Twilio Media Streams bridge end to end: the Twilio simulator (real-time μ-law packets,
 * marks echoed when their audio has played, `clear` honoured, DTMF) connects to the Node
 * media-stream server on loopback, which bridges it in `audio/pcmu` to the mock Realtime
 * server through the relay core: a spoken exchange with a server-side tool call and a
 * barge-in whose truncation point is checked against the audio the simulator says it played.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import type { RelayCoreOptions } from '../../../src/server/core/relay-options';
import { createMediaStreamServer } from '../../../src/server/node/media-stream-server';
import type { MediaStreamCall, MediaStreamInterruptionInfo } from '../../../src/server/telephony/media-stream-bridge';
import { connectStreamTwiml, createTwilioVoiceHandler, twilioSignature } from '../../../src/server/telephony/twilio';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { TwilioSimulator } from '../../../src/testing/mock/twilio-simulator';
import { createScenario } from '../../../src/testing/script/scenario';
import { defineTool } from '../../../src/tools/define-tool';
import { until, useCleanup } from '../../helpers/index';

const KEY = 'sk-test-twilio';
const { stoppers, startMock } = useCleanup();

async function setup(scenario: ReturnType<typeof createScenario>, relayOptions: Partial<RelayCoreOptions> = {}) {
  const { server: mock, url } = await startMock({ auth: { apiKey: KEY }, scenario: scenario.build() });
  const relay = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => null, logger: silentLogger, ...relayOptions });
  await relay.start();
  stoppers.push(() => relay.stop());
  const calls: MediaStreamCall[] = [];
  const http = createServer((_request, response) => response.writeHead(404).end());
  const bridge = createMediaStreamServer({ relay, apiKey: KEY, url, path: '/twilio/media', onCall: (call) => calls.push(call) }).attach(http);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  stoppers.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
  stoppers.push(() => bridge.close());
  const streamUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/twilio/media`;
  return { mock, relay, calls, streamUrl };
}

/** The phone line runs in real time: waits are generous so a loaded machine only makes them slower. */
const LINE = { timeoutMs: 15_000, intervalMs: 20 };

const getWeather = (lookups: string[]) =>
  defineTool({
    name: 'get_weather',
    description: 'The weather in a city.',
    parameters: z.object({ location: z.string() }),
    execute: ({ location }) => {
      lookups.push(location);
      return { location, celsius: 18 };
    },
  });

describe('Twilio Media Streams bridge', () => {
  it('holds a spoken exchange with a server-side tool and a barge-in truncated at the audio Twilio played', async () => {
    const lookups: string[] = [];
    const scenario = createScenario('twilio')
      .turn((t) => t.hears("What's the weather like in Paris today?").calls('get_weather', { location: 'Paris' }))
      .turn((t) => t.plays('reply-long'));
    const { mock, relay, calls, streamUrl } = await setup(scenario, { policy: { serverTools: [getWeather(lookups)] } });
    const twilio = await TwilioSimulator.connect({ url: streamUrl, parameters: { from: '+15550123' } });
    await until(() => relay.sessionCount === 1, 'the call to open a relay session', LINE);
    expect(relay.sessions()[0]!.userId).toBe('phone:+15550123');
    const call = calls[0]!;
    const interruptions: MediaStreamInterruptionInfo[] = [];
    const digits: string[] = [];
    call.on('interrupted', (interruption) => interruptions.push(interruption));
    call.on('dtmf', ({ digit }) => digits.push(digit));

    // G.711 both ways, no transcoding: the session is pcmu in and out.
    await mock.log.waitFor({ type: 'session.update', session: { audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' } } } } }, { timeoutMs: 10_000 });
    await mock.log.waitFor({ type: 'session.updated', session: { audio: { input: { format: { type: 'audio/pcmu' } }, output: { format: { type: 'audio/pcmu' } } } } }, { timeoutMs: 10_000 });

    const question = await loadFixtureAudio('question');
    await twilio.say(question.pcm, question.sampleRate);
    await mock.log.waitFor({ type: 'conversation.item.create', item: { type: 'function_call_output' } }, { timeoutMs: 15_000 });
    expect(lookups).toEqual(['Paris']);
    // The reply plays on the phone; after a second of it the caller barges in.
    await until(() => twilio.heardMs >= 1000, 'a second of the reply to play', LINE);
    const interruption = await loadFixtureAudio('interruption');
    void twilio.say(interruption.pcm, interruption.sampleRate);
    const truncate = await mock.log.waitFor({ type: 'conversation.item.truncate' }, { timeoutMs: 15_000 });
    const audioEndMs = (truncate.event as unknown as { audio_end_ms: number }).audio_end_ms;
    await until(() => twilio.clears.length === 1, 'the clear', LINE);
    const played = twilio.clears[0]!.playedMs;
    // Never beyond what Twilio played; behind it by at most one 100 ms chunk (+ one 20 ms packet for the mark's trip).
    expect(audioEndMs).toBeLessThanOrEqual(played);
    expect(played - audioEndMs).toBeLessThanOrEqual(100 + 20);
    expect(interruptions).toHaveLength(1);
    expect(interruptions[0]!.playedMs).toBe(audioEndMs);
    expect(interruptions[0]!.sentMs).toBeGreaterThan(audioEndMs);
    // The clear came before the truncate reached the API, and the marks Twilio echoed for it changed nothing.
    expect(twilio.clears[0]!.discardedMs).toBeGreaterThan(0);
    await mock.log.waitFor('conversation.item.truncated', { timeoutMs: 5000 });

    twilio.pressDigit('7');
    await until(() => digits.length === 1, 'the digit', LINE);
    expect(digits).toEqual(['7']);

    twilio.hangup();
    await until(() => relay.sessionCount === 0, 'the relay session to end', LINE);
  }, 60_000);

  it('sends no clear and truncates nothing when the reply had fully played (agents SDK issue #1173)', async () => {
    const scenario = createScenario('played').turn((t) => t.hears('question').plays('reply-weather')).turn((t) => t.says('Berlin it is.'));
    const { mock, calls, streamUrl } = await setup(scenario);
    const twilio = await TwilioSimulator.connect({ url: streamUrl });
    await until(() => calls.length === 1, 'the call', LINE);
    const question = await loadFixtureAudio('question');
    await twilio.say(question.pcm, question.sampleRate);
    await mock.log.waitFor('response.done', { timeoutMs: 15_000 });
    // Every mark back: the whole reply was heard.
    await until(() => twilio.heardMs >= 2600 && twilio.received.filter((message) => message.event === 'mark').length === twilio.echoedMarks.length, 'the whole reply to play, every mark echoed', LINE);
    const interruption = await loadFixtureAudio('interruption');
    await twilio.say(interruption.pcm, interruption.sampleRate);
    await mock.log.waitFor('input_audio_buffer.speech_started', { timeoutMs: 15_000, nth: 2 });
    await mock.log.waitFor('response.done', { timeoutMs: 15_000, nth: 2 });
    expect(twilio.received.some((message) => message.event === 'clear')).toBe(false);
    expect(mock.log.find({ type: 'conversation.item.truncate' })).toBeUndefined();
    twilio.hangup();
  }, 60_000);

  it('answers the voice webhook with <Connect><Stream> and checks the Twilio signature', async () => {
    const handler = createTwilioVoiceHandler({ streamUrl: 'wss://voice.example.com/twilio/media', authToken: 'tok' });
    const form = { CallSid: 'CA1', From: '+15550123', To: '+15550199' };
    const url = 'https://voice.example.com/twilio/voice';
    const signed = await twilioSignature('tok', url, form);
    const good = await handler(new Request(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed }, body: new URLSearchParams(form).toString() }));
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await good.text()).toBe(connectStreamTwiml('wss://voice.example.com/twilio/media', { from: '+15550123', to: '+15550199' }));
    const forged = await handler(new Request(url, { method: 'POST', headers: { 'x-twilio-signature': signed }, body: new URLSearchParams({ ...form, From: '+19990000' }).toString() }));
    expect(forged.status).toBe(403);
    expect(connectStreamTwiml('wss://x/y?a=1&b=2', { from: '"<me>"' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://x/y?a=1&amp;b=2"><Parameter name="from" value="&quot;&lt;me&gt;&quot;"/></Stream></Connect></Response>',
    );
  });
});
