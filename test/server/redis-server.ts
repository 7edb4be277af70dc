/**
 * A real `redis-server` for the tests: started on 127.0.0.1 on a free port, with no
 * persistence, in a temporary directory; stopped (and the directory removed) after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, requireComponent } from '../helpers/components';

/** The redis-server executable, when installed. */
export const redisServerPath = findExecutable(['redis-server', '/usr/bin/redis-server']);

/** Whether the Redis suites may run (throws in CI when redis-server is missing). */
export function redisAvailable(): boolean {
  return requireComponent('redis-server', redisServerPath !== undefined, 'Install it with `apt-get install redis-server` (.ci/run does).');
}

async function freePort(): Promise<number> {
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
  stop(): Promise<void>;
}

/** Starts redis-server and waits until it accepts connections. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  if (redisServerPath === undefined) throw new Error('redis-server is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'voxwire-redis-'));
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      redisServerPath,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = await waitForPort(port, child, 5000);
    if (ready) {
      const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exited;
          clearTimeout(timer);
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return { url: `redis://127.0.0.1:${port}`, port, stop };
    }
    child.kill('SIGKILL');
    if (attempt === 2) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start: ${output}`);
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
