/**
 * Transcription sessions (`session.type: 'transcription'`) in the server kit: the relay's policy
 * (no response fields or events, the locked input settings apply), budgets charged by the input
 * audio appended, and the ephemeral-key and SDP handlers minting transcription sessions.
 */
import { describe, expect, it } from 'vitest';
import type { ClientEventInput } from '../../src/events';
import { silentLogger } from '../../src/base/logger';
import { createClientSecret, createClientSecretHandler } from '../../src/server/http/client-secret';
import { MemoryBudgetStore } from '../../src/server/stores/memory-budget-store';
import { applyPolicy, initialSessionConfig } from '../../src/server/core/policy';
import { sessionCorrection } from '../../src/server/http/sideband';
import { RelayCore } from '../../src/server/core/relay-core';
import { createSdpHandler } from '../../src/server/http/sdp';
import { FakeClock } from '../helpers/fake-clock';
import { appendFrame, FakeSocket, frame, testPolicy } from './fakes';

const policy = testPolicy;

const none = (): boolean => false;
const update = (session: Record<string, unknown>): ClientEventInput => ({ type: 'session.update', session: { type: 'transcription', ...session } } as ClientEventInput);

describe('the relay policy for transcription sessions', () => {
  it('passes a transcription session.update', () => {
    expect(applyPolicy(policy(), update({ audio: { input: { transcription: { model: 'gpt-live-transcribe' } } } }), none)).toEqual({ ok: true, event: undefined });
  });

  it('refuses response fields and output audio, naming the field', () => {
    for (const field of ['instructions', 'tools', 'tool_choice', 'output_modalities', 'max_output_tokens', 'prompt', 'tracing', 'truncation', 'reasoning']) {
      expect(applyPolicy(policy(), update({ [field]: field === 'tools' ? [] : 'x' }), none), field).toMatchObject({ ok: false, param: `session.${field}` });
    }
    expect(applyPolicy(policy(), update({ audio: { output: { voice: 'marin' } } }), none)).toEqual({
      ok: false,
      message: 'a transcription session has no output audio: `audio.output` is not allowed',
      param: 'session.audio.output',
    });
    expect(applyPolicy(policy(), update({ instructions: 'Answer.' }), none)).toMatchObject({
      message: 'a transcription session has no responses: `instructions` is not allowed (transcription sessions take audio.input and include)',
    });
  });

  it("applies the operator's locked input settings, never the locked response fields", () => {
    const locked = policy({
      locked: {
        instructions: 'Locked.',
        tools: [],
        include: ['item.input_audio_transcription.logprobs'],
        audio: { input: { noise_reduction: { type: 'far_field' }, transcription: { model: 'gpt-transcribe', language: 'de' } }, output: { voice: 'marin' } },
      },
    });
    const result = applyPolicy(locked, update({ model: 'gpt-realtime-2.1', audio: { input: { transcription: { model: 'whisper-1', prompt: 'Names: Ada.' } } } }), none);
    expect(result).toEqual({
      ok: true,
      event: {
        type: 'session.update',
        session: {
          type: 'transcription',
          include: ['item.input_audio_transcription.logprobs'],
          audio: { input: { noise_reduction: { type: 'far_field' }, transcription: { model: 'gpt-transcribe', language: 'de', prompt: 'Names: Ada.' } } },
        },
      },
    });
  });

  it('refuses response and conversation events in a transcription session, and passes the input buffer events', () => {
    for (const event of [
      { type: 'response.create' },
      { type: 'response.cancel' },
      { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } },
      { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: 0 },
      { type: 'output_audio_buffer.clear' },
    ] as ClientEventInput[]) {
      expect(applyPolicy(policy(), event, none, 'transcription'), event.type).toEqual({
        ok: false,
        message: `${event.type} is not available in a transcription session (it transcribes input audio and never responds)`,
        param: 'type',
      });
      expect(applyPolicy(policy(), event, none, 'realtime').ok, event.type).toBe(true);
    }
    for (const type of ['input_audio_buffer.commit', 'input_audio_buffer.clear']) {
      expect(applyPolicy(policy(), { type } as ClientEventInput, none, 'transcription')).toEqual({ ok: true, event: undefined });
    }
  });
});

