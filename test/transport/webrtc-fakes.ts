/**
 * Fakes of the browser's WebRTC objects for Node unit tests of `WebRTCTransport`: a peer
 * connection whose states the test drives, a data channel that records what was sent, a
 * sender that records `replaceTrack`, a DTLS transport, media streams and tracks.
 */

type Listener = (event: unknown) => void;

class FakeTarget {
  private readonly listeners = new Map<string, Set<Listener>>();
  addEventListener(type: string, listener: Listener): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }
  removeEventListener(type: string, listener: Listener): void {
    this.listeners.get(type)?.delete(listener);
  }
  dispatch(type: string, event: unknown = {}): void {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }
}

export class FakeTrack {
  readonly kind = 'audio';
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  constructor(readonly id: string) {}
  stop(): void {
    this.readyState = 'ended';
  }
}

export class FakeStream {
  readonly tracks: FakeTrack[];
  constructor(...tracks: FakeTrack[]) {
    this.tracks = tracks;
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks;
  }
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
}

export class FakeDtls extends FakeTarget {
  state: 'new' | 'connecting' | 'connected' | 'closed' | 'failed' = 'connected';
  set(state: FakeDtls['state']): void {
    this.state = state;
    this.dispatch('statechange');
  }
}

export class FakeSender {
  readonly replaced: Array<FakeTrack | null> = [];
  track: FakeTrack | null = null;
  transport: FakeDtls | null = null;
  /** Set to make the next `replaceTrack` reject, as a browser does for an ended track. */
  refuse: Error | undefined;
  async replaceTrack(track: FakeTrack | null): Promise<void> {
    if (this.refuse !== undefined) throw this.refuse;
    this.replaced.push(track);
    this.track = track;
  }
}

export class FakeChannel extends FakeTarget {
  readyState: 'connecting' | 'open' | 'closing' | 'closed' = 'connecting';
  bufferedAmount = 0;
  readonly sent: string[] = [];
  constructor(readonly label: string) {
    super();
  }
  send(text: string): void {
    if (this.readyState !== 'open') throw new Error('InvalidStateError: not open');
    this.sent.push(text);
  }
  close(): void {
    this.readyState = 'closed';
  }
  /** The test opens it (as SCTP would). */
  open(): void {
    this.readyState = 'open';
    this.dispatch('open');
  }
  /** A server event arrives. */
  receive(event: unknown): void {
    this.dispatch('message', { data: typeof event === 'string' ? event : JSON.stringify(event) });
  }
  /** The remote side closed it. */
  remoteClose(): void {
    this.readyState = 'closed';
    this.dispatch('close');
  }
}

export class FakePeerConnection extends FakeTarget {
  connectionState: string = 'new';
  iceConnectionState: string = 'new';
  iceGatheringState: string = 'new';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  sctp: { maxMessageSize: number } | null = { maxMessageSize: 262_144 };
  readonly sender = new FakeSender();
  readonly transceivers: Array<{ kind: string; init: unknown }> = [];
  channel: FakeChannel | undefined;
  closed = false;
  /** Set false to keep gathering pending (tests the timeout). */
  completeGathering = true;

  constructor(readonly configuration: unknown) {
    super();
  }
  addTransceiver(kind: string, init: unknown): { sender: FakeSender } {
    this.transceivers.push({ kind, init });
    return { sender: this.sender };
  }
  createDataChannel(label: string): FakeChannel {
    this.channel = new FakeChannel(label);
    return this.channel;
  }
  async createOffer(): Promise<{ type: string; sdp: string }> {
    return { type: 'offer', sdp: 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n' };
  }
  async setLocalDescription(description: { type: string; sdp: string }): Promise<void> {
    this.iceGatheringState = 'gathering';
    this.localDescription = { ...description, sdp: `${description.sdp}a=candidate:1 1 udp 1 127.0.0.1 5000 typ host\r\n` };
    if (this.completeGathering) {
      queueMicrotask(() => {
        this.iceGatheringState = 'complete';
        this.dispatch('icegatheringstatechange');
      });
    }
  }
  async setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = description;
    this.sender.transport = new FakeDtls();
  }
  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }
  /** The test moves the connection state. */
  setState(state: string): void {
    this.connectionState = state;
    this.iceConnectionState = state === 'connected' ? 'connected' : state;
    this.dispatch('connectionstatechange');
  }
  /** The remote track arrives. */
  remoteTrack(stream: FakeStream): void {
    this.dispatch('track', { track: stream.tracks[0], streams: [stream] });
  }
}

/** A fetch that answers SDP offers with a scripted response and records the requests. */
export function fakeSdpFetch(answer: () => Response | Promise<Response>): { fetch: typeof fetch; requests: Array<{ url: string; init: RequestInit }> } {
  const requests: Array<{ url: string; init: RequestInit }> = [];
  return {
    requests,
    fetch: (async (url: string | URL | Request, init?: RequestInit) => {
      requests.push({ url: String(url), init: init ?? {} });
      return answer();
    }) as typeof fetch,
  };
}

export const ANSWER_SDP = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';

export function sdpAnswer(location = '/v1/realtime/calls/rtc_test123'): Response {
  return new Response(ANSWER_SDP, { status: 201, headers: { 'content-type': 'application/sdp', location } });
}

export const SESSION_CREATED = { type: 'session.created', event_id: 'event_1', session: { type: 'realtime', object: 'realtime.session', id: 'sess_1', model: 'gpt-realtime-2.1' } };
