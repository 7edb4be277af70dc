import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/base/logger';
import { RelayCore } from '../../../src/server/core/relay-core';
import { SessionCharges } from '../../../src/server/core/session-charges';
import { FakeClock } from '../../helpers/fake-clock';

const settings = new RelayCore({ model: 'gpt-realtime-2.1', authenticate: () => ({ userId: 'u' }), logger: silentLogger, clock: new FakeClock(), budget: { dailyLimit: 100 } }).settings;
const PCM_24K = 48_000;

/** base64 characters of `bytes` bytes (padded), as a delta's length. */
const charsOf = (bytes: number): number => Math.ceil(bytes / 3) * 4;
const bytesOfChars = (chars: number): number => (chars / 4) * 3;

type Step = { kind: 'in'; bytes: number } | { kind: 'out'; bytes: number } | { kind: 'tick' } | { kind: 'settle' } | { kind: 'done'; audioTokens: number };

describe('SessionCharges, a seconds budget', () => {
  it('charges what summing every frame in seconds charges, ends at the same frame, and reconciles a response the same way', () => {
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('in' as const), bytes: fc.integer({ min: 0, max: 9_600 }) }) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('out' as const), bytes: fc.integer({ min: 0, max: 3_200 }).map((n) => n * 3) }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'settle' as const }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('done' as const), audioTokens: fc.integer({ min: 0, max: 400 }) }) },
    );
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 30, noNaN: true }), fc.array(step, { maxLength: 300 }), (limit, steps) => {
        const charges = new SessionCharges(settings, limit, 0);
        // The model: every frame's seconds added as it comes.
        let pending = 0;
        let inFlight = 0;
        let streamed = 0;
        let exhaustedAt = -1;
        const taken: number[] = [];
        steps.forEach((s, index) => {
          if (s.kind === 'in') {
            charges.chargeInputAudio(s.bytes);
            pending += s.bytes / PCM_24K;
          } else if (s.kind === 'out') {
            charges.chargeOutputAudio(charsOf(s.bytes));
            pending += bytesOfChars(charsOf(s.bytes)) / PCM_24K;
            streamed += bytesOfChars(charsOf(s.bytes)) / PCM_24K;
          } else if (s.kind === 'tick') {
            const amount = charges.take();
            expect(amount).toBeCloseTo(pending, 9);
            taken.push(amount);
            inFlight += pending;
            pending = 0;
          } else if (s.kind === 'settle') {
            const amount = taken.shift();
            if (amount !== undefined) {
              charges.settle(amount);
              inFlight -= amount;
            }
          } else {
            const charged = charges.chargeResponse({ output_token_details: { audio_tokens: s.audioTokens } } as never);
            const expected = s.audioTokens / settings.outputAudioTokensPerSecond;
            expect(charged).toBeCloseTo(expected, 9);
            pending += expected - streamed;
            streamed = 0;
          }
          if (exhaustedAt < 0 && pending + inFlight >= limit - 1e-9 && s.kind !== 'tick' && s.kind !== 'settle') exhaustedAt = index;
          expect(charges.spent).toBeCloseTo(pending + inFlight, 9);
        });
        // Far from the edge the answers agree; within 1e-9 s of it floating point may round either way.
        const finalSpent = pending + inFlight;
        if (Math.abs(finalSpent - limit) > 1e-6) expect(charges.exhausted).toBe(exhaustedAt >= 0);
      }),
      { numRuns: 300 },
    );
  });

  it('charges a call\'s speech (a fraction of a byte) as it is, and what came before a format change at the old rate', () => {
    const charges = new SessionCharges(settings, 1_000, 0);
    charges.chargeInputAudio(48_000); // 1 s of 24 kHz PCM16
    charges.trackFormats({ audio: { input: { format: { type: 'audio/pcmu' } } } });
    charges.chargeInputAudio(8_000); // 1 s of G.711 at 8 kHz
    charges.chargeInputAudio(4_000.5); // a fraction: charged at once
    expect(charges.spent).toBeCloseTo(2 + 4_000.5 / 8_000, 9);
    expect(charges.take()).toBeCloseTo(2 + 4_000.5 / 8_000, 9);
  });

  it('ends on the frame that fills the budget, not before', () => {
    const charges = new SessionCharges(settings, 1, 0.5);
    charges.chargeInputAudio(23_999);
    expect(charges.exhausted).toBe(false);
    charges.chargeInputAudio(1);
    expect(charges.exhausted).toBe(true);
  });
});
