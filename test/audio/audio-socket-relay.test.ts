/**
 * The socket worker's logic in Node, with fake sockets and ports: output deltas go to the
 * playback port and reach the page without their payload; everything else (unknown events
 * included) passes through whole; input chunks go on the wire only while a client wants them
 * and the session is configured; a barge-in flushes and truncates to the acknowledged count,
 * and the client's identical truncate is not sent twice.
 */
import { describe, expect, it } from 'vitest';
import { pcm16ToBase64 } from '../../src/codec/base64';
import { AudioSocketRelay, type RelayPort, type RelaySocket } from '../../src/audio/worker/audio-socket-relay';
import type { WorkerToPageMessage } from '../../src/audio/worker/protocol';
import { until } from '../helpers/index';

class FakeSocket implements RelaySocket {
  readyState = 0;
  bufferedAmount = 0;
  binaryType = 'blob';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
    this.onclose?.({ code: 1000, reason: '' });
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  frame(event: unknown): void {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
}

class FakePort implements RelayPort {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
}

function setUp() {
  const page: WorkerToPageMessage[] = [];
  const sockets: FakeSocket[] = [];
  const relay = new AudioSocketRelay({
    post: (message) => page.push(message),
    createSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  });
  const playback = new FakePort();
  const capture = new FakePort();
  relay.receive({ type: 'playback', port: playback as unknown as MessagePort });
  relay.receive({ type: 'capture', port: capture as unknown as MessagePort });
  relay.receive({ type: 'open', id: 1, url: 'ws://127.0.0.1/', protocols: [] });
  const socket = sockets[0]!;
  socket.open();
  return { relay, page, socket, playback, capture };
}

const delta = (samples: number) => ({
  type: 'response.output_audio.delta',
  event_id: 'e1',
  response_id: 'r1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
  delta: pcm16ToBase64(new Int16Array(samples).fill(1000)),
});

describe('AudioSocketRelay', () => {
  it('plays output deltas itself and forwards them without their payload; other frames pass whole', () => {
    const { page, socket, playback } = setUp();
    socket.frame(delta(480));
    socket.frame({ type: 'response.future_event', payload: { nested: [1, 2] } });
    const writes = playback.posted.filter((message) => (message as { type: string }).type === 'write') as { samples: Int16Array; sampleRate: number }[];
    expect(writes).toHaveLength(1);
    expect(writes[0]!.sampleRate).toBe(24000);
    const frames = page.filter((message) => message.type === 'message').map((message) => JSON.parse((message as { data: string }).data));
    expect(frames[0]).toEqual({ ...delta(480), delta: '', voxwire_samples: 480 });
    expect(frames[1]).toEqual({ type: 'response.future_event', payload: { nested: [1, 2] } });
  });

  it('sends capture chunks only while a client wants them and the session is configured', () => {
    const { relay, socket, capture } = setUp();
    const chunk = () => capture.onmessage?.({ data: { type: 'chunk', data: new Int16Array(480).fill(7), sequence: 0, contextTime: 0 } });
    relay.receive({ type: 'input', enabled: true });
    expect(capture.posted).toContainEqual({ type: 'route', toLink: true });
    chunk();
    expect(socket.sent).toHaveLength(0);
    socket.frame({ type: 'session.updated', event_id: 'e', session: { type: 'realtime', audio: { output: { format: { type: 'audio/pcm', rate: 24000 } } } } });
    chunk();
    expect(socket.sent).toHaveLength(1);
    expect(JSON.parse(socket.sent[0]!)).toEqual({ type: 'input_audio_buffer.append', audio: pcm16ToBase64(new Int16Array(480).fill(7)) });
    relay.receive({ type: 'input', enabled: false });
    expect(capture.posted.at(-1)).toEqual({ type: 'route', toLink: false });
    chunk();
    expect(socket.sent).toHaveLength(1);
  });

  it('takes the route the page gave the capture worklet at link time, and corrects it when it disagrees', () => {
    const { relay } = setUp();
    relay.receive({ type: 'input', enabled: true });
    // Linked while a client is subscribed and the socket is open: the page already routed it here.
    const agreed = new FakePort();
    relay.receive({ type: 'capture', port: agreed as unknown as MessagePort, routed: true });
    expect(agreed.posted).toEqual([]);
    // The page believed so, but no client wants input any more: the worker routes it back.
    relay.receive({ type: 'input', enabled: false });
    const stale = new FakePort();
    relay.receive({ type: 'capture', port: stale as unknown as MessagePort, routed: true });
    expect(stale.posted).toEqual([{ type: 'route', toLink: false }]);
    // Linked without a route while input is wanted: routed here at once.
    relay.receive({ type: 'input', enabled: true });
    const fresh = new FakePort();
    relay.receive({ type: 'capture', port: fresh as unknown as MessagePort });
    expect(fresh.posted).toEqual([{ type: 'route', toLink: true }]);
  });

  it('on speech_started flushes playback, truncates to the acknowledged count, and sends the client\u2019s identical truncate once', () => {
    const { relay, page, socket, playback } = setUp();
    socket.frame(delta(24000));
    socket.frame({ type: 'input_audio_buffer.speech_started', event_id: 'e2', audio_start_ms: 100, item_id: 'item_u' });
    const flush = playback.posted.find((message) => (message as { type: string }).type === 'flush') as { id: number };
    expect(flush).toBeDefined();
    // The page still hears the event.
    expect(page.some((message) => message.type === 'message' && String(message.data).includes('speech_started'))).toBe(true);
    playback.onmessage?.({
      data: { type: 'flushed', ids: [flush.id], position: { itemId: 'item_1', contentIndex: 0, playedSamples: 12345, receivedSamples: 24000, sampleRate: 24000 }, silentAt: 1, fadeStartedAt: 0.995 },
    });
    const truncate = { type: 'conversation.item.truncate', item_id: 'item_1', content_index: 0, audio_end_ms: Math.floor((12345 / 24000) * 1000) };
    expect(socket.sent.map((text) => JSON.parse(text))).toEqual([truncate]);
    relay.receive({ type: 'send', id: 1, text: JSON.stringify({ ...truncate, event_id: 'evt_client' }) });
    expect(socket.sent).toHaveLength(1);
    // Later audio of the cut item is counted but not played.
    socket.frame(delta(480));
    expect(playback.posted.filter((message) => (message as { type: string }).type === 'write')).toHaveLength(1);
    // A different truncate from the page goes out.
    relay.receive({ type: 'send', id: 1, text: JSON.stringify({ ...truncate, audio_end_ms: 100 }) });
    expect(socket.sent).toHaveLength(2);
  });

  it('while the page listens to audio, plays each delta and forwards it whole, marked with the item it played', () => {
    const { relay, page, socket, playback } = setUp();
    relay.receive({ type: 'audio', wanted: true });
    socket.frame(delta(480));
    relay.receive({ type: 'audio', wanted: false });
    socket.frame(delta(480));
    expect(playback.posted.filter((message) => (message as { type: string }).type === 'write')).toHaveLength(2);
    const frames = page.filter((message) => message.type === 'message') as { data: string; played?: string }[];
    expect(frames[0]!.played).toBe('item_1');
    expect(JSON.parse(frames[0]!.data)).toEqual(delta(480));
    expect(frames[1]!.played).toBeUndefined();
    expect(JSON.parse(frames[1]!.data)).toEqual({ ...delta(480), delta: '', voxwire_samples: 480 });
  });

  it('reports bufferedAmount after each send from the page, and while bytes wait, until they left', async () => {
    const { relay, page, socket, capture } = setUp();
    const buffered = () => page.filter((message) => message.type === 'buffered').map((message) => (message as { bytes: number }).bytes);
    socket.bufferedAmount = 5000;
    relay.receive({ type: 'send', id: 1, text: '{"type":"response.create"}' });
    expect(buffered()).toEqual([5000]);
    socket.bufferedAmount = 1200;
    await until(() => buffered().length === 2, 'the watch posting the smaller figure');
    socket.bufferedAmount = 0;
    await until(() => buffered().length === 3, 'the watch posting 0');
    expect(buffered()).toEqual([5000, 1200, 0]);
    // The worker's own appends do not post a message each: only a change, on the cadence.
    relay.receive({ type: 'input', enabled: true });
    socket.frame({ type: 'session.updated', event_id: 'e', session: { type: 'realtime' } });
    for (let i = 0; i < 5; i++) capture.onmessage?.({ data: { type: 'chunk', data: new Int16Array(480), sequence: i, contextTime: 0 } });
    expect(socket.sent).toHaveLength(6);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(buffered()).toEqual([5000, 1200, 0]);
    // A page send always hears the real figure (the page counted its frame in at once).
    relay.receive({ type: 'send', id: 1, text: '{"type":"response.create"}' });
    expect(buffered()).toEqual([5000, 1200, 0, 0]);
  });

  it('forwards a malformed delta whole, for the client to report', () => {
    const { page, socket, playback } = setUp();
    socket.frame({ ...delta(10), delta: '***' });
    expect(playback.posted).toHaveLength(0);
    const frame = page.find((message) => message.type === 'message') as { data: string };
    expect(JSON.parse(frame.data).delta).toBe('***');
  });
});
