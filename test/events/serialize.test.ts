import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventId, parseClientEvent, serializeClientEvent } from '../../src/events';
import type { ClientEventInput, ClientEventWarning } from '../../src/events';
import { RealtimeError } from '../../src/base/errors';
import { thrown } from '../helpers/index';

/** Refused in strict mode (what the strict schemas say about it). */
function rejected(event: unknown): RealtimeError {
  const error = thrown(() => serializeClientEvent(event as ClientEventInput, { strict: true }));
  expect(error.code).toBe('VOXWIRE_INVALID_CLIENT_EVENT');
  return error;
}

describe('serializeClientEvent: event ids', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('fills a missing event_id with a short random id, keeps a given one, never mutates the input', () => {
    const event = { type: 'input_audio_buffer.commit' } as const;
    const sent = JSON.parse(serializeClientEvent(event)) as { event_id: string; type: string };
    expect(sent.type).toBe('input_audio_buffer.commit');
    expect(sent.event_id).toMatch(/^evt_[0-9A-Za-z]{16}$/);
    expect(event).toEqual({ type: 'input_audio_buffer.commit' });
    expect(JSON.parse(serializeClientEvent({ type: 'input_audio_buffer.commit', event_id: 'mine' }))).toEqual({
      type: 'input_audio_buffer.commit',
      event_id: 'mine',
    });
    expect(JSON.parse(serializeClientEvent({ type: 'input_audio_buffer.commit', event_id: undefined })).event_id).toMatch(/^evt_/);
  });

  it('uses an injected id generator', () => {
    let counter = 0;
    const generateEventId = () => `id_${++counter}`;
    expect(serializeClientEvent({ type: 'response.cancel' }, { generateEventId })).toBe('{"event_id":"id_1","type":"response.cancel"}');
    expect(serializeClientEvent({ type: 'response.cancel' }, { generateEventId })).toBe('{"event_id":"id_2","type":"response.cancel"}');
    // A given id keeps its value and the same place.
    expect(serializeClientEvent({ response_id: 'r', type: 'response.cancel', event_id: 'mine' })).toBe(
      '{"event_id":"mine","type":"response.cancel","response_id":"r"}',
    );
  });

  it('refuses a generator that returns a non-string or throws', () => {
    expect(thrown(() => serializeClientEvent({ type: 'response.cancel' }, { generateEventId: () => 5 as never })).message).toBe(
      'generateEventId returned 5, not a string',
    );
    const error = thrown(() =>
      serializeClientEvent(
        { type: 'response.cancel' },
        {
          generateEventId: () => {
            throw new Error('no entropy');
          },
        },
      ),
    );
    expect(error.code).toBe('VOXWIRE_INVALID_CLIENT_EVENT');
    expect(error.message).toBe('generateEventId threw: no entropy');
  });

  it('makes distinct ids, and falls back to a counter without crypto.getRandomValues', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => createEventId()));
    expect(ids.size).toBe(10_000);
    vi.stubGlobal('crypto', undefined);
    const first = createEventId();
    const second = createEventId();
    expect(first).toMatch(/^evt_local_[0-9a-z]+$/);
    expect(second).not.toBe(first);
  });
});

