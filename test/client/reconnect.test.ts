import { describe, expect, it } from 'vitest';
import { exponentialBackoff, neverReconnect } from '../../src/client/reconnect';
import { isRealtimeError } from '../../src/base/errors';

const context = (attempt: number, random = () => 0.5) => ({ attempt, closeCode: 1006, closeReason: '', random });

describe('exponentialBackoff', () => {
  it('doubles from 1 s to a 30 s cap without jitter', () => {
    const policy = exponentialBackoff({ jitter: 'none', maxAttempts: 8 });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => policy(context(attempt)))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('applies full jitter: uniformly between 0 and the ceiling', () => {
    const policy = exponentialBackoff();
    expect(policy(context(3, () => 0))).toBe(0);
    expect(policy(context(3, () => 0.25))).toBe(1000);
    expect(policy(context(3, () => 0.999999))).toBe(3999);
  });

  it('gives up after maxAttempts', () => {
    const policy = exponentialBackoff({ maxAttempts: 2 });
    expect(policy(context(2))).not.toBeNull();
    expect(policy(context(3))).toBeNull();
  });

  it('rejects nonsense options with a typed error', () => {
    try {
      exponentialBackoff({ initialDelayMs: -1 });
      expect.unreachable();
    } catch (error) {
      expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain('initialDelayMs');
    }
  });

  it('neverReconnect always gives up', () => {
    expect(neverReconnect(context(1))).toBeNull();
  });
});
