/**
 * The sideband: the relay's session policy on a WebRTC call, through a WebSocket joined to the
 * call (`?call_id=`). A loopback WebSocket server plays the API's side of the sideband; hangups
 * go to a recording fetch. (The whole chain with a real call runs in Chromium:
 * test/browser/webrtc.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { silentLogger } from '../../../src/base/logger';
import { testPolicy } from '../fakes';
import { RelayCore } from '../../../src/server/core/relay-core';
import type { RelayCoreOptions } from '../../../src/server/core/relay-options';
import { openSideband, sessionCorrection } from '../../../src/server/http/sideband';
import { startLoopbackServer } from '../../helpers/loopback';
import { until, useCleanup } from '../../helpers/index';

const SESSION = { type: 'realtime', object: 'realtime.session', id: 'sess_1', model: 'gpt-realtime-2.1', instructions: 'Default.', audio: { output: { voice: 'marin' } }, max_output_tokens: 'inf' };

interface Upstream {
  url: string;
  sockets: WebSocket[];
  received: Array<Record<string, unknown>>;
  /** When set, the call ignores session updates (its session stays as the browser left it). */
  stubborn: boolean;
  stop(): Promise<void>;
}

const { stoppers } = useCleanup();

/** The API's side of a sideband: answers session.update with session.updated, as the API does. */
async function startUpstream(): Promise<Upstream> {
  const sockets: WebSocket[] = [];
  const received: Array<Record<string, unknown>> = [];

  let session: Record<string, unknown> = { ...SESSION };
  const state = { stubborn: false };
  const server = await startLoopbackServer((socket) => {
    sockets.push(socket);
    socket.send(JSON.stringify({ type: 'session.created', event_id: 'event_0', session }));
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as Record<string, unknown>;
      received.push(event);
      if (event.type === 'session.update') {
        const update = event.session as Record<string, unknown>;
        if (state.stubborn) session = { ...session, instructions: 'Browser wants this.' };
        else session = { ...session, ...update, audio: { ...(session.audio as object), ...(update.audio as object) } };
        socket.send(JSON.stringify({ type: 'session.updated', event_id: `event_${received.length}`, session }));
      }
    });
  });
  const upstream: Upstream = {
    url: server.url,
    sockets,
    received,
    get stubborn() {
      return state.stubborn;
    },
    set stubborn(value: boolean) {
      state.stubborn = value;
    },
    stop: server.stop,
  };
  stoppers.push(() => server.stop());
  return upstream;
}

function hangups() {
  const calls: Array<{ url: string; auth: string | null }> = [];
  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, auth: new Headers(init.headers).get('authorization') });
    return new Response('{}', { status: 200 });
  }) as typeof globalThis.fetch;
  return { calls, fetch };
}

async function open(options: Partial<RelayCoreOptions> = {}) {
  const upstream = await startUpstream();
  const relay = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u1' }), logger: silentLogger, ...options });
  const ended: string[] = [];
  relay.on('sessionEnded', (event) => ended.push(event.reason));
  const admission = await relay.admit(new Request('https://app.example/sdp', { method: 'POST' }), { remoteAddress: undefined });
  if (admission.status !== 'accepted') throw new Error(`not admitted: ${admission.status}`);
  const hangup = hangups();
  const sideband = await openSideband({ relay, apiKey: 'sk-server', url: upstream.url, baseUrl: 'https://api.test/v1', fetch: hangup.fetch }, admission.ticket, 'rtc_call1');
  stoppers.push(() => sideband.session.end('ended_by_operator'));
  return { upstream, relay, sideband, hangup, ended };
}

