/**
 * One WebRTC call of the mock server: a Node peer (`werift`) bound to 127.0.0.1 that answers
 * the browser's SDP offer, runs a {@link MockSession} over the `oai-events` data channel,
 * feeds the microphone's Opus RTP (decoded to PCM16 24 kHz) to the session's VAD, and plays
 * the session's replies as paced Opus RTP on its outbound track. Sideband WebSocket
 * connections (`?call_id=`) join the same session: they receive every server event and their
 * client events go to the session.
 *
 * Loopback only, by construction: the peer gathers a single host candidate on 127.0.0.1, uses
 * no STUN or TURN server, answers ICE checks only from loopback addresses, and the offer's
 * non-loopback candidates are removed before the peer sees them (so it never sends to another
 * address, nor resolves mDNS names).
 */

import type { Clock } from '../../base/clock';
import { MockSession } from './session';
import type { MockSessionLink } from './session-link';
import { MockTranslationSession } from './translation-session';
import { OpusInbound, OpusOutbound } from './webrtc-opus';
import type { OpusCodecFactory } from './webrtc-opus';

type Werift = typeof import('werift');
type WeriftPeer = InstanceType<Werift['RTCPeerConnection']>;
type WeriftChannel = Parameters<Parameters<WeriftPeer['onDataChannel']['subscribe']>[0]>[0];

/**
 * The `werift` module, loaded on first use. Opaque outside this file, so the published types
 * of `voxwire/testing` do not depend on werift's.
 */
export interface WeriftModule {
  readonly RTCPeerConnection: unknown;
  readonly RTCRtpCodecParameters: unknown;
  readonly RtpHeader: unknown;
  readonly RtpPacket: unknown;
}

/** Loads `werift`; throws a message that says what to install. */
export async function loadWerift(): Promise<WeriftModule> {
  const moduleName = 'werift';
  try {
    const loaded = (await import(/* webpackIgnore: true */ /* @vite-ignore */ moduleName)) as WeriftModule & { default?: WeriftModule };
    return typeof loaded.RTCPeerConnection === 'function' ? loaded : (loaded.default as WeriftModule);
  } catch (cause) {
    throw new Error('The mock WebRTC endpoint needs the `werift` package (a WebRTC peer for Node): npm install --save-dev werift', { cause });
  }
}

/** Something a sideband connection receives events through. */
export interface SidebandSink {
  /** Sends one server event, as JSON text. */
  send(text: string): void;
  /** Closes the sideband connection with a close code and reason. */
  close(code: number, reason: string): void;
}

/**
 * What a call needs from the session it carries: a Realtime or translation session, or a
 * GPT-Live one (`MockLiveServer`'s WebRTC sessions).
 */
export interface MockCallSession {
  /** A client frame from the data channel or a sideband. */
  receive(data: string | Uint8Array, isBinary?: boolean): void;
  /** Decoded microphone audio from the media track. */
  appendAudio(pcm: Int16Array, sampleRate: number): void;
  /** True once the session ended. */
  readonly closed: boolean;
  /** The call ended. */
  handleClose(): void;
}

/** Everything a call is made from. */
export interface MockWebRTCCallInit {
  callId: string;
  werift: WeriftModule;
  codecs: OpusCodecFactory;
  clock: Clock;
  random: () => number;
  /** Creates the session once the data channel is open (the server's `attach`). */
  attach: (link: MockSessionLink) => MockSession | MockTranslationSession | MockCallSession;
  /** Called once when the call has ended, however it ended. */
  onEnded: (call: MockWebRTCCall) => void;
  /** A call whose data channel has not opened by then is abandoned. */
  setupTimeoutMs: number;
}

/** The reason an offer cannot be answered (an HTTP 400 for the browser). */
export class OfferError extends Error {
  override readonly name = 'OfferError';
}

/** How long a hangup waits for the data channel's close to reach the browser before closing the peer. */
const HANGUP_CLOSE_WAIT_MS = 500;

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

