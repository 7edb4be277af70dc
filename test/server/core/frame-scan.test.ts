import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientEvent } from '../../../src/events';
import { audioDeltaLength, deltaLength, peekEventType, scanAudioAppend } from '../../../src/server/core/frame-scan';
import { base64Bytes } from '../../../src/server/core/session-frames';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const both = (text: string): [number, number] => [scanAudioAppend(text), scanAudioAppend(bytes(text))];

describe('scanAudioAppend (the append fast path)', () => {
  it('answers the decoded byte count of a valid append, as text and as bytes', () => {
    const audio = Buffer.alloc(960, 7).toString('base64');
    expect(both(JSON.stringify({ type: 'input_audio_buffer.append', audio }))).toEqual([960, 960]);
    expect(both(JSON.stringify({ event_id: 'evt_1', type: 'input_audio_buffer.append', audio }))).toEqual([960, 960]);
    expect(both(JSON.stringify({ audio, event_id: 'evt_1', type: 'input_audio_buffer.append' }))).toEqual([960, 960]);
    expect(both(` { "type" : "input_audio_buffer.append" ,\n "audio":"${audio}" } `)).toEqual([960, 960]);
    expect(both('{"type":"input_audio_buffer.append","audio":""}')).toEqual([0, 0]);
    expect(both('{"type":"input_audio_buffer.append","audio":"AAA="}')).toEqual([2, 2]);
    expect(both('{"type":"input_audio_buffer.append","audio":"AA=="}')).toEqual([1, 1]);
  });

  it.each([
    ['another type', '{"type":"input_audio_buffer.commit"}'],
    ['an extra field', '{"type":"input_audio_buffer.append","audio":"AAAA","extra":1}'],
    ['a duplicate key', '{"type":"input_audio_buffer.append","audio":"AAAA","audio":"BBBB"}'],
    ['a duplicate type', '{"type":"input_audio_buffer.append","type":"input_audio_buffer.append","audio":"AAAA"}'],
    ['no audio', '{"type":"input_audio_buffer.append"}'],
    ['no type', '{"audio":"AAAA"}'],
    ['an escaped slash in base64', '{"type":"input_audio_buffer.append","audio":"AA\\/A"}'],
    ['non-ASCII audio', '{"type":"input_audio_buffer.append","audio":"AAé="}'],
    ['a raw control character in audio (not JSON)', '{"type":"input_audio_buffer.append","audio":"AA\u0001A"}'],
    ['audio that is not a string', '{"type":"input_audio_buffer.append","audio":12}'],
    ['a non-ASCII event_id', '{"type":"input_audio_buffer.append","audio":"AAAA","event_id":"é"}'],
    ['an escaped key', '{"t\\u0079pe":"input_audio_buffer.append","audio":"AAAA"}'],
    ['trailing garbage', '{"type":"input_audio_buffer.append","audio":"AAAA"}x'],
    ['a trailing comma', '{"type":"input_audio_buffer.append","audio":"AAAA",}'],
    ['an array', '[{"type":"input_audio_buffer.append","audio":"AAAA"}]'],
    ['a truncated frame', '{"type":"input_audio_buffer.append","audio":"AAAA"'],
    ['an empty frame', ''],
  ])('leaves %s to the full parse (-1)', (_name, frame) => {
    expect(both(frame)).toEqual([-1, -1]);
  });

  it('answers what the full parse charges for audio that is printable but not canonical base64 (the schema takes any string)', () => {
    // A raw DEL is allowed in a JSON string (only characters below 0x20 are not), one byte, one character.
    for (const audio of ['AAA', 'AA*A', 'AA==AAAA', 'A', '=', 'A B=', 'AA\u007fA']) {
      const text = JSON.stringify({ type: 'input_audio_buffer.append', audio });
      const parsed = parseClientEvent(text);
      expect(parsed.ok && parsed.known && parsed.event.type === 'input_audio_buffer.append').toBe(true);
      expect(both(text)).toEqual([base64Bytes(audio), base64Bytes(audio)]);
    }
  });

  it('checks every byte of the audio wherever the frame sits in its buffer (the word-at-a-time check)', () => {
    const audio = Buffer.alloc(300, 9).toString('base64');
    const text = `{"type":"input_audio_buffer.append","audio":"${audio}"}`;
    const at = text.indexOf(audio);
    for (let offset = 0; offset < 8; offset += 1) {
      const holder = new Uint8Array(offset + text.length + 8);
      holder.set(bytes(text), offset);
      const view = holder.subarray(offset, offset + text.length);
      expect(scanAudioAppend(view)).toBe(300);
      // One byte outside 0x20..0x7f anywhere in the audio (head, words, tail) sends the frame to
      // the full parse; the bytes at the edges of that range (space, DEL) do not.
      for (const position of [0, 1, 2, 3, 5, 17, 200, audio.length - 3, audio.length - 2, audio.length - 1]) {
        for (const [byte, answer] of [[0x00, -1], [0x1f, -1], [0x80, -1], [0xc3, -1], [0xff, -1], [0x20, 300], [0x7f, 300]] as const) {
          const copy = view.slice();
          const shifted = new Uint8Array(offset + copy.length);
          shifted.set(copy, offset);
          shifted[offset + at + position] = byte;
          expect(scanAudioAppend(shifted.subarray(offset))).toBe(answer);
        }
      }
    }
  });

  it('never accepts a frame the schema refuses, and agrees with the full parse on what it accepts', () => {
    const base64Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=*"\\é \u007f\u0001'.split(''));
    const idChar = fc.constantFrom(...'abc_-0123"\\é\u0001\u007f'.split(''));
    const frames = fc.oneof(
      fc.record({
        type: fc.constantFrom('input_audio_buffer.append', 'input_audio_buffer.appendx', 'response.create'),
        audio: fc.oneof(fc.string({ unit: base64Char, maxLength: 24 }), fc.integer()),
        event_id: fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
        extra: fc.option(fc.boolean(), { nil: undefined }),
      }).map((event) => JSON.stringify(event)),
      fc.string({ maxLength: 80 }),
      // The layout clients write (type first, then event_id, then audio; no whitespace), which
      // the scan compares byte for byte before it reads keys.
      fc
        .record({
          type: fc.constantFrom('input_audio_buffer.append', 'input_audio_buffer.appendx', 'input_audio_buffer.appen'),
          event_id: fc.option(fc.string({ unit: idChar, maxLength: 8 }), { nil: undefined }),
          audio: fc.string({ unit: base64Char, maxLength: 40 }),
        })
        .map((event) => JSON.stringify(event)),
      // ...and the same bytes with the escapes JSON.stringify would have written taken out.
      fc
        .tuple(fc.option(fc.string({ unit: idChar, maxLength: 8 }), { nil: undefined }), fc.string({ unit: base64Char, maxLength: 40 }), fc.constantFrom('}', '} ', '', ',}'))
        .map(([id, audio, end]) => `{"type":"input_audio_buffer.append",${id === undefined ? '' : `"event_id":"${id}",`}"audio":"${audio}"${end}`),
    );
    fc.assert(
      fc.property(frames, (frame) => {
        const fast = scanAudioAppend(frame);
        expect(scanAudioAppend(bytes(frame))).toBe(fast);
        if (fast < 0) return;
        expect(() => JSON.parse(frame)).not.toThrow();
        const parsed = parseClientEvent(frame);
        expect(parsed.ok && parsed.known && parsed.event.type === 'input_audio_buffer.append').toBe(true);
        const audio = (JSON.parse(frame) as { audio: string }).audio;
        // The full path charges base64Bytes(audio); for canonical base64 that is the decoded length.
        expect(fast).toBe(base64Bytes(audio));
        if (/^[A-Za-z0-9+/]*={0,2}$/.test(audio) && audio.length % 4 === 0) expect(Buffer.from(audio, 'base64').length).toBe(fast);
      }),
      { numRuns: 4000 },
    );
  });
});

