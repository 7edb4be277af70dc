// The fake Realtime upstream of bench/relay: it opens every session with `session.created`,
// confirms every `session.update`, and answers each `input_audio_buffer.append` at once with a
// `response.output_audio.delta` of the same audio and the append's `event_id` (which carries
// the send time), so a client sees 50 frames a second back for 50 sent.
import { WebSocketServer } from 'ws';

export interface FakeUpstream {
  url: string;
  stop(): Promise<void>;
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  let sessions = 0;
  server.on('connection', (socket) => {
    sessions += 1;
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
        socket.send(`{"type":"response.output_audio.delta","event_id":"${eventId}","response_id":"resp_1","item_id":"item_1","output_index":0,"content_index":0,"delta":"${audio}"}`);
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
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    stop: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
