/**
 * Byte-level helpers shared inside `src/codec/` (not part of the public API).
 */

import { RealtimeError } from '../base/errors';

function detectLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/** True on little-endian hosts (every platform JavaScript runs on today, but checked, not assumed). */
export const IS_LITTLE_ENDIAN: boolean = /* @__PURE__ */ detectLittleEndian();

/**
 * A `Uint8Array` view over the bytes of `input` without copying.
 *
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `input` is not bytes.
 */
export function asBytes(input: Uint8Array | ArrayBuffer | ArrayBufferView, what: string): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  // SharedArrayBuffer (and ArrayBuffers from another realm) are not `instanceof ArrayBuffer`.
  if (Object.prototype.toString.call(input) === '[object SharedArrayBuffer]' || isForeignArrayBuffer(input)) {
    return new Uint8Array(input as ArrayBuffer);
  }
  throw new RealtimeError(
    'VOXWIRE_INVALID_ARGUMENT',
    `${what} expects a Uint8Array, ArrayBuffer or typed array view, got ${describe(input)}.`,
  );
}

function isForeignArrayBuffer(value: unknown): boolean {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'object';
}
