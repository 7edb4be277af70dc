/**
 * voxwire/react's store in Node, against the mock Realtime server on loopback: one client and
 * one socket across StrictMode's and fast refresh's release-and-retain, snapshots that change
 * slice by slice, the transcript and tool activity as they stream, and the store letting go of
 * what it owns (and only that) when released for good.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { RealtimeClient } from '../../src/client/client';
import type { RealtimeClientOptions } from '../../src/client/client-options';
import { defineTool } from '../../src/tools/define-tool';
import { silentLogger } from '../../src/base/logger';
import { RealtimeError } from '../../src/base/errors';
import { createScenario } from '../../src/testing/script/scenario';
import { VoiceStore } from '../../src/react/store';
import { INITIAL_VOICE_SNAPSHOT } from '../../src/react/snapshot';
import { until, useCleanup } from '../helpers/index';

const { stoppers, startMock } = useCleanup();

/** One macrotask: the store's deferred release runs in a timer of 0 ms. */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

function textClient(url: string, options: RealtimeClientOptions = {}): RealtimeClient {
  return new RealtimeClient({ url, apiKey: 'sk-test', logger: silentLogger, reconnect: false, session: { type: 'realtime', output_modalities: ['text'] }, ...options });
}

/** A store on a client the store creates (and owns), without audio (Node has none). */
function ownedStore(url: string, options: RealtimeClientOptions = {}): { store: VoiceStore<RealtimeClient>; created: () => number } {
  let created = 0;
  const store = new VoiceStore<RealtimeClient>({
    client: () => {
      created += 1;
      return textClient(url, options);
    },
    audio: false,
  });
  stoppers.push(() => store.client.disconnect());
  return { store, created: () => created };
}

