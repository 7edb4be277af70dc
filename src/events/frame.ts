/**
 * Frame plumbing shared by parse and serialize: what a frame may be, how big it is in UTF-8
 * bytes (cheaply, on the hot path), and how binary frames become text.
 */

/**
 * What the parse functions accept: a text frame, a binary frame (ArrayBuffer, Uint8Array,
 * Buffer or any other ArrayBufferView holding UTF-8 JSON), or a value already parsed from JSON.
 */
export type FrameData = string | ArrayBuffer | ArrayBufferView | object;

/** Exact UTF-8 byte length of a string (lone surrogates count as the 3-byte U+FFFD). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * True when the UTF-8 encoding of `text` is longer than `maxBytes`. Every UTF-16 code unit
 * takes 1 to 3 bytes, so most frames are decided from `text.length` without a scan.
 */
export function exceedsUtf8Bytes(text: string, maxBytes: number): boolean {
  if (text.length > maxBytes) return true;
  if (text.length * 3 <= maxBytes) return false;
  return utf8ByteLength(text) > maxBytes;
}

/** True for an ArrayBuffer or SharedArrayBuffer, also one from another realm. */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  const tag = Object.prototype.toString.call(value);
  return tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]';
}

let decoder: TextDecoder | undefined;

/**
 * Decodes a binary frame as UTF-8. Throws a `TypeError` on invalid UTF-8: a WebSocket text
 * frame must be valid UTF-8, so a frame that is not is malformed rather than repairable.
 */
export function decodeUtf8(data: ArrayBuffer | ArrayBufferView): string {
  decoder ??= new TextDecoder('utf-8', { fatal: true });
  return decoder.decode(data);
}
