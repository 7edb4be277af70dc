/**
 * One log format for assertions: a fixture file ({dir, event} lines), a recording
 * (voxwire-recording JSONL, {t, kind} from the app's side) and the mock's EventLog are all read
 * into an EventLog, so expectEvent / expectNoEvent / eventTypes / waitFor take any of them.
 * The other way, converted at the edge (issue 19, "What was seen 3"), toRecording turns any of
 * them into a recording, so what replays one (scenarioFromRecording, ReplayTransport) takes them
 * all too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectEvent, expectNoEvent, eventTypes, waitFor } from '../../../src/testing/assert/expect';
import { EventLog } from '../../../src/testing/recording/event-log';
import { RECORDING_FORMAT, RECORDING_VERSION, stringifyRecording } from '../../../src/testing/recording/format';
import type { Recording } from '../../../src/testing/recording/format';
import { toEventLog, toRecording } from '../../../src/testing/recording/read-log';
import { ReplayTransport } from '../../../src/testing/recording/replay';
import { scenarioFromRecording } from '../../../src/testing/script/from-recording';
import type { ServerEvent } from '../../../src/events/server-events';
import type { WireLogLine } from '../../../src/testing/recording/read-log';
import { thrown } from '../../helpers/index';

const textTurn = readFileSync(new URL('../../../fixtures/events/text-turn.jsonl', import.meta.url), 'utf8');
const textTurnLines = textTurn
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as WireLogLine);

const functionCallTurn = readFileSync(new URL('../../../fixtures/events/function-call-turn.jsonl', import.meta.url), 'utf8');
const functionCallLines = functionCallTurn
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as WireLogLine);

const recording: Recording = {
  header: { kind: 'header', format: RECORDING_FORMAT, version: RECORDING_VERSION, startedAt: '2026-12-06T20:00:00.000Z', keepAudio: false, audio: 'events' },
  entries: [
    { kind: 'connect', t: 0, connection: 0 },
    { kind: 'open', t: 12, connection: 0 },
    { kind: 'server', t: 15, connection: 0, event: { type: 'session.created', event_id: 'event_1' }, known: true },
    { kind: 'client', t: 20, connection: 0, event: { type: 'response.create' } },
    { kind: 'server', t: 31, connection: 0, event: { type: 'response.done', event_id: 'event_2', response: { status: 'completed' } }, known: true },
    { kind: 'close', t: 40, connection: 0, code: 1006, reason: '', initiatedLocally: false },
    { kind: 'connect', t: 41, connection: 1 },
    { kind: 'server', t: 60, connection: 1, event: { type: 'session.created', event_id: 'event_3' }, known: true },
  ],
};

describe('toEventLog: every log of wire events read into one format', () => {
  it('reads a fixture file: client lines are received, server lines sent, in order', () => {
    const fromText = toEventLog(textTurn);
    const fromLines = toEventLog(textTurnLines);
    for (const log of [fromText, fromLines]) {
      expect(log.entries.map((entry) => [entry.seq, entry.direction, entry.event.type])).toEqual(
        textTurnLines.map((line, index) => [index, line.dir === 'client' ? 'received' : 'sent', line.event.type]),
      );
      expect(log.entries.every((entry) => entry.connection === 0)).toBe(true);
    }
    expect(fromText.entries.map((entry) => entry.event)).toEqual(textTurnLines.map((line) => line.event));
  });

  it('reads a recording (object or JSONL): events only, with their connection and time', () => {
    const startedAt = Date.parse('2026-12-06T20:00:00.000Z');
    for (const log of [toEventLog(recording), toEventLog(stringifyRecording(recording))]) {
      expect(log.entries.map(({ seq, direction, connection, at, event }) => ({ seq, direction, connection, at, type: event.type }))).toEqual([
        { seq: 0, direction: 'sent', connection: 0, at: startedAt + 15, type: 'session.created' },
        { seq: 1, direction: 'received', connection: 0, at: startedAt + 20, type: 'response.create' },
        { seq: 2, direction: 'sent', connection: 0, at: startedAt + 31, type: 'response.done' },
        { seq: 3, direction: 'sent', connection: 1, at: startedAt + 60, type: 'session.created' },
      ]);
    }
  });

  it('returns an EventLog, or the one a server holds, as it is', () => {
    const log = new EventLog();
    expect(toEventLog(log)).toBe(log);
    expect(toEventLog({ log })).toBe(log);
  });

  it('refuses text that is neither, naming both shapes', () => {
    const error = thrown(() => toEventLog('{"hello":1}\n'), 'VOXWIRE_INVALID_ARGUMENT');
    expect(error.message).toBe(
      'toEventLog: the text is neither a voxwire recording (a "voxwire-recording" header line) nor fixture lines ({"dir":...,"event":...}).',
    );
    expect(thrown(() => toEventLog([{ dir: 'up', event: { type: 'x' } } as never]), 'VOXWIRE_INVALID_ARGUMENT').message).toBe(
      'toEventLog: line 1 is not {"dir":"client"|"server","event":{"type":...}}.',
    );
  });
});

describe('the assertions take any of them', () => {
  it('expectEvent, expectNoEvent and eventTypes on a fixture file', () => {
    const done = expectEvent(textTurn, { type: 'response.done' }, { direction: 'sent', count: 1 });
    expect(done.seq).toBe(textTurnLines.findIndex((line) => line.event.type === 'response.done'));
    expectEvent(textTurnLines, 'conversation.item.create', { direction: 'received', count: 1 });
    expectNoEvent(textTurn, { type: 'error' });
    expect(eventTypes(textTurn, (entry) => entry.direction === 'received')).toEqual(['session.update', 'conversation.item.create', 'response.create']);
    const missing = thrown(() => expectEvent(textTurn, 'response.cancel'), 'VOXWIRE_EXPECTATION_FAILED');
    // The last 20 of the 24 events, as the message lists them.
    const recent = textTurnLines.slice(-20).map((line) => `${line.dir === 'server' ? '→' : '←'}${line.event.type}#0`);
    expect(missing.message).toBe(`expected 'response.cancel', found none. Recorded: … ${recent.join(' ')}`);
  });

  it('expectEvent and waitFor on a recording', async () => {
    expectEvent(recording, { type: 'response.done', response: { status: 'completed' } }, { connection: 0, count: 1 });
    expectEvent(stringifyRecording(recording), 'session.created', { count: 2 });
    const entry = await waitFor(recording, 'session.created', { connection: 1, timeoutMs: 10 });
    expect(entry.seq).toBe(3);
  });
});

describe('toRecording: any log of wire events, as a recording', () => {
  it('returns a recording as it is, and parses its text and its lines', () => {
    expect(toRecording(recording)).toBe(recording);
    const text = stringifyRecording(recording);
    expect(toRecording(text)).toEqual(recording);
    expect(toRecording(text.split('\n'))).toEqual(recording);
  });

  it('turns fixture lines (objects, text or text lines) into one connection: connect, open, then client and server lines in order', () => {
    const fromLines = toRecording(functionCallLines);
    expect(toRecording(functionCallTurn)).toEqual(fromLines);
    expect(toRecording(functionCallTurn.split('\n'))).toEqual(fromLines);
    expect(fromLines.header).toEqual({ kind: 'header', format: RECORDING_FORMAT, version: RECORDING_VERSION, startedAt: '', keepAudio: true, audio: 'events' });
    expect(fromLines.entries.slice(0, 2)).toEqual([
      { t: 0, connection: 0, kind: 'connect' },
      { t: 0, connection: 0, kind: 'open' },
    ]);
    const events = fromLines.entries.slice(2);
    expect(events).toHaveLength(functionCallLines.length);
    events.forEach((entry, index) => {
      const line = functionCallLines[index]!;
      expect(entry.kind).toBe(line.dir);
      expect('event' in entry && entry.event).toEqual(line.event);
    });
    expect(events.find((entry) => entry.kind === 'server')).toMatchObject({ known: true });
  });

  it('keeps what a log without audio left out: audio as omitted, its size, and each connection opened where it first speaks', () => {
    let now = 1_000;
    const log = new EventLog({ clock: { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined } });
    log.recordReceived(0, { type: 'input_audio_buffer.append', audio: 'AAAAAA==' }, { valid: true, bytes: 60 });
    now = 1_250;
    log.recordSent(1, { type: 'vendor.custom', event_id: 'event_x' });
    const converted = toRecording(log);
    expect(converted.header.keepAudio).toBe(false);
    expect(converted.header.startedAt).toBe(new Date(1_000).toISOString());
    expect(converted.entries).toEqual([
      { t: 0, connection: 0, kind: 'connect' },
      { t: 0, connection: 0, kind: 'open' },
      { t: 0, connection: 0, kind: 'client', event: { type: 'input_audio_buffer.append', audio: '' }, audioBytes: 4, audioOmitted: true },
      { t: 250, connection: 1, kind: 'connect' },
      { t: 250, connection: 1, kind: 'open' },
      { t: 250, connection: 1, kind: 'server', event: { type: 'vendor.custom', event_id: 'event_x' }, known: false },
    ]);
  });
});

describe('what replays a recording takes any log', () => {
  it('scenarioFromRecording reads fixture lines: the recorded function call becomes the scenario turn', () => {
    const call = functionCallLines.find((line) => line.event.type === 'response.function_call_arguments.done')!.event;
    const scenario = scenarioFromRecording(functionCallLines);
    expect(scenario.turns[0]?.reply?.functionCalls).toEqual([{ name: call.name, arguments: call.arguments, callId: call.call_id }]);
    expect(scenarioFromRecording(functionCallTurn)).toEqual(scenario);
  });

  it('ReplayTransport replays the server side of fixture lines', async () => {
    const replay = new ReplayTransport(functionCallLines, { followClient: false });
    const received: string[] = [];
    replay.on('event', (event: ServerEvent | { type: string }) => received.push(event.type));
    await replay.connect();
    const serverTypes = functionCallLines.filter((line) => line.dir === 'server').map((line) => line.event.type);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(serverTypes.length);
    expect(received).toEqual(serverTypes);
    replay.close();
  });
});
