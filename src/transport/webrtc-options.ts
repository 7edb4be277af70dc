/**
 * The options, defaults and option checks of `WebRTCTransport`, apart from the transport so
 * each reads on its own.
 */
import { DEFAULT_API_BASE_URL } from '../base/defaults';
import { RealtimeError } from '../base/errors';
import type { Clock } from '../base/clock';
import type { Logger } from '../base/logger';
import type { ApiKeyProvider, TransportProtocol } from './transport';

export { DEFAULT_WEBRTC_AUDIO_CONSTRAINTS } from './webrtc-media';

export { DEFAULT_WEBRTC_CALLS_URL } from '../base/defaults';

/** The label of the data channel that carries the Realtime events. */
export const REALTIME_DATA_CHANNEL_LABEL = 'oai-events';

/**
 * How long `connect()` waits for ICE gathering before it sends the offer with the candidates
 * found so far. Host candidates take a few ms; a STUN server that does not answer would
 * otherwise hold the offer for many seconds (the API's ICE-lite server does not need them).
 */
export const DEFAULT_WEBRTC_ICE_GATHERING_TIMEOUT_MS = 1000;

/**
 * How long the peer connection may stay `disconnected` before it counts as a drop. Browsers
 * report `disconnected` after a few seconds without ICE consent and often recover by
 * themselves; `failed` counts at once.
 */
export const DEFAULT_WEBRTC_CONNECTION_LOST_GRACE_MS = 3000;

/** Extra headers for the SDP request: fixed, or computed on every (re)connect. */
export type SdpHeadersProvider = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);

/** Options of {@link WebRTCTransport}. Give `apiKey` (an ephemeral key), `sdpUrl` (your server), or both. */
export interface WebRTCTransportOptions {
  /**
   * An ephemeral key (`ek_...`, from `createClientSecretHandler` on your server) or a function
   * returning one, called on every (re)connect: each call needs a fresh key. Sent as
   * `Authorization: Bearer` with the SDP offer. Leave out when `sdpUrl` is your own endpoint
   * that authenticates the user by other means (cookies, `headers`).
   * @default undefined (no Authorization header; `sdpUrl` is then required)
   */
  apiKey?: ApiKeyProvider;
  /**
   * Where the SDP offer is POSTed: the Realtime API, or your server's endpoint
   * (`createSdpHandler`), which forwards it with the server's key so no key reaches the browser.
   * @default 'https://api.openai.com/v1/realtime/calls'
   */
  sdpUrl?: string;
  /**
   * The model, sent only with a standard API key (local demos), as the `session` part of a
   * multipart offer. An ephemeral key already carries its session.
   * @default 'gpt-realtime-2.1'
   */
  model?: string;
  /** Extra headers for the SDP request (e.g. your app's session token). @default {} */
  headers?: SdpHeadersProvider;
  /** The `credentials` mode of the SDP request (cookies for your own endpoint). @default 'same-origin' */
  credentials?: RequestCredentials;
  /**
   * The microphone. The transport never stops a stream you pass. Without it, the transport
   * opens the microphone on connect (with `audioConstraints`) and stops it on `close()`.
   * @default undefined (the transport opens the microphone)
   */
  mediaStream?: MediaStream;
  /** Constraints used when the transport opens the microphone. @default { echoCancellation: true, noiseSuppression: true, autoGainControl: true } */
  audioConstraints?: MediaTrackConstraints;
  /**
   * Where the assistant's audio plays. An element lets the app switch the output device
   * (`setOutputDevice`). `false`: play nothing; use `remoteStream` yourself.
   * @default a detached `<audio autoplay>` element the transport creates
   */
  audioElement?: HTMLAudioElement | false;
  /**
   * Builds the peer connection (tests, Node peers, wrappers that record stats).
   * @default (configuration) => new RTCPeerConnection(configuration)
   */
  createPeerConnection?: (configuration: RTCConfiguration) => RTCPeerConnection;
  /** ICE servers. The Realtime API is reachable without STUN or TURN. @default [] */
  iceServers?: RTCIceServer[];
  /** The fetch used for the SDP exchange. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Opens the microphone. @default navigator.mediaDevices.getUserMedia */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** How long to wait for ICE gathering before sending the offer. @default 1000 */
  iceGatheringTimeoutMs?: number;
  /**
   * How long a `disconnected` peer connection may take to recover before it counts as a drop
   * (close 1006: the client's reconnect policy runs). `failed` counts at once.
   * @default 3000
   */
  connectionLostGraceMs?: number;
  /** How long `connect()` waits for the SDP answer and then `session.created`. @default 15000 */
  connectTimeoutMs?: number;
  /**
   * Allows a standard (non-ephemeral) API key in a browser page. Anyone who opens the page
   * can read it: for local demos only.
   * @default false
   */
  dangerouslyAllowApiKeyInBrowser?: boolean;
  /** Largest server event accepted. @default 64 MiB */
  maxServerFrameBytes?: number;
  /** Largest client event sent (the data channel's own limit also applies). @default 16 MiB */
  maxClientFrameBytes?: number;
  /**
   * Refuse a client event carrying a field, enum value or `type` the schemas do not know. Off,
   * it is sent as given and logged once per (event type, field) through `logger.warn`, so a
   * newer API setting needs no voxwire release. Beta names and known misspellings are refused
   * either way.
   * @default false (DEFAULT_STRICT_CLIENT_EVENTS)
   */
  strict?: boolean;
  /** Where warnings go (unknown fields sent as given). @default consoleLogger */
  logger?: Logger;
  /**
   * Called when the assistant's audio track arrives, once per call: feed it to a level meter
   * (it is also `transport.remoteStream`).
   * @default undefined
   */
  onRemoteStream?: (stream: MediaStream) => void;
  /** Timers for the grace period and timeouts. @default systemClock */
  clock?: Clock;
  /**
   * The protocol spoken: `translationProtocol` for a translation session (its SDP endpoint,
   * model and events). @default the Realtime conversation protocol
   */
  protocol?: TransportProtocol;
}

function isPositiveOrZero(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Throws `VOXWIRE_INVALID_ARGUMENT` for options `WebRTCTransport` cannot work with, before any network call. */
export function validateWebRTCTransportOptions(options: WebRTCTransportOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `WebRTCTransport: options must be an object, got ${options === null ? 'null' : typeof options}.`);
  }
  if (options.apiKey !== undefined && typeof options.apiKey !== 'string' && typeof options.apiKey !== 'function') {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      `WebRTCTransport: \`apiKey\` must be a string or a function returning one, got ${typeof options.apiKey}.`,
    );
  }
  if (options.sdpUrl !== undefined && typeof options.sdpUrl !== 'string') {
    throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `WebRTCTransport: \`sdpUrl\` must be a string, got ${typeof options.sdpUrl}.`);
  }
  if (options.apiKey === undefined && options.sdpUrl === undefined) {
    throw new RealtimeError(
      'VOXWIRE_INVALID_ARGUMENT',
      'WebRTCTransport: give `apiKey` (an ephemeral key from your server) or `sdpUrl` (your endpoint that forwards the offer, e.g. createSdpHandler); with neither, nobody can authenticate the call.',
    );
  }
  for (const name of ['iceGatheringTimeoutMs', 'connectionLostGraceMs', 'connectTimeoutMs'] as const) {
    const value = options[name];
    if (value !== undefined && !isPositiveOrZero(value)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `WebRTCTransport: \`${name}\` must be a number ≥ 0, got ${String(value)}.`);
    }
  }
}
