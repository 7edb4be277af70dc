import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/events/check';
import { translationClientEventValidators, translationServerEventValidators } from '../../src/events/generated/translation-validators';
import { parseServerEvent, serializeClientEvent } from '../../src/events/realtime-codec';
import {
  parseTranslationClientEvent,
  parseTranslationServerEvent,
  serializeTranslationClientEvent,
} from '../../src/events/translation-parse';
import { translationClientEventSchemas, translationServerEventSchemas } from '../../src/events/translation';
import type { TranslationClientEvent } from '../../src/events/translation';
import { RealtimeError } from '../../src/base/errors';
import { repoRoot } from './examples';

interface Example {
  dir: 'client' | 'server';
  type: string;
  example: Record<string, unknown>;
}

/** The official examples (fixtures/protocol/events-ga-translation.jsonl; see its README). */
const examples: Example[] = readFileSync(join(repoRoot, 'fixtures', 'protocol', 'events-ga-translation.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Example);

describe('translation event schemas', () => {
  it('cover every official translation example, and every example parses as a known event', () => {
    expect(new Set(examples.filter((e) => e.dir === 'server').map((e) => e.type))).toEqual(new Set(Object.keys(translationServerEventSchemas)));
    expect(new Set(examples.filter((e) => e.dir === 'client').map((e) => e.type))).toEqual(new Set(Object.keys(translationClientEventSchemas)));
    for (const { dir, type, example } of examples) {
      const result = dir === 'server' ? parseTranslationServerEvent(JSON.stringify(example)) : parseTranslationClientEvent(JSON.stringify(example));
      expect(result, type).toMatchObject({ ok: true, known: true, event: example });
    }
  });

  it('the generated validators agree with zod on every example and on mutations of it', () => {
    const mutations = (example: Record<string, unknown>): unknown[] => [
      example,
      { ...example, extra_field: 1 },
      { ...example, event_id: 5 },
      ...Object.keys(example).filter((key) => key !== 'type').map((key) => Object.fromEntries(Object.entries(example).filter(([k]) => k !== key))),
      ...Object.keys(example).filter((key) => key !== 'type').map((key) => ({ ...example, [key]: null })),
    ];
    for (const { dir, type, example } of examples) {
      const schema = (dir === 'server' ? translationServerEventSchemas : translationClientEventSchemas)[type as never] as z.core.$ZodType;
      const validator = (dir === 'server' ? translationServerEventValidators : translationClientEventValidators).get(type)!;
      for (const value of mutations(example)) {
        expect(runCheck(validator, value).issues.length === 0, `${dir} ${type}: ${JSON.stringify(value)}`).toBe(z.safeParse(schema, value).success);
      }
    }
  });

  it('keeps unknown server fields and accepts null where real traffic sends it', () => {
    const frame = { event_id: 'e1', type: 'session.output_audio.delta', delta: 'AAAA', elapsed_ms: null, sample_rate: null, obfuscation: 'x' };
    expect(parseTranslationServerEvent(JSON.stringify(frame))).toEqual({ ok: true, known: true, event: frame });
  });

  it('delivers an unknown server type whole and never throws on garbage', () => {
    expect(parseTranslationServerEvent('{"type":"session.something_new","x":1}')).toEqual({ ok: true, known: false, event: { type: 'session.something_new', x: 1 } });
    for (const bad of ['', 'nope', '[]', '{"type":3}', '{"type":"session.output_transcript.delta"}', new Uint8Array([0xff, 0xfe])]) {
      const result = parseTranslationServerEvent(bad);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toBeInstanceOf(RealtimeError);
    }
    const big = parseTranslationServerEvent(`{"type":"error","pad":"${'x'.repeat(200)}"}`, { maxFrameBytes: 100 });
    expect(big.ok === false && big.error.code).toBe('VOXWIRE_FRAME_TOO_LARGE');
  });

  it('is a protocol of its own: translation events are not conversation events, and back', () => {
    const audio = examples.find((e) => e.dir === 'server' && e.type === 'session.output_audio.delta')!.example;
    expect(parseServerEvent(JSON.stringify(audio))).toMatchObject({ ok: true, known: false });
    expect(parseTranslationServerEvent(JSON.stringify(audio))).toMatchObject({ ok: true, known: true });
    expect(() => serializeClientEvent({ type: 'session.input_audio_buffer.append', audio: 'AAAA' } as never)).toThrowError(RealtimeError);
    expect(parseTranslationServerEvent('{"event_id":"e","type":"response.done","response":{}}')).toMatchObject({ ok: true, known: false });
  });
});

describe('serializeTranslationClientEvent', () => {
  it('fills event_id and writes the event as validated', () => {
    const text = serializeTranslationClientEvent({ type: 'session.update', session: { audio: { output: { language: 'fr' } } } }, { generateEventId: () => 'evt_1' });
    expect(JSON.parse(text)).toEqual({ event_id: 'evt_1', type: 'session.update', session: { audio: { output: { language: 'fr' } } } });
  });

  it('refuses a conversation event, naming the translation one', () => {
    expect(() => serializeTranslationClientEvent({ type: 'input_audio_buffer.append', audio: 'AAAA' } as unknown as TranslationClientEvent)).toThrowError(
      expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT', message: expect.stringContaining("'session.input_audio_buffer.append'") }),
    );
    expect(() => serializeTranslationClientEvent({ type: 'response.create' } as unknown as TranslationClientEvent)).toThrowError(/no responses/);
  });

  it('refuses an unknown or wrong field with its path, and conversation-only session fields', () => {
    const wrong = (session: unknown) => () => serializeTranslationClientEvent({ type: 'session.update', session } as TranslationClientEvent);
    expect(wrong({ audio: { output: { language: 'fr', voice: 'marin' } } })).toThrowError(expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT', path: 'session.audio.output.voice' }));
    expect(wrong({ type: 'translation' })).toThrowError(expect.objectContaining({ path: 'session.type' }));
    expect(wrong({ audio: { input: { noise_reduction: { type: 'medium_field' } } } })).toThrowError(expect.objectContaining({ path: 'session.audio.input.noise_reduction.type' }));
    expect(() => serializeTranslationClientEvent(null as unknown as TranslationClientEvent)).toThrowError(RealtimeError);
  });
});
