import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRealtimeError, RealtimeError } from '../../src/base/errors';
import {
  base64ToPcm16,
  decodeBase64,
  decodeBase64Fallback,
  encodeBase64,
  encodeBase64Fallback,
  pcm16ToBase64,
} from '../../src/codec/base64';

/** Deterministic bytes, so a failure names a reproducible length. */
function randomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 255;
  }
  return bytes;
}

const referenceEncode = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Lengths 0..300 (every tail case many times over) plus sizes around chunk and audio sizes. */
const LENGTHS = [...Array.from({ length: 301 }, (_, i) => i), 4095, 4096, 4097, 12287, 12288, 12289, 48000, 100_001];

const hasNativeBase64 =
  typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64 === 'function' &&
  typeof (Uint8Array as { fromBase64?: unknown }).fromBase64 === 'function';

/** Inputs every path must reject (the grammar of `Uint8Array.fromBase64` with its defaults). */
const INVALID_INPUTS: Array<[string, string]> = [
  ['a character outside the alphabet', 'QUJ*'],
  ['the URL-safe alphabet', 'QU-_'],
  ['a non-ASCII character whose low byte is a base64 letter', 'QUJ\u0141'],
  ['a Latin-1 character', 'QUJ\u00e9'],
  ['a NUL character', 'QU\u0000D'],
  ['a single dangling character', 'QUJDQ'],
  ['only one character', 'Q'],
  ['a lone padding character', '='],
  ['only padding', '===='],
  ['three padding characters', 'Q==='],
  ['a single = after two characters', 'QQ='],
  ['padding in the middle', 'QQ==QUJD'],
  ['data after padding', 'QUI=QQ'],
];

const VALID_LENIENT: Array<[string, string, number[]]> = [
  ['no padding (2 characters)', 'QQ', [65]],
  ['no padding (3 characters)', 'QUI', [65, 66]],
  ['spaces and line breaks', 'QU JD\nQU\r\nJD\t', [65, 66, 67, 65, 66, 67]],
  ['whitespace inside padding', 'QQ= =', [65]],
  ['the empty string', '', []],
  ['only whitespace', ' \n', []],
];