describe('serializeClientEvent (strict): validation messages name the field and the fix', () => {
  it.each([
    [
      { type: 'session.update', session: { type: 'realtime', modalities: ['audio'] } },
      'session.update rejected: unknown field `session.modalities` (GA uses `session.output_modalities`)',
      'session.modalities',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', voice: 'marin' } },
      'session.update rejected: unknown field `session.voice` (GA uses `session.audio.output.voice`)',
      'session.voice',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', input_audio_format: 'pcm16' } },
      'session.update rejected: unknown field `session.input_audio_format` (GA uses `session.audio.input.format`)',
      'session.input_audio_format',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', turn_detection: null } },
      'session.update rejected: unknown field `session.turn_detection` (GA uses `session.audio.input.turn_detection`)',
      'session.turn_detection',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', max_response_output_tokens: 'inf' } },
      'session.update rejected: unknown field `session.max_response_output_tokens` (GA uses `session.max_output_tokens`)',
      'session.max_response_output_tokens',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', temperature: 0.8 } },
      'session.update rejected: unknown field `session.temperature` (GA has no `temperature`; remove it)',
      'session.temperature',
    ],
    [
      { type: 'session.update', session: { instructions: 'hi' } },
      "session.update rejected: missing field `session.type` (expected one of 'realtime', 'transcription'); GA requires it, and normalizeSessionConfig() fills it in and translates beta fields",
      'session.type',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', audio: { input: { format: 'pcm16' } } } },
      "session.update rejected: `session.audio.input.format` must be an object, got \"pcm16\" (GA uses { type: 'audio/pcm', rate: 24000 })",
      'session.audio.input.format',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', audio: { output: { format: { type: 'audio/pcm', rate: 16000 } } } } },
      '`session.audio.output.format.rate` must be 24000, got 16000',
      'session.audio.output.format.rate',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 7 } } } },
      '`session.audio.output.voice` must be a string or an object, got 7',
      'session.audio.output.voice',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 'f', strict: true }] } },
      'unknown field `session.tools[0].strict`',
      'session.tools[0].strict',
    ],
    [
      { type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', eagerness: 'high' } } } } },
      'unknown field `session.audio.input.turn_detection.eagerness`',
      'session.audio.input.turn_detection.eagerness',
    ],
    [
      { type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] } },
      "`item.content[0].type` must be one of 'output_text', 'output_audio', got \"text\" (GA uses 'output_text')",
      'item.content[0].type',
    ],
    [
      { type: 'conversation.item.create', item: { type: 'message', role: 'bot', content: [] } },
      "`item.role` must be one of 'system', 'user', 'assistant', got \"bot\"",
      'item.role',
    ],
    [
      { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'c', output: { ok: true } } },
      '`item.output` must be a string, got an object',
      'item.output',
    ],
    [
      { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: 1.5 },
      'conversation.item.truncate rejected: `audio_end_ms` must be an integer, got 1.5',
      'audio_end_ms',
    ],
    [
      { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: -1 },
      '`audio_end_ms` must be ≥ 0, got -1',
      'audio_end_ms',
    ],
    [
      { type: 'response.create', response: { modalities: ['text'], voice: 'marin' } },
      'unknown fields `response.modalities` (GA uses `response.output_modalities`), `response.voice` (GA uses `response.audio.output.voice`)',
      'response.modalities',
    ],
    [
      { type: 'response.create', response: { tool_choice: 'sometimes' } },
      "`response.tool_choice` must be one of 'none', 'auto', 'required' or an object, got \"sometimes\"",
      'response.tool_choice',
    ],
    [{ type: 'input_audio_buffer.append' }, 'input_audio_buffer.append rejected: missing field `audio` (expected a string)', 'audio'],
    [{ type: 'input_audio_buffer.append', audio: 'AAAA', extra: 1 }, 'unknown field `extra`', 'extra'],
    [{ type: 'response.done' }, "'response.done' is a server event; clients cannot send it", 'type'],
    [
      { type: 'transcription_session.update', session: {} },
      "unknown client event type 'transcription_session.update' (transcription_session.update is not part of the GA protocol; send session.update with session.type 'transcription')",
      'type',
    ],
    [{ type: 'session.updatee' }, 'unknown client event type "session.updatee" (GA client events: session.update, ', 'type'],
    [{ audio: 'AAAA' }, 'client event has no `type`', 'type'],
    [{ type: 3 }, 'client event has a `type` of 3, not a string', 'type'],
  ])('%j', (event, message, path) => {
    const error = rejected(event);
    expect(error.message).toContain(message);
    expect(error.path).toBe(path);
  });

  it.each([null, undefined, 'text', 42, [{ type: 'response.cancel' }]])('refuses a non-object %j', (value) => {
    expect(rejected(value).message).toMatch(/^client event must be an object, got /);
  });
});

