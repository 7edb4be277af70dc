/**
 * Policy for WebRTC sessions. The browser's events and audio go straight to the API, so the
 * server cannot stand in the middle as the relay does; it joins the call instead, through a
 * sideband WebSocket (`wss://api.openai.com/v1/realtime?call_id=...`, server key) that sees
 * every server event of the call and may send client events into it. On that socket the
 * relay's own {@link RelaySession} runs with the call standing in for the client: the locked
 * session is sent when the call starts, time and idle limits, budgets, usage and transcript
 * events, server-side tools and cross-node `endSession` all work as for a relayed session, and
 * "closing the client" hangs up the call (`POST /v1/realtime/calls/{call_id}/hangup`).
 *
 * What a sideband cannot do: refuse a browser's event before it takes effect. It re-applies the
 * locked fields whenever a `session.updated` shows the browser changed one (or chose a voice
 * outside the allowlist), and hangs up when the call keeps drifting. Relay notices
 * (`voxwire.session.ending`) cannot reach the browser: it sees the call end.
 */
import { DEFAULT_API_BASE_URL, DEFAULT_REALTIME_URL } from '../../base/defaults';
import { CLOSE_CODES, messageOf, RealtimeError } from '../../base/errors';
import type { RealtimeSessionConfig } from '../../events/session';
import { resolveApiKey, type ApiKeyProvider } from '../../transport/transport';
import type { CreateWebSocket } from '../../transport/websocket';
import { peekEventType } from '../core/frame-scan';
import { postCallAction } from './call-actions';
import { mergeLocked, transcriptionLocked, voiceName, type ResolvedSessionPolicy } from '../core/policy';
import type { RelayCore, RelayTicket } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import type { RelaySession } from '../core/relay-session';
import type { RelayFrame, RelaySocket } from '../core/socket';
import { bearerAuth, createUpstream, defaultUpstreamSocket, wrapWebSocket, type UpstreamConnection, type UpstreamSocketFactory } from '../upstream';
import { isRecord } from '../../base/is-record';

/** Session corrections in a row after which a drifting call is hung up (close 4004). */
export const DEFAULT_SIDEBAND_MAX_CORRECTIONS = 3;

/** Options of {@link openSideband} (and of `createSdpHandler`'s `sideband`). */
export interface SidebandOptions<Identity extends RelayIdentity = RelayIdentity> {
  /**
   * The relay core whose admission (origin, authentication, budget, concurrency), policy,
   * limits, metrics and events apply to WebRTC calls too.
   */
  relay: RelayCore<Identity>;
  /** The server's OpenAI API key, or a function returning it. */
  apiKey: ApiKeyProvider;
  /**
   * The Realtime WebSocket endpoint (`?call_id=` is added).
   * @default `baseUrl` as a WebSocket URL plus `/realtime` ('wss://api.openai.com/v1/realtime')
   */
  url?: string;
  /** The REST base, for hangups. @default 'https://api.openai.com/v1' */
  baseUrl?: string;
  /** The fetch used for hangups. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** How the key is sent, on the socket and on hangups (Azure: `api-key`). @default (key) => ({ Authorization: `Bearer ${key}` }) */
  authHeaders?: (key: string) => Record<string, string>;
  /**
   * Builds the sideband WebSocket (Workers, proxies). It gets both forms of the key: the
   * `Authorization` header and the `openai-insecure-api-key.` subprotocol.
   * @default the `ws` package in Node, else the global WebSocket
   */
  createWebSocket?: CreateWebSocket;
  /**
   * Opens the sideband socket, as the relay's upstream does (see `createUpstream`); wins over
   * `createWebSocket`.
   * @default defaultUpstreamSocket
   */
  createSocket?: UpstreamSocketFactory;
  /**
   * How long the sideband handshake may take.
   * @default DEFAULT_RELAY_UPSTREAM_CONNECT_TIMEOUT_MS (10 s)
   */
  connectTimeoutMs?: number;
  /**
   * Locked-session corrections in a row after which the call is hung up for a policy violation.
   * @default 3
   */
  maxCorrections?: number;
  /**
   * Sees every server frame of the call after the policy did, with its `type` (DTMF digits,
   * `input_audio_buffer.dtmf_event_received`, on SIP calls). Errors it throws are logged.
   * @default undefined
   */
  onServerFrame?: (type: string | undefined, frame: RelayFrame) => void;
}

/** An open sideband: the relay session that enforces the policy on a call. */
export interface Sideband<Identity extends RelayIdentity = RelayIdentity> {
  /** The call id. */
  readonly callId: string;
  /** The relay session (also in `relay.sessions()`; end it with `relay.endSession(id)`). */
  readonly session: RelaySession<Identity>;
  /** Hangs up the call (`POST .../hangup`) and ends the session. */
  hangup(): Promise<void>;
}

