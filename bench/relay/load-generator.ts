// The load generator of bench/relay: N WebSocket clients, each streaming 24 kHz PCM16 in
// 20 ms chunks (50 `input_audio_buffer.append` a second) and timing the echo that comes back
// through the relay (the append's `event_id` carries its send time in microseconds). With
// `'live'` the clients speak GPT-Live: `session.start` first, then `session.input_audio.append`
// as LiveClient sends it (no event id); Live audio deltas carry none either, so nothing is timed.
import { WebSocket } from 'ws';

const CHUNK_MS = 20;

/** Base64 of 20 ms of 24 kHz PCM16: a quiet tone (960 bytes, 1280 base64 characters). */
function chunkBase64(seed: number): string {
  const samples = CHUNK_MS * 24;
  const buffer = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index += 1) buffer.writeInt16LE(Math.round(300 * Math.sin((index + seed) / 9)), index * 2);
  return buffer.toString('base64');
}

const CHUNKS = Array.from({ length: 8 }, (_, index) => chunkBase64(index * 480));

const LIVE_START = JSON.stringify({ type: 'session.start', session: { model: 'gpt-live-1', audio: { format: { type: 'audio/pcm', rate: 24000 } } } });

export class LoadGenerator {
  private readonly sockets: WebSocket[] = [];
  private readonly timers: Array<ReturnType<typeof setInterval> | ReturnType<typeof setTimeout>> = [];
  private latenciesUs: number[] = [];
  private recording = false;
  sent = 0;
  received = 0;

  constructor(private readonly protocol: 'realtime' | 'live' = 'realtime') {}

  /** Opens `count` sessions (one user each) and waits for each one's `session.created`. */
  async connect(url: string, count: number, userPrefix = 'bench-user', batch = 50): Promise<void> {
    for (let start = 0; start < count; start += batch) {
      const opening: Array<Promise<void>> = [];
      for (let index = start; index < Math.min(count, start + batch); index += 1) opening.push(this.open(`${url}?token=${userPrefix}-${index}`));
      await Promise.all(opening);
    }
  }

  /** Starts streaming on every session, each on its own 20 ms clock with a random phase. */
  start(): void {
    for (const [index, socket] of this.sockets.entries()) {
      let sequence = 0;
      const send = (): void => {
        if (socket.readyState !== socket.OPEN) return;
        const audio = CHUNKS[(index + sequence) % CHUNKS.length] as string;
        if (this.protocol === 'live') socket.send(`{"type":"session.input_audio.append","audio":"${audio}"}`);
        else socket.send(`{"type":"input_audio_buffer.append","event_id":"t${Math.round(performance.now() * 1000)}","audio":"${audio}"}`);
        sequence += 1;
        this.sent += 1;
      };
      this.timers.push(
        setTimeout(() => {
          send();
          this.timers.push(setInterval(send, CHUNK_MS));
        }, Math.random() * CHUNK_MS),
      );
    }
  }

  /** Starts (or restarts) recording latencies. */
  record(): void {
    this.latenciesUs = [];
    this.recording = true;
  }

  /** Stops recording; returns the round-trip latencies recorded, in microseconds, sorted. */
  stopRecording(): number[] {
    this.recording = false;
    return [...this.latenciesUs].sort((a, b) => a - b);
  }

  /** Stops streaming. */
  stop(): void {
    for (const timer of this.timers) clearInterval(timer as ReturnType<typeof setInterval>);
    this.timers.length = 0;
  }

  /** Closes every session. */
  async close(): Promise<void> {
    this.stop();
    await Promise.all(
      this.sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            if (socket.readyState === socket.CLOSED) return resolve();
            socket.once('close', () => resolve());
            socket.close(1000);
            setTimeout(() => {
              socket.terminate();
              resolve();
            }, 1000).unref();
          }),
      ),
    );
    this.sockets.length = 0;
  }

  private open(url: string): Promise<void> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    this.sockets.push(socket);
    const live = this.protocol === 'live';
    return new Promise((resolve, reject) => {
      socket.on('error', reject);
      if (live) socket.on('open', () => socket.send(LIVE_START));
      socket.on('message', (data) => {
        const text = data.toString();
        if (live) {
          if (text.startsWith('{"type":"session.output_audio.delta"')) this.received += 1;
          else if (text.includes('"type":"session.started"')) resolve();
          return;
        }
        if (text.startsWith('{"type":"response.output_audio.delta","event_id":"t')) {
          this.received += 1;
          if (this.recording) {
            const end = text.indexOf('"', 51);
            this.latenciesUs.push(Math.round(performance.now() * 1000) - Number(text.slice(51, end)));
          }
          return;
        }
        if (text.includes('"type":"session.created"')) resolve();
      });
    });
  }
}

/** The value at quantile `q` of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
