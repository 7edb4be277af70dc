/**
 * `WebRTCTransport` in Node with fakes of the browser's WebRTC objects: the offer/answer
 * exchange, events on the data channel, connection health, mute and device switching, and
 * the typed errors. The real thing runs in Chromium (test/browser/webrtc*.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../src/client/client';
import { isRealtimeError, type RealtimeError } from '../../src/base/errors';
import { silentLogger } from '../../src/base/logger';
import { exponentialBackoff } from '../../src/client/reconnect';
import type { TransportCloseInfo } from '../../src/transport/transport';
import { callIdFromLocation } from '../../src/events/call-id';
import { WebRTCTransport } from '../../src/transport/webrtc';
import type { WebRTCTransportOptions } from '../../src/transport/webrtc-options';
import { realtimeProtocol } from '../../src/transport/realtime-protocol';
import { FakeClock, flushMicrotasks } from '../helpers/fake-clock';
import { FakePeerConnection, FakeStream, FakeTrack, SESSION_CREATED, fakeSdpFetch, sdpAnswer } from './webrtc-fakes';

const microphone = () => new FakeStream(new FakeTrack('mic-1'));

function setup(options: Partial<WebRTCTransportOptions> = {}, answer: () => Response | Promise<Response> = () => sdpAnswer()) {
  const clock = new FakeClock();
  const peers: FakePeerConnection[] = [];
  const opened: FakeStream[] = [];
  const sdp = fakeSdpFetch(answer);
  const transport = new WebRTCTransport({ protocol: realtimeProtocol,
    apiKey: 'ek_test_key',
    fetch: sdp.fetch,
    clock,
    audioElement: false,
    getUserMedia: async () => {
      const stream = microphone();
      opened.push(stream);
      return stream as unknown as MediaStream;
    },
    createPeerConnection: (configuration) => {
      const pc = new FakePeerConnection(configuration);
      peers.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
    ...options,
  });
  const closes: TransportCloseInfo[] = [];
  transport.on('close', (info) => closes.push(info));
  return { clock, peers, opened, sdp, transport, closes };
}

/** Runs connect() through the exchange: opens the channel and sends session.created. */
async function connect(rig: ReturnType<typeof setup>): Promise<FakePeerConnection> {
  const connecting = rig.transport.connect();
  const pc = await waitForPeer(rig);
  for (let i = 0; i < 50 && pc.remoteDescription === null; i++) await flushMicrotasks();
  expect(pc.remoteDescription).not.toBeNull();
  pc.setState('connected');
  pc.channel!.open();
  pc.channel!.receive(SESSION_CREATED);
  await connecting;
  return pc;
}

async function waitForPeer(rig: ReturnType<typeof setup>): Promise<FakePeerConnection> {
  const count = rig.peers.length;
  for (let i = 0; i < 50 && rig.peers.length === count; i++) await flushMicrotasks();
  const pc = rig.peers[rig.peers.length - 1];
  if (!pc) throw new Error('no peer connection was created');
  return pc;
}

describe('WebRTCTransport: construction', () => {
  it('refuses to start without a way to authenticate the call', () => {
    expect(() => new WebRTCTransport({})).toThrow(/give `apiKey` .* or `sdpUrl`/);
    try {
      new WebRTCTransport({});
    } catch (error) {
      expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
    }
    expect(() => new WebRTCTransport({ protocol: realtimeProtocol, apiKey: 42 as unknown as string })).toThrow(/`apiKey` must be a string or a function/);
    expect(() => new WebRTCTransport({ protocol: realtimeProtocol, sdpUrl: '/sdp', connectionLostGraceMs: -1 })).toThrow(/`connectionLostGraceMs` must be a number ≥ 0/);
  });

  it('touches no DOM global at construction and reports media capabilities', () => {
    const transport = new WebRTCTransport({ protocol: realtimeProtocol, sdpUrl: '/api/sdp' });
    expect(transport.capabilities).toEqual({ audio: 'media' });
    expect(transport.isOpen).toBe(false);
    expect(transport.callId).toBeUndefined();
  });

  it('explains what to do where there is no RTCPeerConnection (Node without a peer factory)', async () => {
    const transport = new WebRTCTransport({ protocol: realtimeProtocol, sdpUrl: 'http://127.0.0.1:1/sdp', getUserMedia: async () => microphone() as unknown as MediaStream });
    await expect(transport.connect()).rejects.toMatchObject({ code: 'VOXWIRE_CONNECTION_FAILED', message: expect.stringMatching(/RTCPeerConnection is not available here/) });
  });

  it('parses the call id from Location', () => {
    expect(callIdFromLocation('/v1/realtime/calls/rtc_abc')).toBe('rtc_abc');
    expect(callIdFromLocation('https://api.openai.com/v1/realtime/calls/rtc_x/?a=1')).toBe('rtc_x');
    expect(callIdFromLocation(null)).toBeUndefined();
  });
});

