import { describe, expect, it } from 'vitest';
import type { AudioOutputChunk, AudioOutputSink, PlaybackPosition } from '../../src/client/audio-io';
import { RealtimeClient } from '../../src/client/client';
import type { InterruptionInfo } from '../../src/client/client-events';
import type { TranscriptUpdate } from '../../src/client/conversation';
import { pcm16ToBase64 } from '../../src/codec/base64';
import { silentLogger } from '../../src/base/logger';
import { WebRTCTransport } from '../../src/transport/webrtc';
import { FakeClock, flushMicrotasks } from '../helpers/fake-clock';
import { FakePeerConnection, FakeStream, FakeTrack, SESSION_CREATED, fakeSdpFetch, sdpAnswer } from '../transport/webrtc-fakes';
import { startScriptedServer } from './scripted-server';
import type { ScriptedServer } from './scripted-server';
import { useCleanup } from '../helpers/index';

const { stoppers } = useCleanup();

/** A sink that has played `playedFraction` of what it was given when flushed (null when given nothing). */
class FractionSink implements AudioOutputSink {
  playedFraction = 1;
  readonly written = new Map<string, number>();
  last: AudioOutputChunk | undefined;
  write(chunk: AudioOutputChunk): void {
    this.written.set(chunk.itemId, (this.written.get(chunk.itemId) ?? 0) + chunk.samples.length);
    this.last = chunk;
  }
  async flush(): Promise<PlaybackPosition | null> {
    const last = this.last;
    if (!last) return null;
    return { itemId: last.itemId, contentIndex: last.contentIndex, playedSamples: Math.floor((this.written.get(last.itemId) ?? 0) * this.playedFraction), sampleRate: last.sampleRate };
  }
}

const REPLY = 'One two three four five six seven eight.';
/** 100 ms of 24 kHz PCM16 silence per delta. */
const CHUNK = pcm16ToBase64(new Int16Array(2400));

/** Streams an assistant audio reply with its transcript; `finish` false leaves it in progress. */
function playReply(server: ScriptedServer, id: string, finish: boolean): void {
  const itemId = `item_${id}`;
  server.send({ type: 'response.created', response: { object: 'realtime.response', id, status: 'in_progress', output: [] } });
  server.send({ type: 'response.output_item.added', response_id: id, output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
  for (let i = 0; i < 10; i += 1) server.send({ type: 'response.output_audio.delta', response_id: id, item_id: itemId, output_index: 0, content_index: 0, delta: CHUNK });
  server.send({ type: 'response.output_audio_transcript.done', response_id: id, item_id: itemId, output_index: 0, content_index: 0, transcript: REPLY });
  if (!finish) return;
  const item = { id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: REPLY }] };
  server.send({ type: 'response.output_item.done', response_id: id, output_index: 0, item });
  server.send({ type: 'response.done', response: { object: 'realtime.response', id, status: 'completed', output: [item], usage: null } });
}

async function setUp(): Promise<{ server: ScriptedServer; client: RealtimeClient; sink: FractionSink; interrupted: InterruptionInfo[]; transcripts: TranscriptUpdate[] }> {
  const server = await startScriptedServer();
  stoppers.push(() => server.stop());
  const client = new RealtimeClient({ url: server.url, apiKey: 'sk-test', logger: silentLogger, reconnect: false });
  stoppers.push(() => client.disconnect());
  const sink = new FractionSink();
  client.attachOutput(sink);
  await client.connect();
  const interrupted: InterruptionInfo[] = [];
  const transcripts: TranscriptUpdate[] = [];
  client.on('interrupted', (info) => interrupted.push(info));
  client.on('transcript', (t) => transcripts.push(t));
  return { server, client, sink, interrupted, transcripts };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('obs. 7: interruptions only when something was interrupted (WebSocket)', () => {
  it('the first user turn, before the assistant said anything, is not an interruption', async () => {
    const { server, interrupted } = await setUp();
    server.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: 100, item_id: 'item_u1' });
    await settle();
    expect(interrupted).toEqual([]);
  });

  it('a turn after the reply finished playing is not an interruption', async () => {
    const { server, client, sink, interrupted } = await setUp();
    const done = new Promise<void>((resolve) => client.once('response.done', () => resolve()));
    playReply(server, 'resp_1', true);
    await done;
    sink.playedFraction = 1;
    server.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: 15_000, item_id: 'item_u2' });
    await settle();
    expect(interrupted).toEqual([]);
    expect(server.received.filter((e) => e.type === 'conversation.item.truncate')).toHaveLength(0);
  });

  it('speech during a reply interrupts, and the last final transcript is the text the user heard', async () => {
    const { server, client, sink, interrupted, transcripts } = await setUp();
    const created = new Promise<void>((resolve) => client.once('response.output_audio_transcript.done', () => resolve()));
    playReply(server, 'resp_1', false);
    await created;
    sink.playedFraction = 0.5;
    server.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: 900, item_id: 'item_u2' });
    await server.waitFor('conversation.item.truncate');
    await settle();
    expect(interrupted).toHaveLength(1);
    expect(interrupted[0]).toMatchObject({ reason: 'speech', itemId: 'item_resp_1', playedMs: 500, receivedMs: 1000, truncated: true });
    const finals = transcripts.filter((t) => t.itemId === 'item_resp_1' && t.final);
    expect(finals.at(-1)?.text).toBe('One two three four');
    expect(client.conversation.get('item_resp_1')?.text).toBe('One two three four');
  });

  it('typed user text produces a transcript event, as spoken text does', async () => {
    const { client, transcripts } = await setUp();
    const id = client.sendText('I typed this.', { respond: false });
    expect(transcripts).toEqual([{ role: 'user', itemId: id, contentIndex: 0, delta: 'I typed this.', text: 'I typed this.', final: true }]);
  });
});

