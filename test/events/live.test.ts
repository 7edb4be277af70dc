import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { RealtimeError } from '../../src/base/errors';
import { runCheck } from '../../src/events/check';
import { liveClientEventValidators, liveServerEventValidators, liveSessionConfigValidator } from '../../src/events/generated/live-validators';
import {
  checkLiveSessionConfig,
  liveClientEventSchemas,
  liveServerEventSchemas,
  liveSessionConfigSchema,
  parseLiveClientEvent,
  parseLiveServerEvent,
  serializeLiveClientEvent,
} from '../../src/events/live';
import type { LiveClientEvent } from '../../src/events/live';
import { parseServerEvent } from '../../src/events/realtime-codec';
import { repoRoot } from './examples';

interface Example {
  dir: 'client' | 'server';
  type: string;
  example: Record<string, unknown> & { type: string };
}

/** One example of every Live event (fixtures/protocol/live/events.jsonl; see its README). */
const examples: Example[] = readFileSync(join(repoRoot, 'fixtures', 'protocol', 'live', 'events.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Example);
const example = (dir: Example['dir'], type: string) => structuredClone(examples.find((e) => e.dir === dir && e.type === type)!.example);

describe('Live event schemas', () => {
  it('cover every example, and every example parses as a known event, delivered as it arrived', () => {
    expect(new Set(examples.filter((e) => e.dir === 'server').map((e) => e.type))).toEqual(new Set(Object.keys(liveServerEventSchemas)));
    expect(new Set(examples.filter((e) => e.dir === 'client').map((e) => e.type))).toEqual(new Set(Object.keys(liveClientEventSchemas)));
    for (const { dir, type, example: event } of examples) {
      const result = dir === 'server' ? parseLiveServerEvent(JSON.stringify(event)) : parseLiveClientEvent(JSON.stringify(event), { strict: true });
      expect(result, type).toEqual({ ok: true, known: true, event });
    }
  });

  it('the generated validators agree with zod on every example and on mutations of it', () => {
    const mutations = (value: Record<string, unknown>): unknown[] => [
      value,
      { ...value, extra_field: 1 },
      { ...value, event_id: 5 },
      { ...value, event_id: null },
      ...Object.keys(value).filter((key) => key !== 'type').map((key) => Object.fromEntries(Object.entries(value).filter(([k]) => k !== key))),
      ...Object.keys(value).filter((key) => key !== 'type').map((key) => ({ ...value, [key]: null })),
      ...Object.keys(value).filter((key) => key !== 'type').map((key) => ({ ...value, [key]: 'x' })),
    ];
    let compared = 0;
    for (const { dir, type, example: event } of examples) {
      const schema = (dir === 'server' ? liveServerEventSchemas : liveClientEventSchemas)[type as never] as z.core.$ZodType;
      const validator = (dir === 'server' ? liveServerEventValidators : liveClientEventValidators).get(type)!;
      for (const value of mutations(event)) {
        expect(runCheck(validator, value).issues.length === 0, `${dir} ${type}: ${JSON.stringify(value)}`).toBe(z.safeParse(schema, value).success);
        compared += 1;
      }
    }
    const config = example('client', 'session.start').session as Record<string, unknown>;
    for (const value of [config, { ...config, voice: 'marin' }, { ...config, audio: { format: { type: 'audio/pcm', rate: 44100 } } }, { model: 'gpt-live-1' }, {}]) {
      expect(runCheck(liveSessionConfigValidator, value).issues.length === 0).toBe(z.safeParse(liveSessionConfigSchema, value).success);
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('passes unknown server events, unknown fields and unknown nested Responses events through whole', () => {
    const unknownType = { type: 'session.something_new', event_id: 'e1', x: { deep: [1] } };
    expect(parseLiveServerEvent(JSON.stringify(unknownType))).toEqual({ ok: true, known: false, event: unknownType });
    const nested = { event_id: 'e2', type: 'response.event', delegation_id: null, event: { type: 'response.brand_new_event', payload: { a: 1 } }, extra: true };
    expect(parseLiveServerEvent(JSON.stringify(nested))).toEqual({ ok: true, known: true, event: nested });
    const delta = { ...example('server', 'session.output_transcript.delta'), speaker_confidence: 0.9, client_event_id: null };
    expect(parseLiveServerEvent(delta)).toEqual({ ok: true, known: true, event: delta });
    const closed = { ...example('server', 'session.closed'), reason: 'a_new_reason' };
    expect(parseLiveServerEvent(closed)).toMatchObject({ ok: true, known: true });
  });

  it('fails only what is wrong in a known server event, with the path, and never throws on garbage', () => {
    const bad = { ...example('server', 'session.output_transcript.delta'), start_ms: '12' };
    const result = parseLiveServerEvent(JSON.stringify(bad));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'VOXWIRE_INVALID_EVENT', path: 'start_ms' });
    const nestedWithoutType = { event_id: 'e', type: 'response.event', event: { sequence_number: 1 } };
    expect(parseLiveServerEvent(nestedWithoutType)).toMatchObject({ ok: false, error: { path: 'event.type' } });
    for (const garbage of ['', 'nope', '[]', '{"type":3}', '{"type":"error"}', new Uint8Array([0xff, 0xfe])]) {
      const parsed = parseLiveServerEvent(garbage);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toBeInstanceOf(RealtimeError);
    }
    const big = parseLiveServerEvent(`{"type":"info","pad":"${'x'.repeat(200)}"}`, { maxFrameBytes: 100 });
    expect(big.ok === false && big.error.code).toBe('VOXWIRE_FRAME_TOO_LARGE');
  });

  it('is a protocol of its own: Live output audio is not a Realtime event', () => {
    const transcript = example('server', 'session.delegation.created');
    expect(parseServerEvent(JSON.stringify(transcript))).toMatchObject({ ok: true, known: false });
    expect(parseLiveServerEvent('{"event_id":"e","type":"response.done","response":{}}')).toMatchObject({ ok: true, known: false });
  });
});

describe('Live client events (what a relay or the mock receives)', () => {
  it('refuses a start-only field in session.update in every mode, naming the Live way', () => {
    for (const strict of [false, true]) {
      const result = parseLiveClientEvent({ type: 'session.update', session: { instructions: 'be terse' } }, { strict });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.path).toBe('session.instructions');
    }
    const voice = parseLiveClientEvent({ type: 'session.update', session: { audio: { output: { voice: 'cedar' } } } });
    expect(voice.ok === false && voice.error.message).toMatch(/fixed at start/);
  });

  it('refuses Realtime events with the Live equivalent, and server events', () => {
    expect(parseLiveClientEvent({ type: 'input_audio_buffer.append', audio: 'AAAA' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("'session.input_audio.append'") },
    });
    expect(parseLiveClientEvent({ type: 'response.cancel' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('no cancel') } });
    expect(parseLiveClientEvent({ type: 'session.started', session: {} })).toMatchObject({ ok: false, error: { message: expect.stringContaining('server event') } });
  });

  it('delivers an unknown field with a warning, refused in strict mode; an unknown type passes as unknown', () => {
    const warnings: string[] = [];
    const event = { type: 'session.commentary.append', content: 'hi', delegation_id: null, emphasis: 'high' };
    expect(parseLiveClientEvent(event, { onWarning: (warning) => warnings.push(warning.path) })).toEqual({ ok: true, known: true, event });
    expect(warnings).toEqual(['emphasis']);
    expect(parseLiveClientEvent(event, { strict: true })).toMatchObject({ ok: false, error: { path: 'emphasis' } });
    expect(parseLiveClientEvent({ type: 'session.brand_new', x: 1 })).toEqual({ ok: true, known: false, event: { type: 'session.brand_new', x: 1 } });
  });

  it('requires delegation_id on appends (nullable, not optional) and an event_id on decision.create', () => {
    expect(parseLiveClientEvent({ type: 'session.thinking.append', content: 'x' })).toMatchObject({ ok: false, error: { path: 'delegation_id' } });
    expect(parseLiveClientEvent({ type: 'decision.create' })).toMatchObject({ ok: false, error: { path: 'event_id' } });
  });

  it('checks a startup config as the server does', () => {
    expect(checkLiveSessionConfig(example('client', 'session.start').session)).toBeUndefined();
    expect(checkLiveSessionConfig({ model: 'gpt-live-1', voice: 'marin' })).toMatchObject({ path: 'voice' });
    expect(checkLiveSessionConfig({ model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 44100 } } })).toMatchObject({ path: 'audio.format.rate' });
    expect(checkLiveSessionConfig({ instructions: 'no model' })).toMatchObject({ path: 'model' });
    expect(checkLiveSessionConfig(null)).toEqual({ path: '', message: expect.stringContaining('must be an object, got null') });
  });
});

