import { EventEmitter } from 'eventemitter3';
import { describe, expect, it } from 'vitest';
import type { AudioOutputChunk, AudioOutputSink, PlaybackPosition } from '../../src/client/audio-io';
import { RealtimeClient } from '../../src/client/client';
import type { ClientState, InterruptionInfo } from '../../src/client/client-events';
import { RealtimeError } from '../../src/base/errors';
import type { ClientEventInput } from '../../src/events';
import { silentLogger } from '../../src/base/logger';
import { exponentialBackoff } from '../../src/client/reconnect';
import type { Scenario, ScenarioTurn } from '../../src/testing/script/scenario';
import { MockRealtimeServer } from '../../src/testing/mock/server';
import { once, useCleanup } from '../helpers/index';
import type { Transport, TransportEvents } from '../../src/transport/transport';
import { FakeClock, flushMicrotasks } from '../helpers/fake-clock';

const { stoppers, startMock } = useCleanup();

/** A transport whose connections always fail, counting attempts. */
class RefusingTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly capabilities = { audio: 'events' } as const;
  isOpen = false;
  attempts = 0;
  async connect(): Promise<void> {
    this.attempts += 1;
    throw new RealtimeError('VOXWIRE_CONNECTION_FAILED', 'refused');
  }
  send(_event: ClientEventInput): void {
    throw new RealtimeError('VOXWIRE_NOT_CONNECTED', 'not open');
  }
  close(): void {}
}

