/**
 * The mock server's WebRTC endpoint in Node: its HTTP answers (client secrets, offers,
 * hangups, CORS), and a whole call with a `werift` peer standing in for the browser: the
 * session over the data channel, microphone audio as Opus RTP feeding the VAD, the reply as
 * paced RTP with `output_audio_buffer.stopped` once it played out, a sideband joining the
 * call, and a hangup.
 */
import { RtpHeader, RtpPacket } from 'werift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import { createScenario } from '../../../src/testing/script/scenario';
import { loopbackOnlyOffer } from '../../../src/testing/mock/webrtc-call';
import { loadOpusCodecFactory } from '../../../src/testing/mock/webrtc-opus';
import { loopbackPeer } from '../../helpers/werift-peer';
import { until } from '../../helpers/index';
import { transcriptCutAt } from '../harness';

const KEY = 'sk-test-endpoint';
let mock: MockRealtimeServer;
let base: string;

beforeAll(async () => {
  mock = new MockRealtimeServer({
    auth: { apiKey: KEY },
    scenario: createScenario('endpoint').turn((turn) => turn.hears("What's the weather like in Paris today?").plays('reply-weather')).build(),
  });
  base = (await mock.start()).apiBaseUrl;
});
afterAll(() => mock.stop());

const post = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, { method: 'POST', ...init });

