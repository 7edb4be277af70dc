/**
 * Events per second through RealtimeClient (parse + validate + conversation update + emit)
 * against JSON.parse alone on the same frames, and heap after a simulated 60-minute session.
 * Run: npm run bench -- client
 */
import { EventEmitter } from 'eventemitter3';
import { RealtimeClient } from '../../src/client/client';
import { silentLogger } from '../../src/base/logger';
import { parseServerEvent } from '../../src/events';
import type { Transport, TransportEvents } from '../../src/transport/transport';

/** A transport fed by the bench: frames go through the same parse the WebSocket transport runs. */
class FeedTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly capabilities = { audio: 'events' } as const;
  isOpen = false;
  async connect(): Promise<void> {
    this.isOpen = true;
    queueMicrotask(() => this.feed(JSON.stringify({ type: 'session.created', event_id: 'e0', session: { type: 'realtime', id: 'sess_bench' } })));
  }
  send(event: { type: string; event_id?: string }): void {
    if (event.type === 'session.update') {
      queueMicrotask(() => this.feed(JSON.stringify({ type: 'session.updated', event_id: 'e1', session: { type: 'realtime', id: 'sess_bench' } })));
    }
  }
  close(): void {}
  feed(frame: string): void {
    const result = parseServerEvent(frame);
    if (result.ok) this.emit('event', result.event, result.known);
    else this.emit('error', result.error);
  }
}

let seq = 0;
const id = (prefix: string): string => `${prefix}_${(seq++).toString(36)}`;
const audioDelta = Buffer.alloc(4800).toString('base64'); // 100 ms of 24 kHz PCM16, ~6.4 KB base64

/** One spoken turn: user item + transcript, ~10 s of audio deltas with transcript deltas, response.done with usage. */
function turnFrames(): string[] {
  const responseId = id('resp');
  const userId = id('item');
  const itemId = id('item');
  const frames: object[] = [
    { type: 'input_audio_buffer.speech_started', event_id: id('ev'), audio_start_ms: 0, item_id: userId },
    { type: 'input_audio_buffer.speech_stopped', event_id: id('ev'), audio_end_ms: 2000, item_id: userId },
    { type: 'conversation.item.added', event_id: id('ev'), previous_item_id: null, item: { id: userId, type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_audio', transcript: null }] } },
    { type: 'conversation.item.input_audio_transcription.completed', event_id: id('ev'), item_id: userId, content_index: 0, transcript: 'What is the weather like in Paris today?' },
    { type: 'response.created', event_id: id('ev'), response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [], usage: null } },
    { type: 'response.output_item.added', event_id: id('ev'), response_id: responseId, output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } },
  ];
  for (let i = 0; i < 100; i += 1) {
    frames.push({ type: 'response.output_audio.delta', event_id: id('ev'), response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, delta: audioDelta });
    if (i % 5 === 0) frames.push({ type: 'response.output_audio_transcript.delta', event_id: id('ev'), response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, delta: ' word' });
  }
  frames.push(
    { type: 'response.output_audio_transcript.done', event_id: id('ev'), response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, transcript: ' word'.repeat(20) },
    { type: 'response.output_item.done', event_id: id('ev'), response_id: responseId, output_index: 0, item: { id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: ' word'.repeat(20) }] } },
    {
      type: 'response.done',
      event_id: id('ev'),
      response: {
        id: responseId,
        object: 'realtime.response',
        status: 'completed',
        output: [{ id: itemId, type: 'message' }],
        usage: { total_tokens: 500, input_tokens: 300, output_tokens: 200, input_token_details: { text_tokens: 100, audio_tokens: 200, cached_tokens: 64, cached_tokens_details: { text_tokens: 64, audio_tokens: 0 } }, output_token_details: { text_tokens: 20, audio_tokens: 180 } },
      },
    },
  );
  return frames.map((frame) => JSON.stringify(frame));
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  const transport = new FeedTransport();
  const client = new RealtimeClient({ transport, logger: silentLogger });
  let audioEvents = 0;
  client.on('audio', () => {
    audioEvents += 1;
  });
  await client.connect();

  const sample = Array.from({ length: 20 }, () => turnFrames()).flat();
  const bytes = sample.reduce((sum, frame) => sum + frame.length, 0);

  const timeRun = (fn: (frame: string) => void, rounds: number): number => {
    const start = process.hrtime.bigint();
    for (let r = 0; r < rounds; r += 1) for (const frame of sample) fn(frame);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  let sink = 0;
  const jsonOnly = (frame: string): void => {
    sink += (JSON.parse(frame) as { type: string }).type.length;
  };
  const throughClient = (frame: string): void => transport.feed(frame);
  for (let i = 0; i < 3; i += 1) {
    timeRun(jsonOnly, 2);
    timeRun(throughClient, 2);
  }
  const runs: Array<{ json: number; client: number }> = [];
  for (let i = 0; i < 7; i += 1) runs.push({ json: timeRun(jsonOnly, 5), client: timeRun(throughClient, 5) });
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const jsonMs = median(runs.map((r) => r.json));
  const clientMs = median(runs.map((r) => r.client));
  const events = sample.length * 5;
  console.log(`frames per run: ${events} (${(bytes / 1024 / 1024).toFixed(1)} MB per 1/5 run), audio events seen: ${audioEvents}, sink ${sink % 7}`);
  console.log(`JSON.parse alone:        ${(events / (jsonMs / 1000)).toFixed(0)} events/s`);
  console.log(`through RealtimeClient:  ${(events / (clientMs / 1000)).toFixed(0)} events/s`);
  console.log(`ratio client / JSON.parse: ${(clientMs / jsonMs).toFixed(2)}x`);

  // A 60-minute session: ~6 s of assistant audio per turn at the pace above is 100 deltas per
  // turn, one turn every 10 s = 360 turns. Heap is sampled after each 60 turns.
  const freshTransport = new FeedTransport();
  const long = new RealtimeClient({ transport: freshTransport, logger: silentLogger });
  await long.connect();
  const samples: string[] = [];
  const base = heapMb();
  for (let turn = 1; turn <= 360; turn += 1) {
    for (const frame of turnFrames()) freshTransport.feed(frame);
    if (turn % 60 === 0) samples.push(`${turn / 6} min: ${(heapMb() - base).toFixed(2)} MB`);
  }
  console.log(`heap growth over a simulated 60-minute session (360 turns, ${long.conversation.entries.length} entries kept as text): ${samples.join(', ')}`);
}

void main();
