/**
 * A Live relay that cannot serve through no fault of the client closes the session with 4005
 * (relay misconfigured), as the Realtime relay does: when the Live API refuses the relay's own
 * key or quota in the middle of a session, and when the operator's locked Live config for the
 * identity is invalid. Seen from voxwire's `LiveClient` (a typed error, the session `closed`,
 * no reconnect) and from the `openai` package's `LiveWS` (a Live `error` event, then close 4005),
 * both against a real `MockLiveServer` on loopback. The upstream's words, which may quote the
 * key, reach the operator's log only.
 */
import OpenAI from 'openai';
import { LiveWS } from 'openai/resources/live/ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, isRealtimeError, type RealtimeError } from '../../src/base/errors';
import { LiveClient } from '../../src/live/live-client';
import type { RelayLiveOptions } from '../../src/server/core/relay-options';
import { MockLiveServer } from '../../src/testing/mock/live-server';
import { createScenario } from '../../src/testing/script/scenario';
import { streamLiveAudio } from '../helpers/live-stream';
import { recordingLogger, SECRET_KEY, startRelay, type AnyEvent } from './harness';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const APP_TOKEN = 'app-session-token-of-alice';
/** What the Live API says when the relay's key is revoked mid-session (it quotes the key, masked). */
const KEY_REVOKED = ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided: sk-proj-****LEAK. You can find your API key at https://platform.openai.com/account/api-keys.'] as const;
const QUOTA_USED_UP = ['insufficient_quota', 'insufficient_quota', 'You exceeded your current quota, please check your plan and billing details.'] as const;

/** A MockLiveServer and a Live relay in front of it (served where `LiveWS` dials, accepting `?token=` or the app token). */
async function setup(live: RelayLiveOptions): Promise<{ server: MockLiveServer; relay: Awaited<ReturnType<typeof startRelay>>['relay']; url: string; port: number; logger: ReturnType<typeof recordingLogger> }> {
  const server = new MockLiveServer({ apiKey: SECRET_KEY, audioPace: 'instant', scenario: createScenario().build(), usageIntervalMs: 600_000 });
  const { url: upstreamUrl } = await server.start();
  cleanups.push(() => server.stop());
  const logger = recordingLogger();
  const started = await startRelay(upstreamUrl, {
    upstream: { url: upstreamUrl, apiKey: SECRET_KEY },
    path: '/v1/live/sessions',
    authenticate: (request) => {
      if (request.headers.get('authorization') === `Bearer ${APP_TOKEN}`) return { userId: 'alice' };
      const token = new URL(request.url).searchParams.get('token');
      return token === null ? null : { userId: token };
    },
    live,
    logger,
  });
  cleanups.push(() => started.relay.close({ drainMs: 0 }));
  return { server, logger, ...started };
}

/** A LiveClient through the relay that would reconnect after any drop (so a missing reconnect means something). */
function liveClient(url: string): { client: LiveClient; errors: RealtimeError[] } {
  const client = new LiveClient({ url: `${url}?token=alice`, logger: recordingLogger(), reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 5 }, session: { audio: { format: { type: 'audio/pcm', rate: 24000 } } } });
  cleanups.push(() => client.disconnect());
  const errors: RealtimeError[] = [];
  client.on('error', (error) => errors.push(error));
  return { client, errors };
}

/** LiveWS through the relay, its events and its socket's close. */
async function liveWs(port: number): Promise<{ live: LiveWS; events: AnyEvent[]; closed: Promise<{ code: number; reason: string }> }> {
  const live = new LiveWS(new OpenAI({ apiKey: APP_TOKEN, baseURL: `http://127.0.0.1:${port}/v1` }));
  cleanups.push(() => live.close());
  const events: AnyEvent[] = [];
  live.on('event', (event) => events.push(event as AnyEvent));
  live.on('error', (error) => events.push({ type: 'client.error', error }));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => live.socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    live.socket.once('open', () => resolve());
    live.socket.once('error', reject);
  });
  return { live, events, closed };
}

const START = { type: 'session.start', event_id: 'evt_start', session: { model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 24000 } } } } as const;

