import { DEFAULT_LIVE_PRICES, DEFAULT_LIVE_PRICES_AS_OF, DEFAULT_PRICES, DEFAULT_PRICES_AS_OF } from './defaults';
import type { LiveModelPrices, ModelPrices } from './defaults';
import type { Usage } from '../events/response';

/** Running token totals of a client, across responses and reconnects, with a cost estimate. */
export interface UsageTotals {
  /** Responses counted. */
  responses: number;
  /** Input tokens, all kinds. */
  inputTokens: number;
  /** Output tokens, all kinds. */
  outputTokens: number;
  /** Text input tokens (cached included). */
  inputTextTokens: number;
  /** Audio input tokens (cached included). */
  inputAudioTokens: number;
  /** Image input tokens. */
  inputImageTokens: number;
  /** Cached text input tokens. */
  cachedInputTextTokens: number;
  /** Cached audio input tokens. */
  cachedInputAudioTokens: number;
  /** Text output tokens. */
  outputTextTokens: number;
  /** Audio output tokens. */
  outputAudioTokens: number;
  /**
   * Reasoning tokens of reasoning models (`output_token_details.reasoning_tokens`), billed as
   * text output. Counted in `outputTextTokens` too when the server counts them there.
   */
  outputReasoningTokens: number;
  /**
   * Estimated cost in US dollars from the price table (see `pricesAsOf`). An estimate: the
   * bill is the authority.
   */
  estimatedCostUsd: number;
  /** The date of the price table used, or `'custom'` when prices were overridden. */
  pricesAsOf: string;
}

/**
 * `output_token_details.reasoning_tokens`: the `openai` 7.60.0 Realtime types do not list it yet
 * (the Responses API's usage does, as `output_tokens_details.reasoning_tokens`), so it is read
 * from the loose object, and only a finite count ≥ 0 is taken.
 */