describe('WebRTCTransport: connecting', () => {
  const rigs: Array<ReturnType<typeof setup>> = [];
  afterEach(() => {
    for (const rig of rigs.splice(0)) rig.transport.close();
  });

  it('offers the microphone and the oai-events channel, posts the SDP with the key, and resolves on session.created', async () => {
    const rig = setup();
    rigs.push(rig);
    const events: string[] = [];
    rig.transport.on('event', (event) => events.push(event.type));
    let opened = 0;
    rig.transport.on('open', () => (opened += 1));
    const pc = await connect(rig);
    expect(pc.configuration).toEqual({ iceServers: [] });
    expect(pc.transceivers).toEqual([{ kind: 'audio', init: expect.objectContaining({ direction: 'sendrecv' }) }]);
    expect(pc.channel!.label).toBe('oai-events');
    expect(pc.sender.replaced).toEqual([rig.opened[0]!.tracks[0]]);
    const request = rig.sdp.requests[0]!;
    expect(request.url).toBe('https://api.openai.com/v1/realtime/calls');
    expect(request.init.method).toBe('POST');
    expect(request.init.headers).toMatchObject({ Authorization: 'Bearer ek_test_key', 'Content-Type': 'application/sdp' });
    // The offer went out with its gathered candidates.
    expect(request.init.body).toContain('a=candidate:1 1 udp 1 127.0.0.1 5000 typ host');
    expect(pc.remoteDescription).toEqual({ type: 'answer', sdp: expect.stringMatching(/^v=0/) });
    expect(rig.transport.callId).toBe('rtc_test123');
    expect(rig.transport.isOpen).toBe(true);
    expect(opened).toBe(1);
    expect(events).toEqual(['session.created']);
  });

  it('sends events through the same serializer as WebSocket, refusing invalid ones and oversized ones', async () => {
    const rig = setup();
    rigs.push(rig);
    const pc = await connect(rig);
    rig.transport.send({ type: 'response.create' });
    expect(JSON.parse(pc.channel!.sent[0]!)).toMatchObject({ type: 'response.create' });
    expect(() => rig.transport.send({ type: 'session.update', session: { type: 'realtime', modalities: ['text'] } } as never)).toThrow(/modalities/);
    pc.sctp = { maxMessageSize: 1000 };
    let error: unknown;
    try {
      rig.transport.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x'.repeat(2000) }] } });
    } catch (caught) {
      error = caught;
    }
    expect(isRealtimeError(error, 'VOXWIRE_FRAME_TOO_LARGE')).toBe(true);
    expect((error as Error).message).toMatch(/maximum message size of 1000 bytes/);
    expect(pc.channel!.sent).toHaveLength(1);
  });

  it('sends an unknown field as given, logging each (event type, path) once; strict refuses it', async () => {
    const warned: unknown[] = [];
    const logger = { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (_message: string, details?: unknown) => warned.push(details) };
    const rig = setup({ logger });
    rigs.push(rig);
    const pc = await connect(rig);
    const update = { type: 'session.update', session: { type: 'realtime', future_knob: 1 } };
    rig.transport.send(update as never);
    rig.transport.send(update as never);
    expect(pc.channel!.sent.map((text) => JSON.parse(text) as unknown)).toEqual([expect.objectContaining(update), expect.objectContaining(update)]);
    expect(warned).toEqual([{ eventType: 'session.update', path: 'session.future_knob' }]);
    const strict = setup({ logger, strict: true });
    rigs.push(strict);
    await connect(strict);
    expect(() => strict.transport.send(update as never)).toThrow(/unknown field `session.future_knob`/);
  });

  it('emits a typed error for a malformed frame and keeps the connection', async () => {
    const rig = setup();
    rigs.push(rig);
    const pc = await connect(rig);
    const errors: string[] = [];
    rig.transport.on('error', (error) => errors.push(error.code));
    pc.channel!.receive('{not json');
    expect(errors).toEqual(['VOXWIRE_INVALID_JSON']);
    expect(rig.transport.isOpen).toBe(true);
  });

  it('posts to sdpUrl with extra headers and no key (the server forwards the offer)', async () => {
    const rig = setup({ apiKey: undefined, sdpUrl: 'https://app.example/api/sdp', headers: async () => ({ 'X-App-Token': 't1' }), credentials: 'include' });
    rigs.push(rig);
    await connect(rig);
    const request = rig.sdp.requests[0]!;
    expect(request.url).toBe('https://app.example/api/sdp');
    expect(request.init.headers).toEqual({ 'X-App-Token': 't1', 'Content-Type': 'application/sdp' });
    expect(request.init.credentials).toBe('include');
  });

  it('calls the key provider on every connect', async () => {
    let calls = 0;
    const rig = setup({ apiKey: async () => `ek_key_${++calls}` });
    rigs.push(rig);
    await connect(rig);
    rig.transport.close();
    await connect(rig);
    expect(rig.sdp.requests.map((request) => (request.init.headers as Record<string, string>).Authorization)).toEqual(['Bearer ek_key_1', 'Bearer ek_key_2']);
  });

  it('surfaces a refused SDP exchange as a typed error carrying the server body', async () => {
    const body = JSON.stringify({ error: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided: ek_t****_key.', param: null } });
    const rig = setup({}, () => new Response(body, { status: 401, headers: { 'content-type': 'application/json' } }));
    const error = await rig.transport.connect().catch((caught: unknown) => caught);
    expect(isRealtimeError(error, 'VOXWIRE_AUTHENTICATION_FAILED')).toBe(true);
    expect((error as Error).message).toBe('The SDP exchange with https://api.openai.com/v1/realtime/calls was refused: HTTP 401: Incorrect API key provided: ek_t****_key..');
    expect((error as { raw?: string }).raw).toBe(body);
    expect((error as { serverError?: unknown }).serverError).toMatchObject({ code: 'invalid_api_key' });
    expect(rig.peers[0]!.closed).toBe(true);
    expect(rig.transport.isOpen).toBe(false);
  });

  it('keeps a voxwire code from a voxwire server (budget) and a plain-text body', async () => {
    const budget = JSON.stringify({ error: { type: 'invalid_request_error', code: 'VOXWIRE_BUDGET_EXHAUSTED', message: 'the daily budget is used up', param: null } });
    const rig = setup({}, () => new Response(budget, { status: 402 }));
    await expect(rig.transport.connect()).rejects.toMatchObject({ code: 'VOXWIRE_BUDGET_EXHAUSTED', message: expect.stringMatching(/HTTP 402: the daily budget is used up/) });
    const plain = setup({}, () => new Response('upstream exploded', { status: 500 }));
    await expect(plain.transport.connect()).rejects.toMatchObject({ code: 'VOXWIRE_UPSTREAM_ERROR', raw: 'upstream exploded' });
    const notSdp = setup({}, () => new Response('<html>', { status: 201 }));
    await expect(notSdp.transport.connect()).rejects.toMatchObject({ code: 'VOXWIRE_UPSTREAM_ERROR', message: expect.stringMatching(/without an SDP answer/) });
  });

  it('sends the offer after the gathering timeout when gathering does not complete', async () => {
    // A peer connection whose ICE gathering never completes.
    const rig: ReturnType<typeof setup> = setup({
      iceGatheringTimeoutMs: 700,
      createPeerConnection: (configuration) => {
        const pc = new FakePeerConnection(configuration);
        pc.completeGathering = false;
        rig.peers.push(pc);
        return pc as unknown as RTCPeerConnection;
      },
    });
    rigs.push(rig);
    const connecting = rig.transport.connect();
    await waitForPeer(rig);
    await flushMicrotasks();
    expect(rig.sdp.requests).toHaveLength(0);
    await rig.clock.advance(700);
    expect(rig.sdp.requests).toHaveLength(1);
    const pc = rig.peers[0]!;
    pc.channel!.open();
    pc.channel!.receive(SESSION_CREATED);
    await connecting;
  });

  it('times out when no session.created arrives, and aborts through the signal', async () => {
    const rig = setup({ connectTimeoutMs: 2000 });
    const connecting = rig.transport.connect().catch((error: unknown) => error);
    const pc = await waitForPeer(rig);
    for (let i = 0; i < 50 && pc.remoteDescription === null; i++) await flushMicrotasks();
    pc.channel!.open();
    await rig.clock.advance(2000);
    expect(await connecting).toMatchObject({ code: 'VOXWIRE_TIMEOUT', message: expect.stringMatching(/session.created/) });
    expect(pc.closed).toBe(true);

    const aborted = setup();
    const controller = new AbortController();
    const pending = aborted.transport.connect({ signal: controller.signal }).catch((error: unknown) => error);
    const abortedPc = await waitForPeer(aborted);
    controller.abort();
    expect(await pending).toMatchObject({ code: 'VOXWIRE_ABORTED' });
    expect(abortedPc.closed).toBe(true);
  });

  it('refuses a standard key in a browser page unless opted in', async () => {
    (globalThis as Record<string, unknown>).window = {};
    (globalThis as Record<string, unknown>).document = {};
    try {
      const rig = setup({ apiKey: 'sk-standard' });
      await expect(rig.transport.connect()).rejects.toMatchObject({ code: 'VOXWIRE_INSECURE_KEY' });
      expect(rig.peers).toHaveLength(0);
      const demo = setup({ apiKey: 'sk-standard', dangerouslyAllowApiKeyInBrowser: true, model: 'gpt-realtime-2.1-mini' });
      rigs.push(demo);
      await connect(demo);
      const body = demo.sdp.requests[0]!.init.body as FormData;
      expect(body.get('session')).toBe(JSON.stringify({ type: 'realtime', model: 'gpt-realtime-2.1-mini' }));
      expect(String(body.get('sdp'))).toMatch(/^v=0/);
    } finally {
      delete (globalThis as Record<string, unknown>).window;
      delete (globalThis as Record<string, unknown>).document;
    }
  });
});

describe('WebRTCTransport: health, closing, media', () => {
  it('counts a disconnect that outlasts the grace period as a drop (1006); a recovery cancels it', async () => {
    const rig = setup({ connectionLostGraceMs: 1500 });
    const pc = await connect(rig);
    pc.setState('disconnected');
    await rig.clock.advance(1000);
    pc.setState('connected');
    await rig.clock.advance(2000);
    expect(rig.closes).toEqual([]);
    pc.setState('disconnected');
    await rig.clock.advance(1500);
    expect(rig.closes).toEqual([{ code: 1006, reason: 'the peer connection stayed disconnected for 1500 ms', initiatedLocally: false }]);
    expect(pc.closed).toBe(true);
    // A drop keeps the microphone the transport opened, for the reconnect.
    expect(rig.opened[0]!.tracks[0]!.readyState).toBe('live');
    rig.transport.close();
    expect(rig.opened[0]!.tracks[0]!.readyState).toBe('ended');
  });

  it('treats failed as an immediate drop, and a server hangup (DTLS close_notify) as a deliberate end', async () => {
    const rig = setup();
    const pc = await connect(rig);
    pc.setState('failed');
    expect(rig.closes).toEqual([{ code: 1006, reason: 'the peer connection failed', initiatedLocally: false }]);

    const hungUp = await connect(rig);
    hungUp.sender.transport!.set('closed');
    expect(rig.closes[1]).toEqual({ code: 1000, reason: 'the server ended the call', initiatedLocally: false });

    const closedChannel = await connect(rig);
    closedChannel.channel!.remoteClose();
    expect(rig.closes[2]).toEqual({ code: 1000, reason: 'the server closed the data channel', initiatedLocally: false });
    rig.transport.close();
  });

  it('close() ends the call, reports a local close once, and a superseded connection stays silent', async () => {
    const rig = setup();
    const events: string[] = [];
    rig.transport.on('event', (event) => events.push(event.type));
    const first = await connect(rig);
    rig.transport.close(1000, 'bye');
    expect(rig.closes).toEqual([{ code: 1000, reason: 'bye', initiatedLocally: true }]);
    expect(first.closed).toBe(true);
    rig.transport.close();
    expect(rig.closes).toHaveLength(1);
    await connect(rig);
    // Late events of the first call are ignored.
    first.channel!.readyState = 'open';
    first.channel!.receive({ type: 'response.created', event_id: 'e', response: { id: 'r', object: 'realtime.response', status: 'in_progress', output: [] } });
    first.setState('failed');
    expect(events).toEqual(['session.created', 'session.created']);
    expect(rig.closes).toHaveLength(1);
    rig.transport.close();
  });

  it('mutes synchronously, like MicrophoneCapture; a refused replaceTrack is an error event, not an unhandled rejection', async () => {
    const rig = setup();
    const pc = await connect(rig);
    const errors: RealtimeError[] = [];
    rig.transport.on('error', (error) => errors.push(error));
    pc.sender.refuse = new Error('InvalidStateError');
    const returned: unknown = rig.transport.setMuted(true);
    expect(returned).toBeUndefined();
    expect(rig.transport.muted).toBe(true);
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]!.code).toBe('VOXWIRE_AUDIO_DEVICE');
    expect(errors[0]!.cause).toBe(pc.sender.refuse);
  });

  it('mutes with replaceTrack(null), keeps the mute across reconnects, and switches devices with replaceTrack', async () => {
    const rig = setup();
    const pc = await connect(rig);
    const mic = rig.opened[0]!.tracks[0]!;
    rig.transport.setMuted(true);
    expect(rig.transport.muted).toBe(true);
    expect(pc.sender.replaced).toEqual([mic, null]);
    pc.setState('failed');
    const next = await connect(rig);
    // Muted before the offer: no track is ever attached.
    expect(next.sender.replaced).toEqual([]);
    rig.transport.setMuted(false);
    await Promise.resolve();
    expect(next.sender.replaced).toEqual([mic]);
    const other = new FakeStream(new FakeTrack('usb-mic'));
    await rig.transport.switchMicrophone(other as unknown as MediaStream);
    expect(next.sender.replaced).toEqual([mic, other.tracks[0]]);
    // The microphone the transport opened is stopped; the caller's stream is not.
    expect(mic.readyState).toBe('ended');
    rig.transport.close();
    expect(other.tracks[0]!.readyState).toBe('live');
  });

  it('opens a device by id with the capture constraints', async () => {
    const constraints: unknown[] = [];
    const rig = setup({
      getUserMedia: async (asked) => {
        constraints.push(asked);
        return microphone() as unknown as MediaStream;
      },
    });
    const pc = await connect(rig);
    await rig.transport.switchMicrophone('device-2');
    expect(constraints).toEqual([
      { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } },
      { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, deviceId: { exact: 'device-2' } } },
    ]);
    expect(pc.sender.replaced).toHaveLength(2);
    rig.transport.close();
  });

  it('never stops a stream the app passed in', async () => {
    const stream = microphone();
    const rig = setup({ mediaStream: stream as unknown as MediaStream, getUserMedia: async () => { throw new Error('must not be called'); } });
    await connect(rig);
    rig.transport.close();
    expect(stream.tracks[0]!.readyState).toBe('live');
  });

  it('turns a denied microphone into VOXWIRE_AUDIO_DEVICE', async () => {
    const rig = setup({
      getUserMedia: async () => {
        throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      },
    });
    await expect(rig.transport.connect()).rejects.toMatchObject({ code: 'VOXWIRE_AUDIO_DEVICE', message: 'Could not open the microphone (permission denied): Permission denied' });
  });

  it('plays the remote track through the audio element and exposes it', async () => {
    const played: unknown[] = [];
    const element = { srcObject: null as unknown, paused: true, play: async () => { played.push(element.srcObject); } };
    const streams: unknown[] = [];
    const rig = setup({ audioElement: element as unknown as HTMLAudioElement, onRemoteStream: (stream) => streams.push(stream) });
    const pc = await connect(rig);
    const remote = new FakeStream(new FakeTrack('remote'));
    pc.remoteTrack(remote);
    await flushMicrotasks();
    expect(rig.transport.remoteStream).toBe(remote);
    expect(element.srcObject).toBe(remote);
    expect(played).toEqual([remote]);
    expect(streams).toEqual([remote]);
    rig.transport.close();
    expect(element.srcObject).toBeNull();
  });
});

