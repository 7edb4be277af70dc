/**
 * Ids in the shape the Realtime API uses: a prefix, an underscore and 21 base-62 characters
 * (`event_C9G8pqbTEddBSIxbBN6Os`, `item_...`, `resp_...`, `sess_...`, `call_...`), and the
 * `obfuscation` padding of streamed deltas. Drawn from an injected random source so a test can
 * make them reproducible.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 21;
/** Deltas are padded to a multiple of this many characters by their `obfuscation` string. */
const OBFUSCATION_BLOCK = 16;

/** Kinds of ids the mock server issues. */
export type MockIdPrefix = 'event' | 'item' | 'resp' | 'sess' | 'call' | 'conv';

function randomChars(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const value = random();
    out += ALPHABET[Math.min(ALPHABET.length - 1, Math.max(0, Math.floor((Number.isFinite(value) ? value : 0) * ALPHABET.length)))];
  }
  return out;
}

/** Makes ids from a random source returning numbers in [0, 1). */
export function createIdFactory(random: () => number = Math.random): (prefix: MockIdPrefix) => string {
  return (prefix) => `${prefix}_${randomChars(random, ID_LENGTH)}`;
}

/**
 * The `obfuscation` string the API puts on streamed text deltas: random characters that pad
 * the frame so its size does not reveal the length of the text (at least one character).
 */
export function obfuscationFor(delta: string, random: () => number = Math.random): string {
  return randomChars(random, OBFUSCATION_BLOCK - (delta.length % OBFUSCATION_BLOCK));
}