function isLoopback(host: string): boolean {
  return LOOPBACK_V4.test(host) || host === '::1';
}

/**
 * Keeps only the offer's candidates on a loopback address. Chromium offers loopback
 * candidates only with `--allow-loopback-in-peer-connection`, and host candidates at all only
 * once microphone permission is granted (otherwise they are hidden behind mDNS names).
 */
export function loopbackOnlyOffer(sdp: string): string {
  if (typeof sdp !== 'string' || !/^v=0\r?\n/.test(sdp)) throw new OfferError('The body is not an SDP offer (it must start with "v=0").');
  if (!/\r?\nm=audio /.test(sdp)) throw new OfferError('The offer has no audio m-line: add an audio transceiver (the microphone) before createOffer().');
  if (!/\r?\nm=application /.test(sdp)) throw new OfferError('The offer has no data channel: create the "oai-events" data channel before createOffer().');
  const lines = sdp.split(/\r?\n/);
  let kept = 0;
  const filtered = lines.filter((line) => {
    if (!line.startsWith('a=candidate:')) return true;
    const parts = line.split(' ');
    const host = parts[4] ?? '';
    const transport = (parts[2] ?? '').toLowerCase();
    if (transport !== 'udp' || !isLoopback(host)) return false;
    kept += 1;
    return true;
  });
  if (kept === 0) {
    throw new OfferError(
      'The offer has no ICE candidate on 127.0.0.1, and the mock answers on loopback only. Wait for ICE gathering before sending the offer, launch Chromium with --allow-loopback-in-peer-connection, and grant microphone permission before creating the offer (otherwise host candidates are hidden behind mDNS names).',
    );
  }
  return filtered.join('\r\n');
}

/** One call: the peer, its session, its sidebands. */
export class MockWebRTCCall {
  /** The call id (`rtc_...`), as in the `Location` of the SDP answer. */
  readonly callId: string;
  readonly #init: MockWebRTCCallInit;
  readonly #pc: WeriftPeer;
  readonly #sidebands = new Set<SidebandSink>();
  /** Sideband frames that arrived before the session started (the data channel opens later). */
  #pendingSidebandFrames: Array<{ data: string | Uint8Array; isBinary: boolean }> = [];
  #channel: WeriftChannel | undefined;
  #session: MockSession | MockTranslationSession | MockCallSession | undefined;
  #inbound: OpusInbound | undefined;
  #outbound: OpusOutbound | undefined;
  #setupTimer: unknown;
  /** Set when the peer is killed: it answers nothing from then on. */
  #dead = false;
  #ended = false;

  private constructor(init: MockWebRTCCallInit, pc: WeriftPeer) {
    this.callId = init.callId;
    this.#init = init;
    this.#pc = pc;
  }

  /** The conversation session, once the data channel opened. */
  get session(): MockSession | undefined {
    return this.#session instanceof MockSession ? this.#session : undefined;
  }

  /** The GPT-Live session of a `MockLiveServer` call, once the data channel opened. */
  get liveSession(): MockCallSession | undefined {
    return this.#session instanceof MockSession || this.#session instanceof MockTranslationSession ? undefined : this.#session;
  }

  /** The translation session of a `/v1/realtime/translations/calls` call, once the data channel opened. */
  get translationSession(): MockTranslationSession | undefined {
    return this.#session instanceof MockTranslationSession ? this.#session : undefined;
  }

