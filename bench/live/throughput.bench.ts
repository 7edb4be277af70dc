/**
 * GPT-Live: events per second through LiveClient (parse + validate + transcript turns + usage +
 * emit) and the parse cost of `parseLiveServerEvent`, both against JSON.parse alone on the same
 * frames. Run: npm run bench -- live
 */
import { EventEmitter } from 'eventemitter3';
import { silentLogger } from '../../src/base/logger';
import { parseLiveServerEvent } from '../../src/events/live';
import { LiveClient } from '../../src/live/live-client';
import type { Transport, TransportEvents } from '../../src/transport/transport';

/** A transport fed by the bench: frames go through the same parse the WebSocket transport runs for Live. */
class FeedTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly capabilities = { audio: 'events' } as const;
  isOpen = false;
  async connect(): Promise<void> {
    this.isOpen = true;
  }
  send(event: { type: string; event_id?: string }): void {
    if (event.type === 'session.start') {
      queueMicrotask(() =>
        this.feed(JSON.stringify({ type: 'session.started', event_id: 'e0', session: { id: 'live_bench', model: 'gpt-live-1', status: 'active', expires_at: 2_000_000_000 } })),
      );
    }
  }
  close(): void {}
  feed(frame: string): void {
    const result = parseLiveServerEvent(frame);
    if (result.ok) this.emit('event', result.event as never, result.known);
    else this.emit('error', result.error);
  }
}

let seq = 0;
let timelineMs = 0;
const id = (prefix: string): string => `${prefix}_${(seq++).toString(36)}`;
const audioDelta = Buffer.alloc(4800).toString('base64'); // 100 ms of 24 kHz PCM16, ~6.4 KB base64

/** One exchange: 2 s of user transcript fragments, a delegation, ~10 s of speech with its transcript, a usage report. */
function turnFrames(): string[] {
  const frames: object[] = [];
  for (let i = 0; i < 10; i += 1) {
    frames.push({ type: 'session.input_transcript.delta', event_id: id('ev'), delta: ' word', start_ms: timelineMs, end_ms: timelineMs + 200 });
    timelineMs += 200;
  }
  frames.push({ type: 'session.delegation.created', event_id: id('ev'), delegation: { id: id('del'), type: 'delegation', target: 'decisions' }, offset_ms: timelineMs });
  timelineMs += 1000;
  for (let i = 0; i < 100; i += 1) {
    frames.push({ type: 'session.output_audio.delta', delta: audioDelta });
    if (i % 2 === 0) frames.push({ type: 'session.output_transcript.delta', event_id: id('ev'), delta: ' word', start_ms: timelineMs, end_ms: timelineMs + 200 });
    timelineMs += 100;
  }
  frames.push({ type: 'session.usage.updated', event_id: id('ev'), usage: { seconds: timelineMs / 1000 }, context_window: { usage_ratio: 0.1 } });
  return frames.map((frame) => JSON.stringify(frame));
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function main(): Promise<void> {
  const transport = new FeedTransport();
  const client = new LiveClient({ transport, logger: silentLogger, turnInactivityMs: Infinity });
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
  const parseOnly = (frame: string): void => {
    const result = parseLiveServerEvent(frame);
    sink += result.ok ? result.event.type.length : 1;
  };
  const throughClient = (frame: string): void => transport.feed(frame);
  for (let i = 0; i < 3; i += 1) {
    timeRun(jsonOnly, 2);
    timeRun(parseOnly, 2);
    timeRun(throughClient, 2);
  }
  // Interleaved rounds, so load on the shared machine hits every variant alike.
  const runs: Array<{ json: number; parse: number; client: number }> = [];
  for (let i = 0; i < 9; i += 1) runs.push({ json: timeRun(jsonOnly, 5), parse: timeRun(parseOnly, 5), client: timeRun(throughClient, 5) });
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  const jsonMs = median(runs.map((r) => r.json));
  const parseMs = median(runs.map((r) => r.parse));
  const clientMs = median(runs.map((r) => r.client));
  const events = sample.length * 5;
  console.log(`Node ${process.version}; ${sample.length} frames (${(bytes / 1024 / 1024).toFixed(1)} MB) x 5 per round, 9 interleaved rounds, median; audio events seen: ${audioEvents}, sink ${sink % 7}`);
  console.log(`JSON.parse alone:           ${(events / (jsonMs / 1000)).toFixed(0)} events/s   1.00x`);
  console.log(`parseLiveServerEvent:       ${(events / (parseMs / 1000)).toFixed(0)} events/s   ${(parseMs / jsonMs).toFixed(2)}x`);
  console.log(`through LiveClient:         ${(events / (clientMs / 1000)).toFixed(0)} events/s   ${(clientMs / jsonMs).toFixed(2)}x`);

  // A 60-minute session: one exchange every ~14 s of timeline is ~260 exchanges.
  const freshTransport = new FeedTransport();
  const long = new LiveClient({ transport: freshTransport, logger: silentLogger, turnInactivityMs: Infinity });
  await long.connect();
  const samples: string[] = [];
  const base = heapMb();
  for (let turn = 1; turn <= 260; turn += 1) {
    for (const frame of turnFrames()) freshTransport.feed(frame);
    if (turn % 52 === 0) samples.push(`${Math.round(turn / 4.33)} min: ${(heapMb() - base).toFixed(2)} MB`);
  }
  console.log(`heap growth over a simulated 60-minute session (260 exchanges, ${long.transcript.length} turns kept as text): ${samples.join(', ')}`);
  long.disconnect();
  client.disconnect();
}

void main();