describe('WebRTCTransport: attached audio (transport.media)', () => {
  /** A source like MicrophoneCapture: it announces its stream, and later a new one or none. */
  function mediaSource() {
    let listener: ((stream: MediaStream | undefined) => void) | undefined;
    let current: FakeStream | undefined = new FakeStream(new FakeTrack('capture'));
    const chunks: unknown[] = [];
    return {
      subscribe: (onChunk: (chunk: Int16Array) => void) => {
        chunks.push(onChunk);
        return () => undefined;
      },
      subscribeMedia: (onStream: (stream: MediaStream | undefined) => void) => {
        listener = onStream;
        onStream(current as unknown as MediaStream | undefined);
        return () => {
          listener = undefined;
        };
      },
      announce(stream: FakeStream | undefined) {
        current = stream;
        listener?.(stream as unknown as MediaStream | undefined);
      },
      get current() {
        return current;
      },
      chunks,
    };
  }

  it("a source attached before connect is the call's microphone: no getUserMedia, no chunk subscription", async () => {
    const rig = setup();
    const client = new RealtimeClient({ transport: rig.transport, logger: silentLogger });
    const source = mediaSource();
    client.attachInput(source);
    const pc = await connect(rig);
    expect(rig.opened).toHaveLength(0);
    expect(pc.sender.replaced).toEqual([source.current!.tracks[0]]);
    expect(rig.transport.localStream).toBe(source.current);
    expect(source.chunks).toHaveLength(0);
    rig.transport.close();
  });

  it('follows the source: a stopped source sends nothing, a restarted one its new track, detach goes back to the own microphone', async () => {
    const rig = setup();
    const pc = await connect(rig);
    const own = rig.opened[0]!.tracks[0]!;
    const client = new RealtimeClient({ transport: rig.transport, logger: silentLogger });
    const source = mediaSource();
    const detach = client.attachInput(source);
    const first = source.current!.tracks[0]!;
    await flushMicrotasks();
    // The transport's own microphone is released once the source takes over.
    expect(own.readyState).toBe('ended');
    source.announce(undefined);
    const restarted = new FakeStream(new FakeTrack('capture-2'));
    source.announce(restarted);
    await flushMicrotasks();
    expect(pc.sender.replaced).toEqual([own, first, null, restarted.tracks[0]]);
    detach();
    await expect.poll(() => pc.sender.replaced.length).toBe(5);
    expect(rig.opened).toHaveLength(2);
    expect(pc.sender.replaced[4]).toBe(rig.opened[1]!.tracks[0]);
    rig.transport.close();
  });

  it('plays the remote track through an attached sink, keeps the element muted for Chromium, and returns to the element on detach', async () => {
    const element = { srcObject: null as unknown, muted: false, paused: true, play: async () => undefined };
    const rig = setup({ audioElement: element as unknown as HTMLAudioElement });
    const pc = await connect(rig);
    const client = new RealtimeClient({ transport: rig.transport, logger: silentLogger });
    const playing: unknown[] = [];
    const stopped: unknown[] = [];
    const sink = {
      write: () => undefined,
      flush: async () => null,
      playMedia: (stream: MediaStream) => {
        playing.push(stream);
        return () => stopped.push(stream);
      },
    };
    const detach = client.attachOutput(sink);
    const remote = new FakeStream(new FakeTrack('remote'));
    pc.remoteTrack(remote);
    expect(playing).toEqual([remote]);
    expect(element.srcObject).toBe(remote);
    expect(element.muted).toBe(true);
    detach();
    expect(stopped).toEqual([remote]);
    expect(element.muted).toBe(false);
    rig.transport.close();
    expect(element.srcObject).toBeNull();
  });

  it('reports a sink that throws as an error event and keeps the call', async () => {
    const rig = setup();
    const pc = await connect(rig);
    const errors: RealtimeError[] = [];
    rig.transport.on('error', (error) => errors.push(error));
    rig.transport.media.attachOutput({
      playMedia: () => {
        throw new Error('no context');
      },
    });
    pc.remoteTrack(new FakeStream(new FakeTrack('remote')));
    expect(errors.map((error) => error.code)).toEqual(['VOXWIRE_AUDIO_DEVICE']);
    expect(rig.transport.isOpen).toBe(true);
    rig.transport.close();
  });
});

