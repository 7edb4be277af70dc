import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  SERVER_EVENT_TYPES,
  parseClientEvent,
  parseServerEvent,
  serializeClientEvent,
} from '../../src/events';
import { RealtimeError } from '../../src/base/errors';
import { officialExamples } from './examples';

describe('official GA examples (fixtures/protocol/events-ga.jsonl)', () => {
  const examples = officialExamples();
  const inUnion = examples.filter((example) => example.in_sdk_union);

  it('name exactly the event types the SDK knows, per direction', () => {
    const official = (dir: 'client' | 'server') =>
      [...new Set(inUnion.filter((example) => example.dir === dir).map((example) => example.type))].sort();
    expect(official('server')).toEqual([...SERVER_EVENT_TYPES].sort());
    expect(official('client')).toEqual([...CLIENT_EVENT_TYPES].sort());
  });

  it.each(examples.filter((example) => example.dir === 'server' && example.in_sdk_union).map((example) => [example.type, example]))(
    'server %s parses as a known event, as text and as bytes',
    (_type, { example }) => {
      const text = JSON.stringify(example);
      const fromText = parseServerEvent(text);
      expect(fromText).toEqual({ ok: true, known: true, event: example });
      const fromBytes = parseServerEvent(new TextEncoder().encode(text));
      expect(fromBytes).toEqual({ ok: true, known: true, event: example });
    },
  );

  it.each(examples.filter((example) => example.dir === 'client' && example.in_sdk_union).map((example) => [example.type, example]))(
    'client %s parses as a known event and passes serializeClientEvent',
    (_type, { example }) => {
      expect(parseClientEvent(JSON.stringify(example))).toEqual({ ok: true, known: true, event: example });
      const { event_id: sentId, ...sent } = JSON.parse(serializeClientEvent(example as never)) as Record<string, unknown>;
      const { event_id: givenId, ...given } = example;
      expect(sent).toEqual(given);
      expect(sentId).toEqual(givenId ?? expect.stringMatching(/^evt_[0-9A-Za-z]{16}$/));
    },
  );

  // Decision: the two transcription_session.* events are documented in the GA schema set but not
  // members of the GA event unions; GA transcription sessions use session.update / updated with
  // session.type 'transcription'. They parse as unknown (delivered whole), and the SDK refuses to
  // send transcription_session.update, pointing at the GA way.
  it('delivers transcription_session.updated whole as an unknown server event', () => {
    const example = examples.find((entry) => entry.type === 'transcription_session.updated');
    expect(example?.in_sdk_union).toBe(false);
    expect(parseServerEvent(JSON.stringify(example?.example))).toEqual({ ok: true, known: false, event: example?.example });
  });

  it('parses transcription_session.update as unknown and refuses to send it, naming the GA replacement', () => {
    const example = examples.find((entry) => entry.type === 'transcription_session.update');
    expect(example?.in_sdk_union).toBe(false);
    expect(parseClientEvent(JSON.stringify(example?.example))).toEqual({ ok: true, known: false, event: example?.example });
    let thrown: unknown;
    try {
      serializeClientEvent(example?.example as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RealtimeError);
    expect((thrown as RealtimeError).code).toBe('VOXWIRE_INVALID_CLIENT_EVENT');
    expect((thrown as RealtimeError).message).toContain("send session.update with session.type 'transcription'");
  });
});
