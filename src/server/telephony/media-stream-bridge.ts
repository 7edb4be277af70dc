/**
 * A phone call's media WebSocket (Twilio Media Streams, or another provider through a
 * {@link TelephonyAdapter}) bridged to a Realtime session in G.711 (`audio/pcmu`, or
 * `audio/pcma`), byte for byte: no transcoding. The bridge is the relay session's client, so
 * the relay's policy, server-side tools, time and idle limits, budgets, concurrency and metrics
 * apply as to any relayed session.
 *
 * Barge-in is done from what the caller actually heard. Reply audio goes out in chunks of
 * `markIntervalMs`, each followed by a mark; the provider echoes a mark once the audio before
 * it has played. When the caller starts talking (`input_audio_buffer.speech_started`) and
 * audio is still queued at the provider, the bridge sends `clear` and truncates the item at
 * the end of the last chunk whose mark came back: exact to one chunk, never past what was sent,
 * never a wall-clock guess. When every mark is back, nothing is playing and nothing is cut.
 */
import { DEFAULT_MEDIA_STREAM_MARK_INTERVAL_MS } from '../../base/defaults';
import { EventEmitter } from '../../base/emitter';
import { RealtimeError, messageOf } from '../../base/errors';
import type { ClientEventInput } from '../../events/client-events';
import type { SessionConfigInput } from '../../events/session-input';
import { decodeBase64, encodeBase64 } from '../../codec/base64';
import { peekEventType } from '../core/frame-scan';
import type { RelayCore } from '../core/relay-core';
import type { RelayIdentity } from '../core/relay-options';
import type { RelaySession } from '../core/relay-session';
import type { RelayFrame, RelaySocket } from '../core/socket';
import type { Upstream } from '../upstream';
import type { TelephonyAdapter, TelephonyAudioFormat } from './telephony-adapter';
import { twilioMediaStreams } from './twilio';

/** The provider's side of the call: a WebSocket, as the Node adapter or a Worker holds it. */
export interface TelephonySocket {
  /** Sends one text frame to the provider. */
  send(text: string): void;
  /** Closes the provider's WebSocket (the provider ends the stream). */
  close(code: number, reason: string): void;
}

/** What the stream's `start` said, as the bridge hands it to `identify`. */
export interface MediaStreamStartInfo {
  /** The provider's stream id (Twilio `streamSid`). */
  streamId: string;
  /** The provider's call id (Twilio `CallSid`). */
  callId: string | undefined;
  /** The app's stream parameters (Twilio `<Parameter>`s, e.g. `from`): set by your voice webhook. */
  parameters: Readonly<Record<string, string>>;
}

/** @deprecated Renamed {@link MediaStreamStartInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type MediaStreamStart = MediaStreamStartInfo;

/** A barge-in, as the bridge handled it. */
export interface MediaStreamInterruptionInfo {
  /** The assistant item that was cut. */
  itemId: string;
  /** Where it was truncated: the audio the provider confirmed played, in ms. */
  playedMs: number;
  /** How much of it had been sent to the provider, in ms. */
  sentMs: number;
}

/** @deprecated Renamed {@link MediaStreamInterruptionInfo} (the payload of an SDK event ends in `Info`); this alias goes in the next minor release. */
export type MediaStreamInterruption = MediaStreamInterruptionInfo;

/** Events of a {@link MediaStreamCall}. */
export interface MediaStreamCallEvents {
  /** The stream started and the relay session is open. */
  started: [start: MediaStreamStartInfo];
  /** The caller pressed a key. */
  dtmf: [
    dtmf: {
      /** The key: `0`-`9`, `*`, `#`. */
      digit: string;
    },
  ];
  /** The caller barged in over queued audio: cleared and truncated. */
  interrupted: [interruption: MediaStreamInterruptionInfo];
  /** The call's session ended (stop, hangup, limits, refusal). */
  ended: [
    ended: {
      /** Why it ended (the relay's end reason, or `stop`). */
      reason: string;
    },
  ];
}

