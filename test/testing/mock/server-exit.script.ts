/**
 * Run by mock-server-lifecycle.test.ts in a child process: starts the mock server, gets it busy
 * (a real-time reply streaming, VAD, an idle timer, the expiry timer, a pending waitFor), stops
 * it, and reports what is still alive. The process must then exit on its own.
 */
import WebSocket from 'ws';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import { createScenario } from '../../../src/testing/script/scenario';

const server = new MockRealtimeServer({
  audioPace: 'realtime',
  scenario: createScenario().turn((t) => t.plays('reply-long').delays({ perDeltaMs: 5 })).expireAfter(3_600_000).build(),
});
const { url } = await server.start();
const socket = new WebSocket(`${url}?model=gpt-realtime`, { headers: { Authorization: 'Bearer sk-test' } });
await new Promise((resolve) => socket.once('open', resolve));
socket.on('error', () => undefined);
const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', idle_timeout_ms: 60_000 } } } } }));
socket.send(JSON.stringify({ type: 'response.create' }));
await server.waitFor('response.output_audio.delta', { nth: 3 });
const question = await loadFixtureAudio('question', { chunkMs: 20 });
for (const audio of question.chunks.slice(0, 40)) socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio }));
const pending = server.waitFor('never.happens', { timeoutMs: 3_600_000 }).catch((error: Error) => error.message);
await server.stop();
await server.stop();
const code = await closed;
const waitResult = await pending;
await new Promise((resolve) => setImmediate(resolve));
const resources = process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap' && name !== 'PipeWrap');
process.stdout.write(`${JSON.stringify({ code, waitResult, resources, open: server.openConnections })}\n`);