/** Sends a fixture clip as Opus RTP, paced in real time (the microphone). */
async function sendClip(sender: { sendRtp(packet: RtpPacket): Promise<unknown> }, name: string, firstSequence = 0): Promise<void> {
  const codecs = await loadOpusCodecFactory();
  const encoder = codecs(24000, 'voip');
  const clip = await loadFixtureAudio(name);
  const frames = Math.floor(clip.pcm.length / 480);
  const started = Date.now();
  try {
    for (let index = 0; index < frames; index++) {
      const frame = clip.pcm.slice(index * 480, (index + 1) * 480);
      const payload = Buffer.from(encoder.encode(new Uint8Array(frame.buffer), 480));
      const sequence = firstSequence + index;
      await sender.sendRtp(new RtpPacket(new RtpHeader({ sequenceNumber: sequence & 0xffff, timestamp: sequence * 960, marker: index === 0 }), payload));
      const wait = started + (index + 1) * 20 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    encoder.delete();
  }
}

describe('mock WebRTC endpoint: HTTP', () => {
  it('answers CORS preflights and exposes Location', async () => {
    const response = await fetch(`${base}/realtime/calls`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:1' } });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:1');
    expect(response.headers.get('access-control-expose-headers')).toBe('Location');
  });

  it('mints client secrets only for a standard key, and validates their session', async () => {
    expect((await post('/realtime/client_secrets')).status).toBe(401);
    const bad = await post('/realtime/client_secrets', { headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ session: { type: 'realtime', modalities: ['text'] } }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; param: string } }).error).toMatchObject({ code: 'unknown_parameter', param: 'session.modalities' });
    const good = await post('/realtime/client_secrets', { headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ expires_after: { anchor: 'created_at', seconds: 30 }, session: { type: 'realtime', instructions: 'Hi.' } }) });
    const secret = (await good.json()) as { value: string; session: { instructions: string } };
    expect(secret.value).toMatch(/^ek_/);
    expect(secret.session.instructions).toBe('Hi.');
    const again = await post('/realtime/client_secrets', { headers: { authorization: `Bearer ${secret.value}` } });
    expect(again.status).toBe(401);
  });

  it('refuses offers it cannot answer on loopback, with the reason', async () => {
    const noCandidates = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=candidate:1 1 udp 1 x.local 5000 typ host\r\n';
    const response = await post('/realtime/calls', { headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/sdp' }, body: noCandidates });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/no ICE candidate on 127\.0\.0\.1.*--allow-loopback-in-peer-connection/);
    expect((await post('/realtime/calls', { headers: { authorization: `Bearer ${KEY}`, 'content-type': 'text/html' }, body: 'x' })).status).toBe(400);
    expect((await post('/realtime/calls', { headers: { authorization: 'Bearer sk-wrong', 'content-type': 'application/sdp' }, body: noCandidates })).status).toBe(401);
    expect((await post('/realtime/calls/rtc_nope/hangup', { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(404);
  });

  it('keeps only loopback UDP candidates of an offer', () => {
    const offer = [
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=candidate:1 1 udp 2122194687 127.0.0.1 48332 typ host',
      'a=candidate:2 1 udp 2122063615 192.0.2.2 44054 typ host',
      'a=candidate:3 1 tcp 1518214911 127.0.0.1 9 typ host tcptype active',
      'a=candidate:4 1 udp 2122194687 abc.local 5000 typ host',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      '',
    ].join('\r\n');
    const kept = loopbackOnlyOffer(offer).split('\r\n').filter((line) => line.startsWith('a=candidate'));
    expect(kept).toEqual(['a=candidate:1 1 udp 2122194687 127.0.0.1 48332 typ host']);
  });
});

describe('mock WebRTC endpoint: a call from a Node peer', () => {
  it('runs the session over the data channel, hears Opus, plays the reply paced, joins a sideband, hangs up', async () => {
    const pc = loopbackPeer();
    const sideband: WebSocket[] = [];
    try {
      const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
      const channel = pc.createDataChannel('oai-events');
      const events: Array<{ type: string; at: number }> = [];
      channel.onMessage.subscribe((data) => events.push({ type: (JSON.parse(String(data)) as { type: string }).type, at: Date.now() }));
      let replyPackets = 0;
      pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => (replyPackets += 1)));
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
      });
      const response = await post('/realtime/calls', { headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/sdp' }, body: pc.localDescription!.sdp });
      expect(response.status).toBe(201);
      const callId = response.headers.get('location')!.split('/').pop()!;
      expect(callId).toMatch(/^rtc_/);
      // A server may join the call as soon as it has the id, before the data channel opens.
      const ws = new WebSocket(`${base.replace('http', 'ws')}/realtime?call_id=${callId}`, { headers: { authorization: `Bearer ${KEY}` } });
      sideband.push(ws);
      const sidebandEvents: string[] = [];
      ws.on('message', (data) => sidebandEvents.push((JSON.parse(String(data)) as { type: string }).type));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'From the sideband.' } }));
      await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
      const seen = { detail: () => events.map((e) => e.type).join(',') };
      await until(() => events.some((e) => e.type === 'session.created'), 'session.created', { ...seen, timeoutMs: 10_000 });
      await until(() => events.some((e) => e.type === 'session.updated'), "the sideband's update", { ...seen, timeoutMs: 10_000 });
      expect(sidebandEvents).toContain('session.created');
      expect(mock.webrtc.call(callId)!.session!.session.instructions).toBe('From the sideband.');
      const connection = mock.connections.find((c) => c.callId === callId && c.kind === 'webrtc')!;
      expect(connection.apiKey).toBe(KEY);
      expect(mock.connections.find((c) => c.callId === callId && c.kind === 'sideband')).toMatchObject({ authVia: 'header', sessionId: connection.sessionId });

      // The microphone: the question as Opus RTP, paced in real time.
      await sendClip(transceiver.sender, 'question');
      await until(() => events.some((e) => e.type === 'input_audio_buffer.speech_stopped'), 'speech_stopped', { ...seen, timeoutMs: 10_000 });
      await until(() => events.some((e) => e.type === 'output_audio_buffer.stopped'), 'output_audio_buffer.stopped', { ...seen, timeoutMs: 15_000 });
      const at = (type: string) => events.find((e) => e.type === type)!.at;
      const reply = await loadFixtureAudio('reply-weather');
      const playedMs = at('output_audio_buffer.stopped') - at('output_audio_buffer.started');
      // Stopped when the reply played out (paced RTP), not when its last chunk was generated.
      expect(playedMs).toBeGreaterThan(reply.durationMs * 0.9);
      expect(at('output_audio_buffer.stopped')).toBeGreaterThanOrEqual(at('response.done'));
      expect(replyPackets).toBeGreaterThan((reply.durationMs / 20) * 0.9);
      expect(events.some((e) => e.type === 'response.output_audio.delta')).toBe(false);
      expect(sidebandEvents).toContain('output_audio_buffer.stopped');

      // A hangup ends the call: the data channel closes, the sideband too.
      const channelClosed = new Promise<void>((resolve) => channel.stateChanged.subscribe((state) => state === 'closed' && resolve()));
      const sidebandClosed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      expect((await post(`/realtime/calls/${callId}/hangup`, { headers: { authorization: `Bearer ${KEY}` } })).status).toBe(200);
      await channelClosed;
      expect(await sidebandClosed).toBe(1000);
      expect(mock.webrtc.call(callId)).toBeUndefined();
      expect(connection.open).toBe(false);
    } finally {
      for (const ws of sideband) ws.terminate();
      await pc.close();
    }
  }, 30_000);

  it('handles a barge-in as the API does over WebRTC: output buffer cleared, the reply truncated to what was played', async () => {
    mock.setScenario(
      createScenario('barge-in')
        .turn((turn) => turn.plays('reply-long'))
        .turn((turn) => turn.hears('Wait, sorry, stop. What about Berlin instead?').says('Berlin: 15 degrees.'))
        .build(),
    );
    const pc = loopbackPeer();
    try {
      const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv' });
      const channel = pc.createDataChannel('oai-events');
      const events: Array<{ type: string; at: number; [key: string]: any }> = [];
      channel.onMessage.subscribe((data) => events.push({ ...(JSON.parse(String(data)) as { type: string }), at: Date.now() }));
      const packetTimes: number[] = [];
      pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => packetTimes.push(Date.now())));
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') resolve();
        pc.iceGatheringStateChange.subscribe((state) => state === 'complete' && resolve());
      });
      const response = await post('/realtime/calls', { headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/sdp' }, body: pc.localDescription!.sdp });
      await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
      await until(() => events.some((e) => e.type === 'session.created'), 'session.created', { timeoutMs: 10_000 });
      channel.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'The forecast, please.' }] } }));
      channel.send(JSON.stringify({ type: 'response.create' }));
      await until(() => events.some((e) => e.type === 'output_audio_buffer.started'), 'output_audio_buffer.started', { timeoutMs: 10_000 });
      const started = events.find((e) => e.type === 'output_audio_buffer.started')!;
      await sendClip(transceiver.sender, 'interruption');
      await until(() => events.some((e) => e.type === 'conversation.item.truncated'), 'conversation.item.truncated', { timeoutMs: 10_000 });
      await until(() => events.filter((e) => e.type === 'response.done').length >= 2, 'the answer to the interruption', { timeoutMs: 15_000 });

      const types = events.map((e) => e.type);
      const speech = types.indexOf('input_audio_buffer.speech_started');
      const cleared = events.find((e) => e.type === 'output_audio_buffer.cleared')!;
      expect(cleared).toBeDefined();
      expect(types.indexOf('output_audio_buffer.cleared')).toBeGreaterThan(speech);
      expect(cleared.response_id).toBe(started.response_id);
      const cancelled = events.find((e) => e.type === 'response.done')!;
      expect(cancelled.response).toMatchObject({ id: started.response_id, status: 'cancelled', status_details: { reason: 'turn_detected' } });
      const truncated = events.find((e) => e.type === 'conversation.item.truncated')!;
      const item = cancelled.response.output[0];
      expect(truncated).toMatchObject({ item_id: item.id, content_index: 0 });
      // What was played: from output_audio_buffer.started to the barge-in, give or take the jitter-buffer lead.
      const playedMs = events[speech]!.at - started.at;
      const longReply = await loadFixtureAudio('reply-long');
      expect(truncated.audio_end_ms).toBeLessThan(longReply.durationMs);
      expect(truncated.audio_end_ms).toBeLessThanOrEqual(playedMs + 500);
      expect(item.content[0].transcript).toBe(transcriptCutAt(longReply, truncated.audio_end_ms));
      const stored = mock.webrtc.call(response.headers.get('location')!.split('/').pop()!)!.session!.items.find((entry) => entry.id === item.id) as unknown as { content: Array<{ transcript: string }> };
      expect(stored.content[0]!.transcript).toBe(item.content[0].transcript);
      // The track went quiet at the barge-in: nothing of the cleared reply arrived until the next response.
      const nextResponse = events.filter((e) => e.type === 'response.created')[1]!;
      // Packets already on their way may land a little after the clear; none of the rest of the reply does.
      const lead = 1000;
      expect(packetTimes.filter((at) => at > cleared.at + lead && at < nextResponse.at)).toEqual([]);
      expect(packetTimes.filter((at) => at < nextResponse.at).length).toBeLessThan(longReply.durationMs / 20);
      expect(types).not.toContain('output_audio_buffer.stopped');
      expect(types.filter((type) => type === 'error')).toEqual([]);
    } finally {
      await pc.close();
    }
  }, 40_000);
});