describe("the operator's config for a session known to be a transcription session (a WebRTC call)", () => {
  const locked = testPolicy({
    locked: { instructions: 'Locked.', tools: [], audio: { input: { transcription: { model: 'gpt-transcribe', language: 'de' } }, output: { voice: 'marin' } } },
    maxOutputTokens: 100,
  });

  it('the initial config is a transcription config with the locked input settings only', () => {
    expect(initialSessionConfig(locked, 'transcription')).toEqual({ type: 'transcription', audio: { input: { transcription: { model: 'gpt-transcribe', language: 'de' } } } });
    expect(initialSessionConfig(testPolicy({ locked: { instructions: 'Locked.' }, maxOutputTokens: 100 }), 'transcription')).toBeUndefined();
    expect(initialSessionConfig(locked)).toMatchObject({ type: 'realtime', instructions: 'Locked.', max_output_tokens: 100 });
  });

  it('the sideband corrects only the input settings of a transcription call', () => {
    const observed = { type: 'transcription', object: 'realtime.transcription_session', audio: { input: { transcription: { model: 'gpt-transcribe', language: 'de' } } } };
    expect(sessionCorrection(locked, observed)).toBeUndefined();
    expect(sessionCorrection(locked, { ...observed, audio: { input: { transcription: { model: 'gpt-transcribe', language: 'en' } } } })).toEqual({
      type: 'transcription',
      audio: { input: { transcription: { model: 'gpt-transcribe', language: 'de' } } },
    });
  });

  it('a relayed session opened as a transcription session sends that config first', async () => {
    const core = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u1' }), logger: silentLogger, clock: new FakeClock(), policy: { session: { instructions: 'Locked.', audio: { input: { noise_reduction: { type: 'far_field' } } } } } });
    const admission = await core.admit(new Request('http://relay.test/realtime'), { remoteAddress: '127.0.0.1' });
    if (admission.status !== 'accepted') throw new Error('not accepted');
    const upstream = new FakeSocket();
    core.open({ ...admission.ticket, sessionType: 'transcription' }, new FakeSocket(), upstream);
    expect(upstream.events()[0]).toMatchObject({ type: 'session.update', session: { type: 'transcription', audio: { input: { noise_reduction: { type: 'far_field' } } } } });
    expect((upstream.events()[0]?.session as Record<string, unknown>).instructions).toBeUndefined();
  });
});

