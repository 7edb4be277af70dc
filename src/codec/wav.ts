/**
 * WAV (RIFF/WAVE) read and write for 16-bit PCM, mono or multi-channel, any sample rate.
 * Pure: no DOM, no `node:*`; works on bytes from `fs.readFile`, `fetch` or a `Blob`.
 */

import { RealtimeError } from '../base/errors';
import { asBytes, describe, IS_LITTLE_ENDIAN } from './bytes';

/** 16-bit PCM audio: what {@link readWav} returns and {@link writeWav} takes. */
export interface WavData {
  /** Frames per second, e.g. `24000`. */
  sampleRate: number;
  /** Channel count (1 = mono, 2 = stereo). */
  channels: number;
  /** Signed 16-bit samples, interleaved by channel (`L R L R ...`), `channels` per frame. */
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const RIFF_HEADER_BYTES = 12;
const CHUNK_HEADER_BYTES = 8;
const FMT_PCM_BYTES = 16;
/** The canonical header {@link writeWav} emits: RIFF + fmt (16 bytes) + data header. */
const CANONICAL_HEADER_BYTES = 44;
/** Streaming writers (ffmpeg to a pipe, for one) put this in a size field they could not know. */
const UNKNOWN_SIZE = 0xffffffff;

function unsupported(message: string): RealtimeError {
  return new RealtimeError('VOXWIRE_AUDIO_UNSUPPORTED', `readWav: ${message}`);
}

function fourCC(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset]!, bytes[offset + 1]!, bytes[offset + 2]!, bytes[offset + 3]!);
}

