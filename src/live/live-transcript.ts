/**
 * The Live transcript: GPT-Live sends transcript fragments (`session.input_transcript.delta`,
 * `session.output_transcript.delta`) on the session timeline, with no turns and no done
 * events. This groups them into turns an app can render: a turn ends when the other speaker
 * starts after it (speaker change), after a gap on the timeline (silence), after a stretch
 * with no fragments at all (inactivity, on the client's clock) or when the session ends. The
 * transcript outlives connections: a reconnect seeds the new session with it.
 */
import type { Clock } from '../base/clock';
import type { LiveInitialItem } from '../events/live';

/** Who spoke. */
export type LiveSpeaker = 'user' | 'assistant';

/** Why a turn ended. */
export type LiveTurnEndReason = 'speaker_change' | 'silence' | 'inactivity' | 'session_end';

/** One turn: the text of one speaker between two ends. */
export interface LiveTurn {
  /** A stable local id (`turn_1`, ...), not a server id (Live has no items). */
  readonly id: string;
  /** Who spoke. */
  readonly speaker: LiveSpeaker;
  /** The text so far, fragments joined as they came. */
  readonly text: string;
  /** Start of its first fragment on its session's timeline, in ms. */
  readonly startMs: number;
  /** End of its last fragment on that timeline, in ms (transcript time, not playback). */
  readonly endMs: number;
  /** The session whose timeline `startMs` and `endMs` are on. */
  readonly sessionId: string;
  /** True once the turn has ended; its text no longer changes. */
  readonly final: boolean;
  /** Why it ended, once final. */
  readonly endReason: LiveTurnEndReason | undefined;
}

/** A change to the transcript: a turn grew by `delta`, or it ended. */
export type LiveTranscriptChange =
  | {
      /** The turn grew (the first fragment opens it). */
      readonly kind: 'delta';
      /** The turn after the fragment. */
      readonly turn: LiveTurn;
      /** The fragment's text. */
      readonly delta: string;
    }
  | {
      /** The turn ended. */
      readonly kind: 'end';
      /** The final turn. */
      readonly turn: LiveTurn;
    };

/** Where the transcript stood (from {@link LiveTranscript.mark}). */
export interface LiveTranscriptMarker {
  /** How many turns there were. */
  readonly length: number;
  /** The turns open then, with how much of their text there was. */
  readonly open: ReadonlyMap<string, number>;
}

/** One transcript fragment as the server sends it. */
export interface LiveTranscriptFragment {
  /** The text. */
  delta: string;
  /** Its start on the session timeline, in ms. */
  start_ms: number;
  /** Its end on the session timeline, in ms. */
  end_ms: number;
}

/** Options of {@link LiveTranscript}. */
export interface LiveTranscriptOptions {
  /** A gap on the timeline longer than this between two fragments of one speaker starts a new turn. @default 800 */
  silenceGapMs?: number;
  /** With no fragment at all for this long (client clock), open turns end. `Infinity`: never. @default 2000 */
  inactivityMs?: number;
  /** Timers for the inactivity end. @default systemClock */
  clock: Clock;
  /** Receives every change, in order. */
  onChange: (change: LiveTranscriptChange) => void;
}

interface MutableTurn {
  id: string;
  speaker: LiveSpeaker;
  text: string;
  startMs: number;
  endMs: number;
  sessionId: string;
  final: boolean;
  endReason: LiveTurnEndReason | undefined;
}

/** Startup history cannot hold more messages than this (GPT-Live limit). */
const MAX_INPUT_MESSAGES = 128;

/**
 * Groups Live transcript fragments into turns. {@link LiveClient} owns one (`client.transcript`)
 * and feeds it every transcript delta.
 */
export class LiveTranscript {
  readonly #turns: MutableTurn[] = [];
  readonly #open = new Map<LiveSpeaker, MutableTurn>();
  readonly #silenceGapMs: number;
  readonly #inactivityMs: number;
  readonly #clock: Clock;
  readonly #onChange: (change: LiveTranscriptChange) => void;
  #timer: unknown;
  #timerSet = false;
  #counter = 0;

  constructor(options: LiveTranscriptOptions) {
    this.#silenceGapMs = options.silenceGapMs ?? 800;
    this.#inactivityMs = options.inactivityMs ?? 2000;
    this.#clock = options.clock;
    this.#onChange = options.onChange;
  }

  /** Every turn so far, oldest first, across sessions. */
  get turns(): LiveTurn[] {
    return this.#turns.map(snapshot);
  }

  /** How many turns there are (a marker for {@link LiveTranscript.since}). */
  get length(): number {
    return this.#turns.length;
  }

  /** The whole transcript as text, one `speaker: text` line per turn. */
  get text(): string {
    return this.#turns.map((turn) => `${turn.speaker}: ${turn.text}`).join('\n');
  }

