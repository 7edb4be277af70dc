/**
 * The browser example's server as a first impression (issue 17, obs. 8): the page's script is
 * served without an inline source map (it was 3.7 MB), and stopping `npm run example:browser`
 * the way a process manager does (SIGTERM to npm, which does not pass it through its shell)
 * leaves no process behind. The React example (`npm run example:react`) runs on the same server.
 */
import { spawn, execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserExample } from '../../examples/browser/server';
import { startReactExample } from '../../examples/react/server';
import type { BrowserExample } from '../../examples/browser/server';
import { ROOT } from './run-example';

describe('examples/react server', () => {
  let example: BrowserExample;
  beforeAll(async () => {
    example = await startReactExample({ port: 0, apiKey: undefined });
  }, 90_000);
  afterAll(async () => {
    await example?.close();
  });

  it('serves the Vite build: the page, its production script with the source map apart', async () => {
    const html = await (await fetch(example.url)).text();
    expect(html).toContain('<div id="root"></div>');
    const src = /<script type="module" crossorigin src="([^"]+\.js)"><\/script>/.exec(html)?.[1];
    expect(src, html).toBeDefined();
    const script = await (await fetch(new URL(src!, example.url))).text();
    expect(script).not.toContain('sourceMappingURL=data:');
    // React's production build, minified: a fraction of the development build.
    expect(script).not.toContain('react-dom.development');
    expect(script.length).toBeLessThan(800_000);
    const map = await fetch(new URL(`${src!}.map`, example.url));
    expect(map.status).toBe(200);
    expect(((await map.json()) as { sources: string[] }).sources.some((source) => source.endsWith('App.tsx'))).toBe(true);
  });
});

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

// The React example runs through the same server (examples/react/server.ts).
describe.skipIf(process.platform === 'win32').each([
  { script: 'example:browser', banner: 'voxwire browser example: open http', source: 'examples/browser/server.ts' },
  { script: 'example:react', banner: 'voxwire React example: open http', source: 'examples/react/server.ts' },
])('npm run $script', ({ script, banner, source }) => {
  it('stops every process it started when npm gets SIGTERM', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.OPENAI_API_KEY;
    // Its own process group, so that what it starts can be found (and, whatever happens, killed).
    const npm = spawn('npm', ['run', script, '--', '--port', '0'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const group = npm.pid!;
    try {
      let output = '';
      npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const started = Date.now();
      while (!output.includes(banner) && Date.now() - started < 90_000) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toContain(banner);
      expect(processGroup(group).some((line) => line.includes(source))).toBe(true);

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
