import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_TYPES, SERVER_EVENT_TYPES, parseClientEvent, parseServerEvent, serializeClientEvent } from '../../src/events';
import { fixtureLines, officialExamples } from './examples';

const samples = [
  ...fixtureLines().map((line) => ({ name: `${line.file}:${line.line}`, dir: line.dir, event: line.event })),
  ...officialExamples()
    .filter((example) => example.in_sdk_union)
    .map((example) => ({ name: `official ${example.type}`, dir: example.dir, event: example.example })),
];

describe('every schema round-trips: parse → serialize → parse gives the same event', () => {
  it('has samples of every event type in both directions', () => {
    const covered = (dir: 'client' | 'server') => new Set(samples.filter((sample) => sample.dir === dir).map((sample) => sample.event.type));
    expect([...covered('server')].sort()).toEqual([...SERVER_EVENT_TYPES].sort());
    expect([...covered('client')].sort()).toEqual([...CLIENT_EVENT_TYPES].sort());
  });

  it.each(samples.filter((sample) => sample.dir === 'server').map((sample) => [sample.name, sample.event.type, sample]))(
    'server %s (%s)',
    (_name, _type, { event }) => {
      const first = parseServerEvent(JSON.stringify(event));
      if (!first.ok || !first.known) throw new Error('first parse failed');
      const second = parseServerEvent(new TextEncoder().encode(JSON.stringify(first.event)));
      expect(second).toEqual(first);
      expect(parseServerEvent(structuredClone(first.event))).toEqual(first);
    },
  );

  it.each(samples.filter((sample) => sample.dir === 'client').map((sample) => [sample.name, sample.event.type, sample]))(
    'client %s (%s)',
    (_name, _type, { event }) => {
      const first = parseClientEvent(JSON.stringify(event));
      if (!first.ok || !first.known) throw new Error('first parse failed');
      const text = serializeClientEvent(first.event, { generateEventId: () => 'evt_round_trip' });
      const second = parseClientEvent(text);
      expect(second).toEqual({ ok: true, known: true, event: { ...first.event, event_id: first.event.event_id ?? 'evt_round_trip' } });
      // Serializing again is stable: same text.
      if (second.ok && second.known) expect(serializeClientEvent(second.event)).toBe(text);
    },
  );
});
