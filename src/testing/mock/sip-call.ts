/**
 * One phone call placed on the mock's SIP side: it rings (a signed `realtime.call.incoming`
 * webhook was posted to the app, or `live.transport.incoming` on `MockLiveServer`), is
 * accepted, rejected or referred through the calls endpoints, and once accepted runs a session
 * (a Realtime {@link MockSession}, or a GPT-Live one) whose media is a phone line: the
 * caller's audio goes in every 20 ms in real time (fixture speech, then the line's silence),
 * and the assistant's audio plays out in real time on the caller's earpiece, which counts what
 * was actually heard, so a barge-in is truncated to it. Sideband connections
 * (`?call_id=`) receive every server event of the call.
 */

import type { Clock } from '../../base/clock';
import type { MockSession } from './session';
import type { MockSessionLink } from './session-link';
import { Playout } from './playout';
import type { MockCallSession, SidebandSink } from './webrtc-call';

/** Where a placed call is. */
export type MockSipCallState = 'ringing' | 'accepted' | 'rejected' | 'ended';

/** A barge-in as the caller's earpiece saw it. */
export interface MockSipInterruption {
  /** Ms of the reply played (heard) before the clear. */
  playedMs: number;
  /** Ms of the reply discarded unheard. */
  discardedMs: number;
}

/** What the call needs from its endpoint. */
export interface MockSipCallInit<Session extends MockCallSession = MockSession> {
  callId: string;
  clock: Clock;
  /** Creates the call's session when it is accepted (the server's `attach`). */
  attach: (link: MockSessionLink, session: Record<string, unknown>) => Session;
  /** A key the caller pressed, for the session's API to report. */
  pressDigit: (session: Session, digit: string) => void;
  /** Ends the session with the call. @default session.handleClose() */
  endSession?: (session: Session) => void;
  onEnded: (call: MockSipCall<Session>) => void;
}

/** One 20 ms packet, as a phone line carries audio. */
const PACKET_MS = 20;
/** Ticks caught up at once after a stall (the event loop was busy); older packets are late, not lost. */
const MAX_CATCH_UP_PACKETS = 50;

/** A placed call. */
export class MockSipCall<Session extends MockCallSession = MockSession> {
  /** The call's id (`rtc_…`), as in the webhook. */
  readonly callId: string;
  /** The SIP status the app rejected with. */
  rejectStatus: number | undefined;
  /** Where the app transferred the call (`refer`). */
  referTarget: string | undefined;
  /** The session the app accepted with (the accept body). */
  acceptedSession: Record<string, unknown> | undefined;
  /** Every barge-in the earpiece saw, in order. */
  readonly interruptions: MockSipInterruption[] = [];
  readonly #init: MockSipCallInit<Session>;
  readonly #sidebands = new Set<SidebandSink>();
  /** Server events sent before any sideband joined, given to the first one. */
  #early: string[] = [];
  #state: MockSipCallState = 'ringing';
  #session: Session | undefined;
  #waiters: Array<{ states: readonly MockSipCallState[]; resolve: () => void }> = [];
  // The caller's side of the line.
  #speech: Array<{ pcm: Int16Array; sampleRate: number; offset: number; done: () => void }> = [];
  /** The caller's earpiece. */
  readonly #earpiece = new Playout(24000);
  #ticker: unknown;
  #startedAt = 0;
  #ticks = 0;

  constructor(init: MockSipCallInit<Session>) {
    this.#init = init;
    this.callId = init.callId;
  }

  /** Where the call is. */
  get state(): MockSipCallState {
    return this.#state;
  }

  /** The call's session, once accepted. */
  get session(): Session | undefined {
    return this.#session;
  }

  /** Ms of assistant audio the caller has heard, over the whole call. */
  get heardMs(): number {
    return this.#earpiece.heardMs;
  }

