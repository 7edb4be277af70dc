/**
 * Graceful drain on Node: SIGTERM drains a relay process (examples/deploy/relay-node.ts, the
 * file the deployment docs start from), a second SIGTERM hastens it, and a RealtimeClient closed
 * with 4000 reconnects to another relay and keeps its transcript and context.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RealtimeClient } from '../../../src/client/client';
import type { ClientState } from '../../../src/client/client-events';
import { CLOSE_CODES } from '../../../src/base/errors';
import { silentLogger } from '../../../src/base/logger';
import { createRelay, type NodeRelay } from '../../../src/server/node/create-relay';
import { httpGet, RelayClient, SECRET_KEY } from '../harness';
import { once, until, useCleanup } from '../../helpers/index';

const RELAY_NODE = fileURLToPath(new URL('../../../examples/deploy/relay-node.ts', import.meta.url));
const AUTH_SECRET = 'drain-test-secret';
const token = (userId: string): string => `${userId}.${createHmac('sha256', AUTH_SECRET).update(userId).digest('hex')}`;

const { stoppers, startMock } = useCleanup();

interface NodeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startNodeProcess(upstreamUrl: string, env: Record<string, string>): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', RELAY_NODE], {
    env: { ...process.env, OPENAI_API_KEY: SECRET_KEY, OPENAI_REALTIME_URL: upstreamUrl, RELAY_AUTH_SECRET: AUTH_SECRET, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  stoppers.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const listening = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`relay node did not start: ${stderr}`)), 30_000);
    child.once('exit', (code) => reject(new Error(`relay node exited with ${code}: ${stderr}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((candidate) => candidate.includes('"listening"'));
      if (line === undefined) return;
      clearTimeout(timer);
      const parsed = JSON.parse(line) as { listening: string; port: number };
      resolve({ url: parsed.listening, port: parsed.port });
    });
  });
  return { child, exited, ...listening };
}

describe('SIGTERM drains the relay process', () => {
  it('warns live sessions, answers health 503, closes them with 4000 at the deadline, then exits by the signal', async () => {
    const { url: upstreamUrl } = await startMock({ auth: { apiKey: SECRET_KEY } });
    const node = await startNodeProcess(upstreamUrl, { RELAY_DRAIN_MS: '4000' });
    const client = await RelayClient.connect(node.url, `?token=${token('ada')}`);
    stoppers.push(() => client.close());
    await client.next('session.created', 15_000);
    expect(await httpGet(node.port, '/healthz')).toEqual({ status: 200, body: 'ok' });

    node.child.kill('SIGTERM');
    expect(await client.next('voxwire.session.ending', 15_000)).toMatchObject({ reason: 'draining', seconds_left: 4 });
    expect(await httpGet(node.port, '/healthz')).toEqual({ status: 503, body: 'draining' });
    await expect(RelayClient.connect(node.url, `?token=${token('bo')}`)).rejects.toMatchObject({ statusCode: 503 });
    expect(await client.closed).toEqual({ code: CLOSE_CODES.draining, reason: 'relay draining, reconnect' });
    expect(await node.exited).toEqual({ code: null, signal: 'SIGTERM' });
  }, 60_000);

  it('a second SIGTERM closes the live sessions at once', async () => {
    const { url: upstreamUrl } = await startMock({ auth: { apiKey: SECRET_KEY } });
    // An hour: only the second signal can close the session within the test's time.
    const node = await startNodeProcess(upstreamUrl, { RELAY_DRAIN_MS: String(3_600_000) });
    const client = await RelayClient.connect(node.url, `?token=${token('cy')}`);
    stoppers.push(() => client.close());
    await client.next('session.created', 15_000);
    node.child.kill('SIGTERM');
    expect(await client.next('voxwire.session.ending', 15_000)).toMatchObject({ reason: 'draining', seconds_left: 3600 });
    node.child.kill('SIGTERM');
    expect((await client.closed).code).toBe(CLOSE_CODES.draining);
    expect(await node.exited).toEqual({ code: null, signal: 'SIGTERM' });
  }, 60_000);
});

describe('a client closed with 4000 reconnects elsewhere', () => {
  it('RealtimeClient reconnects to the other relay and keeps its transcript and context', async () => {
    const { server: mock, url: upstreamUrl } = await startMock({ auth: { apiKey: SECRET_KEY } });
    const makeRelay = (nodeId: string): NodeRelay => {
      const relay = createRelay({
        upstream: { url: upstreamUrl, apiKey: SECRET_KEY },
        authenticate: () => ({ userId: 'ada' }),
        nodeId,
        logger: silentLogger,
        pingIntervalMs: Infinity,
        drainOnSignals: false,
      });
      stoppers.push(() => relay.close({ drainMs: 0 }));
      return relay;
    };
    const first = makeRelay('first');
    const second = makeRelay('second');
    // The smallest balancer: new upgrades go to the first relay until it drains.
    const balancer = createServer((_request, response) => response.writeHead(404).end());
    balancer.on('upgrade', (request, socket, head) => void (first.draining ? second : first).handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
    stoppers.push(() => new Promise((resolve) => balancer.close(resolve)));
    const { port } = balancer.address() as { port: number };

    const instructions = 'Remember the user name. Answer briefly.';
    const client = new RealtimeClient({
      url: `ws://127.0.0.1:${port}/realtime`,
      session: { type: 'realtime', instructions, output_modalities: ['text'] },
      logger: silentLogger,
      reconnect: { initialDelayMs: 10, maxDelayMs: 100, jitter: 'none' },
    });
    stoppers.push(() => client.disconnect());
    const states: ClientState[] = [];
    client.on('state', (state) => states.push(state));
    const endings: string[] = [];
    client.on('sessionEnding', (info) => endings.push(`${info.source}:${info.reason}`));
    await client.connect();
    const userItem = client.sendText('My name is Ada.');
    await mock.waitFor('response.done', { direction: 'sent' });
    await until(() => client.conversation.entries.some((entry) => entry.role === 'assistant' && entry.status === 'completed'), 'the reply in the transcript');
    const before = client.conversation.entries.map((entry) => ({ id: entry.id, role: entry.role, text: entry.text }));
    expect(before.length).toBeGreaterThanOrEqual(2);

    const reconnected = once<void>((resolve) => client.on('state', (state) => state.status === 'connected' && resolve()), 'the client to reconnect', 20_000);
    await first.drain({ drainMs: 100 });
    await reconnected;

    expect(endings).toContain('relay:draining');
    expect(states).toContainEqual(expect.objectContaining({ status: 'reconnecting', attempt: 1, closeCode: CLOSE_CODES.draining }));
    expect(first.sessionCount).toBe(0);
    expect(second.sessionCount).toBe(1);
    // The transcript outlived the connection, and the new upstream session got the context back.
    expect(client.conversation.entries.map((entry) => ({ id: entry.id, role: entry.role, text: entry.text }))).toEqual(before);
    await mock.waitFor({ type: 'conversation.item.create', item: { id: userItem } }, { direction: 'received', connection: 1 });
    const replayed = mock.filter('conversation.item.create', { direction: 'received', connection: 1 }).map((entry) => (entry.event as unknown as { item: { id: string } }).item.id);
    expect(replayed).toEqual(before.map((entry) => entry.id));
    const update = await mock.waitFor('session.update', { direction: 'received', connection: 1 });
    expect(update.event).toMatchObject({ session: { instructions } });
  });
});
