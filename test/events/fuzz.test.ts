import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseClientEvent, parseServerEvent, serializeClientEvent } from '../../src/events';
import type { ParseResult } from '../../src/events';
import { RealtimeError } from '../../src/base/errors';
import { mutatedClient, mutatedServer, validExamples as valid } from './mutations';

const PARSE_CODES = new Set(['VOXWIRE_INVALID_JSON', 'VOXWIRE_INVALID_EVENT', 'VOXWIRE_FRAME_TOO_LARGE']);

/** Checks the shape of a parse result; returns it for further checks. */
function wellFormed(result: ParseResult<unknown, unknown>): ParseResult<unknown, unknown> {
  if (result.ok) {
    expect(typeof result.known).toBe('boolean');
    expect(typeof (result.event as { type?: unknown }).type).toBe('string');
  } else {
    expect(result.error).toBeInstanceOf(RealtimeError);
    expect(PARSE_CODES.has(result.error.code)).toBe(true);
  }
  return result;
}

function toText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    [
      '__defineGetter__',
      '__defineSetter__',
      '__lookupGetter__',
      '__lookupSetter__',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      'toString',
      'valueOf',
    ].sort(),
  );
});

describe('parse functions never throw', () => {
  const both = (data: unknown) => {
    wellFormed(parseServerEvent(data as never));
    wellFormed(parseClientEvent(data as never));
  };

  it('on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), both), { numRuns: 2000 });
  });

  it('on arbitrary JSON text and values, and arbitrary JS values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        both(value);
        both(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
    fc.assert(fc.property(fc.anything(), both), { numRuns: 1000 });
  });

  it('on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        both(bytes);
        both(bytes.buffer);
      }),
      { numRuns: 1000 },
    );
  });

  it('on truncations of valid frames', () => {
    fc.assert(
      fc.property(fc.constantFrom(...valid), fc.nat(), ({ event }, cut) => {
        const text = JSON.stringify(event);
        both(text.slice(0, cut % (text.length + 1)));
      }),
      { numRuns: 1000 },
    );
  });

  it('on mutations of valid events; valid results are the frame itself', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedServer, mutatedClient), (mutated) => {
        for (const parse of [parseServerEvent, parseClientEvent]) {
          const fromObject = wellFormed(parse(mutated as never));
          if (fromObject.ok) expect(fromObject.event).toBe(mutated);
          const text = toText(mutated);
          if (text === undefined) continue;
          const fromText = wellFormed(parse(text));
          if (fromText.ok) expect(fromText.event).toEqual(JSON.parse(text));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('serializeClientEvent throws only RealtimeError', () => {
  const check = (event: unknown) => {
    let text: string | undefined;
    try {
      text = serializeClientEvent(event as never, { generateEventId: () => 'evt_fuzz' });
    } catch (error) {
      expect(error).toBeInstanceOf(RealtimeError);
      expect(['VOXWIRE_INVALID_CLIENT_EVENT', 'VOXWIRE_FRAME_TOO_LARGE']).toContain((error as RealtimeError).code);
      return;
    }
    // Whatever it accepts, the client parser (the mock server's view) accepts too.
    const parsed = parseClientEvent(text);
    expect(parsed.ok && parsed.known).toBe(true);
  };

  it('on mutated client events and arbitrary values', () => {
    fc.assert(fc.property(mutatedClient, check), { numRuns: 3000 });
    fc.assert(fc.property(fc.anything(), check), { numRuns: 1000 });
    fc.assert(fc.property(fc.jsonValue(), check), { numRuns: 1000 });
  });
});