  /** Resolves when the call reaches one of `states` (at once if it is there). */
  waitFor(...states: MockSipCallState[]): Promise<void> {
    if (states.includes(this.#state)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ states, resolve }));
  }

  /**
   * The caller speaks: `pcm` goes down the line in real time, 20 ms at a time. Resolves when the
   * last packet went in. Several calls queue one after the other.
   */
  say(pcm: Int16Array, sampleRate: number): Promise<void> {
    if (this.#state !== 'accepted') return Promise.reject(new Error(`call ${this.callId} is ${this.#state}; the caller can speak once it is accepted`));
    return new Promise((resolve) => this.#speech.push({ pcm, sampleRate, offset: 0, done: resolve }));
  }

  /**
   * The caller presses a key: the session reports it (Realtime:
   * `input_audio_buffer.dtmf_event_received`; GPT-Live: `transport.dtmf.received` on its sidebands).
   */
  pressDigit(digit: string): void {
    if (!/^[0-9*#A-D]$/.test(digit)) throw new Error(`not a DTMF key: ${JSON.stringify(digit)}`);
    if (this.#session !== undefined) this.#init.pressDigit(this.#session, digit);
  }

  /** The caller hangs up. */
  hangup(): void {
    this.end();
  }

  /** @internal The app accepted: the session starts and the line opens. */
  accept(session: Record<string, unknown>): void {
    this.acceptedSession = session;
    this.#setState('accepted');
    this.#session = this.#init.attach(this.#link(), session);
    this.#startedAt = this.#init.clock.now();
    this.#schedule();
  }

  /** @internal */
  reject(status: number): void {
    this.rejectStatus = status;
    this.#setState('rejected');
    this.#init.onEnded(this);
  }

  /** @internal A sideband joins: it receives every server event of the call from now on. */
  addSideband(sink: SidebandSink): void {
    this.#sidebands.add(sink);
    const early = this.#early;
    this.#early = [];
    for (const text of early) sink.send(text);
  }

  /** @internal */
  removeSideband(sink: SidebandSink): void {
    this.#sidebands.delete(sink);
  }

  /** @internal A client frame from a sideband connection. */
  receiveFromSideband(data: string | Uint8Array, isBinary = false): void {
    if (this.#state === 'accepted') this.#session?.receive(data, isBinary);
  }

  /** Ends the call (hangup by either side, refer done, server stop). */
  end(): void {
    if (this.#state === 'ended') return;
    const wasAccepted = this.#state === 'accepted';
    this.#setState('ended');
    this.#init.clock.clearTimeout(this.#ticker);
    for (const speech of this.#speech.splice(0)) speech.done();
    for (const sideband of [...this.#sidebands]) sideband.close(1000, 'call ended');
    this.#sidebands.clear();
    const session = this.#session;
    if (wasAccepted && session !== undefined) {
      if (this.#init.endSession !== undefined) this.#init.endSession(session);
      else session.handleClose();
    }
    this.#init.onEnded(this);
  }

  #setState(state: MockSipCallState): void {
    this.#state = state;
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) {
      if (waiter.states.includes(state)) waiter.resolve();
      else this.#waiters.push(waiter);
    }
  }

  #link(): MockSessionLink {
    return {
      kind: 'sip',
      send: (text) => {
        if (this.#state !== 'accepted') return;
        if (this.#sidebands.size === 0) {
          if (this.#early.length < 200) this.#early.push(text);
          return;
        }
        for (const sideband of this.#sidebands) sideband.send(text);
      },
      close: () => this.end(),
      terminate: () => this.end(),
      writeOutputAudio: (pcm, sampleRate) => this.#earpiece.write(pcm.length, sampleRate),
      clearOutputAudio: () => {
        const { playedMs, discardedMs } = this.#earpiece.clear();
        this.interruptions.push({ playedMs, discardedMs });
        return discardedMs;
      },
      drainOutputAudio: (onPlayed) => this.#earpiece.onDrained(onPlayed),
    };
  }

  /** Next packet boundary, on the call's own timeline (no drift under load). */
  #schedule(): void {
    if (this.#state !== 'accepted') return;
    const due = this.#startedAt + (this.#ticks + 1) * PACKET_MS;
    this.#ticker = this.#init.clock.setTimeout(() => this.#tick(), Math.max(0, due - this.#init.clock.now()));
  }

  #tick(): void {
    const now = this.#init.clock.now();
    let packets = 0;
    while (this.#state === 'accepted' && this.#startedAt + (this.#ticks + 1) * PACKET_MS <= now && packets < MAX_CATCH_UP_PACKETS) {
      this.#ticks += 1;
      packets += 1;
      this.#sendPacket();
      this.#playPacket();
    }
    if (packets === MAX_CATCH_UP_PACKETS) this.#startedAt = now - this.#ticks * PACKET_MS;
    this.#schedule();
  }

  /** 20 ms of the caller's side: queued speech, else the line's silence. */
  #sendPacket(): void {
    const session = this.#session;
    if (!session) return;
    const speech = this.#speech[0];
    const sampleRate = speech?.sampleRate ?? 24000;
    const samples = Math.round((sampleRate * PACKET_MS) / 1000);
    const packet = new Int16Array(samples);
    if (speech) {
      const part = speech.pcm.subarray(speech.offset, speech.offset + samples);
      packet.set(part);
      speech.offset += part.length;
      if (speech.offset >= speech.pcm.length) {
        this.#speech.shift();
        speech.done();
      }
    }
    session.appendAudio(packet, sampleRate);
  }

  /** 20 ms of the earpiece: what plays is heard; the rest waits. */
  #playPacket(): void {
    this.#earpiece.play(PACKET_MS);
  }
}
