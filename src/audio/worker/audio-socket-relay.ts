/**
 * The socket worker's logic, free of worker globals so it runs under test in Node: it owns the
 * WebSocket, decodes output deltas straight into the playback worklet, encodes the capture
 * worklet's chunks straight onto the wire, and on barge-in flushes playback and truncates to
 * what was rendered, all without the page's main thread. The page receives every frame
 * (audio deltas without their payload) and keeps the conversation.
 */

import { parseRecord } from '../../base/is-record';
import { encodeBase64, pcm16ToBase64 } from '../../codec/base64';
import type { AudioFormatLike } from '../../codec/audio-format';
import { wireAudioDecoder, type WireAudioDecoder } from '../../codec/wire-audio';
import type { CaptureProcessorMessage, PlaybackControlMessage, PlaybackProcessorMessage } from '../worklets/messages';
import { OFF_THREAD_SAMPLES, type PageToWorkerMessage, type WorkerToPageMessage } from './protocol';

/** The WHATWG WebSocket slice the relay uses. */
export interface RelaySocket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}

/** The MessagePort slice the relay uses. */
export interface RelayPort {
  onmessage: ((event: { data: unknown }) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** What the relay is given by its worker. */
export interface AudioSocketRelayOptions {
  /** Posts to the page. */
  post(message: WorkerToPageMessage, transfer?: Transferable[]): void;
  /** Opens a WebSocket. */
  createSocket(url: string, protocols: string[]): RelaySocket;
}

const OPEN = 1;
/** How many flushed items, received counts and sent truncates are remembered. */
const REMEMBERED = 64;
/** Flush ids of the worker, far above the page's own sequence. */
const FIRST_FLUSH_ID = 1_000_000_000;
/** How often a socket's `bufferedAmount` is read again while bytes wait to leave. */
const BUFFERED_POLL_MS = 50;

/** One relay per worker: any number of sockets, the latest one carries the audio. */
export class AudioSocketRelay {
  readonly #options: AudioSocketRelayOptions;
  readonly #sockets = new Map<number, RelaySocket>();
  /** The socket the audio goes with: the latest opened. */
  #audioSocketId: number | undefined;
  /** True once the audio socket's session was configured (`session.updated`): input may flow. */
  #live = false;
  #inputEnabled = false;
  #capture: RelayPort | undefined;
  #playback: RelayPort | undefined;
  #routedToWorker = false;
  #format: AudioFormatLike = { type: 'audio/pcm', rate: 24000 };
  #decoder: WireAudioDecoder | undefined;
  /** Samples received per part (`contentIndex:itemId`). */
  readonly #received = new Map<string, number>();
  /** Items whose audio a barge-in cut: the rest is not played. */
  readonly #flushedItems = new Set<string>();
  /** Truncates this worker sent, as `item|index|ms`: the client's identical one is not sent again. */
  readonly #sentTruncates = new Set<string>();
  #flushId = FIRST_FLUSH_ID;
  readonly #bargeInFlushes = new Set<number>();
  /** True while the page listens to the client's `audio` event. */
  #audioWanted = false;
  /** The `bufferedAmount` last posted, per socket. */
  readonly #buffered = new Map<number, number>();
  #bufferedTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: AudioSocketRelayOptions) {
    this.#options = options;
  }

  /** One message from the page. */
  receive(message: PageToWorkerMessage): void {
    switch (message.type) {
      case 'open':
        this.#open(message.id, message.url, message.protocols);
        return;
      case 'send':
        this.#send(message.id, message.text);
        // The page counted the frame into its bufferedAmount: it always hears the real figure.
        this.#reportBuffered(message.id);
        return;
      case 'close': {
        const socket = this.#sockets.get(message.id);
        if (socket === undefined) return;
        try {
          socket.close(message.code, message.reason);
        } catch {
          // A code outside 1000 and 3000–4999 throws: close plainly.
          socket.close();
        }
        return;
      }
      case 'capture':
        if (this.#capture !== undefined) this.#capture.onmessage = null;
        this.#capture = (message.port ?? undefined) as RelayPort | undefined;
        this.#routedToWorker = message.routed === true;
        if (this.#capture !== undefined) this.#capture.onmessage = (event) => this.#onCapture(event.data as CaptureProcessorMessage);
        this.#route();
        return;
      case 'playback':
        if (this.#playback !== undefined) this.#playback.onmessage = null;
        this.#playback = (message.port ?? undefined) as RelayPort | undefined;
        if (this.#playback !== undefined) this.#playback.onmessage = (event) => this.#onPlayback(event.data as PlaybackProcessorMessage);
        return;
      case 'input':
        this.#inputEnabled = message.enabled;
        this.#route();
        return;
      case 'audio':
        this.#audioWanted = message.wanted;
        return;
    }
  }

  #open(id: number, url: string, protocols: string[]): void {
    let socket: RelaySocket;
    try {
      socket = this.#options.createSocket(url, protocols);
    } catch (error) {
      this.#options.post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) });
      this.#options.post({ type: 'close', id, code: 1006, reason: '' });
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#sockets.set(id, socket);
    this.#audioSocketId = id;
    this.#live = false;
    this.#route();
    socket.onopen = () => this.#options.post({ type: 'open', id });
    socket.onmessage = (event) => this.#onFrame(id, event.data);
    socket.onerror = () => this.#options.post({ type: 'error', id, message: 'WebSocket error' });
    socket.onclose = (event) => {
      this.#sockets.delete(id);
      this.#buffered.delete(id);
      if (this.#audioSocketId === id) {
        this.#audioSocketId = undefined;
        this.#live = false;
        this.#route();
      }
      this.#options.post({ type: 'close', id, code: event.code, reason: event.reason });
    };
  }

  #send(id: number, text: string): void {
    const socket = this.#sockets.get(id);
    if (socket === undefined || socket.readyState !== OPEN) return;
    // The client truncates after its own flush to the same figure the worker already sent.
    if (id === this.#audioSocketId && text.includes('"conversation.item.truncate"')) {
      const key = truncateKey(parseRecord(text));
      if (key !== undefined && this.#sentTruncates.delete(key)) return;
    }
    socket.send(text);
  }

  #onFrame(id: number, data: unknown): void {
    if (typeof data !== 'string') {
      const bytes = data instanceof ArrayBuffer ? data : new TextEncoder().encode(String(data)).buffer;
      this.#options.post({ type: 'message', id, data: bytes }, [bytes]);
      return;
    }
    if (id === this.#audioSocketId) {
      if (this.#playback !== undefined && data.includes('"response.output_audio.delta"')) {
        const played = this.#playDelta(data);
        if (played !== undefined) {
          // An `audio` listener on the page wants the samples: the frame goes whole, marked as played.
          this.#options.post(this.#audioWanted ? { type: 'message', id, data, played: played.itemId } : { type: 'message', id, data: played.stripped() });
          return;
        }
      } else if (data.includes('"input_audio_buffer.speech_started"')) {
        if (parseRecord(data)?.type === 'input_audio_buffer.speech_started') this.#bargeIn();
      } else if (data.includes('"session.updated"') || data.includes('"session.created"')) {
        this.#readSession(parseRecord(data));
      }
    }
    this.#options.post({ type: 'message', id, data });
  }

  /** Plays a delta; returns its item and the frame without its audio, or undefined to forward it whole, unplayed. */
  #playDelta(text: string): { itemId: string; stripped: () => string } | undefined {
    const event = parseRecord(text);
    if (event?.type !== 'response.output_audio.delta') return undefined;
    const { item_id: itemId, content_index: contentIndex, delta } = event;
    if (typeof itemId !== 'string' || typeof contentIndex !== 'number' || !Number.isInteger(contentIndex) || typeof delta !== 'string') return undefined;
    let samples: Int16Array;
    try {
      this.#decoder ??= wireAudioDecoder(this.#format);
      samples = this.#decoder.decode(delta);
    } catch {
      // The client decodes it again and reports the error.
      return undefined;
    }
    const key = `${contentIndex}:${itemId}`;
    // Read before the buffer is transferred (a transferred array has length 0).
    const count = samples.length;
    remember(this.#received, key, (this.#received.get(key) ?? 0) + count);
    if (!this.#flushedItems.has(itemId) && count > 0) {
      const write: PlaybackControlMessage = { type: 'write', itemId, contentIndex, samples, sampleRate: this.#decoder.info.sampleRate };
      this.#playback?.postMessage(write, [samples.buffer as ArrayBuffer]);
    }
    return {
      itemId,
      stripped: () => {
        const forwarded: Record<string, unknown> = { ...event, delta: '' };
        forwarded[OFF_THREAD_SAMPLES] = count;
        return JSON.stringify(forwarded);
      },
    };
  }

  /** The user spoke over the assistant: fade out now; the acknowledgement truncates. */
  #bargeIn(): void {
    if (this.#playback === undefined) return;
    this.#flushId += 1;
    this.#bargeInFlushes.add(this.#flushId);
    const flush: PlaybackControlMessage = { type: 'flush', id: this.#flushId, immediate: false };
    this.#playback.postMessage(flush);
  }

  #onPlayback(message: PlaybackProcessorMessage): void {
    if (message.type !== 'flushed') return;
    const ours = message.ids.filter((id) => this.#bargeInFlushes.delete(id));
    const position = message.position;
    if (ours.length === 0 || position === null) return;
    this.#flushedItems.add(position.itemId);
    if (this.#flushedItems.size > REMEMBERED) this.#flushedItems.delete(this.#flushedItems.values().next().value as string);
    // The same arithmetic as the client's (src/client/output-audio.ts): played, clamped to
    // what was received, in whole ms; no truncate when nothing unheard remains.
    const receivedMs = ((this.#received.get(`${position.contentIndex}:${position.itemId}`) ?? 0) / position.sampleRate) * 1000;
    const playedMs = Math.floor(Math.min((position.playedSamples / position.sampleRate) * 1000, receivedMs));
    if (playedMs >= Math.floor(receivedMs)) return;
    const socket = this.#audioSocketId === undefined ? undefined : this.#sockets.get(this.#audioSocketId);
    if (socket === undefined || socket.readyState !== OPEN) return;
    socket.send(JSON.stringify({ type: 'conversation.item.truncate', item_id: position.itemId, content_index: position.contentIndex, audio_end_ms: playedMs }));
    this.#watchBuffered();
    const key = `${position.itemId}|${position.contentIndex}|${playedMs}`;
    this.#sentTruncates.add(key);
    if (this.#sentTruncates.size > REMEMBERED) this.#sentTruncates.delete(this.#sentTruncates.values().next().value as string);
  }

  #onCapture(message: CaptureProcessorMessage): void {
    if (message.type !== 'chunk') return;
    const socket = this.#audioSocketId === undefined ? undefined : this.#sockets.get(this.#audioSocketId);
    if (!this.#live || !this.#inputEnabled || socket === undefined || socket.readyState !== OPEN) return;
    const audio = message.data instanceof Int16Array ? pcm16ToBase64(message.data) : encodeBase64(message.data);
    socket.send(`{"type":"input_audio_buffer.append","audio":"${audio}"}`);
    this.#watchBuffered();
  }

  /** Posts a socket's `bufferedAmount` now (even unchanged), and watches it while bytes wait. */
  #reportBuffered(id: number): void {
    const bytes = this.#sockets.get(id)?.bufferedAmount ?? 0;
    this.#buffered.set(id, bytes);
    this.#options.post({ type: 'buffered', id, bytes });
    if (bytes > 0) this.#watchBuffered();
  }

  /**
   * Reads every socket's `bufferedAmount` shortly, posting those that changed, and again while
   * any bytes wait: a cadence, so the worker's own appends do not post a message each.
   */
  #watchBuffered(): void {
    if (this.#bufferedTimer !== undefined) return;
    this.#bufferedTimer = setTimeout(() => {
      this.#bufferedTimer = undefined;
      let waiting = false;
      for (const [id, socket] of this.#sockets) {
        const bytes = socket.bufferedAmount;
        if (bytes > 0) waiting = true;
        if (bytes === (this.#buffered.get(id) ?? 0)) continue;
        this.#buffered.set(id, bytes);
        this.#options.post({ type: 'buffered', id, bytes });
      }
      if (waiting) this.#watchBuffered();
    }, BUFFERED_POLL_MS);
  }

  #readSession(event: Record<string, unknown> | undefined): void {
    if (event?.type !== 'session.updated' && event?.type !== 'session.created') return;
    const session = event.session as { audio?: { output?: { format?: unknown } } } | undefined;
    const format = session?.audio?.output?.format as AudioFormatLike | undefined;
    if (typeof format?.type === 'string') {
      this.#format = format;
      this.#decoder = undefined;
    }
    if (event.type === 'session.updated') this.#live = true;
  }

  /**
   * Tells the capture worklet where its chunks go: here while a client wants them and this
   * worker holds its socket (chunks before the session is configured are dropped here, as the
   * client drops them before it is live).
   */
  #route(): void {
    const toWorker = this.#inputEnabled && this.#audioSocketId !== undefined;
    if (this.#capture === undefined || toWorker === this.#routedToWorker) return;
    this.#routedToWorker = toWorker;
    this.#capture.postMessage({ type: 'route', toLink: toWorker });
  }
}

function truncateKey(event: Record<string, unknown> | undefined): string | undefined {
  if (event?.type !== 'conversation.item.truncate') return undefined;
  return `${String(event.item_id)}|${String(event.content_index)}|${String(event.audio_end_ms)}`;
}

function remember(map: Map<string, number>, key: string, value: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value as string);
}
