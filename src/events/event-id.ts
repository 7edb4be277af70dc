/**
 * Client event ids. The server echoes a client's `event_id` in the `error` it sends about that
 * event, which is how an error is tied back to what caused it, so ids must be unique within a
 * session; they need not be secret.
 */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const RANDOM_CHARS = 16;

let counter = 0;

/** A function returning a fresh `event_id` for each outgoing client event. */
export type EventIdGenerator = () => string;

/**
 * The default {@link EventIdGenerator}: `evt_` and 16 random base-62 characters from
 * `crypto.getRandomValues` when the runtime has it, otherwise a process-local counter.
 */
export function createEventId(): string {
  const cryptoSource = (globalThis as { crypto?: { getRandomValues?: <T extends Uint8Array>(array: T) => T } }).crypto;
  if (typeof cryptoSource?.getRandomValues === 'function') {
    const bytes = cryptoSource.getRandomValues(new Uint8Array(RANDOM_CHARS));
    let id = 'evt_';
    // 62 does not divide 256, so the first characters are a little more likely; ids only
    // need to be unique, not uniform.
    for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
    return id;
  }
  counter += 1;
  return `evt_local_${counter.toString(36)}`;
}