describe('peekEventType', () => {
  it('reads the type of a type-first frame without parsing it', () => {
    const frame = '{"type":"response.output_audio.delta","event_id":"e","delta":"AAAA"}';
    expect(peekEventType(frame)).toBe('response.output_audio.delta');
    expect(peekEventType(bytes(frame))).toBe('response.output_audio.delta');
  });

  it('answers undefined when the frame starts any other way', () => {
    expect(peekEventType('{"event_id":"e","type":"error"}')).toBeUndefined();
    expect(peekEventType(' {"type":"error"}')).toBeUndefined();
    expect(peekEventType('{"type":"err\\u006fr"}')).toBeUndefined();
    expect(peekEventType('{"type":"')).toBeUndefined();
    expect(peekEventType(`{"type":"${'x'.repeat(200)}"}`)).toBeUndefined();
  });
});

describe('deltaLength', () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
  it('reads the length of the delta string, last field or not, without parsing', () => {
    const last = '{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"AAAABBBB"}';
    const middle = '{"type":"response.output_audio.delta","event_id":"e","delta":"AAAABBBBCC==","obfuscation":"xyz"}';
    for (const text of [last, middle]) {
      const expected = (JSON.parse(text) as { delta: string }).delta.length;
      expect(deltaLength(text)).toBe(expected);
      expect(deltaLength(bytes(text))).toBe(expected);
    }
    // A value that merely contains the words is not the key.
    expect(deltaLength(bytes('{"type":"x","note":"say \\"delta\\":\\"no"}'))).toBe(-1);
    expect(deltaLength('{"type":"x"}')).toBe(-1);
  });
});

