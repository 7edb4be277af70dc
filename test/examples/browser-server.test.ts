/**
 * The browser example's server as a first impression (issue 17, obs. 8): the page's script is
 * served without an inline source map (it was 3.7 MB), and stopping `npm run example:browser`
 * the way a process manager does (SIGTERM to npm, which does not pass it through its shell)
 * leaves no process behind.
 */
import { spawn, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserExample } from '../../examples/browser/server';
import type { BrowserExample } from '../../examples/browser/server';
import { ROOT } from './run-example';

describe('examples/browser server', () => {
  let example: BrowserExample;
  beforeAll(async () => {
    example = await startBrowserExample({ port: 0, apiKey: undefined });
  }, 60_000);
  afterAll(async () => {
    await example?.close();
  });

  it('serves app.js with its source map apart, not inline', async () => {
    const script = await (await fetch(new URL('app.js', example.url))).text();
    expect(script).not.toContain('sourceMappingURL=data:');
    expect(script.trimEnd().endsWith('//# sourceMappingURL=app.js.map')).toBe(true);
    expect(script.length).toBeLessThan(800_000); // 0.6 MB minified; 3.7 MB with the inline map
    const map = await fetch(new URL('app.js.map', example.url));
    expect(map.status).toBe(200);
    const parsed = (await map.json()) as { version: number; sources: string[] };
    expect(parsed.version).toBe(3);
    expect(parsed.sources.some((source) => source.endsWith('app.ts'))).toBe(true);
  });
});

/** The pids and commands in a process group, or none. */
function processGroup(pgid: number): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '-g', String(pgid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
  } catch {
    return []; // ps exits 1 when the group is empty
  }
}

describe.skipIf(process.platform === 'win32')('npm run example:browser', () => {
  it('stops every process it started when npm gets SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.OPENAI_API_KEY;
    // Its own process group, so that what it starts can be found (and, whatever happens, killed).
    const npm = spawn('npm', ['run', 'example:browser', '--', '--port', '0'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const group = npm.pid!;
    try {
      let output = '';
      npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const started = Date.now();
      while (!output.includes('voxwire browser example: open http') && Date.now() - started < 90_000) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toContain('voxwire browser example: open http');
      expect(processGroup(group).some((line) => line.includes('examples/browser/server.ts'))).toBe(true);

      process.kill(group, 'SIGTERM'); // npm itself, as a process manager or `kill <pid>` does
      let left = processGroup(group);
      const stopping = Date.now();
      while (left.length > 0 && Date.now() - stopping < 20_000) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        left = processGroup(group);
      }
      expect(left).toEqual([]);
    } finally {
      try {
        process.kill(-group, 'SIGKILL');
      } catch {
        // Nothing left to kill.
      }
    }
  }, 150_000);
});
