/**
 * Ids in the shape the Realtime API uses: a prefix, an underscore and 21 base-62 characters
 * (`event_C9G8pqbTEddBSIxbBN6Os`, `item_...`, `resp_...`, `sess_...`, `call_...`). Drawn from an
 * injected random source so a test can make them reproducible.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 21;

/** Kinds of ids the mock server issues. */
export type MockIdPrefix = 'event' | 'item' | 'resp' | 'sess' | 'call' | 'conv';

/** Makes ids from a random source returning numbers in [0, 1). */
export function createIdFactory(random: () => number = Math.random): (prefix: MockIdPrefix) => string {
  return (prefix) => {
    let id = `${prefix}_`;
    for (let i = 0; i < ID_LENGTH; i++) {
      const value = random();
      const index = Math.min(ALPHABET.length - 1, Math.max(0, Math.floor((Number.isFinite(value) ? value : 0) * ALPHABET.length)));
      id += ALPHABET[index];
    }
    return id;
  };
}