describe('serializeClientEvent: what leaves', () => {
  it('sends exactly the validated fields (an inherited toJSON cannot change the frame)', () => {
    class Commit {
      type = 'input_audio_buffer.commit' as const;
      toJSON(): unknown {
        return { type: 'session.update', session: { type: 'realtime', modalities: ['text'] } };
      }
    }
    expect(JSON.parse(serializeClientEvent(new Commit(), { generateEventId: () => 'e' }))).toEqual({
      type: 'input_audio_buffer.commit',
      event_id: 'e',
    });
  });

  it('refuses free-form fields that cannot become JSON (BigInt, cycles, absurd depth)', () => {
    const withParameters = (parameters: unknown) =>
      ({ type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 'f', parameters }] } }) as ClientEventInput;
    expect(rejected(withParameters({ max: 10n })).message).toMatch(/^session\.update rejected: it cannot be serialized as JSON \(/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rejected(withParameters(cyclic)).message).toMatch(/cannot be serialized as JSON/);
    let deep: unknown = {};
    for (let depth = 0; depth < 100_000; depth += 1) deep = { a: deep };
    expect(rejected(withParameters(deep)).message).toMatch(/cannot be serialized as JSON/);
  });

  it('turns throwing getters and proxies into RealtimeError', () => {
    const getter = Object.defineProperty({ type: 'input_audio_buffer.append' }, 'audio', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    expect(rejected(getter).message).toBe('client event could not be read: nope');
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(rejected(proxy).message).toBe('client event could not be read: trap');
  });

  it('enforces maxFrameBytes with VOXWIRE_FRAME_TOO_LARGE', () => {
    const event = { type: 'input_audio_buffer.append', audio: 'A'.repeat(1000) } as const;
    const error = thrown(() => serializeClientEvent(event, { maxFrameBytes: 500 }));
    expect(error.code).toBe('VOXWIRE_FRAME_TOO_LARGE');
    expect(error.message).toMatch(/^input_audio_buffer\.append of at least \d+ bytes exceeds maxFrameBytes \(500\)/);
    expect(serializeClientEvent(event, { maxFrameBytes: 2000 })).toContain('"audio"');
    // The API accepts up to 15 MiB of base64 in one append; the default cap lets it through.
    expect(serializeClientEvent({ type: 'input_audio_buffer.append', audio: 'A'.repeat(15 * 1024 * 1024) }).length).toBeGreaterThan(
      15 * 1024 * 1024,
    );
    expect(thrown(() => serializeClientEvent({ type: 'input_audio_buffer.append', audio: 'A'.repeat(16 * 1024 * 1024) })).code).toBe(
      'VOXWIRE_FRAME_TOO_LARGE',
    );
  });

  it('round-trips through parseClientEvent', () => {
    const events: ClientEventInput[] = [
      { type: 'session.update', session: { type: 'realtime', output_modalities: ['text'], audio: { output: { voice: { id: 'voice_1' } } } } },
      { type: 'response.create', response: { conversation: 'none', input: [{ type: 'item_reference', id: 'item_1' }], metadata: null } },
      { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } },
    ];
    for (const event of events) {
      const text = serializeClientEvent(event, { generateEventId: () => 'evt_1' });
      expect(parseClientEvent(text)).toEqual({ ok: true, known: true, event: { ...event, event_id: 'evt_1' } });
    }
  });
});

/** Serializes in the default mode, collecting the warnings. */
function sentWithWarnings(event: unknown): { sent: Record<string, unknown>; warnings: ClientEventWarning[] } {
  const warnings: ClientEventWarning[] = [];
  const text = serializeClientEvent(event as ClientEventInput, { generateEventId: () => 'evt_1', onWarning: (warning) => warnings.push(warning) });
  return { sent: JSON.parse(text) as Record<string, unknown>, warnings };
}

