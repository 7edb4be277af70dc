import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CLIENT_FRAME_BYTES, DEFAULT_MAX_SERVER_FRAME_BYTES } from '../../src/base/defaults';
import { parseClientEvent, parseServerEvent } from '../../src/events';
import type { ParseResult } from '../../src/events';
import { RealtimeError } from '../../src/base/errors';

const audioDelta = {
  event_id: 'event_1',
  type: 'response.output_audio.delta',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
  delta: 'AAAA',
};

function failed(result: ParseResult<unknown, unknown>): RealtimeError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result).slice(0, 200)}`);
  expect(result.error).toBeInstanceOf(RealtimeError);
  return result.error;
}

function nestedArrays(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

function nestedObjects(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

describe('parseServerEvent: valid frames', () => {
  it('returns the parsed frame itself for a known event, from text, bytes and objects', () => {
    const text = JSON.stringify(audioDelta);
    expect(parseServerEvent(text)).toEqual({ ok: true, known: true, event: audioDelta });
    const bytes = new TextEncoder().encode(text);
    expect(parseServerEvent(bytes)).toEqual({ ok: true, known: true, event: audioDelta });
    expect(parseServerEvent(bytes.buffer)).toEqual({ ok: true, known: true, event: audioDelta });
    expect(parseServerEvent(Buffer.from(text))).toEqual({ ok: true, known: true, event: audioDelta });
    expect(parseServerEvent(new DataView(bytes.buffer))).toEqual({ ok: true, known: true, event: audioDelta });
    // A view into the middle of a larger buffer decodes only its own bytes.
    const padded = new Uint8Array(bytes.length + 8);
    padded.set(bytes, 4);
    expect(parseServerEvent(padded.subarray(4, 4 + bytes.length))).toEqual({ ok: true, known: true, event: audioDelta });
    const object = { ...audioDelta };
    const result = parseServerEvent(object);
    expect(result.ok && result.event).toBe(object);
  });

  it('keeps unknown fields at every level (server schemas are loose)', () => {
    const event = {
      type: 'response.done',
      event_id: 'event_2',
      brand_new: { nested: [1, 2] },
      response: {
        id: 'resp_1',
        future_field: 'kept',
        output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'hi', extra: true }], added: 1 }],
        usage: { total_tokens: 3, new_details: { x: 1 } },
      },
    };
    expect(parseServerEvent(JSON.stringify(event))).toEqual({ ok: true, known: true, event });
  });

  it('accepts the nulls real traffic carries', () => {
    const frames = [
      { type: 'response.created', event_id: 'e', response: { id: 'r', status_details: null, usage: null, metadata: null, output: [] } },
      { type: 'error', event_id: 'e', error: { type: 'server_error', message: 'boom', code: null, param: null, event_id: null } },
      {
        type: 'session.updated',
        event_id: 'e',
        session: {
          type: 'realtime',
          include: null,
          tracing: null,
          prompt: null,
          audio: { input: { transcription: null, noise_reduction: null, turn_detection: null }, output: { voice: 'marin' } },
        },
      },
      { type: 'conversation.item.added', event_id: 'e', previous_item_id: null, item: { type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] } },
      { type: 'conversation.item.input_audio_transcription.delta', event_id: 'e', item_id: 'i', delta: 'x', logprobs: null },
      { type: 'input_audio_buffer.committed', event_id: 'e', item_id: 'i', previous_item_id: null },
      { type: 'input_audio_buffer.dtmf_event_received', event: '5', received_at: 1 },
    ];
    for (const event of frames) expect(parseServerEvent(JSON.stringify(event))).toEqual({ ok: true, known: true, event });
  });

  it('accepts beta-era content types in server items (text, audio with format)', () => {
    const event = {
      type: 'conversation.item.retrieved',
      event_id: 'e',
      item: { id: 'i', type: 'message', role: 'assistant', content: [{ type: 'audio', audio: 'AAAA', transcript: 'hi', format: 'pcm16' }, { type: 'text', text: 'hi' }] },
    };
    expect(parseServerEvent(JSON.stringify(event)).ok).toBe(true);
  });

  it('delivers a well-formed event of an unknown type whole', () => {
    const event = { type: 'response.audio.delta', event_id: 'e', delta: 'AAAA', anything: { goes: [null] } };
    expect(parseServerEvent(JSON.stringify(event))).toEqual({ ok: true, known: false, event });
    const relay = { type: 'voxwire.session.ending', reason: 'draining' };
    expect(parseServerEvent(JSON.stringify(relay))).toEqual({ ok: true, known: false, event: relay });
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''])('treats type %j as an unknown type', (type) => {
    const result = parseServerEvent(JSON.stringify({ type, x: 1 }));
    expect(result.ok && !result.known).toBe(true);
  });

  it('delivers huge deltas intact', () => {
    const delta = 'A'.repeat(8 * 1024 * 1024);
    const result = parseServerEvent(JSON.stringify({ ...audioDelta, delta }));
    expect(result.ok && result.known).toBe(true);
    expect(result.ok && result.known && result.event.type === 'response.output_audio.delta' && result.event.delta.length).toBe(delta.length);
  });
});

describe('parseServerEvent: malformed frames', () => {
  it('refuses bad JSON with VOXWIRE_INVALID_JSON, keeping the raw text and the cause', () => {
    const error = failed(parseServerEvent('{"type": "error",'));
    expect(error.code).toBe('VOXWIRE_INVALID_JSON');
    expect(error.message).toMatch(/^server frame is not valid JSON: /);
    expect(error.raw).toBe('{"type": "error",');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses every truncation of a valid frame', () => {
    const text = JSON.stringify(audioDelta);
    for (let length = 0; length < text.length; length += 1) {
      expect(failed(parseServerEvent(text.slice(0, length))).code).toBe('VOXWIRE_INVALID_JSON');
    }
  });

  it('keeps only the first 2 KiB of a bad frame as raw', () => {
    const text = `{"type":"x","pad":"${'y'.repeat(10_000)}"`;
    expect(failed(parseServerEvent(text)).raw).toHaveLength(2048);
  });

  it.each([
    ['[]', 'an array'],
    ['"text"', '"text"'],
    ['42', '42'],
    ['null', 'null'],
    ['true', 'true'],
  ])('refuses JSON %s that is not an object', (text, described) => {
    const error = failed(parseServerEvent(text));
    expect(error.code).toBe('VOXWIRE_INVALID_JSON');
    expect(error.message).toBe(`server frame must be a JSON object, got ${described}`);
  });

  it.each([undefined, null, 42, true, [audioDelta], Symbol('x'), () => audioDelta])('refuses a non-frame value %s', (value) => {
    expect(failed(parseServerEvent(value as never)).code).toBe('VOXWIRE_INVALID_JSON');
  });

  it('refuses binary frames that are not UTF-8', () => {
    const error = failed(parseServerEvent(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])));
    expect(error.code).toBe('VOXWIRE_INVALID_JSON');
    expect(error.message).toBe('server frame is not valid UTF-8');
  });

  it('refuses an event without a string type', () => {
    const missing = failed(parseServerEvent('{"event_id":"e"}'));
    expect(missing.code).toBe('VOXWIRE_INVALID_EVENT');
    expect(missing.path).toBe('type');
    expect(missing.message).toBe('server event has no `type`');
    const wrong = failed(parseServerEvent('{"type":5}'));
    expect(wrong.message).toBe('server event `type` must be a string, got 5');
    // A `__proto__` key is an own property after JSON.parse: its `type` is not the event's.
    expect(failed(parseServerEvent('{"__proto__":{"type":"error"}}')).message).toBe('server event has no `type`');
  });

  it.each([
    [{ ...audioDelta, delta: 5 }, 'delta', '`delta` must be a string, got 5'],
    [{ ...audioDelta, output_index: '0' }, 'output_index', '`output_index` must be a number, got "0"'],
    [{ ...audioDelta, item_id: undefined }, 'item_id', 'missing field `item_id` (expected a string)'],
    [{ type: 'error', event_id: 'e', error: { type: 'x' } }, 'error.message', 'missing field `error.message`'],
    [
      { type: 'conversation.item.added', event_id: 'e', item: { content: [] } },
      'item.type',
      "missing field `item.type` (expected one of 'message', 'reasoning', 'function_call'",
    ],
    [
      { type: 'conversation.item.added', event_id: 'e', item: { type: 'function_call', name: 'f' } },
      'item.arguments',
      'missing field `item.arguments` (expected a string)',
    ],
    [
      { type: 'response.done', event_id: 'e', response: { usage: { total_tokens: 'many' } } },
      'response.usage.total_tokens',
      '`response.usage.total_tokens` must be a number, got "many"',
    ],
    [
      { type: 'session.created', event_id: 'e', session: { type: 'realtime', model: 5 } },
      'session.model',
      '`session.model` must be a string, got 5',
    ],
  ])('refuses a known type failing its schema: %j', (event, path, message) => {
    const error = failed(parseServerEvent(JSON.stringify(event)));
    expect(error.code).toBe('VOXWIRE_INVALID_EVENT');
    expect(error.path).toBe(path);
    expect(error.message).toContain(`invalid ${event.type} server event: ${message}`);
    expect(error.raw).toBe(JSON.stringify(event));
  });

  it('refuses NaN and Infinity in an already-parsed object', () => {
    expect(failed(parseServerEvent({ ...audioDelta, output_index: Number.NaN })).path).toBe('output_index');
    expect(failed(parseServerEvent({ ...audioDelta, content_index: Number.POSITIVE_INFINITY })).path).toBe('content_index');
  });

  it('turns throwing getters, proxies and revoked proxies into results', () => {
    const getter = Object.defineProperty({ type: 'response.output_audio.delta' }, 'delta', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    expect(failed(parseServerEvent(getter)).code).toBe('VOXWIRE_INVALID_EVENT');
    const typeGetter = Object.defineProperty({}, 'type', {
      get() {
        throw new Error('nope');
      },
    });
    expect(failed(parseServerEvent(typeGetter)).message).toBe('server event could not be read: nope');
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(failed(parseServerEvent(proxy)).code).toBe('VOXWIRE_INVALID_EVENT');
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(parseServerEvent(revoked).ok).toBe(false);
  });
});

describe('frame size caps', () => {
  it('refuse frames over the cap, per direction, configurable', () => {
    const text = JSON.stringify({ ...audioDelta, delta: 'A'.repeat(1000) });
    expect(failed(parseServerEvent(text, { maxFrameBytes: 500 })).code).toBe('VOXWIRE_FRAME_TOO_LARGE');
    expect(parseServerEvent(text, { maxFrameBytes: text.length }).ok).toBe(true);
    const bytes = new TextEncoder().encode(text);
    expect(failed(parseServerEvent(bytes, { maxFrameBytes: 500 })).code).toBe('VOXWIRE_FRAME_TOO_LARGE');
    const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: 'A'.repeat(1000) });
    expect(failed(parseClientEvent(append, { maxFrameBytes: 500 })).code).toBe('VOXWIRE_FRAME_TOO_LARGE');
  });

  it('count UTF-8 bytes, not UTF-16 code units', () => {
    const text = JSON.stringify({ type: 'x', text: '€'.repeat(1000) });
    const bytes = new TextEncoder().encode(text).length;
    expect(bytes).toBe(text.length + 2000);
    expect(failed(parseServerEvent(text, { maxFrameBytes: bytes - 1 })).code).toBe('VOXWIRE_FRAME_TOO_LARGE');
    expect(parseServerEvent(text, { maxFrameBytes: bytes }).ok).toBe(true);
    const emoji = JSON.stringify({ type: 'x', text: '🎙'.repeat(1000) });
    const emojiBytes = new TextEncoder().encode(emoji).length;
    expect(failed(parseServerEvent(emoji, { maxFrameBytes: emojiBytes - 1 })).code).toBe('VOXWIRE_FRAME_TOO_LARGE');
    expect(parseServerEvent(emoji, { maxFrameBytes: emojiBytes }).ok).toBe(true);
  });

  it('default above what the API allows: a 15 MiB append passes, the server cap is larger', () => {
    expect(DEFAULT_MAX_CLIENT_FRAME_BYTES).toBeGreaterThan(15 * 1024 * 1024);
    expect(DEFAULT_MAX_SERVER_FRAME_BYTES).toBeGreaterThan(DEFAULT_MAX_CLIENT_FRAME_BYTES);
    const append = JSON.stringify({ type: 'input_audio_buffer.append', audio: 'A'.repeat(15 * 1024 * 1024) });
    expect(parseClientEvent(append).ok).toBe(true);
    const tooBig = JSON.stringify({ type: 'input_audio_buffer.append', audio: 'A'.repeat(DEFAULT_MAX_CLIENT_FRAME_BYTES) });
    expect(failed(parseClientEvent(tooBig)).code).toBe('VOXWIRE_FRAME_TOO_LARGE');
    // The same frame is within the server direction's cap.
    expect(parseServerEvent(tooBig).ok).toBe(true);
  });
});

describe('absurd nesting', () => {
  it.each([10_000, 100_000])('tolerates %i levels inside an unknown field and inside an unknown event', (depth) => {
    for (const nested of [nestedArrays(depth), nestedObjects(depth)]) {
      const known = `{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"","junk":${nested}}`;
      expect(parseServerEvent(known)).toMatchObject({ ok: true, known: true });
      expect(parseServerEvent(`{"type":"future.event","junk":${nested}}`)).toMatchObject({ ok: true, known: false });
      // Tool parameters are free-form JSON Schema: deep nesting there is not a typed field either.
      const session = `{"type":"session.update","session":{"type":"realtime","tools":[{"type":"function","name":"f","parameters":${nested}}]}}`;
      expect(parseClientEvent(session)).toMatchObject({ ok: true, known: true });
    }
  });

  it.each([10_000, 100_000])('refuses %i levels inside a typed field', (depth) => {
    for (const nested of [nestedArrays(depth), nestedObjects(depth)]) {
      const error = failed(
        parseServerEvent(`{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":${nested}}`),
      );
      expect(error.code).toBe('VOXWIRE_INVALID_EVENT');
      expect(error.path).toBe('delta');
      const item = failed(
        parseServerEvent(`{"type":"conversation.item.added","event_id":"e","item":{"type":"message","role":"user","content":[{"type":"input_text","text":${nested}}]}}`),
      );
      expect(item.path).toBe('item.content[0].text');
      expect(failed(parseClientEvent(`{"type":"input_audio_buffer.append","audio":${nested}}`)).path).toBe('audio');
    }
  });

  it('refuses a 100k-deep array frame as not an object, without overflowing the stack', () => {
    expect(failed(parseServerEvent(nestedArrays(100_000))).code).toBe('VOXWIRE_INVALID_JSON');
  });
});

