// The fake Realtime upstream of bench/relay: it opens every session with `session.created`,
// confirms every `session.update`, and answers each `input_audio_buffer.append` at once with a
// `response.output_audio.delta` of the same audio and the append's `event_id` (which carries
// the send time), so a client sees 50 frames a second back for 50 sent. The relay's fault
// suite (test/server/fault-suite.test.ts) also uses it, with per-user accounting of the audio
// that went through (by the `x-voxwire-user` header its relays send) and dropped connections.
// With `protocol: 'live'` it speaks GPT-Live instead (live-upstream.ts).
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { answerLiveFrame } from './live-upstream';

/** Audio that went through the upstream for one user, in base64 characters. */
export interface UpstreamAccount {
  /** Characters of base64 audio appended by the user's sessions. */
  appendedChars: number;
  /** Characters of base64 audio sent back to the user's sessions. */
  sentChars: number;
  /** Connections opened for the user. */
  connections: number;
}

export interface FakeUpstream {
  url: string;
  /** Per-user accounts (only with `accounting`). */
  accounts: Map<string, UpstreamAccount>;
  /** Connections open now. */
  readonly openConnections: number;
  /** Cuts `count` random open connections without a close frame; returns how many it cut. */
  drop(count: number, random?: () => number): number;
  stop(): Promise<void>;
}

export async function startFakeUpstream(options: { accounting?: boolean; protocol?: 'realtime' | 'live' } = {}): Promise<FakeUpstream> {
  const live = options.protocol === 'live';
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  const accounts = new Map<string, UpstreamAccount>();
  const open = new Set<WebSocket>();
  let sessions = 0;
  server.on('connection', (socket, request) => {
    sessions += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
    let account: UpstreamAccount | undefined;
    if (options.accounting === true) {
      const user = String(request.headers['x-voxwire-user'] ?? 'unknown');
      account = accounts.get(user) ?? { appendedChars: 0, sentChars: 0, connections: 0 };
      account.connections += 1;
      accounts.set(user, account);
    }
    if (live) {
      const answer = answerLiveFrame(sessions);
      socket.on('message', (data) => answer(socket, data.toString()));
      return;
    }
    const session = { type: 'realtime', object: 'realtime.session', id: `sess_${sessions}`, model: 'gpt-realtime-2.1', instructions: '' };
    socket.send(JSON.stringify({ type: 'session.created', event_id: `evt_c${sessions}`, session }));
    socket.on('message', (data) => {
      const text = data.toString();
      // Appends are by far the most frequent frame: answer them without JSON.parse.
      const audioAt = text.indexOf('"audio":"');
      if (text.startsWith('{"type":"input_audio_buffer.append"') && audioAt > 0) {
        const audio = text.slice(audioAt + 9, text.indexOf('"', audioAt + 9));
        const idAt = text.indexOf('"event_id":"');
        const eventId = idAt < 0 ? 'none' : text.slice(idAt + 12, text.indexOf('"', idAt + 12));
        if (account !== undefined) account.appendedChars += audio.length;
        if (socket.readyState !== socket.OPEN) return;
        socket.send(`{"type":"response.output_audio.delta","event_id":"${eventId}","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"${audio}"}`);
        if (account !== undefined) account.sentChars += audio.length;
        return;
      }
      const event = JSON.parse(text) as { type: string; session?: Record<string, unknown> };
      if (event.type === 'session.update') {
        socket.send(JSON.stringify({ type: 'session.updated', event_id: `evt_u${sessions}`, session: { ...session, ...event.session } }));
      }
    });
  });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `ws://127.0.0.1:${port}${live ? '/v1/live/sessions' : '/v1/realtime'}`,
    accounts,
    get openConnections() {
      return open.size;
    },
    drop: (count, random = Math.random) => {
      const sockets = [...open];
      let dropped = 0;
      while (dropped < count && sockets.length > 0) {
        const [socket] = sockets.splice(Math.floor(random() * sockets.length), 1);
        socket?.terminate();
        dropped += 1;
      }
      return dropped;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
