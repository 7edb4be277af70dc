/**
 * The Durable Objects relay for real: the Worker and its objects run on workerd (Miniflare 3),
 * bundled from src; the upstream is the mock Realtime server on 127.0.0.1, which each session
 * object dials with `fetch` + `Upgrade: websocket`; clients are voxwire's `RealtimeClient` and
 * the raw test client over loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RealtimeClient } from '../../../src/client/client';
import { CLOSE_CODES } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { base64ToPcm16 } from '../../../src/codec/base64';
import { loadFixtureAudio } from '../../../src/testing/fixtures';
import { MockRealtimeServer } from '../../../src/testing/mock/server';
import { defineTool } from '../../../src/tools/define-tool';
import { requireComponent } from '../../helpers/components';
import { RawClient, until, useCleanup } from '../../helpers/index';
import { pcmChunk, SECRET_KEY } from '../harness';

const METRICS_TOKEN = 'metrics-token-0123';
const ADMIN_TOKEN = 'admin-token-4567';

function workerdPresent(): boolean {
  try {
    createRequire(import.meta.url).resolve('workerd');
    return true;
  } catch {
    return false;
  }
}

const present = requireComponent('workerd (through miniflare)', workerdPresent(), 'npm install (miniflare 3 ships workerd as an npm binary)');

const { stoppers } = useCleanup();

let mf: Miniflare | undefined;
let mock: MockRealtimeServer;
let baseUrl: URL;
let bundleDir: string | undefined;

/** The relay's WebSocket URL for a token (`user[;maxMs=..][;budget=..][;sessions=..]`). */
function relayUrl(token: string): string {
  return `ws://${baseUrl.host}/realtime?token=${encodeURIComponent(token)}`;
}

async function raw(token: string): Promise<RawClient> {
  const client = await RawClient.connect(`ws://${baseUrl.host}/realtime`, { query: `?token=${encodeURIComponent(token)}` });
  stoppers.push(() => client.close());
  return client;
}

describe.skipIf(!present)('the relay on Durable Objects (workerd)', () => {
  beforeAll(async () => {
    mock = new MockRealtimeServer({ audioPace: 'instant', auth: { apiKey: SECRET_KEY } });
    await mock.start();
    bundleDir = mkdtempSync(join(tmpdir(), 'voxwire-cf-'));
    const script = join(bundleDir, 'worker.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('relay-worker.ts', import.meta.url))],
      outfile: script,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      mainFields: ['module', 'main'],
      conditions: ['workerd', 'worker', 'import'],
      logLevel: 'silent',
    });
    const { Miniflare } = await import('miniflare');
    mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: bundleDir,
      compatibilityDate: '2025-07-01',
      durableObjects: { VOXWIRE_SESSIONS: 'VoxwireSession', VOXWIRE_USERS: 'VoxwireUser', VOXWIRE_HUB: 'VoxwireHub' },
      bindings: { OPENAI_API_KEY: SECRET_KEY, UPSTREAM_URL: mock.url as string, METRICS_TOKEN, ADMIN_TOKEN },
      host: '127.0.0.1',
      port: 0,
    });
    baseUrl = await mf.ready;
  }, 120_000);

  afterAll(async () => {
    await mf?.dispose();
    await mock?.stop();
    if (bundleDir !== undefined) rmSync(bundleDir, { recursive: true, force: true });
  }, 60_000);

  it('relays a spoken turn with a tool call: RealtimeClient → Worker → session object → upstream', async () => {
    mock.setScenario({
      turns: [
        { user: "What's the weather like in Paris today?", reply: { functionCalls: [{ name: 'get_weather', arguments: { location: 'Paris' }, callId: 'call_cf_1' }] } },
        { reply: { text: "It's 18 degrees and sunny in Paris.", audio: 'reply-weather' } },
      ],
    });
    const connectionsBefore = mock.connections.length;
    const calls: string[] = [];
    const getWeather = defineTool({
      name: 'get_weather',
      description: 'Get the weather for a city.',
      parameters: z.object({ location: z.string() }),
      execute: ({ location }) => {
        calls.push(location);
        return { location, celsius: 18, sky: 'sunny' };
      },
    });
    const client = new RealtimeClient({ url: relayUrl('alice'), logger: silentLogger, reconnect: false, tools: [getWeather], session: { audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } } as never });
    stoppers.push(() => client.disconnect());
    await client.connect();
    const question = await loadFixtureAudio('question');
    for (const chunk of question.chunks) client.appendInputAudio(base64ToPcm16(chunk));
    await until(() => client.conversation.entries.some((entry) => entry.role === 'assistant' && entry.status === 'completed' && entry.text.includes('sunny')), 'the spoken answer after the tool call', {
      timeoutMs: 30_000,
      detail: () => JSON.stringify(client.conversation.entries.map((entry) => [entry.role, entry.text])),
    });
    expect(calls).toEqual(['Paris']);
    const output = mock.received.find((entry) => entry.event.type === 'conversation.item.create' && (entry.event as unknown as { item: { type: string } }).item.type === 'function_call_output');
    expect(output?.event).toMatchObject({ item: { call_id: 'call_cf_1', output: '{"location":"Paris","celsius":18,"sky":"sunny"}' } });
    expect(client.conversation.entries.find((entry) => entry.role === 'user')?.text).toBe("What's the weather like in Paris today?");
    // One upstream connection, dialed by the session object with the server's key (the mock checks it).
    expect(mock.connections.length - connectionsBefore).toBe(1);
  }, 60_000);
});