type Json = Record<string, unknown>;

/** True when every field of `expected` has the same value in `actual` (objects compared field by field). */
function contains(actual: unknown, expected: unknown): boolean {
  if (isRecord(expected)) {
    if (!isRecord(actual)) return false;
    return Object.keys(expected).every((key) => expected[key] === undefined || contains(actual[key], expected[key]));
  }
  return JSON.stringify(actual) === JSON.stringify(expected);
}

/**
 * The `session.update` that brings an observed session back in line with the policy, or
 * undefined when it complies: locked fields re-applied, a voice outside the allowlist
 * replaced by the first allowed one, `max_output_tokens` capped. Tools the operator did not
 * lock are the browser's business here (the sideband cannot see `response.create` either).
 */
export function sessionCorrection(policy: ResolvedSessionPolicy, observed: unknown): RealtimeSessionConfig | undefined {
  if (!isRecord(observed)) return undefined;
  let correction: Json = {};
  // A transcription call has only the input settings of the locked session (and no voice or cap).
  const transcription = observed.type === 'transcription';
  const locked = (transcription ? transcriptionLocked(policy) : policy.locked) as Json | undefined;
  if (locked !== undefined) {
    for (const key of Object.keys(locked)) {
      if (locked[key] !== undefined && !contains(observed[key], locked[key])) correction = mergeLocked(correction, { [key]: locked[key] });
    }
  }
  const lockedVoice = isRecord(locked?.audio) && isRecord((locked.audio as Json).output) ? ((locked.audio as Json).output as Json).voice : undefined;
  const observedVoice = isRecord(observed.audio) && isRecord(observed.audio.output) ? observed.audio.output.voice : undefined;
  const voices = policy.voices;
  if (lockedVoice === undefined && voices !== undefined && observedVoice !== undefined) {
    const name = voiceName(observedVoice);
    const first = voices.values().next().value;
    if ((name === undefined || !voices.has(name)) && first !== undefined) correction = mergeLocked(correction, { audio: { output: { voice: first } } });
  }
  const cap = policy.maxOutputTokens;
  if (cap !== undefined && (observed.max_output_tokens === 'inf' || (typeof observed.max_output_tokens === 'number' && observed.max_output_tokens > cap))) {
    correction.max_output_tokens = cap;
  }
  if (transcription) return Object.keys(correction).length === 0 ? undefined : ({ ...correction, type: 'transcription' } as unknown as RealtimeSessionConfig);
  if (Object.keys(correction).length === 0) return undefined;
  return { ...correction, type: 'realtime' } as RealtimeSessionConfig;
}

const textDecoder = new TextDecoder();

/** The `session` of a `session.updated` frame (undefined when the frame is not JSON). */
function sessionOf(frame: RelayFrame): unknown {
  try {
    const event: unknown = JSON.parse(typeof frame === 'string' ? frame : textDecoder.decode(frame));
    return isRecord(event) ? event.session : undefined;
  } catch {
    return undefined;
  }
}

/** A `CreateWebSocket` hook as an upstream socket factory, given both forms of the key as the client transport gives them. */
function fromCreateWebSocket(create: CreateWebSocket): UpstreamSocketFactory {
  return async (url, init, handlers) => {
    const protocols = [...init.protocols];
    const bearer = /^Bearer (.+)$/.exec(init.headers.Authorization ?? '');
    if (bearer !== null) protocols.unshift('realtime', `openai-insecure-api-key.${bearer[1]}`);
    return wrapWebSocket(await create(url, { protocols, headers: { ...init.headers } }), handlers);
  };
}

