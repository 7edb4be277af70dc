/**
 * Ids the relay makes: session ids (published to observers, used to end a session from any
 * node) and the `event_id` of the events it originates. Random from `crypto.getRandomValues`.
 */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Prefix of every `event_id` the relay originates (upstream and toward the client). */
export const RELAY_EVENT_ID_PREFIX = 'vxr_';

let fallbackCounter = 0;

/** `prefix` followed by `length` random base-62 characters. */
export function randomId(prefix: string, length = 16): string {
  const source = (globalThis as { crypto?: { getRandomValues?: <T extends Uint8Array>(array: T) => T } }).crypto;
  if (typeof source?.getRandomValues !== 'function') {
    fallbackCounter += 1;
    return `${prefix}${Date.now().toString(36)}${fallbackCounter.toString(36)}`;
  }
  const bytes = source.getRandomValues(new Uint8Array(length));
  // Joined, not appended: `+=` builds a chain of cons strings that a session id (held for the
  // session's life) would keep, several times the bytes of the flat string.
  const chars = [prefix];
  for (const byte of bytes) chars.push(ALPHABET[byte % ALPHABET.length] as string);
  return chars.join('');
}

/** A fresh `event_id` for an event the relay originates. */
export function relayEventId(): string {
  return randomId(RELAY_EVENT_ID_PREFIX, 12);
}
