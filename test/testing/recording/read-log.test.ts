/**
 * One log format (issue 19, "What was seen 3"): the EventLog entry, saved one per line after a
 * version 2 header, written by the mock's log, the recorder and fixture files, and read by the
 * assertions, ReplayTransport and scenarioFromRecording. The older shapes stay readable: a
 * version 1 recording ({t, kind} lines from the app's side) and fixture lines ({dir, event}) are
 * converted on read, nothing dropped; toRecording still gives the version 1 shape (deprecated).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectEvent, expectNoEvent, eventTypes, waitFor } from '../../../src/testing/assert/expect';
import { AUDIO_PLACEHOLDER, EventLog } from '../../../src/testing/recording/event-log';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../../../src/testing/recording/format';
import type { Recording } from '../../../src/testing/recording/legacy-recording';
import { stringifyRecording, toEventLog, toRecording } from '../../../src/testing/recording/read-log';
import { ReplayTransport } from '../../../src/testing/recording/replay';
import { scenarioFromRecording } from '../../../src/testing/script/from-recording';
import type { ServerEvent } from '../../../src/events/server-events';
import type { WireLogLine } from '../../../src/testing/recording/read-log';
import type { LogLine } from '../../../src/testing/recording/format';
import { thrown } from '../../helpers/index';
import { encodeBase64 } from '../../../src/codec/base64';
import { decodeAlaw, decodeMulaw } from '../../../src/codec/g711';

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

  it('reads a version 1 recording (object or JSONL): its events with their connection and time, its connect/open/close lines as the lifecycle', () => {
    const startedAt = Date.parse('2026-12-06T20:00:00.000Z');
    const version1 = [{ ...recording.header, version: 1 }, ...recording.entries].map((line) => JSON.stringify(line)).join('\n');
    for (const log of [toEventLog(recording), toEventLog(version1), toEventLog(stringifyRecording(recording))]) {
      expect(log.entries.map(({ seq, direction, connection, at, event }) => ({ seq, direction, connection, at, type: event.type }))).toEqual([
        { seq: 0, direction: 'sent', connection: 0, at: startedAt + 15, type: 'session.created' },
        { seq: 1, direction: 'received', connection: 0, at: startedAt + 20, type: 'response.create' },
        { seq: 2, direction: 'sent', connection: 0, at: startedAt + 31, type: 'response.done' },
        { seq: 3, direction: 'sent', connection: 1, at: startedAt + 60, type: 'session.created' },
      ]);
      expect(log.lifecycle).toEqual([
        { before: 0, at: startedAt, connection: 0, lifecycle: 'connect' },
        { before: 0, at: startedAt + 12, connection: 0, lifecycle: 'open' },
        { before: 3, at: startedAt + 40, connection: 0, lifecycle: 'close', code: 1006, reason: '', initiatedLocally: false },
        { before: 3, at: startedAt + 41, connection: 1, lifecycle: 'connect' },
      ]);
      expect(log.sent.every((entry) => entry.known === true)).toBe(true);
      expect(log.header).toEqual({ kind: 'header', format: RECORDING_FORMAT, version: 2, startedAt: '2026-12-06T20:00:00.000Z', keepAudio: false, audio: 'events' });
    }
  });

  it('a fixture file converted to the one format reads the same: same entries, same scenario', () => {
    const converted = toEventLog(functionCallTurn).toJsonl();
    expect(JSON.parse(converted.split('\n')[0]!)).toMatchObject({ format: RECORDING_FORMAT, version: 2, startedAt: '' });
    expect(toEventLog(converted).entries).toEqual(toEventLog(functionCallTurn).entries);
    expect(scenarioFromRecording(converted)).toEqual(scenarioFromRecording(functionCallTurn));
  });

  it('returns an EventLog, or the one a server holds, as it is', () => {
    const log = new EventLog();
    expect(toEventLog(log)).toBe(log);
    expect(toEventLog({ log })).toBe(log);
  });

  it('refuses text that is neither, naming both shapes', () => {
    const error = thrown(() => toEventLog('{"hello":1}\n'), 'VOXWIRE_INVALID_ARGUMENT');
    expect(error.message).toBe(
      'toEventLog: the text is neither a voxwire log (a "voxwire-recording" header line, or lines {"direction":...,"event":...}) nor fixture lines ({"dir":...,"event":...}).',
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
  it('scenarioFromRecording decodes reply audio in the session\'s output format (G.711 at 8 kHz), and an omitted delta as silence of its length', () => {
    const codes = new Uint8Array([0x00, 0x7f, 0x80, 0xff]);
    const lines = (format: Record<string, unknown>, delta: Record<string, unknown>): WireLogLine[] => [
      { dir: 'server', event: { type: 'session.created', event_id: 'e1', session: { audio: { output: { format } } } } },
      { dir: 'client', event: { type: 'response.create' } },
      { dir: 'server', event: { type: 'response.created', event_id: 'e2', response: { id: 'resp_1' } } },
      { dir: 'server', event: { type: 'response.output_audio.delta', event_id: 'e3', response_id: 'resp_1', item_id: 'item_1', delta: encodeBase64(codes) }, ...delta } as WireLogLine,
      { dir: 'server', event: { type: 'response.done', event_id: 'e4', response: { id: 'resp_1', status: 'completed' } } },
    ];
    expect(scenarioFromRecording(lines({ type: 'audio/pcmu' }, {})).turns[0]?.reply?.audio).toEqual({ pcm: decodeMulaw(codes), sampleRate: 8000 });
    expect(scenarioFromRecording(lines({ type: 'audio/pcma' }, {})).turns[0]?.reply?.audio).toEqual({ pcm: decodeAlaw(codes), sampleRate: 8000 });
    // A format this reader does not know still reads as PCM16 at its rate.
    expect(scenarioFromRecording(lines({ type: 'audio/new', rate: 16000 }, {})).turns[0]?.reply?.audio).toEqual({ pcm: new Int16Array(codes.buffer), sampleRate: 16000 });
    const omitted = new EventLog();
    for (const entry of toEventLog(lines({ type: 'audio/pcmu' }, {})).entries) {
      omitted.restore(entry.event.type === 'response.output_audio.delta' ? { ...entry, event: { ...entry.event, delta: AUDIO_PLACEHOLDER }, audioOmitted: true, audioBytes: 6 } : entry);
    }
    expect(scenarioFromRecording(omitted).turns[0]?.reply?.audio).toEqual({ pcm: new Int16Array(6), sampleRate: 8000 });
  });

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

describe('the one log format: written by EventLog.toJsonl, read by toEventLog', () => {
  function mockLike(): EventLog {
    let now = 1_764_000_000_000;
    const log = new EventLog({ clock: { now: () => now++, setTimeout: () => 0, clearTimeout: () => undefined } });
    log.recordReceived(0, { type: 'session.update', session: { type: 'realtime' } }, { valid: true, bytes: 48 });
    log.recordSent(0, { type: 'session.updated', event_id: 'event_1', session: { id: 'sess_1' } });
    log.recordReceived(0, { type: 'input_audio_buffer.append', audio: 'AAAAAA==' }, { valid: true, bytes: 60 });
    log.recordReceived(0, { type: 'response.create', bogus: 1 }, { valid: false, bytes: 40, errorCode: 'unknown_parameter' });
    log.recordSent(1, { type: 'vendor.custom', event_id: 'event_2', extra: { nested: [1, 2] } }, { known: false });
    return log;
  }

  it('writes a header line, then one line per entry in order, and reads it back as it was (text identity)', () => {
    const log = mockLike();
    const text = log.toJsonl();
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ kind: 'header', format: 'voxwire-recording', version: 2, startedAt: new Date(1_764_000_000_000).toISOString(), keepAudio: false, audio: 'events' });
    expect(lines.slice(1)).toEqual(JSON.parse(JSON.stringify(log.entries)));
    expect(lines[3]).toEqual({
      seq: 2,
      at: 1_764_000_000_003,
      connection: 0,
      direction: 'received',
      event: { type: 'input_audio_buffer.append', audio: AUDIO_PLACEHOLDER },
      valid: true,
      bytes: 60,
      audioBytes: 4,
      audioOmitted: true,
    });
    const read = toEventLog(text);
    expect(read.entries).toEqual(log.entries);
    expect(read.header).toEqual(log.header);
    expect(read.mark()).toBe(log.mark());
    expect(read.toJsonl()).toBe(text);
    expect(toEventLog(text.split('\n')).toJsonl()).toBe(text);
  });

  it('keeps the lifecycle between the events, in order', () => {
    const log = new EventLog();
    log.recordLifecycle(0, { lifecycle: 'connect' });
    log.recordLifecycle(0, { lifecycle: 'open' });
    log.recordSent(0, { type: 'session.created' });
    log.recordLifecycle(0, { lifecycle: 'error', code: 'VOXWIRE_INVALID_EVENT', message: 'bad frame' });
    log.recordSent(0, { type: 'response.done' });
    log.recordLifecycle(0, { lifecycle: 'close', code: 1006, reason: '', initiatedLocally: false });
    const order = (lines: readonly LogLine[]): string[] => lines.map((line) => ('lifecycle' in line ? line.lifecycle : line.event.type));
    expect(order(log.timeline())).toEqual(['connect', 'open', 'session.created', 'error', 'response.done', 'close']);
    const read = toEventLog(log.toJsonl());
    expect(order(read.timeline())).toEqual(order(log.timeline()));
    expect(read.lifecycle).toEqual(log.lifecycle);
  });

  it('reads hand-written lines: seq counted, at and connection defaulted, unknown fields and events kept whole', () => {
    const text = [
      '{"direction":"received","event":{"type":"session.update","session":{"type":"realtime"}}}',
      '',
      '{"direction":"sent","at":250,"event":{"type":"session.updated","session":{"id":"s"}},"note":"hand-written"}',
      '{"direction":"sent","connection":2,"event":{"type":"vendor.new_event","payload":{"x":[1]}}}',
    ].join('\n');
    const log = toEventLog(text);
    expect(log.entries).toEqual([
      { direction: 'received', event: { type: 'session.update', session: { type: 'realtime' } }, connection: 0, at: 0, seq: 0, valid: true, bytes: '{"type":"session.update","session":{"type":"realtime"}}'.length },
      { direction: 'sent', at: 250, event: { type: 'session.updated', session: { id: 's' } }, note: 'hand-written', connection: 0, seq: 1 },
      { direction: 'sent', connection: 2, event: { type: 'vendor.new_event', payload: { x: [1] } }, at: 250, seq: 2 },
    ]);
    expect(log.header).toMatchObject({ startedAt: '', keepAudio: true });
    // The same as objects.
    expect(toEventLog(text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine)).entries).toEqual(log.entries);
  });

  it('names the line it cannot read, counting blank lines, and refuses a version it does not know', () => {
    const header = JSON.stringify(new EventLog().header);
    expect(thrown(() => toEventLog(`${header}\n\n{"direction":"up","event":{"type":"x"}}\n`), 'VOXWIRE_INVALID_ARGUMENT').message).toBe(
      "toEventLog: line 3: `direction` must be 'received' (the client sent it) or 'sent' (the server sent it), got \"up\".",
    );
    expect(thrown(() => toEventLog(`${header}\n{"lifecycle":"close","code":1000}\n`), 'VOXWIRE_INVALID_ARGUMENT').message).toBe(
      'toEventLog: line 2: a close line needs a whole-number `code`, a string `reason` and a boolean `initiatedLocally`.',
    );
    expect(thrown(() => toEventLog(`${header}\n{"seq":5,"direction":"sent","event":{"type":"a"}}\n{"seq":4,"direction":"sent","event":{"type":"b"}}\n`), 'VOXWIRE_INVALID_ARGUMENT').message).toBe(
      'toEventLog: line 3: EventLog.restore: seq 4 comes after seq 5; lines must be in order.',
    );
    expect(thrown(() => toEventLog(header.replace('"version":2', '"version":3')), 'VOXWIRE_INVALID_ARGUMENT').message).toBe(
      'toEventLog: format version 3 is not supported; this SDK reads versions 1 and 2.',
    );
    expect(thrown(() => toEventLog('\n\n'), 'VOXWIRE_INVALID_ARGUMENT').message).toBe('toEventLog: the text is empty (no log lines).');
  });

  it('the assertions read it: text, lines, the log', async () => {
    const log = mockLike();
    const text = log.toJsonl();
    for (const source of [text, log.timeline(), log]) {
      expect(expectEvent(source, 'response.create', { direction: 'received', count: 1 })).toMatchObject({ valid: false, errorCode: 'unknown_parameter' });
      expect(eventTypes(source, () => true, { connection: 0 })).toEqual(['session.update', 'session.updated', 'input_audio_buffer.append', 'response.create']);
      expectNoEvent(source, 'error');
      await expect(waitFor(source, { type: 'vendor.custom', extra: { nested: [1, 2] } }, { timeoutMs: 10 })).resolves.toMatchObject({ seq: 4, connection: 1, known: false });
    }
  });
});
