/**
 * A real `redis-server` for the tests: started on 127.0.0.1 on a free port, with no
 * persistence, in a temporary directory; stopped (and the directory removed) after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { findExecutable, requireComponent } from '../../helpers/components';

/** The redis-server executable, when installed. */
export const redisServerPath = findExecutable(['redis-server', '/usr/bin/redis-server']);

/** Whether the Redis suites may run (throws in CI when redis-server is missing). */
export function redisAvailable(): boolean {
  return requireComponent('redis-server', redisServerPath !== undefined, 'Install it with `apt-get install redis-server` (.ci/run does).');
}

/** A port free on 127.0.0.1 now (another process may take it before it is used: callers retry). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A running redis-server. */
export interface RedisServerHandle {
  url: string;
  port: number;
  /** Kills the server at once (SIGKILL: no goodbye to clients), keeping its port for `restart`. */
  kill(): Promise<void>;
  /** Starts a fresh server (no persistence: every key is gone) on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function spawnRedis(port: number, dir: string): { child: ChildProcess; output: () => string } {
  const child: ChildProcess = spawn(
    redisServerPath as string,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

/** Starts redis-server and waits until it accepts connections. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  if (redisServerPath === undefined) throw new Error('redis-server is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-redis-'));
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    let running = spawnRedis(port, dir);
    const ready = await waitForPort(port, running.child, 5000);
    if (ready) {
      return {
        url: `redis://127.0.0.1:${port}`,
        port,
        kill: () => stopChild(running.child, 'SIGKILL'),
        restart: async () => {
          await stopChild(running.child, 'SIGKILL');
          // The port was just released; a few tries cover a slow release on a loaded machine.
          for (let retry = 0; retry < 10; retry += 1) {
            running = spawnRedis(port, dir);
            if (await waitForPort(port, running.child, 5000)) return;
            await stopChild(running.child, 'SIGKILL');
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
          throw new Error(`redis-server did not restart on port ${port}: ${running.output()}`);
        },
        stop: async () => {
          await stopChild(running.child, 'SIGTERM');
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    running.child.kill('SIGKILL');
    if (attempt === 2) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start: ${running.output()}`);
    }
  }
  throw new Error('unreachable');
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    const pong = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      let reply = '';
      socket.once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        reply += chunk.toString();
        if (reply.includes('PONG')) {
          socket.destroy();
          resolve(true);
        }
      });
      setTimeout(() => {
        socket.destroy();
        resolve(false);
      }, 500);
    });
    if (pong) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/**
 * One redis-server for a test file: started before its tests (when available), stopped after.
 * `server()` is the running handle.
 */
export function useRedisServer(): { available: boolean; server: () => RedisServerHandle } {
  const available = redisAvailable();
  let handle: RedisServerHandle | undefined;
  beforeAll(async () => {
    if (available) handle = await startRedisServer();
  });
  afterAll(async () => {
    await handle?.stop();
  });
  return {
    available,
    server: () => {
      if (handle === undefined) throw new Error('redis-server is not running');
      return handle;
    },
  };
}
