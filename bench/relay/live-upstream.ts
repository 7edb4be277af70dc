// The GPT-Live side of bench/relay's fake upstream (`startFakeUpstream({ protocol: 'live' })`):
// `session.start` is answered with `session.started`; each `session.input_audio.append` at once
// with a `session.output_audio.delta` of the same audio (Live deltas carry no event id, so the
// load generator counts them but times nothing), and, as a full-duplex session streams, with
// transcript fragments on the audio timeline (an input and an output `*_transcript.delta` every
// 10 appends, 200 ms) and the cumulative `session.usage.updated` every 50 appends (1 s).
import type { WebSocket } from 'ws';

const APPEND_PREFIX = '{"type":"session.input_audio.append"';
const CHUNK_MS = 20;
const TRANSCRIPT_EVERY = 10;
const USAGE_EVERY = 50;

/** The answerer of one Live session (`session` numbers it). */
export function answerLiveFrame(session: number): (socket: WebSocket, text: string) => void {
  let appends = 0;
  let events = 0;
  const eventId = (): string => `evt_${session}_${(events += 1)}`;
  return (socket, text) => {
    if (socket.readyState !== socket.OPEN) return;
    // Appends are by far the most frequent frame: answered without JSON.parse.
    const audioAt = text.indexOf('"audio":"');
    if (text.startsWith(APPEND_PREFIX) && audioAt > 0) {
      appends += 1;
      socket.send(`{"type":"session.output_audio.delta","delta":"${text.slice(audioAt + 9, text.indexOf('"', audioAt + 9))}"}`);
      const endMs = appends * CHUNK_MS;
      if (appends % TRANSCRIPT_EVERY === 0) {
        const startMs = endMs - TRANSCRIPT_EVERY * CHUNK_MS;
        for (const type of ['session.input_transcript.delta', 'session.output_transcript.delta']) {
          socket.send(`{"type":"${type}","event_id":"${eventId()}","delta":"word ","start_ms":${startMs},"end_ms":${endMs}}`);
        }
      }
      if (appends % USAGE_EVERY === 0) {
        socket.send(`{"type":"session.usage.updated","event_id":"${eventId()}","usage":{"seconds":${endMs / 1000}},"context_window":{"usage_ratio":${(endMs / 3_600_000).toFixed(6)}}}`);
      }
      return;
    }
    const event = JSON.parse(text) as { type: string; event_id?: string; session?: Record<string, unknown> };
    if (event.type !== 'session.start') return;
    const resource = { ...event.session, id: `live_bench${session}`, status: 'active', expires_at: Math.floor(Date.now() / 1000) + 3600 };
    socket.send(JSON.stringify({ type: 'session.started', event_id: eventId(), session: resource, ...(event.event_id === undefined ? {} : { client_event_id: event.event_id }) }));
  };
}
