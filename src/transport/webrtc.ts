import { EventEmitter } from '../base/emitter';
import { systemClock } from '../base/clock';
import type { Clock } from '../base/clock';
import { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_SERVER_FRAME_BYTES } from '../base/defaults';
import { CLOSE_CODES, RealtimeError, isRealtimeError, messageOf } from '../base/errors';
import type { ClientEventInput } from '../events/client-events';
import type { ServerEvent } from '../events/server-events';
import { createClientEventSerializer } from './client-event-serializer';
import { resolveApiKey } from './transport';
import { callIdFromLocation } from '../events/call-id';
import { WebRTCMedia } from './webrtc-media';
import { defaultPeerConnectionFactory, offerRequest, redact, sdpExchangeError } from './webrtc-sdp';
import {
  DEFAULT_WEBRTC_CALLS_URL,
  DEFAULT_WEBRTC_CONNECTION_LOST_GRACE_MS,
  DEFAULT_WEBRTC_ICE_GATHERING_TIMEOUT_MS,
  REALTIME_DATA_CHANNEL_LABEL,
  validateWebRTCTransportOptions,
  type WebRTCTransportOptions,
} from './webrtc-options';
import type { Transport, TransportCapabilities, TransportConnectOptions, TransportEvents, TransportMedia, TransportProtocol } from './transport';

/** One peer connection: a superseded one is forgotten and stays silent. */
interface Connection {
  readonly pc: RTCPeerConnection;
  readonly channel: RTCDataChannel;
  readonly sender: RTCRtpSender;
  callId: string | undefined;
  remoteStream: MediaStream | undefined;
  /** `connecting` until `connect()` resolved; `open` after; `ended` once torn down. */
  phase: 'connecting' | 'open' | 'ended';
  graceTimer: unknown;
  /** Fails the pending `connect()` (set while connecting). */
  fail: ((error: RealtimeError) => void) | undefined;
  /** Resolves the pending `connect()` when `session.created` arrives. */
  sessionCreated: (() => void) | undefined;
}

