import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_DESCRIPTIONS } from '../../src/base/error-descriptions';
import { CLOSE_CODES, ERROR_CODES, RealtimeError, SESSION_END_REASONS, classifyClose, expiryReasonOf, isRealtimeError } from '../../src/base/errors';

describe('RealtimeError', () => {
  it('carries a stable code, a cause and the first 2 KiB of the raw frame', () => {
    const cause = new Error('boom');
    const error = new RealtimeError('VOXWIRE_INVALID_JSON', 'bad frame', { cause, raw: 'x'.repeat(5000), path: 'a.b' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('RealtimeError');
    expect(error.code).toBe('VOXWIRE_INVALID_JSON');
    expect(error.cause).toBe(cause);
    expect(error.raw).toHaveLength(2048);
    expect(error.path).toBe('a.b');
  });

  it('isRealtimeError checks class and optionally the code', () => {
    const error = new RealtimeError('VOXWIRE_TIMEOUT', 'slow');
    expect(isRealtimeError(error)).toBe(true);
    expect(isRealtimeError(error, 'VOXWIRE_TIMEOUT')).toBe(true);
    expect(isRealtimeError(error, 'VOXWIRE_ABORTED')).toBe(false);
    expect(isRealtimeError(new Error('plain'))).toBe(false);
    expect(isRealtimeError({ name: 'RealtimeError', code: 'VOXWIRE_TIMEOUT' })).toBe(false);
    const inherited = Object.assign(new Error('x'), { name: 'RealtimeError', code: 'toString' });
    expect(isRealtimeError(inherited)).toBe(false);
  });
});

describe('close codes', () => {
  it('classify per the shared table', () => {
    expect(classifyClose(CLOSE_CODES.draining)).toBe('reconnect');
    expect(classifyClose(CLOSE_CODES.abnormal)).toBe('reconnect');
    expect(classifyClose(CLOSE_CODES.goingAway)).toBe('reconnect');
    expect(classifyClose(CLOSE_CODES.goingAway, true)).toBe('expired');
    expect(classifyClose(CLOSE_CODES.sessionTimeLimit)).toBe('expired');
    expect(classifyClose(CLOSE_CODES.budgetExhausted)).toBe('expired');
    expect(classifyClose(CLOSE_CODES.normal)).toBe('expired');
    expect(classifyClose(CLOSE_CODES.authenticationFailed)).toBe('closed');
    expect(classifyClose(CLOSE_CODES.policyViolation)).toBe('closed');
  });
});

describe('docs/errors.md', () => {
  it('lists every error code and close code (regenerate with scripts/errors-doc.mjs)', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const [code, value] of Object.entries(ERROR_CODES)) {
      expect(value).toBe(code);
      expect(doc, code).toContain(`| \`${code}\` | ${ERROR_DESCRIPTIONS[code as keyof typeof ERROR_CODES]} |`);
    }
    expect(Object.keys(ERROR_DESCRIPTIONS)).toEqual(Object.keys(ERROR_CODES));
    for (const code of Object.values(CLOSE_CODES)) expect(doc).toContain(`| ${code} |`);
  });
});

describe('SESSION_END_REASONS (issue 19, 2: one table, end reason ↔ close code ↔ client)', () => {
  it('agrees with classifyClose: what the client does after each close code is what the row says', () => {
    for (const [reason, row] of Object.entries(SESSION_END_REASONS)) {
      if (reason === 'client_closed') continue; // the client's own close: no server close to classify
      const disposition = classifyClose(row.closeCode);
      expect({ reason, disposition }).toEqual({ reason, disposition: row.client === 'reconnect' || row.client === 'closed' ? row.client : 'expired' });
    }
  });

  it('keeps an announced reason that closed with its own code, and falls back to the code otherwise', () => {
    expect(expiryReasonOf(CLOSE_CODES.sessionTimeLimit, false, 'idle')).toBe('idle');
    expect(expiryReasonOf(CLOSE_CODES.sessionTimeLimit, false)).toBe('time_limit');
    expect(expiryReasonOf(CLOSE_CODES.sessionTimeLimit, false, 'budget_exhausted')).toBe('time_limit');
    expect(expiryReasonOf(CLOSE_CODES.budgetExhausted, false)).toBe('budget_exhausted');
    expect(expiryReasonOf(CLOSE_CODES.normal, false, 'a_reason_from_a_newer_relay')).toBe('server_closed');
    expect(expiryReasonOf(CLOSE_CODES.goingAway, true, 'idle')).toBe('session_expired');
  });
});
