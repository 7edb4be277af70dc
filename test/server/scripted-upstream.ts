/**
 * A Realtime upstream on loopback that the test drives frame by frame: it opens every session
 * with `session.created`, confirms each `session.update`, records every frame it receives as
 * the exact text that arrived, and sends whatever the test tells it to, when it tells it to.
 */
import { WebSocketServer, type WebSocket } from 'ws';

/** One upstream connection as the test sees it. */
export class ScriptedConnection {
  /** Every frame received, as text, exactly as it arrived. */
  readonly received: string[] = [];
  /** When the TCP connection closed, or undefined while it is open. */
  closedAt: number | undefined;
  readonly closed: Promise<void>;

  constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) =>
      socket.on('close', () => {
        this.closedAt = Date.now();
        resolve();
      }),
    );
  }

  /** Sends one event (or raw text). */
  send(event: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(typeof event === 'string' ? event : JSON.stringify(event));
  }

  /** Received frames parsed (frames that are not JSON are skipped). */
  events(): Array<Record<string, any>> {
    return this.received.flatMap((text) => {
      try {
        return [JSON.parse(text) as Record<string, any>];
      } catch {
        return [];
      }
    });
  }
}

/** The upstream server. */
export interface ScriptedUpstream {
  url: string;
  connections: ScriptedConnection[];
  /** The next connection (waits for it). */
  nextConnection(timeoutMs?: number): Promise<ScriptedConnection>;
  stop(): Promise<void>;
}

export async function startScriptedUpstream(): Promise<ScriptedUpstream> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const connections: ScriptedConnection[] = [];
  let taken = 0;
  const waiters = new Set<() => void>();
  server.on('connection', (socket) => {
    const connection = new ScriptedConnection(socket);
    connections.push(connection);
    const session = { type: 'realtime', object: 'realtime.session', id: `sess_${connections.length}`, model: 'gpt-realtime-2.1' };
    socket.send(JSON.stringify({ type: 'session.created', event_id: `evt_c${connections.length}`, session }));
    socket.on('message', (data) => {
      const text = data.toString();
      connection.received.push(text);
      if (text.includes('"session.update"')) {
        const event = JSON.parse(text) as { session?: Record<string, unknown> };
        socket.send(JSON.stringify({ type: 'session.updated', event_id: 'evt_u', session: { ...session, ...event.session } }));
      }
    });
    socket.on('error', () => undefined);
    for (const wake of [...waiters]) wake();
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    connections,
    nextConnection: (timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const connection = connections[taken];
          if (connection === undefined) return false;
          taken += 1;
          resolve(connection);
          return true;
        };
        if (check()) return;
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error('no upstream connection'));
        }, timeoutMs);
        const wake = (): void => {
          if (!check()) return;
          clearTimeout(timer);
          waiters.delete(wake);
        };
        waiters.add(wake);
      }),
    stop: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** An upstream `response.output_audio.delta` of `ms` milliseconds of 24 kHz PCM16, as the API writes it. */
export function outputAudioDelta(ms: number, responseId = 'resp_1'): string {
  const audio = Buffer.alloc(ms * 48, 7).toString('base64');
  return `{"type":"response.output_audio.delta","event_id":"evt_d","response_id":"${responseId}","item_id":"item_1","output_index":0,"content_index":0,"delta":"${audio}"}`;
}