/** Chunk ids are four printable ASCII characters (letters, digits, space, punctuation). */
function isPlausibleChunkId(bytes: Uint8Array, offset: number): boolean {
  if (offset + CHUNK_HEADER_BYTES > bytes.length) return false;
  for (let i = 0; i < 4; i++) {
    const code = bytes[offset + i]!;
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

interface FormatInfo {
  channels: number;
  sampleRate: number;
  blockAlign: number;
}

function parseFormat(view: DataView, offset: number, size: number): FormatInfo {
  if (size < FMT_PCM_BYTES) throw unsupported(`the fmt chunk is ${size} bytes, shorter than the 16 a PCM header needs.`);
  let formatTag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    // WAVE_FORMAT_EXTENSIBLE: cbSize(2) validBits(2) channelMask(4) then the SubFormat GUID,
    // whose first two bytes are the real format tag.
    if (size < 40) throw unsupported(`the WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, shorter than 40.`);
    formatTag = view.getUint16(offset + 24, true);
  }
  if (formatTag !== WAVE_FORMAT_PCM) {
    const name = formatTag === 3 ? 'IEEE float' : formatTag === 6 ? 'A-law' : formatTag === 7 ? 'μ-law' : 'compressed';
    throw unsupported(
      `format tag 0x${formatTag.toString(16).padStart(4, '0')} (${name}) is not supported; only 16-bit PCM is. ` +
        'Convert the file, e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav`.',
    );
  }
  if (bitsPerSample !== 16) {
    throw unsupported(
      `${bitsPerSample}-bit PCM is not supported; only 16-bit PCM is. ` +
        'Convert the file, e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav`.',
    );
  }
  if (channels === 0) throw unsupported('the fmt chunk declares 0 channels.');
  if (sampleRate === 0) throw unsupported('the fmt chunk declares a sample rate of 0 Hz.');
  if (blockAlign !== channels * 2) {
    throw unsupported(`the fmt chunk declares blockAlign ${blockAlign}, but 16-bit PCM with ${channels} channel(s) needs ${channels * 2}.`);
  }
  return { channels, sampleRate, blockAlign };
}

/**
 * Parses a 16-bit PCM WAV file.
 *
 * Robust to what real files contain: unknown chunks (`LIST`, `fact`, `bext`, `id3 `, ...) are
 * skipped in any order, odd-sized chunks are padded (and a writer that forgot the pad byte is
 * tolerated), `WAVE_FORMAT_EXTENSIBLE` with a PCM sub-format is accepted, a wrong RIFF size is
 * ignored, and a data size of `0xFFFFFFFF` (streaming writers) means "to the end of the file".
 * The samples are copied, so the result does not keep `bytes` alive.
 *
 * @param bytes - The whole file.
 * @returns Sample rate, channel count and interleaved samples.
 * @throws {RealtimeError} `VOXWIRE_AUDIO_UNSUPPORTED` when the bytes are not RIFF/WAVE, the
 *   format is not 16-bit PCM (float, 8/24/32-bit, A-law, μ-law, ...), or the file is
 *   truncated (a chunk or the sample data runs past the end).
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` when `bytes` is not a byte container.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const { sampleRate, channels, samples } = readWav(await readFile('hello.wav'));
 * ```
 */
export function readWav(bytes: Uint8Array | ArrayBuffer): WavData {
  const data = asBytes(bytes, 'readWav');
  if (data.length < RIFF_HEADER_BYTES) {
    throw unsupported(`the input is ${data.length} bytes, too short for a RIFF/WAVE header (12 bytes).`);
  }
  const riff = fourCC(data, 0);
  if (riff === 'RIFX') throw unsupported('big-endian RIFX files are not supported; only little-endian RIFF WAVE is.');
  if (riff === 'RF64') throw unsupported('RF64 (64-bit WAV) files are not supported.');
  if (riff !== 'RIFF' || fourCC(data, 8) !== 'WAVE') {
    throw unsupported('the input is not a RIFF/WAVE file (it does not start with "RIFF....WAVE").');
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);

  let format: FormatInfo | undefined;
  let dataOffset = -1;
  let dataBytes = 0;
  let offset = RIFF_HEADER_BYTES;
  while (offset + CHUNK_HEADER_BYTES <= data.length && (format === undefined || dataOffset < 0)) {
    const id = fourCC(data, offset);
    const declaredSize = view.getUint32(offset + 4, true);
    const bodyOffset = offset + CHUNK_HEADER_BYTES;
    const available = data.length - bodyOffset;
    if (id === 'data') {
      if (declaredSize === UNKNOWN_SIZE) {
        dataBytes = available;
      } else if (declaredSize > available) {
        throw unsupported(`the file is truncated: the data chunk declares ${declaredSize} bytes but only ${available} follow.`);
      } else {
        dataBytes = declaredSize;
      }
      dataOffset = bodyOffset;
    } else if (declaredSize > available) {
      throw unsupported(`the file is truncated: the "${id}" chunk declares ${declaredSize} bytes but only ${available} follow.`);
    } else if (id === 'fmt ') {
      format = parseFormat(view, bodyOffset, declaredSize);
    }
    let next = bodyOffset + (id === 'data' ? dataBytes : declaredSize);
    if ((next - bodyOffset) % 2 === 1) {
      // RIFF pads odd chunks to an even size; some writers omit the pad byte, so accept the
      // unpadded position when only it looks like a chunk header.
      next += isPlausibleChunkId(data, next + 1) || !isPlausibleChunkId(data, next) ? 1 : 0;
    }
    offset = next;
  }

  if (format === undefined) throw unsupported('the file has no fmt chunk (or it is truncated before one).');
  if (dataOffset < 0) throw unsupported('the file has no data chunk (or it is truncated before one).');
  if (dataBytes % format.blockAlign !== 0) {
    throw unsupported(
      `the file is truncated: the data chunk holds ${dataBytes} bytes, not a whole number of ${format.blockAlign}-byte frames.`,
    );
  }

  const samples = new Int16Array(dataBytes / 2);
  if (IS_LITTLE_ENDIAN) {
    new Uint8Array(samples.buffer).set(data.subarray(dataOffset, dataOffset + dataBytes));
  } else {
    for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(dataOffset + 2 * i, true);
  }
  return { sampleRate: format.sampleRate, channels: format.channels, samples };
}

/**
 * Writes 16-bit PCM as a canonical 44-byte-header WAV file.
 *
 * @param data - Sample rate, channel count and interleaved samples
 *   (`samples.length` must be a multiple of `channels`).
 * @returns The file bytes.
 * @throws {RealtimeError} `VOXWIRE_INVALID_ARGUMENT` for a non-integer or non-positive sample
 *   rate or channel count, samples that are not an `Int16Array`, a sample count that is not a
 *   whole number of frames, or data too large for a RIFF file (4 GiB).
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('out.wav', writeWav({ sampleRate: 24000, channels: 1, samples }));
 * ```
 */
export function writeWav(data: WavData): Uint8Array {
  const { sampleRate, channels, samples } = data ?? ({} as Partial<WavData>);
  const invalid = (message: string): RealtimeError => new RealtimeError('VOXWIRE_INVALID_ARGUMENT', `writeWav: ${message}`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw invalid(`sampleRate must be a positive integer, got ${String(sampleRate)}.`);
  }
  if (!Number.isInteger(channels) || channels <= 0 || channels > 0xffff / 2) {
    throw invalid(`channels must be an integer from 1 to 32767, got ${String(channels)}.`);
  }
  if (sampleRate * channels * 2 > 0xffffffff) {
    throw invalid(`sampleRate ${sampleRate} × ${channels} channel(s) gives a byte rate too large for the WAV header.`);
  }
  if (!(samples instanceof Int16Array)) {
    throw invalid(`samples must be an Int16Array, got ${describe(samples)} (convert Float32 with floatToPcm16).`);
  }
  if (samples.length % channels !== 0) {
    throw invalid(`samples.length ${samples.length} is not a multiple of channels ${channels} (samples are interleaved).`);
  }
  const dataBytes = samples.length * 2;
  if (dataBytes > 0xffffffff - (CANONICAL_HEADER_BYTES - 8)) {
    throw invalid(`${dataBytes} bytes of samples do not fit in a RIFF file (4 GiB limit).`);
  }

  const out = new Uint8Array(CANONICAL_HEADER_BYTES + dataBytes);
  const view = new DataView(out.buffer);
  const writeId = (offset: number, id: string): void => {
    for (let i = 0; i < 4; i++) out[offset + i] = id.charCodeAt(i);
  };
  const blockAlign = channels * 2;
  writeId(0, 'RIFF');
  view.setUint32(4, CANONICAL_HEADER_BYTES - 8 + dataBytes, true);
  writeId(8, 'WAVE');
  writeId(12, 'fmt ');
  view.setUint32(16, FMT_PCM_BYTES, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  writeId(36, 'data');
  view.setUint32(40, dataBytes, true);
  if (IS_LITTLE_ENDIAN) {
    out.set(new Uint8Array(samples.buffer, samples.byteOffset, dataBytes), CANONICAL_HEADER_BYTES);
  } else {
    for (let i = 0; i < samples.length; i++) view.setInt16(CANONICAL_HEADER_BYTES + 2 * i, samples[i]!, true);
  }
  return out;
}