function reasoningTokens(output: object | undefined): number {
  const value = (output as { reasoning_tokens?: unknown } | undefined)?.reasoning_tokens;
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

/**
 * Text output to bill: reasoning is billed as text output. When `output_tokens` shows the
 * reasoning tokens beside the text and audio ones they are added; when it shows them inside
 * `text_tokens` (or says nothing) they are not counted twice.
 */
function billedTextOutput(usage: Usage, delta: { outputTextTokens: number; outputAudioTokens: number; outputReasoningTokens: number }): number {
  const { outputTextTokens: text, outputAudioTokens: audio, outputReasoningTokens: reasoning } = delta;
  const total = usage.output_tokens;
  return typeof total === 'number' && text + audio + reasoning <= total ? text + reasoning : text;
}

/** Sums `usage` from each `response.done` and prices it. */
export class UsageMeter {
  readonly #totals: UsageTotals;
  readonly #prices: Readonly<Record<string, ModelPrices>>;

  constructor(prices?: Readonly<Record<string, ModelPrices>>) {
    this.#prices = prices ?? DEFAULT_PRICES;
    this.#totals = {
      responses: 0,
      inputTokens: 0,
      outputTokens: 0,
      inputTextTokens: 0,
      inputAudioTokens: 0,
      inputImageTokens: 0,
      cachedInputTextTokens: 0,
      cachedInputAudioTokens: 0,
      outputTextTokens: 0,
      outputAudioTokens: 0,
      outputReasoningTokens: 0,
      estimatedCostUsd: 0,
      pricesAsOf: prices ? 'custom' : DEFAULT_PRICES_AS_OF,
    };
  }

  /** A copy of the totals. */
  snapshot(): UsageTotals {
    return { ...this.#totals };
  }

  /** Adds one response's usage, priced at `model`'s rates (longest matching name prefix). */
  add(usage: Usage | null | undefined, model: string): UsageTotals {
    if (!usage) return this.snapshot();
    const input = usage.input_token_details ?? undefined;
    const output = usage.output_token_details ?? undefined;
    const cached = input?.cached_tokens_details ?? undefined;
    const delta = {
      inputTextTokens: input?.text_tokens ?? 0,
      inputAudioTokens: input?.audio_tokens ?? 0,
      inputImageTokens: input?.image_tokens ?? 0,
      cachedInputTextTokens: cached?.text_tokens ?? 0,
      cachedInputAudioTokens: cached?.audio_tokens ?? 0,
      outputTextTokens: output?.text_tokens ?? 0,
      outputAudioTokens: output?.audio_tokens ?? 0,
      outputReasoningTokens: reasoningTokens(output),
    };
    const t = this.#totals;
    t.responses += 1;
    t.inputTokens += usage.input_tokens ?? 0;
    t.outputTokens += usage.output_tokens ?? 0;
    for (const key of Object.keys(delta) as Array<keyof typeof delta>) t[key] += delta[key];
    const price = this.#priceFor(model);
    if (price) {
      const perToken = 1 / 1_000_000;
      t.estimatedCostUsd +=
        perToken *
        ((delta.inputTextTokens - delta.cachedInputTextTokens + delta.inputImageTokens) * price.textInput +
          delta.cachedInputTextTokens * price.cachedTextInput +
          (delta.inputAudioTokens - delta.cachedInputAudioTokens) * price.audioInput +
          delta.cachedInputAudioTokens * price.cachedAudioInput +
          billedTextOutput(usage, delta) * price.textOutput +
          delta.outputAudioTokens * price.audioOutput);
    }
    return this.snapshot();
  }

  #priceFor(model: string): ModelPrices | undefined {
    return priceFor(this.#prices, model);
  }
}

/** The entry of `table` whose name is the longest prefix of `model`. */
function priceFor<Price>(table: Readonly<Record<string, Price>>, model: string): Price | undefined {
  let best: string | undefined;
  for (const name of Object.keys(table)) {
    if (model.startsWith(name) && (best === undefined || name.length > best.length)) best = name;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * US dollars per second of an active GPT-Live session of `model` in a price table
 * (`DEFAULT_LIVE_PRICES` unless the caller passes its own); 0 for a model the table lacks.
 */
export function livePricePerSecond(prices: Readonly<Record<string, LiveModelPrices>>, model: string): number {
  const price = priceFor(prices, model);
  return price ? price.activePerMinute / 60 : 0;
}

/** GPT-Live usage of a client: session seconds across reconnects, with a cost estimate. */
export interface LiveUsageTotals {
  /** Seconds billed so far, all sessions of the client together. */
  seconds: number;
  /** Seconds of the current session (its latest cumulative `session.usage.updated`). */
  sessionSeconds: number;
  /** Sessions counted (a reconnect starts a new one). */
  sessions: number;
  /** The context window's fill (0 to 1) as last reported; it can fall after compaction. */
  contextUsageRatio: number | undefined;
  /**
   * Estimated cost in US dollars at the active per-minute rate (the events do not split active
   * from standby time). An estimate: the bill is the authority.
   */
  estimatedCostUsd: number;
  /** The date of the price table used, or `'custom'` when prices were overridden. */
  pricesAsOf: string;
}

/**
 * Prices GPT-Live usage. `session.usage.updated` is cumulative per session (totals, never
 * increments), so each report replaces the current session's seconds; a new session (after a
 * reconnect) starts from zero on top of the sessions before it.
 */
export class LiveUsageMeter {
  readonly #prices: Readonly<Record<string, LiveModelPrices>>;
  readonly #pricesAsOf: string;
  #closedSeconds = 0;
  #closedCostUsd = 0;
  #sessionSeconds = 0;
  #sessions = 0;
  #ratio: number | undefined;
  #model = '';

  constructor(prices?: Readonly<Record<string, LiveModelPrices>>) {
    this.#prices = prices ?? DEFAULT_LIVE_PRICES;
    this.#pricesAsOf = prices ? 'custom' : DEFAULT_LIVE_PRICES_AS_OF;
  }

  /** A new session of `model` starts: what the last one used is kept. */
  startSession(model: string): void {
    this.#closedSeconds += this.#sessionSeconds;
    this.#closedCostUsd += this.#cost(this.#sessionSeconds);
    this.#sessionSeconds = 0;
    this.#sessions += 1;
    this.#model = model;
  }

  /** Takes a cumulative report of the current session; a smaller total than before is kept out. */
  report(seconds: number, contextUsageRatio?: number): LiveUsageTotals {
    if (Number.isFinite(seconds) && seconds >= this.#sessionSeconds) this.#sessionSeconds = seconds;
    if (typeof contextUsageRatio === 'number' && Number.isFinite(contextUsageRatio)) this.#ratio = contextUsageRatio;
    return this.snapshot();
  }

  /** A copy of the totals. */
  snapshot(): LiveUsageTotals {
    return {
      seconds: this.#closedSeconds + this.#sessionSeconds,
      sessionSeconds: this.#sessionSeconds,
      sessions: this.#sessions,
      contextUsageRatio: this.#ratio,
      estimatedCostUsd: this.#closedCostUsd + this.#cost(this.#sessionSeconds),
      pricesAsOf: this.#pricesAsOf,
    };
  }

  #cost(seconds: number): number {
    const price = priceFor(this.#prices, this.#model);
    return price ? (seconds / 60) * price.activePerMinute : 0;
  }
}
