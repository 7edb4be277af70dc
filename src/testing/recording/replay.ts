/**
 * `ReplayTransport`: plays a recorded session back to an app, with no server at all. It reads the
 * one log format (any log `toEventLog` reads: a recorder's file, a mock server's log, fixture
 * lines, an older recording). The app's
 * client connects to it as to any transport; it sends the recorded server events in order, and
 * where the recording shows the app sending something it waits until the app sends an event of
 * that type, so the replay keeps step with the app's own timing. Drops and closes happen where
 * they happened, and each reconnect gets the next recorded connection.
 */

import { EventEmitter } from '../../base/emitter';
import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { pcm16ToBase64 } from '../../codec/base64';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_MAX_SERVER_FRAME_BYTES } from '../../base/defaults';
import { ERROR_CODES, RealtimeError } from '../../base/errors';
import type { RealtimeErrorCode } from '../../base/errors';
import { parseServerEvent, serializeClientEvent } from '../../events/realtime-codec';
import type { ClientEventInput } from '../../events/client-events';
import type { ServerEvent } from '../../events/server-events';
import type { Transport, TransportCapabilities, TransportConnectOptions, TransportEvents, TransportProtocol } from '../../transport/transport';
import type { EventLog, SentEntry, WireEvent } from './event-log';
import { AUDIO_FIELDS } from './format';
import type { LogLine } from './format';
import { toEventLog, toRecording } from './read-log';
import type { RecordingSource } from './read-log';
import type { Recording } from './legacy-recording';

/** Options of {@link ReplayTransport}. */
export interface ReplayTransportOptions {
  /**
   * How fast server events follow each other: `'instant'` (as fast as the app keeps up,
   * yielding to the event loop between events), `'recorded'` (the recorded gaps), or a
   * speed-up factor over the recorded gaps (`4` = four times faster).
   * @default 'instant'
   */
  pace?: 'instant' | 'recorded' | number;
  /**
   * Where the recording shows the app sending an event, wait until the app sends one of that
   * type before replaying what the server said next (`input_audio_buffer.append` never waits:
   * audio is paced by the app). With false, the server side plays on regardless.
   * @default true
   */
  followClient?: boolean;
  /**
   * How long to wait for such an event. After that the replay reports a `VOXWIRE_TIMEOUT`
   * error on the transport and plays on, so a diverging app shows up rather than hangs.
   * @default 5000
   */
  clientTimeoutMs?: number;
  /** Timers for pacing and timeouts. @default systemClock */
  clock?: Clock;
  /**
   * The protocol of the recording: how the app's events are validated and the recorded server
   * events parsed. A client gives its own at `connect()` (`LiveClient` gives `liveProtocol`), so
   * this is needed only for a replay used without a client.
   * @default the protocol `connect()` is given, else the Realtime conversation protocol
   */
  protocol?: TransportProtocol;
}

/** A client event the app sent during a replay. */
export interface ReplayReceivedInfo {
  /** The recorded connection it was sent on. */
  connection: number;
  /** The event as the app passed it to `send()`. */
  event: ClientEventInput;
}

/** The connection being replayed. */
interface ReplayConnection {
  connection: number;
  /** How many events of each type the app sent on it. */
  sent: Map<string, number>;
  stop: AbortController;
  /** Wakes a wait for the app's next event. */
  wake: (() => void) | undefined;
}

const OPEN_CONNECTION_MISSING = -1;

/** A recorded error code as a `RealtimeError` code (a code this SDK no longer knows becomes `fallback`). */
function errorCode(code: string, fallback: RealtimeErrorCode): RealtimeErrorCode {
  return Object.hasOwn(ERROR_CODES, code) ? (code as RealtimeErrorCode) : fallback;
}

function recordedGapMs(pace: ReplayTransportOptions['pace'], gap: number): number {
  if (pace === 'recorded') return gap;
  if (typeof pace === 'number') return gap / pace;
  return 0;
}

/** An event with its omitted audio replaced by silence of the recorded length. */
function withAudio(entry: SentEntry): WireEvent {
  const field = AUDIO_FIELDS[entry.event.type];
  if (field === undefined || entry.audioOmitted !== true) return entry.event;
  const samples = new Int16Array(Math.floor((entry.audioBytes ?? 0) / 2));
  return { ...entry.event, [field]: pcm16ToBase64(samples) };
}

/**
 * A transport that replays a recording (see `RecordingTransport`). Everything the app sends is
 * validated as a real transport would and kept in {@link ReplayTransport.received}.
 *
 * @example
 * ```ts
 * import { RealtimeClient } from 'voxwire';
 * import { ReplayTransport } from 'voxwire/testing';
 *
 * const transport = new ReplayTransport(await readFile('fixtures/bug-1234.jsonl', 'utf8'));
 * const client = new RealtimeClient({ transport, tools: [getWeather] });
 * await client.connect();          // the recorded session.created / session.updated
 * client.sendText('Weather in Paris?'); // the recorded answer follows
 * ```
 */