function isBrowserPage(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

/**
 * The WebRTC transport: the browser-direct mode. Audio flows as media tracks (the microphone
 * out, the assistant in, played through an audio element), events flow on the `oai-events`
 * data channel through the same parse and serialize functions as the WebSocket transport. The
 * browser holds only a short-lived key, or none at all when `sdpUrl` points at your server.
 * Every `connect()` makes a new call (a fresh key, a new peer connection); `connect()`
 * resolves once the server confirmed the session with `session.created`.
 *
 * The only DOM globals it touches (`RTCPeerConnection`, `navigator.mediaDevices`, `document`)
 * are read inside `connect()`, so importing it anywhere is safe.
 *
 * @example
 * ```ts
 * import { RealtimeClient, WebRTCTransport } from 'voxwire';
 *
 * // Your server forwards the offer (createSdpHandler): no key reaches the browser.
 * const transport = new WebRTCTransport({ sdpUrl: '/api/realtime/sdp' });
 * const client = new RealtimeClient({ transport, session: { instructions: 'Be brief.' } });
 * await client.connect();
 * transport.setMuted(true); // stops sending audio, no renegotiation
 * ```
 */
export class WebRTCTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly capabilities: TransportCapabilities = { audio: 'media' };
  readonly #options: WebRTCTransportOptions;
  readonly #serialize: (event: ClientEventInput, protocol: TransportProtocol) => string;
  /** The protocol spoken: the `protocol` option, else the one the last `connect()` was given. */
  #protocol: TransportProtocol | undefined;
  readonly #clock: Clock;
  #current: Connection | undefined;
  readonly #media: WebRTCMedia;

  constructor(options: WebRTCTransportOptions = {}) {
    super();
    validateWebRTCTransportOptions(options);
    this.#options = { ...options };
    this.#serialize = createClientEventSerializer(options);
    this.#clock = options.clock ?? systemClock;
    this.#media = new WebRTCMedia(this.#options, (error) => this.emit('error', error));
  }

  /** Where `client.attachInput`/`attachOutput` route audio on this transport. */
  get media(): TransportMedia {
    return this.#media;
  }

  /** True between `open` and `close`: the data channel is open. */
  get isOpen(): boolean {
    const connection = this.#current;
    return connection !== undefined && connection.phase !== 'ended' && connection.channel.readyState === 'open';
  }

  /** The id of the current call (from the SDP answer's `Location`), for a server-side sideband or hangup. */
  get callId(): string | undefined {
    return this.#current?.callId;
  }

  /** The current peer connection (for `getStats()`), if any. */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.#current?.pc;
  }

  /** The assistant's audio of the current call, once its track arrived (for level meters). */
  get remoteStream(): MediaStream | undefined {
    return this.#current?.remoteStream;
  }

  /** The microphone stream in use (yours, or the one the transport opened). */
  get localStream(): MediaStream | undefined {
    return this.#media.localStream;
  }

  /** The element the assistant's audio plays through, once created. */
  get audioElement(): HTMLAudioElement | undefined {
    return this.#media.element;
  }

  /** True while the microphone is muted (no RTP is sent). Survives reconnects. */
  get muted(): boolean {
    return this.#media.muted;
  }

  /** Bytes queued on the data channel and not yet sent. */
  get bufferedAmount(): number {
    return this.#current?.channel.bufferedAmount ?? 0;
  }

  async connect(options: TransportConnectOptions = {}): Promise<void> {
    const { signal } = options;
    if (this.#current && this.#current.phase !== 'ended') {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'WebRTCTransport.connect(): already connected or connecting; close() first.');
    }
    signal?.throwIfAborted();
    // No protocol of its own: a client gives its own, so an app bundles one protocol's tables.
    this.#protocol = this.#options.protocol ?? options.protocol;
    if (!this.#protocol) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'WebRTCTransport.connect(): no protocol; pass `protocol` (e.g. realtimeProtocol) or connect through a client.');
    // The protocol's parser loads (on the first connect) while the key resolves.
    const [key] = await Promise.all([resolveApiKey(this.#options.apiKey), this.#protocol.load?.()]);
    if (key !== undefined && (typeof key !== 'string' || key === '')) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `The apiKey provider returned ${key === '' ? 'an empty string' : typeof key}, expected a key.`);
    }
    const standardKey = key !== undefined && !key.startsWith('ek_');
    if (standardKey && isBrowserPage() && !this.#options.dangerouslyAllowApiKeyInBrowser) {
      throw new RealtimeError(
        'VOXWIRE_INSECURE_KEY',
        'Refusing to send a standard API key from a browser page: anyone can read it. Use an ephemeral key (ek_...) from createClientSecretHandler, an `sdpUrl` that forwards the offer (createSdpHandler), or set `dangerouslyAllowApiKeyInBrowser: true` for a local demo.',
      );
    }
    const fetchImpl = this.#options.fetch ?? (globalThis.fetch as typeof fetch | undefined)?.bind(globalThis);
    if (!fetchImpl) throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', 'WebRTCTransport: no fetch() here; pass `fetch`.');
    const createPeerConnection = this.#options.createPeerConnection ?? defaultPeerConnectionFactory();
    const headers = await this.#resolveHeaders();
    signal?.throwIfAborted();

    const stream = await this.#media.openInput(signal);
    const track = stream?.getAudioTracks()[0];
    if (stream !== undefined && !track) {
      throw new RealtimeError('VOXWIRE_AUDIO_DEVICE', 'WebRTCTransport: the microphone stream has no audio track.');
    }

    let pc: RTCPeerConnection;
    try {
      pc = createPeerConnection({ iceServers: this.#options.iceServers ?? [] });
    } catch (error) {
      throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', `Could not create the RTCPeerConnection: ${messageOf(error)}`, { cause: error });
    }
    const transceiver = pc.addTransceiver('audio', { direction: 'sendrecv', streams: stream === undefined ? [] : [stream] });
    const channel = pc.createDataChannel(REALTIME_DATA_CHANNEL_LABEL);
    const connection: Connection = {
      pc,
      channel,
      sender: transceiver.sender,
      callId: undefined,
      remoteStream: undefined,
      phase: 'connecting',
      graceTimer: undefined,
      fail: undefined,
      sessionCreated: undefined,
    };
    this.#current = connection;

    const settled = new Promise<void>((resolve, reject) => {
      connection.fail = (error) => {
        connection.fail = undefined;
        connection.sessionCreated = undefined;
        reject(error);
      };
      connection.sessionCreated = () => {
        connection.fail = undefined;
        connection.sessionCreated = undefined;
        resolve();
      };
    });
    settled.catch(() => undefined);
    this.#wire(connection);
    const onAbort = (): void => connection.fail?.(new RealtimeError('VOXWIRE_ABORTED', 'Connection attempt aborted.', { cause: signal?.reason }));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeoutMs = this.#options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const timer = this.#clock.setTimeout(
      () => connection.fail?.(new RealtimeError('VOXWIRE_TIMEOUT', `The WebRTC call did not confirm a session (${this.#protocol?.confirmation ?? 'session.created'}) within ${timeoutMs} ms.`)),
      timeoutMs,
    );
    try {
      await Promise.race([this.#negotiate(connection, track, key, standardKey, headers, fetchImpl, signal), settled]);
      await settled;
      connection.phase = 'open';
    } catch (error) {
      const failure = isRealtimeError(error) ? error : new RealtimeError('VOXWIRE_CONNECTION_FAILED', `WebRTC connection failed: ${messageOf(error)}`, { cause: error });
      connection.fail?.(failure);
      if (this.#current === connection) this.#current = undefined;
      this.#teardown(connection);
      throw failure;
    } finally {
      this.#clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Validates, serializes and sends a client event on the data channel. */
  send(event: ClientEventInput): void {
    const connection = this.#current;
    if (!connection || connection.phase === 'ended' || connection.channel.readyState !== 'open') {
      throw new RealtimeError('VOXWIRE_NOT_CONNECTED', `Cannot send ${describeType(event)}: the data channel is not open.`);
    }
    // Set before the peer connection was created.
    const text = this.#serialize(event, this.#protocol as TransportProtocol);
    const limit = connection.pc.sctp?.maxMessageSize;
    // SCTP refuses a message over the negotiated size by closing the channel: refuse it here instead.
    if (typeof limit === 'number' && limit > 0 && Number.isFinite(limit) && text.length * 3 > limit) {
      const bytes = new TextEncoder().encode(text).byteLength;
      if (bytes > limit) {
        throw new RealtimeError(
          'VOXWIRE_FRAME_TOO_LARGE',
          `Cannot send ${describeType(event)}: ${bytes} bytes exceed the data channel's maximum message size of ${limit} bytes. Send large items (images, audio) over the WebSocket transport or split them.`,
        );
      }
    }
    connection.channel.send(text);
  }

  /** Ends the call: closes the data channel and the peer connection, and stops a microphone the transport opened. */
  close(code: number = CLOSE_CODES.normal, reason = ''): void {
    const connection = this.#current;
    this.#media.close();
    if (!connection) return;
    this.#current = undefined;
    const wasOpen = connection.phase === 'open';
    if (connection.phase === 'connecting') connection.fail?.(new RealtimeError('VOXWIRE_ABORTED', 'The transport was closed while connecting.'));
    this.#teardown(connection);
    if (wasOpen) this.emit('close', { code, reason, initiatedLocally: true });
  }

  /**
   * Mutes or unmutes the microphone without renegotiation: muted, the sender has no track
   * (`replaceTrack(null)`), so no RTP leaves at all, not even silence. Kept across reconnects.
   * Synchronous like `MicrophoneCapture.setMuted`: the state changes now and the track follows;
   * a refused `replaceTrack` is reported as an `error` event (`VOXWIRE_AUDIO_DEVICE`).
   */
  setMuted(muted: boolean): void {
    this.#media.setMuted(muted);
  }

  /**
   * Switches the microphone (`replaceTrack`, no renegotiation): a device id (opened with
   * `audioConstraints`) or a stream of yours. A microphone the transport opened is stopped.
   */
  switchMicrophone(input: string | MediaStream): Promise<void> {
    return this.#media.switchMicrophone(input);
  }

  /** Plays the assistant on another output device (`HTMLMediaElement.setSinkId`). */
  setOutputDevice(deviceId: string): Promise<void> {
    return this.#media.setOutputDevice(deviceId);
  }

  // ---------------------------------------------------------------------------------------

  async #negotiate(
    connection: Connection,
    track: MediaStreamTrack | undefined,
    key: string | undefined,
    standardKey: boolean,
    headers: Record<string, string>,
    fetchImpl: typeof fetch,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const { pc } = connection;
    this.#media.bindSender(connection.sender);
    await this.#media.startSending(connection.sender, track);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await this.#waitForGathering(pc);
    if (isEnded(connection)) return;
    const offerSdp = pc.localDescription?.sdp ?? offer.sdp ?? '';
    const protocol = this.#protocol;
    const url = this.#options.sdpUrl ?? protocol?.callsUrl ?? DEFAULT_WEBRTC_CALLS_URL;
    const { body, headers: requestHeaders } = offerRequest(offerSdp, { headers, key, standardKey, protocol, model: this.#options.model });
    let response: Response;
    try {
      response = await fetchImpl(url, { method: 'POST', body, headers: requestHeaders, credentials: this.#options.credentials ?? 'same-origin', ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw new RealtimeError('VOXWIRE_ABORTED', 'Connection attempt aborted.', { cause: signal.reason });
      throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', `The SDP exchange with ${redact(url)} failed: ${messageOf(error)}.`, { cause: error });
    }
    if (!response.ok) throw await sdpExchangeError(url, response);
    const text = await response.text();
    const location = response.headers.get('location');
    const answer = protocol?.readAnswer ? protocol.readAnswer(text, location) : { sdp: text, callId: callIdFromLocation(location) };
    if (!answer || !/^v=0/.test(answer.sdp.trimStart())) {
      throw new RealtimeError('VOXWIRE_UPSTREAM_ERROR', `The SDP exchange with ${redact(url)} answered HTTP ${response.status} without an SDP answer.`, {
        raw: text,
      });
    }
    connection.callId = answer.callId;
    if (isEnded(connection)) return;
    await pc.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    this.#watchDtls(connection);
  }

  /**
   * A DTLS `close_notify` from the server (its transport goes `closed`, not `failed`) is the
   * server ending the call: a deliberate close, whatever the peer connection reports next.
   */
  #watchDtls(connection: Connection): void {
    const dtls = connection.sender.transport;
    if (!dtls || typeof dtls.addEventListener !== 'function') return;
    dtls.addEventListener('statechange', () => {
      if (dtls.state !== 'closed' || this.#current !== connection || connection.phase === 'ended') return;
      if (connection.phase === 'connecting') connection.fail?.(new RealtimeError('VOXWIRE_CONNECTION_FAILED', 'The server closed the call before the session was confirmed.'));
      else this.#end(connection, CLOSE_CODES.normal, 'the server ended the call');
    });
  }

  /** Resolves when ICE gathering is complete, or after `iceGatheringTimeoutMs` with the candidates so far. */
  #waitForGathering(pc: RTCPeerConnection): Promise<void> {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#clock.clearTimeout(timer);
        pc.removeEventListener('icegatheringstatechange', onChange);
        resolve();
      };
      const onChange = (): void => {
        if (pc.iceGatheringState === 'complete') done();
      };
      const timer = this.#clock.setTimeout(done, this.#options.iceGatheringTimeoutMs ?? DEFAULT_WEBRTC_ICE_GATHERING_TIMEOUT_MS);
      pc.addEventListener('icegatheringstatechange', onChange);
    });
  }

  #wire(connection: Connection): void {
    const { pc, channel } = connection;
    channel.addEventListener('open', () => {
      if (this.#current === connection && connection.phase !== 'ended') this.emit('open');
    });
    channel.addEventListener('message', (event: MessageEvent) => {
      if (this.#current !== connection || connection.phase === 'ended') return;
      this.#receive(connection, event.data);
    });
    channel.addEventListener('close', () => {
      if (this.#current !== connection || connection.phase === 'ended') return;
      if (connection.phase === 'connecting') {
        connection.fail?.(new RealtimeError('VOXWIRE_CONNECTION_FAILED', 'The Realtime data channel closed before the session was confirmed.'));
        return;
      }
      // A data channel closed while the peer connection is healthy is the server ending the
      // call (hangup, session end): a deliberate close. Otherwise the connection dropped.
      const state = peerState(pc);
      if (state === 'connected' || state === 'completed' || endedByServer(connection)) this.#end(connection, CLOSE_CODES.normal, 'the server closed the data channel');
      else this.#end(connection, CLOSE_CODES.abnormal, `the data channel closed (peer connection ${state})`);
    });
    pc.addEventListener('track', (event: RTCTrackEvent) => {
      if (this.#current !== connection || connection.phase === 'ended' || event.track.kind !== 'audio') return;
      if (connection.remoteStream) return;
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      connection.remoteStream = stream;
      this.#media.play(stream);
      try {
        this.#options.onRemoteStream?.(stream);
      } catch (error) {
        this.emit('error', new RealtimeError('VOXWIRE_AUDIO_DEVICE', `onRemoteStream threw: ${messageOf(error)}`, { cause: error }));
      }
    });
    const onState = (): void => {
      if (this.#current !== connection || connection.phase === 'ended') return;
      const state = peerState(pc);
      if (state === 'connected' || state === 'completed') {
        this.#clock.clearTimeout(connection.graceTimer);
        connection.graceTimer = undefined;
      } else if (state === 'failed' || state === 'closed') {
        if (endedByServer(connection) && connection.phase === 'open') this.#end(connection, CLOSE_CODES.normal, 'the server ended the call');
        else this.#lost(connection, `the peer connection ${state === 'failed' ? 'failed' : 'closed'}`);
      } else if (state === 'disconnected' && connection.graceTimer === undefined) {
        const graceMs = this.#options.connectionLostGraceMs ?? DEFAULT_WEBRTC_CONNECTION_LOST_GRACE_MS;
        connection.graceTimer = this.#clock.setTimeout(() => {
          connection.graceTimer = undefined;
          if (this.#current === connection && peerState(pc) === 'disconnected') this.#lost(connection, `the peer connection stayed disconnected for ${graceMs} ms`);
        }, graceMs);
      }
    };
    pc.addEventListener('connectionstatechange', onState);
    pc.addEventListener('iceconnectionstatechange', onState);
  }

  #lost(connection: Connection, reason: string): void {
    if (connection.phase === 'connecting') {
      connection.fail?.(new RealtimeError('VOXWIRE_CONNECTION_FAILED', `WebRTC connection failed: ${reason}.`));
      return;
    }
    this.#end(connection, CLOSE_CODES.abnormal, reason);
  }

  #receive(connection: Connection, data: unknown): void {
    const frame = typeof data === 'string' || data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data : String(data);
    // Set before the peer connection was created: a frame cannot arrive without it.
    const parse = (this.#protocol as TransportProtocol).parse;
    const result = parse(frame, { maxFrameBytes: this.#options.maxServerFrameBytes ?? DEFAULT_MAX_SERVER_FRAME_BYTES });
    if (!result.ok) {
      this.emit('error', result.error);
      return;
    }
    const event = result.event as ServerEvent;
    this.emit('event', event, result.known);
    if (event.type === (this.#protocol?.confirmation ?? 'session.created')) connection.sessionCreated?.();
  }

  /** The connection ended without `close()`: tear down and report (a drop keeps the microphone for the reconnect). */
  #end(connection: Connection, code: number, reason: string): void {
    if (this.#current !== connection) return;
    this.#current = undefined;
    this.#teardown(connection);
    this.emit('close', { code, reason, initiatedLocally: false });
  }

  #teardown(connection: Connection): void {
    if (connection.phase === 'ended') return;
    connection.phase = 'ended';
    this.#clock.clearTimeout(connection.graceTimer);
    connection.graceTimer = undefined;
    try {
      connection.channel.close();
    } catch {
      // Already closed.
    }
    try {
      connection.pc.close();
    } catch {
      // Already closed.
    }
    this.#media.stopPlaying(connection.remoteStream);
    if (this.#current === undefined) this.#media.bindSender(undefined);
  }

  async #resolveHeaders(): Promise<Record<string, string>> {
    const headers = this.#options.headers;
    if (headers === undefined) return {};
    const resolved = typeof headers === 'function' ? await headers() : headers;
    if (typeof resolved !== 'object' || resolved === null) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `WebRTCTransport: \`headers\` must be an object (or a function returning one), got ${String(resolved)}.`);
    }
    return { ...resolved };
  }
}

/** Read through a function so narrowing from before an `await` does not hide a teardown. */
function isEnded(connection: Connection): boolean {
  return connection.phase === 'ended';
}

/** True when the server closed DTLS on purpose (`close_notify`). */
function endedByServer(connection: Connection): boolean {
  return connection.sender.transport?.state === 'closed';
}

function peerState(pc: RTCPeerConnection): string {
  return pc.connectionState ?? pc.iceConnectionState;
}

function describeType(event: unknown): string {
  const type = (event as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type : 'event';
}
