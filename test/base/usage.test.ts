import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES } from '../../src/base/defaults';
import type { Usage } from '../../src/events';
import { LiveUsageMeter, UsageMeter } from '../../src/base/usage';

const price = DEFAULT_PRICES['gpt-realtime-2']!;
const usage = (output: Record<string, unknown>, outputTokens: number | undefined): Usage =>
  ({ total_tokens: outputTokens, input_tokens: 0, output_tokens: outputTokens, input_token_details: {}, output_token_details: output }) as unknown as Usage;

describe('UsageMeter and reasoning tokens', () => {
  it('counts reasoning tokens and bills them as text output when output_tokens shows them beside text and audio', () => {
    const meter = new UsageMeter();
    const totals = meter.add(usage({ text_tokens: 10, audio_tokens: 100, reasoning_tokens: 40 }, 150), 'gpt-realtime-2.1');
    expect(totals.outputReasoningTokens).toBe(40);
    expect(totals.outputTextTokens).toBe(10);
    expect(totals.outputTokens).toBe(150);
    expect(totals.estimatedCostUsd).toBeCloseTo(((10 + 40) * price.textOutput + 100 * price.audioOutput) / 1_000_000, 12);
  });

  it('does not bill reasoning twice when output_tokens shows it inside text_tokens', () => {
    const meter = new UsageMeter();
    const totals = meter.add(usage({ text_tokens: 50, audio_tokens: 100, reasoning_tokens: 40 }, 150), 'gpt-realtime-2.1');
    expect(totals.outputReasoningTokens).toBe(40);
    expect(totals.estimatedCostUsd).toBeCloseTo((50 * price.textOutput + 100 * price.audioOutput) / 1_000_000, 12);
  });

  it('ignores a reasoning count that is not a finite number ≥ 0, and sums across responses', () => {
    const meter = new UsageMeter();
    meter.add(usage({ text_tokens: 1, reasoning_tokens: 'many' }, 1), 'gpt-realtime-2.1');
    meter.add(usage({ text_tokens: 1, reasoning_tokens: -3 }, 1), 'gpt-realtime-2.1');
    const totals = meter.add(usage({ text_tokens: 1, reasoning_tokens: 7 }, 8), 'gpt-realtime-2.1');
    expect(totals.outputReasoningTokens).toBe(7);
    expect(totals.responses).toBe(3);
  });
});

describe('LiveUsageMeter: GPT-Live seconds', () => {
  it('takes cumulative reports (never adds them up), keeps past sessions, and prices per minute by model', () => {
    const meter = new LiveUsageMeter();
    meter.startSession('gpt-live-1');
    meter.report(30);
    expect(meter.report(60, 0.2)).toMatchObject({ seconds: 60, sessionSeconds: 60, sessions: 1, estimatedCostUsd: 0.05, contextUsageRatio: 0.2, pricesAsOf: '2026-12-06' });
    // A smaller total than before is not a reset: it is kept out.
    expect(meter.report(10).seconds).toBe(60);
    meter.startSession('gpt-live-1.1');
    expect(meter.report(120)).toMatchObject({ seconds: 180, sessionSeconds: 120, sessions: 2 });
    expect(meter.snapshot().estimatedCostUsd).toBeCloseTo(0.05 + 0.1, 10);
    const custom = new LiveUsageMeter({ 'gpt-live': { activePerMinute: 1 } });
    custom.startSession('gpt-live-1');
    expect(custom.report(90)).toMatchObject({ estimatedCostUsd: 1.5, pricesAsOf: 'custom' });
  });
});