describe('prototype pollution', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
  });

  const frames = {
    'top level': `{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"","__proto__":{"polluted":true}}`,
    'a known nested object': `{"type":"response.done","event_id":"e","response":{"__proto__":{"polluted":true},"usage":{"__proto__":{"polluted":true},"total_tokens":1},"output":[{"type":"message","role":"assistant","__proto__":{"polluted":true},"content":[{"type":"output_text","text":"x","__proto__":{"polluted":true}}]}]}}`,
    'an unknown field': `{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,"content_index":0,"delta":"","extra":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}`,
    'an unknown event': `{"type":"future.event","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"polluted":true}}`,
    'a record (metadata)': `{"type":"response.done","event_id":"e","response":{"metadata":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}}`,
  };

  it.each(Object.entries(frames))('delivers __proto__ / constructor keys in %s as own data, never as prototypes', (_where, text) => {
    const result = parseServerEvent(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.event)).toBe(Object.prototype);
    expect(result.event).toEqual(JSON.parse(text));
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      if (!Array.isArray(value)) {
        expect(Object.getPrototypeOf(value) === Object.prototype).toBe(true);
        // `polluted` may be an own key of a payload, never an inherited one.
        if ('polluted' in value) expect(Object.hasOwn(value, 'polluted')).toBe(true);
      }
      for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key]);
    };
    walk(result.event);
  });

  it('delivers a top-level __proto__ key as an own property holding its value', () => {
    const result = parseServerEvent(frames['top level']);
    expect(result.ok && Object.prototype.hasOwnProperty.call(result.event, '__proto__')).toBe(true);
    expect(result.ok && Object.getOwnPropertyDescriptor(result.event, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('refuses __proto__ and constructor keys in strict client events, naming them', () => {
    const error = failed(parseClientEvent('{"type":"input_audio_buffer.commit","__proto__":{"polluted":true}}'));
    expect(error.message).toBe('invalid input_audio_buffer.commit client event: unknown field `__proto__`');
    const nested = failed(parseClientEvent('{"type":"response.create","response":{"constructor":{"prototype":{"polluted":true}}}}'));
    expect(nested.path).toBe('response.constructor');
    expect(nested.message).toBe('invalid response.create client event: unknown field `response.constructor`');
    const value = failed(
      parseClientEvent('{"type":"conversation.item.create","item":{"type":"message","role":"assistant","content":[{"type":"constructor"}]}}'),
    );
    expect(value.message).toBe(
      "invalid conversation.item.create client event: `item.content[0].type` must be one of 'output_text', 'output_audio', got \"constructor\"",
    );
  });
});

describe('parseClientEvent', () => {
  it('accepts events without event_id and refuses unknown fields by name', () => {
    expect(parseClientEvent('{"type":"input_audio_buffer.commit"}')).toEqual({ ok: true, known: true, event: { type: 'input_audio_buffer.commit' } });
    const error = failed(parseClientEvent('{"type":"session.update","session":{"type":"realtime","modalities":["text"]}}'));
    expect(error.code).toBe('VOXWIRE_INVALID_EVENT');
    expect(error.message).toBe(
      'invalid session.update client event: unknown field `session.modalities` (GA uses `session.output_modalities`)',
    );
    expect(error.path).toBe('session.modalities');
  });

  it('passes unknown types through as unknown events', () => {
    expect(parseClientEvent('{"type":"session.close"}')).toEqual({ ok: true, known: false, event: { type: 'session.close' } });
  });
});

describe('parseClientEvent: strict and default modes', () => {
  const newer = { type: 'session.update', session: { type: 'realtime', future_knob: 1, audio: { input: { turn_detection: { type: 'server_vad', future_ms: 5 } } } } };

  it('delivers a field it does not know as known, with one warning each (default)', () => {
    const warnings: unknown[] = [];
    const result = parseClientEvent(JSON.stringify(newer), { onWarning: (warning) => warnings.push(warning) });
    expect(result).toEqual({ ok: true, known: true, event: newer });
    expect(warnings).toEqual([
      { eventType: 'session.update', path: 'session.audio.input.turn_detection.future_ms', message: expect.stringContaining('sent as given') },
      { eventType: 'session.update', path: 'session.future_knob', message: expect.stringContaining('sent as given') },
    ]);
  });

  it('refuses it in strict mode, and refuses what is known to be wrong in either mode', () => {
    const strict = failed(parseClientEvent(JSON.stringify(newer), { strict: true, onWarning: () => expect.unreachable() }));
    expect(strict.code).toBe('VOXWIRE_INVALID_EVENT');
    expect(strict.path).toBe('session.audio.input.turn_detection.future_ms');
    const beta = failed(parseClientEvent('{"type":"session.update","session":{"type":"realtime","voice":"marin","future_knob":1}}'));
    expect(beta.message).toBe('invalid session.update client event: unknown field `session.voice` (GA uses `session.audio.output.voice`)');
  });
});
