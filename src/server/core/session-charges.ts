/**
 * What one relayed session charges to its user's budget: input audio as it passes, streamed
 * output (audio, and text for a `'costUsd'` budget) from the length of each delta, a WebRTC
 * call's audio from its speech and playback events, reconciled with the exact usage of each
 * `response.done`. The relay core takes the pending charge to the store now and then
 * ({@link SessionCharges.take}) and hands back the user's total.
 */
import type { ModelPrices } from '../../base/defaults';
import { DEFAULT_AUDIO_INPUT_TOKENS_PER_SECOND, DEFAULT_TEXT_CHARS_PER_TOKEN } from '../../base/defaults';
import { UsageMeter } from '../../base/usage';
import type { Usage } from '../../events/response';
import { base64ByteLength, deltaLength } from './frame-scan';
import type { ResolvedRelaySettings } from './relay-settings';
import { base64Bytes, bytesPerSecondOf, frameLength, OUTPUT_AUDIO_DELTA, OUTPUT_TEXT_DELTAS, PCM_24K_BYTES_PER_SECOND, type Json } from './session-frames';
import type { RelayFrame } from './socket';
import { isRecord } from '../../base/is-record';

/** US dollars per token, for the running estimate of a `'costUsd'` budget. */
interface TokenRates {
  audioInput: number;
  audioOutput: number;
  textOutput: number;
}

/** The price of one token of each kind streamed, read from the same price table as `usage`. */
function tokenRates(prices: Readonly<Record<string, ModelPrices>>, model: string): TokenRates {
  const costOf = (usage: Usage): number => new UsageMeter(prices).add(usage, model).estimatedCostUsd / 1_000_000;
  const million = 1_000_000;
  return {
    audioInput: costOf({ input_token_details: { audio_tokens: million } } as Usage),
    audioOutput: costOf({ output_token_details: { audio_tokens: million } } as Usage),
    textOutput: costOf({ output_token_details: { text_tokens: million } } as Usage),
  };
}

/** The settings a session's charges read. */
type ChargeSettings = Pick<ResolvedRelaySettings<never>, 'budgetUnit' | 'prices' | 'model' | 'outputAudioTokensPerSecond' | 'clock'>;

/** A `'costUsd'` budget's meter (exact usage) and the price of each token streamed (with a limit). */
interface CostBudget {
  readonly meter: UsageMeter;
  readonly rates: TokenRates | undefined;
}

/** A WebRTC call's speech and playback, as its sideband's events tell them. */
interface MediaTrack {
  /** Where the current detected speech began in the input audio. */
  speechStartMs: number | undefined;
  /** Since when (relay clock) output audio has played and not yet been charged. */
  playingSince: number | undefined;
}

/**
 * One session's running charge against its user's budget. What only some sessions need (a
 * cost budget, a call's media events) is in objects of its own, made for those sessions.
 */
export class SessionCharges {
  /** The user's budget for today, or undefined for none. */
  readonly limit: number | undefined;

  readonly #settings: ChargeSettings;
  readonly #cost: CostBudget | undefined;
  #media: MediaTrack | undefined;
  #inputBytesPerSecond = PCM_24K_BYTES_PER_SECOND;
  #outputBytesPerSecond = PCM_24K_BYTES_PER_SECOND;
  /** What was charged from streamed deltas since the last `response.done` reconciled them. */
  #streamedSinceDone = 0;
  #exhausted = false;
  #pendingCharge = 0;
  /** Changed only by the charge tick (see the constructor). */
  #inFlightCharge: number;
  #spent: number;

  constructor(settings: ChargeSettings, limit: number | undefined, spent: number) {
    this.#settings = settings;
    this.limit = limit;
    // Both change only at the charge tick, seconds into a stream, when the per-frame path that
    // reads them is long optimised. Assigned here (after the field's own undefined start), V8
    // lays them out for any number and never takes them for constants. As an `= 0` field the
    // in-flight sum was a small-integer constant to V8 until the first tick stored a fraction,
    // which deoptimised handleClientFrame, handleUpstreamFrame and five more mid-stream
    // (`node --trace-deopt`: "wrong map", then "code dependencies").
    this.#spent = spent;
    this.#inFlightCharge = 0;
    this.#cost = settings.budgetUnit === 'costUsd' ? { meter: new UsageMeter(settings.prices), rates: limit !== undefined ? tokenRates(settings.prices, settings.model) : undefined } : undefined;
  }

  /** Whether deltas are charged as they pass (only when the session has a budget). */
  get streams(): boolean {
    return this.limit !== undefined;
  }

  /** The user's spend today as the session last learned it, plus what it has not charged yet. */
  get spent(): number {
    return this.#spent + this.#pendingCharge + this.#inFlightCharge;
  }

  /** True once a charge used up the budget (the session ends after the frame at hand). */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** Notes the session's audio formats (`session.created|updated`), which set the bytes a second. */
  trackFormats(session: unknown): void {
    const audio = isRecord(session) && isRecord(session.audio) ? session.audio : undefined;
    this.#inputBytesPerSecond = bytesPerSecondOf(isRecord(audio?.input) ? audio.input.format : undefined, this.#inputBytesPerSecond);
    this.#outputBytesPerSecond = bytesPerSecondOf(isRecord(audio?.output) ? audio.output.format : undefined, this.#outputBytesPerSecond);
  }

  chargeInputAudio(bytes: number): void {
    const cost = this.#cost;
    if (cost === undefined) {
      this.#addCharge(bytes / this.#inputBytesPerSecond);
      return;
    }
    const rates = cost.rates;
    if (rates === undefined) return;
    // A 'costUsd' budget: an estimate now, replaced by the exact usage at the next response.done.
    this.#addStreamed((bytes / this.#inputBytesPerSecond) * DEFAULT_AUDIO_INPUT_TOKENS_PER_SECOND * rates.audioInput);
  }

