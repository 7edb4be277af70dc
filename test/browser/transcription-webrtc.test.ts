/**
 * The proof for transcription sessions over WebRTC, in real Chromium: `RealtimeClient`
 * with `WebRTCTransport` and a `type: 'transcription'` session in the page; the app server's
 * `createSdpHandler` (a transcription endpoint: `sessionType: 'transcription'`) forwards the
 * offer with the server key and puts the call under the relay through a sideband; the mock
 * answers with a Node peer. The fake microphone speaks the question clip: transcripts come back
 * on the data channel, no response is created, and the user's budget is charged with the
 * speech seconds the server detected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { MemoryBudgetStore } from '../../src/server/stores/memory-budget-store';
import { RelayCore } from '../../src/server/core/relay-core';
import { createScenario } from '../../src/testing/script/scenario';
import { chromiumAvailable } from './harness';
import { SERVER_KEY, startWebRTCRig, type WebRTCRig } from './webrtc-harness';

const enabled = chromiumAvailable();
const QUESTION = "What's the weather like in Paris today?";

describe.skipIf(!enabled)('a transcription session over WebRTC through createSdpHandler and the relay (Chromium ↔ mock Node peer)', () => {
  let rig: WebRTCRig;
  let relay: RelayCore;
  const store = new MemoryBudgetStore();
  const transcripts: string[] = [];
  const ended: string[] = [];

  beforeAll(async () => {
    relay = new RelayCore({
      model: 'gpt-realtime-2.1',
      authenticate: (request) => (request.headers.get('authorization') === 'Bearer app-user-token' ? { userId: 'user-1' } : null),
      origins: [/^http:\/\/127\.0\.0\.1:\d+$/],
      budget: { store, dailyLimit: 600, chargeIntervalMs: 100 },
      // Locked fields: the input settings apply to the transcription call, the instructions do not.
      policy: { session: { instructions: 'Locked by the operator.', audio: { input: { noise_reduction: { type: 'far_field' } } } } },
      limits: { idleTimeoutMs: Number.POSITIVE_INFINITY },
      logger: silentLogger,
    });
    relay.on('transcript', (event) => transcripts.push(`${event.role}: ${event.text}`));
    relay.on('sessionEnded', (event) => ended.push(event.reason));
    await relay.start();
    rig = await startWebRTCRig({
      mock: { scenario: createScenario('transcribe').turn((turn) => turn.hears(QUESTION).plays('reply-weather')).build() },
      sdp: { sideband: { relay }, sessionType: 'transcription' },
      // The call's media starts after ICE and DTLS, which on a loaded machine can outlast one play
      // of the clip: the speaker repeats the question until it is heard.
      microphoneLoop: true,
    });
    await rig.call('start', rig.config('webrtc-sdp', { transcription: true }));
  }, 60_000);

  afterAll(async () => {
    await rig?.call('stop').catch(() => undefined);
    await rig?.close();
    await relay?.stop();
  });

  it('opens a transcription call under the relay: the server key never in the browser', async () => {
    const snapshot = await rig.read();
    expect(snapshot.state.status).toBe('connected');
    expect(snapshot.errors).toEqual([]);
    const call = rig.mock.connections.find((connection) => connection.kind === 'webrtc')!;
    expect(call.apiKey).toBe(SERVER_KEY);
    expect(rig.mock.connections.find((connection) => connection.kind === 'sideband')).toMatchObject({ callId: call.callId });
    expect(rig.mock.session(0)!.reportedSession).toMatchObject({ type: 'transcription' });
    expect(relay.sessionCount).toBe(1);
    // The sideband configured the call as a transcription session with the locked input settings.
    const sidebandUpdates = rig.mock.filter('session.update', { direction: 'received' }).map((entry) => entry.event as unknown as { session: Record<string, unknown> });
    expect(sidebandUpdates[0]?.session).toMatchObject({ type: 'transcription', audio: { input: { noise_reduction: { type: 'far_field' } } } });
    expect(sidebandUpdates.every((update) => update.session.type === 'transcription' && update.session.instructions === undefined)).toBe(true);
    await rig.until((s) => s.eventTypes.filter((type) => type === 'session.updated').length >= 2, 'both session updates confirmed');
    expect(rig.mock.session(0)!.session.audio.input.noise_reduction).toEqual({ type: 'far_field' });
  });

  it('hears the microphone over Opus RTP and sends the transcript back; never a response', async () => {
    const snapshot = await rig.until((s) => s.transcripts.some((t) => t.role === 'user' && t.text === QUESTION), 'the user transcript', 25_000);
    // Each utterance heard is the question, transcribed whole, and only the user speaks.
    expect(snapshot.transcripts.length).toBeGreaterThanOrEqual(1);
    expect(snapshot.transcripts.every((t) => t.role === 'user' && t.text === QUESTION)).toBe(true);
    expect(snapshot.eventTypes).toContain('conversation.item.input_audio_transcription.delta');
    expect(snapshot.eventTypes).not.toContain('response.created');
    expect(rig.mock.filter('response.created')).toHaveLength(0);
    expect(transcripts.length).toBeGreaterThanOrEqual(1);
    expect(transcripts.every((line) => line === `user: ${QUESTION}`)).toBe(true);
  });

  it("charges the user's budget with the speech seconds", async () => {
    const stopped = rig.mock.filter('input_audio_buffer.speech_stopped');
    const started = rig.mock.filter('input_audio_buffer.speech_started');
    expect(stopped.length).toBeGreaterThanOrEqual(1);
    // Every detected segment is charged; the fake microphone may loop, so count the ones seen so far.
    let speechSeconds = 0;
    for (const [index, stop] of stopped.entries()) {
      speechSeconds += ((stop.event as unknown as { audio_end_ms: number }).audio_end_ms - (started[index]!.event as unknown as { audio_start_ms: number }).audio_start_ms) / 1000;
    }
    expect(speechSeconds).toBeGreaterThan(0.5);
    const key = `budget:user-1:${new Date().toISOString().slice(0, 10)}`;
    await expect.poll(() => store.charge(key, 0, 60_000), { timeout: 5000 }).toBeGreaterThanOrEqual(speechSeconds - 0.001);
    await rig.call('stop');
    await expect.poll(() => ended.length, { timeout: 10_000 }).toBe(1);
    expect(await store.charge(key, 0, 60_000)).toBeGreaterThanOrEqual(speechSeconds - 0.001);
  });
});
