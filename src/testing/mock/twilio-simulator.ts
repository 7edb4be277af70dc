/**
 * A Twilio Media Streams simulator: it connects to a bridge's WebSocket as Twilio does after
 * `<Connect><Stream>` and behaves like Twilio's side of a bidirectional stream. It sends
 * `connected` and `start` (a `streamSid`, `audio/x-mulaw` at 8000 Hz, the custom parameters),
 * then a `media` packet every 20 ms in real time (the caller's speech, else the line's
 * silence), `dtmf` when a key is pressed and `stop` on hangup. Audio the bridge sends plays out
 * in real time; each `mark` is echoed when the audio queued before it has played; `clear` drops
 * the queued audio and echoes the marks that were waiting, as Twilio documents.
 */

import type { Clock } from '../../base/clock';
import { systemClock } from '../../base/clock';
import { decodeBase64, encodeBase64 } from '../../codec/base64';
import { encodeMulaw } from '../../codec/g711';
import { resamplePcm16 } from './audio';
import { Playout, type PlayoutClear } from './playout';

/** Options of {@link TwilioSimulator.connect}. */
export interface TwilioSimulatorOptions {
  /** The bridge's Media Streams URL (`ws://127.0.0.1:<port>/media-stream`). */
  url: string;
  /** `start.customParameters` (what `<Parameter>`s the TwiML set). @default {} */
  parameters?: Record<string, string>;
  /** The call's sid. @default a random `CA...` */
  callSid?: string;
  /** The clock packets are paced on. @default the system clock */
  clock?: Clock;
}

/** A message the bridge sent, as received. */
export type TwilioOutbound =
  | {
      /** Play audio. */
      event: 'media';
      /** The stream. */
      streamSid: string;
      /** The audio. */
      media: {
        /** Base64 µ-law. */
        payload: string;
      };
    }
  | {
      /** Place a mark. */
      event: 'mark';
      /** The stream. */
      streamSid: string;
      /** The mark. */
      mark: {
        /** Its name, echoed when the audio before it has played. */
        name: string;
      };
    }
  | {
      /** Drop the audio not yet played. */
      event: 'clear';
      /** The stream. */
      streamSid: string;
    }
  | Record<string, unknown>;

const PACKET_MS = 20;
const PACKET_BYTES = 160;
const MULAW_SILENCE = 0xff;

function sid(prefix: string): string {
  let id = prefix;
  for (let index = 0; index < 32; index++) id += '0123456789abcdef'[Math.floor(Math.random() * 16)];
  return id;
}

/** Twilio's side of one bidirectional Media Stream. */
export class TwilioSimulator {
  /** The stream's sid (`MZ…`). */
  readonly streamSid = sid('MZ');
  /** The call's sid (`CA…`). */
  readonly callSid: string;
  /** Every message the bridge sent, in order. */
  readonly received: TwilioOutbound[] = [];
  /** Every `clear` honoured: what had been heard of the reply, what was dropped. */
  readonly clears: PlayoutClear[] = [];
  /** Marks echoed back, in order. */
  readonly echoedMarks: string[] = [];
  readonly #socket: import('ws').WebSocket;
  readonly #clock: Clock;
  readonly #playout = new Playout(8000);
  #speech: Array<{ mulaw: Uint8Array; offset: number; done: () => void }> = [];
  #sequence = 0;
  #chunk = 0;
  #ticks = 0;
  #startedAt = 0;
  #timer: unknown;
  #open = true;
  readonly #closed: Promise<{ code: number; reason: string }>;

  /** @internal Use {@link TwilioSimulator.connect}. */
  constructor(socket: import('ws').WebSocket, options: TwilioSimulatorOptions) {
    this.#socket = socket;
    this.#clock = options.clock ?? systemClock;
    this.callSid = options.callSid ?? sid('CA');
    this.#closed = new Promise((resolve) => {
      socket.on('close', (code: number, reason: Buffer) => {
        this.#open = false;
        this.#clock.clearTimeout(this.#timer);
        for (const speech of this.#speech.splice(0)) speech.done();
        resolve({ code, reason: reason.toString('utf8') });
      });
    });
    socket.on('message', (data: Buffer) => this.#onMessage(data.toString('utf8')));
  }