  /**
   * Charges an upstream delta as it passes, from the length of its `delta` string alone (the
   * payload is never decoded): output audio in seconds (or their price), and for a
   * `'costUsd'` budget the text too, estimated at four characters a token.
   */
  chargeStreamed(type: string, frame: RelayFrame): void {
    if (type === OUTPUT_AUDIO_DELTA) {
      const length = deltaLength(frame);
      this.chargeOutputAudio(length < 0 ? frameLength(frame) : length);
      return;
    }
    const rates = this.#cost?.rates;
    if (rates === undefined || !OUTPUT_TEXT_DELTAS.has(type)) return;
    const length = deltaLength(frame);
    this.#addStreamed(((length < 0 ? frameLength(frame) : length) / DEFAULT_TEXT_CHARS_PER_TOKEN) * rates.textOutput);
  }

  /** Output audio of `chars` characters of base64 (an audio delta's `delta`), in seconds or their price. */
  chargeOutputAudio(chars: number): void {
    this.#chargeOutputSeconds(base64ByteLength(chars) / this.#outputBytesPerSecond);
  }

  /** Seconds of output audio, streamed: in seconds, or their price for a cost budget. */
  #chargeOutputSeconds(seconds: number): void {
    const rates = this.#cost?.rates;
    this.#addStreamed(rates === undefined ? seconds : seconds * this.#settings.outputAudioTokensPerSecond * rates.audioOutput);
  }

  /**
   * A WebRTC call's audio, from what its sideband sees: input speech from the detected start
   * to end (`audio_start_ms`/`audio_end_ms`), output from when its buffer started playing to
   * when it stopped or was cleared (charged at each charge tick while it plays). Reconciled
   * with `response.done` like streamed deltas.
   */
  chargeMediaEvent(type: string, event: Json): void {
    const media = (this.#media ??= { speechStartMs: undefined, playingSince: undefined });
    switch (type) {
      case 'input_audio_buffer.speech_started':
        media.speechStartMs = typeof event.audio_start_ms === 'number' ? event.audio_start_ms : undefined;
        return;
      case 'input_audio_buffer.speech_stopped': {
        const start = media.speechStartMs;
        media.speechStartMs = undefined;
        if (start !== undefined && typeof event.audio_end_ms === 'number' && event.audio_end_ms > start) {
          this.chargeInputAudio(((event.audio_end_ms - start) / 1000) * this.#inputBytesPerSecond);
        }
        return;
      }
      case 'output_audio_buffer.started':
        this.#accruePlayback();
        media.playingSince = this.#settings.clock.now();
        return;
      default:
        this.#accruePlayback();
        media.playingSince = undefined;
    }
  }

  /** The input audio of a `conversation.item.create` (its `input_audio` parts). */
  chargeItemAudio(item: unknown): void {
    if (!isRecord(item) || !Array.isArray(item.content)) return;
    for (const part of item.content) {
      if (isRecord(part) && part.type === 'input_audio' && typeof part.audio === 'string') this.chargeInputAudio(base64Bytes(part.audio));
    }
  }

  /**
   * A response's exact usage: replaces the running estimate of what streamed since the last
   * one. Returns what the response costs in the budget's unit (0 without usage).
   */
  chargeResponse(usage: Usage | undefined): number {
    if (usage === undefined) return 0;
    let charged: number;
    const meter = this.#cost?.meter;
    if (meter !== undefined) {
      const before = meter.snapshot().estimatedCostUsd;
      charged = meter.add(usage, this.#settings.model).estimatedCostUsd - before;
    } else {
      const audioTokens = usage.output_token_details?.audio_tokens ?? 0;
      charged = audioTokens / this.#settings.outputAudioTokensPerSecond;
    }
    this.#addCharge(charged - this.#streamedSinceDone);
    this.#streamedSinceDone = 0;
    return charged;
  }

  /**
   * A charge worked out elsewhere, in the budget's unit (a Live session's seconds); negative
   * to reconcile an estimate that ran high.
   */
  charge(amount: number): void {
    this.#addCharge(amount);
  }

  /** Takes the usage accrued since the last take; it counts in {@link spent} until settled. */
  take(): number {
    this.#accruePlayback();
    const amount = this.#pendingCharge;
    this.#pendingCharge = 0;
    this.#inFlightCharge += amount;
    return amount;
  }

  /** A taken charge is stored (or on the relay's ledger). */
  settle(amount: number): void {
    this.#inFlightCharge -= amount;
  }

  /** The user's total spend today, as the store answered. */
  setTotal(total: number): void {
    this.#spent = total;
  }

  /** Charges the output audio played since the last accrual (media-track sessions). */
  #accruePlayback(): void {
    const media = this.#media;
    if (media?.playingSince === undefined) return;
    const now = this.#settings.clock.now();
    const seconds = (now - media.playingSince) / 1000;
    media.playingSince = now;
    this.#chargeOutputSeconds(seconds);
  }

  #addStreamed(amount: number): void {
    this.#streamedSinceDone += amount;
    this.#addCharge(amount);
  }

  /** Adds to what the next charge stores; a reconciliation may be negative (the estimate was high). */
  #addCharge(amount: number): void {
    if (amount === 0 || Number.isNaN(amount)) return;
    this.#pendingCharge += amount;
    if (this.limit === undefined || this.spent < this.limit) return;
    // The local view suffices: totals only grow, so the store's total is at least this. The
    // session ends once the frame at hand is forwarded (the relay then stores the final
    // charge), not after a store round trip during which more audio would pass, nor never
    // while the store is unreachable.
    this.#exhausted = true;
  }
}
