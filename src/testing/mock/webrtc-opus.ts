/**
 * Audio of the mock's WebRTC endpoint: the microphone's Opus RTP decoded to PCM16 at 24 kHz
 * (what the session's VAD reads, exactly as over WebSocket), and the assistant's PCM16
 * encoded to Opus and sent as RTP paced in real time, 20 ms a packet, as a media track plays.
 * The pacing is what lets `output_audio_buffer.stopped` go out when the audio finished playing
 * out rather than when the last chunk was generated.
 *
 * The Opus codec is `opusscript` (libopus compiled to WebAssembly/asm.js), loaded on first use
 * so `voxwire/testing` imports without it.
 */

import type { Clock } from '../../base/clock';
import { resamplePcm16 } from './audio';

/** The part of `opusscript` the endpoint uses. */
export interface OpusCodec {
  encode(pcm: Uint8Array, frameSize: number): Uint8Array;
  decode(packet: Uint8Array): Uint8Array;
  delete(): void;
}

/** Builds an Opus codec at `sampleRate`, mono. */
export type OpusCodecFactory = (sampleRate: number, application: 'voip' | 'audio') => OpusCodec;

/** The rate both directions are coded at: the Realtime API's PCM16 rate (Opus's RTP clock stays 48 kHz). */
export const WEBRTC_PCM_RATE = 24_000;
/** Opus packet duration. */
export const OPUS_FRAME_MS = 20;
const FRAME_SAMPLES = (WEBRTC_PCM_RATE * OPUS_FRAME_MS) / 1000;
const RTP_TICKS_PER_FRAME = (48_000 * OPUS_FRAME_MS) / 1000;
const PACER_TICK_MS = 10;
/** A partial frame waits this long for more audio before it is padded with silence and sent. */
const PARTIAL_FRAME_WAIT_MS = 2 * OPUS_FRAME_MS;
/** Lost packets filled with silence at most (a longer gap is a pause, not loss). */
const MAX_CONCEALED_FRAMES = 50;

interface OpusScriptModule {
  new (sampleRate: number, channels: number, application?: number): OpusCodec;
  Application: { VOIP: number; AUDIO: number };
}

/** Loads `opusscript`; throws a message that says what to install. */
export async function loadOpusCodecFactory(): Promise<OpusCodecFactory> {
  const moduleName = 'opusscript';
  let loaded: { default?: OpusScriptModule } & Partial<OpusScriptModule>;
  try {
    loaded = (await import(/* webpackIgnore: true */ /* @vite-ignore */ moduleName)) as { default?: OpusScriptModule } & Partial<OpusScriptModule>;
  } catch (cause) {
    throw new Error('The mock WebRTC endpoint needs the `opusscript` package (Opus codec): npm install --save-dev opusscript', { cause });
  }
  const OpusScript = (loaded.default ?? loaded) as OpusScriptModule;
  return (sampleRate, application) =>
    new OpusScript(sampleRate, 1, application === 'voip' ? OpusScript.Application.VOIP : OpusScript.Application.AUDIO);
}

/** Decodes the microphone's Opus packets to PCM16 at 24 kHz, filling lost packets with silence. */
export class OpusInbound {
  readonly #codec: OpusCodec;
  readonly #onAudio: (pcm: Int16Array, sampleRate: number) => void;
  #lastSequence: number | undefined;

  constructor(codecs: OpusCodecFactory, onAudio: (pcm: Int16Array, sampleRate: number) => void) {
    this.#codec = codecs(WEBRTC_PCM_RATE, 'voip');
    this.#onAudio = onAudio;
  }

  /** Handles one RTP payload. Never throws: a packet that does not decode is dropped. */
  push(payload: Uint8Array, sequenceNumber: number): void {
    if (this.#lastSequence !== undefined) {
      const step = (sequenceNumber - this.#lastSequence + 0x10000) & 0xffff;
      // A late or duplicate packet (step 0, or "negative" modulo 2^16) is dropped.
      if (step === 0 || step > 0x8000) return;
      const lost = step - 1;
      if (lost > 0 && lost <= MAX_CONCEALED_FRAMES) this.#onAudio(new Int16Array(lost * FRAME_SAMPLES), WEBRTC_PCM_RATE);
    }
    this.#lastSequence = sequenceNumber;
    let decoded: Uint8Array;
    try {
      decoded = this.#codec.decode(payload);
    } catch {
      return;
    }
    const pcm = new Int16Array(decoded.byteLength >> 1);
    new Uint8Array(pcm.buffer).set(decoded.subarray(0, pcm.length * 2));
    this.#onAudio(pcm, WEBRTC_PCM_RATE);
  }

  close(): void {
    this.#codec.delete();
  }
}

/** One Opus packet ready for RTP. */
export interface OpusRtpFrame {
  payload: Uint8Array;
  /** RTP sequence number (16 bits, wrapping). */
  sequenceNumber: number;
  /** RTP timestamp (48 kHz clock). */
  timestamp: number;
  /** First packet of a talkspurt. */
  marker: boolean;
}

/**
 * Encodes PCM16 to Opus and sends one packet every 20 ms of wall time, as a media track
 * plays. {@link OpusOutbound.drain} reports when everything written so far has played out.
 */
export class OpusOutbound {
  readonly #codec: OpusCodec;
  readonly #send: (frame: OpusRtpFrame) => void;
  readonly #clock: Clock;
  readonly #frames: Uint8Array[] = [];
  #partial = new Int16Array(0);
  #lastWriteAt = 0;
  /** Frames written (encoded or pending) since the track was created. */
  #framesWritten = 0;
  /** Frames sent since the track was created. */
  #framesSent = 0;
  /** When the current talkspurt started (wall clock), and frames sent in it. */
  #anchorAt: number | undefined;
  #sentInSpurt = 0;
  #timestamp: number;
  #sequenceNumber: number;
  #lastSpurtEndAt = 0;
  #timer: unknown;
  #closed = false;
  readonly #drains: Array<{ target: number; callback: () => void }> = [];