function expectInvalidArgument(action: () => unknown, pattern?: RegExp): RealtimeError {
  let error: unknown;
  try {
    action();
  } catch (caught) {
    error = caught;
  }
  expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT'), `expected VOXWIRE_INVALID_ARGUMENT, got ${String(error)}`).toBe(true);
  if (pattern !== undefined) expect((error as Error).message).toMatch(pattern);
  return error as RealtimeError;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('encodeBase64 / decodeBase64 (the path this runtime picks)', () => {
  it('matches Buffer for every length 0..300 and larger sizes', () => {
    for (const length of LENGTHS) {
      const bytes = randomBytes(length, length + 1);
      const expected = referenceEncode(bytes);
      expect(encodeBase64(bytes), `encode length ${length}`).toBe(expected);
      expect(decodeBase64(expected), `decode length ${length}`).toEqual(bytes);
    }
  });

  it('encodes the bytes a view covers, whatever its type and offset', () => {
    const backing = randomBytes(64, 7);
    const expected = referenceEncode(backing.subarray(3, 35));
    expect(encodeBase64(backing.subarray(3, 35))).toBe(expected);
    expect(encodeBase64(new DataView(backing.buffer, 3, 32))).toBe(expected);
    expect(encodeBase64((backing.buffer as ArrayBuffer).slice(3, 35))).toBe(expected);
    expect(encodeBase64(new Int16Array(backing.buffer, 4, 8))).toBe(referenceEncode(backing.subarray(4, 20)));
  });

  it('rejects values that are not bytes', () => {
    expectInvalidArgument(() => encodeBase64('hello' as unknown as Uint8Array), /got string/);
    expectInvalidArgument(() => encodeBase64([1, 2, 3] as unknown as Uint8Array), /got Array/);
    expectInvalidArgument(() => decodeBase64(42 as unknown as string), /expects a string, got number/);
  });

  it.each(INVALID_INPUTS)('rejects %s', (_name, input) => {
    expectInvalidArgument(() => decodeBase64(input), /not valid base64/);
  });

  it.each(VALID_LENIENT)('accepts %s', (_name, input, expected) => {
    expect(Array.from(decodeBase64(input))).toEqual(expected);
  });

  it('returns a Uint8Array that owns its whole ArrayBuffer (safe to transfer)', () => {
    for (const length of [1, 2, 3, 10, 100, 5000]) {
      const decoded = decodeBase64(referenceEncode(randomBytes(length, 3)));
      expect(decoded.constructor).toBe(Uint8Array);
      expect(decoded.byteOffset).toBe(0);
      expect(decoded.buffer.byteLength).toBe(length);
    }
  });
});

describe('the Buffer path', () => {
  it('is taken when the runtime has Buffer and no native base64', () => {
    if (hasNativeBase64) return; // the native path wins here; covered below
    const from = vi.spyOn(Buffer, 'from');
    encodeBase64(new Uint8Array([1, 2, 3]));
    decodeBase64('AQID');
    expect(from).toHaveBeenCalled();
  });

  /**
   * Decodes `input` and says whether the Buffer fast path took it (true) or it went to the
   * portable decoder, which calls `atob` (false). Throws what decodeBase64 throws.
   */
  function takesFastPath(input: string): { fast: boolean; bytes: Uint8Array } {
    const realAtob = globalThis.atob;
    let calls = 0;
    vi.stubGlobal('atob', (text: string) => {
      calls += 1;
      return realAtob(text);
    });
    try {
      const bytes = decodeBase64(input);
      return { fast: calls === 0, bytes };
    } finally {
      vi.unstubAllGlobals();
    }
  }

  /** The definition the check must keep: the input is exactly the padded encoding of its bytes. */
  function isCanonical(input: string): boolean {
    const decoded = Buffer.from(input, 'base64');
    return decoded.toString('base64') === input;
  }

  it('decodes canonical input on the fast path, for every length 0..300 and a 50 ms delta', () => {
    if (hasNativeBase64) return; // the native path wins here; covered below
    for (const length of [...Array.from({ length: 301 }, (_, i) => i), 2400]) {
      const bytes = randomBytes(length, length + 11);
      const { fast, bytes: decoded } = takesFastPath(referenceEncode(bytes));
      expect(fast, `length ${length}`).toBe(true);
      expect(decoded).toEqual(bytes);
    }
  });

  it.each<[string, string]>([
    ['a missing padding character', 'QUI'],
    ['missing padding, two characters', 'QQ'],
    ['an extra padding character', 'QQ==='],
    ['padding in the middle', 'QQ==QUJD'],
    ['data after padding', 'QUI=QUJD'],
    ['whitespace', 'QUJD QUJD'],
    ['a line break at the end', 'QUJD\n'],
  ])('sends non-canonical padding or length to the portable decoder: %s', (_name, input) => {
    if (hasNativeBase64) return;
    expect(isCanonical(input)).toBe(false);
    let fast: boolean | undefined;
    try {
      fast = takesFastPath(input).fast;
    } catch (error) {
      expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
      return; // refused by the portable decoder: not decoded on the fast path either
    }
    expect(fast).toBe(false);
  });

  it.each<[string, string]>([
    ['one = after a character whose 2 low bits are 11', 'QUD='],
    ['one = after a character whose 2 low bits are 01', 'QUF='],
    ['one = after a character whose 2 low bits are 10', 'QUG='],
    ['two = after a character whose 4 low bits are 1111', 'QP=='],
    ['two = after a character whose 4 low bits are 0001', 'QR=='],
    ['two = after a character whose 4 low bits are 1000', 'QY=='],
  ])('sends non-zero bits after the last byte to the portable decoder: %s', (_name, input) => {
    if (hasNativeBase64) return;
    expect(isCanonical(input)).toBe(false);
    const { fast, bytes } = takesFastPath(input);
    expect(fast).toBe(false);
    // The portable decoder drops those bits, as Uint8Array.fromBase64 does by default.
    expect(bytes).toEqual(new Uint8Array(Buffer.from(input, 'base64')));
  });

  it.each<[string, string]>([
    ['a character outside the alphabet', 'QUJ*'],
    ['a character outside the alphabet in the first group', '*UJDQUJD'],
    ['the URL-safe -', 'QU-D'],
    ['the URL-safe _', 'QU_D'],
    ['a non-ASCII character whose low byte is a base64 letter', 'QUJ\u0141'],
    ['a Latin-1 letter', 'QUJ\u00e9'],
    ['a lone surrogate', 'QUJ\ud800'],
    ['a NUL character', 'QU\u0000D'],
  ])('never decodes a bad character on the fast path: %s', (_name, input) => {
    if (hasNativeBase64) return;
    expectInvalidArgument(() => takesFastPath(input));
  });

  it('agrees with decode-re-encode-compare on every single-character change of a delta', () => {
    if (hasNativeBase64) return;
    // Each ASCII character and a few above U+007F, put in place of or before the characters
    // at both ends of padded deltas (1 and 2 padding characters) and a whole one.
    const characters = [...Array.from({ length: 128 }, (_, code) => String.fromCharCode(code)), '\u00e9', '\u0141', '\u0100', '\ud800', '\u2f41'];
    let compared = 0;
    for (const length of [1, 2, 3, 4, 5, 2400]) {
      const good = referenceEncode(randomBytes(length, length));
      const positions = [...new Set([0, 1, 2, 3, good.length - 4, good.length - 3, good.length - 2, good.length - 1].filter((index) => index >= 0))];
      for (const index of positions) {
        for (const character of characters) {
          for (const input of [good.slice(0, index) + character + good.slice(index + 1), good.slice(0, index) + character + good.slice(index)]) {
            let fast = false;
            try {
              fast = takesFastPath(input).fast;
            } catch {
              fast = false;
            }
            expect(fast, JSON.stringify(input.length > 24 ? `${input.slice(0, 8)}…${input.slice(-8)}` : input)).toBe(isCanonical(input));
            compared += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('falls back to the strict decoder for input Buffer would decode leniently', () => {
    // Buffer alone would skip '*', accept '-', and read U+0141 as 'A'.
    for (const input of ['QUJ*', 'QU-D', 'QUJ\u0141', 'QQ==QUJD']) {
      expectInvalidArgument(() => decodeBase64(input));
    }
  });
});

describe('the portable fallback (no native base64, no Buffer)', () => {
  it('encodes like Buffer for every length', () => {
    for (const length of LENGTHS) {
      const bytes = randomBytes(length, length + 11);
      expect(encodeBase64Fallback(bytes), `length ${length}`).toBe(referenceEncode(bytes));
    }
  });

  it('says clearly when the runtime has no btoa/atob either', () => {
    vi.stubGlobal('btoa', undefined);
    vi.stubGlobal('atob', undefined);
    for (const action of [() => encodeBase64Fallback(new Uint8Array([1])), () => decodeBase64Fallback('AQ==')]) {
      let error: unknown;
      try {
        action();
      } catch (caught) {
        error = caught;
      }
      expect(isRealtimeError(error, 'VOXWIRE_AUDIO_UNSUPPORTED')).toBe(true);
    }
  });

  it('decodes like Buffer for every length', () => {
    for (const length of LENGTHS) {
      const bytes = randomBytes(length, length + 13);
      expect(decodeBase64Fallback(referenceEncode(bytes)), `length ${length}`).toEqual(bytes);
    }
  });

  it('ignores non-zero bits after the last byte, as fromBase64 does by default', () => {
    expect(Array.from(decodeBase64Fallback('QR=='))).toEqual([65]);
    expect(Array.from(decodeBase64Fallback('QUJ='))).toEqual([65, 66]);
  });

  it.each(INVALID_INPUTS)('rejects %s', (_name, input) => {
    expectInvalidArgument(() => decodeBase64Fallback(input), /not valid base64/);
  });

  it.each(VALID_LENIENT)('accepts %s', (_name, input, expected) => {
    expect(Array.from(decodeBase64Fallback(input))).toEqual(expected);
  });

  it('names the offending character and its index', () => {
    expectInvalidArgument(() => decodeBase64Fallback('QUJDQU*D'), /"\*" \(U\+002A\) at index 6/);
    expectInvalidArgument(() => decodeBase64Fallback('QQ==QUJD'), /"=" before the end at index 2/);
  });

  it('is what encodeBase64/decodeBase64 use when Buffer is absent', () => {
    if (hasNativeBase64) return; // native would be used instead
    const bytes = randomBytes(1001, 99);
    const expected = referenceEncode(bytes);
    const fromSpy = vi.spyOn(Buffer, 'from');
    vi.stubGlobal('Buffer', undefined);
    let encoded: string;
    let decoded: Uint8Array;
    try {
      encoded = encodeBase64(bytes);
      decoded = decodeBase64(encoded);
      expectInvalidArgument(() => decodeBase64('QU-_'));
    } finally {
      vi.unstubAllGlobals();
    }
    expect(fromSpy).not.toHaveBeenCalled();
    expect(encoded).toBe(expected);
    expect(decoded).toEqual(bytes);
  });
});

describe('the native path (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64)', () => {
  it('is preferred over Buffer when present, and its SyntaxError becomes VOXWIRE_INVALID_ARGUMENT', () => {
    // Stand-ins with the native shape prove the dispatch and error wrapping on runtimes without
    // the native methods; real native behaviour is covered by the suite above on runtimes with it.
    const proto = Uint8Array.prototype as { toBase64?: unknown };
    const ctor = Uint8Array as { fromBase64?: unknown };
    const savedTo = proto.toBase64;
    const savedFrom = ctor.fromBase64;
    const toBase64 = vi.fn(function (this: Uint8Array) {
      return `native:${this.length}`;
    });
    const syntaxError = new SyntaxError('invalid base64');
    const fromBase64 = vi.fn((text: string) => {
      if (text === 'bad') throw syntaxError;
      return new Uint8Array([text.length]);
    });
    proto.toBase64 = toBase64;
    ctor.fromBase64 = fromBase64;
    try {
      expect(encodeBase64(new Uint8Array(5))).toBe('native:5');
      expect(Array.from(decodeBase64('abcd'))).toEqual([4]);
      const error = expectInvalidArgument(() => decodeBase64('bad'), /invalid base64/);
      expect(error.cause).toBe(syntaxError);
    } finally {
      proto.toBase64 = savedTo;
      ctor.fromBase64 = savedFrom;
      if (savedTo === undefined) delete proto.toBase64;
      if (savedFrom === undefined) delete ctor.fromBase64;
    }
  });

  it.runIf(hasNativeBase64)('agrees with the portable fallback on every accepted and rejected input', () => {
    for (const [, input] of INVALID_INPUTS) expectInvalidArgument(() => decodeBase64(input));
    for (const [, input, expected] of VALID_LENIENT) expect(Array.from(decodeBase64(input))).toEqual(expected);
  });
});

describe('pcm16ToBase64 / base64ToPcm16', () => {
  it('puts samples on the wire little-endian', () => {
    // 1 → 01 00, -2 → FE FF, 0x1234 → 34 12
    expect(pcm16ToBase64(new Int16Array([1, -2, 0x1234]))).toBe(Buffer.from([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12]).toString('base64'));
    expect(Array.from(base64ToPcm16(Buffer.from([0x01, 0x00, 0xfe, 0xff, 0x34, 0x12]).toString('base64')))).toEqual([1, -2, 0x1234]);
  });

  it('round-trips every int16 value', () => {
    const all = new Int16Array(65536);
    for (let i = 0; i < 65536; i++) all[i] = i - 32768;
    expect(base64ToPcm16(pcm16ToBase64(all))).toEqual(all);
  });

  it('encodes only the samples a view covers', () => {
    const backing = new Int16Array([9, 9, 100, -100, 9]);
    expect(base64ToPcm16(pcm16ToBase64(backing.subarray(2, 4)))).toEqual(new Int16Array([100, -100]));
  });

  it('returns samples that own their whole buffer, for small and large payloads', () => {
    // Buffer hands out small allocations from a shared pool; transferring such a buffer to a
    // worklet would detach unrelated memory.
    for (const length of [1, 2, 7, 100, 4000, 30000]) {
      const samples = new Int16Array(length).map((_, i) => i * 13 - 500);
      const decoded = base64ToPcm16(pcm16ToBase64(samples));
      expect(decoded).toEqual(samples);
      expect(decoded.byteOffset).toBe(0);
      expect(decoded.buffer.byteLength).toBe(length * 2);
    }
  });

  it('rejects an odd number of bytes', () => {
    expectInvalidArgument(() => base64ToPcm16(Buffer.from([1, 2, 3]).toString('base64')), /3 bytes, not a whole number of 16-bit samples/);
  });

  it('rejects invalid base64 and non-Int16Array input', () => {
    expectInvalidArgument(() => base64ToPcm16('AQ-_'), /not valid base64/);
    expectInvalidArgument(() => pcm16ToBase64(new Float32Array(2) as unknown as Int16Array), /expects an Int16Array, got Float32Array/);
  });

  it('handles empty audio', () => {
    expect(pcm16ToBase64(new Int16Array(0))).toBe('');
    expect(base64ToPcm16('')).toHaveLength(0);
  });
});
