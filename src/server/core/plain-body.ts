/**
 * The check of an audio string's body on the relay's hot path: is every byte printable ASCII
 * (0x20..0x7f) and none a `"` or `\`? Then the body's bytes are its characters, and it is the
 * string `JSON.parse` would read (JSON forbids only control characters below 0x20 in a
 * string), so the append fast path (frame-scan.ts) answers what the full parse would.
 *
 * Two implementations, one answer: WebAssembly with 128-bit SIMD (plain-body.wat, compiled into
 * plain-body-wasm.generated.ts), 16 bytes a step, where the runtime compiles WebAssembly at run
 * time (Node, Deno, Bun); and JavaScript, 4 bytes a step, everywhere else (Cloudflare Workers
 * forbid run-time compilation) and for frames larger than the module's 64 KiB of memory. In a
 * relay streaming hundreds of sessions a frame's code is rarely in cache, and the SIMD loop is
 * a few dozen instructions where the JavaScript one is kilobytes of compiled code
 * (bench/README.md, "Relay").
 */
import { PLAIN_BODY_WASM } from './plain-body-wasm.generated';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The word test of {@link isPlainBodyJs}: for a 32-bit word `w`, `(w - BELOW_SPACE) | w` has a
 * byte's high bit set when that byte is below 0x20 or above 0x7f, or (through a borrow) next
 * above such a byte; with every byte in 0x20..0x7f no borrow happens and no high bit is set.
 * So "any high bit" is exact for the word.
 */
const HIGH_BITS = 0x80808080;
const BELOW_SPACE = 0x20202020;

/**
 * {@link isPlainBody} in JavaScript: two native `indexOf` calls rule out quotes and escapes;
 * the body is then checked four bytes at a time (the exact word test above), not byte by byte.
 */
export function isPlainBodyJs(bytes: Uint8Array, start: number, end: number): boolean {
  const quote = bytes.indexOf(QUOTE, start);
  if (quote >= 0 && quote < end) return false;
  const backslash = bytes.indexOf(BACKSLASH, start);
  if (backslash >= 0 && backslash < end) return false;
  let index = start;
  let outside = 0;
  // Bytes up to the first 4-byte boundary of the underlying buffer, one by one.
  const head = Math.min(end, index + ((4 - ((bytes.byteOffset + index) & 3)) & 3));
  for (; index < head; index += 1) {
    const byte = bytes[index] as number;
    outside |= (byte - 0x20) | byte;
  }
  const words = (end - index) >> 2;
  if (words > 0) {
    const view = new Int32Array(bytes.buffer, bytes.byteOffset + index, words);
    let word = 0;
    for (const last = words - 4; word <= last; word += 4) {
      const a = view[word] as number;
      const b = view[word + 1] as number;
      const c = view[word + 2] as number;
      const d = view[word + 3] as number;
      outside |= ((a - BELOW_SPACE) | a) | ((b - BELOW_SPACE) | b) | ((c - BELOW_SPACE) | c) | ((d - BELOW_SPACE) | d);
    }
    for (; word < words; word += 1) {
      const w = view[word] as number;
      outside |= (w - BELOW_SPACE) | w;
    }
    index += words * 4;
  }
  for (; index < end; index += 1) {
    const byte = bytes[index] as number;
    outside |= (byte - 0x20) | byte;
  }
  return (outside & HIGH_BITS) === 0;
}

/** The compiled check: its memory (the frame is copied to offset 0) and its function. */
interface WasmCheck {
  readonly memory: Uint8Array;
  readonly plain: (start: number, end: number) => number;
}

/**
 * The WebAssembly check, compiled on first use (synchronously: the module is 200 bytes); null
 * where the runtime has no WebAssembly, no SIMD, or refuses to compile at run time.
 */
function compileWasmCheck(): WasmCheck | null {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(PLAIN_BODY_WASM));
    const memory = instance.exports.memory as WebAssembly.Memory;
    return { memory: new Uint8Array(memory.buffer), plain: instance.exports.plain as (start: number, end: number) => number };
  } catch {
    return null;
  }
}

let wasmCheck: WasmCheck | null | undefined;

/**
 * {@link isPlainBody} in WebAssembly: the frame is copied into the module's memory (one native
 * copy) and checked there. Undefined where the check is not available for this frame (no
 * WebAssembly, or a frame over 64 KiB): the caller uses {@link isPlainBodyJs}.
 */
export function isPlainBodyWasm(bytes: Uint8Array, start: number, end: number): boolean | undefined {
  const check = wasmCheck === undefined ? (wasmCheck = compileWasmCheck()) : wasmCheck;
  if (check === null || bytes.length > check.memory.length) return undefined;
  check.memory.set(bytes);
  return check.plain(start, end) === 1;
}

/**
 * True when every byte of `bytes[start..end)` is 0x20..0x7f and none is `"` or `\`: the body
 * of an audio string that `JSON.parse` reads as exactly these characters.
 */
export function isPlainBody(bytes: Uint8Array, start: number, end: number): boolean {
  return isPlainBodyWasm(bytes, start, end) ?? isPlainBodyJs(bytes, start, end);
}