describe('openSideband', () => {
  it('joins the call with the server key and sends the locked session at once', async () => {
    const { upstream, relay, sideband } = await open({ policy: { session: { instructions: 'Locked.' } } });
    await until(() => upstream.received.length >= 1, 'the locked session.update');
    expect(upstream.received[0]).toMatchObject({ type: 'session.update', session: { type: 'realtime', instructions: 'Locked.' } });
    expect(sideband.callId).toBe('rtc_call1');
    expect(relay.sessionCount).toBe(1);
    expect(relay.sessions()[0]).toBe(sideband.session);
  });

  it('puts locked fields back when the call drifts, and hangs up a call that keeps drifting', async () => {
    const { upstream, hangup, ended } = await open({ policy: { session: { instructions: 'Locked.' } } });
    await until(() => upstream.received.length >= 1, 'the locked session.update');
    const socket = upstream.sockets[0]!;
    const drift = (n: number) => socket.send(JSON.stringify({ type: 'session.updated', event_id: `drift_${n}`, session: { ...SESSION, instructions: 'Browser wants this.' } }));
    drift(1);
    await until(() => upstream.received.length >= 2, 'the correction');
    expect(upstream.received[1]).toMatchObject({ type: 'session.update', session: { instructions: 'Locked.', type: 'realtime' } });
    expect(Object.keys((upstream.received[1] as { session: object }).session).sort()).toEqual(['instructions', 'type']);
    // Now the call will not take the correction: after three tries in a row, the sideband hangs up.
    upstream.stubborn = true;
    drift(2);
    await until(() => ended.length === 1, 'the policy end');
    expect(ended).toEqual(['policy_violation']);
    await until(() => hangup.calls.length === 1, 'the hangup');
    expect(hangup.calls).toEqual([{ url: 'https://api.test/v1/realtime/calls/rtc_call1/hangup', auth: 'Bearer sk-server' }]);
  });

  it('hangs up at the time limit', async () => {
    const { hangup, ended } = await open({ limits: { maxDurationMs: 150, endingWarningMs: 0 } });
    await until(() => ended.length === 1, 'the time limit', { timeoutMs: 3000 });
    expect(ended).toEqual(['time_limit']);
    await until(() => hangup.calls.length === 1, 'the hangup');
  });

  it('reports usage and transcripts from the call, and charges the budget', async () => {
    const { upstream, relay } = await open({ budget: { dailyLimit: 1000, chargeIntervalMs: 50 } });
    const usage: number[] = [];
    const transcripts: string[] = [];
    relay.on('usage', (event) => usage.push(event.charged));
    relay.on('transcript', (event) => transcripts.push(`${event.role}: ${event.text}`));
    await until(() => upstream.sockets.length === 1, 'the sideband');
    const socket = upstream.sockets[0]!;
    socket.send(JSON.stringify({ type: 'conversation.item.input_audio_transcription.completed', event_id: 'e1', item_id: 'item_1', content_index: 0, transcript: 'Hello?' }));
    socket.send(JSON.stringify({ type: 'response.output_audio_transcript.done', event_id: 'e2', response_id: 'resp_1', item_id: 'item_2', output_index: 0, content_index: 0, transcript: 'Hi!' }));
    socket.send(
      JSON.stringify({
        type: 'response.done',
        event_id: 'e3',
        response: { object: 'realtime.response', id: 'resp_1', status: 'completed', output: [], usage: { total_tokens: 60, input_tokens: 20, output_tokens: 40, output_token_details: { text_tokens: 0, audio_tokens: 40 } } },
      }),
    );
    await until(() => usage.length === 1 && transcripts.length === 2, 'usage and transcripts');
    expect(transcripts).toEqual(['user: Hello?', 'assistant: Hi!']);
    expect(usage).toEqual([2]);
    expect(relay.sessions()[0]!.budgetSpent).toBeCloseTo(2);
  });

  it('charges the call audio it can see as it plays: detected speech and the output buffer, reconciled at response.done (issue 13, 1)', async () => {
    const { upstream, relay } = await open({ budget: { dailyLimit: 1000, chargeIntervalMs: 20 } });
    // The charge loop accrues what plays at each tick.
    await relay.start();
    stoppers.push(() => relay.stop());
    await until(() => upstream.sockets.length === 1, 'the sideband');
    const socket = upstream.sockets[0]!;
    await until(() => relay.sessions().length === 1, 'the session');
    const session = relay.sessions()[0]!;
    // 1.5 s of detected speech.
    socket.send(JSON.stringify({ type: 'input_audio_buffer.speech_started', event_id: 's1', audio_start_ms: 500, item_id: 'item_1' }));
    socket.send(JSON.stringify({ type: 'input_audio_buffer.speech_stopped', event_id: 's2', audio_end_ms: 2000, item_id: 'item_1' }));
    await until(() => session.budgetSpent >= 1.5, 'the speech charge');
    expect(session.budgetSpent).toBeCloseTo(1.5, 5);
    // The answer plays: charged while it plays, before any response.done.
    const playStarted = Date.now();
    socket.send(JSON.stringify({ type: 'output_audio_buffer.started', event_id: 'o1', response_id: 'resp_1' }));
    await until(() => session.budgetSpent > 1.6, 'the playback charge');
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.send(JSON.stringify({ type: 'output_audio_buffer.stopped', event_id: 'o2', response_id: 'resp_1' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const played = session.budgetSpent - 1.5;
    expect(played).toBeGreaterThan(0.2);
    expect(played).toBeLessThanOrEqual((Date.now() - playStarted) / 1000);
    // response.done's exact usage (40 audio tokens: 2 s) replaces the played estimate.
    socket.send(
      JSON.stringify({
        type: 'response.done',
        event_id: 'e3',
        response: { object: 'realtime.response', id: 'resp_1', status: 'completed', output: [], usage: { total_tokens: 60, input_tokens: 20, output_tokens: 40, output_token_details: { text_tokens: 0, audio_tokens: 40 } } },
      }),
    );
    await until(() => Math.abs(session.budgetSpent - 3.5) < 1e-6, 'the reconciliation');
  });

  it('ends without a hangup when the call is over (the sideband closed)', async () => {
    const { upstream, hangup, ended } = await open();
    await until(() => upstream.sockets.length === 1, 'the sideband');
    upstream.sockets[0]!.close(1000, 'call ended');
    await until(() => ended.length === 1, 'the end');
    expect(ended).toEqual(['upstream_closed']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hangup.calls).toEqual([]);
  });

  it('gives the ticket back when the sideband cannot connect', async () => {
    const relay = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u2' }), logger: silentLogger, limits: { maxSessionsPerUser: 1 } });
    const admission = await relay.admit(new Request('https://app.example/sdp'), { remoteAddress: undefined });
    if (admission.status !== 'accepted') throw new Error('not admitted');
    await expect(openSideband({ relay, apiKey: 'sk', url: 'ws://127.0.0.1:9/v1/realtime' }, admission.ticket, 'rtc_x')).rejects.toMatchObject({ code: 'VOXWIRE_CONNECTION_FAILED' });
    // The concurrency slot was released: the user can be admitted again.
    const again = await relay.admit(new Request('https://app.example/sdp'), { remoteAddress: undefined });
    expect(again.status).toBe('accepted');
  });
});

describe('sessionCorrection', () => {
  const policy = testPolicy;

  it('is undefined for a compliant session', () => {
    expect(sessionCorrection(policy({ locked: { instructions: 'Default.' } }), SESSION)).toBeUndefined();
    expect(sessionCorrection(policy({ voices: new Set(['marin']) }), SESSION)).toBeUndefined();
  });

  it('restores locked nested fields, replaces a voice outside the allowlist, caps tokens', () => {
    expect(sessionCorrection(policy({ locked: { audio: { output: { voice: 'cedar' } } } }), SESSION)).toEqual({ type: 'realtime', audio: { output: { voice: 'cedar' } } });
    expect(sessionCorrection(policy({ voices: new Set(['ash', 'sage']) }), SESSION)).toEqual({ type: 'realtime', audio: { output: { voice: 'ash' } } });
    expect(sessionCorrection(policy({ maxOutputTokens: 500 }), SESSION)).toEqual({ type: 'realtime', max_output_tokens: 500 });
  });
});
