/**
 * `LiveClient` on `WebRTCTransport` with `liveProtocol`, in Node with the fakes of the browser's
 * WebRTC objects: the app server (or, for a local demo, the API itself with a standard key)
 * creates the session from the offer, the client sends no `session.start`, and `session.started`
 * on the `oai-events` channel confirms it. The real media path runs in Chromium.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../src/base/logger';
import { LiveClient } from '../../src/live/live-client';
import { liveProtocol } from '../../src/live/live-protocol';
import { WebRTCTransport } from '../../src/transport/webrtc';
import { ANSWER_SDP, FakePeerConnection, FakeStream, FakeTrack, fakeSdpFetch } from '../transport/webrtc-fakes';

const SESSION_STARTED = { type: 'session.started', event_id: 'event_1', session: { id: 'live_rtc1', model: 'gpt-live-1', status: 'active', expires_at: 2_000_000_000 } };

function setup(answer: () => Response, options: { apiKey?: string; sdpUrl?: string }) {
  const peers: FakePeerConnection[] = [];
  const sdp = fakeSdpFetch(answer);
  const transport = new WebRTCTransport({
    ...options,
    protocol: liveProtocol,
    fetch: sdp.fetch,
    audioElement: false,
    getUserMedia: async () => new FakeStream(new FakeTrack('mic')) as unknown as MediaStream,
    createPeerConnection: (configuration) => {
      const pc = new FakePeerConnection(configuration);
      peers.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
  });
  const client = new LiveClient({ transport, logger: silentLogger, reconnect: false });
  return { client, peers, sdp };
}

async function open(peers: FakePeerConnection[]): Promise<FakePeerConnection> {
  await vi.waitFor(() => expect(peers[0]?.remoteDescription).toBeTruthy());
  const pc = peers[0]!;
  pc.setState('connected');
  pc.channel!.open();
  return pc;
}

const clients: LiveClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

describe('LiveClient over WebRTC', () => {
  it('posts the offer to the app server, sends no session.start, and is connected on session.started', async () => {
    const { client, peers, sdp } = setup(() => new Response(ANSWER_SDP, { status: 201, headers: { 'content-type': 'application/sdp', location: '/api/live/session/live_rtc1' } }), { sdpUrl: '/api/live/session' });
    clients.push(client);
    const connecting = client.connect();
    const pc = await open(peers);
    expect(pc.channel!.label).toBe('oai-events');
    pc.channel!.receive(SESSION_STARTED);
    await connecting;
    expect(client.state).toEqual({ status: 'connected', sessionId: 'live_rtc1' });
    expect(sdp.requests[0]).toMatchObject({ url: '/api/live/session', init: { method: 'POST', headers: { 'Content-Type': 'application/sdp' } } });
    expect(pc.channel!.sent).toEqual([]);
    // Audio goes as the media track: appending is refused, commands go on the channel.
    expect(client.appendInputAudio(new Int16Array(240))).toBe(false);
    expect(client.mute()).toBe(true);
    expect(JSON.parse(pc.channel!.sent[0]!)).toMatchObject({ type: 'session.input_audio.mute' });
    pc.channel!.receive({ type: 'session.output_transcript.delta', event_id: 'e2', delta: 'Hello!', start_ms: 0, end_ms: 300 });
    expect(client.transcript.turns.map((turn) => turn.text)).toEqual(['Hello!']);
  });

  it('with a standard key outside a browser (a local demo) creates the session itself: JSON to /v1/live/sessions, JSON answer', async () => {
    const { client, peers, sdp } = setup(
      () => new Response(JSON.stringify({ session: { id: 'live_rtc2' }, transport: { type: 'webrtc', sdp: ANSWER_SDP } }), { status: 201, headers: { 'content-type': 'application/json' } }),
      { apiKey: 'sk-test' },
    );
    clients.push(client);
    const connecting = client.connect();
    const pc = await open(peers);
    pc.channel!.receive({ ...SESSION_STARTED, session: { ...SESSION_STARTED.session, id: 'live_rtc2' } });
    await connecting;
    const request = sdp.requests[0]!;
    expect(request.url).toBe('https://api.openai.com/v1/live/sessions');
    expect(request.init.headers).toMatchObject({ Authorization: 'Bearer sk-test', 'Content-Type': 'application/json' });
    expect(JSON.parse(request.init.body as string)).toEqual({ session: { model: 'gpt-live-1' }, transport: { type: 'webrtc', sdp: expect.stringMatching(/^v=0/) } });
    expect(pc.remoteDescription).toEqual({ type: 'answer', sdp: ANSWER_SDP });
    expect((client.transport as WebRTCTransport).callId).toBe('live_rtc2');
  });

  it('emits interrupted once when the user speaks over the assistant on the timeline (the server plays the audio), never for speech after its turn', async () => {
    const { client, peers } = setup(() => new Response(ANSWER_SDP, { status: 201, headers: { 'content-type': 'application/sdp' } }), { sdpUrl: '/api/live/session' });
    clients.push(client);
    const interruptions: unknown[] = [];
    client.on('interrupted', (info) => interruptions.push(info));
    const connecting = client.connect();
    const pc = await open(peers);
    pc.channel!.receive(SESSION_STARTED);
    await connecting;
    const say = (type: 'input' | 'output', delta: string, start: number, end: number) =>
      pc.channel!.receive({ type: `session.${type}_transcript.delta`, event_id: `e_${type}_${start}`, delta, start_ms: start, end_ms: end });
    // A first turn with nothing playing, then the answer, then the user after it: no interruption.
    say('input', 'Hi there.', 0, 800);
    say('output', 'Hello! How can I help?', 1000, 2400);
    say('input', 'Tell me about Paris.', 2600, 3600);
    expect(interruptions).toEqual([]);
    // The answer runs to 9000 ms; the user speaks at 5000 ms, in two fragments: one interruption.
    say('output', 'Paris is the capital of France, and its museums are many and famous.', 3800, 9000);
    say('input', 'Wait,', 5000, 5400);
    say('input', ' stop.', 5400, 5900);
    expect(interruptions).toEqual([{ reason: 'speech', flushed: false, playedMs: undefined }]);
    // The user after the answer's end, then a new answer spoken over: one more.
    say('input', 'And Berlin?', 9200, 10_000);
    expect(interruptions).toHaveLength(1);
    say('output', 'Berlin is the capital of Germany, with a long and busy history.', 10_200, 14_000);
    say('input', 'No,', 11_000, 11_300);
    expect(interruptions).toHaveLength(2);
  });
});