  /** Connects to the bridge, sends `connected` and `start`, and starts the 20 ms packets. */
  static async connect(options: TwilioSimulatorOptions): Promise<TwilioSimulator> {
    const ws = await import('ws');
    const WebSocketClass = ws.WebSocket ?? (ws as unknown as { default: typeof import('ws') }).default.WebSocket;
    const socket = new WebSocketClass(options.url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const simulator = new TwilioSimulator(socket, options);
    simulator.#start(options.parameters ?? {});
    return simulator;
  }

  /** Ms of the bridge's audio the caller has heard. */
  get heardMs(): number {
    return this.#playout.heardMs;
  }

  /** Resolves when the bridge closes the stream. */
  get closed(): Promise<{
    /** The WebSocket close code. */
    code: number;
    /** The close reason. */
    reason: string;
  }> {
    return this.#closed;
  }

  /** The caller speaks: sent as 8 kHz μ-law, 20 ms per `media` packet, in real time. Resolves when sent. */
  say(pcm: Int16Array, sampleRate: number): Promise<void> {
    const mulaw = encodeMulaw(sampleRate === 8000 ? pcm : resamplePcm16(pcm, sampleRate, 8000));
    return new Promise((resolve) => this.#speech.push({ mulaw, offset: 0, done: resolve }));
  }

  /** The caller presses a key. */
  pressDigit(digit: string): void {
    this.#send({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: String(++this.#sequence), dtmf: { track: 'inbound_track', digit } });
  }

  /** The caller hangs up: `stop`, then the socket closes. */
  hangup(): void {
    if (!this.#open) return;
    this.#send({ event: 'stop', streamSid: this.streamSid, sequenceNumber: String(++this.#sequence), stop: { accountSid: 'ACmock', callSid: this.callSid } });
    this.#socket.close(1000, 'call ended');
  }

  #send(message: Record<string, unknown>): void {
    if (this.#open && this.#socket.readyState === this.#socket.OPEN) this.#socket.send(JSON.stringify(message));
  }

  #start(parameters: Record<string, string>): void {
    this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.#send({
      event: 'start',
      sequenceNumber: String(++this.#sequence),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: 'ACmock',
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: parameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    this.#startedAt = this.#clock.now();
    this.#schedule();
  }

  #onMessage(text: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    this.received.push(message);
    if (message.event === 'media') {
      const payload = (message.media as { payload?: unknown } | undefined)?.payload;
      if (typeof payload === 'string') this.#playout.write(decodeBase64(payload).length, 8000);
    } else if (message.event === 'mark') {
      const name = (message.mark as { name?: unknown } | undefined)?.name;
      if (typeof name === 'string') this.#playout.mark(name);
    } else if (message.event === 'clear') {
      const cleared = this.#playout.clear();
      this.clears.push(cleared);
      for (const name of cleared.marks) this.#echo(name);
    }
  }

  #echo(name: string): void {
    this.echoedMarks.push(name);
    this.#send({ event: 'mark', sequenceNumber: String(++this.#sequence), streamSid: this.streamSid, mark: { name } });
  }

  #schedule(): void {
    if (!this.#open) return;
    const due = this.#startedAt + (this.#ticks + 1) * PACKET_MS;
    this.#timer = this.#clock.setTimeout(() => this.#tick(), Math.max(0, due - this.#clock.now()));
  }

  #tick(): void {
    const now = this.#clock.now();
    let packets = 0;
    while (this.#open && this.#startedAt + (this.#ticks + 1) * PACKET_MS <= now && packets < 50) {
      this.#ticks += 1;
      packets += 1;
      this.#sendPacket();
      for (const name of this.#playout.play(PACKET_MS)) this.#echo(name);
    }
    if (packets === 50) this.#startedAt = now - this.#ticks * PACKET_MS;
    this.#schedule();
  }

  #sendPacket(): void {
    const packet = new Uint8Array(PACKET_BYTES).fill(MULAW_SILENCE);
    const speech = this.#speech[0];
    if (speech) {
      const part = speech.mulaw.subarray(speech.offset, speech.offset + PACKET_BYTES);
      packet.set(part);
      speech.offset += part.length;
      if (speech.offset >= speech.mulaw.length) {
        this.#speech.shift();
        speech.done();
      }
    }
    this.#chunk += 1;
    this.#send({
      event: 'media',
      sequenceNumber: String(++this.#sequence),
      streamSid: this.streamSid,
      media: { track: 'inbound', chunk: String(this.#chunk), timestamp: String(this.#ticks * PACKET_MS), payload: encodeBase64(packet) },
    });
  }
}