describe('serializeClientEvent (default): what is known to be wrong is refused, what is new is sent', () => {
  it.each([
    [{ type: 'session.update', session: { type: 'realtime', modalities: ['audio'] } }, 'unknown field `session.modalities` (GA uses `session.output_modalities`)'],
    [{ type: 'session.update', session: { type: 'realtime', temperature: 0.8 } }, 'GA has no `temperature`; remove it'],
    [{ type: 'session.update', session: { type: 'realtime', max_tokens: 100 } }, 'unknown field `session.max_tokens` (did you mean `session.max_output_tokens`?)'],
    [{ type: 'response.create', response: { output_modality: ['text'] } }, '(did you mean `response.output_modalities`?)'],
    [{ type: 'session.update', session: { type: 'realtime', audio: { output: { speeed: 1 } } } }, 'unknown field `session.audio.output.speeed` (did you mean `session.audio.output.speed`?)'],
    [{ type: 'session.update', session: { type: 'realtime', toolChoice: 'auto' } }, 'unknown field `session.toolChoice` (did you mean `session.tool_choice`?)'],
    [{ type: 'session.update', session: { instructions: 'hi' } }, 'missing field `session.type`'],
    [{ type: 'session.update', session: { type: 'realtime', audio: { input: { format: 'pcm16' } } } }, "(GA uses { type: 'audio/pcm', rate: 24000 })"],
    [{ type: 'session.update', session: { type: 'realtime', audio: { output: { format: { type: 'audio/pcm', rate: 16000 } } } } }, 'must be 24000, got 16000'],
    [{ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 7 } } } }, 'must be a string or an object, got 7'],
    [
      { type: 'conversation.item.create', item: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hi' }] } },
      "(GA uses 'output_text')",
    ],
    [{ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'c', output: { ok: true } } }, '`item.output` must be a string'],
    [{ type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: -1 }, '`audio_end_ms` must be ≥ 0'],
    [{ type: 'response.create', response: { max_output_tokens: 'lots' } }, "`response.max_output_tokens` must be a number or 'inf', got \"lots\""],
    [{ type: 'input_audio_buffer.append' }, 'missing field `audio`'],
    [{ type: 'input_audio_buffer.commit', constructor: 1 }, 'unknown field `constructor`'],
    [{ type: 'session.updatee' }, 'unknown client event type "session.updatee"'],
  ])('refuses %j', (event, message) => {
    const error = thrown(() => serializeClientEvent(event as ClientEventInput, { onWarning: () => expect.unreachable('no warning for a refusal') }));
    expect(error.code).toBe('VOXWIRE_INVALID_CLIENT_EVENT');
    expect(error.message).toContain(message);
  });

  it('names every beta field at once, with or without session.type', () => {
    const flat = { modalities: ['text', 'audio'], voice: 'marin', input_audio_format: 'pcm16', turn_detection: { type: 'server_vad' }, instructions: 'hi' };
    for (const session of [flat, { type: 'realtime', ...flat }]) {
      const { message } = thrown(() => serializeClientEvent({ type: 'session.update', session } as never));
      for (const [beta, ga] of [
        ['modalities', 'output_modalities'],
        ['voice', 'audio.output.voice'],
        ['input_audio_format', 'audio.input.format'],
        ['turn_detection', 'audio.input.turn_detection'],
      ]) {
        expect(message).toContain(`\`session.${beta ?? ''}\` (GA uses \`session.${ga ?? ''}\`)`);
      }
      expect(message).not.toContain('instructions');
    }
  });

  it.each([
    ['a newer session field', { type: 'session.update', session: { type: 'realtime', instructions: 'hi', future_knob: { level: 2 } } }, ['session.future_knob']],
    [
      'a newer turn_detection field',
      { type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', eagerness: 'high', future_ms: 5 } } } } },
      ['session.audio.input.turn_detection.eagerness', 'session.audio.input.turn_detection.future_ms'],
    ],
    ['a newer turn_detection type', { type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'future_vad', x: 1 } } } } }, ['session.audio.input.turn_detection.type']],
    ['a newer response.create parameter', { type: 'response.create', response: { instructions: 'hi', future_param: true } }, ['response.future_param']],
    [
      'an input_file content part',
      { type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'see' }, { type: 'input_file', file_id: 'file_1' }] } },
      ['item.content[1].type'],
    ],
    ['role developer', { type: 'conversation.item.create', item: { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'x' }] } }, ['item.role']],
    ['a newer item type', { type: 'conversation.item.create', item: { type: 'future_item', payload: 1 } }, ['item.type']],
    ['a newer tool_choice mode', { type: 'response.create', response: { tool_choice: 'sometimes' } }, ['response.tool_choice']],
    ['a newer tool type', { type: 'session.update', session: { type: 'realtime', tools: [{ type: 'web_search' }] } }, ['session.tools[0].type']],
    ['a newer output modality', { type: 'session.update', session: { type: 'realtime', output_modalities: ['video'] } }, ['session.output_modalities[0]']],
    ['a field on a function tool', { type: 'session.update', session: { type: 'realtime', tools: [{ type: 'function', name: 'f', strict: true }] } }, ['session.tools[0].strict']],
    ['a field at the event root', { type: 'input_audio_buffer.append', audio: 'AAAA', extra: 1 }, ['extra']],
  ])('sends %s as given with one warning each', (_name, event, paths) => {
    const { sent, warnings } = sentWithWarnings(event);
    expect(sent).toEqual({ event_id: 'evt_1', ...event });
    expect(warnings.map((warning) => warning.path)).toEqual(paths);
    for (const warning of warnings) {
      expect(warning.eventType).toBe(event.type);
      expect(warning.message).toContain(`\`${warning.path}\` is not known to voxwire; sent as given (strict mode refuses it)`);
    }
    expect(() => serializeClientEvent(event as ClientEventInput, { strict: true })).toThrow(RealtimeError);
  });

  it('a throwing onWarning does not stop the event', () => {
    const text = serializeClientEvent({ type: 'input_audio_buffer.append', audio: 'AAAA', extra: 1 } as never, {
      onWarning: () => {
        throw new Error('listener bug');
      },
    });
    expect(JSON.parse(text)).toMatchObject({ type: 'input_audio_buffer.append', extra: 1 });
  });

  it('sends a valid event without warnings, exactly as before', () => {
    const { sent, warnings } = sentWithWarnings({ type: 'response.create', response: { instructions: 'hi' } });
    expect(sent).toEqual({ event_id: 'evt_1', type: 'response.create', response: { instructions: 'hi' } });
    expect(warnings).toEqual([]);
  });
});
