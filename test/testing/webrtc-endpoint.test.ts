/**
 * The mock server's WebRTC endpoint in Node: its HTTP answers (client secrets, offers,
 * hangups, CORS), and a whole call with a `werift` peer standing in for the browser: the
 * session over the data channel, microphone audio as Opus RTP feeding the VAD, the reply as
 * paced RTP with `output_audio_buffer.stopped` once it played out, a sideband joining the
 * call, and a hangup.
 */
import { RTCPeerConnection, RtpHeader, RtpPacket } from 'werift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { loadFixtureAudio } from '../../src/testing/fixtures';
import { MockRealtimeServer } from '../../src/testing/mock-server';
import { createScenario } from '../../src/testing/scenario';
import { loopbackOnlyOffer } from '../../src/testing/webrtc-call';
import { loadOpusCodecFactory } from '../../src/testing/webrtc-opus';

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
    const loopback = (host: string) => host === '127.0.0.1';
    const pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      iceFilterStunResponse: (_message: unknown, address: readonly [string, number]) => loopback(address[0]),
      iceFilterCandidatePair: (pair: { remoteCandidate: { host: string } }) => loopback(pair.remoteCandidate.host),
    } as ConstructorParameters<typeof RTCPeerConnection>[0]);
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
      const deadline = (ms: number) => Date.now() + ms;
      const until = async (predicate: () => boolean, what: string, ms = 10_000) => {
        const end = deadline(ms);
        while (!predicate()) {
          if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${events.map((e) => e.type).join(',')}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await until(() => events.some((e) => e.type === 'session.created'), 'session.created');
      await until(() => events.some((e) => e.type === 'session.updated'), "the sideband's update");
      expect(sidebandEvents).toContain('session.created');
      expect(mock.webrtc.call(callId)!.session!.session.instructions).toBe('From the sideband.');
      const connection = mock.connections.find((c) => c.callId === callId && c.kind === 'webrtc')!;
      expect(connection.apiKey).toBe(KEY);
      expect(mock.connections.find((c) => c.callId === callId && c.kind === 'sideband')).toMatchObject({ authVia: 'header', sessionId: connection.sessionId });

      // The microphone: the question as Opus RTP, paced in real time.
      const codecs = await loadOpusCodecFactory();
      const encoder = codecs(24000, 'voip');
      const clip = await loadFixtureAudio('question');
      const frames = Math.floor(clip.pcm.length / 480);
      const started = Date.now();
      for (let index = 0; index < frames; index++) {
        const frame = clip.pcm.slice(index * 480, (index + 1) * 480);
        const payload = Buffer.from(encoder.encode(new Uint8Array(frame.buffer), 480));
        await transceiver.sender.sendRtp(new RtpPacket(new RtpHeader({ sequenceNumber: index, timestamp: index * 960, marker: index === 0 }), payload));
        const wait = started + (index + 1) * 20 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      encoder.delete();
      await until(() => events.some((e) => e.type === 'input_audio_buffer.speech_stopped'), 'speech_stopped');
      await until(() => events.some((e) => e.type === 'output_audio_buffer.stopped'), 'output_audio_buffer.stopped', 15_000);
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
});