describe('a Live relay that cannot serve closes with 4005 (relay misconfigured), as for Realtime', () => {
  it('LiveClient: the Live API refuses the relay key mid-session; the client gets VOXWIRE_UPSTREAM_ERROR, ends closed, and does not reconnect', async () => {
    const { server, relay, url, logger } = await setup({});
    const { client, errors } = liveClient(url);
    const states: string[] = [];
    client.on('state', (state) => states.push(state.status));
    await client.connect();
    const talking = streamLiveAudio(client, new Int16Array(4800), { silenceChunks: 200, pauseMs: 10 });
    cleanups.push(() => talking.stop());
    await vi.waitFor(() => expect(server.filter('session.input_audio.append', { direction: 'received' }).length).toBeGreaterThan(2), { timeout: 10_000 });

    server.sessions[0]!.error(...KEY_REVOKED, null, undefined);
    await vi.waitFor(() => expect(client.state.status).toBe('closed'), { timeout: 10_000 });
    talking.stop();
    await talking.done;

    // The relay's own error, in its words: whose fault it is, not the upstream's text.
    const upstreamError = errors.find((error) => error.serverError?.code === 'VOXWIRE_UPSTREAM_ERROR');
    expect(upstreamError?.serverError?.message).toMatch(/its own credentials or quota were refused.*not your fault/);
    expect(JSON.stringify(errors.map((error) => [error.message, error.serverError]))).not.toMatch(/LEAK|sk-/);
    // The close: 4005, the session closed for good, no reconnect and no second upstream session.
    const state = client.state as { status: 'closed'; reason: string; error?: RealtimeError };
    expect(state.reason).toContain(`code ${CLOSE_CODES.relayMisconfigured}`);
    expect(isRealtimeError(state.error)).toBe(true);
    // `closed` is final: the client went there straight from `connected`, with no reconnect in between.
    expect(states).not.toContain('reconnecting');
    expect(server.connections).toHaveLength(1);
    await vi.waitFor(() => expect(server.connections[0]?.open).toBe(false), { timeout: 10_000 });
    expect(relay.metrics.snapshot().live.sessionsEnded.upstream_failed).toBe(1);
    // The operator's log has the upstream's words in full.
    expect(logger.lines.some((line) => line.level === 'error' && /4005/.test(line.message) && JSON.stringify(line.details).includes('sk-proj-****LEAK'))).toBe(true);
  }, 30_000);

  it('LiveWS: the quota runs out mid-session; the client sees a Live error event naming no upstream detail, then close 4005', async () => {
    const { server, relay, port } = await setup({});
    const { live, events, closed } = await liveWs(port);
    live.send(START);
    await vi.waitFor(() => expect(events.some((event) => event.type === 'session.started')).toBe(true), { timeout: 10_000 });
    live.send({ type: 'session.input_audio.append', audio: Buffer.alloc(4800).toString('base64') });
    await vi.waitFor(() => expect(server.filter('session.input_audio.append', { direction: 'received' })).toHaveLength(1), { timeout: 10_000 });

    server.sessions[0]!.error(...QUOTA_USED_UP, null, undefined);
    const close = await closed;
    expect(close).toEqual({ code: CLOSE_CODES.relayMisconfigured, reason: 'relay misconfigured' });
    // The Live error shape LiveWS types (error.type, code, message, client_event_id), with the relay's code.
    const error = events.find((event) => event.type === 'error');
    expect(error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', code: 'VOXWIRE_UPSTREAM_ERROR', client_event_id: null } });
    expect(error?.error.message).toMatch(/not your fault/);
    expect(JSON.stringify(events)).not.toContain('exceeded your current quota');
    expect(relay.metrics.snapshot().live.sessionsEnded.upstream_failed).toBe(1);
    await vi.waitFor(() => expect(server.connections[0]?.open).toBe(false), { timeout: 10_000 });
  });

  it("LiveClient: the operator's locked Live config for this user is invalid; connect fails with the relay's error, closed 4005, nothing started upstream", async () => {
    // Decided per identity, so it is checked when the user's session starts, not when the relay is created.
    const { server, relay, url, logger } = await setup({ session: () => ({ audio: { output: { voice: 'marin' } }, instructions: 42 as unknown as string }) });
    const { client, errors } = liveClient(url);
    const failure = await client.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    // The relay's error answered session.start, so connect() fails with it, and the session is closed (no retry).
    expect(isRealtimeError(failure)).toBe(true);
    expect((failure as RealtimeError).serverError).toMatchObject({ code: 'VOXWIRE_UPSTREAM_ERROR', message: expect.stringMatching(/could not configure the session.*not your fault/) });
    await vi.waitFor(() => expect(client.state.status).toBe('closed'), { timeout: 10_000 });
    expect((client.state as { reason: string }).reason).toMatch(/could not configure the session/);
    expect(errors.some((error) => error.serverError?.code === 'VOXWIRE_UPSTREAM_ERROR')).toBe(true);
    expect(server.connections).toHaveLength(1);
    // The client's session.start never went upstream.
    expect(server.filter('session.start', { direction: 'received' })).toHaveLength(0);
    expect(server.sessions.filter((session) => session.config !== undefined)).toHaveLength(0);
    expect(relay.metrics.snapshot().live.sessionsEnded.policy_violation).toBe(1);
    expect(logger.lines.some((line) => line.level === 'error' && /locked Live session/.test(line.message) && /instructions/.test(JSON.stringify(line.details)))).toBe(true);
  }, 30_000);

  // LiveClient's connect() fails on the error before the close arrives; the raw close code is LiveWS's to see.
  it("LiveWS: the operator's locked Live config for this user is invalid; session.start is answered with the relay's error, then close 4005", async () => {
    const { server, port } = await setup({ session: () => ({ model: 'gpt-live-1', delegation: { type: 'responses' } as never }) });
    const { live, events, closed } = await liveWs(port);
    live.send(START);
    const close = await closed;
    expect(close).toEqual({ code: CLOSE_CODES.relayMisconfigured, reason: 'relay misconfigured' });
    const error = events.find((event) => event.type === 'error');
    expect(error).toMatchObject({ error: { code: 'VOXWIRE_UPSTREAM_ERROR', message: expect.stringMatching(/could not configure the session/) } });
    expect(events.some((event) => event.type === 'session.started')).toBe(false);
    expect(server.filter('session.start', { direction: 'received' })).toHaveLength(0);
  });
});