/** Options of a {@link MediaStreamCall} (and of the Node `createMediaStreamServer`). */
export interface MediaStreamBridgeOptions<Identity extends RelayIdentity = RelayIdentity> {
  /** The relay core whose admission, policy, tools, limits, budgets and metrics apply. */
  relay: RelayCore<Identity>;
  /** The Realtime endpoint to dial per call (`createUpstream`; the Node adapter builds it from `apiKey`). */
  upstream: Upstream<Identity>;
  /** The provider's protocol. @default twilioMediaStreams */
  adapter?: TelephonyAdapter;
  /**
   * Who the call is charged to (budgets and concurrency count per `userId`). The parameters
   * come from your own voice webhook; the caller's number in them is the phone network's word.
   * @default `{ userId: 'phone:' + (parameters.from ?? callId ?? streamId) }`
   */
  identify?: (start: MediaStreamStartInfo) => Identity | Promise<Identity>;
  /**
   * The session the call asks for (the relay's locked fields win). The audio formats are set
   * to the stream's G.711 whatever this says.
   * @default {}
   */
  session?: SessionConfigInput;
  /**
   * Reply audio per mark, in ms: the truncation point is exact to this.
   * @default 100
   */
  markIntervalMs?: number;
}

/** Caller audio held while the session opens: 5 s of 20 ms packets. */
const MAX_EARLY_MEDIA_FRAMES = 250;
/** G.711 at 8 kHz: one byte per sample. */
const BYTES_PER_MS = 8;
const MARK_PREFIX = 'vx';

interface SentMark {
  itemId: string;
  /** Ms of the item's audio sent up to this mark. */
  endMs: number;
}

interface PlayingItem {
  contentIndex: number;
  sentMs: number;
  playedMs: number;
}

function textOf(frame: RelayFrame): string {
  return typeof frame === 'string' ? frame : new TextDecoder().decode(frame);
}

/**
 * One call on a provider's media WebSocket. Feed it the provider's frames and close; it opens
 * the relay session when the stream starts.
 *
 * @example
 * ```ts
 * // A Worker or Deno server holding the provider's WebSocket:
 * const call = new MediaStreamCall({ send: (text) => ws.send(text), close: (code, reason) => ws.close(code, reason) }, { relay, upstream });
 * ws.onmessage = (event) => call.handleProviderFrame(String(event.data));
 * ws.onclose = () => call.handleProviderClose();
 * ```
 */
export class MediaStreamCall<Identity extends RelayIdentity = RelayIdentity> extends EventEmitter<MediaStreamCallEvents> {
  readonly #provider: TelephonySocket;
  readonly #options: MediaStreamBridgeOptions<Identity>;
  readonly #adapter: TelephonyAdapter;
  readonly #markBytes: number;
  #streamId: string | undefined;
  #session: RelaySession<Identity> | undefined;
  #early: string[] | undefined = [];
  #providerClosed = false;
  #ended = false;
  #markSeq = 0;
  readonly #marks = new Map<string, SentMark>();
  readonly #items = new Map<string, PlayingItem>();
  /** Items cut by a barge-in: their late deltas are dropped. */
  readonly #cut = new Set<string>();