describe('obs. 7 over WebRTC (server-owned playback)', () => {
  async function connectWebRTC(): Promise<{ client: RealtimeClient; pc: FakePeerConnection; interrupted: InterruptionInfo[]; transcripts: TranscriptUpdate[]; sent: () => Array<{ type: string; item_id?: string }> }> {
    const clock = new FakeClock();
    const peers: FakePeerConnection[] = [];
    const transport = new WebRTCTransport({
      apiKey: 'ek_test_key',
      fetch: fakeSdpFetch(() => sdpAnswer()).fetch,
      clock,
      audioElement: false,
      getUserMedia: async () => new FakeStream(new FakeTrack('mic-1')) as unknown as MediaStream,
      createPeerConnection: (configuration) => {
        const pc = new FakePeerConnection(configuration);
        peers.push(pc);
        return pc as unknown as RTCPeerConnection;
      },
    });
    const client = new RealtimeClient({ transport, logger: silentLogger, clock, reconnect: false });
    stoppers.push(() => client.disconnect());
    const connecting = client.connect();
    for (let i = 0; i < 50 && peers.length === 0; i++) await flushMicrotasks();
    const pc = peers[0] as FakePeerConnection;
    for (let i = 0; i < 50 && pc.remoteDescription === null; i++) await flushMicrotasks();
    const channel = pc.channel!;
    const send = channel.send.bind(channel);
    channel.send = (text: string) => {
      send(text);
      const event = JSON.parse(text) as { type: string };
      if (event.type === 'session.update') queueMicrotask(() => channel.receive({ type: 'session.updated', event_id: 'e2', session: SESSION_CREATED.session }));
    };
    pc.setState('connected');
    channel.open();
    channel.receive(SESSION_CREATED);
    await connecting;
    const interrupted: InterruptionInfo[] = [];
    const transcripts: TranscriptUpdate[] = [];
    client.on('interrupted', (info) => interrupted.push(info));
    client.on('transcript', (t) => transcripts.push(t));
    return { client, pc, interrupted, transcripts, sent: () => channel.sent.map((text) => JSON.parse(text) as { type: string; item_id?: string }) };
  }

  it('no interruption on a plain turn; a barge-in interrupts and the final transcript is the cut text from the server', async () => {
    const { pc, interrupted, transcripts, sent } = await connectWebRTC();
    const channel = pc.channel!;
    // A first turn: the user speaks, nothing plays.
    channel.receive({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 10, item_id: 'item_u1' });
    channel.receive({ type: 'output_audio_buffer.cleared', event_id: 'e', response_id: null });
    await flushMicrotasks();
    expect(interrupted).toEqual([]);

    // A reply plays; the user barges in; the server clears the buffer and truncates (as the API does over WebRTC).
    channel.receive({ type: 'response.created', event_id: 'e', response: { object: 'realtime.response', id: 'resp_1', status: 'in_progress', output: [] } });
    channel.receive({ type: 'response.output_item.added', event_id: 'e', response_id: 'resp_1', output_index: 0, item: { id: 'item_a1', type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    channel.receive({ type: 'output_audio_buffer.started', event_id: 'e', response_id: 'resp_1' });
    channel.receive({ type: 'response.output_audio_transcript.done', event_id: 'e', response_id: 'resp_1', item_id: 'item_a1', output_index: 0, content_index: 0, transcript: REPLY });
    channel.receive({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 2000, item_id: 'item_u2' });
    channel.receive({ type: 'output_audio_buffer.cleared', event_id: 'e', response_id: 'resp_1' });
    channel.receive({ type: 'conversation.item.truncated', event_id: 'e', item_id: 'item_a1', content_index: 0, audio_end_ms: 1200 });
    await flushMicrotasks();
    expect(interrupted.map((i) => i.reason)).toEqual(['speech']);
    const retrieve = sent().find((e) => e.type === 'conversation.item.retrieve');
    expect(retrieve).toMatchObject({ item_id: 'item_a1' });
    channel.receive({ type: 'conversation.item.retrieved', event_id: 'e', item: { id: 'item_a1', object: 'realtime.item', type: 'message', role: 'assistant', status: 'incomplete', content: [{ type: 'output_audio', transcript: 'One two three' }] } });
    await flushMicrotasks();
    expect(transcripts.filter((t) => t.itemId === 'item_a1' && t.final).map((t) => t.text)).toEqual([REPLY, 'One two three']);

    // Long after the reply: the next turn is no interruption.
    channel.receive({ type: 'response.done', event_id: 'e', response: { object: 'realtime.response', id: 'resp_1', status: 'cancelled', output: [], usage: null } });
    channel.receive({ type: 'input_audio_buffer.speech_started', event_id: 'e', audio_start_ms: 17_000, item_id: 'item_u3' });
    await flushMicrotasks();
    expect(interrupted).toHaveLength(1);
  });
});
