import { describe, expect, it } from 'vitest';
import { isRealtimeError, RealtimeError } from '../../src/base/errors';
import { readWav, writeWav, type WavData } from '../../src/codec/wav';

/** One RIFF chunk: id, body, and whether to write the pad byte after an odd body. */
interface Chunk {
  id: string;
  body: Uint8Array;
  declaredSize?: number;
  pad?: boolean;
}

function riff(chunks: Chunk[], header = 'RIFF', form = 'WAVE'): Uint8Array {
  const parts: number[] = [];
  const ascii = (text: string): void => {
    for (let i = 0; i < 4; i++) parts.push(text.charCodeAt(i));
  };
  const u32 = (value: number): void => {
    parts.push(value & 255, (value >>> 8) & 255, (value >>> 16) & 255, (value >>> 24) & 255);
  };
  ascii(header);
  u32(0); // patched below
  ascii(form);
  for (const chunk of chunks) {
    ascii(chunk.id);
    u32(chunk.declaredSize ?? chunk.body.length);
    parts.push(...chunk.body);
    if (chunk.body.length % 2 === 1 && chunk.pad !== false) parts.push(0);
  }
  const bytes = Uint8Array.from(parts);
  new DataView(bytes.buffer).setUint32(4, bytes.length - 8, true);
  return bytes;
}

interface FmtFields {
  formatTag?: number;
  channels?: number;
  sampleRate?: number;
  bitsPerSample?: number;
  blockAlign?: number;
  extensibleSubFormat?: number;
}

