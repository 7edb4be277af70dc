/**
 * The two sockets of a relayed session and the flow control between them: frames go on as
 * they are, counted in the metrics; when one side's send buffer passes the high-water mark,
 * reading from the other side pauses until it drains below the low-water mark (polled, since
 * a {@link RelaySocket} has no drain event).
 */
import type { LegacyBridge } from './legacy-bridge';
import type { ResolvedRelaySettings } from './relay-settings';
import { frameLength, now } from './session-frames';
import type { RelayFrame, RelaySocket } from './socket';

/** The settings the pipe reads. */
type PipeSettings = Pick<ResolvedRelaySettings<never>, 'highWaterMarkBytes' | 'lowWaterMarkBytes' | 'backpressurePollMs' | 'metrics' | 'clock'>;

/** Bytes queued in each direction and whether reading is paused because of them. */
export interface SessionBuffered {
  /** Bytes queued on the client socket (its `bufferedAmount`). */
  toClient: number;
  /** Bytes queued on the upstream socket (its `bufferedAmount`). */
  toUpstream: number;
  /** Whether reading from the upstream is paused because the client socket is backed up. */
  upstreamPaused: boolean;
  /** Whether reading from the client is paused because the upstream socket is backed up. */
  clientPaused: boolean;
}

/** A session's client and upstream sockets with backpressure between them. */
export class SessionPipe {
  readonly client: RelaySocket;
  readonly upstream: RelaySocket;
  /** The relay's settings (water marks, metrics, clock): one reference, not a copy of each. */
  readonly #settings: PipeSettings;
  readonly #bridge: LegacyBridge | undefined;
  #pollTimer: unknown;
  #upstreamPaused = false;
  #clientPaused = false;
  #stopped = false;

  /** `bridge`: translates what goes to a client of the retired beta interface (when it is one). */
  constructor(client: RelaySocket, upstream: RelaySocket, settings: PipeSettings, bridge: LegacyBridge | undefined) {
    this.client = client;
    this.#bridge = bridge;
    this.upstream = upstream;
    this.#settings = settings;
  }

  get buffered(): SessionBuffered {
    return { toClient: this.client.bufferedAmount, toUpstream: this.upstream.bufferedAmount, upstreamPaused: this.#upstreamPaused, clientPaused: this.#clientPaused };
  }

  /** Sends a frame the relay wrote itself to the client. */
  sendToClient(frame: string): void {
    this.client.send(frame);
    this.#settings.metrics.upstreamFrames += 1;
    this.#settings.metrics.upstreamBytes += frame.length;
  }

  /** Forwards an upstream frame to the client (translated for a beta client); `startedAt` (or -1) times it for the latency histogram. */
  toClient(upstreamFrame: RelayFrame, startedAt: number): void {
    const frame = this.#bridge?.active === true ? this.#bridge.toClient(upstreamFrame) : upstreamFrame;
    const client = this.client;
    client.send(frame);
    const metrics = this.#settings.metrics;
    metrics.upstreamFrames += 1;
    metrics.upstreamBytes += frameLength(frame);
    if (startedAt >= 0) metrics.observeLatency((now() - startedAt) / 1000);
    if (!this.#upstreamPaused && client.bufferedAmount > this.#settings.highWaterMarkBytes) {
      this.#upstreamPaused = true;
      this.upstream.pause();
      this.#schedulePoll();
    }
  }

  /** Forwards a frame upstream; `startedAt` (or -1) times it for the latency histogram. */
  toUpstream(frame: RelayFrame, startedAt: number): void {
    const upstream = this.upstream;
    upstream.send(frame);
    const metrics = this.#settings.metrics;
    metrics.clientFrames += 1;
    metrics.clientBytes += frameLength(frame);
    if (startedAt >= 0) metrics.observeLatency((now() - startedAt) / 1000);
    if (!this.#clientPaused && upstream.bufferedAmount > this.#settings.highWaterMarkBytes) {
      this.#clientPaused = true;
      this.client.pause();
      this.#schedulePoll();
    }
  }

  /** Stops polling for drained buffers (the session ended). */
  stop(): void {
    this.#stopped = true;
    this.#settings.clock.clearTimeout(this.#pollTimer);
  }

  /** While a direction is paused, checks now and then whether the slow side has drained. */
  #schedulePoll(): void {
    this.#settings.clock.clearTimeout(this.#pollTimer);
    this.#pollTimer = this.#settings.clock.setTimeout(() => {
      if (this.#stopped) return;
      const low = this.#settings.lowWaterMarkBytes;
      if (this.#upstreamPaused && this.client.bufferedAmount <= low) {
        this.#upstreamPaused = false;
        this.upstream.resume();
      }
      if (this.#clientPaused && this.upstream.bufferedAmount <= low) {
        this.#clientPaused = false;
        this.client.resume();
      }
      if (this.#upstreamPaused || this.#clientPaused) this.#schedulePoll();
    }, this.#settings.backpressurePollMs);
  }
}