describe('reconnection', () => {
  it('follows the backoff schedule on a fake clock and gives up cleanly', async () => {
    const { server, url } = await startMock();
    const clock = new FakeClock();
    const client = new RealtimeClient({
      url,
      logger: silentLogger,
      clock,
      reconnect: exponentialBackoff({ jitter: 'none', maxAttempts: 4 }),
    });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const states: ClientState[] = [];
    client.on('state', (state) => states.push(state));
    // Every reconnect attempt is refused at the HTTP upgrade from here on.
    await server.stop();
    await once<void>((resolve) => client.once('state', () => resolve()), 'reconnecting');
    // Each refused attempt takes real time on the loopback: step the clock until the client
    // gives up (bounded in steps), not a fixed six steps that a loaded machine outruns.
    for (let i = 0; i < 40 && states.at(-1)?.status !== 'closed'; i += 1) {
      await clock.advance(40_000);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const delays = states.filter((s) => s.status === 'reconnecting').map((s) => (s as { nextDelayMs: number }).nextDelayMs);
    expect(delays).toEqual([1000, 2000, 4000, 8000]);
    expect(states.at(-1)).toMatchObject({ status: 'closed', error: { code: 'VOXWIRE_RECONNECT_FAILED' } });
  });

  it('rejects connect() with a typed error when the first connection fails, and stays quiet', async () => {
    const transport = new RefusingTransport();
    const client = new RealtimeClient({ transport, logger: silentLogger });
    await expect(client.connect()).rejects.toMatchObject({ code: 'VOXWIRE_CONNECTION_FAILED' });
    expect(client.state).toMatchObject({ status: 'closed' });
    expect(transport.attempts).toBe(1);
    expect(() => client.sendText('hi')).toThrow(expect.objectContaining({ code: 'VOXWIRE_NOT_CONNECTED' }));
  });

  it('holds text while reconnecting and sends it once; drops stale audio', async () => {
    const { server, url } = await startMock();
    const clock = new FakeClock();
    const client = new RealtimeClient({ url, logger: silentLogger, clock, reconnect: exponentialBackoff({ jitter: 'none' }) });
    stoppers.push(() => client.disconnect());
    await client.connect();
    server.dropConnections();
    await once<void>((resolve) => client.on('state', (s) => s.status === 'reconnecting' && resolve()), 'reconnecting');
    const id = client.sendText('said while offline', { respond: false });
    expect(client.appendInputAudio(new Int16Array(480))).toBe(false);
    expect(client.commitInputAudio()).toBe(false);
    const connected = once<void>((resolve) => client.on('state', (s) => s.status === 'connected' && resolve()), 'connected');
    await clock.advance(1000);
    await connected;
    await server.waitFor({ type: 'conversation.item.create', item: { id } }, { direction: 'received' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const creates = server.filter({ type: 'conversation.item.create', item: { id } }, { direction: 'received' });
    expect(creates).toHaveLength(1);
    expect(server.filter('input_audio_buffer.append', { direction: 'received' })).toHaveLength(0);
    expect(client.conversation.get(id)?.text).toBe('said while offline');
  });

  it('survives 50 randomised drop points with every completed item once, in order', async () => {
    const dropTypes = ['response.created', 'response.output_item.added', 'response.output_audio_transcript.delta', 'response.output_audio.delta', 'response.done', 'conversation.item.added'];
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    stoppers.push(() => {
      process.off('unhandledRejection', onUnhandled);
    });

    for (let run = 0; run < 50; run += 1) {
      // Spare turns: an answer cut by the drop is asked for again in the restored session.
      const turns: ScenarioTurn[] = [0, 1, 2, 3, 4].map((index) => ({ reply: { text: `Answer ${index}.`, audio: 'reply-weather' } }));
      const dropTurn = Math.floor(random() * 3);
      const before = random() < 0.5;
      const type = dropTypes[Math.floor(random() * dropTypes.length)] as string;
      const count = 1 + Math.floor(random() * 2);
      (turns[dropTurn] as ScenarioTurn).drop = before ? { before: type, count } : { after: type, count };
      const scenario: Scenario = { turns };
      const server = new MockRealtimeServer({ audioPace: 'instant', scenario });
      const { url } = await server.start();
      const client = new RealtimeClient({ url, logger: silentLogger, reconnect: exponentialBackoff({ initialDelayMs: 2, maxDelayMs: 5, jitter: 'none' }) });
      try {
        await client.connect();
        for (let turn = 0; turn < 3; turn += 1) {
          const settled = once<void>(
            (resolve) => {
              const onDone = (): void => resolve();
              client.once('response.done', onDone);
              client.on('state', (state) => {
                if (state.status === 'reconnecting') resolve();
              });
            },
            `turn ${turn} of run ${run}`,
          );
          client.sendText(`question ${turn}`);
          await settled;
          if (client.state.status !== 'connected') {
            await once<void>((resolve) => client.on('state', (s) => s.status === 'connected' && resolve()), `reconnect in run ${run}`);
            // A question sent before the drop may not have been answered: give it time.
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
        // An answer cut by a drop is asked for again after the reconnect: let it finish.
        await once<void>(
          (resolve) => {
            const check = (): void => {
              if (client.state.status === 'connected' && !client.responseActive) resolve();
            };
            client.on('response.done', check);
            client.on('state', check);
            check();
          },
          `the last answer of run ${run}`,
        );
        await flushMicrotasks();
        const entries = client.conversation.entries;
        const ids = entries.map((entry) => entry.id);
        expect(new Set(ids).size, `duplicate entries in run ${run}`).toBe(ids.length);
        const questions = entries.filter((e) => e.role === 'user').map((e) => e.text);
        // Every question the client sent is present exactly once, in the order sent.
        expect(questions, `run ${run}`).toEqual(['question 0', 'question 1', 'question 2'].filter((q) => questions.includes(q)));
        expect(questions.length, `run ${run}`).toBeGreaterThanOrEqual(2);
        for (const entry of entries.filter((e) => e.role === 'assistant')) {
          expect(['completed', 'incomplete', 'cancelled'], `run ${run} ${entry.id}`).toContain(entry.status);
          if (entry.status === 'completed') expect(entry.text).toMatch(/^Answer \d\.$/);
        }
        const eventIds = server.received.map((entry) => entry.event.event_id);
        expect(new Set(eventIds).size, `an event was sent twice in run ${run}`).toBe(eventIds.length);
      } finally {
        client.disconnect();
        await server.stop();
      }
    }
    expect(unhandled).toEqual([]);
  }, 120_000);
});

/** A sink that "plays" in real time by wall clock and reports what was played when flushed. */
class WallClockSink implements AudioOutputSink {
  private current: { itemId: string; contentIndex: number; sampleRate: number; startedAt: number; queuedSamples: number } | undefined;
  written = 0;
  write(chunk: AudioOutputChunk): void {
    this.written += chunk.samples.length;
    if (!this.current || this.current.itemId !== chunk.itemId) {
      this.current = { itemId: chunk.itemId, contentIndex: chunk.contentIndex, sampleRate: chunk.sampleRate, startedAt: performance.now(), queuedSamples: 0 };
    }
    this.current.queuedSamples += chunk.samples.length;
  }
  async flush(): Promise<PlaybackPosition | null> {
    const current = this.current;
    this.current = undefined;
    if (!current) return null;
    const elapsed = ((performance.now() - current.startedAt) / 1000) * current.sampleRate;
    return { itemId: current.itemId, contentIndex: current.contentIndex, playedSamples: Math.min(current.queuedSamples, Math.floor(elapsed)), sampleRate: current.sampleRate };
  }
}

describe('interruption', () => {
  it('client.interrupt() cancels, flushes and truncates to what was played', async () => {
    const { server, url } = await startMock({ audioPace: 4, scenario: { turns: [{ reply: { audio: 'reply-long' } }] } });
    const client = new RealtimeClient({ url, logger: silentLogger });
    stoppers.push(() => client.disconnect());
    const sink = new WallClockSink();
    client.attachOutput(sink);
    await client.connect();
    client.sendText('tell me a long story');
    await server.waitFor('response.output_audio.delta', { direction: 'sent', nth: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const info: InterruptionInfo = await client.interrupt();
    expect(info).toMatchObject({ reason: 'client', cancelled: true, truncated: true });
    const truncate = await server.waitFor('conversation.item.truncate', { direction: 'received' });
    expect((truncate.event as { audio_end_ms: number }).audio_end_ms).toBe(info.playedMs);
    expect(info.playedMs).toBeGreaterThan(200);
    expect(info.playedMs).toBeLessThanOrEqual(info.receivedMs as number);
    await server.waitFor({ type: 'conversation.item.truncated' }, { direction: 'sent' });
    await server.waitFor({ type: 'response.done', response: { status: 'cancelled' } }, { direction: 'sent' });
    const entry = client.conversation.get(info.itemId as string);
    expect(entry?.truncatedAtMs).toBe(info.playedMs);
    expect(server.filter({ type: 'error' }, { direction: 'sent' })).toEqual([]);
  });

  it('speech_started with a sink attached flushes and truncates without a redundant cancel', async () => {
    const { server, url } = await startMock({ audioPace: 4, scenario: { turns: [{ reply: { audio: 'reply-long' } }] } });
    const client = new RealtimeClient({ url, logger: silentLogger });
    stoppers.push(() => client.disconnect());
    client.attachOutput(new WallClockSink());
    await client.connect();
    const interrupted = once<InterruptionInfo>((resolve) => client.once('interrupted', resolve), 'interrupted');
    client.sendText('tell me a long story');
    await server.waitFor('response.output_audio.delta', { direction: 'sent', nth: 6 });
    const { loadFixtureAudio } = await import('../../src/testing/fixtures');
    const { base64ToPcm16 } = await import('../../src/codec/base64');
    const barge = await loadFixtureAudio('question');
    for (const chunk of barge.chunks) client.appendInputAudio(base64ToPcm16(chunk));
    const info = await interrupted;
    expect(info.reason).toBe('speech');
    expect(info.truncated).toBe(true);
    await server.waitFor({ type: 'conversation.item.truncated' }, { direction: 'sent' });
    expect(server.filter('response.cancel', { direction: 'received' })).toHaveLength(0);
    expect(server.filter({ type: 'error' }, { direction: 'sent' })).toEqual([]);
  });
});

describe('limits', () => {
  it('maxDurationMs warns with sessionEnding, then ends as expired', async () => {
    const { url } = await startMock();
    const clock = new FakeClock();
    const client = new RealtimeClient({ url, logger: silentLogger, clock, maxDurationMs: 120_000, sessionEndingWarningMs: 30_000 });
    stoppers.push(() => client.disconnect());
    const endings: unknown[] = [];
    client.on('sessionEnding', (info) => endings.push(info));
    await client.connect();
    await clock.advance(90_000);
    expect(endings).toEqual([{ reason: 'time_limit', source: 'client', remainingMs: 30_000 }]);
    expect(client.state.status).toBe('connected');
    await clock.advance(30_000);
    expect(client.state).toEqual({ status: 'expired', reason: 'time_limit' });
  });

  it('maxDurationMs still ends the session after a reconnect, counted from the first connect', async () => {
    const { server, url } = await startMock();
    const clock = new FakeClock();
    const client = new RealtimeClient({ url, logger: silentLogger, clock, maxDurationMs: 120_000, sessionEndingWarningMs: 30_000, reconnect: exponentialBackoff({ jitter: 'none' }) });
    stoppers.push(() => client.disconnect());
    const endings: unknown[] = [];
    client.on('sessionEnding', (info) => endings.push(info));
    await client.connect();
    await clock.advance(60_000);
    server.dropConnections();
    await once<void>((resolve) => client.on('state', (s) => s.status === 'reconnecting' && resolve()), 'reconnecting');
    const reconnected = once<void>((resolve) => client.on('state', (s) => s.status === 'connected' && resolve()), 'reconnected');
    await clock.advance(1_000);
    await reconnected;
    // 61 s of the 120 s are used: the warning comes 29 s later, the end 30 s after it.
    await clock.advance(28_999);
    expect(endings).toEqual([]);
    await clock.advance(1);
    expect(endings).toEqual([{ reason: 'time_limit', source: 'client', remainingMs: 30_000 }]);
    await clock.advance(30_000);
    expect(client.state).toEqual({ status: 'expired', reason: 'time_limit' });
  });

  it('endAfterIdleMs ends a silent session and activity postpones it', async () => {
    const { url } = await startMock({ audioPace: 'instant' });
    const clock = new FakeClock();
    const client = new RealtimeClient({ url, logger: silentLogger, clock, endAfterIdleMs: 60_000, sessionEndingWarningMs: 10_000 });
    stoppers.push(() => client.disconnect());
    const endings: unknown[] = [];
    client.on('sessionEnding', (info) => endings.push(info));
    await client.connect();
    await clock.advance(40_000);
    client.sendText('still here', { respond: false });
    await clock.advance(40_000);
    expect(client.state.status).toBe('connected');
    expect(endings).toEqual([]);
    await clock.advance(20_000);
    expect(endings).toEqual([{ reason: 'idle', source: 'client', remainingMs: 10_000 }]);
    await clock.advance(10_000);
    expect(client.state).toEqual({ status: 'expired', reason: 'idle' });
  });

  it('rotateBeforeMs opens a fresh session before the upstream cap and restores context', async () => {
    const { server, url } = await startMock();
    const clock = new FakeClock();
    const client = new RealtimeClient({ url, logger: silentLogger, clock, rotateBeforeMs: 60_000 });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const id = client.sendText('remember me', { respond: false });
    await server.waitFor({ type: 'conversation.item.create' }, { direction: 'received' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const reconnected = once<void>((resolve) => client.on('state', (s) => s.status === 'connected' && resolve()), 'connected after rotation');
    await clock.advance(59 * 60_000);
    await reconnected;
    expect(server.connections).toHaveLength(2);
    await server.waitFor({ type: 'conversation.item.create', item: { id } }, { direction: 'received', connection: 1 });
  });
});