export class ReplayTransport extends EventEmitter<TransportEvents> implements Transport {
  /** The log being played, in the one log format. */
  readonly log: EventLog;
  /** What the app sent, in order, across connections. */
  readonly received: ReplayReceivedInfo[] = [];
  readonly capabilities: TransportCapabilities;
  readonly #options: ReplayTransportOptions;
  readonly #clock: Clock;
  /** The recorded connections, by index. */
  readonly #connections: Map<number, LogLine[]>;
  #nextConnection = 0;
  #current: ReplayConnection | undefined;
  /** The protocol spoken: the `protocol` option, else the one the last `connect()` was given. */
  #protocol: TransportProtocol | undefined;

  /**
   * @param recording - Any log of wire events `toEventLog` reads: a recorder's file (its JSONL
   *   text or lines) or `log`, a mock server's log, fixture lines, an older recording. The
   *   server's side is replayed.
   * @param options - See {@link ReplayTransportOptions}.
   * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for a malformed log or options.
   */
  constructor(recording: RecordingSource, options: ReplayTransportOptions = {}) {
    super();
    this.log = toEventLog(recording);
    const pace = options.pace ?? 'instant';
    if (pace !== 'instant' && pace !== 'recorded' && !(typeof pace === 'number' && Number.isFinite(pace) && pace > 0)) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `ReplayTransport: pace must be 'instant', 'recorded' or a speed-up factor > 0, got ${JSON.stringify(pace)}.`);
    }
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.capabilities = { audio: this.log.header.audio };
    this.#connections = new Map();
    for (const line of this.log.timeline()) {
      const list = this.#connections.get(line.connection) ?? [];
      list.push(line);
      this.#connections.set(line.connection, list);
    }
  }

  /**
   * The log in the version 1 `Recording` shape.
   * @deprecated Read {@link ReplayTransport.log}, the one log format.
   */
  get recording(): Recording {
    return toRecording(this.log);
  }

  /** True while a replayed connection is open. */
  get isOpen(): boolean {
    return this.#current !== undefined;
  }

  /** How many recorded connections have not been played yet. */
  get remainingConnections(): number {
    return Math.max(0, this.#connections.size - this.#nextConnection);
  }

  /**
   * Opens the next recorded connection. Fails as the recorded attempt failed, or with
   * `VOXWIRE_CONNECTION_FAILED` when the recording has no more connections.
   */
  async connect(options: TransportConnectOptions = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.#current) {
      throw new RealtimeError('VOXWIRE_INVALID_ARGUMENT', 'ReplayTransport.connect(): already connected; close() first.');
    }
    const index = this.#nextConnection;
    const entries = this.#connections.get(index);
    if (entries === undefined) {
      throw new RealtimeError(
        'VOXWIRE_CONNECTION_FAILED',
        `ReplayTransport: the recording has ${this.#connections.size} connection(s) and all were replayed; the app tried to connect again.`,
      );
    }
    this.#nextConnection += 1;
    this.#protocol = this.#options.protocol ?? options.protocol;
    await this.#protocol?.load?.();
    // A log without lifecycle lines (a mock's, fixture lines) opened where its first event is.
    const hasLifecycle = entries.some((entry) => 'lifecycle' in entry);
    const opened = hasLifecycle ? entries.findIndex((entry) => 'lifecycle' in entry && entry.lifecycle === 'open') : -1;
    if (hasLifecycle && opened === OPEN_CONNECTION_MISSING) {
      const failure = entries.find((entry) => 'lifecycle' in entry && entry.lifecycle === 'error');
      throw new RealtimeError(
        failure && 'lifecycle' in failure && failure.lifecycle === 'error' ? errorCode(failure.code, 'VOXWIRE_CONNECTION_FAILED') : 'VOXWIRE_CONNECTION_FAILED',
        failure && 'lifecycle' in failure && failure.lifecycle === 'error' ? `${failure.message} (replayed)` : `Recorded connection ${index} never opened (replayed).`,
      );
    }
    const current: ReplayConnection = { connection: index, sent: new Map(), stop: new AbortController(), wake: undefined };
    this.#current = current;
    this.emit('open');
    void this.#play(current, entries.slice(opened + 1));
  }

  /** Validates and records an event of the app (as a real transport would, it throws when invalid or closed). */
  send(event: ClientEventInput): void {
    const current = this.#current;
    const type = (event as { type?: unknown } | null)?.type;
    if (!current) {
      throw new RealtimeError('VOXWIRE_NOT_CONNECTED', `Cannot send ${typeof type === 'string' ? type : 'event'}: the replayed connection is not open.`);
    }
    if (this.#protocol) this.#protocol.serialize(event, { maxFrameBytes: DEFAULT_MAX_CLIENT_FRAME_BYTES });
    else serializeClientEvent(event, { maxFrameBytes: DEFAULT_MAX_CLIENT_FRAME_BYTES });
    this.received.push({ connection: current.connection, event });
    current.sent.set(event.type, (current.sent.get(event.type) ?? 0) + 1);
    current.wake?.();
  }

  /** Stops the replay of the current connection and reports the close. */
  close(code = 1000, reason = ''): void {
    const current = this.#current;
    if (!current) return;
    this.#end(current, { code, reason, initiatedLocally: true });
  }

  #end(current: ReplayConnection, info: { code: number; reason: string; initiatedLocally: boolean }): void {
    if (this.#current !== current) return;
    this.#current = undefined;
    current.stop.abort();
    current.wake?.();
    // Asynchronous, as a socket's close event is.
    this.#clock.setTimeout(() => this.emit('close', info), 0);
  }

  async #play(current: ReplayConnection, entries: LogLine[]): Promise<void> {
    const followClient = this.#options.followClient ?? true;
    const expected = new Map<string, number>();
    let previousAt = entries[0]?.at ?? 0;
    for (const entry of entries) {
      if (current.stop.signal.aborted) return;
      const gap = Math.max(0, entry.at - previousAt);
      previousAt = entry.at;
      if (!('lifecycle' in entry)) {
        if (entry.direction === 'received') {
          const count = (expected.get(entry.event.type) ?? 0) + 1;
          expected.set(entry.event.type, count);
          if (followClient && AUDIO_FIELDS[entry.event.type] === undefined) await this.#awaitClient(current, entry.event.type, count);
          continue;
        }
        await this.#wait(current, recordedGapMs(this.#options.pace, gap));
        if (current.stop.signal.aborted) return;
        const frame = JSON.stringify(withAudio(entry));
        const result = this.#protocol ? this.#protocol.parse(frame, { maxFrameBytes: DEFAULT_MAX_SERVER_FRAME_BYTES }) : parseServerEvent(frame);
        // Events of another protocol (GPT-Live) travel as the transports carry them, typed by the client.
        if (result.ok) this.emit('event', result.event as ServerEvent, result.known);
        else this.emit('error', result.error);
        continue;
      }
      switch (entry.lifecycle) {
        case 'error':
          if (!entry.connectFailed) this.emit('error', new RealtimeError(errorCode(entry.code, 'VOXWIRE_CONNECTION_FAILED'), `${entry.message} (replayed)`));
          break;
        case 'close':
          // A close the app made itself is the app's to make again; anything else is replayed.
          if (entry.initiatedLocally) return;
          await this.#wait(current, recordedGapMs(this.#options.pace, gap));
          this.#end(current, { code: entry.code, reason: entry.reason, initiatedLocally: false });
          return;
        default:
      }
    }
  }

  /** Waits until the app has sent `count` events of `type` on this connection, or the timeout. */
  async #awaitClient(current: ReplayConnection, type: string, count: number): Promise<void> {
    const timeoutMs = this.#options.clientTimeoutMs ?? 5000;
    const deadline = this.#clock.now() + timeoutMs;
    while ((current.sent.get(type) ?? 0) < count) {
      if (current.stop.signal.aborted) return;
      const left = deadline - this.#clock.now();
      if (left <= 0) {
        this.emit(
          'error',
          new RealtimeError(
            'VOXWIRE_TIMEOUT',
            `ReplayTransport: the recording shows the app sending ${type} (#${count} on connection ${current.connection}) here, but it has not within ${timeoutMs} ms; replaying on.`,
          ),
        );
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = this.#clock.setTimeout(done, left);
        function done(): void {
          current.wake = undefined;
          resolve();
        }
        current.wake = () => {
          this.#clock.clearTimeout(timer);
          done();
        };
      });
    }
  }

  /** Waits `ms` (or just yields to the event loop, so the app can react between events). */
  #wait(current: ReplayConnection, ms: number): Promise<void> {
    if (ms <= 0) {
      const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
      if (typeof immediate === 'function') return new Promise((resolve) => immediate(resolve));
    }
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(finish, Math.max(0, ms));
      const onAbort = (): void => {
        this.#clock.clearTimeout(timer);
        finish();
      };
      function finish(): void {
        current.stop.signal.removeEventListener('abort', onAbort);
        resolve();
      }
      current.stop.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
