import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  SERVER_EVENT_TYPES,
  parseClientEvent,
  parseServerEvent,
  serializeClientEvent,
} from '../../src/events';
import type { ServerEventMap } from '../../src/events';
import { fixtureFiles, fixtureLines } from './examples';

describe('fixtures/events', () => {
  it('has the scenario streams and the every-event file', () => {
    expect(fixtureFiles()).toEqual([
      'all-events.jsonl',
      'audio-turn.jsonl',
      'error-expiry.jsonl',
      'function-call-turn.jsonl',
      'interruption.jsonl',
      'text-turn.jsonl',
    ]);
  });

  it('all-events.jsonl holds at least one example of every GA event type, per direction', () => {
    const lines = fixtureLines('all-events.jsonl');
    const types = (dir: 'client' | 'server') => new Set(lines.filter((line) => line.dir === dir).map((line) => line.event.type));
    expect([...types('server')].sort()).toEqual([...SERVER_EVENT_TYPES].sort());
    expect([...types('client')].sort()).toEqual([...CLIENT_EVENT_TYPES].sort());
  });

  it.each(fixtureLines().map((line) => [`${line.file}:${line.line} ${line.dir} ${line.event.type}`, line]))(
    '%s parses as a known event',
    (_name, line) => {
      const text = JSON.stringify(line.event);
      const result = line.dir === 'server' ? parseServerEvent(text) : parseClientEvent(text);
      expect(result).toEqual({ ok: true, known: true, event: line.event });
      if (line.dir === 'client') {
        const sent = JSON.parse(serializeClientEvent(line.event as never)) as Record<string, unknown>;
        expect(sent).toEqual({ ...line.event, event_id: line.event.event_id ?? sent.event_id });
      }
    },
  );

  it('the interruption stream truncates the assistant item at no more audio than was received', () => {
    const lines = fixtureLines('interruption.jsonl');
    const truncate = lines.find((line) => line.event.type === 'conversation.item.truncate')?.event;
    const deltas = lines
      .map((line) => parseServerEvent(line.event))
      .flatMap((result) => (result.ok && result.known && result.event.type === 'response.output_audio.delta' ? [result.event] : []));
    // PCM16 mono at 24 kHz: 48 bytes per millisecond.
    const receivedMs = deltas.reduce((sum, delta) => sum + (Buffer.from(delta.delta, 'base64').length / 48), 0);
    expect(truncate?.audio_end_ms).toBeLessThanOrEqual(receivedMs);
    expect(truncate?.item_id).toBe(deltas[0]?.item_id);
  });

  it('the error stream ties each error to the client event that caused it, and ends with session_expired', () => {
    const lines = fixtureLines('error-expiry.jsonl');
    const sentIds = new Set(lines.filter((line) => line.dir === 'client').map((line) => line.event.event_id));
    const errors = lines
      .map((line) => (line.dir === 'server' ? parseServerEvent(line.event) : undefined))
      .flatMap((result) => (result?.ok && result.known && result.event.type === 'error' ? [result.event as ServerEventMap['error']] : []));
    const withCause = errors.filter((event) => event.error.event_id);
    expect(withCause.length).toBe(3);
    for (const event of withCause) expect(sentIds.has(event.error.event_id ?? '')).toBe(true);
    expect(errors.at(-1)?.error.code).toBe('session_expired');
  });
});