/** `https://host/v1` → `wss://host/v1/realtime` (the sideband lives beside the REST base). */
function realtimeUrlOf(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/realtime`;
}

/** Hangs up a call with the server's key. Resolves true when the API ended it (404: already over). */
export async function hangupCall(options: { apiKey: ApiKeyProvider; callId: string; baseUrl?: string; fetch?: typeof fetch; signal?: AbortSignal; authHeaders?: (key: string) => Record<string, string> }): Promise<boolean> {
  const control = { apiKey: options.apiKey, ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }), ...(options.fetch === undefined ? {} : { fetch: options.fetch }), ...(options.authHeaders === undefined ? {} : { authHeaders: options.authHeaders }) };
  return postCallAction(control, 'realtime', options.callId, 'hangup', undefined, options.signal);
}

/** A call standing in for the relay's client socket on a sideband, and how it is ended. */
export interface CallStandIn {
  /** The socket: it cannot be written to (the caller hears the API directly), and closing it ends the call, unless the sideband already closed. */
  readonly socket: RelaySocket;
  /** Ends the call (once; a failure is reported to `onFailure`). */
  hangup(): Promise<void>;
  /** The hangup once one started (closing the socket starts it), else undefined. */
  readonly hangingUp: Promise<void> | undefined;
  /** The sideband closed: the call ended on its own, closing the socket no longer ends it. */
  upstreamClosed(): void;
}

/** The call of a sideband as the relay's client socket (Realtime and GPT-Live sidebands alike); `end` ends it (`/hangup`). */
export function callStandIn(end: () => Promise<unknown>, onFailure: (error: unknown) => void): CallStandIn {
  let closed = false;
  let hangingUp: Promise<void> | undefined;
  const hangup = (): Promise<void> => (hangingUp ??= end().then(() => undefined, onFailure));
  return {
    socket: {
      send: () => undefined,
      close: () => {
        if (!closed) void hangup();
      },
      bufferedAmount: 0,
      pause: () => undefined,
      resume: () => undefined,
    },
    hangup,
    get hangingUp() {
      return hangingUp;
    },
    upstreamClosed: () => void (closed = true),
  };
}

/**
 * Joins a call through a sideband WebSocket and runs the relay's session policy on it. Call
 * it right after the SDP answer came back (`createSdpHandler` does, when given `sideband`).
 * The ticket comes from `relay.admit(request, info)`.
 *
 * @throws {RealtimeError} when the sideband cannot connect (the ticket is given back; hang
 * the call up yourself if it must not go on without policy).
 */
export async function openSideband<Identity extends RelayIdentity>(options: SidebandOptions<Identity>, ticket: RelayTicket<Identity>, callId: string): Promise<Sideband<Identity>> {
  let connection: UpstreamConnection;
  try {
    // A sideband joins a call: the call has the model, so a `?model=` beside `call_id` goes.
    const url = new URL(options.url ?? (options.baseUrl === undefined ? DEFAULT_REALTIME_URL : realtimeUrlOf(options.baseUrl)));
    url.searchParams.delete('model');
    url.searchParams.set('call_id', callId);
    connection = await createUpstream({
      url: url.toString(),
      auth: options.authHeaders === undefined ? bearerAuth(options.apiKey) : async () => (options.authHeaders as (key: string) => Record<string, string>)((await resolveApiKey(options.apiKey)) ?? ''),
      createSocket: options.createSocket ?? (options.createWebSocket === undefined ? defaultUpstreamSocket : fromCreateWebSocket(options.createWebSocket)),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      clock: options.relay.settings.clock,
    }).dial(ticket.identity);
  } catch (error) {
    options.relay.abandon(ticket);
    throw error;
  }
  const upstream = connection.socket;
  const hangupOptions = {
    apiKey: options.apiKey,
    callId,
    ...(options.authHeaders === undefined ? {} : { authHeaders: options.authHeaders }),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  };
  const call = callStandIn(() => hangupCall(hangupOptions), (error) => options.relay.settings.logger.warn('sideband: hanging up the call failed', { callId, error: messageOf(error) }));
  const hangup = call.hangup;
  // The call's audio flows as media tracks: the budget is charged from the speech and playback events.
  const session = options.relay.open(ticket, call.socket, upstream, { audioInFrames: false });
  const maxCorrections = options.maxCorrections ?? DEFAULT_SIDEBAND_MAX_CORRECTIONS;
  let corrections = 0;
  connection.handOver(
    (frame) => {
      if (session.ended) return;
      const type = peekEventType(frame);
      if (type === 'session.updated') {
        const correction = sessionCorrection(ticket.policy, sessionOf(frame));
        if (correction === undefined) {
          corrections = 0;
        } else if (corrections >= maxCorrections) {
          options.relay.settings.logger.warn('sideband: the call keeps changing locked session fields; hanging up', { callId, sessionId: session.id });
          session.end('policy_violation', { code: CLOSE_CODES.policyViolation, message: 'locked session fields changed' });
          return;
        } else {
          corrections += 1;
          upstream.send(JSON.stringify({ type: 'session.update', session: correction }));
        }
      }
      session.handleUpstreamFrame(frame);
      if (options.onServerFrame !== undefined) {
        try {
          options.onServerFrame(type, frame);
        } catch (error) {
          options.relay.settings.logger.warn('sideband: onServerFrame threw', { callId, error: error instanceof Error ? error.message : String(error) });
        }
      }
    },
    (code, reason) => {
      call.upstreamClosed();
      session.handleUpstreamClose(code, reason);
    },
  );
  return {
    callId,
    session,
    hangup: async () => {
      await hangup();
      session.end('ended_by_operator');
    },
  };
}