  /** True once the call has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /**
   * Answers an offer: returns the call and the SDP answer (with the peer's loopback candidate).
   *
   * @throws {OfferError} when the offer cannot be answered on loopback.
   */
  static async answer(init: MockWebRTCCallInit, offerSdp: string): Promise<{ call: MockWebRTCCall; answer: string }> {
    const sdp = loopbackOnlyOffer(offerSdp);
    const werift = init.werift as unknown as Werift;
    const pc = new werift.RTCPeerConnection({
      iceServers: [],
      // No interface scan: the only host candidate is 127.0.0.1, on a socket bound there.
      iceUseIpv4: false,
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      iceFilterStunResponse: (_message: unknown, address: readonly [string, number]) => isLoopback(address[0]),
      iceFilterCandidatePair: (pair: { remoteCandidate: { host: string } }) => isLoopback(pair.remoteCandidate.host),
      codecs: {
        audio: [new werift.RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
        video: [],
      },
    } as ConstructorParameters<Werift['RTCPeerConnection']>[0]);
    const call = new MockWebRTCCall(init, pc);
    try {
      await call.#negotiate(sdp);
    } catch (error) {
      call.#finish();
      if (error instanceof OfferError) throw error;
      throw new OfferError(`The mock could not answer the offer: ${error instanceof Error ? error.message : String(error)}`);
    }
    const answer = pc.localDescription?.sdp;
    if (!answer) {
      call.#finish();
      throw new OfferError('The mock produced no SDP answer.');
    }
    return { call, answer };
  }

  async #negotiate(sdp: string): Promise<void> {
    const pc = this.#pc;
    const { clock } = this.#init;
    pc.onDataChannel.subscribe((channel) => this.#onChannel(channel));
    pc.onTrack.subscribe((track) => {
      if (track.kind !== 'audio') return;
      track.onReceiveRtp.subscribe((rtp) => {
        if (this.#dead || this.#ended || !this.#session) return;
        this.#inbound?.push(rtp.payload, rtp.header.sequenceNumber);
      });
    });
    pc.connectionStateChange.subscribe((state) => {
      if ((state === 'failed' || state === 'closed') && !this.#ended) this.#end(false);
    });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const transceiver = pc.getTransceivers().find((candidate) => candidate.kind === 'audio');
    if (!transceiver) throw new OfferError('The offer has no audio transceiver the mock can use (Opus is required).');
    // werift answers a remote transceiver as recvonly unless told it sends too.
    transceiver.setDirection('sendrecv');
    this.#inbound = new OpusInbound(this.#init.codecs, (pcm, sampleRate) => this.#session?.appendAudio(pcm, sampleRate));
    this.#outbound = new OpusOutbound(
      this.#init.codecs,
      (frame) => {
        if (this.#dead || this.#ended) return;
        const werift = this.#init.werift as unknown as Werift;
        const header = new werift.RtpHeader({ payloadType: 0, sequenceNumber: frame.sequenceNumber, timestamp: frame.timestamp, marker: frame.marker });
        void transceiver.sender.sendRtp(new werift.RtpPacket(header, Buffer.from(frame.payload))).catch(() => undefined);
      },
      clock,
      this.#init.random,
    );
    await pc.setLocalDescription(await pc.createAnswer());
    await this.#gathered();
    this.#setupTimer = clock.setTimeout(() => {
      if (!this.#session) this.#end(false);
    }, this.#init.setupTimeoutMs);
  }

  #gathered(): Promise<void> {
    const pc = this.#pc;
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
        if (state !== 'complete') return;
        unSubscribe();
        resolve();
      });
    });
  }

  #onChannel(channel: WeriftChannel): void {
    if (channel.label !== 'oai-events' || this.#channel || this.#ended) return;
    this.#channel = channel;
    const start = (): void => {
      if (this.#session || this.#ended) return;
      this.#init.clock.clearTimeout(this.#setupTimer);
      const session = this.#init.attach(this.#link());
      this.#session = session;
      if (session.closed) {
        this.#end(true);
        return;
      }
      const pending = this.#pendingSidebandFrames;
      this.#pendingSidebandFrames = [];
      for (const frame of pending) session.receive(frame.data, frame.isBinary);
    };
    channel.onMessage.subscribe((data) => {
      // Handled on the next turn of the event loop, outside werift's SCTP receive path: an answer
      // sent from inside it (session.updated for a session.update) reached Chromium only after an
      // SCTP retransmission timeout, about 1 s late, and held every later event behind it.
      // setImmediate keeps the messages in order.
      setImmediate(() => {
        if (this.#dead || this.#ended) return;
        const session = this.#session;
        if (!session) return;
        if (typeof data === 'string') session.receive(data);
        else session.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), true);
      });
    });
    channel.stateChanged.subscribe((state) => {
      if (state === 'open') start();
      else if (state === 'closed' && !this.#ended && !this.#dead) this.#end(false);
    });
    if (channel.readyState === 'open') start();
  }

  #link(): MockSessionLink {
    return {
      kind: 'webrtc',
      send: (text) => {
        if (this.#dead || this.#ended) return;
        const channel = this.#channel;
        if (channel?.readyState === 'open') channel.send(text);
        for (const sideband of this.#sidebands) sideband.send(text);
      },
      close: () => this.hangup(),
      terminate: () => this.kill(),
      bufferedAmount: () => this.#channel?.bufferedAmount ?? 0,
      writeOutputAudio: (pcm, sampleRate) => this.#outbound?.write(pcm, sampleRate),
      clearOutputAudio: () => this.#outbound?.clear() ?? 0,
      drainOutputAudio: (onPlayed) => {
        if (this.#outbound) this.#outbound.drain(onPlayed);
        else onPlayed();
      },
    };
  }

  /**
   * A client frame from a sideband connection: handled by the session, or held until the
   * session starts (a server may connect its sideband as soon as it has the call id).
   */
  receiveFromSideband(data: string | Uint8Array, isBinary = false): void {
    if (this.#ended) return;
    if (this.#session) this.#session.receive(data, isBinary);
    else if (this.#pendingSidebandFrames.length < 100) this.#pendingSidebandFrames.push({ data, isBinary });
  }

  /** Adds a sideband connection: it receives every server event of the call. */
  addSideband(sink: SidebandSink): void {
    this.#sidebands.add(sink);
  }

  /** Removes a sideband connection (it closed); the call goes on. */
  removeSideband(sink: SidebandSink): void {
    this.#sidebands.delete(sink);
  }

  /** Ends the call cleanly (`POST .../hangup`, a session end): the browser sees its data channel close. */
  hangup(): void {
    if (this.#ended) return;
    this.#end(true);
  }

  /**
   * Kills the peer as a crash would: from now on it sends nothing and answers nothing (no
   * DTLS alert, no SCTP abort), so the browser notices only when ICE consent fails.
   */
  kill(): void {
    if (this.#ended) return;
    this.#dead = true;
    this.#end(false);
  }

  #end(graceful: boolean): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#init.clock.clearTimeout(this.#setupTimer);
    this.#outbound?.close();
    this.#inbound?.close();
    for (const sideband of [...this.#sidebands]) sideband.close(1000, 'call ended');
    this.#sidebands.clear();
    this.#session?.handleClose();
    this.#finish(graceful);
    this.#init.onEnded(this);
  }

  /**
   * Closes the peer. A hangup closes the data channel first and lets the SCTP reset reach the
   * browser (it then knows the server ended the call); a killed peer closes its sockets first,
   * so nothing more leaves it.
   */
  #finish(graceful = true): void {
    const pc = this.#pc;
    const closePeer = (): void => {
      void Promise.resolve()
        .then(() => pc.close())
        .catch(() => undefined);
    };
    const channel = this.#channel;
    if (!graceful) {
      this.#dead = true;
      for (const transport of pc.iceTransports) void Promise.resolve(transport.connection.close()).catch(() => undefined);
      closePeer();
      return;
    }
    if (!channel || channel.readyState !== 'open') {
      closePeer();
      return;
    }
    const timer = this.#init.clock.setTimeout(closePeer, HANGUP_CLOSE_WAIT_MS);
    channel.stateChanged.subscribe((state) => {
      if (state !== 'closed') return;
      this.#init.clock.clearTimeout(timer);
      // The browser acknowledged the reset; give its close event a moment before DTLS goes.
      this.#init.clock.setTimeout(closePeer, 50);
    });
    try {
      channel.close();
    } catch {
      this.#init.clock.clearTimeout(timer);
      closePeer();
    }
  }
}
