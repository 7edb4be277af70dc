// The loopback Realtime server of bench/client/ingest.bench.ts, alone in a child process so the
// parent's `process.cpuUsage()` is the clients' own CPU. `node --import tsx ingest-server.ts <turns>`:
// it reports `{ type: 'ready', url, frames, ... }` over IPC, then answers `stream` (send one round
// of the stream to the client named `?client=`, at `pace`), `sent` and `exit`.
//
// Each connection gets `session.created`; every `session.update` gets `session.updated` with the
// recorded session; other client events (a tool's output, `response.create`, a truncate) are
// counted and not answered, so every client receives exactly the same stream.
import { WebSocketServer, type WebSocket } from 'ws';
import { ingestStream, roundFrame } from './ingest-stream';

const turns = Number(process.argv[2] ?? 24);
const stream = ingestStream({ turns });
const sessionUpdated = (n: number): string => JSON.stringify({ event_id: `event_CiBsu${n}`, type: 'session.updated', session: stream.session });

interface Peer {
  socket: WebSocket;
  /** Frames sent to it since it connected. */
  sent: number;
  /** Rounds streamed to it (each round's ids are its own). */
  rounds: number;
  /** Client events received, by type. */
  received: Record<string, number>;
}
const peers = new Map<string, Peer>();

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (socket, request) => {
  const name = new URL(request.url ?? '/', 'http://localhost').searchParams.get('client') ?? 'unnamed';
  const peer: Peer = { socket, sent: 0, rounds: 0, received: {} };
  peers.set(name, peer);
  socket.on('message', (data) => {
    const type = (JSON.parse(data.toString()) as { type?: string }).type ?? '?';
    peer.received[type] = (peer.received[type] ?? 0) + 1;
    if (type === 'session.update') send(peer, sessionUpdated(peer.sent));
  });
  send(peer, stream.sessionCreated);
});
await new Promise<void>((resolve) => server.once('listening', () => resolve()));

function send(peer: Peer, frame: string): void {
  peer.sent += 1;
  peer.socket.send(frame);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one round. `pace` 0: as fast as the socket takes it (never more than ~1 MB ahead), so a
 * client slower than the server reads many frames per socket read; `pace` n: n frames, then a
 * 1 ms timer, so every client keeps up and reads a frame or two at a time, as from the API.
 */
async function streamTo(peer: Peer, pace: number): Promise<void> {
  peer.rounds += 1;
  for (const [index, frame] of stream.frames.entries()) {
    send(peer, roundFrame(frame, peer.rounds));
    if (pace > 0 && (index + 1) % pace === 0) await sleep(1);
    while (peer.socket.bufferedAmount > 1 << 20) await sleep(1);
  }
}

process.on('message', (message: { type: string; client?: string; pace?: number }) => {
  void (async () => {
    const peer = message.client === undefined ? undefined : peers.get(message.client);
    switch (message.type) {
      case 'stream':
        if (!peer) throw new Error(`no client named ${String(message.client)}`);
        await streamTo(peer, message.pace ?? 0);
        process.send?.({ type: 'streamed', client: message.client });
        return;
      case 'sent':
        process.send?.({ type: 'sent', client: message.client, sent: peer?.sent ?? 0, received: peer?.received ?? {} });
        return;
      case 'exit':
        for (const { socket } of peers.values()) socket.terminate();
        server.close();
        process.exit(0);
      default:
    }
  })();
});

// A bench stopped midway must not leave its server running.
process.on('disconnect', () => process.exit(0));

const { address, port } = server.address() as { address: string; port: number };
process.send?.({
  type: 'ready',
  url: `ws://${address}:${port}`,
  frames: stream.frames.length,
  counts: stream.counts,
  audioBytes: stream.audioBytes,
  audioSeconds: stream.audioSeconds,
  chars: stream.chars,
});