  constructor(provider: TelephonySocket, options: MediaStreamBridgeOptions<Identity>) {
    super();
    if (typeof options?.relay?.admitIdentity !== 'function') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'MediaStreamCall: `relay` must be a RelayCore.', { path: 'relay' });
    if (typeof options.upstream?.dial !== 'function') throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'MediaStreamCall: `upstream` must come from createUpstream().', { path: 'upstream' });
    const markIntervalMs = options.markIntervalMs ?? DEFAULT_MEDIA_STREAM_MARK_INTERVAL_MS;
    if (!Number.isFinite(markIntervalMs) || markIntervalMs < 20) throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `MediaStreamCall: \`markIntervalMs\` must be at least 20 (one packet), got ${String(markIntervalMs)}.`, { path: 'markIntervalMs' });
    this.#provider = provider;
    this.#options = options;
    this.#adapter = options.adapter ?? twilioMediaStreams;
    this.#markBytes = Math.round(markIntervalMs) * BYTES_PER_MS;
  }

  /** The relay session, once the stream started. */
  get session(): RelaySession<Identity> | undefined {
    return this.#session;
  }

  /** The provider's stream id, once started. */
  get streamId(): string | undefined {
    return this.#streamId;
  }

  /** Sends a client event into the session, through the relay's policy (a text item for a DTMF menu, a `response.create`). */
  send(event: ClientEventInput): void {
    this.#session?.handleClientFrame(JSON.stringify(event));
  }

  /** Ends the call's session and closes the provider's stream. */
  hangup(): void {
    if (this.#session) this.#session.end('ended_by_operator');
    else this.#finish('ended_by_operator');
  }

  /** Feeds one text frame from the provider. */
  handleProviderFrame(frame: string): void {
    if (this.#ended) return;
    const event = this.#adapter.parse(frame);
    if (event === undefined) return;
    switch (event.type) {
      case 'media': {
        const append = `{"type":"input_audio_buffer.append","audio":"${event.payload}"}`;
        if (this.#session) this.#session.handleClientFrame(append);
        else if (this.#early !== undefined && this.#early.length < MAX_EARLY_MEDIA_FRAMES) this.#early.push(append);
        return;
      }
      case 'mark':
        this.#onMark(event.name);
        return;
      case 'dtmf':
        this.emit('dtmf', { digit: event.digit });
        return;
      case 'start':
        if (this.#streamId !== undefined) return;
        this.#streamId = event.streamId;
        void this.#start({ streamId: event.streamId, callId: event.callId, parameters: event.parameters }, event.format ?? 'audio/pcmu');
        return;
      case 'stop':
        this.handleProviderClose();
        return;
      default:
    }
  }

  /** The provider's WebSocket closed (or sent `stop`). */
  handleProviderClose(): void {
    if (this.#providerClosed) return;
    this.#providerClosed = true;
    if (this.#session) this.#session.handleClientClose(1000, 'stream stopped');
    else this.#finish('client_closed');
  }

  async #start(start: MediaStreamStartInfo, format: TelephonyAudioFormat): Promise<void> {
    const { relay, upstream } = this.#options;
    const logger = relay.settings.logger;
    let identity: Identity;
    try {
      identity = this.#options.identify ? await this.#options.identify(start) : ({ userId: `phone:${start.parameters.from ?? start.callId ?? start.streamId}` } as Identity);
    } catch (error) {
      logger.error('media stream: identify() threw; the call is refused', { streamId: start.streamId, error: messageOf(error) });
      this.#finish('refused');
      return;
    }
    const admission = await relay.admitIdentity(identity);
    if (admission.status !== 'accepted') {
      logger.warn('media stream: the relay refused the call', { streamId: start.streamId, reason: admission.status === 'refused' ? admission.message : admission.body });
      this.#finish('refused');
      return;
    }
    const ticket = admission.ticket;
    if (this.#providerClosed) {
      relay.abandon(ticket);
      this.#finish('client_closed');
      return;
    }
    let connection;
    try {
      connection = await upstream.dial(identity);
    } catch (error) {
      relay.abandon(ticket);
      logger.error('media stream: the Realtime API could not be reached; the call is ended', { streamId: start.streamId, error: messageOf(error) });
      this.#finish('upstream_failed');
      return;
    }
    const client: RelaySocket = {
      send: (frame) => this.#onServerFrame(frame),
      close: (_code, reason) => this.#finish(reason || 'ended'),
      bufferedAmount: 0,
      pause: () => undefined,
      resume: () => undefined,
    };
    const session = relay.open(ticket, client, connection.socket);
    this.#session = session;
    connection.handOver(
      (frame) => session.handleUpstreamFrame(frame),
      (code, reason) => session.handleUpstreamClose(code, reason),
    );
    const asked = (this.#options.session ?? {}) as Record<string, unknown>;
    const audio = (typeof asked.audio === 'object' && asked.audio !== null ? asked.audio : {}) as Record<string, Record<string, unknown> | undefined>;
    session.handleClientFrame(
      JSON.stringify({
        type: 'session.update',
        session: { ...asked, type: 'realtime', audio: { ...audio, input: { ...audio.input, format: { type: format } }, output: { ...audio.output, format: { type: format } } } },
      }),
    );
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const append of early) session.handleClientFrame(append);
    if (this.#providerClosed) session.handleClientClose(1000, 'stream stopped');
    else this.emit('started', start);
  }

  #onServerFrame(frame: RelayFrame): void {
    const type = peekEventType(frame);
    if (type === 'response.output_audio.delta') this.#play(frame);
    else if (type === 'input_audio_buffer.speech_started') this.#bargeIn();
  }

  /** Sends a delta to the provider in mark-sized chunks, each followed by its mark. */
  #play(frame: RelayFrame): void {
    const streamId = this.#streamId;
    if (streamId === undefined) return;
    let event: { item_id?: unknown; content_index?: unknown; delta?: unknown };
    try {
      event = JSON.parse(textOf(frame)) as typeof event;
    } catch {
      return;
    }
    if (typeof event.item_id !== 'string' || typeof event.delta !== 'string' || this.#cut.has(event.item_id)) return;
    const itemId = event.item_id;
    let item = this.#items.get(itemId);
    if (item === undefined) {
      item = { contentIndex: typeof event.content_index === 'number' ? event.content_index : 0, sentMs: 0, playedMs: 0 };
      this.#items.set(itemId, item);
    }
    let bytes: Uint8Array;
    try {
      bytes = decodeBase64(event.delta);
    } catch {
      return;
    }
    for (let start = 0; start < bytes.length; start += this.#markBytes) {
      const chunk = bytes.subarray(start, start + this.#markBytes);
      this.#provider.send(this.#adapter.media(streamId, bytes.length <= this.#markBytes ? event.delta : encodeBase64(chunk)));
      item.sentMs += chunk.length / BYTES_PER_MS;
      const name = `${MARK_PREFIX}${++this.#markSeq}`;
      this.#marks.set(name, { itemId, endMs: item.sentMs });
      this.#provider.send(this.#adapter.mark(streamId, name));
    }
  }

  #onMark(name: string): void {
    const mark = this.#marks.get(name);
    if (mark === undefined) return;
    this.#marks.delete(name);
    const item = this.#items.get(mark.itemId);
    if (item === undefined) return;
    item.playedMs = Math.max(item.playedMs, mark.endMs);
    // Fully heard and nothing more queued for it: forget it.
    if (item.playedMs >= item.sentMs && ![...this.#marks.values()].some((pending) => pending.itemId === mark.itemId)) this.#items.delete(mark.itemId);
  }

  #bargeIn(): void {
    const streamId = this.#streamId;
    if (streamId === undefined || this.#marks.size === 0) return;
    // Marks still out mean audio is queued at the provider: drop it, and cut each item there.
    this.#provider.send(this.#adapter.clear(streamId));
    const cut = new Set([...this.#marks.values()].map((mark) => mark.itemId));
    // The provider answers a clear by echoing the pending marks: they played nothing.
    this.#marks.clear();
    for (const itemId of cut) {
      const item = this.#items.get(itemId);
      this.#items.delete(itemId);
      if (item === undefined) continue;
      this.#cut.add(itemId);
      const playedMs = Math.floor(item.playedMs);
      this.#session?.handleClientFrame(JSON.stringify({ type: 'conversation.item.truncate', item_id: itemId, content_index: item.contentIndex, audio_end_ms: playedMs }));
      this.emit('interrupted', { itemId, playedMs, sentMs: item.sentMs });
    }
  }

  #finish(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#early = undefined;
    if (!this.#providerClosed) {
      this.#providerClosed = true;
      this.#provider.close(1000, reason.slice(0, 100));
    }
    this.emit('ended', { reason });
  }
}
