import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MockRealtimeServer } from '../../../src/testing/mock/server';

describe('MockRealtimeServer lifecycle', () => {
  it('stop() closes every socket, timer and stream: the process exits on its own', async () => {
    const script = fileURLToPath(new URL('./server-exit.script.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exitCode = await new Promise<number | null>((resolve) => {
      // A leaked timer or socket keeps the child alive; the mock's own timers here run for an hour.
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', (code) => {
        clearTimeout(killer);
        resolve(code);
      });
    });
    expect(stderr).toBe('');
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout.trim()) as { code: number; waitResult: string; resources: string[]; open: number };
    expect(report.code).toBe(1006);
    expect(report.waitResult).toMatch(/stopped/);
    expect(report.resources).toEqual([]);
    expect(report.open).toBe(0);
  }, 20_000);

  it('stop() before start() and start() after stop() are safe', async () => {
    const server = new MockRealtimeServer();
    await server.stop();
    await expect(server.start()).rejects.toThrow(/after stop/);
    await server.stop();
  });

  it('start() is idempotent and validates options up front', async () => {
    expect(() => new MockRealtimeServer({ audioPace: 0 })).toThrow(/audioPace/);
    expect(() => new MockRealtimeServer({ maxConnections: -1 })).toThrow(/maxConnections/);
    expect(() => new MockRealtimeServer({ port: 70000 })).toThrow(/port/);
    expect(() => new MockRealtimeServer({ sessionDefaults: { modalities: ['text'] } as never })).toThrow(/sessionDefaults: unknown field `session.modalities` \(GA uses `session.output_modalities`\)/);
    expect(() => new MockRealtimeServer({ scenario: { turns: [{ drop: { after: 'x', count: 0 } }] } })).toThrow(/count/);
    const server = new MockRealtimeServer();
    const [a, b] = await Promise.all([server.start(), server.start()]);
    expect(a).toBe(b);
    expect(server.url).toBe(a.url);
    await server.stop();
  });
});