describe('audioDeltaLength (the audio delta fast path)', () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
  const delta = (tail: string): string => `{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,${tail}}`;

  it('reads the delta of an audio delta as the API writes it, the same length the general path reads', () => {
    for (const audio of ['', 'AAAABBBB', 'AAAABBBBCC==', 'A'.repeat(1280)]) {
      const frame = bytes(delta(`"delta":"${audio}"`));
      expect(audioDeltaLength(frame)).toBe(audio.length);
      expect(audioDeltaLength(frame)).toBe(deltaLength(frame));
      expect(peekEventType(frame)).toBe('response.output_audio.delta');
    }
  });

  it('leaves every other frame to the general path (-1)', () => {
    const others = [
      // text frames, other types, the delta not last, a last string that is not the delta, truncations
      delta('"delta":"AAAA"'),
      '{"type":"response.output_audio_transcript.delta","event_id":"e","delta":"hi"}',
      '{"type":"response.output_audio.delta","event_id":"e","delta":"AAAA","obfuscation":"xyz"}',
      '{"type":"response.output_audio.delta","event_id":"e","note":"AAAA"}',
      '{"type":"response.output_audio.delta","event_id":"e","delta":"AAAA"',
      '{"type":"response.output_audio.delta"}',
      '{"type":"response.output_audio.delta","delta":"AAAA"} ',
      '"}',
      '',
    ];
    expect(audioDeltaLength(others[0] as string)).toBe(-1);
    for (const text of others.slice(1)) expect(audioDeltaLength(bytes(text)), text).toBe(-1);
  });

  it('agrees with the general path on every frame it answers', () => {
    const piece = fc.constantFrom('"delta":"', '"', '\\"', 'AAAA', '}', ',', '"x":1', '==');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const frame = bytes(`{"type":"response.output_audio.delta",${pieces.join('')}`);
        const fast = audioDeltaLength(frame);
        if (fast >= 0) expect(fast).toBe(deltaLength(frame));
      }),
      { numRuns: 2000 },
    );
  });
});