describe('serializeLiveClientEvent', () => {
  it('fills event_id and writes exactly what was validated', () => {
    const text = serializeLiveClientEvent({ type: 'session.commentary.append', content: 'It shipped.', delegation_id: 'del_1' }, { generateEventId: () => 'evt_1' });
    expect(JSON.parse(text)).toEqual({ event_id: 'evt_1', type: 'session.commentary.append', content: 'It shipped.', delegation_id: 'del_1' });
    const output = { type: 'response.item.create', item: { type: 'function_call_output', call_id: 'call_1', output: '{"ok":true}' } } as const;
    expect(JSON.parse(serializeLiveClientEvent(output, { generateEventId: () => 'evt_2' }))).toEqual({ event_id: 'evt_2', ...output });
  });

  it('refuses what is known wrong in any mode, naming the Live way', () => {
    const send = (event: unknown, strict = false) => () => serializeLiveClientEvent(event as LiveClientEvent, { strict });
    expect(send({ type: 'session.update', session: { instructions: 'x' } })).toThrowError(expect.objectContaining({ code: 'VOXWIRE_INVALID_CLIENT_EVENT', path: 'session.instructions' }));
    expect(send({ type: 'session.update', session: { model: 'gpt-live-1.1' } })).toThrowError(/fixed at start/);
    expect(send({ type: 'conversation.item.truncate', item_id: 'x' })).toThrowError(/no truncate/);
    expect(send({ type: 'session.start', session: { model: 'gpt-live-1', voice: 'marin' } })).toThrowError(expect.objectContaining({ path: 'session.voice' }));
    expect(send({ type: 'session.start', session: { model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 8000 } } } })).toThrowError(
      expect.objectContaining({ path: 'session.audio.format.rate' }),
    );
    expect(send({ type: 'session.commentary.append', content: 3, delegation_id: null })).toThrowError(expect.objectContaining({ path: 'content' }));
    expect(send(null)).toThrowError(RealtimeError);
  });

  it('sends what is only new with one warning each; strict mode refuses it', () => {
    const warnings: string[] = [];
    const onWarning = (warning: { path: string }) => warnings.push(warning.path);
    const withNewField = { type: 'session.update', session: { delegation: { type: 'client', acknowledgement_delay_ms: 200, wait_for_silence: true } } };
    expect(JSON.parse(serializeLiveClientEvent(withNewField as LiveClientEvent, { onWarning, generateEventId: () => 'e' }))).toEqual({ event_id: 'e', ...withNewField });
    const newType = { type: 'session.output_audio.pause', reason: 'hold' };
    expect(JSON.parse(serializeLiveClientEvent(newType, { onWarning, generateEventId: () => 'e2' }))).toEqual({ event_id: 'e2', ...newType });
    expect(warnings).toEqual(['session.delegation.wait_for_silence', 'type']);
    expect(() => serializeLiveClientEvent(withNewField as LiveClientEvent, { strict: true })).toThrowError(expect.objectContaining({ path: 'session.delegation.wait_for_silence' }));
    expect(() => serializeLiveClientEvent(newType, { strict: true })).toThrowError(/unknown Live client event type/);
  });
});
