import { describe, expect, it } from 'vitest';
import { CANCELLED_TOOL_OUTPUT, errorToolOutput, serializeToolResult } from '../../src/tools/tool-output';

describe('serializeToolResult', () => {
  it('sends strings as they are', () => {
    expect(serializeToolResult('Sunny, 21°C')).toEqual({ ok: true, output: 'Sunny, 21°C' });
    expect(serializeToolResult('')).toEqual({ ok: true, output: '' });
  });

  it('sends other values as JSON', () => {
    expect(serializeToolResult({ temperature: 21, unit: 'c' })).toEqual({ ok: true, output: '{"temperature":21,"unit":"c"}' });
    expect(serializeToolResult([1, 'two'])).toEqual({ ok: true, output: '[1,"two"]' });
    expect(serializeToolResult(42)).toEqual({ ok: true, output: '42' });
    expect(serializeToolResult(false)).toEqual({ ok: true, output: 'false' });
    expect(serializeToolResult(null)).toEqual({ ok: true, output: 'null' });
    expect(serializeToolResult(undefined)).toEqual({ ok: true, output: 'null' });
    expect(serializeToolResult({ toJSON: () => 'custom' })).toEqual({ ok: true, output: '"custom"' });
  });

  it('fails on values JSON cannot represent', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(serializeToolResult(cycle)).toMatchObject({ ok: false, reason: expect.stringContaining('circular') });
    expect(serializeToolResult(10n)).toMatchObject({ ok: false, reason: expect.stringContaining('BigInt') });
    expect(serializeToolResult(() => 1)).toEqual({ ok: false, reason: 'a function has no JSON form' });
    expect(serializeToolResult(Symbol('s'))).toEqual({ ok: false, reason: 'a symbol has no JSON form' });
  });

  it('formats error outputs', () => {
    expect(errorToolOutput('Tool "x" failed: "quoted"')).toBe('{"error":"Tool \\"x\\" failed: \\"quoted\\""}');
    expect(CANCELLED_TOOL_OUTPUT).toBe('{"error":"cancelled"}');
    expect(JSON.parse(CANCELLED_TOOL_OUTPUT)).toEqual({ error: 'cancelled' });
  });
});