describe('VoiceStore (voxwire/react)', () => {
  it('keeps one client and one socket when released and retained again in one go (StrictMode, fast refresh)', async () => {
    const { server, url } = await startMock();
    const { store, created } = ownedStore(url);
    expect(created()).toBe(0);

    // StrictMode: mount, unmount, mount.
    const first = store.retain();
    first();
    const second = store.retain();
    // Two clicks on Talk while connecting: one connection.
    await Promise.all([store.connect(), store.connect()]);
    expect(store.getSnapshot().state.status).toBe('connected');

    // Fast refresh re-runs the provider's effect mid-call: release, then retain at once.
    second();
    const third = store.retain();
    await nextTask();
    await nextTask();
    expect(store.client.state.status).toBe('connected');
    expect(server.connections.length).toBe(1);
    expect(server.openConnections).toBe(1);
    expect(created()).toBe(1);

    // Unmounting for good hangs up the client the store created.
    third();
    await until(() => server.openConnections === 0, 'the socket to close');
    expect(store.client.state.status).toBe('closed');
    expect(created()).toBe(1);
  });

  it('streams the transcript and the conversation into new snapshots, slice by slice', async () => {
    const { url } = await startMock({ scenario: createScenario().turn((turn) => turn.says('Paris is sunny today.')).build() });
    const { store } = ownedStore(url);
    expect(store.getSnapshot()).toBe(INITIAL_VOICE_SNAPSHOT);
    const release = store.retain();
    stoppers.push(release);
    const seen: string[] = [];
    const unsubscribe = store.subscribe(() => {
      const assistant = store.getSnapshot().transcript.find((line) => line.role === 'assistant');
      if (assistant !== undefined && seen.at(-1) !== assistant.text) seen.push(assistant.text);
    });
    stoppers.push(unsubscribe);
    await store.connect();
    const connected = store.getSnapshot();
    store.client.sendText('Weather in Paris?');
    await until(() => store.getSnapshot().transcript.find((line) => line.role === 'assistant' && line.final), 'the final answer');

    const snapshot = store.getSnapshot();
    expect(snapshot.transcript.map(({ role, text, final, interrupted }) => ({ role, text, final, interrupted }))).toEqual([
      { role: 'user', text: 'Weather in Paris?', final: true, interrupted: false },
      { role: 'assistant', text: 'Paris is sunny today.', final: true, interrupted: false },
    ]);
    // The words streamed: the page saw the answer grow before it was final.
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe('Paris is sunny today.');
    // Slices that did not change kept their identity; the snapshot and its entries are frozen copies.
    expect(snapshot.state).toBe(connected.state);
    expect(snapshot.speaking).toBe(connected.speaking);
    expect(snapshot.conversation.map((entry) => entry.text)).toEqual(['Weather in Paris?', 'Paris is sunny today.']);
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.conversation[1])).toBe(true);
    expect(snapshot.conversation[1]).not.toBe(store.client.conversation.entries[1]);
    // The same snapshot object until something changes (useSyncExternalStore needs that).
    expect(store.getSnapshot()).toBe(snapshot);
  });

  it('shows tool calls as they run, end and fail', async () => {
    const scenario = createScenario()
      .turn((turn) => turn.calls('get_weather', { location: 'Paris' }))
      .turn((turn) => turn.says('It is 18 degrees.'))
      .turn((turn) => turn.calls('get_weather', { location: 'Atlantis' }))
      .turn((turn) => turn.says('I could not find it.'))
      .build();
    const { url } = await startMock({ scenario });
    let finish: (() => void) | undefined;
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'The weather in a city.',
      parameters: z.object({ location: z.string() }),
      execute: async ({ location }) => {
        if (location === 'Atlantis') throw new Error('no such city');
        await new Promise<void>((resolve) => (finish = resolve));
        return { celsius: 18 };
      },
    });
    const { store } = ownedStore(url, { tools: [getWeather] });
    stoppers.push(store.retain());
    await store.connect();
    store.client.sendText('Weather in Paris?');
    const running = await until(() => store.getSnapshot().tools[0], 'the call to start');
    expect(running).toMatchObject({ name: 'get_weather', arguments: '{"location":"Paris"}', status: 'running', output: undefined });
    finish!();
    await until(() => store.getSnapshot().tools[0]?.status === 'done', 'the call to end');
    expect(store.getSnapshot().tools[0]).toMatchObject({ status: 'done', output: '{"celsius":18}' });
    expect(store.getSnapshot().tools[0]!.durationMs).toBeGreaterThanOrEqual(0);

    store.client.sendText('And in Atlantis?');
    const failed = await until(() => store.getSnapshot().tools.find((tool) => tool.status === 'failed'), 'the failing call');
    expect(failed.error).toBeInstanceOf(RealtimeError);
    expect(failed.error!.code).toBe('VOXWIRE_TOOL_FAILED');
    expect(store.getSnapshot().tools).toHaveLength(2);
  });

  it('never rejects a failed connect: the error and the closed state are in the snapshot', async () => {
    const { server, url } = await startMock();
    await server.stop();
    const { store } = ownedStore(url);
    stoppers.push(store.retain());
    await expect(store.connect()).resolves.toBeUndefined();
    const snapshot = store.getSnapshot();
    expect(snapshot.state.status).toBe('closed');
    expect(snapshot.error).toBeInstanceOf(RealtimeError);
    expect(snapshot.error!.code).toBe('VOXWIRE_CONNECTION_FAILED');
  });

  it('leaves a client it was given connected when released; only its own listeners go', async () => {
    const { server, url } = await startMock();
    const client = textClient(url);
    stoppers.push(() => client.disconnect());
    const store = new VoiceStore({ client, audio: false });
    const release = store.retain();
    await store.connect();
    const listeners = client.listenerCount('state');
    expect(listeners).toBeGreaterThan(0);
    release();
    await until(() => client.listenerCount('state') === listeners - 1, 'the store to stop listening');
    expect(client.state.status).toBe('connected');
    expect(server.openConnections).toBe(1);
  });

  it('keeps the transcript across a reconnect', async () => {
    const { server, url } = await startMock({ scenario: createScenario().turn((turn) => turn.says('First answer.')).build() });
    const { store } = ownedStore(url, { reconnect: { initialDelayMs: 10, maxDelayMs: 20 } });
    stoppers.push(store.retain());
    await store.connect();
    store.client.sendText('Hello?');
    await until(() => store.getSnapshot().transcript.some((line) => line.text === 'First answer.' && line.final), 'the answer');
    expect(server.dropConnections()).toBe(1);
    await until(() => store.getSnapshot().state.status === 'reconnecting', 'reconnecting', { wake: (check) => store.subscribe(check), timeoutMs: 15_000 });
    await until(() => store.getSnapshot().state.status === 'connected', 'connected again', { timeoutMs: 15_000 });
    expect(server.connections.length).toBe(2);
    expect(store.getSnapshot().transcript.map((line) => line.text)).toEqual(['Hello?', 'First answer.']);
  });
});
