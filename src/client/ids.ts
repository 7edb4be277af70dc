/**
 * The ids a client gives the events and items it sends: unique within the client (a counter)
 * and across clients (a random part), at most 32 characters as the API allows.
 */

/** Makes ids `${prefix}${counter}${random}` (e.g. `evt_vx1k2j3h`); one counter for every prefix. */
export function idMaker(random: () => number): (prefix: string) => string {
  let counter = 0;
  return (prefix) => `${prefix}${(++counter).toString(36)}${Math.floor(random() * 0xffffffff).toString(36)}`.slice(0, 32);
}