  /** A marker of the transcript as it stands: pass it to {@link LiveTranscript.since} later. */
  mark(): LiveTranscriptMarker {
    return { length: this.#turns.length, open: new Map([...this.#open.values()].map((turn) => [turn.id, turn.text.length])) };
  }

  /**
   * What was said after `marker`: the turns begun since, and of a turn that was open then only
   * the text added since (turns with nothing new are left out).
   */
  since(marker: LiveTranscriptMarker): LiveTurn[] {
    const turns: LiveTurn[] = [];
    this.#turns.forEach((turn, index) => {
      const seen = marker.open.get(turn.id);
      if (index < marker.length && seen === undefined) return;
      const text = seen === undefined ? turn.text : turn.text.slice(seen);
      if (text.trim() !== '') turns.push({ ...snapshot(turn), text });
    });
    return turns;
  }

  /**
   * Adds one fragment of `speaker` in session `sessionId`. Returns the id of the other speaker's
   * open turn when this fragment overlaps it on the audio timeline (speech over the other: a
   * barge-in or a backchannel), else undefined.
   */
  add(speaker: LiveSpeaker, fragment: LiveTranscriptFragment, sessionId: string): string | undefined {
    if (fragment.delta === '') return undefined;
    const other = this.#open.get(speaker === 'user' ? 'assistant' : 'user');
    // The other speaker's turn ends when this one starts after it; overlapping speech (full
    // duplex: a barge-in, a backchannel) leaves both open.
    const overlaps = other !== undefined && other.sessionId === sessionId && fragment.start_ms < other.endMs;
    if (other && !overlaps) this.#end(other, 'speaker_change');
    let turn = this.#open.get(speaker);
    if (turn && (turn.sessionId !== sessionId || fragment.start_ms - turn.endMs > this.#silenceGapMs || fragment.end_ms < turn.startMs)) {
      this.#end(turn, turn.sessionId !== sessionId ? 'session_end' : 'silence');
      turn = undefined;
    }
    if (!turn) {
      this.#counter += 1;
      turn = { id: `turn_${this.#counter}`, speaker, text: '', startMs: fragment.start_ms, endMs: fragment.end_ms, sessionId, final: false, endReason: undefined };
      this.#turns.push(turn);
      this.#open.set(speaker, turn);
    }
    turn.text += fragment.delta;
    turn.endMs = Math.max(turn.endMs, fragment.end_ms);
    this.#onChange({ kind: 'delta', turn: snapshot(turn), delta: fragment.delta });
    this.#armInactivity();
    return overlaps ? other.id : undefined;
  }

  /** Ends every open turn (the session ended, or the app asks). */
  endAll(reason: LiveTurnEndReason): void {
    for (const turn of [...this.#open.values()]) this.#end(turn, reason);
    this.#disarm();
  }

  /**
   * The transcript as GPT-Live startup history (`session.input`): text messages, newest kept
   * within `budgetChars` and, with `prefix` before them, at most 128 messages. Audio cannot be
   * replayed; text is what a new session can know of the old one.
   */
  toInput(budgetChars: number, prefix: readonly LiveInitialItem[] = []): LiveInitialItem[] {
    const room = Math.max(0, MAX_INPUT_MESSAGES - prefix.length);
    const kept: LiveInitialItem[] = [];
    let used = 0;
    for (let index = this.#turns.length - 1; index >= 0 && kept.length < room; index -= 1) {
      const turn = this.#turns[index] as MutableTurn;
      const text = turn.text.trim();
      if (text === '') continue;
      if (used + text.length > budgetChars) break;
      used += text.length;
      kept.push(
        turn.speaker === 'user'
          ? { type: 'message', role: 'user', content: [{ type: 'input_text', text }] }
          : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] },
      );
    }
    return [...prefix, ...kept.reverse()];
  }

  /** Stops the inactivity timer. */
  dispose(): void {
    this.#disarm();
  }

  #end(turn: MutableTurn, reason: LiveTurnEndReason): void {
    if (turn.final) return;
    turn.final = true;
    turn.endReason = reason;
    if (this.#open.get(turn.speaker) === turn) this.#open.delete(turn.speaker);
    this.#onChange({ kind: 'end', turn: snapshot(turn) });
  }

  #armInactivity(): void {
    if (!Number.isFinite(this.#inactivityMs)) return;
    this.#disarm();
    this.#timerSet = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timerSet = false;
      for (const turn of [...this.#open.values()]) this.#end(turn, 'inactivity');
    }, this.#inactivityMs);
  }

  #disarm(): void {
    if (!this.#timerSet) return;
    this.#timerSet = false;
    this.#clock.clearTimeout(this.#timer);
  }
}

function snapshot(turn: MutableTurn): LiveTurn {
  return { ...turn };
}