  constructor(codecs: OpusCodecFactory, send: (frame: OpusRtpFrame) => void, clock: Clock, random: () => number = Math.random) {
    this.#codec = codecs(WEBRTC_PCM_RATE, 'audio');
    this.#send = send;
    this.#clock = clock;
    this.#timestamp = Math.floor(random() * 0xffffffff) >>> 0;
    this.#sequenceNumber = Math.floor(random() * 0x8000);
  }

  /** Audio written and not yet sent, in ms. */
  get pendingMs(): number {
    return (this.#frames.length * OPUS_FRAME_MS) + (this.#partial.length * 1000) / WEBRTC_PCM_RATE;
  }

  /** Queues audio for the track (any rate; resampled to 24 kHz). */
  write(pcm: Int16Array, sampleRate: number): void {
    if (this.#closed || pcm.length === 0) return;
    const samples = sampleRate === WEBRTC_PCM_RATE ? pcm : resamplePcm16(pcm, sampleRate, WEBRTC_PCM_RATE);
    const joined = new Int16Array(this.#partial.length + samples.length);
    joined.set(this.#partial, 0);
    joined.set(samples, this.#partial.length);
    let offset = 0;
    for (; offset + FRAME_SAMPLES <= joined.length; offset += FRAME_SAMPLES) this.#encode(joined.subarray(offset, offset + FRAME_SAMPLES));
    this.#partial = joined.slice(offset);
    this.#lastWriteAt = this.#clock.now();
    this.#schedule();
  }

  /**
   * Calls `onPlayed` once the audio written so far has been sent and its last packet's 20 ms
   * have elapsed (never, if {@link OpusOutbound.clear} discards it first).
   */
  drain(onPlayed: () => void): void {
    if (this.#closed) return;
    const target = this.#framesWritten + (this.#partial.length > 0 ? 1 : 0);
    this.#drains.push({ target, callback: onPlayed });
    this.#schedule();
  }

  /**
   * Discards audio not yet sent (`output_audio_buffer.clear`); pending drains never fire.
   * @returns The audio discarded, in ms.
   */
  clear(): number {
    const discardedMs = this.pendingMs;
    this.#frames.length = 0;
    this.#partial = new Int16Array(0);
    this.#framesWritten = this.#framesSent;
    this.#drains.length = 0;
    return discardedMs;
  }

  /** Stops the pacer and frees the codec. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clock.clearTimeout(this.#timer);
    this.#frames.length = 0;
    this.#drains.length = 0;
    this.#codec.delete();
  }

  #encode(frame: Int16Array): void {
    const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
    this.#frames.push(Uint8Array.from(this.#codec.encode(bytes, FRAME_SAMPLES)));
    this.#framesWritten += 1;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed) return;
    // A new talkspurt starts at once; otherwise tick (sending due packets, waiting for a partial frame).
    const delayMs = this.#anchorAt === undefined && this.#frames.length > 0 ? 0 : PACER_TICK_MS;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#tick();
    }, delayMs);
  }

  #tick(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    if (this.#frames.length === 0 && this.#partial.length > 0 && now - this.#lastWriteAt >= PARTIAL_FRAME_WAIT_MS) {
      const padded = new Int16Array(FRAME_SAMPLES);
      padded.set(this.#partial);
      this.#partial = new Int16Array(0);
      this.#encode(padded);
    }
    if (this.#frames.length > 0 && this.#anchorAt === undefined) {
      // A new talkspurt: the RTP clock advances by the silence since the last one.
      if (this.#lastSpurtEndAt > 0) this.#timestamp = (this.#timestamp + Math.round(((now - this.#lastSpurtEndAt) * 48_000) / 1000)) >>> 0;
      this.#anchorAt = now;
      this.#sentInSpurt = 0;
    }
    if (this.#anchorAt !== undefined) {
      const elapsed = now - this.#anchorAt;
      // Send what is due by now (plus one packet of lead, as a jitter buffer expects).
      while (this.#frames.length > 0 && this.#sentInSpurt * OPUS_FRAME_MS <= elapsed + OPUS_FRAME_MS) {
        const payload = this.#frames.shift()!;
        this.#send({ payload, sequenceNumber: this.#sequenceNumber, timestamp: this.#timestamp, marker: this.#sentInSpurt === 0 });
        this.#sequenceNumber = (this.#sequenceNumber + 1) & 0xffff;
        this.#timestamp = (this.#timestamp + RTP_TICKS_PER_FRAME) >>> 0;
        this.#sentInSpurt += 1;
        this.#framesSent += 1;
      }
    }
    const playedOut = this.#anchorAt === undefined || now - this.#anchorAt >= this.#sentInSpurt * OPUS_FRAME_MS;
    if (playedOut) {
      for (let index = 0; index < this.#drains.length; ) {
        const drain = this.#drains[index]!;
        if (drain.target <= this.#framesSent) {
          this.#drains.splice(index, 1);
          drain.callback();
        } else {
          index += 1;
        }
      }
      if (this.#anchorAt !== undefined && this.#frames.length === 0 && this.#partial.length === 0) {
        this.#anchorAt = undefined;
        this.#lastSpurtEndAt = now;
      }
    }
    if (this.#frames.length > 0 || this.#partial.length > 0 || this.#anchorAt !== undefined || this.#drains.length > 0) this.#schedule();
  }
}