function fmt(fields: FmtFields = {}): Chunk {
  const channels = fields.channels ?? 1;
  const sampleRate = fields.sampleRate ?? 24000;
  const bits = fields.bitsPerSample ?? 16;
  const blockAlign = fields.blockAlign ?? (channels * bits) / 8;
  const extensible = fields.extensibleSubFormat !== undefined;
  const body = new Uint8Array(extensible ? 40 : 16);
  const view = new DataView(body.buffer);
  view.setUint16(0, extensible ? 0xfffe : (fields.formatTag ?? 1), true);
  view.setUint16(2, channels, true);
  view.setUint32(4, sampleRate, true);
  view.setUint32(8, sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, bits, true);
  if (extensible) {
    view.setUint16(16, 22, true); // cbSize
    view.setUint16(18, bits, true); // valid bits
    view.setUint32(20, channels === 2 ? 3 : 4, true); // channel mask
    view.setUint16(24, fields.extensibleSubFormat!, true); // SubFormat GUID, first two bytes
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return { id: 'fmt ', body };
}

function pcmBytes(samples: number[]): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((sample, i) => view.setInt16(2 * i, sample, true));
  return bytes;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const listChunk = (): Chunk => ({ id: 'LIST', body: ascii('INFOISFT\u000e\u0000\u0000\u0000Lavf60.16.100\u0000') });

function expectUnsupported(bytes: Uint8Array | ArrayBuffer, pattern: RegExp): void {
  let error: unknown;
  try {
    readWav(bytes);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(RealtimeError);
  expect(isRealtimeError(error, 'VOXWIRE_AUDIO_UNSUPPORTED'), String(error)).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe('writeWav → readWav', () => {
  it.each([
    { sampleRate: 24000, channels: 1 },
    { sampleRate: 48000, channels: 2 },
    { sampleRate: 44100, channels: 2 },
    { sampleRate: 8000, channels: 1 },
    { sampleRate: 11025, channels: 6 },
  ])('round-trips $channels channel(s) at $sampleRate Hz', ({ sampleRate, channels }) => {
    const samples = Int16Array.from({ length: channels * 1001 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const written = writeWav({ sampleRate, channels, samples });
    expect(written.length).toBe(44 + samples.length * 2);
    const read = readWav(written);
    expect(read).toEqual({ sampleRate, channels, samples });
  });

  it('writes the canonical 44-byte header', () => {
    const bytes = writeWav({ sampleRate: 16000, channels: 2, samples: new Int16Array([1, -1, 256, -256]) });
    const view = new DataView(bytes.buffer);
    const text = (offset: number): string => String.fromCharCode(...bytes.subarray(offset, offset + 4));
    expect(text(0)).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(bytes.length - 8);
    expect(text(8)).toBe('WAVE');
    expect(text(12)).toBe('fmt ');
    expect(view.getUint32(16, true)).toBe(16);
    expect(view.getUint16(20, true)).toBe(1); // PCM
    expect(view.getUint16(22, true)).toBe(2);
    expect(view.getUint32(24, true)).toBe(16000);
    expect(view.getUint32(28, true)).toBe(16000 * 4); // byte rate
    expect(view.getUint16(32, true)).toBe(4); // block align
    expect(view.getUint16(34, true)).toBe(16);
    expect(text(36)).toBe('data');
    expect(view.getUint32(40, true)).toBe(8);
    expect(Array.from(bytes.subarray(44))).toEqual([1, 0, 255, 255, 0, 1, 0, 255]);
  });

  it('writes only the samples a view covers', () => {
    const backing = new Int16Array([5, 6, 7, 8]);
    expect(readWav(writeWav({ sampleRate: 8000, channels: 1, samples: backing.subarray(1, 3) })).samples).toEqual(new Int16Array([6, 7]));
  });

  it('handles zero samples', () => {
    expect(readWav(writeWav({ sampleRate: 24000, channels: 1, samples: new Int16Array(0) })).samples).toHaveLength(0);
  });

  it.each<[string, Partial<WavData>, RegExp]>([
    ['a zero sample rate', { sampleRate: 0 }, /sampleRate must be a positive integer, got 0/],
    ['a fractional sample rate', { sampleRate: 44100.5 }, /sampleRate must be a positive integer, got 44100.5/],
    ['zero channels', { channels: 0 }, /channels must be an integer from 1 to 32767, got 0/],
    ['samples that are not whole frames', { channels: 2, samples: new Int16Array(3) }, /3 is not a multiple of channels 2/],
    ['float samples', { samples: new Float32Array(2) as unknown as Int16Array }, /samples must be an Int16Array, got Float32Array/],
  ])('rejects %s', (_name, override, pattern) => {
    let error: unknown;
    try {
      writeWav({ sampleRate: 24000, channels: 1, samples: new Int16Array(2), ...override });
    } catch (caught) {
      error = caught;
    }
    expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(pattern);
  });
});

describe('readWav on files other writers produce', () => {
  const samples = [0, 1, -1, 32767, -32768, 1234];

  it('skips a LIST chunk before fmt, between fmt and data, and after data', () => {
    for (const chunks of [
      [listChunk(), fmt(), { id: 'data', body: pcmBytes(samples) }],
      [fmt(), listChunk(), { id: 'data', body: pcmBytes(samples) }],
      [fmt(), { id: 'data', body: pcmBytes(samples) }, listChunk()],
    ]) {
      expect(Array.from(readWav(riff(chunks)).samples)).toEqual(samples);
    }
  });

  it('skips other unknown chunks (fact, bext, id3) and finds fmt after data', () => {
    const bytes = riff([
      { id: 'bext', body: new Uint8Array(602) },
      { id: 'data', body: pcmBytes(samples) },
      { id: 'fact', body: new Uint8Array([6, 0, 0, 0]) },
      fmt({ sampleRate: 22050 }),
      { id: 'id3 ', body: ascii('ID3\u0003\u0000') },
    ]);
    const wav = readWav(bytes);
    expect(wav.sampleRate).toBe(22050);
    expect(Array.from(wav.samples)).toEqual(samples);
  });

  it('honours the pad byte after an odd-sized chunk', () => {
    const bytes = riff([fmt(), { id: 'junk', body: ascii('abc') }, { id: 'data', body: pcmBytes(samples) }]);
    expect(Array.from(readWav(bytes).samples)).toEqual(samples);
  });

  it('tolerates a writer that omitted the pad byte after an odd-sized chunk', () => {
    const bytes = riff([fmt(), { id: 'junk', body: ascii('abc'), pad: false }, { id: 'data', body: pcmBytes(samples) }]);
    expect(Array.from(readWav(bytes).samples)).toEqual(samples);
  });

  it('accepts WAVE_FORMAT_EXTENSIBLE with the PCM sub-format', () => {
    const bytes = riff([fmt({ channels: 2, extensibleSubFormat: 1 }), { id: 'data', body: pcmBytes(samples) }]);
    const wav = readWav(bytes);
    expect(wav.channels).toBe(2);
    expect(Array.from(wav.samples)).toEqual(samples);
  });

  it('reads a data size of 0xFFFFFFFF (streaming writers) as "to the end of the file"', () => {
    const bytes = riff([fmt(), { id: 'data', body: pcmBytes(samples), declaredSize: 0xffffffff }]);
    expect(Array.from(readWav(bytes).samples)).toEqual(samples);
  });

  it('ignores a wrong RIFF size', () => {
    const bytes = riff([fmt(), { id: 'data', body: pcmBytes(samples) }]);
    new DataView(bytes.buffer).setUint32(4, 0, true);
    expect(Array.from(readWav(bytes).samples)).toEqual(samples);
  });

  it('reads from an ArrayBuffer and from a Uint8Array at an odd offset, and copies the samples', () => {
    const file = riff([fmt(), { id: 'data', body: pcmBytes(samples) }]);
    expect(Array.from(readWav(file.buffer as ArrayBuffer).samples)).toEqual(samples);
    const shifted = new Uint8Array(file.length + 3);
    shifted.set(file, 3);
    const view = shifted.subarray(3);
    const wav = readWav(view);
    expect(Array.from(wav.samples)).toEqual(samples);
    expect(wav.samples.buffer).not.toBe(shifted.buffer);
    shifted.fill(0);
    expect(Array.from(wav.samples)).toEqual(samples);
  });
});

describe('readWav rejects what it cannot read', () => {
  const data = (): Chunk => ({ id: 'data', body: pcmBytes([1, 2, 3, 4]) });

  it('rejects non-WAV bytes', () => {
    expectUnsupported(new Uint8Array(4), /too short for a RIFF\/WAVE header/);
    expectUnsupported(ascii('OggS\u0000\u0002\u0000\u0000\u0000\u0000\u0000\u0000'), /not a RIFF\/WAVE file/);
    expectUnsupported(riff([fmt(), data()], 'RIFF', 'AVI '), /not a RIFF\/WAVE file/);
    expectUnsupported(riff([fmt(), data()], 'RIFX'), /big-endian RIFX/);
    expectUnsupported(riff([fmt(), data()], 'RF64'), /RF64/);
  });

  it.each<[string, FmtFields, RegExp]>([
    ['8-bit PCM', { bitsPerSample: 8 }, /8-bit PCM is not supported; only 16-bit PCM is/],
    ['24-bit PCM', { bitsPerSample: 24 }, /24-bit PCM is not supported/],
    ['32-bit float', { formatTag: 3, bitsPerSample: 32 }, /0x0003 \(IEEE float\) is not supported/],
    ['A-law', { formatTag: 6, bitsPerSample: 8 }, /0x0006 \(A-law\)/],
    ['μ-law', { formatTag: 7, bitsPerSample: 8 }, /0x0007 \(μ-law\)/],
    ['ADPCM', { formatTag: 2, bitsPerSample: 4 }, /0x0002 \(compressed\)/],
    ['extensible float', { extensibleSubFormat: 3, bitsPerSample: 32 }, /0x0003 \(IEEE float\)/],
    ['a block align that contradicts the channels', { channels: 2, blockAlign: 2 }, /blockAlign 2, but 16-bit PCM with 2 channel\(s\) needs 4/],
    ['zero channels', { channels: 0, blockAlign: 0 }, /declares 0 channels/],
    ['a zero sample rate', { sampleRate: 0 }, /sample rate of 0 Hz/],
  ])('rejects %s', (_name, fields, pattern) => {
    expectUnsupported(riff([fmt(fields), data()]), pattern);
  });

  it('rejects a truncated data chunk', () => {
    const file = riff([fmt(), data()]);
    expectUnsupported(file.subarray(0, file.length - 1), /truncated: the data chunk declares 8 bytes but only 7 follow/);
  });

  it('rejects a chunk that runs past the end before the data', () => {
    const file = riff([fmt(), { id: 'LIST', body: new Uint8Array(10), declaredSize: 5000 }, data()]);
    expectUnsupported(file, /truncated: the "LIST" chunk declares 5000 bytes/);
  });

  it('rejects a file cut inside the fmt chunk or before the data', () => {
    const file = riff([fmt(), data()]);
    expectUnsupported(file.subarray(0, 30), /truncated: the "fmt " chunk declares 16 bytes but only 10 follow/);
    expectUnsupported(file.subarray(0, 36), /no data chunk/);
  });

  it('rejects sample data that is not whole frames', () => {
    expectUnsupported(riff([fmt({ channels: 2 }), { id: 'data', body: pcmBytes([1, 2, 3]) }]), /6 bytes, not a whole number of 4-byte frames/);
    expectUnsupported(riff([fmt(), { id: 'data', body: new Uint8Array(5) }]), /5 bytes, not a whole number of 2-byte frames/);
  });

  it('rejects a file without fmt, and a short fmt chunk', () => {
    expectUnsupported(riff([data()]), /no fmt chunk/);
    expectUnsupported(riff([{ id: 'fmt ', body: new Uint8Array(14) }, data()]), /fmt chunk is 14 bytes, shorter than the 16/);
  });

  it('rejects values that are not bytes with VOXWIRE_INVALID_ARGUMENT', () => {
    let error: unknown;
    try {
      readWav('RIFF' as unknown as Uint8Array);
    } catch (caught) {
      error = caught;
    }
    expect(isRealtimeError(error, 'VOXWIRE_INVALID_ARGUMENT')).toBe(true);
  });
});