describe('a relayed transcription session', () => {
  async function open(dailyLimit: number) {
    const clock = new FakeClock(Date.parse('2026-12-06T12:00:00Z'));
    const store = new MemoryBudgetStore({ clock });
    const core = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u1' }), logger: silentLogger, clock, budget: { store, dailyLimit } });
    const admission = await core.admit(new Request('http://relay.test/realtime'), { remoteAddress: '127.0.0.1' });
    if (admission.status !== 'accepted') throw new Error('not accepted');
    const client = new FakeSocket();
    const upstream = new FakeSocket();
    const session = core.open(admission.ticket, client, upstream);
    return { core, session, client, upstream, store, clock };
  }

  it('forwards the switch to transcription, then refuses responses and charges the audio appended by its seconds', async () => {
    const { session, client, upstream, store } = await open(100);
    session.handleClientFrame(frame({ type: 'session.update', event_id: 'evt_t', session: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-live-transcribe' } } } } }));
    expect(upstream.ofType('session.update')).toMatchObject([{ event_id: 'evt_t', session: { type: 'transcription' } }]);
    session.handleClientFrame(frame({ type: 'response.create', event_id: 'evt_r' }));
    expect(client.ofType('error')).toMatchObject([{ error: { code: 'VOXWIRE_POLICY_VIOLATION', param: 'type', event_id: 'evt_r' } }]);
    expect(upstream.ofType('response.create')).toEqual([]);
    for (let i = 0; i < 15; i += 1) session.handleClientFrame(appendFrame(200));
    expect(upstream.ofType('input_audio_buffer.append')).toHaveLength(15);
    expect(session.budgetSpent).toBeCloseTo(3, 6);
    session.end('client_closed');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await store.charge('budget:u1:2026-12-06', 0, 1000)).toBeCloseTo(3, 6);
  });

  it('learns the session type from the upstream too, and ends the session with 4002 when the audio used up the budget', async () => {
    const { session, client, upstream } = await open(1);
    session.handleUpstreamFrame(frame({ type: 'session.created', event_id: 'e1', session: { type: 'transcription', object: 'realtime.transcription_session', id: 'sess_1', audio: { input: {} } } }));
    session.handleClientFrame(frame({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } }));
    expect(client.ofType('error')).toHaveLength(1);
    for (let i = 0; i < 6; i += 1) session.handleClientFrame(appendFrame(200));
    expect(session.endReason).toBe('budget_exhausted');
    expect(client.closed?.code).toBe(4002);
    expect(upstream.ofType('input_audio_buffer.append').length).toBeLessThanOrEqual(5);
  });

});

describe('ephemeral keys and WebRTC calls for transcription sessions', () => {
  function recordingFetch(answer: () => Response) {
    const seen: Array<{ url: string; body: unknown }> = [];
    const fetch = (async (url: string, init: RequestInit) => {
      const body = init.body instanceof FormData ? JSON.parse(String(init.body.get('session'))) : JSON.parse(String(init.body));
      seen.push({ url, body });
      return answer();
    }) as typeof globalThis.fetch;
    return { seen, fetch };
  }

  it('createClientSecret mints a transcription session with a current transcription model and no realtime model', async () => {
    const { seen, fetch } = recordingFetch(() => Response.json({ value: 'ek_t', expires_at: 1_900_000_000, session: { type: 'transcription' } }));
    await createClientSecret({ apiKey: 'sk-x', baseUrl: 'https://api.test/v1', fetch, session: { type: 'transcription', input_audio_format: 'pcm16' } });
    expect(seen[0]?.body).toEqual({
      expires_after: { anchor: 'created_at', seconds: 600 },
      session: { type: 'transcription', audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'gpt-live-transcribe' } } } },
    });
  });

  it('the key handler mints transcription keys with the locked input settings, and refuses response fields', async () => {
    const { seen, fetch } = recordingFetch(() => Response.json({ value: 'ek_t', expires_at: 1_900_000_000, session: { type: 'transcription' } }));
    const handler = createClientSecretHandler({
      apiKey: 'sk-x',
      baseUrl: 'https://api.test/v1',
      fetch,
      logger: silentLogger,
      authenticate: () => ({ userId: 'u1' }),
      session: { instructions: 'Locked.', audio: { input: { transcription: { model: 'gpt-transcribe', language: 'fr' } } } },
    });
    const post = (session: unknown) => handler(new Request('https://app.test/key', { method: 'POST', body: JSON.stringify({ session }) }));
    const ok = await post({ type: 'transcription', audio: { input: { noise_reduction: { type: 'near_field' } } } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ value: 'ek_t' });
    expect(seen[0]?.body).toMatchObject({
      session: { type: 'transcription', audio: { input: { noise_reduction: { type: 'near_field' }, transcription: { model: 'gpt-transcribe', language: 'fr' } } } },
    });
    expect((seen[0]?.body as { session: Record<string, unknown> }).session.instructions).toBeUndefined();
    const refused = await post({ type: 'transcription', tools: [] });
    // The schema refuses it first (400, VOXWIRE_INVALID_SESSION_CONFIG); the policy would (403).
    expect([400, 403]).toContain(refused.status);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toMatch(/^(session\.)?tools$/);
    expect(seen).toHaveLength(1);
  });

  it('an SDP handler with sessionType transcription opens transcription calls from a plain offer', async () => {
    const { seen, fetch } = recordingFetch(() => new Response('v=0\r\nanswer', { status: 201, headers: { location: '/v1/realtime/calls/rtc_1' } }));
    const handler = createSdpHandler({ apiKey: 'sk-x', baseUrl: 'https://api.test/v1', fetch, logger: silentLogger, authenticate: () => ({ userId: 'u1' }), sessionType: 'transcription' });
    const answer = await handler(new Request('https://app.test/call', { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: 'v=0\r\noffer' }));
    expect(answer.status).toBe(201);
    expect(seen[0]?.body).toEqual({ type: 'transcription', audio: { input: { transcription: { model: 'gpt-live-transcribe' } } } });
  });

  it('the SDP handler forwards a transcription session with the offer', async () => {
    const { seen, fetch } = recordingFetch(() => new Response('v=0\r\nanswer', { status: 201, headers: { location: '/v1/realtime/calls/rtc_1' } }));
    const handler = createSdpHandler({ apiKey: 'sk-x', baseUrl: 'https://api.test/v1', fetch, logger: silentLogger, authenticate: () => ({ userId: 'u1' }) });
    const form = new FormData();
    form.set('sdp', 'v=0\r\noffer');
    form.set('session', JSON.stringify({ type: 'transcription' }));
    const answer = await handler(new Request('https://app.test/call', { method: 'POST', body: form }));
    expect(answer.status).toBe(201);
    expect(seen[0]).toMatchObject({ url: 'https://api.test/v1/realtime/calls', body: { type: 'transcription', audio: { input: { transcription: { model: 'gpt-live-transcribe' } } } } });
  });
});