describe('WebRTCTransport under RealtimeClient', () => {
  it('reconnects through a new call after a drop and restores the transcript', async () => {
    const rig = setup({ connectionLostGraceMs: 100 });
    const client = new RealtimeClient({ transport: rig.transport, logger: silentLogger, clock: rig.clock, reconnect: exponentialBackoff({ initialDelayMs: 10, jitter: 'none' }) });
    // Answer every session.update the client sends, as the server would.
    const answerUpdates = (pc: FakePeerConnection): void => {
      const channel = pc.channel!;
      const send = channel.send.bind(channel);
      channel.send = (text: string) => {
        send(text);
        const event = JSON.parse(text) as { type: string; session?: unknown };
        if (event.type === 'session.update') queueMicrotask(() => channel.receive({ type: 'session.updated', event_id: 'e2', session: { type: 'realtime', object: 'realtime.session', id: 'sess_1', model: 'gpt-realtime-2.1' } }));
      };
    };
    const connecting = client.connect();
    const first = await waitForPeer(rig);
    for (let i = 0; i < 50 && first.remoteDescription === null; i++) await flushMicrotasks();
    answerUpdates(first);
    first.setState('connected');
    first.channel!.open();
    first.channel!.receive(SESSION_CREATED);
    await connecting;
    expect(client.state.status).toBe('connected');
    client.sendText('Remember the word apple.', { respond: false });
    first.channel!.receive({ type: 'conversation.item.added', event_id: 'e3', previous_item_id: null, item: { id: JSON.parse(first.channel!.sent.at(-1)!).item.id, object: 'realtime.item', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Remember the word apple.' }] } });

    first.setState('disconnected');
    await rig.clock.advance(100);
    expect(client.state.status).toBe('reconnecting');
    await rig.clock.advance(10);
    const second = await waitForPeer(rig);
    for (let i = 0; i < 50 && second.remoteDescription === null; i++) await flushMicrotasks();
    answerUpdates(second);
    second.setState('connected');
    second.channel!.open();
    second.channel!.receive(SESSION_CREATED);
    for (let i = 0; i < 10 && client.state.status !== 'connected'; i++) await rig.clock.advance(1);
    expect(client.state.status).toBe('connected');
    const replayed = second.channel!.sent.map((text) => JSON.parse(text) as { type: string }).filter((event) => event.type === 'conversation.item.create');
    expect(JSON.stringify(replayed)).toContain('Remember the word apple.');
    expect(rig.sdp.requests).toHaveLength(2);
    client.disconnect();
  });
});
